"""Numpy references of what a backend's model hooks must compute, for its unit tests.

Each function recomputes, in float64 numpy from the weights a model reports
(``genesis_get_weights``), a value that the hooks compute in their framework:
the documented TimeGAN losses of each phase (:mod:`genesis.models.timegan`) and
which networks a training step changed. Compare with a relative tolerance (about ``2e-4``):
the backend computes in float32.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from genesis.models.timegan import TimeGANParams, numpy_recurrent_forward

__all__ = [
    "changed_networks",
    "joint_losses",
    "network_output",
    "reconstruction_loss",
    "supervised_loss",
]


def changed_networks(before: Mapping[str, np.ndarray], after: Mapping[str, np.ndarray]) -> set[str]:
    """The networks at least one of whose weights changed.

    Args:
        before: weights by name (``"embedder.cell.0.kernel"``), before the step.
        after: the same names, after the step.

    Returns:
        The networks (the first part of a weight's name) with a weight that differs.
    """
    return {name.split(".")[0] for name in before if not np.array_equal(before[name], after[name])}


def network_output(
    weights: Mapping[str, np.ndarray],
    name: str,
    layers: int,
    x: np.ndarray,
    module: str = "gru",
    sigmoid: bool = True,
) -> np.ndarray:
    """The float64 output of TimeGAN network ``name``: its recurrent stack, then its dense layer.

    Args:
        weights: the model's weights by name.
        name: the network (``"embedder"``, ``"recovery"``, ``"generator"``,
            ``"supervisor"``, ``"discriminator"``).
        layers: cells in the network's stack.
        x: ``(batch, seq_len, width)`` input sequences.
        module: ``"gru"`` or ``"lstm"``.
        sigmoid: apply the sigmoid after the dense layer (every network but the
            discriminator, whose logits the losses take).

    Returns:
        ``(batch, seq_len, output width)`` float64.
    """
    h = numpy_recurrent_forward(weights, name, module, layers, x).astype(np.float64)
    y = h @ weights[f"{name}.output.kernel"] + weights[f"{name}.output.bias"]
    return 1.0 / (1.0 + np.exp(-y)) if sigmoid else y


def reconstruction_loss(
    params: TimeGANParams, weights: Mapping[str, np.ndarray], real: np.ndarray
) -> float:
    """The documented loss of an embedding step: 10 × the RMSE of recovery(embedder(X)).

    Args:
        params: the model's hyperparameters (cells, module).
        weights: the model's weights by name, before the step.
        real: ``(batch, seq_len, D)`` real sequences (the one round of the batch).

    Returns:
        The ``reconstruction`` loss.
    """
    layers, m = params.num_layers, params.module
    x = real.astype(np.float64)
    h = network_output(weights, "embedder", layers, x, m)
    return 10 * np.sqrt(np.mean((x - network_output(weights, "recovery", layers, h, m)) ** 2))


def supervised_loss(
    params: TimeGANParams, weights: Mapping[str, np.ndarray], real: np.ndarray
) -> float:
    """The documented loss of a supervised step: the supervisor's next-step MSE in latent space.

    Takes the arguments of :func:`reconstruction_loss`; returns the ``supervised`` loss.
    """
    m = params.module
    h = network_output(weights, "embedder", params.num_layers, real.astype(np.float64), m)
    supervisor = network_output(weights, "supervisor", params.supervisor_layers, h, m)
    return np.mean((h[:, 1:] - supervisor[:, :-1]) ** 2)


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, x)


def joint_losses(
    params: TimeGANParams,
    weights: Mapping[str, np.ndarray],
    real: np.ndarray,
    noise: np.ndarray,
) -> dict[str, float]:
    """The documented losses of one joint TimeGAN iteration, from fixed weights.

    The weights are taken as they were before the iteration, so compare with a
    step whose learning rate is vanishing (``lr=1e-12``).

    Args:
        params: the model's hyperparameters (cells, ``gamma``, module).
        weights: the model's weights by name, before the step.
        real: ``(3, batch, seq_len, D)`` real sequences of a joint batch.
        noise: ``(3, batch, seq_len, D)`` noise of the same batch.

    Returns:
        ``generator``, ``supervised``, ``moments`` and ``embedder``, the means over
        the two generator rounds, and ``discriminator``, from the third round.
    """
    layers, gamma, m = params.num_layers, params.gamma, params.module

    def E(x: np.ndarray) -> np.ndarray:
        return network_output(weights, "embedder", layers, x, m)

    def R(x: np.ndarray) -> np.ndarray:
        return network_output(weights, "recovery", layers, x, m)

    def G(x: np.ndarray) -> np.ndarray:
        return network_output(weights, "generator", layers, x, m)

    def S(x: np.ndarray) -> np.ndarray:
        return network_output(weights, "supervisor", params.supervisor_layers, x, m)

    def Dn(x: np.ndarray) -> np.ndarray:
        return network_output(weights, "discriminator", layers, x, m, sigmoid=False)

    g_losses, g_s_all, g_v_all, e_losses = [], [], [], []
    for k in range(2):
        x, z = real[k].astype(np.float64), noise[k]
        h = E(x)
        e_hat = G(z)
        h_hat = S(e_hat)
        x_hat = R(h_hat)
        g_s = np.mean((h[:, 1:] - S(h)[:, :-1]) ** 2)
        g_v = np.mean(np.abs(np.sqrt(x_hat.var(0) + 1e-6) - np.sqrt(x.var(0) + 1e-6))) + np.mean(
            np.abs(x_hat.mean(0) - x.mean(0))
        )
        g = (
            np.mean(_softplus(-Dn(h_hat)))
            + gamma * np.mean(_softplus(-Dn(e_hat)))
            + 100 * np.sqrt(g_s)
            + 100 * g_v
        )
        e = 10 * np.sqrt(np.mean((x - R(h)) ** 2)) + 0.1 * g_s
        g_losses.append(g)
        g_s_all.append(g_s)
        g_v_all.append(g_v)
        e_losses.append(e)
    x, z = real[2].astype(np.float64), noise[2]
    e_hat = G(z)
    d = (
        np.mean(_softplus(-Dn(E(x))))
        + np.mean(_softplus(Dn(S(e_hat))))
        + gamma * np.mean(_softplus(Dn(e_hat)))
    )
    return {
        "generator": np.mean(g_losses),
        "supervised": np.mean(g_s_all),
        "moments": np.mean(g_v_all),
        "embedder": np.mean(e_losses),
        "discriminator": d,
    }
