// legalize-layouts: keeps activations in the layout the kernels use between ops.
//
// Lowering wraps every channels-last op (conv, pool) in
//     permute(NCHW -> NHWC) -> reshape [1,1,NHW,C] -> op -> reshape [N,H,W,C] -> permute(NHWC -> NCHW)
// so each node is simple and well typed on its own. This pass removes the wrapping between such ops
// with a few algebraic rewrites, applied in sweeps until none applies:
//   * permute(permute(x, a), b) -> permute(x, a∘b); an identity permute is dropped;
//   * a permute that moves only size-1 dims is a reshape;
//   * reshape(reshape(x, s1), s2) -> reshape(x, s2); a reshape to the value's own shape is dropped;
//   * an elementwise op (unary, binary, ternary in the op table, and typecast) whose tensor operands
//     are the same permute (or the same reshape, of equal-shaped values) is run before it:
//       relu(permute(x, d)) -> permute(relu(x), d)
//       add(permute(x, d), permute(y, d)) -> permute(add(x, y), d)
//     A constant operand of the same rank is permuted the other way (fold-constants folds that),
//     one-element operands broadcast either way, and [1,...,1,C] operands across a reshape that
//     keeps the last dim C.
// Sinking the wrapping below conv -> relu brings the next op's inverse wrapping next to it, and the
// first two rules cancel them: conv -> relu -> conv and the residual adds of a ResNet run on the
// flattened channels-last values with no permute in between.
// An op is only moved below when at least one of the moved permutes/reshapes has no other reader,
// so the number of layout ops never grows. No kernel needs TILE today (every kernel takes
// ROW_MAJOR), so no to_layout is inserted.
#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {
namespace {

constexpr int kMaxSweeps = 256;

const std::unordered_set<std::string_view>& elementwise_ops() {
    static const std::unordered_set<std::string_view> ops = [] {
        struct Entry {
            std::string_view name, family;
        };
        static const Entry table[] = {
#define TTNN_OP(name, family, dtypes, layouts, summary) {"ttnn." #name, #family},
#include "ttnn/ops/op_table.def"
#undef TTNN_OP
        };
        std::unordered_set<std::string_view> s;
        for (const Entry& e : table)
            if (e.family == "unary" || e.family == "binary" || e.family == "ternary") s.insert(e.name);
        s.insert("ttnn.typecast");
        return s;
    }();
    return ops;
}

const IntList* ints_kwarg(const Node& node, std::string_view key) {
    const Arg* a = node.kwarg(key);
    return a ? std::get_if<IntList>(a) : nullptr;
}

// Permutation dims normalized to [0, rank), or empty when malformed.
IntList permute_dims(const Graph& g, const Node& node) {
    const IntList* d = ints_kwarg(node, "dims");
    if (!d || node.args.empty() || !std::holds_alternative<ValueRef>(node.args[0])) return {};
    const auto rank = static_cast<std::int64_t>(g.type(std::get<ValueRef>(node.args[0]).id).shape.size());
    if (static_cast<std::int64_t>(d->size()) != rank) return {};
    IntList dims = *d;
    std::vector<bool> seen(static_cast<std::size_t>(rank), false);
    for (auto& v : dims) {
        if (v < 0) v += rank;
        if (v < 0 || v >= rank || seen[static_cast<std::size_t>(v)]) return {};
        seen[static_cast<std::size_t>(v)] = true;
    }
    return dims;
}

bool is_identity(const IntList& dims) {
    for (std::size_t i = 0; i < dims.size(); ++i)
        if (dims[i] != static_cast<std::int64_t>(i)) return false;
    return true;
}

// A permute that keeps the order of the dims larger than 1 moves no data: it is a reshape.
bool moves_only_unit_dims(const IntList& dims, const std::vector<std::int64_t>& in_shape) {
    std::int64_t last = -1;
    for (auto d : dims) {
        if (in_shape[static_cast<std::size_t>(d)] == 1) continue;
        if (d < last) return false;
        last = d;
    }
    return true;
}

// A value [1, ..., 1, C] broadcasts the same way against both sides of a reshape that keeps the
// last dim C (a per-channel bias across [N,H,W,C] <-> [1,1,NHW,C]).
bool broadcasts_over_last_dim(const ValueType& t, const std::vector<std::int64_t>& a,
                              const std::vector<std::int64_t>& b) {
    if (t.shape.empty() || a.empty() || b.empty() || t.shape.size() > std::min(a.size(), b.size())) return false;
    if (t.shape.back() != a.back() || t.shape.back() != b.back()) return false;
    return t.numel() == t.shape.back();
}

class Sweep {
public:
    explicit Sweep(const Graph& graph) : g_(graph), uses_(graph.use_counts()) {
        map_ = copy_inputs_and_constants(g_, out_);
        map_.resize(g_.num_values(), kNoValue);
    }

