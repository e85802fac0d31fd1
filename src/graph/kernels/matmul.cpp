// Kernels of the matmul family: ttnn.matmul and ttnn.linear nodes -> ttnn::ops::matmul / linear.
//
// The node's math_fidelity / fp32_dest_acc_en attributes become the ComputeKernelConfig; the output
// dtype is the node's storage dtype. A constant weight is passed as the graph holds it, so the
// GEMM's packed-weight cache sees the same buffer on every run.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <tuple>

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
// Views are shared the way the weights are (graph/constant_pool.hpp): every program reading one
// weight storage with the same numerics uses one view, so a model compiled once per sequence
// length does not keep one decoded copy of its weights per program. Runs from several threads
// share it (call_once).
struct SharedView {
    std::once_flag once;
    std::optional<Tensor> view;
    std::weak_ptr<Storage> weight;  // the view is of this storage
};

// What weight_engine_view's result depends on besides the weight's bytes.
using ViewKey = std::tuple<const Storage*, bool, int, int, bool>;

ViewKey view_key(const Tensor& w, const ops::MatmulOptions& o) {
    const auto& c = o.compute_kernel_config;
    return {w.storage_ptr().get(), ops::numerics_mode() == ops::NumericsMode::FAITHFUL,
            o.input_b_values ? static_cast<int>(*o.input_b_values) : -1,
            c ? static_cast<int>(c->math_fidelity) : -1, c && c->fp32_dest_acc_en};
}

std::shared_ptr<SharedView> shared_view(const Tensor& w, const ops::MatmulOptions& o) {
    static std::mutex mutex;
    static std::map<ViewKey, std::weak_ptr<SharedView>> views;
    std::lock_guard<std::mutex> lock(mutex);
    const ViewKey key = view_key(w, o);
    if (auto it = views.find(key); it != views.end())
        if (auto live = it->second.lock(); live && live->weight.lock() == w.storage_ptr()) return live;
    if (views.size() >= 4096)  // forget views whose programs are all gone
        std::erase_if(views, [](const auto& kv) { return kv.second.expired(); });
    auto made = std::make_shared<SharedView>();
    made->weight = w.storage_ptr();
    views[key] = made;
    return made;
}

struct WeightMemo {
    std::once_flag once;
    std::shared_ptr<SharedView> shared;
};

std::shared_ptr<WeightMemo> memo_for_constant_weight(const KernelContext& ctx) {
    const auto operands = ctx.node().operands();
    if (operands.size() < 2 || ctx.graph().value(operands[1]).kind != Value::Kind::constant) return nullptr;
    return std::make_shared<WeightMemo>();
}

ops::MatmulOptions with_view(const std::shared_ptr<WeightMemo>& memo, const Tensor& w, const ops::MatmulOptions& o) {
    ops::MatmulOptions options = o;
    if (memo) {
        // The key is the tensor this device copy runs with (a mesh program's devices differ).
        std::call_once(memo->once, [&] { memo->shared = shared_view(w, o); });
        SharedView& view = *memo->shared;
        std::call_once(view.once, [&] { view.view = ops::weight_engine_view(w, o); });
        options.input_b_engine_view = view.view;
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
