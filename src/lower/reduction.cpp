// Lowering rules of the reduction family: softmax / log_softmax, sum, mean, amax / amin, max / min
// (values and indices), argmax / argmin, var / std / var_mean, prod, cumsum, topk, any / all.
//
// Reduced dims are normalized (non-negative, sorted) into the node's `dim`; no `dim` means all.
// Where torch changes the element kind (sum of bools or ints -> int64, sum(dtype=float) of ints) the
// input is first typecast to the output's TT-NN dtype. TT-NN's index outputs (argmax UINT32, topk
// UINT16) are followed by a ttnn.typecast to int32, the TT-NN form of torch's int64 indices.
#include <algorithm>
#include <cmath>
#include <string>

#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

using graph::Arg;
using graph::ElemType;
using graph::IntList;
using graph::ValueId;
using graph::ValueRef;
using graph::ValueType;

namespace {

using Kwargs = std::map<std::string, Arg>;

std::string op_of(const NodeView& n) { return n.node().op + ": "; }

std::size_t rank_of(const NodeView& n) { return n.tensor_type(0).shape.size(); }

// Normalized, sorted, unique dims of a dim-list argument; None or [] is every dim.
IntList reduce_dims(const NodeView& n, std::size_t arg) {
    const std::int64_t rank = static_cast<std::int64_t>(rank_of(n));
    IntList dims;
    if (!n.is_none(arg)) dims = n.int_list_arg(arg);
    if (dims.empty())
        for (std::int64_t d = 0; d < rank; ++d) dims.push_back(d);
    for (auto& d : dims) d = d < 0 ? d + rank : d;
    std::sort(dims.begin(), dims.end());
    dims.erase(std::unique(dims.begin(), dims.end()), dims.end());
    return dims;
}

std::int64_t one_dim(const NodeView& n, std::size_t arg) {
    const std::int64_t rank = static_cast<std::int64_t>(rank_of(n));
    const std::int64_t d = n.int_arg(arg);
    return d < 0 ? d + rank : d;
}

std::string check_dims(const NodeView& n, const IntList& dims) {
    const std::int64_t rank = static_cast<std::int64_t>(rank_of(n));
    for (std::int64_t d : dims)
        if (d < 0 || d >= rank)
            return op_of(n) + "dim " + std::to_string(d) + " is out of range for rank " + std::to_string(rank);
    return {};
}

std::string not_scalar(const NodeView& n) {
    if (rank_of(n) == 0) return op_of(n) + "a rank-0 input is not supported";
    return {};
}

std::string float_input(const NodeView& n) {
    if (auto r = not_scalar(n); !r.empty()) return r;
    if (!graph::is_floating(n.tensor_type(0).dtype))
        return op_of(n) + "only floating-point inputs are supported, got " +
               std::string(graph::to_string(n.tensor_type(0).dtype));
    return {};
}

std::string any_input(const NodeView& n) { return not_scalar(n); }

// The input as the output's TT-NN dtype when torch changes its kind (bool/int -> int, int -> float).
ValueId input_as_output_kind(Emitter& e, std::size_t output = 0) {
    const ValueId x = e.input(0);
    const ValueType& in = e.out().type(x);
    const ValueType out = e.ttnn_type(output);
    if (in.dtype == out.dtype || (graph::is_floating(in.dtype) && graph::is_floating(out.dtype))) return x;
    ValueType t = in;
    t.dtype = out.dtype;
    return e.emit("ttnn.typecast", {ValueRef{x}}, {}, t);
}

Kwargs dim_kwargs(const IntList& dims, bool keepdim) { return {{"dim", dims}, {"keepdim", keepdim}}; }

// A ttnn index output (`index_dtype`) converted to the ATen output's TT-NN dtype (int32).
ValueId indices_as_int(Emitter& e, ValueId idx, std::size_t output) {
    return e.emit("ttnn.typecast", {ValueRef{idx}}, {}, e.ttnn_type(output));
}

ValueType index_type(const Emitter& e, std::size_t output, ElemType dtype) {
    ValueType t = e.ttnn_type(output);
    t.dtype = dtype;
    return t;
}

// ---- softmax ----

std::string softmax_supports(const NodeView& n) {
    if (auto r = float_input(n); !r.empty()) return r;
    if (n.bool_arg(2)) return op_of(n) + "half_to_float=True is not supported";
    return check_dims(n, {one_dim(n, 1)});
}

void emit_softmax(Emitter& e) {
    e.emit_output("ttnn.softmax", {ValueRef{e.input(0)}}, {{"dim", one_dim(e, 1)}});
}

// log_softmax = (x - max) - log(sum(exp(x - max))), stable for any logits.
void emit_log_softmax(Emitter& e) {
    const std::int64_t dim = one_dim(e, 1);
    const ValueType out = e.ttnn_type();
    ValueType reduced = out;
    reduced.shape[static_cast<std::size_t>(dim)] = 1;
    const ValueId x = e.input(0);
    const ValueId m = e.emit("ttnn.max", {ValueRef{x}}, dim_kwargs({dim}, true), reduced);
    const ValueId shifted = e.emit("ttnn.subtract", {ValueRef{x}, ValueRef{m}}, {}, out);
    const ValueId ex = e.emit("ttnn.exp", {ValueRef{shifted}}, {}, out);
    const ValueId s = e.emit("ttnn.sum", {ValueRef{ex}}, dim_kwargs({dim}, true), reduced);
    const ValueId l = e.emit("ttnn.log", {ValueRef{s}}, {}, reduced);
    e.bind_output(0, e.emit("ttnn.subtract", {ValueRef{shifted}, ValueRef{l}}, {}, out));
}

// ---- dim-list reductions: sum / mean / amax / amin / prod / var / std ----

// An argument index meaning "none": the overload reduces every dim / has no keepdim.
constexpr std::size_t kAll = static_cast<std::size_t>(-1);

IntList all_dims(const NodeView& n) {
    IntList dims;
    for (std::size_t d = 0; d < rank_of(n); ++d) dims.push_back(static_cast<std::int64_t>(d));
    return dims;
}

struct Reduce {
    std::string ttnn_op;
    std::size_t dims_arg = kAll;     // kAll: reduce every dim
    std::size_t keepdim_arg = kAll;  // kAll: keepdim=False
    bool floating_only = false;
    bool cast_input = false;  // sum / prod: typecast to the output's kind first
};

IntList reduce_dims_of(const NodeView& n, const Reduce& r) {
    return r.dims_arg == kAll ? all_dims(n) : reduce_dims(n, r.dims_arg);
}

bool keepdim_of(const NodeView& n, const Reduce& r) { return r.keepdim_arg != kAll && n.bool_arg(r.keepdim_arg); }

std::string reduce_supports(const NodeView& n, const Reduce& r) {
    if (auto s = r.floating_only ? float_input(n) : any_input(n); !s.empty()) return s;
    return check_dims(n, reduce_dims_of(n, r));
}

void add_reduce(RuleTable& table, const std::string& aten, Reduce r) {
    table.add({aten, [r](const NodeView& n) { return reduce_supports(n, r); },
               [r](Emitter& e) {
                   const ValueId x = r.cast_input ? input_as_output_kind(e) : e.input(0);
                   e.emit_output(r.ttnn_op, {ValueRef{x}}, dim_kwargs(reduce_dims_of(e, r), keepdim_of(e, r)));
               }});
}

// var / std (self, dim, *, correction, keepdim): correction None means 1.
std::string spread_supports(const NodeView& n) {
    if (auto s = float_input(n); !s.empty()) return s;
    if (!n.is_none(2)) {
        const double c = n.scalar_arg(2);
        if (c != std::floor(c) || c < 0)
            return op_of(n) + "correction=" + graph::to_string(n.arg(2)) + " is not supported (a non-negative integer only)";
    }
    return check_dims(n, reduce_dims(n, 1));
}

Kwargs spread_kwargs(const NodeView& n) {
    Kwargs k = dim_kwargs(reduce_dims(n, 1), n.bool_arg(3));
    k["correction"] = n.is_none(2) ? std::int64_t{1} : static_cast<std::int64_t>(n.scalar_arg(2));
    return k;
}

// ---- values and indices ----

// max.dim / min.dim (self, dim, keepdim) -> (values, indices)
void emit_extreme_dim(Emitter& e, bool is_max) {
    const std::int64_t dim = one_dim(e, 1);
    const bool keepdim = e.bool_arg(2);
    const ValueId x = e.input(0);
    e.bind_output(0, e.emit(is_max ? "ttnn.max" : "ttnn.min", {ValueRef{x}}, dim_kwargs({dim}, keepdim), e.ttnn_type(0)));
    if (e.num_outputs() > 1) {
        const ValueId idx = e.emit(is_max ? "ttnn.argmax" : "ttnn.argmin", {ValueRef{x}},
                                   {{"dim", dim}, {"keepdim", keepdim}}, index_type(e, 1, ElemType::u32));
        e.bind_output(1, indices_as_int(e, idx, 1));
    }
}

std::string extreme_dim_supports(const NodeView& n) {
    if (auto s = any_input(n); !s.empty()) return s;
    return check_dims(n, {one_dim(n, 1)});
}

// argmax / argmin (self, dim?, keepdim)
std::string arg_supports(const NodeView& n) {
    if (auto s = any_input(n); !s.empty()) return s;
    if (!n.is_none(1)) return check_dims(n, {one_dim(n, 1)});
    return {};
}

void emit_arg(Emitter& e, const std::string& op) {
    Kwargs k{{"keepdim", e.bool_arg(2)}};
    if (!e.is_none(1)) k["dim"] = one_dim(e, 1);
    const ValueId idx = e.emit(op, {ValueRef{e.input(0)}}, std::move(k), index_type(e, 0, ElemType::u32));
    e.bind_output(0, indices_as_int(e, idx, 0));
}

// topk (self, k, dim, largest, sorted) -> (values, indices)
std::string topk_supports(const NodeView& n) {
    if (auto s = float_input(n); !s.empty()) return s;
    const std::int64_t dim = one_dim(n, 2);
    if (auto s = check_dims(n, {dim}); !s.empty()) return s;
    const std::int64_t k = n.int_arg(1);
    if (k < 0 || k > n.tensor_type(0).shape[static_cast<std::size_t>(dim)])
        return op_of(n) + "k=" + std::to_string(k) + " is out of range";
    return {};
}

void emit_topk(Emitter& e) {
    const std::int64_t dim = one_dim(e, 2);
    const bool wide = e.tensor_type(0).shape[static_cast<std::size_t>(dim)] > 65535;
    const auto outs = e.out().add_node(
        "ttnn.topk", {ValueRef{e.input(0)}},
        {{"k", e.int_arg(1)}, {"dim", dim}, {"largest", e.bool_arg(3)}, {"sorted", e.bool_arg(4)}},
        {e.ttnn_type(0), index_type(e, 1, wide ? ElemType::u32 : ElemType::u16)}, e.node().name);
    e.bind_output(0, outs[0]);
    e.bind_output(1, indices_as_int(e, outs[1], 1));
}

// cumsum (self, dim, *, dtype)
std::string cumsum_supports(const NodeView& n) {
    if (auto s = any_input(n); !s.empty()) return s;
    return check_dims(n, {one_dim(n, 1)});
}

// any / all over bools: max / min of the 0/1 values.
std::string bool_reduce_supports(const NodeView& n, std::size_t dims_arg, bool one) {
    if (auto s = not_scalar(n); !s.empty()) return s;
    if (n.tensor_type(0).dtype != ElemType::b8)
        return op_of(n) + "only bool inputs are supported, got " + std::string(graph::to_string(n.tensor_type(0).dtype));
    if (dims_arg == kAll) return {};
    return check_dims(n, one ? IntList{one_dim(n, dims_arg)} : reduce_dims(n, dims_arg));
}

void add_bool_reduce(RuleTable& table, const std::string& aten, const std::string& op, std::size_t dims_arg, bool one) {
    table.add({aten, [=](const NodeView& n) { return bool_reduce_supports(n, dims_arg, one); },
               [=](Emitter& e) {
                   const IntList dims = dims_arg == kAll ? all_dims(e)
                                        : one        ? IntList{one_dim(e, dims_arg)}
                                                     : reduce_dims(e, dims_arg);
                   const bool keepdim = dims_arg != kAll && e.bool_arg(dims_arg + 1);
                   e.emit_output(op, {ValueRef{e.input(0)}}, dim_kwargs(dims, keepdim));
               }});
}

}  // namespace

