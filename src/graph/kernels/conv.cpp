// Kernels of the conv family: ttnn.conv2d, ttnn.conv_transpose2d and ttnn.conv1d nodes -> ttnn::ops.
//
// Activations arrive flattened channels-last ([1, 1, N*H*W, C]); the weight is passed through as
// the graph holds it (the ops cache its packed form per weight buffer, so a constant weight is
// prepared once). Outputs are row-major in the node's storage dtype.
#include "ttnn/ops/conv.hpp"

#include <array>
#include <cstdint>
#include <optional>

#include "ttnn/core/error.hpp"
#include "ttnn/graph/kernel_table.hpp"

namespace ttnn::graph {
namespace {

using U2 = std::array<std::uint32_t, 2>;

std::uint32_t u32(const KernelContext& ctx, std::string_view key) {
    const std::int64_t v = ctx.get_int(key);
    if (v < 0 || v > static_cast<std::int64_t>(UINT32_MAX))
        throw InvalidArgument(ctx.op() + ": " + std::string(key) + "=" + std::to_string(v) + " is out of range");
    return static_cast<std::uint32_t>(v);
}

U2 pair(const KernelContext& ctx, std::string_view key, U2 fallback) {
    if (!ctx.has(key)) return fallback;
    const IntList v = ctx.get_ints(key);
    if (v.size() == 1) return {static_cast<std::uint32_t>(v[0]), static_cast<std::uint32_t>(v[0])};
    if (v.size() != 2)
        throw InvalidArgument(ctx.op() + ": " + std::string(key) + " has " + std::to_string(v.size()) +
                              " values, expected 2");
    return {static_cast<std::uint32_t>(v[0]), static_cast<std::uint32_t>(v[1])};
}

MathFidelity fidelity(const KernelContext& ctx) {
    const std::string f = ctx.get_string("math_fidelity", "HiFi4");
    for (MathFidelity m : {MathFidelity::LoFi, MathFidelity::HiFi2, MathFidelity::HiFi3, MathFidelity::HiFi4})
        if (f == to_string(m)) return m;
    throw InvalidArgument(ctx.op() + ": math_fidelity=\"" + f + "\" is not LoFi, HiFi2, HiFi3 or HiFi4");
}

// What every convolution kernel reads the same way.
struct Common {
    ops::DeviceRef device;
    std::uint32_t in_channels, out_channels, batch_size, groups;
    int bias;  // operand index of bias_tensor, -1 without
    ops::Conv2dConfig config;
    ops::ComputeKernelConfig compute;
    DataType dtype;
};

Common common(const KernelContext& ctx) {
    Common c{};
    if (ctx.target().mesh) {
        c.device = ctx.target().mesh;
    } else {
        c.device = ctx.target().device;
    }
    c.in_channels = u32(ctx, "in_channels");
    c.out_channels = u32(ctx, "out_channels");
    c.batch_size = u32(ctx, "batch_size");
    c.groups = static_cast<std::uint32_t>(ctx.get_int("groups", 1));
    c.bias = ctx.operand_index("bias_tensor");
    c.config.output_layout = ctx.output_layout();
    c.config.activation = ctx.get_string("activation", "");  // fused by fuse-linear-activation
    c.compute.math_fidelity = fidelity(ctx);
    c.compute.fp32_dest_acc_en = ctx.get_bool("fp32_dest_acc_en", true);
    c.dtype = ctx.output_dtype();
    return c;
}

std::optional<Tensor> bias_of(const Common& c, std::span<const Tensor> in) {
    if (c.bias < 0) return std::nullopt;
    return in[static_cast<std::size_t>(c.bias)];
}

BoundKernel conv2d_kernel(const KernelContext& ctx) {
    const Common c = common(ctx);
    const std::uint32_t h = u32(ctx, "input_height"), w = u32(ctx, "input_width");
    const U2 k = pair(ctx, "kernel_size", {0, 0}), s = pair(ctx, "stride", {1, 1}), p = pair(ctx, "padding", {0, 0}),
             d = pair(ctx, "dilation", {1, 1});
    return [=](std::span<const Tensor> in) {
        ops::ConvResult r = ops::conv2d(in[0], in[1], c.device, c.in_channels, c.out_channels, c.batch_size, h, w, k, s,
                                        p, d, c.groups, bias_of(c, in), c.config, c.compute, std::nullopt, c.dtype);
        return std::vector<Tensor>{std::move(r.output)};
    };
}

BoundKernel conv_transpose2d_kernel(const KernelContext& ctx) {
    const Common c = common(ctx);
    const std::uint32_t h = u32(ctx, "input_height"), w = u32(ctx, "input_width");
    const U2 k = pair(ctx, "kernel_size", {0, 0}), s = pair(ctx, "stride", {1, 1}), p = pair(ctx, "padding", {0, 0}),
             op = pair(ctx, "output_padding", {0, 0}), d = pair(ctx, "dilation", {1, 1});
    return [=](std::span<const Tensor> in) {
        ops::ConvResult r =
            ops::conv_transpose2d(in[0], in[1], c.device, c.in_channels, c.out_channels, c.batch_size, h, w, k, s, p,
                                  op, d, c.groups, bias_of(c, in), c.config, c.compute, std::nullopt, c.dtype);
        return std::vector<Tensor>{std::move(r.output)};
    };
}

BoundKernel conv1d_kernel(const KernelContext& ctx) {
    const Common c = common(ctx);
    const std::uint32_t length = u32(ctx, "input_length"), k = u32(ctx, "kernel_size");
    const auto s = static_cast<std::uint32_t>(ctx.get_int("stride", 1));
    const auto p = static_cast<std::uint32_t>(ctx.get_int("padding", 0));
    const auto d = static_cast<std::uint32_t>(ctx.get_int("dilation", 1));
    return [=](std::span<const Tensor> in) {
        ops::ConvResult r = ops::conv1d(in[0], in[1], c.device, c.in_channels, c.out_channels, c.batch_size, length, k,
                                        s, p, d, c.groups, bias_of(c, in), c.config, c.compute, std::nullopt, c.dtype);
        return std::vector<Tensor>{std::move(r.output)};
    };
}

}  // namespace

void register_conv_kernels(KernelTable& table) {
    table.add("ttnn.conv2d", conv2d_kernel);
    table.add("ttnn.conv_transpose2d", conv_transpose2d_kernel);
    table.add("ttnn.conv1d", conv1d_kernel);
}

}  // namespace ttnn::graph
