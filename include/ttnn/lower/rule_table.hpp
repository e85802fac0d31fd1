// Lowering: ATen-level graph -> TT-NN-level graph, driven by ONE rule table keyed by ATen overload.
//
// A rule is a support predicate (dtypes, ranks, attributes; returns "" when supported, else the
// reason, which the partitioner and the operations report show) and an emitter that appends TT-NN
// nodes for one ATen node. Rules live in src/lower/<family>.cpp, one file per op family, each
// registering its rules in register_<family>_rules (the family list is lower/rule_families.def).
// The same table answers the partitioner ("which nodes can C++ run?"), lowers compiled graphs,
// and generates the operations report.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ttnn/core/math_fidelity.hpp"
#include "ttnn/graph/ir.hpp"

namespace ttnn::lower {

// What the compiler was asked for (TorchTtnnOption's numerics fields).
struct LowerOptions {
    // Faithful: activations and weights take TT-NN dtypes (activation_dtype / weight_dtype) and
    // every op's output is rounded to its dtype. Fast: float32 throughout.
    bool faithful = true;
    graph::ElemType activation_dtype = graph::ElemType::bf16;
    graph::ElemType weight_dtype = graph::ElemType::bf16;
    MathFidelity math_fidelity = MathFidelity::HiFi4;
    bool fp32_dest_acc_en = true;
};

// Read-only view of one ATen node, for support predicates and emitters.
class NodeView {
public:
    NodeView(const graph::Graph& graph, const graph::Node& node, const LowerOptions& options)
        : graph_(graph), node_(node), options_(options) {}
    const graph::Graph& graph() const { return graph_; }
    const graph::Node& node() const { return node_; }
    const LowerOptions& options() const { return options_; }
    std::size_t num_args() const { return node_.args.size(); }
    const graph::Arg& arg(std::size_t i) const;  // throws naming the op when out of range
    bool is_none(std::size_t i) const;
    bool is_tensor(std::size_t i) const;            // a ValueRef that is not None
    std::int64_t int_arg(std::size_t i) const;      // ints (and bools) only
    double scalar_arg(std::size_t i) const;         // int or float
    bool bool_arg(std::size_t i) const;
    const std::string& string_arg(std::size_t i) const;
    graph::IntList int_list_arg(std::size_t i) const;  // an int also reads as a one-element list
    graph::ValueId tensor_arg(std::size_t i) const;    // the ATen value id
    const graph::ValueType& tensor_type(std::size_t i) const;  // type of a tensor argument
    const graph::ValueType& output_type(std::size_t i = 0) const;
    std::size_t num_outputs() const { return node_.outputs.size(); }

protected:
    const graph::Graph& graph_;
    const graph::Node& node_;
    const LowerOptions& options_;
};

// Emitter's view: reads the ATen node, appends TT-NN nodes to `out`, binds the ATen outputs.
class Emitter : public NodeView {
public:
    Emitter(const graph::Graph& aten, const graph::Node& node, const LowerOptions& options, graph::Graph& out,
            std::vector<graph::ValueId>& value_map)
        : NodeView(aten, node, options), out_(out), map_(value_map) {}
    graph::Graph& out() { return out_; }
    // The TT-NN value standing for the ATen tensor argument i / for ATen value `id`.
    graph::ValueId input(std::size_t i) const;
    graph::ValueId mapped(graph::ValueId aten_id) const;
    // The TT-NN type of ATen output i: same shape, dtype per options (floating -> activation dtype
    // in faithful mode, f32 in fast mode; integers and bools kept as the ATen type says).
    graph::ValueType ttnn_type(std::size_t output = 0) const;
    graph::ValueType ttnn_type_of(const graph::ValueType& aten_type) const;
    graph::ValueId emit(std::string op, std::vector<graph::Arg> args, std::map<std::string, graph::Arg> kwargs,
                        graph::ValueType type);
    void bind_output(std::size_t i, graph::ValueId ttnn_value);
    // Shorthand: emit one node and bind it to ATen output 0.
    void emit_output(std::string op, std::vector<graph::Arg> args, std::map<std::string, graph::Arg> kwargs = {});

private:
    graph::Graph& out_;
    std::vector<graph::ValueId>& map_;
};

struct Rule {
    std::string aten_op;                                      // "aten::add.Tensor"
    std::function<std::string(const NodeView&)> supports;     // "" = supported, else why not
    std::function<void(Emitter&)> emit;
};

class RuleTable {
public:
    static const RuleTable& instance();  // all families, registered once
    void add(Rule rule);                 // throws on a duplicate overload
    const Rule* find(std::string_view aten_op) const;
    std::vector<std::string> overloads() const;  // sorted

private:
    std::unordered_map<std::string, Rule> rules_;
};

// "" if C++ can lower this node, else the reason (no rule, or the rule's predicate).
std::string support_reason(const graph::Graph& aten, const graph::Node& node, const LowerOptions& options);

struct LowerResult {
    graph::Graph graph;                       // TT-NN level
    std::vector<std::pair<int, std::string>> unsupported;  // ATen node index, reason (empty on success)
};
// Lowers every node; throws InvalidArgument listing the unsupported nodes if any.
graph::Graph lower_graph(const graph::Graph& aten, const LowerOptions& options);

// Family registration functions (defined in src/lower/<family>.cpp).
#define TTNN_LOWER_FAMILY(name) void register_##name##_rules(RuleTable& table);
#include "ttnn/lower/rule_families.def"
#undef TTNN_LOWER_FAMILY

}  // namespace ttnn::lower
