// fold-constants: evaluates, at compile time, every node whose operands are all constants, and
// replaces its outputs by constants that live on the target. This is what makes
// load_params_once real: weights are moved to the device, converted to their TT-NN dtype and
// reshaped/transposed/prepared once, when the program is built, not on every call.
#include <algorithm>

#include "ttnn/graph/passes.hpp"
#include "ttnn/graph/program.hpp"

namespace ttnn::graph {
namespace {

// Results that would be much bigger than what they are computed from (a broadcast of a scalar
// to an activation-sized tensor) are cheaper to recompute than to keep resident.
bool worth_keeping(const Graph& graph, const Node& node) {
    std::int64_t in = 0, out = 0;
    for (ValueId id : node.operands()) in += graph.type(id).numel();
    for (ValueId id : node.outputs) out += graph.type(id).numel();
    return out <= std::max<std::int64_t>(4 * in, 1 << 20);
}

bool foldable_op(const Node& node) {
    // Results leave the program through from_device; folding it would hand every caller the same
    // host tensor.
    return node.op != "ttnn.from_device";
}

}  // namespace

Graph fold_constants(const Graph& graph, const PassOptions& options) {
    Graph out;
    std::vector<ValueId> map = copy_inputs_and_constants(graph, out);
    for (const Node& node : graph.nodes()) {
        const std::vector<ValueId> operands = node.operands();
        bool all_constant = !operands.empty() && foldable_op(node) && worth_keeping(graph, node);
        for (ValueId id : operands) all_constant = all_constant && out.is_constant(map[id]);
        if (all_constant) {
            std::vector<Tensor> inputs;
            for (ValueId id : operands) inputs.push_back(out.constant_data(map[id]));
            std::vector<Tensor> results = run_node(graph, node, options.target, inputs);
            for (std::size_t i = 0; i < node.outputs.size(); ++i) {
                const Value& v = graph.value(node.outputs[i]);
                map[v.id] = out.add_constant(results[i], v.type, node.name.empty() ? node.op : node.name);
            }
            continue;
        }
        copy_node(graph, node, out, map);
    }
    copy_outputs(graph, out, map);
    return out;
}

}  // namespace ttnn::graph
