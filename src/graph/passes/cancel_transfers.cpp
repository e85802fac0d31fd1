// cancel-transfers: removes conversions that undo each other.
//   to_device(from_device(x))   -> x   (the value goes back to where it was, in the same type)
//   from_device(to_device(x))   -> x   (x computed on the host; graph inputs are not aliased to outputs)
//   to_layout(to_layout(x, a), b) -> to_layout(x, b), or x when b is x's own type, as long as the
//                                    inner conversion keeps x's dtype (no rounding is skipped)
//   to_layout / typecast to the value's own type -> x
// A pair is only cancelled when the round trip gives back exactly x's type (shape, dtype, layout,
// placement), so no rounding or placement change is lost.
#include <string_view>
#include <vector>

#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {
namespace {

ValueId first_operand(const Node& node) {
    if (node.args.empty() || !std::holds_alternative<ValueRef>(node.args[0])) return kNoValue;
    return std::get<ValueRef>(node.args[0]).id;
}

const Node* producer(const Graph& g, ValueId id) {
    const Value& v = g.value(id);
    return v.kind == Value::Kind::node ? &g.nodes()[static_cast<std::size_t>(v.producer)] : nullptr;
}

// A single-input, single-output conversion node of op `op` reading `id`'s producer, or null.
const Node* conversion(const Graph& g, ValueId id, std::string_view op) {
    const Node* p = producer(g, id);
    if (!p || p->op != op || p->outputs.size() != 1 || p->operands().size() != 1) return nullptr;
    return first_operand(*p) == kNoValue ? nullptr : p;
}

// What `node` (a conversion) can be replaced by: an existing value (`alias`), or a conversion of
// another value (`source`), or neither.
struct Replacement {
    ValueId alias = kNoValue;
    ValueId source = kNoValue;
};

// `node` has its operands in `g` (the graph being built), `type` is its output type.
Replacement cancel(const Graph& g, const Node& node, const ValueType& type) {
    if (node.outputs.size() != 1 || node.operands().size() != 1) return {};
    const ValueId x = first_operand(node);
    if (x == kNoValue) return {};
    if ((node.op == "ttnn.to_layout" || node.op == "ttnn.typecast") && g.type(x) == type) return {x, kNoValue};
    if (node.op == "ttnn.to_device") {
        if (const Node* inner = conversion(g, x, "ttnn.from_device"); inner && g.type(first_operand(*inner)) == type)
            return {first_operand(*inner), kNoValue};
    } else if (node.op == "ttnn.from_device") {
        if (const Node* inner = conversion(g, x, "ttnn.to_device")) {
            const ValueId src = first_operand(*inner);
            if (g.type(src) == type && g.value(src).kind != Value::Kind::input) return {src, kNoValue};
        }
    } else if (node.op == "ttnn.to_layout") {
        if (const Node* inner = conversion(g, x, "ttnn.to_layout")) {
            const ValueId src = first_operand(*inner);
            if (g.type(src).dtype == g.type(x).dtype) {
                if (g.type(src) == type) return {src, kNoValue};
                return {kNoValue, src};
            }
        }
    }
    return {};
}

}  // namespace

Graph cancel_transfers(const Graph& graph, const PassOptions& options) {
    Graph out;
    std::vector<ValueId> map = copy_inputs_and_constants(graph, out);
    map.resize(graph.num_values(), kNoValue);
    bool changed = false;
    for (const Node& node : graph.nodes()) {
        // Matched on the graph being built, so chains collapse in one pass.
        Node remapped = node;
        remap_args(remapped.args, map);
        remap_kwargs(remapped.kwargs, map);
        const Replacement r = node.outputs.size() == 1 ? cancel(out, remapped, graph.type(node.outputs[0])) : Replacement{};
        if (r.alias != kNoValue) {
            map[node.outputs[0]] = r.alias;
            changed = true;
            continue;
        }
        std::vector<Arg> args = std::move(remapped.args);
        std::map<std::string, Arg> kwargs = std::move(remapped.kwargs);
        if (r.source != kNoValue) {
            args[0] = ValueRef{r.source};
            changed = true;
        }
        std::vector<ValueType> types;
        for (ValueId id : node.outputs) types.push_back(graph.type(id));
        const std::vector<ValueId> ids = out.add_node(node.op, std::move(args), std::move(kwargs), std::move(types), node.name);
        for (std::size_t k = 0; k < ids.size(); ++k) map[node.outputs[k]] = ids[k];
    }
    if (!changed) return graph;
    copy_outputs(graph, out, map);
    // The bypassed conversions are dead now.
    return eliminate_dead_code(out, options);
}

}  // namespace ttnn::graph
