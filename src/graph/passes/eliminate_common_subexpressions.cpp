// eliminate-common-subexpressions: a node computing what an earlier node already computed (same
// op, same arguments after earlier merges, same attributes, same output types) is dropped and its
// outputs replaced by the earlier node's. Never merged: nodes with side effects (in-place ops, see
// eliminate_dead_code.cpp), random or uninitialized producers, and nodes without outputs.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {

bool has_side_effects(std::string_view op);  // eliminate_dead_code.cpp

namespace {

// Each call of these yields a different tensor even with equal arguments.
bool is_nondeterministic(std::string_view op) {
    for (std::string_view word : {"rand", "dropout", "empty", "bernoulli", "multinomial", "normal_", "uniform_"})
        if (op.find(word) != std::string_view::npos) return true;
    return false;
}

// The node as printed (after remapping), minus its outputs' ids: equal keys compute equal values.
std::string key_of(const Graph& graph, const Node& node) {
    std::string key = node.op + '(';
    for (const auto& a : node.args) key += to_string(a) + ',';
    for (const auto& [name, a] : node.kwargs) key += name + '=' + to_string(a) + ',';
    key += ")->";
    for (ValueId id : node.outputs) key += graph.type(id).to_string() + ',';
    return key;
}

}  // namespace

Graph eliminate_common_subexpressions(const Graph& graph, const PassOptions& /*options*/) {
    Graph out;
    std::vector<ValueId> map = copy_inputs_and_constants(graph, out);
    std::unordered_map<std::string, std::vector<ValueId>> seen;  // key -> outputs in `out`
    for (const Node& original : graph.nodes()) {
        Node node = original;
        remap_args(node.args, map);
        remap_kwargs(node.kwargs, map);
        const bool mergeable = !node.outputs.empty() && !has_side_effects(node.op) && !is_nondeterministic(node.op);
        std::string key;
        if (mergeable) {
            key = key_of(graph, node);  // types are looked up by the original output ids
            if (auto it = seen.find(key); it != seen.end()) {
                for (std::size_t k = 0; k < original.outputs.size(); ++k) map[original.outputs[k]] = it->second[k];
                continue;
            }
        }
        std::vector<ValueType> types;
        for (ValueId id : original.outputs) types.push_back(graph.type(id));
        auto ids = out.add_node(std::move(node.op), std::move(node.args), std::move(node.kwargs), std::move(types),
                                std::move(node.name));
        for (std::size_t k = 0; k < ids.size(); ++k) map[original.outputs[k]] = ids[k];
        if (mergeable) seen.emplace(std::move(key), std::move(ids));
    }
    copy_outputs(graph, out, map);
    return out;
}

}  // namespace ttnn::graph
