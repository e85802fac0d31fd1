// Lowering rules of the training family: the ATen ops that aot_autograd's forward and backward
// graphs add to a CNN (convolution_backward, training-mode batch norm, the pools' backward).
//
// Each gradient is composed from forward TT-NN ops where an exact composition exists:
//   convolution_backward  grad_input  = ttnn.conv_transpose2d(grad_output, weight)
//                         grad_weight = ttnn.conv2d correlating input with grad_output (input
//                                       channels as the batch, the batch as channels, stride and
//                                       dilation swapped), cropped to the kernel
//                         grad_bias   = ttnn.sum of grad_output over N, H, W
//   batch norm (train)    ttnn.mean / var / rsqrt / eltwise; running stats updated functionally
//   max / avg pool        ttnn.max_pool2d_bw (from the forward's return_indices) / avg_pool2d_bw
// Outputs a node does not produce (convolution_backward's output_mask) stay unbound.
#include <string>

#include "emit_helpers.hpp"
#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

using graph::Arg;
using graph::IntList;
using graph::ValueId;
using graph::ValueRef;
using graph::ValueType;

// The channels-last helpers shared with the convolutions (defined in conv.cpp).
namespace channels_last {
ValueType retyped(const ValueType& like, IntList shape);
ValueId to_flat(Emitter& e, ValueId x);
ValueId from_flat(Emitter& e, ValueId y, const IntList& aten_out);
}  // namespace channels_last

