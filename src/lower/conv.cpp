// Lowering rules of the conv family: aten::convolution -> ttnn.conv2d / conv_transpose2d / conv1d.
//
// ATen is channels-first (NCHW, NCL); TT-NN's convolutions take channels-last activations
// flattened to [1, 1, N*H*W, C] and return [1, 1, N*Ho*Wo, C_out]. Every convolution is emitted as
//     permute(NCHW -> NHWC) -> reshape [1,1,NHW,C] -> ttnn.conv* -> reshape [N,Ho,Wo,Co] -> permute
// so that each node stays simple and well-typed; the layout pass cancels the permute pairs between
// consecutive channels-last ops. The pool family reuses the two layout helpers defined here.
#include <string>

#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

using graph::Arg;
using graph::IntList;
using graph::ValueId;
using graph::ValueRef;
using graph::ValueType;

// Shared with pool.cpp, which declares them.
namespace channels_last {

// A TT-NN value type like `like`'s (dtype, layout, placement) with another shape.
ValueType retyped(const ValueType& like, IntList shape) {
    ValueType t = like;
    t.shape = std::move(shape);
    return t;
}

// NCHW (rank 4) or NCL (rank 3) -> channels-last, flattened to [1, 1, N*spatial, C].
ValueId to_flat(Emitter& e, ValueId x) {
    const ValueType t = e.out().type(x);  // a copy: emitting grows the graph's value table
    const IntList& s = t.shape;
    IntList perm, last, flat{1, 1, 1, s[1]};
    if (s.size() == 4) {
        perm = {0, 2, 3, 1};
        last = {s[0], s[2], s[3], s[1]};
        flat[2] = s[0] * s[2] * s[3];
    } else {
        perm = {0, 2, 1};
        last = {s[0], s[2], s[1]};
        flat[2] = s[0] * s[2];
    }
    ValueId p = e.emit("ttnn.permute", {ValueRef{x}}, {{"dims", perm}}, retyped(t, last));
    return e.emit("ttnn.reshape", {ValueRef{p}}, {{"shape", flat}}, retyped(t, flat));
}

// A flat channels-last result [1, 1, N*spatial, C] -> the channels-first `aten_out` shape.
ValueId from_flat(Emitter& e, ValueId y, const IntList& aten_out) {
    const ValueType t = e.out().type(y);
    IntList last, perm;
    if (aten_out.size() == 4) {
        last = {aten_out[0], aten_out[2], aten_out[3], aten_out[1]};
        perm = {0, 3, 1, 2};
    } else {
        last = {aten_out[0], aten_out[2], aten_out[1]};
        perm = {0, 2, 1};
    }
    ValueId r = e.emit("ttnn.reshape", {ValueRef{y}}, {{"shape", last}}, retyped(t, last));
    return e.emit("ttnn.permute", {ValueRef{r}}, {{"dims", perm}}, retyped(t, aten_out));
}

}  // namespace channels_last

