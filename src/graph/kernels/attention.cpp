// Kernels of the attention family: ttnn.transformer.scaled_dot_product_attention nodes ->
// ttnn::ops::scaled_dot_product_attention. math_fidelity / fp32_dest_acc_en attributes become the
// ComputeKernelConfig (absent: TT-NN's SDPA default).
#include <optional>

#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/graph/kernel_table.hpp"
#include "ttnn/ops/attention.hpp"

namespace ttnn::graph {
namespace {

MathFidelity fidelity_of(const KernelContext& ctx) {
    const std::string f = ctx.get_string("math_fidelity", "HiFi4");
    for (MathFidelity m : {MathFidelity::LoFi, MathFidelity::HiFi2, MathFidelity::HiFi3, MathFidelity::HiFi4})
        if (f == to_string(m)) return m;
    throw InvalidArgument(ctx.op() + ": math_fidelity=\"" + f + "\" is not LoFi, HiFi2, HiFi3 or HiFi4");
}

BoundKernel sdpa_kernel(const KernelContext& ctx) {
    const bool causal = ctx.get_bool("is_causal", true);
    const std::optional<float> scale =
        ctx.has("scale") ? std::optional(static_cast<float>(ctx.get_float("scale"))) : std::nullopt;
    const int mask = ctx.operand_index("attn_mask");
    std::optional<ops::ComputeKernelConfig> config;
    if (ctx.has("math_fidelity") || ctx.has("fp32_dest_acc_en")) {
        config = ops::ComputeKernelConfig{};
        config->math_fidelity = fidelity_of(ctx);
        config->fp32_dest_acc_en = ctx.get_bool("fp32_dest_acc_en", true);
    }
    const DataType dtype = ctx.output_dtype();
    return [=](std::span<const Tensor> in) {
        const std::optional<Tensor> m = mask >= 0 ? std::optional<Tensor>(in[static_cast<std::size_t>(mask)]) : std::nullopt;
        Tensor out = ops::scaled_dot_product_attention(in[0], in[1], in[2], m, causal, scale, std::nullopt, config);
        if (out.dtype() != dtype) out = ttnn::typecast(out, dtype);
        return std::vector<Tensor>{out};
    };
}

}  // namespace

void register_attention_kernels(KernelTable& table) {
    table.add("ttnn.transformer.scaled_dot_product_attention", sdpa_kernel);
}

}  // namespace ttnn::graph
