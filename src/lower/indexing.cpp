// Lowering rules of the indexing family: advanced indexing (index.Tensor), its writing twin
// (index_put, which training graphs get as the gradient of an index or a nearest / bilinear
// upsample) and torch.scatter / scatter_add.
//
// Index tensors on consecutive dims d..d+k-1 (Nones before and after) address one merged dim of
// x viewed as [pre, L, post] (L = the product of the indexed sizes) by a single flat index
// sum_j i_j * stride_j broadcast over the index tensors' shape B. Reading is then index_select on
// that dim, writing a scatter along it: no permutes, whatever d is.
#include <algorithm>
#include <string>

#include "emit_helpers.hpp"
#include "ttnn/lower/rule_table.hpp"
#include "ttnn/ops/common.hpp"

namespace ttnn::lower {

using graph::Arg;
using graph::ElemType;
using graph::IntList;
using graph::ValueId;
using graph::ValueList;
using graph::ValueRef;
using graph::ValueType;
using emit::cast_to;
using emit::has_empty;
using emit::is_index_dtype;
using emit::reshape;
using emit::with_shape;

namespace {

bool constant_has_negative(const graph::Graph& g, ValueId id) {
    if (!g.is_constant(id)) return false;
    const ops::I64Array v = ops::read_i64(g.constant_data(id), "torch_ttnn");
    for (std::size_t i = 0; i < v.size(); ++i)
        if (v[i] < 0) return true;
    return false;
}

// torch's index wraps negative entries (x[-1] is the last row); TT-NN's index ops do not, so an
// index that may hold them becomes where(-n <= i < 0, i + n, i), which fold-constants evaluates at
// compile time for a constant one. A constant index with no negative entry (checked on the ATen
// graph, where constants keep their data) is used as it is. Entries outside [-n, n) are left as
// they are, so the TT-NN op reports the value the user passed, as torch does.
ValueId wrap_negative(Emitter& e, ValueId aten_index, std::int64_t n) {
    const ValueId index = e.mapped(aten_index);
    if (e.graph().is_constant(aten_index) && !constant_has_negative(e.graph(), aten_index)) return index;
    const ValueType t = e.out().type(index);
    ValueType mask = t;
    mask.dtype = ElemType::u8;  // torch's bool as TT-NN holds it
    const ValueId below = e.emit("ttnn.lt", {ValueRef{index}, std::int64_t{0}}, {}, mask);
    const ValueId within = e.emit("ttnn.ge", {ValueRef{index}, -n}, {}, mask);
    const ValueId negative = e.emit("ttnn.logical_and", {ValueRef{below}, ValueRef{within}}, {}, mask);
    const ValueId lifted = e.emit("ttnn.add", {ValueRef{index}, n}, {}, t);
    return e.emit("ttnn.where", {ValueRef{negative}, ValueRef{lifted}, ValueRef{index}}, {}, t);
}

IntList broadcast_shapes(const IntList& a, const IntList& b) {
    IntList out(std::max(a.size(), b.size()), 1);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::int64_t x = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
        const std::int64_t y = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
        out[i] = x == 1 ? y : x;
    }
    return out;
}

std::int64_t product(const IntList& v) {
    std::int64_t p = 1;
    for (auto d : v) p *= d;
    return p;
}

// Where the index tensors of an index / index_put node sit: dims [first, first + count).
struct IndexedDims {
    std::size_t first = 0, count = 0;
};

// "" and the indexed dims when the list is integer index tensors on consecutive dims.
std::string indexed_dims(const NodeView& n, std::size_t list_arg, IndexedDims& dims) {
    const auto* list = std::get_if<ValueList>(&n.arg(list_arg));
    if (!list) return n.node().op + ": expects a list of index tensors";
    std::size_t first = list->ids.size(), last = 0;
    for (std::size_t j = 0; j < list->ids.size(); ++j) {
        const ValueId id = list->ids[j];
        if (id == graph::kNoValue) continue;
        const ValueType& t = n.graph().type(id);
        if (!is_index_dtype(t.dtype)) return n.node().op + ": only integer index tensors are supported (no masks)";
        if (has_empty(t)) return n.node().op + ": empty index tensors are not supported";
        first = std::min(first, j);
        last = j;
    }
    if (first == list->ids.size()) return n.node().op + ": no index tensor";
    for (std::size_t j = first; j <= last; ++j)
        if (list->ids[j] == graph::kNoValue)
            return n.node().op + ": index tensors separated by ':' (torch moves their dims first) are not supported";
    if (has_empty(n.tensor_type(0))) return n.node().op + ": empty tensors are not supported";
    dims = {first, last - first + 1};
    return {};
}

std::string index_supports(const NodeView& n) {
    IndexedDims dims;
    return indexed_dims(n, 1, dims);
}

// The flat index over the indexed dims, shape B (the index tensors broadcast), wrapped.
struct FlatIndex {
    ValueId id = graph::kNoValue;
    IntList batch;
};

FlatIndex flat_index(Emitter& e, const ValueList& list, const IndexedDims& dims) {
    const IntList& in = e.tensor_type(0).shape;
    FlatIndex flat;
    std::int64_t stride = 1;
    for (std::size_t j = dims.first + dims.count; j-- > dims.first;) {
        ValueId idx = wrap_negative(e, list.ids[j], in[j]);
        const ValueType t = e.out().type(idx);
        if (stride != 1) idx = e.emit("ttnn.multiply", {ValueRef{idx}, stride}, {}, t);
        stride *= in[j];
        if (flat.id == graph::kNoValue) {
            flat = {idx, t.shape};
            continue;
        }
        flat.batch = broadcast_shapes(flat.batch, t.shape);
        flat.id = e.emit("ttnn.add", {ValueRef{flat.id}, ValueRef{idx}}, {}, with_shape(t, flat.batch));
    }
    return flat;
}

// x as [pre, L, post]: the indexed dims merged into one.
IntList merged_shape(const IntList& in, const IndexedDims& dims) {
    IntList out(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(dims.first));
    std::int64_t l = 1;
    for (std::size_t j = dims.first; j < dims.first + dims.count; ++j) l *= in[j];
    out.push_back(l);
    out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(dims.first + dims.count), in.end());
    return out;
}