void register_reduction_rules(RuleTable& table) {
    table.add({"aten::_softmax.default", softmax_supports, emit_softmax});
    table.add({"aten::_log_softmax.default", softmax_supports, emit_log_softmax});

    add_reduce(table, "aten::sum.dim_IntList", {"ttnn.sum", 1, 2, false, true});
    add_reduce(table, "aten::sum.default", {"ttnn.sum", kAll, kAll, false, true});
    add_reduce(table, "aten::mean.dim", {"ttnn.mean", 1, 2, true, false});
    add_reduce(table, "aten::mean.default", {"ttnn.mean", kAll, kAll, true, false});
    add_reduce(table, "aten::amax.default", {"ttnn.max", 1, 2, false, false});
    add_reduce(table, "aten::amin.default", {"ttnn.min", 1, 2, false, false});
    add_reduce(table, "aten::max.default", {"ttnn.max", kAll, kAll, false, false});
    add_reduce(table, "aten::min.default", {"ttnn.min", kAll, kAll, false, false});
    add_reduce(table, "aten::prod.dim_int", {"ttnn.prod", 1, 2, false, true});
    add_reduce(table, "aten::prod.default", {"ttnn.prod", kAll, kAll, false, true});

    table.add({"aten::var.correction", spread_supports,
               [](Emitter& e) { e.emit_output("ttnn.var", {ValueRef{e.input(0)}}, spread_kwargs(e)); }});
    table.add({"aten::std.correction", spread_supports,
               [](Emitter& e) { e.emit_output("ttnn.std", {ValueRef{e.input(0)}}, spread_kwargs(e)); }});
    table.add({"aten::var_mean.correction", spread_supports, [](Emitter& e) {
                   const ValueId x = e.input(0);
                   e.bind_output(0, e.emit("ttnn.var", {ValueRef{x}}, spread_kwargs(e), e.ttnn_type(0)));
                   e.bind_output(1, e.emit("ttnn.mean", {ValueRef{x}}, dim_kwargs(reduce_dims(e, 1), e.bool_arg(3)),
                                           e.ttnn_type(1)));
               }});

    table.add({"aten::max.dim", extreme_dim_supports, [](Emitter& e) { emit_extreme_dim(e, true); }});
    table.add({"aten::min.dim", extreme_dim_supports, [](Emitter& e) { emit_extreme_dim(e, false); }});
    table.add({"aten::argmax.default", arg_supports, [](Emitter& e) { emit_arg(e, "ttnn.argmax"); }});
    table.add({"aten::argmin.default", arg_supports, [](Emitter& e) { emit_arg(e, "ttnn.argmin"); }});
    table.add({"aten::topk.default", topk_supports, emit_topk});
    table.add({"aten::cumsum.default", cumsum_supports, [](Emitter& e) {
                   e.emit_output("ttnn.cumsum", {ValueRef{input_as_output_kind(e)}}, {{"dim", one_dim(e, 1)}});
               }});

    add_bool_reduce(table, "aten::any.dim", "ttnn.max", 1, true);
    add_bool_reduce(table, "aten::all.dim", "ttnn.min", 1, true);
    add_bool_reduce(table, "aten::any.dims", "ttnn.max", 1, false);
    add_bool_reduce(table, "aten::all.dims", "ttnn.min", 1, false);
    add_bool_reduce(table, "aten::any.default", "ttnn.max", kAll, false);
    add_bool_reduce(table, "aten::all.default", "ttnn.min", kAll, false);
}

}  // namespace ttnn::lower
