"""Python indexing of ttnn tensors: ``tensor[1:3, :, ::2]``, ``tensor[0]``, ``tensor[..., None]``.

Indexing follows torch: an int removes its dim, ``None`` adds a size-1 dim, one ``...`` stands for
the dims not named. It runs as ttnn.slice (plus a reshape when dims are removed or added), so like
TT-NN's it returns a new tensor, not a view; steps must be positive.
"""

import operator

from ttnn._C import Tensor
from ttnn._C import ops as _ops

_OP = "ttnn.Tensor.__getitem__"


def _expand_ellipsis(key, rank):
    if not isinstance(key, tuple):
        key = (key,)
    ellipses = sum(1 for k in key if k is Ellipsis)
    if ellipses > 1:
        raise IndexError(f"{_OP}: an index can hold only one ellipsis ('...')")
    named = sum(1 for k in key if k is not None and k is not Ellipsis)
    if named > rank:
        raise IndexError(f"{_OP}: {named} indices for a tensor of rank {rank}")
    fill = (slice(None),) * (rank - named)
    if ellipses:
        at = key.index(Ellipsis)
        return key[:at] + fill + key[at + 1 :]
    return key + fill


def getitem(tensor, key):
    """tensor[key] with torch's indexing rules (ints, slices with positive steps, None, ...)."""
    shape = list(tensor.shape)
    starts, ends, steps, out_shape = [], [], [], []
    dim = 0
    for k in _expand_ellipsis(key, len(shape)):
        if k is None:
            out_shape.append(1)
            continue
        n = shape[dim]
        if isinstance(k, slice):
            start, stop, step = k.indices(n)
            if step <= 0:
                raise ValueError(f"{_OP}: slice step {step} in dim {dim} must be positive")
            starts.append(start)
            ends.append(max(stop, start))
            steps.append(step)
            out_shape.append(len(range(start, stop, step)))
        else:
            try:
                i = operator.index(k)
            except TypeError:
                kind = type(k).__name__
                hint = "use ints, slices, None or ..."
                raise TypeError(f"{_OP}: cannot index with {kind}; {hint}") from None
            if not -n <= i < n:
                raise IndexError(f"{_OP}: index {i} is out of range for dim {dim} of size {n}")
            i %= n
            starts.append(i)
            ends.append(i + 1)
            steps.append(1)
        dim += 1
    whole = all(s == 0 and e == n and st == 1 for s, e, st, n in zip(starts, ends, steps, shape))
    out = tensor if whole else _ops.slice(tensor, starts, ends, steps)
    if list(out.shape) != out_shape:
        out = _ops.reshape(out, out_shape)
    return out


Tensor.__getitem__ = getitem
