// Kernels of the movement family: reshape, permute, expand, concat, split, slice, pad, repeat,
// flip, gather, index_select and embedding nodes -> ttnn::ops. All of them only move or select
// input values, so they are value_preserving (their outputs are never re-rounded).
#include "ttnn/ops/movement.hpp"

#include <utility>

#include "ttnn/core/error.hpp"
#include "ttnn/graph/kernel_table.hpp"

namespace ttnn::graph {
namespace {

using Outs = std::vector<Tensor>;

BoundKernel reshape_kernel(const KernelContext& ctx) {
    const IntList shape = ctx.get_ints("shape");
    return [=](std::span<const Tensor> in) { return Outs{ops::reshape(in[0], shape)}; };
}

BoundKernel permute_kernel(const KernelContext& ctx) {
    const IntList dims = ctx.get_ints("dims");
    return [=](std::span<const Tensor> in) { return Outs{ops::permute(in[0], dims)}; };
}

BoundKernel transpose_kernel(const KernelContext& ctx) {
    const std::int64_t a = ctx.get_int("dim1"), b = ctx.get_int("dim2");
    return [=](std::span<const Tensor> in) { return Outs{ops::transpose(in[0], a, b)}; };
}

BoundKernel expand_kernel(const KernelContext& ctx) {
    const IntList shape = ctx.get_ints("shape");
    return [=](std::span<const Tensor> in) { return Outs{ops::expand(in[0], shape)}; };
}

BoundKernel concat_kernel(const KernelContext& ctx) {
    const std::int64_t dim = ctx.get_int("dim", 0);
    return [=](std::span<const Tensor> in) { return Outs{ops::concat(in, dim)}; };
}

BoundKernel split_kernel(const KernelContext& ctx) {
    const std::int64_t dim = ctx.get_int("dim", 0);
    const Arg* size = ctx.node().kwarg("split_size");
    if (size && std::holds_alternative<std::int64_t>(*size)) {
        const std::int64_t piece = std::get<std::int64_t>(*size);
        return [=](std::span<const Tensor> in) { return ops::split(in[0], piece, dim); };
    }
    const IntList sizes = ctx.get_ints("split_size");
    return [=](std::span<const Tensor> in) { return ops::split(in[0], std::span<const std::int64_t>(sizes), dim); };
}

BoundKernel chunk_kernel(const KernelContext& ctx) {
    const std::int64_t chunks = ctx.get_int("chunks"), dim = ctx.get_int("dim", 0);
    return [=](std::span<const Tensor> in) { return ops::chunk(in[0], chunks, dim); };
}

BoundKernel slice_kernel(const KernelContext& ctx) {
    const IntList starts = ctx.get_ints("slice_start"), ends = ctx.get_ints("slice_end");
    const IntList steps = ctx.get_ints("slice_step", {});
    return [=](std::span<const Tensor> in) { return Outs{ops::slice(in[0], starts, ends, steps)}; };
}

BoundKernel pad_kernel(const KernelContext& ctx) {
    const double value = ctx.get_float("value", 0.0);
    if (ctx.has("output_padded_shape")) {
        const IntList shape = ctx.get_ints("output_padded_shape"), start = ctx.get_ints("input_tensor_start");
        return [=](std::span<const Tensor> in) { return Outs{ops::pad(in[0], shape, start, value)}; };
    }
    // padding: (front, back) pairs flattened, first dim first.
    const IntList flat = ctx.get_ints("padding");
    if (flat.size() % 2 != 0) throw InvalidArgument(ctx.op() + ": padding must hold (front, back) pairs");
    std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
    for (std::size_t i = 0; i < flat.size(); i += 2) pairs.emplace_back(flat[i], flat[i + 1]);
    return [=](std::span<const Tensor> in) { return Outs{ops::pad(in[0], pairs, value)}; };
}

BoundKernel repeat_kernel(const KernelContext& ctx) {
    const IntList reps = ctx.get_ints("repetitions");
    return [=](std::span<const Tensor> in) { return Outs{ops::repeat(in[0], reps)}; };
}

BoundKernel flip_kernel(const KernelContext& ctx) {
    const IntList dims = ctx.get_ints("dims");
    return [=](std::span<const Tensor> in) { return Outs{ops::flip(in[0], dims)}; };
}

// gather / index_select: the index is the "index" kwarg (TT-NN's keyword), after the input.
int index_operand(const KernelContext& ctx) {
    const int i = ctx.operand_index("index");
    if (i < 0) throw InvalidArgument(ctx.op() + ": needs an index tensor");
    return i;
}

BoundKernel gather_kernel(const KernelContext& ctx) {
    const std::int64_t dim = ctx.get_int("dim");
    const auto index = static_cast<std::size_t>(index_operand(ctx));
    return [=](std::span<const Tensor> in) { return Outs{ops::gather(in[0], dim, in[index])}; };
}

BoundKernel index_select_kernel(const KernelContext& ctx) {
    const std::int64_t dim = ctx.get_int("dim");
    const auto index = static_cast<std::size_t>(index_operand(ctx));
    return [=](std::span<const Tensor> in) { return Outs{ops::index_select(in[0], dim, in[index])}; };
}

// scatter / scatter_add: index and src are kwargs (TT-NN's keywords), after the input.
BoundKernel scatter_kernel(const KernelContext& ctx) {
    const std::int64_t dim = ctx.get_int("dim");
    const auto index = static_cast<std::size_t>(index_operand(ctx));
    const int src = ctx.operand_index("src");
    if (src < 0) throw InvalidArgument(ctx.op() + ": needs a src tensor");
    const bool sum = ctx.op() == "ttnn.scatter_add" || ctx.get_string("reduce", "") == "sum";
    const auto s = static_cast<std::size_t>(src);
    return [=](std::span<const Tensor> in) {
        return Outs{sum ? ops::scatter_add(in[0], dim, in[index], in[s]) : ops::scatter(in[0], dim, in[index], in[s])};
    };
}

BoundKernel embedding_kernel(const KernelContext& ctx) {
    const std::optional<std::int64_t> pad =
        ctx.has("pad_token") ? std::optional<std::int64_t>(ctx.get_int("pad_token")) : std::nullopt;
    const DataType dtype = ctx.output_dtype();
    const Layout layout = ctx.output_layout();
    return [=](std::span<const Tensor> in) { return Outs{ops::embedding(in[0], in[1], pad, layout, dtype)}; };
}

BoundKernel squeeze_kernel(const KernelContext& ctx) {
    const std::optional<std::vector<std::int64_t>> dims =
        ctx.has("dim") ? std::optional<std::vector<std::int64_t>>(ctx.get_ints("dim")) : std::nullopt;
    return [=](std::span<const Tensor> in) { return Outs{ops::squeeze(in[0], dims)}; };
}

BoundKernel unsqueeze_kernel(const KernelContext& ctx) {
    const std::int64_t dim = ctx.get_int("dim");
    return [=](std::span<const Tensor> in) { return Outs{ops::unsqueeze(in[0], dim)}; };
}

}  // namespace

void register_movement_kernels(KernelTable& table) {
    constexpr bool preserving = true;
    table.add("ttnn.reshape", reshape_kernel, preserving);
    table.add("ttnn.permute", permute_kernel, preserving);
    table.add("ttnn.transpose", transpose_kernel, preserving);
    table.add("ttnn.expand", expand_kernel, preserving);
    table.add("ttnn.concat", concat_kernel, preserving);
    table.add("ttnn.split", split_kernel, preserving);
    table.add("ttnn.chunk", chunk_kernel, preserving);
    table.add("ttnn.slice", slice_kernel, preserving);
    table.add("ttnn.pad", pad_kernel, preserving);
    table.add("ttnn.repeat", repeat_kernel, preserving);
    table.add("ttnn.flip", flip_kernel, preserving);
    table.add("ttnn.gather", gather_kernel, preserving);
    table.add("ttnn.index_select", index_select_kernel, preserving);
    table.add("ttnn.scatter", scatter_kernel, preserving);  // reduce="sum" only in ttnn.scatter_add nodes
    table.add("ttnn.scatter_add", scatter_kernel);
    table.add("ttnn.embedding", embedding_kernel, preserving);
    table.add("ttnn.squeeze", squeeze_kernel, preserving);
    table.add("ttnn.unsqueeze", unsqueeze_kernel, preserving);
}

}  // namespace ttnn::graph
