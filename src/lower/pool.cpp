// Lowering rules of the pool family: max/avg/adaptive pooling and nearest/bilinear upsampling.
// (Their backward passes are training rules, in train.cpp.)
//
// TT-NN pools take channels-last activations; like the convolutions (conv.cpp) every pool is
// emitted between a permute to NHWC (flattened to [1, 1, N*H*W, C] for the windowed pools) and a
// permute back, which the layout pass cancels between consecutive channels-last ops.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "ttnn/core/tensor_ops.hpp"
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

std::string check_nchw(const NodeView& n) {
    const auto& x = n.tensor_type(0);
    if (x.shape.size() != 4)
        return n.node().op + ": input of rank " + std::to_string(x.shape.size()) +
               " is not supported (batched [N, C, H, W] only)";
    if (!graph::is_floating(x.dtype)) return n.node().op + ": only floating-point inputs are supported";
    for (auto d : x.shape)
        if (d == 0) return n.node().op + ": empty input is not supported";
    for (auto d : n.output_type().shape)
        if (d == 0) return n.node().op + ": empty output is not supported";
    return {};
}

// An int or a 1/2-element list as (h, w); `empty` when the list is empty (stride=[] = kernel).
IntList pair_arg(const NodeView& n, std::size_t i, const IntList& empty) {
    IntList v = n.int_list_arg(i);
    if (v.empty()) return empty;
    if (v.size() == 1) v.push_back(v[0]);
    return v;
}

// The kwargs every windowed pool takes: the input geometry of [N, C, H, W].
std::map<std::string, Arg> geometry(const NodeView& n) {
    const IntList& s = n.tensor_type(0).shape;
    return {{"batch_size", s[0]}, {"input_h", s[2]}, {"input_w", s[3]}, {"channels", s[1]}};
}

IntList flat_output(const NodeView& n) {
    const IntList& o = n.output_type(0).shape;
    return {1, 1, o[0] * o[2] * o[3], o[1]};
}

void emit_windowed(Emitter& e, const std::string& op, std::map<std::string, Arg> kw) {
    ValueId flat = channels_last::to_flat(e, e.input(0));
    ValueId y = e.emit(op, {ValueRef{flat}}, std::move(kw), channels_last::retyped(e.ttnn_type(0), flat_output(e)));
    e.bind_output(0, channels_last::from_flat(e, y, e.output_type(0).shape));
}

// max_pool2d_with_indices(self, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False)
std::string max_pool_supports(const NodeView& n) {
    if (auto r = check_nchw(n); !r.empty()) return r;
    for (std::size_t i : {1u, 3u, 4u})
        if (n.int_list_arg(i).size() > 2) return n.node().op + ": expects 2-D window arguments";
    return {};
}

bool indices_used(const NodeView& n) {
    if (n.num_outputs() < 2) return false;
    const std::vector<int> uses = n.graph().use_counts();
    return uses[static_cast<std::size_t>(n.node().outputs[1])] > 0;
}

void emit_max_pool(Emitter& e) {
    auto kw = geometry(e);
    const IntList k = pair_arg(e, 1, {});
    kw["kernel_size"] = k;
    kw["stride"] = pair_arg(e, 2, k);
    kw["padding"] = pair_arg(e, 3, {0, 0});
    kw["dilation"] = pair_arg(e, 4, {1, 1});
    kw["ceil_mode"] = e.bool_arg(5);
    if (!indices_used(e)) return emit_windowed(e, "ttnn.max_pool2d", std::move(kw));
    // Training reads the indices (max_pool2d_with_indices_backward): TT-NN's return_indices.
    kw["return_indices"] = true;
    const ValueId flat = channels_last::to_flat(e, e.input(0));
    const std::vector<ValueId> outs = e.out().add_node(
        "ttnn.max_pool2d", {ValueRef{flat}}, std::move(kw),
        {channels_last::retyped(e.ttnn_type(0), flat_output(e)), channels_last::retyped(e.ttnn_type(1), flat_output(e))},
        e.node().name);
    for (std::size_t i = 0; i < 2; ++i) e.bind_output(i, channels_last::from_flat(e, outs[i], e.output_type(i).shape));
}

