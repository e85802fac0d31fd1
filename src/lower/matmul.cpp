// Lowering rules of the matmul family: aten::addmm / mm / bmm -> ttnn.linear / ttnn.matmul.
//
// nn.Linear traces to addmm(bias, x, permute(weight, [1, 0])) (mm without a bias). When mat2 is
// such a 2-D transpose, the rule reads the transpose's source and sets transpose_b=True, so the
// weight stays as torch holds it ([out, in]) and the permute becomes dead. Every product carries
// the matrix engine's configuration (math_fidelity, fp32_dest_acc_en) from the LowerOptions.
#include <string>

#include "ttnn/core/math_fidelity.hpp"
#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

using graph::Arg;
using graph::IntList;
using graph::ValueId;
using graph::ValueRef;

namespace {

// The compute kernel configuration as node attributes (the kernel builds ComputeKernelConfig).
void add_compute_config(const NodeView& n, std::map<std::string, Arg>& kwargs) {
    kwargs["math_fidelity"] = std::string(to_string(n.options().math_fidelity));
    kwargs["fp32_dest_acc_en"] = n.options().fp32_dest_acc_en;
}

// If ATen value `id` is a 2-D transpose (permute [1, 0], t, transpose(0, 1)) computed in this
// graph, the transposed ATen value; else kNoValue.
ValueId transposed_source(const graph::Graph& g, ValueId id) {
    const graph::Value& v = g.value(id);
    if (v.kind != graph::Value::Kind::node || v.producer < 0) return graph::kNoValue;
    const graph::Node& p = g.nodes()[static_cast<std::size_t>(v.producer)];
    if (p.args.empty()) return graph::kNoValue;
    const auto* src = std::get_if<ValueRef>(&p.args[0]);
    if (!src || src->id == graph::kNoValue || g.type(src->id).shape.size() != 2) return graph::kNoValue;
    if (p.op == "aten::t.default") return src->id;
    if (p.op == "aten::permute.default" && p.args.size() >= 2) {
        const auto* dims = std::get_if<IntList>(&p.args[1]);
        if (dims && dims->size() == 2 && ((*dims)[0] == 1 || (*dims)[0] == -1)) return src->id;
    }
    if (p.op == "aten::transpose.int" && p.args.size() >= 3) {
        const auto* d0 = std::get_if<std::int64_t>(&p.args[1]);
        const auto* d1 = std::get_if<std::int64_t>(&p.args[2]);
        if (d0 && d1 && ((*d0 + 2) % 2) != ((*d1 + 2) % 2)) return src->id;
    }
    return graph::kNoValue;
}

std::string floating_operands(const NodeView& n, std::initializer_list<std::size_t> args) {
    for (std::size_t i : args)
        if (!graph::is_floating(n.tensor_type(i).dtype))
            return n.node().op + ": only floating-point operands are supported (argument " + std::to_string(i) +
                   " is " + std::string(graph::to_string(n.tensor_type(i).dtype)) + ")";
    return {};
}

// mat1 @ mat2 (+ bias): ttnn.linear when mat2 is a transposed value (the weight of nn.Linear) or a
// bias is given, else ttnn.matmul.
void emit_product(Emitter& e, std::size_t a, std::size_t b, std::optional<std::size_t> bias) {
    std::map<std::string, Arg> kwargs;
    add_compute_config(e, kwargs);
    ValueId rhs = e.input(b);
    if (ValueId src = transposed_source(e.graph(), e.tensor_arg(b)); src != graph::kNoValue) {
        rhs = e.mapped(src);
        kwargs["transpose_b"] = true;
    }
    if (bias) kwargs["bias"] = ValueRef{e.input(*bias)};
    const bool linear = bias.has_value() || kwargs.contains("transpose_b");
    e.emit_output(linear ? "ttnn.linear" : "ttnn.matmul", {ValueRef{e.input(a)}, ValueRef{rhs}}, std::move(kwargs));
}

// aten::addmm(self, mat1, mat2, *, beta=1, alpha=1)
std::string addmm_supports(const NodeView& n) {
    if (auto r = floating_operands(n, {0, 1, 2}); !r.empty()) return r;
    if (n.scalar_arg(3) != 1.0 || n.scalar_arg(4) != 1.0)
        return "aten::addmm.default: beta=" + graph::to_string(n.arg(3)) + ", alpha=" + graph::to_string(n.arg(4)) +
               " is not supported (only beta=1, alpha=1)";
    const auto& bias = n.tensor_type(0).shape;
    const std::int64_t cols = n.output_type().shape.at(1);
    const bool per_column = !bias.empty() && bias.back() == cols &&
                            (bias.size() == 1 || (bias.size() == 2 && bias[0] == 1));
    if (!per_column)
        return "aten::addmm.default: bias of shape " + n.tensor_type(0).to_string() +
               " is not supported (only one value per output column: [N] or [1, N])";
    return {};
}

std::string mm_supports(const NodeView& n) { return floating_operands(n, {0, 1}); }

}  // namespace

void register_matmul_rules(RuleTable& table) {
    table.add({"aten::addmm.default", addmm_supports, [](Emitter& e) { emit_product(e, 1, 2, 0); }});
    table.add({"aten::mm.default", mm_supports, [](Emitter& e) { emit_product(e, 0, 1, std::nullopt); }});
    table.add({"aten::bmm.default", mm_supports, [](Emitter& e) { emit_product(e, 0, 1, std::nullopt); }});
}

}  // namespace ttnn::lower