    Graph run(bool& changed) {
        for (const Node& node : g_.nodes()) {
            if (rewrite(node)) {
                changed = true;
                continue;
            }
            copy(node);
        }
        std::vector<ValueId> outputs;
        for (ValueId id : g_.outputs()) outputs.push_back(map_[id]);
        out_.set_outputs(std::move(outputs));
        return std::move(out_);
    }

private:
    // The node producing `id` in the input graph, or null for inputs and constants.
    const Node* producer(ValueId id) const {
        const Value& v = g_.value(id);
        return v.kind == Value::Kind::node ? &g_.nodes()[static_cast<std::size_t>(v.producer)] : nullptr;
    }
    static ValueId first_operand(const Node& node) {
        if (node.args.empty() || !std::holds_alternative<ValueRef>(node.args[0])) return kNoValue;
        return std::get<ValueRef>(node.args[0]).id;
    }
    // A permute / reshape of the input graph: its operand, or kNoValue.
    const Node* as_op(ValueId id, std::string_view op) const {
        const Node* p = producer(id);
        if (!p || p->op != op || p->outputs.size() != 1 || first_operand(*p) == kNoValue) return nullptr;
        if (op == "ttnn.permute" && permute_dims(g_, *p).empty()) return nullptr;
        if (op == "ttnn.reshape" && !ints_kwarg(*p, "shape")) return nullptr;
        return p;
    }

    void copy(const Node& node) { copy_node(g_, node, out_, map_); }

    ValueId emit_permute(ValueId x, IntList dims, const ValueType& type, const std::string& name) {
        return out_.add_node1("ttnn.permute", {ValueRef{x}}, {{"dims", std::move(dims)}}, type, name);
    }
    ValueId emit_reshape(ValueId x, const ValueType& type, const std::string& name) {
        if (out_.type(x) == type) return x;
        return out_.add_node1("ttnn.reshape", {ValueRef{x}}, {{"shape", type.shape}}, type, name);
    }

    bool rewrite(const Node& node) {
        if (node.outputs.size() != 1) return false;
        if (node.op == "ttnn.permute") return rewrite_permute(node);
        if (node.op == "ttnn.reshape") return rewrite_reshape(node);
        if (elementwise_ops().contains(node.op)) return sink_through_elementwise(node);
        return false;
    }

    bool rewrite_permute(const Node& node) {
        const IntList dims = permute_dims(g_, node);
        if (dims.empty()) return false;
        const ValueId x = first_operand(node);
        const ValueId y = node.outputs[0];
        const ValueType& type = g_.type(y);
        if (is_identity(dims) && g_.type(x) == type) {
            map_[y] = map_[x];
            return true;
        }
        if (const Node* inner = as_op(x, "ttnn.permute")) {
            const IntList a = permute_dims(g_, *inner);
            IntList composed(dims.size());
            for (std::size_t i = 0; i < dims.size(); ++i) composed[i] = a[static_cast<std::size_t>(dims[i])];
            const ValueId src = first_operand(*inner);
            if (is_identity(composed) && g_.type(src) == type) {
                map_[y] = map_[src];
            } else {
                map_[y] = emit_permute(map_[src], composed, type, node.name);
            }
            return true;
        }
        if (moves_only_unit_dims(dims, g_.type(x).shape)) {
            // A reshape; one that follows another reshape merges with it.
            ValueId src = x;
            if (const Node* inner = as_op(x, "ttnn.reshape")) src = first_operand(*inner);
            map_[y] = emit_reshape(map_[src], type, node.name);
            return true;
        }
        return false;
    }

    bool rewrite_reshape(const Node& node) {
        const ValueId x = first_operand(node);
        if (x == kNoValue || !ints_kwarg(node, "shape")) return false;
        const ValueId y = node.outputs[0];
        const ValueType& type = g_.type(y);
        if (g_.type(x) == type) {
            map_[y] = map_[x];
            return true;
        }
        const Node* inner = as_op(x, "ttnn.reshape");
        if (!inner) {
            // A data-free permute before a reshape: the pair is one reshape.
            const Node* p = as_op(x, "ttnn.permute");
            if (!p || !moves_only_unit_dims(permute_dims(g_, *p), g_.type(first_operand(*p)).shape)) return false;
            inner = p;
        }
        map_[y] = emit_reshape(map_[first_operand(*inner)], type, node.name);
        return true;
    }

    // elementwise(permute(x, d), ...) -> permute(elementwise(x, ...), d), same for reshape.
    bool sink_through_elementwise(const Node& node) {
        // Tensor operands must be positional (a tensor kwarg, like clamp's min tensor, is left alone).
        for (const auto& [key, arg] : node.kwargs)
            if (std::holds_alternative<ValueRef>(arg) || std::holds_alternative<ValueList>(arg)) return false;
        std::vector<std::size_t> tensor_args;
        for (std::size_t i = 0; i < node.args.size(); ++i) {
            if (std::holds_alternative<ValueList>(node.args[i])) return false;
            if (const auto* r = std::get_if<ValueRef>(&node.args[i]); r && r->id != kNoValue) tensor_args.push_back(i);
        }
        if (tensor_args.empty()) return false;
        for (std::string_view op : {"ttnn.permute", "ttnn.reshape"}) {
            // The layout op to move: that of the first operand that has one.
            const Node* lead = nullptr;
            for (std::size_t i : tensor_args)
                if ((lead = as_op(std::get<ValueRef>(node.args[i]).id, op))) break;
            if (!lead) continue;
            if (sink(node, tensor_args, *lead, op == "ttnn.permute")) return true;
        }
        return false;
    }

