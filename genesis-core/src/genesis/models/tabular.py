"""CTGAN and TVAE as the core defines them: spec, batches, output decoding.

A backend provides the tensors (networks, losses, optimizer steps); everything
here is numpy and the same for every backend: which networks to build
(:meth:`TabularMethod.spec`), what each training step sees
(:meth:`TabularMethod.epoch_batches`), and how raw network output becomes
each row's scalars and categories (:meth:`TabularMethod.draw`).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping

import numpy as np

from genesis.data.conditional import ConditionalSampler
from genesis.data.transformer import DataTransformer
from genesis.errors import ConfigurationError
from genesis.models.activations import DrawnRows, ctgan_draw, tvae_draw
from genesis.models.batches import CTGANBatch, TrainBatch, TVAEBatch
from genesis.models.spec import CTGANParams, ModelSpec, TVAEParams

__all__ = ["CTGANMethod", "TVAEMethod", "TabularMethod", "make_tabular_method"]


class TabularMethod(ABC):
    """One tabular method's framework-neutral half."""

    name: str
    #: whether the generator takes a condition vector (CTGAN) or not (TVAE).
    conditional: bool
    #: the names of the losses a train step returns.
    loss_names: tuple[str, ...]

    def __init__(self, params: CTGANParams | TVAEParams) -> None:
        self.params = params

    @abstractmethod
    def spec(self, transformer: DataTransformer) -> ModelSpec:
        """The networks to build for data laid out by ``transformer``."""

    @abstractmethod
    def epoch_batches(
        self, data: np.ndarray, sampler: ConditionalSampler, rng: np.random.Generator
    ) -> Iterator[TrainBatch]:
        """The training batches of one epoch over the transformed ``data``."""

    @abstractmethod
    def steps_per_epoch(self, n_rows: int) -> int:
        """How many train steps one epoch over ``n_rows`` rows takes."""

    @abstractmethod
    def draw(
        self,
        raw: np.ndarray,
        spec: ModelSpec,
        weights: Mapping[str, np.ndarray],
        rng: np.random.Generator,
    ) -> DrawnRows:
        """Turn raw generator output into the rows' scalars and categories (activations, draws)."""

    @property
    def embedding_dim(self) -> int:
        """Width of the noise the generative network takes."""
        return self.params.embedding_dim


class CTGANMethod(TabularMethod):
    """CTGAN (Xu et al., 2019): conditional WGAN-GP with training-by-sampling."""

    name = "ctgan"
    conditional = True
    loss_names = ("generator", "discriminator")
    params: CTGANParams

    def __init__(self, params: CTGANParams) -> None:
        if params.batch_size % params.pac:
            raise ConfigurationError(
                f"CTGAN batch_size ({params.batch_size}) must be a multiple of pac ({params.pac})"
            )
        super().__init__(params)

    def spec(self, transformer: DataTransformer) -> ModelSpec:
        return ModelSpec(
            method=self.name,
            params=self.params,
            data_dim=transformer.output_dim,
            cond_dim=transformer.cond_dim,
            output_spans=transformer.output_spans,
            condition_spans=transformer.condition_spans(),
        )

    def steps_per_epoch(self, n_rows: int) -> int:
        return max(1, n_rows // self.params.batch_size)

    def epoch_batches(
        self, data: np.ndarray, sampler: ConditionalSampler, rng: np.random.Generator
    ) -> Iterator[CTGANBatch]:
        b, d_steps = self.params.batch_size, self.params.discriminator_steps
        for _ in range(self.steps_per_epoch(len(data))):
            conds, reals = [], []
            for _ in range(d_steps):
                cond, _, rows = sampler.sample_training(b, rng)
                conds.append(cond)
                reals.append(data[rows])
            gen_cond, gen_mask, _ = sampler.sample_training(b, rng)
            yield CTGANBatch(
                real=np.stack(reals), cond=np.stack(conds), gen_cond=gen_cond, gen_mask=gen_mask
            )

    def draw(
        self,
        raw: np.ndarray,
        spec: ModelSpec,
        weights: Mapping[str, np.ndarray],
        rng: np.random.Generator,
    ) -> DrawnRows:
        return ctgan_draw(raw, spec.output_spans, rng)


class TVAEMethod(TabularMethod):
    """TVAE (Xu et al., 2019): a variational autoencoder on the transformed rows."""

    name = "tvae"
    conditional = False
    loss_names = ("loss",)
    params: TVAEParams

    def spec(self, transformer: DataTransformer) -> ModelSpec:
        return ModelSpec(
            method=self.name,
            params=self.params,
            data_dim=transformer.output_dim,
            cond_dim=0,
            output_spans=transformer.output_spans,
            condition_spans=(),
        )

    def steps_per_epoch(self, n_rows: int) -> int:
        return max(1, math.ceil(n_rows / self.params.batch_size))

    def epoch_batches(
        self, data: np.ndarray, sampler: ConditionalSampler, rng: np.random.Generator
    ) -> Iterator[TVAEBatch]:
        order = rng.permutation(len(data))
        b = self.params.batch_size
        for start in range(0, len(data), b):
            yield TVAEBatch(real=data[order[start : start + b]])

    def draw(
        self,
        raw: np.ndarray,
        spec: ModelSpec,
        weights: Mapping[str, np.ndarray],
        rng: np.random.Generator,
    ) -> DrawnRows:
        params = spec.params
        discrete = params.discrete_output if isinstance(params, TVAEParams) else "sample"
        return tvae_draw(raw, spec.output_spans, weights["decoder.sigma"], rng, discrete=discrete)


def make_tabular_method(name: str, params: CTGANParams | TVAEParams) -> TabularMethod:
    """The method object for ``name`` (``"ctgan"`` or ``"tvae"``)."""
    if name == "ctgan" and isinstance(params, CTGANParams):
        return CTGANMethod(params)
    if name == "tvae" and isinstance(params, TVAEParams):
        return TVAEMethod(params)
    raise ConfigurationError(
        f"{name!r} is not a tabular method with parameters {type(params).__name__}"
    )
