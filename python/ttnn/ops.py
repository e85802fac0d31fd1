"""The TT-NN ops, by their TT-NN names (ttnn.add, ttnn.matmul, ...), bound from C++ per family."""

from ttnn._C import ops as _ops

_names = [name for name in dir(_ops) if not name.startswith("_")]
globals().update({name: getattr(_ops, name) for name in _names})
__all__ = _names


def op_table():
    """The op table: one dict per op (name, family, dtypes, layouts, summary)."""
    return _ops.op_table()
