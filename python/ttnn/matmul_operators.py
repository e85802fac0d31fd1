"""Tensor operators of the matmul family: `a @ b` on ttnn tensors is ttnn.matmul(a, b)."""

from ttnn._C import Tensor
from ttnn._C import ops as _ops


def _matmul(self, other):
    """ttnn.matmul(self, other) with default arguments."""
    if not isinstance(other, Tensor):
        return NotImplemented
    return _ops.matmul(self, other)


Tensor.__matmul__ = _matmul