namespace {

using Kwargs = std::map<std::string, Arg>;
using channels_last::retyped;

std::string op_of(const NodeView& n) { return n.node().op + ": "; }

std::string floating(const NodeView& n, std::initializer_list<std::size_t> args) {
    for (std::size_t i : args)
        if (n.is_tensor(i) && !graph::is_floating(n.tensor_type(i).dtype))
            return op_of(n) + "argument " + std::to_string(i) + " is " +
                   std::string(graph::to_string(n.tensor_type(i).dtype)) + "; only floating-point tensors are supported";
    return {};
}

std::string nonempty(const NodeView& n, std::initializer_list<std::size_t> args) {
    for (std::size_t i : args)
        if (n.is_tensor(i) && n.tensor_type(i).numel() == 0)
            return op_of(n) + "argument " + std::to_string(i) + " " + n.tensor_type(i).to_string() +
                   " is empty; empty tensors are not supported";
    return {};
}

using emit::permute;
using emit::reshape;

// An int or 1/2-element list argument as (h, w).
IntList pair_of(const NodeView& n, std::size_t i) {
    IntList v = n.int_list_arg(i);
    if (v.size() == 1) v.push_back(v[0]);
    return v;
}

void add_numerics(const Emitter& e, Kwargs& kw) {
    kw["math_fidelity"] = std::string(to_string(e.options().math_fidelity));
    kw["fp32_dest_acc_en"] = e.options().fp32_dest_acc_en;
}

// ---- convolution_backward ----

// convolution_backward(grad_output, input, weight, bias_sizes, stride, padding, dilation, transposed,
//                      output_padding, groups, output_mask) -> (grad_input?, grad_weight?, grad_bias?)
enum ConvBwArg : std::size_t {
    kGradOut,
    kInput,
    kWeight,
    kBiasSizes,
    kStride,
    kPadding,
    kDilation,
    kTransposed,
    kOutputPadding,
    kGroups,
    kMask
};

bool mask_bit(const NodeView& n, std::size_t i) { return n.int_list_arg(kMask).at(i) != 0; }

// A 1-D convolution's list argument as the 2-D one of the same convolution on [N, C, 1, L].
IntList lifted_pair(const NodeView& n, std::size_t i, std::int64_t lead) {
    const IntList v = n.int_list_arg(i);
    return n.tensor_type(kInput).shape.size() == 3 ? IntList{lead, v.at(0)} : pair_of(n, i);
}

// The transposed forward's output size along one dim, for its grad_output to match.
std::int64_t transposed_size(std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t p, std::int64_t d,
                             std::int64_t op) {
    return (in - 1) * s - 2 * p + d * (k - 1) + op + 1;
}

std::string conv_backward_supports(const NodeView& n) {
    if (auto r = floating(n, {kGradOut, kInput, kWeight}); !r.empty()) return r;
    if (auto r = nonempty(n, {kGradOut, kInput, kWeight}); !r.empty()) return r;
    const std::size_t rank = n.tensor_type(kInput).shape.size();
    if (rank != 4 && rank != 3)
        return op_of(n) + "input of rank " + std::to_string(rank) +
               " is not supported (1-D [N, C, L] and 2-D [N, C, H, W] convolutions only)";
    if (n.tensor_type(kWeight).shape.size() != rank || n.tensor_type(kGradOut).shape.size() != rank)
        return op_of(n) + "weight and grad_output must have the input's rank";
    const std::size_t spatial = rank - 2;
    for (std::size_t a : {kStride, kPadding, kDilation, kOutputPadding}) {
        const IntList v = n.int_list_arg(a);
        if (v.size() != 1 && v.size() != spatial)
            return op_of(n) + "argument " + std::to_string(a) + "=" + graph::to_string(n.arg(a)) + " is not " +
                   std::to_string(spatial) + "-D";
        for (auto i : v)
            if (i < (a == kPadding || a == kOutputPadding ? 0 : 1))
                return op_of(n) + "argument " + std::to_string(a) + "=" + graph::to_string(n.arg(a)) + " is out of range";
    }
    const IntList mask = n.int_list_arg(kMask);
    if (mask.size() != 3) return op_of(n) + "output_mask=" + graph::to_string(n.arg(kMask)) + " must hold 3 bools";
    const std::int64_t groups = n.int_arg(kGroups);
    const IntList& x = n.tensor_type(kInput).shape;
    const IntList& w = n.tensor_type(kWeight).shape;
    const bool transposed = n.bool_arg(kTransposed);
    // Non-transposed weight [Cout, Cin/g, k...]; transposed [Cin, Cout/g, k...].
    const bool fits = transposed ? groups > 0 && w[0] == x[1] && x[1] % groups == 0
                                 : groups > 0 && x[1] % groups == 0 && w[0] % groups == 0 && w[1] * groups == x[1];
    if (!fits)
        return op_of(n) + "groups=" + std::to_string(groups) + " does not fit input " + n.tensor_type(kInput).to_string() +
               " and weight " + n.tensor_type(kWeight).to_string();
    if (transposed) {
        const IntList& go = n.tensor_type(kGradOut).shape;
        const IntList s = n.int_list_arg(kStride), p = n.int_list_arg(kPadding), d = n.int_list_arg(kDilation),
                      op = n.int_list_arg(kOutputPadding);
        for (std::size_t i = 0; i < spatial; ++i) {
            auto at = [i](const IntList& v) { return v.size() == 1 ? v[0] : v[i]; };
            if (at(op) >= std::max(at(s), at(d)))
                return op_of(n) + "output_padding=" + graph::to_string(n.arg(kOutputPadding)) +
                       " must be smaller than the stride or the dilation";
            if (go[2 + i] != transposed_size(x[2 + i], w[2 + i], at(s), at(p), at(d), at(op)))
                return op_of(n) + "grad_output " + n.tensor_type(kGradOut).to_string() +
                       " does not match the transposed convolution's output size";
        }
    }
    return {};
}

// One convolution_backward as the 2-D, non-transposed weight gradient and input gradient it
// amounts to. A 1-D convolution is the 2-D one on [N, C, 1, L]. A transposed convolution
// y = conv_transpose(x, w) is the adjoint of the convolution c(a) = conv2d(a, w) (same weight
// layout, same stride, padding and dilation): its grad_input is conv2d(grad_y, w), and its
// grad_weight is c's weight gradient with grad_y as c's input and x as c's grad_output.
struct ConvBackward {
    ValueId grad_out, input, weight;  // of the (non-transposed) convolution whose gradients are taken
    IntList go, x, w;                 // their 4-D shapes
    IntList s, p, d;
    std::int64_t groups;
    bool transposed;
    IntList input_shape, weight_shape;  // the ATen grad_input / grad_weight shapes
};

ConvBackward conv_backward_of(Emitter& e) {
    ConvBackward c;
    const bool one_d = e.tensor_type(kInput).shape.size() == 3;
    auto lift = [&](std::size_t arg) {
        const IntList& shape = e.tensor_type(arg).shape;
        if (!one_d) return std::pair{e.input(arg), shape};
        const IntList four{shape[0], shape[1], 1, shape[2]};
        return std::pair{reshape(e, e.input(arg), four), four};
    };
    auto [go, go_shape] = lift(kGradOut);
    auto [x, x_shape] = lift(kInput);
    auto [w, w_shape] = lift(kWeight);
    c.s = lifted_pair(e, kStride, 1);
    c.p = lifted_pair(e, kPadding, 0);
    c.d = lifted_pair(e, kDilation, 1);
    c.groups = e.int_arg(kGroups);
    c.transposed = e.bool_arg(kTransposed);
    c.input_shape = e.tensor_type(kInput).shape;
    c.weight_shape = e.tensor_type(kWeight).shape;
    c.weight = w;
    c.w = w_shape;
    if (c.transposed) {
        c.grad_out = x, c.go = x_shape, c.input = go, c.x = go_shape;
    } else {
        c.grad_out = go, c.go = go_shape, c.input = x, c.x = x_shape;
    }
    return c;
}

Kwargs conv_kwargs(std::int64_t in_channels, std::int64_t out_channels, std::int64_t batch, std::int64_t groups,
                   const IntList& in_hw, const IntList& kernel, const IntList& s, const IntList& p, const IntList& d) {
    return {{"in_channels", in_channels}, {"out_channels", out_channels}, {"batch_size", batch},
            {"groups", groups},           {"input_height", in_hw[0]},     {"input_width", in_hw[1]},
            {"kernel_size", kernel},      {"stride", s},                  {"padding", p},
            {"dilation", d}};
}

// `op` (a TT-NN convolution) of the NCHW value `source` with `weight`, on the flat channels-last
// layout TT-NN's convolutions take, back to NCHW `out` [N, C, H, W] (the ATen grad_input type).
ValueId grad_input_conv(Emitter& e, const char* op, ValueId source, ValueId weight, Kwargs kw, const IntList& out) {
    add_numerics(e, kw);
    const ValueId flat = channels_last::to_flat(e, source);
    const ValueId y = e.emit(op, {ValueRef{flat}, ValueRef{weight}}, std::move(kw),
                             retyped(e.ttnn_type(0), {1, 1, out[0] * out[2] * out[3], out[1]}));
    return channels_last::from_flat(e, y, out);
}

// grad_input of a convolution: the transposed convolution of grad_output with the same weight
// ([Cout, Cin/g, kh, kw] is conv_transpose2d's [in, out/groups, kh, kw]). output_padding restores
// the rows and columns a strided forward dropped, so the result has the input's exact size.
ValueId conv_grad_input(Emitter& e, const ConvBackward& c) {
    const IntList &x = c.x, &w = c.w, &go = c.go;
    IntList output_padding(2);
    for (std::size_t i = 0; i < 2; ++i)
        output_padding[i] = x[2 + i] - ((go[2 + i] - 1) * c.s[i] - 2 * c.p[i] + c.d[i] * (w[2 + i] - 1) + 1);
    Kwargs kw = conv_kwargs(go[1], x[1], x[0], c.groups, {go[2], go[3]}, {w[2], w[3]}, c.s, c.p, c.d);
    kw["output_padding"] = output_padding;
    return grad_input_conv(e, "ttnn.conv_transpose2d", c.grad_out, c.weight, std::move(kw), x);
}

// grad_input of a transposed convolution: conv2d(grad_y, w), w read as [Cin, Cout/g, kh, kw].
ValueId transposed_grad_input(Emitter& e, const ConvBackward& c) {
    // Here c.input is grad_y [N, Cout, Hy, Wy] and c.go the forward input's shape [N, Cin, H, W].
    const IntList &gy = c.x, &x = c.go, &w = c.w;
    Kwargs kw = conv_kwargs(gy[1], x[1], x[0], c.groups, {gy[2], gy[3]}, {w[2], w[3]}, c.s, c.p, c.d);
    return grad_input_conv(e, "ttnn.conv2d", c.input, c.weight, std::move(kw), x);
}

// grad_weight[co, ci, i, j] = sum over n, oh, ow of grad_output[n, co, oh, ow] *
// input[n, g*cig + ci, oh*s - p + i*d, ow*s - p + j*d]: a convolution whose batch is the input's
// channels within a group (cig), whose channels are (group, n) and whose [Cout, N, Ho, Wo] kernel is
// grad_output transposed; stride d, dilation s. Its spatial output can exceed the kernel by the
// rows the forward's stride dropped, so it is cropped.
ValueId conv_grad_weight_by_conv(Emitter& e, const ConvBackward& c) {
    const IntList &x = c.x, &w = c.w, &go = c.go;
    const std::int64_t g = c.groups, n = x[0], cig = x[1] / g, cout = go[1];
    IntList k(2);
    for (std::size_t i = 0; i < 2; ++i) k[i] = (x[2 + i] + 2 * c.p[i] - c.s[i] * (go[2 + i] - 1) - 1) / c.d[i] + 1;

    // input [N, g*cig, H, W] -> [cig, H, W, g, N] -> flat channels-last [1, 1, cig*H*W, g*N].
    ValueId xi = reshape(e, c.input, {n, g, cig, x[2], x[3]});
    xi = permute(e, xi, {2, 3, 4, 1, 0});
    xi = reshape(e, xi, {1, 1, cig * x[2] * x[3], g * n});
    // grad_output [N, Cout, Ho, Wo] -> [Cout, N, Ho, Wo]: Cout is already ordered (group, cog).
    const ValueId kernel = permute(e, c.grad_out, {1, 0, 2, 3});
    Kwargs kw = conv_kwargs(g * n, cout, cig, g, {x[2], x[3]}, {go[2], go[3]}, c.d, c.p, c.s);
    add_numerics(e, kw);
    const ValueType out_t = e.ttnn_type(1);
    ValueId y = e.emit("ttnn.conv2d", {ValueRef{xi}, ValueRef{kernel}}, std::move(kw),
                       retyped(out_t, {1, 1, cig * k[0] * k[1], cout}));
    y = reshape(e, y, {cig, k[0], k[1], cout});
    if (k[0] != w[2] || k[1] != w[3]) {
        y = e.emit("ttnn.slice", {ValueRef{y}},
                   {{"slice_start", IntList{0, 0, 0, 0}},
                    {"slice_end", IntList{cig, w[2], w[3], cout}},
                    {"slice_step", IntList{1, 1, 1, 1}}},
                   retyped(out_t, {cig, w[2], w[3], cout}));
    }
    return permute(e, y, {3, 0, 1, 2});
}

// groups == 1: one GEMM over im2col columns. grad_weight [Cout, kh*kw*Cin] = grad_output^T
// [Cout, N*Ho*Wo] @ cols [N*Ho*Wo, kh*kw*Cin], cols being the kh*kw strided windows of the padded
// channels-last input side by side. The convolution form above has a single input channel per
// image and a kernel as large as the output map, which convolution kernels run far below peak.
constexpr std::int64_t kMaxIm2colElements = std::int64_t{1} << 26;  // 256 MB of float32 columns

std::int64_t im2col_elements(const ConvBackward& c) { return c.go[0] * c.go[2] * c.go[3] * c.w[1] * c.w[2] * c.w[3]; }

ValueId conv_grad_weight_by_gemm(Emitter& e, const ConvBackward& c) {
    const IntList &x = c.x, &w = c.w, &go = c.go;
    const IntList &s = c.s, &p = c.p, &d = c.d;
    const std::int64_t n = x[0], cin = x[1], cout = go[1], ho = go[2], wo = go[3], kh = w[2], kw = w[3];
    const ValueType out_t = e.ttnn_type(1);

    ValueId xl = permute(e, c.input, {0, 2, 3, 1});  // [N, H, W, Cin]
    const IntList padded{n, x[2] + 2 * p[0], x[3] + 2 * p[1], cin};
    if (p[0] != 0 || p[1] != 0)
        xl = e.emit("ttnn.pad", {ValueRef{xl}},
                    {{"output_padded_shape", padded}, {"input_tensor_start", IntList{0, p[0], p[1], 0}}, {"value", 0.0}},
                    retyped(e.out().type(xl), padded));
    graph::ValueList windows;
    for (std::int64_t i = 0; i < kh; ++i)
        for (std::int64_t j = 0; j < kw; ++j) {
            const IntList start{0, i * d[0], j * d[1], 0};
            const IntList end{n, i * d[0] + (ho - 1) * s[0] + 1, j * d[1] + (wo - 1) * s[1] + 1, cin};
            windows.ids.push_back(e.emit("ttnn.slice", {ValueRef{xl}},
                                         {{"slice_start", start}, {"slice_end", end}, {"slice_step", IntList{1, s[0], s[1], 1}}},
                                         retyped(e.out().type(xl), {n, ho, wo, cin})));
        }
    ValueId cols = windows.ids.size() == 1
                       ? windows.ids[0]
                       : e.emit("ttnn.concat", {windows}, {{"dim", std::int64_t{3}}},
                                retyped(e.out().type(xl), {n, ho, wo, kh * kw * cin}));
    cols = reshape(e, cols, {n * ho * wo, kh * kw * cin});
    ValueId g = permute(e, c.grad_out, {0, 2, 3, 1});
    g = reshape(e, g, {n * ho * wo, cout});
    Kwargs kwargs{{"transpose_a", true}};
    add_numerics(e, kwargs);
    ValueId y = e.emit("ttnn.matmul", {ValueRef{g}, ValueRef{cols}}, std::move(kwargs), retyped(out_t, {cout, kh * kw * cin}));
    y = reshape(e, y, {cout, kh, kw, cin});
    return permute(e, y, {0, 3, 1, 2});
}

ValueId conv_grad_weight(Emitter& e, const ConvBackward& c) {
    if (c.groups == 1 && im2col_elements(c) <= kMaxIm2colElements) return conv_grad_weight_by_gemm(e, c);
    return conv_grad_weight_by_conv(e, c);
}

void emit_conv_backward(Emitter& e) {
    const ConvBackward c = conv_backward_of(e);
    if (mask_bit(e, 0)) {
        const ValueId gi = c.transposed ? transposed_grad_input(e, c) : conv_grad_input(e, c);
        e.bind_output(0, reshape(e, gi, c.input_shape));
    }
    if (mask_bit(e, 1)) e.bind_output(1, reshape(e, conv_grad_weight(e, c), c.weight_shape));
    if (mask_bit(e, 2)) {
        IntList dims{0};
        for (std::size_t i = 2; i < e.tensor_type(kGradOut).shape.size(); ++i) dims.push_back(static_cast<std::int64_t>(i));
        e.bind_output(2, e.emit("ttnn.sum", {ValueRef{e.input(kGradOut)}}, {{"dim", dims}, {"keepdim", false}},
                                e.ttnn_type(2)));
    }
}

// ---- training-mode batch norm ----

// _native_batch_norm_legit_functional(input, weight, bias, running_mean, running_var, training,
//     momentum, eps) -> (out, save_mean, save_rstd, running_mean_out, running_var_out)
// _native_batch_norm_legit.no_stats(input, weight, bias, training, momentum, eps)
//     -> (out, save_mean, save_rstd)
// Statistics are over every dim but the channels (dim 1); the output and save_rstd use the biased
// variance, the running variance is updated with the unbiased one (torch's rule).
struct BatchNormArgs {
    bool running;                // has running_mean / running_var arguments (and outputs)
    std::size_t training, momentum, eps;
};

constexpr BatchNormArgs kFunctional{true, 5, 6, 7};
constexpr BatchNormArgs kNoStats{false, 3, 4, 5};

std::string batch_norm_train_supports(const NodeView& n, const BatchNormArgs& a) {
    if (auto r = floating(n, {0, 1, 2, 3, 4}); !r.empty()) return r;
    const IntList& shape = n.tensor_type(0).shape;
    if (shape.size() < 2) return op_of(n) + "input " + n.tensor_type(0).to_string() + " must be [N, C, ...]";
    if (!n.bool_arg(a.training))
        return op_of(n) + "training=False is not supported (inference batch norm lowers through "
                          "_native_batch_norm_legit_no_training)";
    if (a.running && (!n.is_tensor(3) || !n.is_tensor(4)))
        return op_of(n) + "running_mean and running_var are required";
    const std::int64_t per_channel = shape[0] * (shape[1] ? n.tensor_type(0).numel() / (shape[0] * shape[1]) : 0);
    if (per_channel <= 1)
        return op_of(n) + "training needs more than one value per channel, got input " + n.tensor_type(0).to_string();
    return {};
}

void emit_batch_norm_train(Emitter& e, const BatchNormArgs& a) {
    const IntList shape = e.tensor_type(0).shape;
    const std::int64_t channels = shape[1];
    IntList dims{0}, stat_shape(shape.size(), 1);
    for (std::size_t i = 2; i < shape.size(); ++i) dims.push_back(static_cast<std::int64_t>(i));
    stat_shape[1] = channels;
    const std::int64_t count = e.tensor_type(0).numel() / channels;
    const double eps = e.scalar_arg(a.eps);

    const ValueType out_t = e.ttnn_type(0);
    const ValueType stat_t = retyped(out_t, stat_shape);
    const ValueId x = e.input(0);
    const ValueId mean = e.emit("ttnn.mean", {ValueRef{x}}, {{"dim", dims}, {"keepdim", true}}, stat_t);
    const ValueId var =
        e.emit("ttnn.var", {ValueRef{x}}, {{"dim", dims}, {"keepdim", true}, {"correction", std::int64_t{0}}}, stat_t);
    const ValueId shifted = e.emit("ttnn.add", {ValueRef{var}, eps}, {}, stat_t);
    const ValueId rstd = e.emit("ttnn.rsqrt", {ValueRef{shifted}}, {}, stat_t);
    ValueId scale = rstd;
    if (e.is_tensor(1))
        scale = e.emit("ttnn.multiply", {ValueRef{rstd}, ValueRef{reshape(e, e.input(1), stat_shape)}}, {}, stat_t);
    const ValueId centered = e.emit("ttnn.subtract", {ValueRef{x}, ValueRef{mean}}, {}, out_t);
    ValueId y = e.emit("ttnn.multiply", {ValueRef{centered}, ValueRef{scale}}, {}, out_t);
    if (e.is_tensor(2)) y = e.emit("ttnn.add", {ValueRef{y}, ValueRef{reshape(e, e.input(2), stat_shape)}}, {}, out_t);
    e.bind_output(0, y);
    e.bind_output(1, reshape(e, mean, e.output_type(1).shape));
    e.bind_output(2, reshape(e, rstd, e.output_type(2).shape));
    if (!a.running) return;

    // running = (1 - momentum) * running + momentum * batch statistic.
    const double momentum = e.scalar_arg(a.momentum);
    auto update = [&](std::size_t arg, ValueId stat, double stat_scale, std::size_t output) {
        const ValueType t = e.ttnn_type(output);
        const ValueId running = reshape(e, e.input(arg), t.shape);
        const ValueId kept = e.emit("ttnn.multiply", {ValueRef{running}, 1.0 - momentum}, {}, t);
        const ValueId fresh = e.emit("ttnn.multiply", {ValueRef{reshape(e, stat, t.shape)}, momentum * stat_scale}, {}, t);
        e.bind_output(output, e.emit("ttnn.add", {ValueRef{kept}, ValueRef{fresh}}, {}, t));
    };
    update(3, mean, 1.0, 3);
    update(4, var, static_cast<double>(count) / static_cast<double>(count - 1), 4);
}

// ---- pooling backward ----

// max_pool2d_with_indices_backward(grad_output, self, kernel_size, stride, padding, dilation,
//     ceil_mode, indices) and avg_pool2d_backward(grad_output, self, kernel_size, stride, padding,
//     ceil_mode, count_include_pad, divisor_override) -> grad_input, by ttnn.max_pool2d_bw /
//     avg_pool2d_bw on channels-last values, as the forward pools.
std::string pool_backward_supports(const NodeView& n, std::initializer_list<std::size_t> window_args) {
    if (auto r = floating(n, {0, 1}); !r.empty()) return r;
    if (auto r = nonempty(n, {0, 1}); !r.empty()) return r;
    const std::size_t rank = n.tensor_type(1).shape.size();
    if (rank != 4)
        return op_of(n) + "input of rank " + std::to_string(rank) + " is not supported (batched [N, C, H, W] only)";
    for (std::size_t i : window_args)
        if (n.int_list_arg(i).size() > 2)
            return op_of(n) + "argument " + std::to_string(i) + "=" + graph::to_string(n.arg(i)) + " is not 2-D";
    return {};
}

// An int or a 1/2-element list as (h, w); `empty` for an empty list (stride=[] means the kernel).
IntList window_pair(const NodeView& n, std::size_t i, const IntList& empty) {
    IntList v = n.int_list_arg(i);
    if (v.empty()) return empty;
    if (v.size() == 1) v.push_back(v[0]);
    return v;
}

Kwargs pool_geometry(const NodeView& n) {
    const IntList& s = n.tensor_type(1).shape;
    const IntList k = window_pair(n, 2, {});
    return {{"batch_size", s[0]}, {"input_h", s[2]},          {"input_w", s[3]},
            {"channels", s[1]},   {"kernel_size", k},         {"stride", window_pair(n, 3, k)},
            {"padding", window_pair(n, 4, {0, 0})}};
}

void emit_pool_backward(Emitter& e, const std::string& op, std::vector<Arg> operands, Kwargs kw) {
    const IntList& s = e.tensor_type(1).shape;
    const ValueId y = e.emit(op, std::move(operands), std::move(kw), retyped(e.ttnn_type(0), {1, 1, s[0] * s[2] * s[3], s[1]}));
    e.bind_output(0, channels_last::from_flat(e, y, s));
}

void emit_max_pool_backward(Emitter& e) {
    Kwargs kw = pool_geometry(e);
    kw["dilation"] = window_pair(e, 5, {1, 1});
    kw["ceil_mode"] = e.bool_arg(6);
    emit_pool_backward(e, "ttnn.max_pool2d_bw",
                       {ValueRef{channels_last::to_flat(e, e.input(0))}, ValueRef{channels_last::to_flat(e, e.input(7))}},
                       std::move(kw));
}

std::string avg_pool_backward_supports(const NodeView& n) {
    if (auto r = pool_backward_supports(n, {2, 3, 4}); !r.empty()) return r;
    if (!n.is_none(7) && n.int_arg(7) <= 0)
        return op_of(n) + "divisor_override=" + std::to_string(n.int_arg(7)) + " is not supported (positive only)";
    return {};
}

void emit_avg_pool_backward(Emitter& e) {
    Kwargs kw = pool_geometry(e);
    kw["ceil_mode"] = e.bool_arg(5);
    kw["count_include_pad"] = e.bool_arg(6);
    if (!e.is_none(7)) kw["divisor_override"] = e.int_arg(7);
    emit_pool_backward(e, "ttnn.avg_pool2d_bw", {ValueRef{channels_last::to_flat(e, e.input(0))}}, std::move(kw));
}

}  // namespace

void register_train_rules(RuleTable& table) {
    table.add({"aten::max_pool2d_with_indices_backward.default",
               [](const NodeView& n) {
                   if (auto r = pool_backward_supports(n, {2, 3, 4, 5}); !r.empty()) return r;
                   if (n.tensor_type(7).shape != n.tensor_type(0).shape)
                       return op_of(n) + "indices " + n.tensor_type(7).to_string() + " do not match grad_output " +
                              n.tensor_type(0).to_string();
                   return std::string();
               },
               emit_max_pool_backward});
    table.add({"aten::avg_pool2d_backward.default", avg_pool_backward_supports, emit_avg_pool_backward});
    table.add({"aten::convolution_backward.default", conv_backward_supports, emit_conv_backward});
    table.add({"aten::_native_batch_norm_legit_functional.default",
               [](const NodeView& n) { return batch_norm_train_supports(n, kFunctional); },
               [](Emitter& e) { emit_batch_norm_train(e, kFunctional); }});
    table.add({"aten::_native_batch_norm_legit.no_stats",
               [](const NodeView& n) { return batch_norm_train_supports(n, kNoStats); },
               [](Emitter& e) { emit_batch_norm_train(e, kNoStats); }});
}

}  // namespace ttnn::lower
