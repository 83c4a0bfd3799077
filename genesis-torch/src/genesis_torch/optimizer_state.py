"""Adam's state and the random generator's, to and from the neutral training-state layout.

See :mod:`genesis.models.training_state` for the names. Both optimizers the torch
backend uses are handled: :class:`genesis_torch.adam.FusedAdam` (CTGAN, TVAE),
whose moments and step counts are lists aligned with its parameters, and
``torch.optim.Adam`` (TimeGAN, and the fallback of :func:`genesis_torch.adam.adam`),
whose per-parameter state is created at its first step.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch

from genesis_torch.adam import FusedAdam
from genesis_torch.weight_layout import TensorLayout, as_layout

__all__ = [
    "export_adam",
    "export_generator",
    "export_state",
    "import_adam",
    "import_generator",
    "import_state",
]

#: A neutral weight name and how its torch tensor holds it (``True``: transposed).
Named = Mapping[int, tuple[str, TensorLayout | bool]]


def _to_numpy(tensor: torch.Tensor, layout: TensorLayout | bool) -> np.ndarray:
    return as_layout(layout).to_neutral(tensor.detach().to("cpu", torch.float32).numpy())


def _to_tensor(array: np.ndarray, layout: TensorLayout | bool, like: torch.Tensor) -> torch.Tensor:
    array = as_layout(layout).from_neutral(np.asarray(array, dtype=np.float32))
    return torch.from_numpy(array).to(like.device, like.dtype)


def _moments(
    optimizer: FusedAdam | torch.optim.Optimizer,
) -> list[tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None, torch.Tensor | None]]:
    """``(param, m, v, step)`` for every parameter; ``None`` before torch.optim's first step."""
    if isinstance(optimizer, FusedAdam):
        return list(
            zip(
                optimizer.params,
                optimizer.exp_avgs,
                optimizer.exp_avg_sqs,
                optimizer.steps,
                strict=True,
            )
        )
    rows = []
    for group in optimizer.param_groups:
        for param in group["params"]:
            state = optimizer.state.get(param, {})
            rows.append((param, state.get("exp_avg"), state.get("exp_avg_sq"), state.get("step")))
    return rows


def export_adam(
    name: str, optimizer: FusedAdam | torch.optim.Optimizer, named: Named
) -> dict[str, np.ndarray]:
    """The optimizer's moments and step count under ``optimizer.{name}.*``.

    ``named`` maps ``id(parameter)`` to its neutral weight name and layout.
    """
    out: dict[str, np.ndarray] = {}
    steps = set()
    for param, m, v, step in _moments(optimizer):
        weight, layout = named[id(param)]
        zeros = torch.zeros_like(param)
        out[f"optimizer.{name}.m.{weight}"] = _to_numpy(zeros if m is None else m, layout)
        out[f"optimizer.{name}.v.{weight}"] = _to_numpy(zeros if v is None else v, layout)
        steps.add(0 if step is None else int(torch.as_tensor(step).item()))
    if len(steps) > 1:  # every parameter of these models is updated at every step
        raise RuntimeError(f"optimizer {name!r}: its parameters have different step counts")
    out[f"optimizer.{name}.step"] = np.array(steps.pop() if steps else 0, dtype=np.int64)
    return out


@torch.no_grad()
def import_adam(
    name: str,
    optimizer: FusedAdam | torch.optim.Optimizer,
    named: Named,
    state: Mapping[str, np.ndarray],
) -> None:
    """Load ``optimizer.{name}.*`` from ``state`` (an optimizer absent there is left as is)."""
    step_name = f"optimizer.{name}.step"
    if step_name not in state:
        return
    step = float(state[step_name])
    if isinstance(optimizer, FusedAdam):
        for param, m, v, count in _moments(optimizer):
            weight, layout = named[id(param)]
            assert m is not None and v is not None and count is not None
            m.copy_(_to_tensor(state[f"optimizer.{name}.m.{weight}"], layout, m))
            v.copy_(_to_tensor(state[f"optimizer.{name}.v.{weight}"], layout, v))
            count.fill_(step)
        return
    packed: dict[int, dict[str, torch.Tensor]] = {}
    index = 0
    for group in optimizer.param_groups:
        for param in group["params"]:
            weight, layout = named[id(param)]
            packed[index] = {
                "step": torch.tensor(step, dtype=torch.float32),
                "exp_avg": _to_tensor(state[f"optimizer.{name}.m.{weight}"], layout, param),
                "exp_avg_sq": _to_tensor(state[f"optimizer.{name}.v.{weight}"], layout, param),
            }
            index += 1
    current = optimizer.state_dict()
    # load_state_dict puts each step count where this optimizer keeps it (on the
    # parameter's device for the fused kernel, on the CPU otherwise).
    optimizer.load_state_dict({"state": packed, "param_groups": current["param_groups"]})


def export_generator(key: str, generator: torch.Generator) -> dict[str, np.ndarray]:
    """The random generator's state as ``random.{key}`` (uint8)."""
    return {f"random.{key}": generator.get_state().numpy().copy()}


def import_generator(key: str, generator: torch.Generator, state: Mapping[str, np.ndarray]) -> None:
    """Restore ``random.{key}`` if ``state`` has it (saved by this backend on this device
    kind); leave the generator as seeded otherwise."""
    saved = state.get(f"random.{key}")
    if saved is not None:
        generator.set_state(torch.from_numpy(np.ascontiguousarray(saved, dtype=np.uint8)))


def export_state(
    optimizers: Mapping[str, FusedAdam | torch.optim.Optimizer],
    named: Named,
    generator: tuple[str, torch.Generator] | None = None,
) -> dict[str, np.ndarray]:
    """A model's whole training state: every optimizer by name, and ``(key, generator)``."""
    state = export_generator(*generator) if generator is not None else {}
    for name, optimizer in optimizers.items():
        state.update(export_adam(name, optimizer, named))
    return state


def import_state(
    optimizers: Mapping[str, FusedAdam | torch.optim.Optimizer],
    named: Named,
    state: Mapping[str, np.ndarray],
    generator: tuple[str, torch.Generator] | None = None,
) -> None:
    """Load what :func:`export_state` wrote (by this or another backend)."""
    for name, optimizer in optimizers.items():
        import_adam(name, optimizer, named, state)
    if generator is not None:
        import_generator(*generator, state)
