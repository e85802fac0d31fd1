// Lowering rules of the movement family: views, concatenation, splitting, slicing, indexing,
// padding and repetition (ATen overload -> TT-NN data-movement nodes).
//
// Every ATen view has a functionalized `_copy` twin (the tracer removes aliasing); both lower the
// same way, since TT-NN values never alias. Shape-only views (view, squeeze, unsqueeze, ...) become
// one ttnn.reshape to the ATen output shape; transposes become ttnn.permute, so the layout pass
// has one op to cancel.
#include <algorithm>
#include <numeric>
#include <string>

#include "emit_helpers.hpp"
#include "ttnn/lower/rule_table.hpp"
#include "ttnn/ops/common.hpp"

namespace ttnn::lower {

using graph::Arg;
using graph::IntList;
using graph::ValueId;
using graph::ValueList;
using graph::ValueRef;
using graph::ValueType;
using emit::has_empty;
using emit::is_index_dtype;
using emit::reshape;
using emit::with_shape;

namespace {

std::int64_t norm_dim(std::int64_t d, std::size_t rank) {
    const auto r = static_cast<std::int64_t>(std::max<std::size_t>(rank, 1));
    return d < 0 ? d + r : d;
}

// Rejects empty tensors (TT-NN has no zero-size tensors) before the rule's own predicate.
std::function<std::string(const NodeView&)> nonempty(std::function<std::string(const NodeView&)> pred = nullptr) {
    return [pred = std::move(pred)](const NodeView& n) -> std::string {
        for (std::size_t i = 0; i < n.num_args(); ++i)
            if (n.is_tensor(i) && has_empty(n.tensor_type(i)))
                return n.node().op + ": empty tensor arguments are not supported";
        for (std::size_t i = 0; i < n.num_outputs(); ++i)
            if (has_empty(n.output_type(i))) return n.node().op + ": empty outputs are not supported";
        return pred ? pred(n) : std::string();
    };
}

// view / reshape / squeeze / unsqueeze / flatten-like: the ATen output shape says it all.
void emit_reshape(Emitter& e) { e.bind_output(0, reshape(e, e.input(0), e.output_type().shape)); }

// An identity view: TT-NN values are immutable, so the input is the output.
void emit_alias(Emitter& e) { e.bind_output(0, e.input(0)); }

void emit_permute_dims(Emitter& e, IntList dims) {
    const std::size_t rank = e.tensor_type(0).shape.size();
    bool identity = true;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        dims[i] = norm_dim(dims[i], rank);
        identity &= dims[i] == static_cast<std::int64_t>(i);
    }
    if (identity) return emit_alias(e);
    e.emit_output("ttnn.permute", {ValueRef{e.input(0)}}, {{"dims", dims}});
}

void emit_permute(Emitter& e) { emit_permute_dims(e, e.int_list_arg(1)); }

void emit_transpose(Emitter& e, std::int64_t a, std::int64_t b) {
    const std::size_t rank = e.tensor_type(0).shape.size();
    if (rank < 2) return emit_alias(e);
    IntList dims(rank);
    std::iota(dims.begin(), dims.end(), 0);
    std::swap(dims[static_cast<std::size_t>(norm_dim(a, rank))], dims[static_cast<std::size_t>(norm_dim(b, rank))]);
    emit_permute_dims(e, dims);
}

void emit_expand(Emitter& e) {
    const IntList& out = e.output_type().shape;
    if (e.tensor_type(0).shape == out) return emit_alias(e);
    e.emit_output("ttnn.expand", {ValueRef{e.input(0)}}, {{"shape", out}});
}

// cat(tensors, dim): inputs of another TT-NN dtype are cast to the output's first (torch promotes).
std::string cat_supports(const NodeView& n) {
    const auto* list = std::get_if<ValueList>(&n.arg(0));
    if (!list || list->ids.empty()) return n.node().op + ": expects a non-empty list of tensors";
    const std::size_t rank = n.output_type().shape.size();
    bool any = false;
    for (ValueId id : list->ids) {
        if (id == graph::kNoValue) return n.node().op + ": None in the tensor list";
        const ValueType& t = n.graph().type(id);
        if (t.numel() == 0) continue;  // torch skips empty inputs (including legacy [0] ones)
        if (t.shape.size() != rank) return n.node().op + ": inputs of different ranks are not supported";
        any = true;
    }
    if (!any || has_empty(n.output_type())) return n.node().op + ": empty output is not supported";
    return {};
}

void emit_cat(Emitter& e) {
    const auto& list = std::get<ValueList>(e.arg(0));
    const ValueType out = e.ttnn_type(0);
    const std::int64_t dim = norm_dim(e.int_arg(1), out.shape.size());
    ValueList inputs;
    for (ValueId id : list.ids) {
        if (e.graph().type(id).numel() == 0) continue;
        ValueId v = e.mapped(id);
        if (e.out().type(v).dtype != out.dtype)
            v = e.emit("ttnn.typecast", {ValueRef{v}}, {}, with_shape(out, e.out().type(v).shape));
        inputs.ids.push_back(v);
    }
    if (inputs.ids.size() == 1) return e.bind_output(0, inputs.ids[0]);
    e.emit_output("ttnn.concat", {inputs}, {{"dim", dim}});
}

// split(self, split_size, dim) / split_with_sizes(self, split_sizes, dim) / unbind(self, dim):
// one ttnn.split node with one output per piece.
void emit_split_sizes(Emitter& e, Arg split_size, std::int64_t dim) {
    std::vector<ValueType> types;
    for (std::size_t i = 0; i < e.num_outputs(); ++i) types.push_back(e.ttnn_type(i));
    const std::vector<ValueId> outs =
        e.out().add_node("ttnn.split", {ValueRef{e.input(0)}}, {{"split_size", std::move(split_size)}, {"dim", dim}},
                         types, e.node().name);
    for (std::size_t i = 0; i < outs.size(); ++i) e.bind_output(i, outs[i]);
}

void emit_split(Emitter& e) {
    const std::int64_t dim = norm_dim(e.int_arg(2), e.tensor_type(0).shape.size());
    if (e.num_outputs() == 1) return emit_alias(e);
    IntList sizes;
    for (std::size_t i = 0; i < e.num_outputs(); ++i)
        sizes.push_back(e.output_type(i).shape[static_cast<std::size_t>(dim)]);
    emit_split_sizes(e, sizes, dim);
}

void emit_unbind(Emitter& e) {
    const IntList& in = e.tensor_type(0).shape;
    const std::int64_t dim = norm_dim(e.int_arg(1), in.size());
    ValueId x = e.input(0);
    if (e.num_outputs() == 1) return e.bind_output(0, reshape(e, x, e.output_type(0).shape));
    // Pieces of size 1 along dim, then the dim dropped.
    std::vector<ValueType> types;
    for (std::size_t i = 0; i < e.num_outputs(); ++i) {
        IntList s = in;
        s[static_cast<std::size_t>(dim)] = 1;
        types.push_back(with_shape(e.ttnn_type(i), s));
    }
    const std::vector<ValueId> pieces = e.out().add_node(
        "ttnn.split", {ValueRef{x}}, {{"split_size", std::int64_t{1}}, {"dim", dim}}, types, e.node().name);
    for (std::size_t i = 0; i < pieces.size(); ++i) e.bind_output(i, reshape(e, pieces[i], e.output_type(i).shape));
}

// Python slice bounds of one dim, clamped like torch (start/end None, negative or INT64_MAX).
std::pair<std::int64_t, std::int64_t> bounds(const NodeView& n, std::size_t start_arg, std::size_t end_arg,
                                             std::int64_t size) {
    auto clamp = [size](std::int64_t v) {
        if (v < 0) v += size;
        return std::clamp<std::int64_t>(v, 0, size);
    };
    const std::int64_t start = n.is_none(start_arg) ? 0 : clamp(n.int_arg(start_arg));
    const std::int64_t end = n.is_none(end_arg) ? size : clamp(n.int_arg(end_arg));
    return {start, std::max(start, end)};
}

ValueId emit_slice_dim(Emitter& e, ValueId x, std::int64_t dim, std::int64_t start, std::int64_t end, std::int64_t step,
                       const IntList& out_shape) {
    const IntList in = e.out().type(x).shape;  // a copy: emitting grows the value table
    IntList starts(in.size(), 0), ends = in, steps(in.size(), 1);
    const auto d = static_cast<std::size_t>(dim);
    starts[d] = start;
    ends[d] = end;
    steps[d] = step;
    return e.emit("ttnn.slice", {ValueRef{x}}, {{"slice_start", starts}, {"slice_end", ends}, {"slice_step", steps}},
                  with_shape(e.out().type(x), out_shape));
}

// slice.Tensor(self, dim=0, start=None, end=None, step=1)
std::string slice_supports(const NodeView& n) {
    if (n.int_arg(4) <= 0) return n.node().op + ": step must be positive";
    return {};
}

void emit_slice(Emitter& e) {
    const IntList& in = e.tensor_type(0).shape;
    const IntList& out = e.output_type().shape;
    if (in == out) return emit_alias(e);
    const std::int64_t dim = norm_dim(e.int_arg(1), in.size());
    const auto [start, end] = bounds(e, 2, 3, in[static_cast<std::size_t>(dim)]);
    e.bind_output(0, emit_slice_dim(e, e.input(0), dim, start, end, e.int_arg(4), out));
}

// select.int(self, dim, index): a one-wide slice, then the dim dropped.
void emit_select(Emitter& e) {
    const IntList& in = e.tensor_type(0).shape;
    const std::int64_t dim = norm_dim(e.int_arg(1), in.size());
    const std::int64_t size = in[static_cast<std::size_t>(dim)];
    std::int64_t index = e.int_arg(2);
    if (index < 0) index += size;
    IntList kept = in;
    kept[static_cast<std::size_t>(dim)] = 1;
    ValueId x = e.input(0);
    if (size != 1) x = emit_slice_dim(e, x, dim, index, index + 1, 1, kept);
    e.bind_output(0, reshape(e, x, e.output_type().shape));
}

// index_select(self, dim, index)
std::string index_select_supports(const NodeView& n) {
    if (!is_index_dtype(n.tensor_type(2).dtype)) return n.node().op + ": the index must be an integer tensor";
    if (n.tensor_type(2).shape.size() > 1) return n.node().op + ": the index must be 0-D or 1-D";
    return {};
}

void emit_index_select(Emitter& e) {
    const std::int64_t dim = norm_dim(e.int_arg(1), e.tensor_type(0).shape.size());
    ValueId index = e.input(2);
    if (e.tensor_type(2).shape.empty()) index = reshape(e, index, {1});
    const IntList& out = e.output_type().shape;
    IntList selected = e.tensor_type(0).shape;
    if (!selected.empty()) selected[static_cast<std::size_t>(dim)] = e.out().type(index).shape[0];
    ValueId y = e.emit("ttnn.index_select", {ValueRef{e.input(0)}}, {{"dim", dim}, {"index", ValueRef{index}}},
                       with_shape(e.ttnn_type(0), selected));
    e.bind_output(0, reshape(e, y, out));
}

// embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse): padding_idx only affects
// the gradient, so it is not TT-NN's pad_token.
std::string embedding_supports(const NodeView& n) {
    if (n.tensor_type(0).shape.size() != 2) return n.node().op + ": the weight must be 2-D";
    if (!is_index_dtype(n.tensor_type(1).dtype)) return n.node().op + ": the indices must be an integer tensor";
    return {};
}

void emit_embedding(Emitter& e) { e.emit_output("ttnn.embedding", {ValueRef{e.input(1)}, ValueRef{e.input(0)}}); }

// gather(self, dim, index, sparse_grad)
std::string gather_supports(const NodeView& n) {
    if (!is_index_dtype(n.tensor_type(2).dtype)) return n.node().op + ": the index must be an integer tensor";
    if (n.tensor_type(2).shape.size() != n.tensor_type(0).shape.size())
        return n.node().op + ": the index must have the input's rank";
    return {};
}

void emit_gather(Emitter& e) {
    const std::int64_t dim = norm_dim(e.int_arg(1), e.tensor_type(0).shape.size());
    e.emit_output("ttnn.gather", {ValueRef{e.input(0)}}, {{"dim", dim}, {"index", ValueRef{e.input(2)}}});
}

// constant_pad_nd(self, pad, value): pad pairs run from the last dim backwards; a negative
// entry crops that side (one ttnn.slice), the positive ones pad (one ttnn.pad). Cropping a dim to
// nothing leaves an empty output, which nonempty() rejects.
std::string pad_supports(const NodeView& n) {
    const IntList pad = n.int_list_arg(1);
    if (pad.size() % 2 != 0 || pad.size() / 2 > n.tensor_type(0).shape.size())
        return n.node().op + ": pad must hold (front, back) pairs for at most every dim";
    return {};
}

void emit_pad(Emitter& e) {
    const IntList in = e.tensor_type(0).shape;
    const IntList pad = e.int_list_arg(1);
    const IntList& out = e.output_type().shape;
    if (out == in && std::all_of(pad.begin(), pad.end(), [](auto p) { return p == 0; })) return emit_alias(e);
    ValueId x = e.input(0);
    IntList cropped = in, starts(in.size(), 0), ends = in, front(in.size(), 0);
    bool crops = false;
    for (std::size_t i = 0; i < pad.size() / 2; ++i) {
        const std::size_t d = in.size() - 1 - i;
        const std::int64_t lo = pad[2 * i], hi = pad[2 * i + 1];
        if (lo < 0) starts[d] = -lo;
        if (hi < 0) ends[d] = in[d] + hi;
        front[d] = std::max<std::int64_t>(lo, 0);
        cropped[d] = ends[d] - starts[d];
        crops |= lo < 0 || hi < 0;
    }
    if (crops)
        x = e.emit("ttnn.slice", {ValueRef{x}},
                   {{"slice_start", starts}, {"slice_end", ends}, {"slice_step", IntList(in.size(), 1)}},
                   with_shape(e.out().type(x), cropped));
    if (cropped == out) return e.bind_output(0, x);
    const double value = e.is_none(2) ? 0.0 : e.scalar_arg(2);
    e.emit_output("ttnn.pad", {ValueRef{x}}, {{"output_padded_shape", out}, {"input_tensor_start", front}, {"value", value}});
}

// slice_scatter(self, src, dim, start, end, step): self with self[start:end:step] along dim replaced
// by src. Step 1 is a concatenation of the kept head, src and the kept tail.
std::string slice_scatter_supports(const NodeView& n) {
    if (n.int_arg(5) != 1) return n.node().op + ": only step 1 is supported, not " + std::to_string(n.int_arg(5));
    return {};
}

// self with [start, end) of dim replaced by src (src's extent along dim is end - start).
void emit_replace_range(Emitter& e, ValueId self, ValueId src, std::int64_t dim, std::int64_t start, std::int64_t end) {
    const ValueType out = e.ttnn_type(0);
    const auto d = static_cast<std::size_t>(dim);
    const std::int64_t size = out.shape[d];
    if (e.out().type(src).dtype != out.dtype)
        src = e.emit("ttnn.typecast", {ValueRef{src}}, {}, with_shape(out, e.out().type(src).shape));
    if (start == 0 && end == size) return e.bind_output(0, reshape(e, src, out.shape));
    ValueList pieces;
    auto piece = [&](std::int64_t a, std::int64_t b) {
        IntList s = out.shape;
        s[d] = b - a;
        pieces.ids.push_back(emit_slice_dim(e, self, dim, a, b, 1, s));
    };
    if (start > 0) piece(0, start);
    pieces.ids.push_back(src);
    if (end < size) piece(end, size);
    e.emit_output("ttnn.concat", {pieces}, {{"dim", dim}});
}

void emit_slice_scatter(Emitter& e) {
    const IntList& in = e.tensor_type(0).shape;
    const std::int64_t dim = norm_dim(e.int_arg(2), in.size());
    const auto [start, end] = bounds(e, 3, 4, in[static_cast<std::size_t>(dim)]);
    emit_replace_range(e, e.input(0), e.input(1), dim, start, end);
}

// select_scatter(self, src, dim, index): src (self's shape without dim) at self[..., index, ...].
void emit_select_scatter(Emitter& e) {
    const IntList& in = e.tensor_type(0).shape;
    const std::int64_t dim = norm_dim(e.int_arg(2), in.size());
    std::int64_t index = e.int_arg(3);
    if (index < 0) index += in[static_cast<std::size_t>(dim)];
    IntList kept = in;
    kept[static_cast<std::size_t>(dim)] = 1;
    emit_replace_range(e, e.input(0), reshape(e, e.input(1), kept), dim, index, index + 1);
}

std::string select_scatter_supports(const NodeView& n) {
    const std::int64_t size = n.tensor_type(0).shape[static_cast<std::size_t>(norm_dim(n.int_arg(2), n.tensor_type(0).shape.size()))];
    const std::int64_t index = n.int_arg(3);
    if (index < -size || index >= size)
        return n.node().op + ": index " + std::to_string(index) + " is out of range for size " + std::to_string(size);
    return {};
}

void emit_repeat(Emitter& e) {
    const IntList reps = e.int_list_arg(1);
    if (e.tensor_type(0).shape == e.output_type().shape)
        return e.bind_output(0, reshape(e, e.input(0), e.output_type().shape));
    e.emit_output("ttnn.repeat", {ValueRef{e.input(0)}}, {{"repetitions", reps}});
}

void emit_flip(Emitter& e) {
    IntList dims = e.int_list_arg(1);
    const std::size_t rank = e.tensor_type(0).shape.size();
    for (auto& d : dims) d = norm_dim(d, rank);
    if (dims.empty() || rank == 0) return emit_alias(e);
    e.emit_output("ttnn.flip", {ValueRef{e.input(0)}}, {{"dims", dims}});
}

// as_strided(self, size, stride, storage_offset): only a plain view of a contiguous input (the
// strides are the contiguous ones of `size`), i.e. a flat slice reshaped.
std::string as_strided_supports(const NodeView& n) {
    const IntList size = n.int_list_arg(1), stride = n.int_list_arg(2);
    if (size.size() != stride.size()) return n.node().op + ": size and stride differ in length";
    std::int64_t expect = 1;
    for (std::size_t i = size.size(); i-- > 0;) {
        if (size[i] != 1 && stride[i] != expect)
            return n.node().op + ": strides " + graph::to_string(Arg{stride}) + " are not a plain view of " +
                   graph::to_string(Arg{size});
        expect *= size[i];
    }
    const std::int64_t offset = n.is_none(3) ? 0 : n.int_arg(3);
    if (offset < 0 || offset + expect > n.tensor_type(0).numel()) return n.node().op + ": the view runs past the input";
    return {};
}

// as_strided_(self, size, stride, storage_offset) restrides self in place (a decomposition's
// memory-format fix-up). Only the identity on values lowers: self's own shape, no offset and
// plain strides, so every reader of self, before or after, sees the same values and shape.
std::string as_strided_inplace_supports(const NodeView& n) {
    if (n.int_list_arg(1) != n.tensor_type(0).shape || (!n.is_none(3) && n.int_arg(3) != 0))
        return n.node().op + ": only a restride of self's own shape at offset 0 is supported";
    return as_strided_supports(n);
}

void emit_as_strided(Emitter& e) {
    const IntList& out = e.output_type().shape;
    const std::int64_t offset = e.is_none(3) ? 0 : e.int_arg(3);
    const std::int64_t total = e.tensor_type(0).numel(), count = e.output_type().numel();
    ValueId x = e.input(0);
    if (offset != 0 || count != total) {
        x = reshape(e, x, {total});
        x = emit_slice_dim(e, x, 0, offset, offset + count, 1, {count});
    }
    e.bind_output(0, reshape(e, x, out));
}

}  // namespace

