// Kernels of the norm family: ttnn.softmax, scale_mask_softmax, layer_norm, rms_norm, group_norm
// and batch_norm nodes -> ttnn::ops. Optional tensors (weight, bias, masks, running statistics)
// are kwargs; their operand positions are read once, when the program is built.
#include <optional>

#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/graph/kernel_table.hpp"
#include "ttnn/ops/norm.hpp"

namespace ttnn::graph {
namespace {

using Outs = std::vector<Tensor>;

// Operand `index` (from KernelContext::operand_index) of `in`, or nullopt for -1.
std::optional<Tensor> optional_operand(std::span<const Tensor> in, int index) {
    if (index < 0) return std::nullopt;
    return in[static_cast<std::size_t>(index)];
}

Tensor as_dtype(const Tensor& t, DataType dtype) { return t.dtype() == dtype ? t : ttnn::typecast(t, dtype); }

BoundKernel softmax_kernel(const KernelContext& ctx) {
    const std::int64_t dim = ctx.get_int("dim", -1);
    const bool stable = ctx.get_bool("numeric_stable", true);
    const DataType dtype = ctx.output_dtype();
    return [=](std::span<const Tensor> in) {
        return Outs{as_dtype(ops::softmax(in[0], dim, std::nullopt, std::nullopt, stable), dtype)};
    };
}

BoundKernel scale_mask_softmax_kernel(const KernelContext& ctx) {
    const std::optional<float> scale =
        ctx.has("scale") ? std::optional(static_cast<float>(ctx.get_float("scale"))) : std::nullopt;
    const int mask = ctx.operand_index("mask");
    const bool causal = ctx.get_bool("is_causal_mask", false);
    const bool stable = ctx.get_bool("numeric_stable", true);
    const DataType dtype = ctx.output_dtype();
    return [=](std::span<const Tensor> in) {
        return Outs{as_dtype(ops::scale_mask_softmax(in[0], scale, optional_operand(in, mask), std::nullopt, causal,
                                                     std::nullopt, stable),
                             dtype)};
    };
}

using RowNorm = Tensor (*)(const Tensor&, float, const std::optional<Tensor>&, const std::optional<Tensor>&,
                           const std::optional<Tensor>&, const std::optional<MemoryConfig>&,
                           const std::optional<ops::ComputeKernelConfig>&);

KernelFactory row_norm(RowNorm fn) {
    return [fn](const KernelContext& ctx) -> BoundKernel {
        const float eps = static_cast<float>(ctx.get_float("epsilon", 1e-12));
        const int weight = ctx.operand_index("weight"), bias = ctx.operand_index("bias");
        const int residual = ctx.operand_index("residual_input_tensor");
        const DataType dtype = ctx.output_dtype();
        return [=](std::span<const Tensor> in) {
            return Outs{as_dtype(fn(in[0], eps, optional_operand(in, weight), optional_operand(in, bias),
                                    optional_operand(in, residual), std::nullopt, std::nullopt),
                                 dtype)};
        };
    };
}

BoundKernel group_norm_kernel(const KernelContext& ctx) {
    const std::int64_t groups = ctx.get_int("num_groups");
    const float eps = static_cast<float>(ctx.get_float("epsilon", 1e-12));
    const int mask = ctx.operand_index("input_mask");
    const int weight = ctx.operand_index("weight"), bias = ctx.operand_index("bias");
    const DataType dtype = ctx.output_dtype();
    return [=](std::span<const Tensor> in) {
        return Outs{as_dtype(ops::group_norm(in[0], groups, eps, optional_operand(in, mask), optional_operand(in, weight),
                                             optional_operand(in, bias)),
                             dtype)};
    };
}

// Inference only: training=True would update the running statistics in place, and a program's
// constants must not change between runs.
BoundKernel batch_norm_kernel(const KernelContext& ctx) {
    if (ctx.get_bool("training", false))
        throw InvalidArgument(ctx.op() + ": training=True is not supported by the program executor");
    const float eps = static_cast<float>(ctx.get_float("eps", 1e-5));
    const int mean = ctx.operand_index("running_mean"), var = ctx.operand_index("running_var");
    const int weight = ctx.operand_index("weight"), bias = ctx.operand_index("bias");
    const DataType dtype = ctx.output_dtype();
    return [=](std::span<const Tensor> in) {
        return Outs{as_dtype(ops::batch_norm(in[0], optional_operand(in, mean), optional_operand(in, var), false, eps,
                                             0.1f, optional_operand(in, weight), optional_operand(in, bias)),
                             dtype)};
    };
}

}  // namespace

void register_norm_kernels(KernelTable& table) {
    table.add("ttnn.softmax", softmax_kernel);
    table.add("ttnn.scale_mask_softmax", scale_mask_softmax_kernel);
    table.add("ttnn.layer_norm", row_norm(&ops::layer_norm));
    table.add("ttnn.rms_norm", row_norm(&ops::rms_norm));
    table.add("ttnn.group_norm", group_norm_kernel);
    table.add("ttnn.batch_norm", batch_norm_kernel);
}

}  // namespace ttnn::graph
