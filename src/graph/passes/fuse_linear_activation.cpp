// fuse-linear-activation: elementwise epilogues folded into the op before them.
//   ttnn.linear / ttnn.matmul -> ttnn.relu | relu6 | gelu | silu | sigmoid | tanh
//       => ttnn.linear / ttnn.matmul(..., activation="<name>")   (ops::linear/matmul apply it in
//          fp32 in the GEMM's output pass: gemm::parse_activation's names)
//   ttnn.conv2d / conv1d / conv_transpose2d -> ttnn.relu | relu6 | silu | ...
//       => ttnn.conv2d(..., activation="<name>")   (the conv kernel passes it to
//          Conv2dConfig::activation)
//   ttnn.linear(a, w) | ttnn.matmul(a, w 2-D) -> ttnn.add(., bias) with `bias` a constant of
//   `out_features` values ([N] or [1, N])
//       => ttnn.linear(a, w, bias=bias)
// The producer's output must have no other reader, and the epilogue must keep its shape and dtype.
// Run after legalize-layouts, which moves the lowering's layout ops from between a conv and its
// activation.
#include <string>
#include <string_view>
#include <vector>

#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {
namespace {

bool is_gemm(std::string_view op) { return op == "ttnn.linear" || op == "ttnn.matmul"; }
bool is_conv(std::string_view op) { return op == "ttnn.conv2d" || op == "ttnn.conv1d" || op == "ttnn.conv_transpose2d"; }

bool has_kwarg(const Node& node, std::string_view key) {
    const Arg* a = node.kwarg(key);
    return a && !std::holds_alternative<std::monostate>(*a);
}

ValueId first_operand(const Node& node) {
    if (node.args.empty() || !std::holds_alternative<ValueRef>(node.args[0])) return kNoValue;
    return std::get<ValueRef>(node.args[0]).id;
}

// The activation name `node` (an elementwise op reading only `x`) applies, or "" if it is not one
// `producer_op` can fuse.
std::string activation_of(const Node& node, ValueId x, std::string_view producer_op) {
    if (node.args.size() != 1 || first_operand(node) != x || node.outputs.size() != 1) return {};
    std::string name;
    if (node.op == "ttnn.gelu") {
        // TT-NN's gelu: exact (erf) unless fast_and_approximate_mode (tanh approximation).
        bool approximate = false;
        for (const auto& [key, arg] : node.kwargs) {
            if (key != "fast_and_approximate_mode" || !std::holds_alternative<bool>(arg)) return {};
            approximate = std::get<bool>(arg);
        }
        name = approximate ? "gelu_approx" : "gelu";
    } else {
        if (!node.kwargs.empty()) return {};
        for (std::string_view a : {"relu", "relu6", "silu", "sigmoid", "tanh"})
            if (node.op == "ttnn." + std::string(a)) name = a;
        if (name.empty()) return {};
    }
    // Conv2dConfig's activations have no tanh-approximated gelu.
    if (is_conv(producer_op) && name == "gelu_approx") return {};
    return name;
}

// ttnn.add(y, bias) / ttnn.add(bias, y) with a constant bias of out_features values broadcast
// over the last dim: the bias value, or kNoValue.
ValueId bias_of_add(const Graph& g, const Node& add, ValueId y) {
    if (add.op != "ttnn.add" || add.args.size() != 2 || !add.kwargs.empty() || add.outputs.size() != 1) return kNoValue;
    const auto* a = std::get_if<ValueRef>(&add.args[0]);
    const auto* b = std::get_if<ValueRef>(&add.args[1]);
    if (!a || !b) return kNoValue;
    const ValueId bias = a->id == y ? b->id : a->id;
    if ((a->id == y) == (b->id == y) || bias == kNoValue || !g.is_constant(bias)) return kNoValue;
    const ValueType& yt = g.type(y);
    const ValueType& bt = g.type(bias);
    if (yt.shape.empty() || bt.shape.empty() || bt.shape.size() > 2 || bt.shape.back() != yt.shape.back()) return kNoValue;
    if (bt.numel() != yt.shape.back() || bt.dtype != yt.dtype) return kNoValue;
    if (g.type(add.outputs[0]) != yt) return kNoValue;
    return bias;
}

// A product that can take a bias: ttnn.linear without one, or a ttnn.matmul by a 2-D matrix
// (which becomes a ttnn.linear).
bool takes_bias(const Graph& g, const Node& node) {
    if (node.op == "ttnn.linear") return !has_kwarg(node, "bias");
    if (node.op != "ttnn.matmul" || node.args.size() != 2 || !std::holds_alternative<ValueRef>(node.args[1])) return false;
    const Arg* ta = node.kwarg("transpose_a");
    if (ta && !(std::holds_alternative<bool>(*ta) && !std::get<bool>(*ta))) return false;
    const ValueId b = std::get<ValueRef>(node.args[1]).id;
    const ValueId a = first_operand(node);
    return a != kNoValue && b != kNoValue && g.type(b).shape.size() == 2 && g.type(a).shape.size() >= 2;
}

}  // namespace

