// Small emitters shared by the rule families (src/lower/*.cpp): a value of another shape, a
// reshape or permute node only when one is needed. Internal to the lowering library.
#pragma once

#include <algorithm>
#include <utility>

#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower::emit {

// A TT-NN value type like `like`'s (dtype, layout, placement) with another shape.
inline graph::ValueType with_shape(const graph::ValueType& like, graph::IntList shape) {
    graph::ValueType t = like;
    t.shape = std::move(shape);
    return t;
}

// Whether any dim of `t` is 0 (TT-NN has no zero-size tensors).
inline bool has_empty(const graph::ValueType& t) {
    return std::find(t.shape.begin(), t.shape.end(), 0) != t.shape.end();
}

// Index tensors: signed integers (torch reads uint8 and bool indices as masks).
inline bool is_index_dtype(graph::ElemType t) {
    using graph::ElemType;
    return t == ElemType::i64 || t == ElemType::i32 || t == ElemType::i16 || t == ElemType::i8;
}

// `id` in dtype `want`: itself, or a ttnn.typecast (float -> int truncates toward zero).
inline graph::ValueId cast_to(Emitter& e, graph::ValueId id, graph::ElemType want) {
    graph::ValueType t = e.out().type(id);
    if (t.dtype == want) return id;
    t.dtype = want;
    return e.emit("ttnn.typecast", {graph::ValueRef{id}}, {}, t);
}

// x viewed with `shape` (same element count): x itself when it already has it.
inline graph::ValueId reshape(Emitter& e, graph::ValueId x, const graph::IntList& shape) {
    if (e.out().type(x).shape == shape) return x;
    return e.emit("ttnn.reshape", {graph::ValueRef{x}}, {{"shape", shape}}, with_shape(e.out().type(x), shape));
}

// x with its dims reordered (output dim k is input dim dims[k]): x itself for the identity.
inline graph::ValueId permute(Emitter& e, graph::ValueId x, const graph::IntList& dims) {
    const graph::ValueType t = e.out().type(x);
    graph::IntList shape;
    bool identity = true;
    for (std::size_t k = 0; k < dims.size(); ++k) {
        shape.push_back(t.shape[static_cast<std::size_t>(dims[k])]);
        identity = identity && dims[k] == static_cast<std::int64_t>(k);
    }
    if (identity) return x;
    return e.emit("ttnn.permute", {graph::ValueRef{x}}, {{"dims", dims}}, with_shape(t, shape));
}

}  // namespace ttnn::lower::emit
