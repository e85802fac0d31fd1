"""Moving tensors between the host and devices, layouts and dtypes (thin checks over ttnn._C)."""

from ttnn import _C
from ttnn._C import DataType, Device, Layout, MemoryConfig, MeshDevice, Tensor


def check_type(op, name, value, expected, hint):
    """Raises TypeError naming the op, the argument and the value unless isinstance(value, expected)."""
    if not isinstance(value, expected):
        raise TypeError(f"{op}: {name} must be {hint}, got {value!r} ({type(value).__name__})")


def check_pad_value(op, pad_value):
    """pad_value as a float; TypeError naming the op unless it is a real number."""
    if isinstance(pad_value, bool) or not isinstance(pad_value, (int, float)):
        raise TypeError(f"{op}: pad_value must be a number, got {pad_value!r} ({type(pad_value).__name__})")
    return float(pad_value)


def check_tensor(op, tensor):
    check_type(op, "tensor", tensor, Tensor, "a ttnn.Tensor")


def to_device(tensor, device, memory_config=None, cq_id=None):
    """Copies a host tensor to a Device (or to every device of a MeshDevice)."""
    check_tensor("ttnn.to_device", tensor)
    check_type("ttnn.to_device", "device", device, (Device, MeshDevice), "a ttnn.Device or ttnn.MeshDevice")
    if memory_config is None:
        memory_config = _C.DRAM_MEMORY_CONFIG
    check_type("ttnn.to_device", "memory_config", memory_config, MemoryConfig, "a ttnn.MemoryConfig")
    return _C.to_device(tensor, device, memory_config)


def from_device(tensor, blocking=True, cq_id=None):
    """Copies a device tensor back to the host (a host tensor is returned as is)."""
    check_tensor("ttnn.from_device", tensor)
    return _C.from_device(tensor)


def to_layout(tensor, layout, dtype=None, memory_config=None, pad_value=0.0):
    """Tilizes (padding with pad_value) or untilizes a tensor where it lives, optionally changing dtype."""
    check_tensor("ttnn.to_layout", tensor)
    check_type("ttnn.to_layout", "layout", layout, Layout, "a ttnn.Layout such as ttnn.TILE_LAYOUT")
    if dtype is not None:
        check_type("ttnn.to_layout", "dtype", dtype, DataType, "a ttnn.DataType such as ttnn.bfloat16")
    if memory_config is not None:
        check_type("ttnn.to_layout", "memory_config", memory_config, MemoryConfig, "a ttnn.MemoryConfig")
    return _C.to_layout(tensor, layout, dtype, memory_config, check_pad_value("ttnn.to_layout", pad_value))


def typecast(tensor, dtype, memory_config=None):
    """Converts a tensor to another dtype where it lives (values rounded as TT-NN's host does)."""
    check_tensor("ttnn.typecast", tensor)
    check_type("ttnn.typecast", "dtype", dtype, DataType, "a ttnn.DataType such as ttnn.bfloat16")
    if memory_config is not None:
        check_type("ttnn.typecast", "memory_config", memory_config, MemoryConfig, "a ttnn.MemoryConfig")
    return _C.typecast(tensor, dtype, memory_config)


def deallocate(tensor, force=True):
    """Frees a tensor's memory; every handle on it sees it deallocated. A borrowed host tensor
    only lets go of the array it borrowed: the array itself is left as it was."""
    check_tensor("ttnn.deallocate", tensor)
    _C.deallocate(tensor)