Graph fuse_linear_activation(const Graph& graph, const PassOptions& /*options*/) {
    const auto& nodes = graph.nodes();
    const std::vector<int> uses = graph.use_counts();
    std::vector<int> reader(graph.num_values(), -1);
    for (std::size_t i = 0; i < nodes.size(); ++i)
        for (ValueId id : nodes[i].operands()) reader[id] = static_cast<int>(i);

    // Each producer absorbs at most one bias add and then one activation: node index -> the index
    // of the epilogue nodes it absorbs.
    std::vector<int> bias_node(nodes.size(), -1), act_node(nodes.size(), -1);
    std::vector<bool> absorbed(nodes.size(), false);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const Node& node = nodes[i];
        const bool conv = is_conv(node.op);
        if ((!is_gemm(node.op) && !conv) || node.outputs.size() != 1 || has_kwarg(node, "activation"))
            continue;
        ValueId y = node.outputs[0];
        auto only_reader = [&](ValueId v) -> int {
            if (uses[v] != 1 || reader[v] < 0) return -1;
            for (ValueId o : graph.outputs())
                if (o == v) return -1;
            return reader[v];
        };
        int next = only_reader(y);
        if (next < 0) continue;
        if (takes_bias(graph, node) &&
            bias_of_add(graph, nodes[static_cast<std::size_t>(next)], y) != kNoValue) {
            bias_node[i] = next;
            absorbed[static_cast<std::size_t>(next)] = true;
            y = nodes[static_cast<std::size_t>(next)].outputs[0];
            next = only_reader(y);
            if (next < 0) continue;
        }
        const Node& act = nodes[static_cast<std::size_t>(next)];
        if (!activation_of(act, y, node.op).empty() && graph.type(act.outputs[0]).shape == graph.type(y).shape &&
            graph.type(act.outputs[0]).dtype == graph.type(y).dtype) {
            act_node[i] = next;
            absorbed[static_cast<std::size_t>(next)] = true;
        }
    }

    Graph out;
    std::vector<ValueId> map = copy_inputs_and_constants(graph, out);
    map.resize(graph.num_values(), kNoValue);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (absorbed[i]) continue;
        const Node& node = nodes[i];
        std::vector<Arg> args = node.args;
        std::map<std::string, Arg> kwargs = node.kwargs;
        std::string op = node.op;
        ValueId last = node.outputs.empty() ? kNoValue : node.outputs[0];
        if (bias_node[i] >= 0) {
            const Node& add = nodes[static_cast<std::size_t>(bias_node[i])];
            kwargs["bias"] = ValueRef{bias_of_add(graph, add, node.outputs[0])};
            last = add.outputs[0];
            op = "ttnn.linear";
        }
        if (act_node[i] >= 0) {
            const Node& act = nodes[static_cast<std::size_t>(act_node[i])];
            kwargs["activation"] = activation_of(act, last, node.op);
            last = act.outputs[0];
        }
        remap_args(args, map);
        remap_kwargs(kwargs, map);
        std::vector<ValueType> types;
        for (ValueId id : node.outputs) types.push_back(graph.type(id));
        if (last != kNoValue && !types.empty()) types[0] = graph.type(last);
        const std::vector<ValueId> ids = out.add_node(std::move(op), std::move(args), std::move(kwargs), std::move(types), node.name);
        for (std::size_t k = 0; k < ids.size(); ++k) map[node.outputs[k]] = ids[k];
        if (last != kNoValue && !ids.empty()) map[last] = ids[0];
    }
    copy_outputs(graph, out, map);
    return out;
}

}  // namespace ttnn::graph
