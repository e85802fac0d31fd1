// Graphviz dump of a graph: inputs as ellipses, constants as small boxes, nodes as rounded boxes
// labelled by op and their non-tensor attributes, edges labelled with the value's type. Render with
// `dot -Tsvg graph.dot -o graph.svg`.
#include <string>
#include <variant>
#include <vector>

#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {
namespace {

constexpr std::size_t kMaxAttrChars = 40;  // longer attribute texts are cut, the graph stays legible
constexpr std::size_t kMaxAttrLines = 8;

// Escapes for a double-quoted DOT string; "\n" becomes a centered line break.
std::string escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

std::string clip(std::string text) {
    if (text.size() > kMaxAttrChars) text = text.substr(0, kMaxAttrChars - 3) + "...";
    return text;
}

bool is_tensor_arg(const Arg& arg) {
    return std::holds_alternative<ValueRef>(arg) || std::holds_alternative<ValueList>(arg);
}

std::string node_label(const Node& node) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < node.args.size(); ++i)
        if (!is_tensor_arg(node.args[i]))
            lines.push_back(clip("arg" + std::to_string(i) + "=" + to_string(node.args[i])));
    for (const auto& [key, a] : node.kwargs)
        if (!is_tensor_arg(a)) lines.push_back(clip(key + "=" + to_string(a)));
    std::string label = node.op;
    for (std::size_t i = 0; i < lines.size() && i < kMaxAttrLines; ++i) label += "\n" + lines[i];
    if (lines.size() > kMaxAttrLines) label += "\n(+" + std::to_string(lines.size() - kMaxAttrLines) + " more)";
    if (!node.name.empty()) label += "\n@" + clip(node.name);
    return label;
}

}  // namespace

std::string to_dot(const Graph& graph, const std::string& title) {
    // Which DOT node defines each value: "v<id>" for inputs and constants, "n<index>" for nodes.
    std::vector<std::string> source(graph.num_values());
    std::string out = "digraph \"" + escape(title.empty() ? "graph" : title) + "\" {\n";
    out += "  rankdir=TB;\n";
    if (!title.empty()) out += "  label=\"" + escape(title) + "\"; labelloc=t;\n";
    out += "  node [fontname=\"monospace\", fontsize=10];\n  edge [fontname=\"monospace\", fontsize=8];\n";
    for (ValueId id : graph.inputs()) {
        const Value& v = graph.value(id);
        source[id] = "v" + std::to_string(id);
        out += "  " + source[id] + " [shape=ellipse, style=filled, fillcolor=\"#dbeafe\", label=\"" +
               escape("%" + std::to_string(id) + (v.name.empty() ? "" : " " + v.name) + "\n" + v.type.to_string()) +
               "\"];\n";
    }
    for (ValueId id : graph.constants()) {
        const Value& v = graph.value(id);
        source[id] = "v" + std::to_string(id);
        out += "  " + source[id] +
               " [shape=box, fontsize=8, height=0.2, style=filled, fillcolor=\"#f3f4f6\", label=\"" +
               escape("%" + std::to_string(id) + (v.name.empty() ? "" : " " + clip(v.name))) + "\"];\n";
    }
    const auto& nodes = graph.nodes();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const std::string name = "n" + std::to_string(i);
        out += "  " + name + " [shape=box, style=rounded, label=\"" + escape(node_label(nodes[i])) + "\"];\n";
        for (ValueId id : nodes[i].operands()) {
            if (id < 0 || static_cast<std::size_t>(id) >= source.size() || source[id].empty())
                continue;  // malformed graph: the verifier reports it, the dump goes on
            out += "  " + source[id] + " -> " + name + " [label=\"" + escape(graph.type(id).to_string()) + "\"];\n";
        }
        for (ValueId id : nodes[i].outputs)
            if (id >= 0 && static_cast<std::size_t>(id) < source.size()) source[id] = name;
    }
    out += "  outputs [shape=box, style=filled, fillcolor=\"#dcfce7\", label=\"return\"];\n";
    for (std::size_t i = 0; i < graph.outputs().size(); ++i) {
        const ValueId id = graph.outputs()[i];
        if (id < 0 || static_cast<std::size_t>(id) >= source.size() || source[id].empty()) continue;
        out += "  " + source[id] + " -> outputs [label=\"" +
               escape(std::to_string(i) + ": " + graph.type(id).to_string()) + "\"];\n";
    }
    out += "}\n";
    return out;
}

}  // namespace ttnn::graph
