"""ttnn.transformer: attention ops under their TT-NN namespace."""

from ttnn._C import ops as _ops

if hasattr(_ops, "scaled_dot_product_attention"):
    scaled_dot_product_attention = _ops.scaled_dot_product_attention
