// Kernels of the matmul family: ttnn.matmul and ttnn.linear nodes -> ttnn::ops::matmul / linear.
//
// The node's math_fidelity / fp32_dest_acc_en attributes become the ComputeKernelConfig; the output
// dtype is the node's storage dtype. A constant weight is passed as the graph holds it, so the
// GEMM's packed-weight cache sees the same buffer on every run.
#include <memory>
#include <mutex>
#include <optional>

#include "ttnn/core/error.hpp"
#include "ttnn/graph/kernel_table.hpp"
#include "ttnn/ops/matmul.hpp"

namespace ttnn::graph {
namespace {

MathFidelity fidelity_of(const KernelContext& ctx) {
    const std::string f = ctx.get_string("math_fidelity", "HiFi4");
    for (MathFidelity m : {MathFidelity::LoFi, MathFidelity::HiFi2, MathFidelity::HiFi3, MathFidelity::HiFi4})
        if (f == to_string(m)) return m;
    throw InvalidArgument(ctx.op() + ": math_fidelity=\"" + f + "\" is not LoFi, HiFi2, HiFi3 or HiFi4");
}

ops::MatmulOptions matmul_options(const KernelContext& ctx) {
    ops::MatmulOptions o;
    o.transpose_a = ctx.get_bool("transpose_a", false);
    o.transpose_b = ctx.get_bool("transpose_b", false);
    o.dtype = ctx.output_dtype();
    // bf16 values held as float32: the engine's fidelity applies as to bf16 operands (and a weight
    // needs no masked copy per call).
    const auto operands = ctx.node().operands();
    auto values = [&](std::size_t i) -> std::optional<DataType> {
        if (i >= operands.size()) return std::nullopt;
        const ValueType& t = ctx.graph().type(operands[i]);
        const auto stored = ctx.storage_dtype(t);
        const auto held = to_ttnn_dtype(t.dtype);
        return held && *held != stored ? held : std::nullopt;
    };
    o.input_a_values = values(0);
    o.input_b_values = values(1);
    if (ctx.has("activation")) o.activation = ctx.get_string("activation");
    // Without attributes TT-NN's default configuration applies (it depends on the dtypes).
    if (ctx.has("math_fidelity") || ctx.has("fp32_dest_acc_en")) {
        ops::ComputeKernelConfig config;
        config.math_fidelity = fidelity_of(ctx);
        config.fp32_dest_acc_en = ctx.get_bool("fp32_dest_acc_en", true);
        o.compute_kernel_config = config;
    }
    return o;
}

// A constant weight's engine view (ops::weight_engine_view: decoded, masked), made on the first run
// and kept: the general GEMM path would otherwise decode and mask the whole weight on every call.
// Runs of one program from several threads share it (call_once).
struct WeightMemo {
    std::once_flag once;
    std::optional<Tensor> view;
};

std::shared_ptr<WeightMemo> memo_for_constant_weight(const KernelContext& ctx) {
    const auto operands = ctx.node().operands();
    if (operands.size() < 2 || ctx.graph().value(operands[1]).kind != Value::Kind::constant) return nullptr;
    return std::make_shared<WeightMemo>();
}

ops::MatmulOptions with_view(const std::shared_ptr<WeightMemo>& memo, const Tensor& w, const ops::MatmulOptions& o) {
    ops::MatmulOptions options = o;
    if (memo) {
        std::call_once(memo->once, [&] { memo->view = ops::weight_engine_view(w, o); });
        options.input_b_engine_view = memo->view;
    }
    return options;
}

BoundKernel matmul_kernel(const KernelContext& ctx) {
    const ops::MatmulOptions o = matmul_options(ctx);
    auto memo = memo_for_constant_weight(ctx);
    return [o, memo](std::span<const Tensor> in) {
        return std::vector<Tensor>{ops::matmul(in[0], in[1], with_view(memo, in[1], o))};
    };
}

BoundKernel linear_kernel(const KernelContext& ctx) {
    const ops::MatmulOptions o = matmul_options(ctx);
    const int bias = ctx.operand_index("bias");
    auto memo = memo_for_constant_weight(ctx);
    return [o, bias, memo](std::span<const Tensor> in) {
        const std::optional<Tensor> b = bias >= 0 ? std::optional<Tensor>(in[static_cast<std::size_t>(bias)]) : std::nullopt;
        return std::vector<Tensor>{ops::linear(in[0], in[1], b, with_view(memo, in[1], o))};
    };
}

}  // namespace

void register_matmul_kernels(KernelTable& table) {
    table.add("ttnn.matmul", matmul_kernel);
    table.add("ttnn.linear", linear_kernel);
}

}  // namespace ttnn::graph
