// Kernels of the pool family: ttnn.max_pool2d (return_indices: two outputs), avg_pool2d, their
// backward passes max_pool2d_bw / avg_pool2d_bw, global_avg_pool2d, adaptive_avg_pool2d and
// upsample nodes -> ttnn::ops (channels-last activations).
#include "ttnn/ops/pool.hpp"

#include <array>
#include <cstdint>
#include <optional>

#include "ttnn/core/error.hpp"
#include "ttnn/graph/kernel_table.hpp"

namespace ttnn::graph {
namespace {

using U2 = std::array<std::uint32_t, 2>;

// (pad_h, pad_w) or (top, bottom, left, right).
ops::PoolPadding padding(const KernelContext& ctx) {
    const IntList v = ctx.get_ints("padding", {0, 0});
    auto u = [](std::int64_t x) { return static_cast<std::uint32_t>(x); };
    if (v.size() == 4) return std::array<std::uint32_t, 4>{u(v[0]), u(v[1]), u(v[2]), u(v[3])};
    if (v.size() == 1) return U2{u(v[0]), u(v[0])};
    if (v.size() == 2) return U2{u(v[0]), u(v[1])};
    throw InvalidArgument(ctx.op() + ": padding has " + std::to_string(v.size()) + " values, expected 2 or 4");
}

struct Geometry {
    std::uint32_t n, h, w, c;
};

Geometry geometry(const KernelContext& ctx) {
    return {ctx.get_u32("batch_size"), ctx.get_u32("input_h"), ctx.get_u32("input_w"), ctx.get_u32("channels")};
}

BoundKernel max_pool2d_kernel(const KernelContext& ctx) {
    const Geometry g = geometry(ctx);
    const U2 k = ctx.get_u32_pair("kernel_size", {0, 0}), s = ctx.get_u32_pair("stride", k), d = ctx.get_u32_pair("dilation", {1, 1});
    const ops::PoolPadding p = padding(ctx);
    const bool ceil_mode = ctx.get_bool("ceil_mode", false);
    const DataType dtype = ctx.output_dtype();
    const Layout layout = ctx.output_layout();
    if (ctx.get_bool("return_indices", false)) {
        return [=](std::span<const Tensor> in) {
            ops::MaxPoolWithIndices r =
                ops::max_pool2d_with_indices(in[0], g.n, g.h, g.w, g.c, k, s, p, d, ceil_mode, std::nullopt, dtype, layout);
            return std::vector<Tensor>{r.output, r.indices};
        };
    }
    return [=](std::span<const Tensor> in) {
        return std::vector<Tensor>{
            ops::max_pool2d(in[0], g.n, g.h, g.w, g.c, k, s, p, d, ceil_mode, std::nullopt, dtype, layout)};
    };
}

// ttnn.max_pool2d_bw(grad_output, indices, <max_pool2d's geometry>)
BoundKernel max_pool2d_bw_kernel(const KernelContext& ctx) {
    const Geometry g = geometry(ctx);
    const U2 k = ctx.get_u32_pair("kernel_size", {0, 0}), s = ctx.get_u32_pair("stride", k), d = ctx.get_u32_pair("dilation", {1, 1});
    const ops::PoolPadding p = padding(ctx);
    const bool ceil_mode = ctx.get_bool("ceil_mode", false);
    const DataType dtype = ctx.output_dtype();
    const Layout layout = ctx.output_layout();
    return [=](std::span<const Tensor> in) {
        return std::vector<Tensor>{
            ops::max_pool2d_bw(in[0], in[1], g.n, g.h, g.w, g.c, k, s, p, d, ceil_mode, std::nullopt, dtype, layout)};
    };
}

// The attributes avg_pool2d and its backward share: the window, padding and divisor rules.
struct AvgPoolAttrs {
    Geometry g;
    U2 k, s;
    ops::PoolPadding p;
    bool ceil_mode, count_include_pad;
    std::optional<std::int64_t> divisor;
    DataType dtype;
    Layout layout;
};

AvgPoolAttrs avg_pool_attrs(const KernelContext& ctx) {
    AvgPoolAttrs a{geometry(ctx), ctx.get_u32_pair("kernel_size", {0, 0}), {}, padding(ctx),
                   ctx.get_bool("ceil_mode", false), ctx.get_bool("count_include_pad", true), std::nullopt,
                   ctx.output_dtype(), ctx.output_layout()};
    a.s = ctx.get_u32_pair("stride", a.k);
    if (ctx.has("divisor_override")) a.divisor = ctx.get_int("divisor_override");
    return a;
}

// ttnn.avg_pool2d_bw(grad_output, <avg_pool2d's geometry>)
BoundKernel avg_pool2d_bw_kernel(const KernelContext& ctx) {
    const AvgPoolAttrs a = avg_pool_attrs(ctx);
    return [a](std::span<const Tensor> in) {
        return std::vector<Tensor>{ops::avg_pool2d_bw(in[0], a.g.n, a.g.h, a.g.w, a.g.c, a.k, a.s, a.p, a.ceil_mode,
                                                      a.count_include_pad, a.divisor, std::nullopt, a.dtype, a.layout)};
    };
}

BoundKernel avg_pool2d_kernel(const KernelContext& ctx) {
    const AvgPoolAttrs a = avg_pool_attrs(ctx);
    return [a](std::span<const Tensor> in) {
        return std::vector<Tensor>{ops::avg_pool2d(in[0], a.g.n, a.g.h, a.g.w, a.g.c, a.k, a.s, a.p, a.ceil_mode,
                                                   a.count_include_pad, a.divisor, std::nullopt, a.dtype, a.layout)};
    };
}

BoundKernel global_avg_pool2d_kernel(const KernelContext& ctx) {
    const DataType dtype = ctx.output_dtype();
    return [=](std::span<const Tensor> in) {
        return std::vector<Tensor>{ops::global_avg_pool2d(in[0], std::nullopt, dtype)};
    };
}

BoundKernel adaptive_avg_pool2d_kernel(const KernelContext& ctx) {
    const Geometry g = geometry(ctx);
    const U2 o = ctx.get_u32_pair("output_size", {1, 1});
    const DataType dtype = ctx.output_dtype();
    const Layout layout = ctx.output_layout();
    return [=](std::span<const Tensor> in) {
        return std::vector<Tensor>{ops::adaptive_avg_pool2d(in[0], g.n, g.h, g.w, g.c, o, std::nullopt, dtype, layout)};
    };
}

BoundKernel upsample_kernel(const KernelContext& ctx) {
    const FloatList f = ctx.get_floats("scale_factor");
    if (f.size() != 2)
        throw InvalidArgument(ctx.op() + ": scale_factor has " + std::to_string(f.size()) + " values, expected 2");
    const std::array<double, 2> scale{f[0], f[1]};
    const std::string mode = ctx.get_string("mode", "nearest");
    return [=](std::span<const Tensor> in) { return std::vector<Tensor>{ops::upsample(in[0], scale, mode)}; };
}

}  // namespace

void register_pool_kernels(KernelTable& table) {
    // max pooling only selects input values (the padding never wins a window torch accepts).
    table.add("ttnn.max_pool2d", max_pool2d_kernel, /*value_preserving=*/true);
    table.add("ttnn.avg_pool2d", avg_pool2d_kernel);
    table.add("ttnn.max_pool2d_bw", max_pool2d_bw_kernel);
    table.add("ttnn.avg_pool2d_bw", avg_pool2d_bw_kernel);
    table.add("ttnn.global_avg_pool2d", global_avg_pool2d_kernel);
    table.add("ttnn.adaptive_avg_pool2d", adaptive_avg_pool2d_kernel);
    table.add("ttnn.upsample", upsample_kernel);
}

}  // namespace ttnn::graph
