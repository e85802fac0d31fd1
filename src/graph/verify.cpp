// The IR verifier, run after every pass in debug builds (and when asked): SSA form (every value
// defined once, before its uses), consistent value records, and at TT-NN level a kernel per op.
// An error names the pass that broke the graph and the node or value at fault.
#include <string>
#include <vector>

#include "ttnn/core/error.hpp"
#include "ttnn/graph/kernel_table.hpp"
#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {
namespace {

class Verifier {
public:
    Verifier(const Graph& graph, const std::string& after_pass) : graph_(graph), pass_(after_pass) {}

    void run(bool ttnn_level) {
        defined_.assign(graph_.num_values(), false);
        for (ValueId id : graph_.inputs()) define_leaf(id, Value::Kind::input, "graph input");
        for (ValueId id : graph_.constants()) define_leaf(id, Value::Kind::constant, "constant");
        const auto& nodes = graph_.nodes();
        for (std::size_t i = 0; i < nodes.size(); ++i) check_node(static_cast<int>(i), nodes[i], ttnn_level);
        for (ValueId id : graph_.outputs()) {
            if (!in_range(id) || !defined_[id]) fail("graph output %" + std::to_string(id) + " is not defined");
        }
    }

private:
    [[noreturn]] void fail(const std::string& message) const {
        throw InvalidState("verify", "after pass '" + pass_ + "': " + message);
    }
    static std::string where(int index, const Node& node) {
        return "node " + std::to_string(index) + " (" + node.op + (node.name.empty() ? "" : " @" + node.name) + ")";
    }
    bool in_range(ValueId id) const { return id >= 0 && static_cast<std::size_t>(id) < graph_.num_values(); }

    void define_leaf(ValueId id, Value::Kind kind, const char* what) {
        if (!in_range(id)) fail(std::string(what) + " %" + std::to_string(id) + " does not exist");
        if (defined_[id]) fail("value %" + std::to_string(id) + " is defined twice");
        const Value& v = graph_.value(id);
        if (v.kind != kind || v.producer != -1 || v.id != id)
            fail(std::string(what) + " %" + std::to_string(id) + " has an inconsistent value record");
        check_type(id);
        defined_[id] = true;
    }

    void check_type(ValueId id) const {
        for (auto d : graph_.type(id).shape)
            if (d < 0)
                fail("value %" + std::to_string(id) + " has a negative dimension: " + graph_.type(id).to_string());
    }

    void check_node(int index, const Node& node, bool ttnn_level) {
        if (node.op.empty()) fail(where(index, node) + " has no op name");
        if (ttnn_level) {
            if (node.op.rfind("ttnn.", 0) != 0)
                fail(where(index, node) + " is not a TT-NN op (a TT-NN-level graph holds only ttnn.* ops)");
            if (KernelTable::instance().find(node.op) == nullptr)
                fail(where(index, node) + " has no kernel in the executor's KernelTable");
        }
        for (ValueId id : node.operands()) {
            if (!in_range(id)) fail(where(index, node) + " reads unknown value %" + std::to_string(id));
            if (!defined_[id]) fail(where(index, node) + " reads %" + std::to_string(id) + " before it is defined");
        }
        for (ValueId id : node.outputs) {
            if (!in_range(id)) fail(where(index, node) + " writes unknown value %" + std::to_string(id));
            if (defined_[id]) fail(where(index, node) + " redefines %" + std::to_string(id));
            const Value& v = graph_.value(id);
            if (v.kind != Value::Kind::node || v.producer != index || v.id != id)
                fail(where(index, node) + ": output %" + std::to_string(id) + " does not name this node as producer");
            check_type(id);
            defined_[id] = true;
        }
    }

    const Graph& graph_;
    const std::string& pass_;
    std::vector<bool> defined_;
};

}  // namespace

void verify(const Graph& graph, const std::string& after_pass, bool ttnn_level) {
    Verifier(graph, after_pass).run(ttnn_level);
}

}  // namespace ttnn::graph