void register_movement_rules(RuleTable& table) {
    for (const char* op :
         {"aten::view.default", "aten::view_copy.default", "aten::_unsafe_view.default", "aten::reshape.default",
          "aten::unsqueeze.default", "aten::unsqueeze_copy.default", "aten::squeeze.default", "aten::squeeze.dim",
          "aten::squeeze.dims", "aten::squeeze_copy.default", "aten::squeeze_copy.dim", "aten::squeeze_copy.dims"})
        table.add({op, nonempty(), emit_reshape});
    // clone / alias / detach are the tensor family's identities (src/lower/tensor.cpp).
    for (const char* op : {"aten::permute.default", "aten::permute_copy.default"})
        table.add({op, nonempty(), emit_permute});
    for (const char* op : {"aten::t.default", "aten::t_copy.default"})
        table.add({op, nonempty(), [](Emitter& e) { emit_transpose(e, 0, 1); }});
    for (const char* op : {"aten::transpose.int", "aten::transpose_copy.int"})
        table.add({op, nonempty(), [](Emitter& e) { emit_transpose(e, e.int_arg(1), e.int_arg(2)); }});
    for (const char* op : {"aten::expand.default", "aten::expand_copy.default"})
        table.add({op, nonempty(), emit_expand});
    table.add({"aten::cat.default", cat_supports, emit_cat});
    for (const char* op : {"aten::split.Tensor", "aten::split_copy.Tensor", "aten::split_with_sizes.default",
                           "aten::split_with_sizes_copy.default"})
        table.add({op, nonempty(), emit_split});
    for (const char* op : {"aten::unbind.int", "aten::unbind_copy.int"}) table.add({op, nonempty(), emit_unbind});
    for (const char* op : {"aten::slice.Tensor", "aten::slice_copy.Tensor"})
        table.add({op, nonempty(slice_supports), emit_slice});
    for (const char* op : {"aten::select.int", "aten::select_copy.int"}) table.add({op, nonempty(), emit_select});
    table.add({"aten::index_select.default", nonempty(index_select_supports), emit_index_select});
    table.add({"aten::embedding.default", nonempty(embedding_supports), emit_embedding});
    table.add({"aten::gather.default", nonempty(gather_supports), emit_gather});
    table.add({"aten::constant_pad_nd.default", nonempty(pad_supports), emit_pad});
    table.add({"aten::slice_scatter.default", nonempty(slice_scatter_supports), emit_slice_scatter});
    table.add({"aten::select_scatter.default", nonempty(select_scatter_supports), emit_select_scatter});
    table.add({"aten::repeat.default", nonempty(), emit_repeat});
    table.add({"aten::flip.default", nonempty(), emit_flip});
    for (const char* op : {"aten::as_strided.default", "aten::as_strided_copy.default"})
        table.add({op, nonempty(as_strided_supports), emit_as_strided});
    table.add({"aten::as_strided_.default", nonempty(as_strided_inplace_supports), emit_alias});
}

}  // namespace ttnn::lower
