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
    c.in_channels = ctx.get_u32("in_channels");
    c.out_channels = ctx.get_u32("out_channels");
    c.batch_size = ctx.get_u32("batch_size");
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
    const std::uint32_t h = ctx.get_u32("input_height"), w = ctx.get_u32("input_width");
    const U2 k = ctx.get_u32_pair("kernel_size", {0, 0}), s = ctx.get_u32_pair("stride", {1, 1}), p = ctx.get_u32_pair("padding", {0, 0}),
             d = ctx.get_u32_pair("dilation", {1, 1});
    return [=](std::span<const Tensor> in) {
        ops::ConvResult r = ops::conv2d(in[0], in[1], c.device, c.in_channels, c.out_channels, c.batch_size, h, w, k, s,
                                        p, d, c.groups, bias_of(c, in), c.config, c.compute, std::nullopt, c.dtype);
        return std::vector<Tensor>{std::move(r.output)};
    };
}

BoundKernel conv_transpose2d_kernel(const KernelContext& ctx) {
    const Common c = common(ctx);
    const std::uint32_t h = ctx.get_u32("input_height"), w = ctx.get_u32("input_width");
    const U2 k = ctx.get_u32_pair("kernel_size", {0, 0}), s = ctx.get_u32_pair("stride", {1, 1}), p = ctx.get_u32_pair("padding", {0, 0}),
             op = ctx.get_u32_pair("output_padding", {0, 0}), d = ctx.get_u32_pair("dilation", {1, 1});
    return [=](std::span<const Tensor> in) {
        ops::ConvResult r =
            ops::conv_transpose2d(in[0], in[1], c.device, c.in_channels, c.out_channels, c.batch_size, h, w, k, s, p,
                                  op, d, c.groups, bias_of(c, in), c.config, c.compute, std::nullopt, c.dtype);
        return std::vector<Tensor>{std::move(r.output)};
    };
}

BoundKernel conv1d_kernel(const KernelContext& ctx) {
    const Common c = common(ctx);
    const std::uint32_t length = ctx.get_u32("input_length"), k = ctx.get_u32("kernel_size");
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
