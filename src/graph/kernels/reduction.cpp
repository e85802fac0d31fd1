// Kernels of the reduction family: ttnn.sum, mean, max, min, prod, var, std, argmax, argmin, topk
// and cumsum nodes -> ttnn::ops. `dim` absent means every dim. The ops keep the input's dtype (index
// ops: UINT32 / UINT16); a result whose dtype differs from the node's storage dtype is typecast.
#include <optional>

#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/graph/kernel_table.hpp"
#include "ttnn/ops/reduction.hpp"

namespace ttnn::graph {
namespace {

using Outs = std::vector<Tensor>;

ops::ReduceDims dims_of(const KernelContext& ctx) {
    if (!ctx.has("dim")) return std::nullopt;
    return ctx.get_ints("dim");
}

Tensor as_dtype(const Tensor& t, DataType dtype) { return t.dtype() == dtype ? t : ttnn::typecast(t, dtype); }

using ReduceFn = Tensor (*)(const Tensor&, const ops::ReduceDims&, bool, const std::optional<MemoryConfig>&, float);

KernelFactory reduce(ReduceFn fn) {
    return [fn](const KernelContext& ctx) -> BoundKernel {
        const ops::ReduceDims dims = dims_of(ctx);
        const bool keepdim = ctx.get_bool("keepdim", false);
        const float scalar = static_cast<float>(ctx.get_float("scalar", 1.0));
        const DataType dtype = ctx.output_dtype();
        return [=](std::span<const Tensor> in) {
            return Outs{as_dtype(fn(in[0], dims, keepdim, std::nullopt, scalar), dtype)};
        };
    };
}

BoundKernel prod_kernel(const KernelContext& ctx) {
    const ops::ReduceDims dims = dims_of(ctx);
    const bool keepdim = ctx.get_bool("keepdim", false);
    const DataType dtype = ctx.output_dtype();
    return [=](std::span<const Tensor> in) { return Outs{as_dtype(ops::prod(in[0], dims, keepdim), dtype)}; };
}

using SpreadFn = Tensor (*)(const Tensor&, const ops::ReduceDims&, bool, std::int64_t, const std::optional<MemoryConfig>&,
                            float);

KernelFactory spread(SpreadFn fn) {
    return [fn](const KernelContext& ctx) -> BoundKernel {
        const ops::ReduceDims dims = dims_of(ctx);
        const bool keepdim = ctx.get_bool("keepdim", false);
        const std::int64_t correction = ctx.get_int("correction", 1);
        const float scalar = static_cast<float>(ctx.get_float("scalar", 1.0));
        return [=](std::span<const Tensor> in) {
            return Outs{fn(in[0], dims, keepdim, correction, std::nullopt, scalar)};
        };
    };
}

using ArgFn = Tensor (*)(const Tensor&, std::optional<std::int64_t>, bool, const std::optional<MemoryConfig>&);

KernelFactory arg_reduce(ArgFn fn) {
    return [fn](const KernelContext& ctx) -> BoundKernel {
        const std::optional<std::int64_t> dim = ctx.has("dim") ? std::optional(ctx.get_int("dim")) : std::nullopt;
        const bool keepdim = ctx.get_bool("keepdim", false);
        const DataType dtype = ctx.output_dtype();
        return [=](std::span<const Tensor> in) { return Outs{as_dtype(fn(in[0], dim, keepdim, std::nullopt), dtype)}; };
    };
}

BoundKernel topk_kernel(const KernelContext& ctx) {
    const std::int64_t k = ctx.get_int("k");
    const std::int64_t dim = ctx.get_int("dim", -1);
    const bool largest = ctx.get_bool("largest", true);
    const bool sorted = ctx.get_bool("sorted", true);
    const DataType index_dtype = ctx.output_dtype(1);
    return [=](std::span<const Tensor> in) {
        auto [values, indices] = ops::topk(in[0], k, dim, largest, sorted);
        return Outs{values, as_dtype(indices, index_dtype)};
    };
}

BoundKernel cumsum_kernel(const KernelContext& ctx) {
    const std::int64_t dim = ctx.get_int("dim");
    const bool reverse = ctx.get_bool("reverse_order", false);
    const DataType dtype = ctx.output_dtype();
    return [=](std::span<const Tensor> in) { return Outs{ops::cumsum(in[0], dim, dtype, reverse)}; };
}

}  // namespace

void register_reduction_kernels(KernelTable& table) {
    table.add("ttnn.sum", reduce(&ops::sum));
    table.add("ttnn.mean", reduce(&ops::mean));
    table.add("ttnn.max", reduce(&ops::max));
    table.add("ttnn.min", reduce(&ops::min));
    table.add("ttnn.prod", prod_kernel);
    table.add("ttnn.var", spread(&ops::var));
    table.add("ttnn.std", spread(&ops::std));
    table.add("ttnn.argmax", arg_reduce(&ops::argmax));
    table.add("ttnn.argmin", arg_reduce(&ops::argmin));
    table.add("ttnn.topk", topk_kernel);
    table.add("ttnn.cumsum", cumsum_kernel);
}

}  // namespace ttnn::graph
