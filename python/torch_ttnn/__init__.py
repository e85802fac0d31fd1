"""torch_ttnn: the PyTorch 2 compiler onto TT-NN.

    model = torch.compile(model, backend=torch_ttnn.backend, options=torch_ttnn.TorchTtnnOption(device=device))

also available as backend="ttnn". The ATen graph is lowered by the C++ rule table into TT-NN ops,
optimized by the C++ passes and run as C++ Programs; what TT-NN cannot express stays in torch.

Eager mode (eager.py): model.to(torch_ttnn.ttnn_device_as_torch_device(device)) runs every ATen op
as a one-node program through the same rules; torch_ttnn.eager_stats() counts what ran where.
"""

import torch

import ttnn  # noqa: F401

from .backend import backend
from .eager import eager_stats, reset_eager_stats, ttnn_device_as_torch_device
from .options import TorchTtnnOption

torch._dynamo.register_backend(name="ttnn")(backend)

__all__ = ["backend", "TorchTtnnOption", "ttnn_device_as_torch_device", "eager_stats", "reset_eager_stats"]
