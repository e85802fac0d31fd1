// eliminate-dead-code(-aten): drops nodes none of whose outputs reach a graph output (transitively)
// and constants nothing reads. Nodes with side effects stay: in-place ATen ops ("aten::add_.Tensor",
// "aten::copy_.default"), the _foreach family, asserts, and nodes with no outputs at all (they
// exist only for their effect). Graph inputs always stay: they are the graph's signature.
#include <string>
#include <string_view>
#include <vector>

#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {

// Shared with eliminate_common_subexpressions.cpp (which must not merge these either).
bool has_side_effects(std::string_view op) {
    if (op.starts_with("aten::_foreach") || op.starts_with("aten::_assert") ||
        op.starts_with("aten::sym_constrain_range") || op == "aten::copy_.default")
        return true;
    // The base name, without namespace and overload: "aten::add_.Tensor" -> "add_".
    std::string_view base = op;
    if (auto ns = base.find("::"); ns != std::string_view::npos) {
        base.remove_prefix(ns + 2);
    } else if (base.starts_with("ttnn.")) {
        base.remove_prefix(5);
    }
    base = base.substr(0, base.find('.'));
    if (!base.ends_with('_')) return false;
    // Dunder methods ("__and__") are functional; their in-place forms are "__iand__".
    if (base.starts_with("__")) return base.starts_with("__i") && base.size() > 4;
    return true;
}

namespace {

Graph eliminate(const Graph& graph) {
    const auto& nodes = graph.nodes();
    std::vector<bool> live(graph.num_values(), false);
    for (ValueId id : graph.outputs()) live[id] = true;
    std::vector<bool> keep(nodes.size(), false);
    for (std::size_t i = nodes.size(); i-- > 0;) {
        const Node& node = nodes[i];
        bool needed = node.outputs.empty() || has_side_effects(node.op);
        for (ValueId id : node.outputs) needed = needed || live[id];
        if (!needed) continue;
        keep[i] = true;
        for (ValueId id : node.operands()) live[id] = true;
    }

    Graph out;
    std::vector<ValueId> map(graph.num_values(), kNoValue);
    for (ValueId id : graph.inputs()) map[id] = out.add_input(graph.type(id), graph.value(id).name);
    for (ValueId id : graph.constants())
        if (live[id]) map[id] = out.add_constant(graph.constant_data(id), graph.type(id), graph.value(id).name);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (!keep[i]) continue;
        Node node = nodes[i];
        remap_args(node.args, map);
        remap_kwargs(node.kwargs, map);
        std::vector<ValueType> types;
        for (ValueId id : node.outputs) types.push_back(graph.type(id));
        auto ids = out.add_node(std::move(node.op), std::move(node.args), std::move(node.kwargs), std::move(types),
                                std::move(node.name));
        for (std::size_t k = 0; k < ids.size(); ++k) map[nodes[i].outputs[k]] = ids[k];
    }
    copy_outputs(graph, out, map);
    return out;
}

}  // namespace

Graph eliminate_dead_code_aten(const Graph& graph, const PassOptions& /*options*/) { return eliminate(graph); }

Graph eliminate_dead_code(const Graph& graph, const PassOptions& /*options*/) { return eliminate(graph); }

}  // namespace ttnn::graph
