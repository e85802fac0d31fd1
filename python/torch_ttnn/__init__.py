"""torch_ttnn: the PyTorch 2 compiler onto TT-NN.

The torch.compile backend and the eager TT-NN torch device are built on top of the `ttnn`
runtime (see the open issues); this package currently only exposes the runtime it builds on.
"""

import ttnn  # noqa: F401

__all__ = []