    bool same_layout_op(const Node& a, const Node& b, bool permute) const {
        if (a.op != b.op) return false;
        const ValueType& ta = g_.type(first_operand(a));
        const ValueType& tb = g_.type(first_operand(b));
        if (permute) return permute_dims(g_, a) == permute_dims(g_, b) && ta.shape.size() == tb.shape.size();
        return g_.type(a.outputs[0]).shape == g_.type(b.outputs[0]).shape && ta.shape == tb.shape;
    }

    bool sink(const Node& node, const std::vector<std::size_t>& tensor_args, const Node& lead, bool permute) {
        const ValueId y = node.outputs[0];
        const ValueType& out_type = g_.type(y);
        const ValueType& lead_out = g_.type(lead.outputs[0]);
        const ValueType& lead_in = g_.type(first_operand(lead));
        const std::size_t rank = lead_out.shape.size();
        const IntList dims = permute ? permute_dims(g_, lead) : IntList{};
        // The output shape before the layout op: for a permute, the output shape un-permuted (with
        // every operand of the same rank broadcasting commutes with the permutation); for a
        // reshape, no broadcasting across it.
        std::vector<std::int64_t> inner_shape;
        if (permute) {
            if (out_type.shape.size() != rank) return false;
            inner_shape.assign(rank, 0);
            for (std::size_t i = 0; i < rank; ++i) inner_shape[static_cast<std::size_t>(dims[i])] = out_type.shape[i];
        } else {
            if (out_type.shape != lead_out.shape) return false;
            inner_shape = lead_in.shape;
        }
        IntList inverse(rank);
        for (std::size_t i = 0; i < dims.size(); ++i) inverse[static_cast<std::size_t>(dims[i])] = static_cast<std::int64_t>(i);

        enum class Kind { moved, constant, scalar };
        std::vector<Kind> kinds;
        bool removes_one = false;
        for (std::size_t i : tensor_args) {
            const ValueId v = std::get<ValueRef>(node.args[i]).id;
            const ValueType& t = g_.type(v);
            const Node* p = as_op(v, lead.op);
            if (p && same_layout_op(*p, lead, permute)) {
                kinds.push_back(Kind::moved);
                int here = 0;
                for (std::size_t k : tensor_args) here += std::get<ValueRef>(node.args[k]).id == v ? 1 : 0;
                removes_one = removes_one || uses_[v] == here;
            } else if (t.numel() == 1 && t.shape.size() <= std::min(rank, inner_shape.size())) {
                kinds.push_back(Kind::scalar);
            } else if (!permute && broadcasts_over_last_dim(t, lead_in.shape, lead_out.shape)) {
                kinds.push_back(Kind::scalar);
            } else if (permute && g_.is_constant(v) && t.shape.size() == rank) {
                kinds.push_back(Kind::constant);
            } else {
                return false;
            }
        }
        if (!removes_one) return false;

        std::vector<Arg> args = node.args;
        std::map<std::string, Arg> kwargs = node.kwargs;
        remap_args(args, map_);
        for (std::size_t k = 0; k < tensor_args.size(); ++k) {
            const ValueId v = std::get<ValueRef>(node.args[tensor_args[k]]).id;
            ValueId replacement = map_[v];
            if (kinds[k] == Kind::moved) {
                replacement = map_[first_operand(*producer(v))];
            } else if (kinds[k] == Kind::constant) {
                ValueType t = g_.type(v);
                std::vector<std::int64_t> shape(rank);
                for (std::size_t i = 0; i < rank; ++i) shape[i] = t.shape[static_cast<std::size_t>(inverse[i])];
                t.shape = shape;
                replacement = emit_permute(map_[v], inverse, t, node.name);
            }
            args[tensor_args[k]] = ValueRef{replacement};
        }
        ValueType inner_type = out_type;
        inner_type.shape = inner_shape;
        const ValueId inner = out_.add_node1(node.op, std::move(args), std::move(kwargs), inner_type, node.name);
        map_[y] = permute ? emit_permute(inner, dims, out_type, lead.name) : emit_reshape(inner, out_type, lead.name);
        return true;
    }

    const Graph& g_;
    const std::vector<int> uses_;
    Graph out_;
    std::vector<ValueId> map_;
};

}  // namespace

Graph legalize_layouts(const Graph& graph, const PassOptions& options) {
    Graph current = graph;
    for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
        bool changed = false;
        Graph next = Sweep(current).run(changed);
        if (!changed) break;
        // Drops the layout ops the rewrites bypassed, so that use counts are exact next sweep.
        current = eliminate_dead_code(next, options);
    }
    return current;
}

}  // namespace ttnn::graph