namespace {

// aten::convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups)
enum ConvArg : std::size_t {
    kInput,
    kWeight,
    kBias,
    kStride,
    kPadding,
    kDilation,
    kTransposed,
    kOutputPadding,
    kGroups
};

std::string conv_supports(const NodeView& n) {
    const std::string op = n.node().op + ": ";
    const auto& x = n.tensor_type(kInput);
    const auto& w = n.tensor_type(kWeight);
    if (!graph::is_floating(x.dtype) || !graph::is_floating(w.dtype))
        return op + "only floating-point input and weight are supported";
    if (!n.is_none(kBias) && !graph::is_floating(n.tensor_type(kBias).dtype))
        return op + "only a floating-point bias is supported";
    const std::size_t rank = x.shape.size();
    if (rank != 3 && rank != 4)
        return op + "input of rank " + std::to_string(rank) +
               " is not supported (batched conv1d [N,C,L] and conv2d [N,C,H,W] only)";
    if (w.shape.size() != rank) return op + "weight rank does not match the input's";
    const std::size_t dims = rank - 2;
    for (std::size_t a : {kStride, kPadding, kDilation, kOutputPadding}) {
        const IntList v = n.int_list_arg(a);
        if (v.size() != dims && v.size() != 1) return op + "argument " + std::to_string(a) + " has the wrong length";
        for (auto i : v)
            if (i < 0) return op + "negative stride/padding/dilation is not supported";
    }
    if (n.int_arg(kGroups) <= 0) return op + "groups must be positive";
    for (auto d : x.shape)
        if (d == 0) return op + "empty input is not supported";
    for (auto d : n.output_type().shape)
        if (d == 0) return op + "empty output is not supported";
    return {};
}

IntList spatial(const NodeView& n, std::size_t i, std::size_t dims) {
    IntList v = n.int_list_arg(i);
    if (v.size() == 1 && dims == 2) v.push_back(v[0]);
    return v;
}

void add_numerics(const Emitter& e, std::map<std::string, Arg>& kw) {
    kw["math_fidelity"] = std::string(to_string(e.options().math_fidelity));
    kw["fp32_dest_acc_en"] = e.options().fp32_dest_acc_en;
}

void emit_conv(Emitter& e) {
    const auto& x = e.tensor_type(kInput);
    const auto& w = e.tensor_type(kWeight);
    const IntList& out_shape = e.output_type().shape;
    const bool transposed = e.bool_arg(kTransposed);
    const bool is_1d = x.shape.size() == 3;
    const std::int64_t groups = e.int_arg(kGroups);
    const std::int64_t in_ch = x.shape[1];
    const std::int64_t out_ch = out_shape[1];
    const ValueType out_t = e.ttnn_type(0);

    ValueId flat = channels_last::to_flat(e, e.input(kInput));
    ValueId weight = e.input(kWeight);
    std::map<std::string, Arg> kw;
    if (!e.is_none(kBias)) {
        // TT-NN's bias is [1, 1, 1, C_out] (folded at compile time when the bias is a constant).
        ValueId b = e.input(kBias);
        const IntList bshape{1, 1, 1, out_ch};
        kw["bias_tensor"] = ValueRef{e.emit("ttnn.reshape", {ValueRef{b}}, {{"shape", bshape}},
                                            channels_last::retyped(e.out().type(b), bshape))};
    }
    kw["in_channels"] = in_ch;
    kw["out_channels"] = out_ch;
    kw["batch_size"] = x.shape[0];
    kw["groups"] = groups;
    add_numerics(e, kw);

    std::string op;
    IntList flat_out;
    if (is_1d && !transposed) {
        op = "ttnn.conv1d";
        kw["input_length"] = x.shape[2];
        kw["kernel_size"] = w.shape[2];
        kw["stride"] = e.int_list_arg(kStride)[0];
        kw["padding"] = e.int_list_arg(kPadding)[0];
        kw["dilation"] = e.int_list_arg(kDilation)[0];
        flat_out = {1, 1, out_shape[0] * out_shape[2], out_ch};
    } else if (is_1d) {
        // Transposed 1-D: a transposed 2-D convolution with H=1, W=L and weight [in, out/groups, 1, k].
        op = "ttnn.conv_transpose2d";
        const IntList w4{w.shape[0], w.shape[1], 1, w.shape[2]};
        weight = e.emit("ttnn.reshape", {ValueRef{weight}}, {{"shape", w4}},
                        channels_last::retyped(e.out().type(weight), w4));
        kw["input_height"] = std::int64_t{1};
        kw["input_width"] = x.shape[2];
        kw["kernel_size"] = IntList{1, w.shape[2]};
        kw["stride"] = IntList{1, e.int_list_arg(kStride)[0]};
        kw["padding"] = IntList{0, e.int_list_arg(kPadding)[0]};
        kw["output_padding"] = IntList{0, e.int_list_arg(kOutputPadding)[0]};
        kw["dilation"] = IntList{1, e.int_list_arg(kDilation)[0]};
        flat_out = {1, 1, out_shape[0] * out_shape[2], out_ch};
    } else {
        op = transposed ? "ttnn.conv_transpose2d" : "ttnn.conv2d";
        kw["input_height"] = x.shape[2];
        kw["input_width"] = x.shape[3];
        kw["kernel_size"] = IntList{w.shape[2], w.shape[3]};
        kw["stride"] = spatial(e, kStride, 2);
        kw["padding"] = spatial(e, kPadding, 2);
        kw["dilation"] = spatial(e, kDilation, 2);
        if (transposed) kw["output_padding"] = spatial(e, kOutputPadding, 2);
        flat_out = {1, 1, out_shape[0] * out_shape[2] * out_shape[3], out_ch};
    }
    ValueId y = e.emit(op, {ValueRef{flat}, ValueRef{weight}}, std::move(kw), channels_last::retyped(out_t, flat_out));
    e.bind_output(0, channels_last::from_flat(e, y, out_shape));
}

}  // namespace

void register_conv_rules(RuleTable& table) { table.add({"aten::convolution.default", conv_supports, emit_conv}); }

}  // namespace ttnn::lower