// avg_pool2d(self, kernel_size, stride=[], padding=0, ceil_mode=False, count_include_pad=True,
//            divisor_override=None)
std::string avg_pool_supports(const NodeView& n) {
    if (auto r = check_nchw(n); !r.empty()) return r;
    for (std::size_t i : {1u, 3u})
        if (n.int_list_arg(i).size() > 2) return n.node().op + ": expects 2-D window arguments";
    if (!n.is_none(6) && n.int_arg(6) == 0) return n.node().op + ": divisor_override=0 is not supported";
    return {};
}

void emit_avg_pool(Emitter& e) {
    auto kw = geometry(e);
    const IntList k = pair_arg(e, 1, {});
    kw["kernel_size"] = k;
    kw["stride"] = pair_arg(e, 2, k);
    kw["padding"] = pair_arg(e, 3, {0, 0});
    kw["ceil_mode"] = e.bool_arg(4);
    kw["count_include_pad"] = e.bool_arg(5);
    if (!e.is_none(6)) kw["divisor_override"] = e.int_arg(6);
    emit_windowed(e, "ttnn.avg_pool2d", std::move(kw));
}

// adaptive_avg_pool2d(self, output_size): global pooling for 1x1, else torch's adaptive windows.
void emit_adaptive_avg_pool(Emitter& e) {
    const IntList& o = e.output_type(0).shape;
    if (o[2] == 1 && o[3] == 1) {
        const IntList& s = e.tensor_type(0).shape;
        const ValueType t = e.ttnn_type(0);
        ValueId x = e.input(0);
        ValueId nhwc = e.emit("ttnn.permute", {ValueRef{x}}, {{"dims", IntList{0, 2, 3, 1}}},
                              channels_last::retyped(t, {s[0], s[2], s[3], s[1]}));
        ValueId y =
            e.emit("ttnn.global_avg_pool2d", {ValueRef{nhwc}}, {}, channels_last::retyped(t, {s[0], 1, 1, s[1]}));
        e.bind_output(0, e.emit("ttnn.permute", {ValueRef{y}}, {{"dims", IntList{0, 3, 1, 2}}}, t));
        return;
    }
    auto kw = geometry(e);
    kw["output_size"] = IntList{o[2], o[3]};
    emit_windowed(e, "ttnn.adaptive_avg_pool2d", std::move(kw));
}

// Upsampling: the scale factors TT-NN's upsample applies (torch's source-index rule uses the given
// scales, or in/out when only the output size is given); `error` says why they cannot be used.
struct Scales {
    double h = 0, w = 0;
    std::string error;
};

Scales upsample_scales(const NodeView& n, bool vec, std::size_t scales_arg) {
    const IntList& in = n.tensor_type(0).shape;
    const IntList& out = n.output_type(0).shape;
    Scales s;
    if (vec) {
        if (!n.is_none(scales_arg)) {
            const Arg& a = n.arg(scales_arg);
            std::vector<double> f;
            if (const auto* fl = std::get_if<graph::FloatList>(&a)) f = *fl;
            if (const auto* il = std::get_if<IntList>(&a)) f.assign(il->begin(), il->end());
            if (f.size() != 2) {
                s.error = n.node().op + ": scale_factors must hold 2 numbers, got " + graph::to_string(a);
                return s;
            }
            s.h = f[0];
            s.w = f[1];
        }
    } else {
        if (!n.is_none(scales_arg)) s.h = n.scalar_arg(scales_arg);
        if (!n.is_none(scales_arg + 1)) s.w = n.scalar_arg(scales_arg + 1);
    }
    if (s.h <= 0) s.h = static_cast<double>(out[2]) / static_cast<double>(in[2]);
    if (s.w <= 0) s.w = static_cast<double>(out[3]) / static_cast<double>(in[3]);
    if (static_cast<std::int64_t>(std::floor(static_cast<double>(in[2]) * s.h)) != out[2] ||
        static_cast<std::int64_t>(std::floor(static_cast<double>(in[3]) * s.w)) != out[3])
        s.error = n.node().op + ": the output size is not floor(input size * scale); ttnn.upsample cannot produce it";
    return s;
}