void emit_index(Emitter& e) {
    const auto& list = std::get<ValueList>(e.arg(1));
    IndexedDims dims;
    indexed_dims(e, 1, dims);
    const FlatIndex flat = flat_index(e, list, dims);
    const IntList& in = e.tensor_type(0).shape;
    const ValueId x = reshape(e, e.input(0), merged_shape(in, dims));
    const std::int64_t m = std::max<std::int64_t>(product(flat.batch), 1);
    IntList selected = merged_shape(in, dims);
    selected[dims.first] = m;
    const ValueId y = e.emit("ttnn.index_select", {ValueRef{x}},
                             {{"dim", static_cast<std::int64_t>(dims.first)}, {"index", ValueRef{reshape(e, flat.id, {m})}}},
                             with_shape(e.ttnn_type(0), selected));
    e.bind_output(0, reshape(e, y, e.output_type().shape));
}

// `id` broadcast to `shape` (numpy rules: leading dims added, size-1 dims grown).
ValueId broadcast_to(Emitter& e, ValueId id, const IntList& shape) {
    const IntList& have = e.out().type(id).shape;
    if (have == shape) return id;
    IntList ranked(shape.size() - std::min(shape.size(), have.size()), 1);
    ranked.insert(ranked.end(), have.begin(), have.end());
    const ValueId r = reshape(e, id, ranked);
    return e.emit("ttnn.expand", {ValueRef{r}}, {{"shape", shape}}, with_shape(e.out().type(r), shape));
}

// index_put(self, indices, values, accumulate) and _unsafe_index_put: self with self[indices]
// replaced by (accumulate: increased by) values, as a scatter along the merged indexed dim.
std::string index_put_supports(const NodeView& n) {
    IndexedDims dims;
    if (std::string r = indexed_dims(n, 1, dims); !r.empty()) return r;
    if (!n.is_tensor(2)) return n.node().op + ": values must be a tensor";
    if (has_empty(n.tensor_type(2))) return n.node().op + ": empty values are not supported";
    if (graph::is_floating(n.tensor_type(0).dtype) != graph::is_floating(n.tensor_type(2).dtype))
        return n.node().op + ": values and self must both be floating point or both integer";
    if (n.tensor_type(0).dtype == ElemType::b8) return n.node().op + ": bool tensors are not supported";
    return {};
}

