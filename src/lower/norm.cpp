// Lowering rules of the norm family: native_layer_norm, inference batch norm and native_group_norm
// -> ttnn.layer_norm / batch_norm / group_norm. (rms_norm / _fused_rms_norm decompose on CPU into
// pow / mean / rsqrt / mul before lowering, so they have no rule here.)
//
// Only the normalized output is produced: the saved statistics (mean / rstd outputs) exist for
// autograd, so a rule rejects the node when one of them is read. TT-NN's layer norm normalizes
// the last dim: a normalized_shape of several dims is flattened into one by reshapes. TT-NN's group
// norm is channels-last: [N, C, *] is reshaped to [N, C, S], permuted to [N, S, C] and back.
#include <string>

#include "emit_helpers.hpp"
#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

using graph::Arg;
using graph::IntList;
using graph::ValueId;
using graph::ValueRef;
using graph::ValueType;

namespace {

using Kwargs = std::map<std::string, Arg>;

std::string op_of(const NodeView& n) { return n.node().op + ": "; }

// True when a node of the graph (or the graph's outputs) reads output i of this node.
bool output_read(const NodeView& n, std::size_t i) {
    if (i >= n.num_outputs()) return false;
    const ValueId id = n.node().outputs[i];
    for (ValueId o : n.graph().outputs())
        if (o == id) return true;
    for (const auto& node : n.graph().nodes())
        for (ValueId v : node.operands())
            if (v == id) return true;
    return false;
}

std::string statistics_unread(const NodeView& n) {
    for (std::size_t i = 1; i < n.num_outputs(); ++i)
        if (output_read(n, i))
            return op_of(n) + "output " + std::to_string(i) + " (saved statistics) is read; only the normalized output "
                              "is supported";
    return {};
}

std::string floating(const NodeView& n, std::initializer_list<std::size_t> args) {
    for (std::size_t i : args)
        if (n.is_tensor(i) && !graph::is_floating(n.tensor_type(i).dtype))
            return op_of(n) + "argument " + std::to_string(i) + " is " +
                   std::string(graph::to_string(n.tensor_type(i).dtype)) + "; only floating-point tensors are supported";
    return {};
}

using emit::reshape;
using emit::with_shape;

std::int64_t product(const IntList& v, std::size_t from = 0) {
    std::int64_t p = 1;
    for (std::size_t i = from; i < v.size(); ++i) p *= v[i];
    return p;
}

// ---- layer norm over the trailing normalized_shape ----

std::string last_dims_supports(const NodeView& n, std::initializer_list<std::size_t> tensors,
                               bool statistics_lowered = false) {
    if (auto r = floating(n, tensors); !r.empty()) return r;
    const IntList norm = n.int_list_arg(1);
    const IntList& shape = n.tensor_type(0).shape;
    if (norm.empty() || norm.size() > shape.size())
        return op_of(n) + "normalized_shape " + graph::to_string(n.arg(1)) + " does not fit input " +
               n.tensor_type(0).to_string();
    for (std::size_t i = 0; i < norm.size(); ++i)
        if (shape[shape.size() - norm.size() + i] != norm[i])
            return op_of(n) + "normalized_shape " + graph::to_string(n.arg(1)) + " does not match input " +
                   n.tensor_type(0).to_string();
    return statistics_lowered ? std::string() : statistics_unread(n);
}

// Emits `op` over the normalized dims flattened into one; weight (arg 2) and bias (arg `bias`).
void emit_last_dims(Emitter& e, const std::string& op, std::optional<std::size_t> bias, double epsilon) {
    const IntList norm = e.int_list_arg(1);
    const IntList& shape = e.tensor_type(0).shape;
    const std::int64_t width = product(norm);
    IntList flat(shape.begin(), shape.end() - static_cast<std::ptrdiff_t>(norm.size()));
    flat.push_back(width);
    Kwargs k{{"epsilon", epsilon}};
    if (e.is_tensor(2)) k["weight"] = ValueRef{reshape(e, e.input(2), {width})};
    if (bias && e.is_tensor(*bias)) k["bias"] = ValueRef{reshape(e, e.input(*bias), {width})};
    const ValueId x = reshape(e, e.input(0), flat);
    ValueType out = e.ttnn_type(0);
    const ValueId y = e.emit(op, {ValueRef{x}}, std::move(k), with_shape(out, flat));
    e.bind_output(0, reshape(e, y, out.shape));
}

// native_layer_norm -> (out, mean, rstd). A training graph's backward reads the saved statistics:
// they are computed beside ttnn.layer_norm (biased variance, as the normalization uses).
void emit_native_layer_norm(Emitter& e) {
    emit_last_dims(e, "ttnn.layer_norm", 3, e.scalar_arg(4));
    if (!output_read(e, 1) && !output_read(e, 2)) return;
    const IntList norm = e.int_list_arg(1);
    const IntList& shape = e.tensor_type(0).shape;
    IntList flat(shape.begin(), shape.end() - static_cast<std::ptrdiff_t>(norm.size()));
    flat.push_back(product(norm));
    IntList stat_flat = flat;
    stat_flat.back() = 1;
    const ValueId x = reshape(e, e.input(0), flat);
    const ValueType stat_t = with_shape(e.ttnn_type(1), stat_flat);
    const Kwargs over_last{{"dim", IntList{static_cast<std::int64_t>(flat.size()) - 1}}, {"keepdim", true}};
    const ValueId mean = e.emit("ttnn.mean", {ValueRef{x}}, over_last, stat_t);
    Kwargs var_kw = over_last;
    var_kw["correction"] = std::int64_t{0};
    const ValueId var = e.emit("ttnn.var", {ValueRef{x}}, std::move(var_kw), stat_t);
    const ValueId shifted = e.emit("ttnn.add", {ValueRef{var}, e.scalar_arg(4)}, {}, stat_t);
    const ValueId rstd = e.emit("ttnn.rsqrt", {ValueRef{shifted}}, {}, stat_t);
    e.bind_output(1, reshape(e, mean, e.output_type(1).shape));
    e.bind_output(2, reshape(e, rstd, e.output_type(2).shape));
}

// ---- batch norm ----

// native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps) and
// _native_batch_norm_legit_no_training(input, weight, bias, running_mean, running_var, momentum, eps).
std::string batch_norm_supports(const NodeView& n, bool has_training_arg) {
    if (auto r = floating(n, {0, 1, 2, 3, 4}); !r.empty()) return r;
    if (has_training_arg && n.bool_arg(5)) return op_of(n) + "training=True is not supported (inference only)";
    if (!n.is_tensor(3) || !n.is_tensor(4)) return op_of(n) + "running_mean and running_var are required";
    if (n.tensor_type(0).shape.size() < 2) return op_of(n) + "input must be [N, C, ...]";
    return statistics_unread(n);
}

void emit_batch_norm(Emitter& e, std::size_t eps_arg) {
    Kwargs k{{"running_mean", ValueRef{e.input(3)}},
             {"running_var", ValueRef{e.input(4)}},
             {"training", false},
             {"eps", e.scalar_arg(eps_arg)}};
    if (e.is_tensor(1)) k["weight"] = ValueRef{e.input(1)};
    if (e.is_tensor(2)) k["bias"] = ValueRef{e.input(2)};
    e.emit_output("ttnn.batch_norm", {ValueRef{e.input(0)}}, std::move(k));
}

// ---- group norm ----

// native_group_norm(input, weight, bias, N, C, HxW, group, eps)
std::string group_norm_supports(const NodeView& n) {
    if (auto r = floating(n, {0, 1, 2}); !r.empty()) return r;
    const IntList& shape = n.tensor_type(0).shape;
    if (shape.size() < 2) return op_of(n) + "input must be [N, C, ...]";
    const std::int64_t groups = n.int_arg(6);
    if (groups <= 0 || shape[1] % groups != 0)
        return op_of(n) + "group=" + std::to_string(groups) + " does not divide C=" + std::to_string(shape[1]);
    return statistics_unread(n);
}

void emit_group_norm(Emitter& e) {
    const IntList& shape = e.tensor_type(0).shape;
    const std::int64_t batch = shape[0], channels = shape[1], spatial = product(shape, 2);
    const ValueId x = reshape(e, e.input(0), {batch, channels, spatial});
    const ValueType& xt = e.out().type(x);
    const ValueId last =
        e.emit("ttnn.permute", {ValueRef{x}}, {{"dims", IntList{0, 2, 1}}}, with_shape(xt, {batch, spatial, channels}));
    Kwargs k{{"num_groups", e.int_arg(6)}, {"epsilon", e.scalar_arg(7)}};
    if (e.is_tensor(1)) k["weight"] = ValueRef{e.input(1)};
    if (e.is_tensor(2)) k["bias"] = ValueRef{e.input(2)};
    const ValueType out = e.ttnn_type(0);
    const ValueId y = e.emit("ttnn.group_norm", {ValueRef{last}}, std::move(k), with_shape(out, {batch, spatial, channels}));
    const ValueId first =
        e.emit("ttnn.permute", {ValueRef{y}}, {{"dims", IntList{0, 2, 1}}}, with_shape(out, {batch, channels, spatial}));
    e.bind_output(0, reshape(e, first, out.shape));
}

}  // namespace

void register_norm_rules(RuleTable& table) {
    table.add({"aten::native_layer_norm.default", [](const NodeView& n) { return last_dims_supports(n, {0, 2, 3}, true); },
               emit_native_layer_norm});
    table.add({"aten::native_batch_norm.default", [](const NodeView& n) { return batch_norm_supports(n, true); },
               [](Emitter& e) { emit_batch_norm(e, 7); }});
    table.add({"aten::_native_batch_norm_legit_no_training.default",
               [](const NodeView& n) { return batch_norm_supports(n, false); },
               [](Emitter& e) { emit_batch_norm(e, 6); }});
    table.add({"aten::native_group_norm.default", group_norm_supports, emit_group_norm});
}

}  // namespace ttnn::lower
