"""How a torch tensor holds a framework-neutral weight array.

A dense kernel is neutral ``(in, out)`` and torch ``(out, in)``: transposed. The
CTGAN critic's first kernel also keeps its inputs in another order than the
neutral one (see :class:`genesis_torch.networks.Discriminator`). A
:class:`TensorLayout` says both, and converts either way; weight export and
import and the optimizer state use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["AS_IS", "TRANSPOSED", "TensorLayout", "as_layout"]


@dataclass(frozen=True)
class TensorLayout:
    """A torch tensor's relation to its neutral array.

    Attributes:
        transpose: the torch tensor is the neutral array transposed.
        rows: for each row of the (transposed) torch tensor, the neutral row it holds;
            ``None`` for the same order.
    """

    transpose: bool = False
    rows: np.ndarray | None = None

    def to_neutral(self, array: np.ndarray) -> np.ndarray:
        """The neutral array of the torch tensor's values ``array`` (a new array)."""
        array = array.T if self.transpose else array
        if self.rows is not None:
            out = np.empty_like(array)
            out[self.rows] = array
            return out
        return np.ascontiguousarray(array).copy()

    def from_neutral(self, array: np.ndarray) -> np.ndarray:
        """The torch tensor's values for the neutral ``array`` (contiguous)."""
        if self.rows is not None:
            array = array[self.rows]
        return np.ascontiguousarray(array.T if self.transpose else array)


AS_IS = TensorLayout()
TRANSPOSED = TensorLayout(transpose=True)


def as_layout(layout: TensorLayout | bool) -> TensorLayout:
    """``layout``, with ``True`` / ``False`` read as :data:`TRANSPOSED` / :data:`AS_IS`."""
    if isinstance(layout, TensorLayout):
        return layout
    return TRANSPOSED if layout else AS_IS
