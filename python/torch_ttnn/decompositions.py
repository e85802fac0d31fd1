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


def _attention_math(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        # scaled_dot_product_attention turns a bool mask (True = attend) into an additive one before
        # it dispatches; the math kernel expects that form.
        attn_mask = torch.zeros(attn_mask.shape, dtype=query.dtype, device=query.device).masked_fill(attn_mask.logical_not(), float("-inf"))
    return aten._scaled_dot_product_attention_math(query, key, value, attn_mask, dropout_p, is_causal, None,
                                                   scale=scale, enable_gqa=enable_gqa)[0]


def use_math_attention(gm: torch.fx.GraphModule) -> int:
    """Training graphs: scaled_dot_product_attention calls become torch's math formulation
    (matmuls and a softmax) before aot_autograd traces them. Whole, CPU autograd would pick the
    flash kernel, whose backward is one opaque op (and whose forward saves a logsumexp) that TT-NN
    has no counterpart for; spelled out, the forward and its gradient are ops the rules lower.
    Inference keeps the op whole (it lowers to ttnn's fused attention). Returns the calls replaced."""
    replaced = 0
    for node in gm.graph.nodes:
        if node.op == "call_function" and node.target is torch.nn.functional.scaled_dot_product_attention:
            node.target = _attention_math
            replaced += 1
    if replaced:
        gm.recompile()
    return replaced