void emit_upsample(Emitter& e, const Scales& s, const std::string& mode) {
    const IntList& in = e.tensor_type(0).shape;
    const IntList& out = e.output_type(0).shape;
    const ValueType t = e.ttnn_type(0);
    ValueId nhwc = e.emit("ttnn.permute", {ValueRef{e.input(0)}}, {{"dims", IntList{0, 2, 3, 1}}},
                          channels_last::retyped(t, {in[0], in[2], in[3], in[1]}));
    ValueId y =
        e.emit("ttnn.upsample", {ValueRef{nhwc}}, {{"scale_factor", graph::FloatList{s.h, s.w}}, {"mode", mode}},
               channels_last::retyped(t, {out[0], out[2], out[3], out[1]}));
    e.bind_output(0, e.emit("ttnn.permute", {ValueRef{y}}, {{"dims", IntList{0, 3, 1, 2}}}, t));
}

// upsample_bicubic2d(self, output_size, align_corners, scales_h=None, scales_w=None): TT-NN has
// no bicubic mode, but the interpolation is separable and linear, so it is two matmuls with
// interpolation matrices built here: out = M_h @ x @ M_w^T, M [out, in] holding torch's cubic
// convolution weights (A = -0.75, taps clamped at the borders). DINOv2 and YOLOS resize their
// position embeddings this way; those are constants, so fold-constants evaluates it all at compile
// time.
std::vector<float> bicubic_matrix(std::int64_t in, std::int64_t out, bool align_corners, double scale_arg) {
    constexpr double a = -0.75;
    auto near = [](double t) { return ((a + 2) * t - (a + 3)) * t * t + 1; };       // |t| <= 1
    auto far = [](double t) { return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a; };  // 1 < |t| < 2
    double scale;
    if (align_corners) {
        scale = out > 1 ? static_cast<double>(in - 1) / static_cast<double>(out - 1) : 0.0;
    } else {
        scale = scale_arg > 0 ? 1.0 / scale_arg : static_cast<double>(in) / static_cast<double>(out);
    }
    std::vector<float> m(static_cast<std::size_t>(out * in), 0.0f);
    for (std::int64_t o = 0; o < out; ++o) {
        const double src = align_corners ? scale * static_cast<double>(o) : scale * (static_cast<double>(o) + 0.5) - 0.5;
        const double base = std::floor(src);
        const double t = src - base;
        const double w[4] = {far(t + 1), near(t), near(1 - t), far(2 - t)};
        for (int k = 0; k < 4; ++k) {
            const std::int64_t i = std::clamp<std::int64_t>(static_cast<std::int64_t>(base) - 1 + k, 0, in - 1);
            m[static_cast<std::size_t>(o * in + i)] += static_cast<float>(w[k]);
        }
    }
    return m;
}

// A float32 constant of the program holding `values` ([rows, cols]), on the device.
ValueId matrix_constant(Emitter& e, std::vector<float> values, std::int64_t rows, std::int64_t cols) {
    auto owned = std::make_shared<std::vector<float>>(std::move(values));
    const HostArray array{owned->data(), HostElement::F32, Shape{rows, cols}};
    const Tensor host = tensor_from_host_array(array, DataType::FLOAT32, Layout::ROW_MAJOR, 0.0f, owned, "torch_ttnn");
    ValueType t{{rows, cols}, graph::ElemType::f32, Layout::ROW_MAJOR, graph::Placement::host};
    const ValueId c = e.out().add_constant(host, t, "bicubic_weights");
    t.placement = graph::Placement::device;
    return e.emit("ttnn.to_device", {ValueRef{c}}, {}, t);
}

