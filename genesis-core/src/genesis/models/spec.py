"""Framework-neutral descriptions of the networks a backend must build.

The core decides *what* CTGAN and TVAE are (sizes, activations, losses,
optimizer settings); a backend only turns a :class:`ModelSpec` into tensors.
Every field here is plain data, so a spec can be written to JSON in a model file
and rebuilt on another backend.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from genesis.errors import ConfigurationError
from genesis.models.timegan import SequenceMetricParams, TimeGANParams

__all__ = [
    "CTGANParams",
    "ConditionSpan",
    "ModelSpec",
    "OutputSpan",
    "SequenceMetricParams",
    "TVAEParams",
    "TimeGANParams",
]

Activation = Literal["tanh", "softmax"]


@dataclass(frozen=True)
class OutputSpan:
    """A slice ``[start, start + width)`` of the transformed row and its activation.

    ``tanh`` spans have width 1 (a mode-normalized continuous scalar);
    ``softmax`` spans are one-hot blocks (a mixture mode, a category, or a
    missing-value indicator).
    """

    start: int
    width: int
    activation: Activation


@dataclass(frozen=True)
class ConditionSpan:
    """Where one discrete column sits in the data row and in the condition vector.

    Attributes:
        column: the column's name in the user's table.
        data_start: first index of the column's one-hot block in the transformed row.
        cond_start: first index of the same block in the condition vector.
        width: number of categories (the block's width in both places).
    """

    column: str
    data_start: int
    cond_start: int
    width: int


@dataclass(frozen=True)
class CTGANParams:
    """CTGAN hyperparameters; the defaults are the paper's (Xu et al., 2019)."""

    embedding_dim: int = 128
    generator_dim: tuple[int, ...] = (256, 256)
    discriminator_dim: tuple[int, ...] = (256, 256)
    generator_lr: float = 2e-4
    generator_decay: float = 1e-6
    discriminator_lr: float = 2e-4
    discriminator_decay: float = 1e-6
    betas: tuple[float, float] = (0.5, 0.9)
    batch_size: int = 500
    discriminator_steps: int = 1
    pac: int = 10
    epochs: int = 300
    gradient_penalty: float = 10.0
    gumbel_tau: float = 0.2
    leaky_relu_slope: float = 0.2
    dropout: float = 0.5
    batchnorm_momentum: float = 0.1
    batchnorm_eps: float = 1e-5

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class TVAEParams:
    """TVAE hyperparameters; the defaults are the paper's (Xu et al., 2019)."""

    embedding_dim: int = 128
    compress_dims: tuple[int, ...] = (128, 128)
    decompress_dims: tuple[int, ...] = (128, 128)
    lr: float = 1e-3
    l2scale: float = 1e-5
    batch_size: int = 500
    epochs: int = 300
    loss_factor: float = 2.0
    sigma_init: float = 0.1
    sigma_min: float = 0.01
    sigma_max: float = 1.0
    discrete_output: str = "sample"
    """How sampling turns the decoder's logits for a one-hot span into a category:
    ``"sample"`` draws it from their softmax (the paper's decoder distribution),
    ``"argmax"`` takes the most likely one (what sdv-dev ctgan does; it pulls columns
    the latent code carries little of, such as ``race`` on Adult, onto their mode)."""

    def __post_init__(self) -> None:
        if self.discrete_output not in ("sample", "argmax"):
            raise ConfigurationError(
                f"TVAE discrete_output must be 'sample' or 'argmax', got {self.discrete_output!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class ModelSpec:
    """Everything a backend needs to build one method's networks and optimizers.

    Attributes:
        method: ``"ctgan"``, ``"tvae"``, ``"timegan"``, or one of TimeGAN's evaluation
            networks (:data:`genesis.models.timegan.METRIC_CLASSIFIER`,
            :data:`~genesis.models.timegan.METRIC_PREDICTOR`); third-party methods may
            add names.
        params: the method's hyperparameters.
        data_dim: width of a transformed data row (TimeGAN: of one encoded step;
            evaluation networks: of their input).
        cond_dim: width of the condition vector (0 for TVAE).
        output_spans: the activation layout of a transformed row.
        condition_spans: one entry per discrete column, for the conditional loss.
    """

    method: str
    params: CTGANParams | TVAEParams | TimeGANParams | SequenceMetricParams
    data_dim: int
    cond_dim: int = 0
    output_spans: tuple[OutputSpan, ...] = field(default_factory=tuple)
    condition_spans: tuple[ConditionSpan, ...] = field(default_factory=tuple)