void emit_index_put(Emitter& e) {
    const auto& list = std::get<ValueList>(e.arg(1));
    IndexedDims dims;
    indexed_dims(e, 1, dims);
    const bool accumulate = e.num_args() > 3 && !e.is_none(3) && e.bool_arg(3);
    const FlatIndex flat = flat_index(e, list, dims);
    const IntList& in = e.tensor_type(0).shape;
    const IntList merged = merged_shape(in, dims);
    const std::int64_t m = std::max<std::int64_t>(product(flat.batch), 1);
    // self[indices] has shape pre + B + post; values broadcast to it, then B merges into one dim.
    IntList read(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(dims.first));
    read.insert(read.end(), flat.batch.begin(), flat.batch.end());
    read.insert(read.end(), in.begin() + static_cast<std::ptrdiff_t>(dims.first + dims.count), in.end());
    IntList written = merged;
    written[dims.first] = m;
    const ValueType out = e.ttnn_type(0);
    const ValueId values = reshape(e, broadcast_to(e, cast_to(e, e.input(2), out.dtype), read), written);
    // The flat index on the merged dim, repeated over pre and post as scatter wants.
    IntList lone(merged.size(), 1);
    lone[dims.first] = m;
    const ValueId index = broadcast_to(e, reshape(e, flat.id, lone), written);
    const ValueId self = reshape(e, e.input(0), merged);
    const ValueId y = e.emit(accumulate ? "ttnn.scatter_add" : "ttnn.scatter", {ValueRef{self}},
                             {{"dim", static_cast<std::int64_t>(dims.first)}, {"index", ValueRef{index}},
                              {"src", ValueRef{values}}},
                             with_shape(out, merged));
    e.bind_output(0, reshape(e, y, e.output_type().shape));
}

// scatter(self, dim, index, src) / scatter_add / scatter(reduce="add") / scatter_reduce("sum",
// include_self=True): ttnn.scatter and ttnn.scatter_add.
std::string scatter_supports(const NodeView& n) {
    if (!n.is_tensor(3)) return n.node().op + ": src must be a tensor";
    if (!is_index_dtype(n.tensor_type(2).dtype)) return n.node().op + ": the index must be an integer tensor";
    for (std::size_t i : {0u, 2u, 3u})
        if (has_empty(n.tensor_type(i))) return n.node().op + ": empty tensors are not supported";
    if (n.tensor_type(0).shape.empty()) return n.node().op + ": 0-D self is not supported";
    if (graph::is_floating(n.tensor_type(0).dtype) != graph::is_floating(n.tensor_type(3).dtype))
        return n.node().op + ": src and self must both be floating point or both integer";
    return {};
}

std::string scatter_reduce_supports(const NodeView& n, bool with_include_self) {
    if (std::string r = scatter_supports(n); !r.empty()) return r;
    const std::string& reduce = n.string_arg(4);
    if (reduce != "add" && reduce != "sum") return n.node().op + ": reduce='" + reduce + "' is not supported (sum only)";
    if (with_include_self && n.num_args() > 5 && !n.is_none(5) && !n.bool_arg(5))
        return n.node().op + ": include_self=False is not supported";
    return {};
}

void emit_scatter(Emitter& e, bool sum) {
    const ValueType out = e.ttnn_type(0);
    const std::int64_t rank = static_cast<std::int64_t>(e.tensor_type(0).shape.size());
    std::int64_t dim = e.int_arg(1);
    if (dim < 0) dim += rank;
    e.emit_output(sum ? "ttnn.scatter_add" : "ttnn.scatter", {ValueRef{e.input(0)}},
                  {{"dim", dim}, {"index", ValueRef{e.input(2)}}, {"src", ValueRef{cast_to(e, e.input(3), out.dtype)}}});
}

}  // namespace

void register_indexing_rules(RuleTable& table) {
    table.add({"aten::index.Tensor", index_supports, emit_index});
    table.add({"aten::_unsafe_index.Tensor", index_supports, emit_index});
    table.add({"aten::index_put.default", index_put_supports, emit_index_put});
    table.add({"aten::_unsafe_index_put.default", index_put_supports, emit_index_put});
    table.add({"aten::scatter.src", scatter_supports, [](Emitter& e) { emit_scatter(e, false); }});
    table.add({"aten::scatter_add.default", scatter_supports, [](Emitter& e) { emit_scatter(e, true); }});
    table.add({"aten::scatter.reduce", [](const NodeView& n) { return scatter_reduce_supports(n, false); },
               [](Emitter& e) { emit_scatter(e, true); }});
    table.add({"aten::scatter_reduce.two", [](const NodeView& n) { return scatter_reduce_supports(n, true); },
               [](Emitter& e) { emit_scatter(e, true); }});
}

}  // namespace ttnn::lower