std::string bicubic_supports(const NodeView& n) {
    if (n.tensor_type(0).shape.size() != 4) return n.node().op + ": input must be [N, C, H, W]";
    if (!graph::is_floating(n.tensor_type(0).dtype)) return n.node().op + ": input must be floating point";
    for (auto d : n.tensor_type(0).shape)
        if (d == 0) return n.node().op + ": empty tensors are not supported";
    return {};
}

void emit_bicubic(Emitter& e) {
    const IntList& in = e.tensor_type(0).shape;
    const IntList& out = e.output_type(0).shape;
    const bool align = e.bool_arg(2);
    const double sh = e.num_args() > 3 && !e.is_none(3) ? e.scalar_arg(3) : 0.0;
    const double sw = e.num_args() > 4 && !e.is_none(4) ? e.scalar_arg(4) : 0.0;
    const ValueId mw = matrix_constant(e, bicubic_matrix(in[3], out[3], align, sw), out[3], in[3]);
    const ValueId mh = matrix_constant(e, bicubic_matrix(in[2], out[2], align, sh), out[2], in[2]);
    // fp32 accumulation at full fidelity: the weights are not bf16 numbers.
    const std::map<std::string, Arg> exact{{"math_fidelity", std::string("HiFi4")}, {"fp32_dest_acc_en", true}};
    std::map<std::string, Arg> kw = exact;
    kw["transpose_b"] = true;
    const ValueType t = e.ttnn_type(0);
    const ValueId rows = e.emit("ttnn.matmul", {ValueRef{e.input(0)}, ValueRef{mw}}, kw,
                                channels_last::retyped(t, {in[0], in[1], in[2], out[3]}));
    e.bind_output(0, e.emit("ttnn.matmul", {ValueRef{mh}, ValueRef{rows}}, exact, t));
}

// upsample_nearest2d.vec(input, output_size?, scale_factors?) /
// upsample_nearest2d(self, output_size, scales_h=None, scales_w=None)
Rule nearest_rule(const std::string& overload, bool vec) {
    const std::size_t scales_arg = 2;
    return {overload,
            [=](const NodeView& n) {
                if (auto r = check_nchw(n); !r.empty()) return r;
                return upsample_scales(n, vec, scales_arg).error;
            },
            [=](Emitter& e) { emit_upsample(e, upsample_scales(e, vec, scales_arg), "nearest"); }};
}

// upsample_bilinear2d.vec(input, output_size?, align_corners, scale_factors?) /
// upsample_bilinear2d(self, output_size, align_corners, scales_h=None, scales_w=None)
Rule bilinear_rule(const std::string& overload, bool vec) {
    const std::size_t scales_arg = 3;
    return {overload,
            [=](const NodeView& n) {
                if (auto r = check_nchw(n); !r.empty()) return r;
                if (n.bool_arg(2)) return n.node().op + ": align_corners=True is not supported by ttnn.upsample";
                return upsample_scales(n, vec, scales_arg).error;
            },
            [=](Emitter& e) { emit_upsample(e, upsample_scales(e, vec, scales_arg), "bilinear"); }};
}

}  // namespace

void register_pool_rules(RuleTable& table) {
    table.add({"aten::max_pool2d_with_indices.default", max_pool_supports, emit_max_pool});
    table.add({"aten::avg_pool2d.default", avg_pool_supports, emit_avg_pool});
    table.add({"aten::adaptive_avg_pool2d.default", check_nchw, emit_adaptive_avg_pool});
    table.add({"aten::_adaptive_avg_pool2d.default", check_nchw, emit_adaptive_avg_pool});
    table.add(nearest_rule("aten::upsample_nearest2d.vec", true));
    table.add(nearest_rule("aten::upsample_nearest2d.default", false));
    table.add(bilinear_rule("aten::upsample_bilinear2d.vec", true));
    table.add(bilinear_rule("aten::upsample_bilinear2d.default", false));
    table.add({"aten::upsample_bicubic2d.default", bicubic_supports, emit_bicubic});
}

}  // namespace ttnn::lower
