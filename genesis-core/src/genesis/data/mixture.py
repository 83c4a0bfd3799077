"""A one-dimensional variational Bayesian Gaussian mixture with a Dirichlet-process prior.

CTGAN's mode-specific normalization fits, to every continuous column, a
variational Gaussian mixture whose weights follow a truncated stick-breaking
(Dirichlet-process) prior with a small concentration (0.001), so that the fit
switches off the components the data do not need. The components whose weight
stays above a threshold (0.005) are the column's *modes*.

The data are one-dimensional, so this module fits the mixture directly with
vectorized numpy updates (the mean-field updates of Bishop, *Pattern
Recognition and Machine Learning*, section 10.2, with a Gaussian-Gamma prior on
each component's mean and precision and a stick-breaking prior on the weights).
Three things keep it fast:

* the column is subsampled to at most ``max_fit_rows`` values;
* repeated values are merged and carried as weights, so a column of integers
  with a few hundred distinct values costs a few hundred rows, not thousands;
* the fit works on the standardized column, which makes the priors (centred on
  the column mean, scaled by its variance) identical for every column and keeps
  huge magnitudes (datetimes in nanoseconds) numerically safe.

Values that alone make up a large share of the column (``atom_fraction``, 10% by
default: the zeros of ``capital-gain``, the 40 of ``hours-per-week``) become
*atoms*: modes of zero spread that decode to exactly that value. A Gaussian
component cannot do that: its variance floor and the few nearby values it takes
in give a spike a spread of tens of units, and generated zeros come back as
small non-zero numbers. The mixture is fitted to the remaining values.

Priors follow the usual choices: mean prior = the column mean, mean precision
prior 1, degrees of freedom prior 1, scale prior = the column variance, plus a
``1e-6`` variance floor (in standardized units). The fit starts from a
one-dimensional k-means++ clustering and stops when the mean log-normalizer of
the responsibilities changes by less than ``tol`` or after ``max_iter`` rounds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["MixtureConfig", "MixtureModes", "fit_mixture"]

_LOG_2PI = float(np.log(2.0 * np.pi))
_EPS = 10.0 * np.finfo(np.float64).eps


@dataclass(frozen=True)
class MixtureConfig:
    """Settings of the one-dimensional variational mixture fit.

    Attributes:
        max_components: the truncation level of the stick-breaking prior.
        weight_concentration: the Dirichlet-process concentration; small values
            switch off unneeded components.
        weight_threshold: components whose weight is at most this are dropped.
        max_fit_rows: the column is subsampled to this many values before the
            fit (``None`` fits on every value).
        max_iter: the most variational update rounds.
        tol: convergence threshold on the change of the mean log-normalizer.
        reg_var: variance floor added to every component, in the data's own
            units like sklearn's ``reg_covar`` (so a spike of identical values
            keeps a near-zero spread), capped at ``reg_var`` times the column
            variance.
        kmeans_iter: Lloyd iterations of the initial one-dimensional k-means.
        atom_fraction: a value held by at least this share of the rows becomes
            an atom (a mode of zero spread); ``None`` turns atoms off (the
            paper's plain mixture).
    """

    max_components: int = 10
    weight_concentration: float = 1e-3
    weight_threshold: float = 0.005
    max_fit_rows: int | None = 20_000
    max_iter: int = 100
    tol: float = 1e-5
    reg_var: float = 1e-6
    kmeans_iter: int = 20
    atom_fraction: float | None = 0.1


@dataclass(frozen=True)
class MixtureModes:
    """The kept components (modes) of a fitted one-dimensional mixture.

    Attributes:
        means: component means, shape ``(k,)``.
        stds: component standard deviations, shape ``(k,)``; zero marks an
            atom, a mode holding exactly one value (its mean).
        weights: component weights renormalized over the kept components,
            shape ``(k,)``, summing to one.
    """

    means: np.ndarray
    stds: np.ndarray
    weights: np.ndarray

    @property
    def n_modes(self) -> int:
        """Number of kept components."""
        return int(self.means.shape[0])

    def log_density(self, values: np.ndarray) -> np.ndarray:
        """Log density of each value under the mixture of kept components.

        Args:
            values: a 1-D array of finite values.

        Returns:
            A float64 array of shape ``(n,)``.
        """
        joint = self._log_joint(values)
        top = joint.max(axis=0)
        joint -= top
        np.exp(joint, out=joint)
        return top + np.log(joint.sum(axis=0))

    def posterior(self, values: np.ndarray) -> np.ndarray:
        """Posterior probability of each kept component for each value.

        Uses ``weight_k * Normal(x | mean_k, std_k)`` normalized over the kept
        components.

        Args:
            values: a 1-D array of finite values.

        Returns:
            A float64 array of shape ``(n, k)`` whose rows sum to one.
        """
        return self._posterior_by_mode(values).T

    def draw_modes(self, values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Draw one kept component per value from its posterior.

        Args:
            values: a 1-D array of finite values.
            rng: the generator (one uniform draw per value).

        Returns:
            An int64 array of shape ``(n,)`` with component indices.
        """
        cumulative = np.cumsum(self._posterior_by_mode(values), axis=0)
        draws = rng.random((cumulative.shape[1],))
        chosen = (draws[None, :] > cumulative).sum(axis=0)
        return np.minimum(chosen, self.n_modes - 1).astype(np.int64)

    def _posterior_by_mode(self, values: np.ndarray) -> np.ndarray:
        # Component-major (k, n) layout: reductions over k run across rows,
        # which numpy vectorizes far better than reductions over short rows.
        joint = self._log_joint(values)
        joint -= joint.max(axis=0)
        np.putmask(joint, joint < -600.0, -np.inf)  # exact zeros, no slow subnormals
        np.exp(joint, out=joint)
        joint /= joint.sum(axis=0)
        return joint

    def _log_joint(self, values: np.ndarray) -> np.ndarray:
        x = np.asarray(values, dtype=np.float64).reshape(1, -1)
        atoms = self.stds == 0.0
        stds = np.where(atoms, 1.0, self.stds)
        z = (x - self.means[:, None]) / stds[:, None]
        z *= z
        z *= -0.5
        z += (np.log(self.weights) - np.log(stds) - 0.5 * _LOG_2PI)[:, None]
        if atoms.any():
            # An atom holds its value with certainty (a point mass outweighs any
            # density) and nothing else; a value no mode can hold goes to the nearest.
            hit = x == self.means[atoms][:, None]
            z[atoms] = np.where(hit, np.log(self.weights[atoms])[:, None], -np.inf)
            z[:, hit.any(axis=0)] = np.where(atoms[:, None], z[:, hit.any(axis=0)], -np.inf)
            lost = np.isneginf(z).all(axis=0)
            if lost.any():
                z[:, lost] = -np.abs(x[:, lost] - self.means[:, None])
        return z

    def to_state(self) -> dict[str, Any]:
        """Return the modes as JSON-ready data."""
        return {
            "means": [float(v) for v in self.means],
            "stds": [float(v) for v in self.stds],
            "weights": [float(v) for v in self.weights],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> MixtureModes:
        """Rebuild modes written by :meth:`to_state`."""
        return cls(
            means=np.asarray(state["means"], dtype=np.float64),
            stds=np.asarray(state["stds"], dtype=np.float64),
            weights=np.asarray(state["weights"], dtype=np.float64),
        )


def fit_mixture(
    values: np.ndarray,
    rng: np.random.Generator,
    config: MixtureConfig = MixtureConfig(),  # frozen, so sharing one default is safe
) -> MixtureModes:
    """Fit the variational Dirichlet-process mixture to a 1-D array.

    Args:
        values: finite values (NaN must be removed by the caller), at least one.
        rng: the generator for the subsample and the k-means++ seeding; the fit
            is deterministic given its state.
        config: the fit settings.

    Returns:
        The kept components: the atoms first (standard deviation zero), then
        the mixture's components in the order of the stick-breaking prior. A
        constant column gives one atom (with atoms turned off: one mode with a
        small positive standard deviation).

    Raises:
        ValueError: if ``values`` is empty or holds non-finite numbers.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    if x.size == 0:
        raise ValueError("fit_mixture needs at least one value")
    if not np.all(np.isfinite(x)):
        raise ValueError("fit_mixture needs finite values (remove NaN and infinities first)")
    if config.max_fit_rows is not None and x.size > config.max_fit_rows:
        x = x[rng.choice(x.size, size=config.max_fit_rows, replace=False)]

    center = float(x.mean())
    scale = float(x.std())
    if not np.isfinite(scale) or scale <= 1e-12 * max(1.0, abs(center)):
        return _constant_modes(center, atom=config.atom_fraction is not None)
    atoms, atom_weights = _find_atoms(x, config.atom_fraction)
    if atoms.size:
        rest = x[~np.isin(x, atoms)]
        if rest.size == 0:
            return MixtureModes(
                means=atoms, stds=np.zeros(atoms.size), weights=atom_weights / atom_weights.sum()
            )
        smooth = _fit_smooth(rest, rng, config, max(1, config.max_components - atoms.size))
        share = rest.size / x.size
        return MixtureModes(
            means=np.concatenate([atoms, smooth.means]),
            stds=np.concatenate([np.zeros(atoms.size), smooth.stds]),
            weights=np.concatenate([atom_weights, smooth.weights * share]),
        )
    return _fit_smooth(x, rng, config, config.max_components)


def _find_atoms(x: np.ndarray, fraction: float | None) -> tuple[np.ndarray, np.ndarray]:
    """The values holding at least ``fraction`` of ``x``, and their shares."""
    if fraction is None:
        return np.zeros(0), np.zeros(0)
    values, counts = np.unique(x, return_counts=True)
    share = counts / x.size
    keep = share >= fraction
    return values[keep], share[keep]


def _fit_smooth(
    x: np.ndarray, rng: np.random.Generator, config: MixtureConfig, max_components: int
) -> MixtureModes:
    """Fit the variational mixture to the non-atom values ``x``."""
    center = float(x.mean())
    scale = float(x.std())
    if not np.isfinite(scale) or scale <= 1e-12 * max(1.0, abs(center)):
        return _constant_modes(center, atom=config.atom_fraction is not None)

    points, counts = np.unique((x - center) / scale, return_counts=True)
    weights = counts.astype(np.float64)
    n_components = min(max_components, points.size)
    labels = _kmeans_1d(points, weights, n_components, rng, config.kmeans_iter)
    resp = np.zeros((n_components, points.size))
    resp[labels, np.arange(points.size)] = 1.0

    # reg_var is a variance floor in the data's own units, as sklearn's reg_covar
    # (so a spike of identical values, e.g. the zeros of capital-gain, keeps a
    # near-zero spread), but never more than reg_var in units of the column variance.
    floor = config.reg_var * min(1.0, 1.0 / scale**2)
    fit = _VariationalFit(points, weights, dataclasses.replace(config, reg_var=floor))
    fit.m_step(resp)
    previous = -np.inf
    for _ in range(config.max_iter):
        resp, mean_log_norm = fit.e_step()
        fit.m_step(resp)
        if abs(mean_log_norm - previous) < config.tol:
            break
        previous = mean_log_norm

    mix_weights = fit.weights()
    keep = mix_weights > config.weight_threshold
    if not np.any(keep):  # cannot happen with a threshold below 1/K; stay safe
        keep = mix_weights == mix_weights.max()
    kept = mix_weights[keep]
    return MixtureModes(
        means=fit.means[keep] * scale + center,
        stds=np.sqrt(fit.variances[keep]) * scale,
        weights=kept / kept.sum(),
    )


def _constant_modes(center: float, *, atom: bool) -> MixtureModes:
    """One mode for values that are (numerically) all equal: an atom, or with atoms
    turned off, a narrow Gaussian."""
    std = 0.0 if atom else 1e-3 * max(1.0, abs(center))
    return MixtureModes(means=np.array([center]), stds=np.array([std]), weights=np.array([1.0]))


class _VariationalFit:
    """Mean-field parameters of the standardized 1-D mixture (internal)."""

    def __init__(self, points: np.ndarray, weights: np.ndarray, config: MixtureConfig) -> None:
        self.points = points
        self.points_squared = points * points
        self.sample_weights = weights
        self.total = float(weights.sum())
        self.config = config
        # Priors on the standardized data: mean 0, variance ~1.
        self.mean_prior = 0.0
        self.mean_precision_prior = 1.0
        self.dof_prior = 1.0
        self.scale_prior = 1.0

    def m_step(self, resp: np.ndarray) -> None:
        """Update the variational posteriors from ``(k, n)`` responsibilities."""
        weighted = resp * self.sample_weights[None, :]
        nk = weighted.sum(axis=1) + _EPS
        # einsum, not @: multithreaded BLAS costs more than it saves at this size.
        xk = np.einsum("kn,n->k", weighted, self.points) / nk
        sk = np.einsum("kn,n->k", weighted, self.points_squared) / nk - xk * xk
        sk = np.maximum(sk, 0.0) + self.config.reg_var
        # Stick-breaking Beta(a_k, b_k): b_k = concentration + sum of later counts.
        later = np.concatenate((np.cumsum(nk[::-1])[::-1][1:], [0.0]))
        self.stick_a = 1.0 + nk
        self.stick_b = self.config.weight_concentration + later
        self.mean_precision = self.mean_precision_prior + nk
        self.means = (self.mean_precision_prior * self.mean_prior + nk * xk) / self.mean_precision
        self.dof = self.dof_prior + nk
        diff = xk - self.mean_prior
        scale = (
            self.scale_prior
            + nk * sk
            + nk * self.mean_precision_prior / self.mean_precision * diff * diff
        )
        self.variances = scale / self.dof

    def e_step(self) -> tuple[np.ndarray, float]:
        """Return ``(k, n)`` responsibilities and the weighted mean log-normalizer."""
        dig_sum = _digamma(self.stick_a + self.stick_b)
        log_v = _digamma(self.stick_a) - dig_sum
        log_one_minus_v = _digamma(self.stick_b) - dig_sum
        log_pi = log_v + np.concatenate(([0.0], np.cumsum(log_one_minus_v)[:-1]))
        # E[log precision] = digamma(dof/2) + log 2 - log(dof * variance).
        e_log_prec = _digamma(0.5 * self.dof) + np.log(2.0) - np.log(self.dof * self.variances)
        const = log_pi + 0.5 * e_log_prec - 0.5 * _LOG_2PI - 0.5 / self.mean_precision
        resp = self.means[:, None] - self.points[None, :]
        resp *= resp
        resp *= (-0.5 / self.variances)[:, None]
        resp += const[:, None]
        top = resp.max(axis=0)
        resp -= top
        # Keep exp() away from subnormal results, which are very slow on x86.
        np.maximum(resp, -600.0, out=resp)
        np.exp(resp, out=resp)
        total = resp.sum(axis=0)
        resp /= total
        log_norm = top + np.log(total)
        mean_log_norm = float(np.einsum("n,n->", self.sample_weights, log_norm)) / self.total
        return resp, mean_log_norm

    def weights(self) -> np.ndarray:
        """Expected mixture weights under the stick-breaking posterior."""
        total = self.stick_a + self.stick_b
        frac = self.stick_a / total
        remaining = np.concatenate(([1.0], np.cumprod(self.stick_b / total)[:-1]))
        w = frac * remaining
        return w / w.sum()


def _kmeans_1d(
    points: np.ndarray,
    weights: np.ndarray,
    n_clusters: int,
    rng: np.random.Generator,
    n_iter: int,
) -> np.ndarray:
    """Weighted 1-D k-means (k-means++ seeding, Lloyd steps); returns labels.

    ``points`` must be sorted and distinct, with at least ``n_clusters`` values.
    """
    centers = np.empty(n_clusters)
    centers[0] = points[rng.choice(points.size, p=weights / weights.sum())]
    closest = (points - centers[0]) ** 2
    for j in range(1, n_clusters):
        potential = closest * weights
        total = potential.sum()
        if total <= 0.0:
            centers[j:] = centers[0]
            break
        pick = int(np.searchsorted(np.cumsum(potential), rng.random() * total, side="right"))
        centers[j] = points[min(pick, points.size - 1)]
        np.minimum(closest, (points - centers[j]) ** 2, out=closest)

    labels = np.zeros(points.size, dtype=np.int64)
    for _ in range(n_iter):
        centers = np.unique(centers)
        bounds = 0.5 * (centers[1:] + centers[:-1])
        new_labels = np.searchsorted(bounds, points)
        mass = np.bincount(new_labels, weights=weights, minlength=centers.size)
        sums = np.bincount(new_labels, weights=weights * points, minlength=centers.size)
        occupied = mass > 0
        centers = sums[occupied] / mass[occupied]
        if np.array_equal(new_labels, labels) and occupied.all():
            break
        labels = new_labels
    centers = np.unique(centers)
    bounds = 0.5 * (centers[1:] + centers[:-1])
    return np.searchsorted(bounds, points).astype(np.int64)


def _digamma(x: np.ndarray) -> np.ndarray:
    """Digamma function for positive arguments (recurrence + asymptotic series)."""
    x = np.asarray(x, dtype=np.float64).copy()
    result = np.zeros_like(x)
    for _ in range(6):
        small = x < 6.0
        if not small.any():
            break
        result -= np.where(small, 1.0 / x, 0.0)
        x = np.where(small, x + 1.0, x)
    inv = 1.0 / x
    inv2 = inv * inv
    series = inv2 * (
        1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132)))
    )
    return result + np.log(x) - 0.5 * inv - series
