"""TorchTtnnOption: what the torch_ttnn backend is asked to do (DESIGN.md section 2)."""

from __future__ import annotations

import dataclasses
from typing import Any, Optional

import ttnn

_NUMERICS = ("faithful", "fast")
_DTYPES = {"bfloat16": "bf16", "float32": "f32"}


@dataclasses.dataclass
class TorchTtnnOption:
    """Options of `torch.compile(model, backend=torch_ttnn.backend, options=TorchTtnnOption(...))`.

    device: a ttnn Device or MeshDevice (default: ttnn's default device, opened on first use).
    data_parallel: split the batch over this many devices of a MeshDevice (1: no split). The batch
        is dim 0 of the first input; inputs with that dim 0 are split, every device runs the whole
        model on its share and weights are replicated once at compile time. Outputs must be
        batch-major (they are concatenated along dim 0) and the whole model must lower to TT-NN.
        When the batch is not a multiple of data_parallel it is padded by repeating the last sample
        (a warning says so; the extra samples cost device time) and the outputs are trimmed back.
    gen_graphviz: write a Graphviz file of the graph after each pass (to graphviz_dir).
    metrics_path: write per-graph statistics (JSON) to this path.
    bypass_compile: return the traced ATen graph unlowered (runs in torch); for debugging.
    verbose: print the IR after lowering and after each pass.
    export_code: write a standalone Python script of ttnn calls that reproduces each program
        (a path; True writes next to metrics_path or into the current directory).
    load_params_once: freeze parameters into constants converted and placed on the device once,
        at compile time (inference graphs; training graphs always read the live parameters).
    numerics: "faithful" (TT-NN dtypes, every op's output rounded; NUMERICS.md) or "fast" (fp32).
    activation_dtype / weight_dtype: TT-NN dtypes of activations and weights in faithful mode.
    math_fidelity / fp32_dest_acc_en: the matrix engine's configuration for matmul and conv.
    """

    device: Any = None
    data_parallel: int = 1
    gen_graphviz: bool = False
    metrics_path: Optional[str] = None
    bypass_compile: bool = False
    verbose: bool = False
    export_code: Any = False
    load_params_once: bool = True
    numerics: str = "faithful"
    activation_dtype: str = "bfloat16"
    weight_dtype: str = "bfloat16"
    math_fidelity: Any = None
    fp32_dest_acc_en: bool = True
    graphviz_dir: str = "ttnn_graphviz"
    fuse: bool = True

    def __post_init__(self):
        if self.numerics not in _NUMERICS:
            raise ValueError(f"TorchTtnnOption: numerics={self.numerics!r}, expected one of {_NUMERICS}")
        for field in ("activation_dtype", "weight_dtype"):
            value = getattr(self, field)
            if value not in _DTYPES:
                raise ValueError(f"TorchTtnnOption: {field}={value!r}, expected one of {tuple(_DTYPES)}")
        if not isinstance(self.data_parallel, int) or self.data_parallel < 1:
            raise ValueError(f"TorchTtnnOption: data_parallel={self.data_parallel!r} must be a positive int")
        if self.math_fidelity is None:
            self.math_fidelity = ttnn.MathFidelity.HiFi4
        if not isinstance(self.math_fidelity, ttnn.MathFidelity):
            raise ValueError(f"TorchTtnnOption: math_fidelity={self.math_fidelity!r} is not a ttnn.MathFidelity")
        if self.device is not None and not isinstance(self.device, (ttnn.Device, ttnn.MeshDevice)):
            raise ValueError(f"TorchTtnnOption: device={self.device!r} is not a ttnn Device or MeshDevice")
        if self.data_parallel > 1:
            if not isinstance(self.device, ttnn.MeshDevice):
                raise ValueError(
                    f"TorchTtnnOption: data_parallel={self.data_parallel} needs a ttnn.MeshDevice, got {self.device!r}")
            if self.device.get_num_devices() != self.data_parallel:
                raise ValueError(
                    f"TorchTtnnOption: data_parallel={self.data_parallel} but the mesh has "
                    f"{self.device.get_num_devices()} devices")

    def lower_options(self):
        return ttnn._C.graph.LowerOptions(
            faithful=self.numerics == "faithful",
            activation_dtype=_DTYPES[self.activation_dtype],
            weight_dtype=_DTYPES[self.weight_dtype],
            math_fidelity=self.math_fidelity,
            fp32_dest_acc_en=self.fp32_dest_acc_en,
        )

    def resolved_device(self):
        if self.device is None:
            self.device = _default_device()
        return self.device


_DEFAULT_DEVICE = None


def _default_device():
    """ttnn's built-in default device: device 0, opened once and kept for the process."""
    global _DEFAULT_DEVICE
    if _DEFAULT_DEVICE is None:
        try:
            _DEFAULT_DEVICE = ttnn.open_device(device_id=0)
        except Exception as err:
            if "already open" not in str(err):
                raise
            raise ValueError(
                "torch_ttnn: TorchTtnnOption(device=None) opens device 0 as the default device, but device 0 is "
                "already open (by you); pass it: TorchTtnnOption(device=<your device>)") from err
    return _DEFAULT_DEVICE
