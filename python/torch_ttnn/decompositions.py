"""The decomposition table: PyTorch's core ATen decompositions, minus the ops TT-NN runs whole.

Convolution, addmm/linear, layer norm, softmax, scaled dot-product attention, gelu, batch norm,
pooling and upsampling stay single nodes so that their lowering rules (and fusions) see them.
"""

from __future__ import annotations

import torch
from torch._decomp import core_aten_decompositions

aten = torch.ops.aten

# Packets kept whole; every overload of each is removed from the table.
KEEP_WHOLE = [
    aten.convolution, aten.addmm, aten.mm, aten.bmm, aten.linear, aten.matmul,
    aten.native_layer_norm, aten.layer_norm, aten._softmax, aten._log_softmax, aten.softmax,
    aten.scaled_dot_product_attention, aten._scaled_dot_product_flash_attention_for_cpu,
    aten.gelu, aten.silu, aten.hardswish, aten.hardsigmoid, aten.hardtanh, aten.mish, aten.elu,
    aten.leaky_relu, aten.softplus, aten.sigmoid, aten.tanh,
    aten._native_batch_norm_legit_no_training, aten._native_batch_norm_legit,
    aten.native_group_norm, aten.group_norm,
    aten.max_pool2d_with_indices, aten.avg_pool2d, aten.adaptive_avg_pool2d, aten._adaptive_avg_pool2d,
    aten.upsample_nearest2d, aten.upsample_bilinear2d,
    aten.embedding, aten.rsub, aten.clamp, aten.clamp_min, aten.clamp_max,
    aten.var_mean, aten.var, aten.std, aten.mean, aten.sum,
    aten.rms_norm, aten._fused_rms_norm,
]


def _native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """Inference batch norm (CPU's eval path reaches native_batch_norm) as the one overload the
    rules and the conv + batch-norm fusion know; training stays as it is."""
    if training or running_mean is None or running_var is None:
        return NotImplemented
    return aten._native_batch_norm_legit_no_training.default(input, weight, bias, running_mean, running_var,
                                                            momentum, eps)


def decomposition_table():
    table = dict(core_aten_decompositions())
    for packet in KEEP_WHOLE:
        for name in packet.overloads():
            table.pop(getattr(packet, name), None)
    table[aten.native_batch_norm.default] = _native_batch_norm
    return table
