// Lowering rules of the creation family (ATen overload -> TT-NN nodes). Creation nodes read no
// tensor: ttnn.full / ttnn.zeros / ttnn.ones / ttnn.empty / ttnn.arange carry the shape (the
// ATen output's, also for the *_like and new_* ops) and the fill value as attributes, and their
// kernels create the tensor on the program's device or mesh. dtype, layout, device and
// pin_memory arguments are read from the ATen output type or have no meaning here.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

using graph::Arg;
using graph::ElemType;

namespace {

// The fill value as the output dtype sees it: bool -> 0/1, int -> truncated, float kept.
Arg fill_value(const Emitter& e, std::size_t i) {
    const ElemType aten = e.output_type().dtype;
    const Arg& a = e.arg(i);
    if (aten == ElemType::b8) return std::int64_t{e.scalar_arg(i) != 0.0 ? 1 : 0};
    if (const auto* n = std::get_if<std::int64_t>(&a)) return *n;
    if (const auto* b = std::get_if<bool>(&a)) return std::int64_t{*b ? 1 : 0};
    if (!graph::is_floating(aten)) return static_cast<std::int64_t>(std::trunc(e.scalar_arg(i)));
    return e.scalar_arg(i);
}

std::string number_arg(const NodeView& v, std::size_t i) {
    const Arg& a = v.arg(i);
    if (std::holds_alternative<std::int64_t>(a) || std::holds_alternative<double>(a) || std::holds_alternative<bool>(a)) {
        if (const auto* d = std::get_if<double>(&a); d && !std::isfinite(*d) && !graph::is_floating(v.output_type().dtype))
            return v.node().op + ": non-finite fill value for an integer output";
        return {};
    }
    return v.node().op + ": fill value " + graph::to_string(a) + " is not a number";
}

void emit_full(Emitter& e, std::size_t value_arg) {
    e.emit_output("ttnn.full", {}, {{"shape", e.output_type().shape}, {"fill_value", fill_value(e, value_arg)}});
}

// zeros / ones / empty: the shape only.
void add_maker(RuleTable& table, const std::string& aten, const std::string& op) {
    table.add({aten, nullptr, [op](Emitter& e) { e.emit_output(op, {}, {{"shape", e.output_type().shape}}); }});
}

Arg number(const NodeView& v, std::size_t i) {
    const Arg& a = v.arg(i);
    if (const auto* b = std::get_if<bool>(&a)) return std::int64_t{*b ? 1 : 0};
    if (std::holds_alternative<std::int64_t>(a)) return a;
    return v.scalar_arg(i);
}

// arange(start, end, step): torch's length, ceil((end - start) / step) in double, is the ATen
// output's; ttnn.arange computes the same, which the predicate checks.
std::string arange_supported(const NodeView& v, std::size_t start, std::size_t end, std::size_t step) {
    for (std::size_t i : {start, end, step})
        if (i != SIZE_MAX && !number_arg(v, i).empty())
            return v.node().op + ": argument " + std::to_string(i) + " is not a number";
    const double a = start == SIZE_MAX ? 0.0 : v.scalar_arg(start);
    const double b = v.scalar_arg(end);
    const double s = step == SIZE_MAX ? 1.0 : v.scalar_arg(step);
    if (s == 0.0 || !std::isfinite(a) || !std::isfinite(b) || !std::isfinite(s)) return v.node().op + ": invalid range";
    const double n = std::max(0.0, std::ceil((b - a) / s));
    const auto& shape = v.output_type().shape;
    if (shape.size() != 1 || static_cast<double>(shape[0]) != n)
        return v.node().op + ": range length " + std::to_string(n) + " differs from the output " +
               v.output_type().to_string();
    return {};
}

void emit_arange(Emitter& e, std::size_t start, std::size_t end, std::size_t step) {
    e.emit_output("ttnn.arange", {},
                  {{"start", start == SIZE_MAX ? Arg{std::int64_t{0}} : number(e, start)},
                   {"end", number(e, end)},
                   {"step", step == SIZE_MAX ? Arg{std::int64_t{1}} : number(e, step)}});
}

}  // namespace

void register_creation_rules(RuleTable& table) {
    // full(size, fill_value, ...), full_like(self, fill_value, ...), new_full(self, size, fill_value, ...),
    // scalar_tensor(s, ...), fill.Scalar(self, value).
    table.add({"aten::full.default", [](const NodeView& v) { return number_arg(v, 1); }, [](Emitter& e) { emit_full(e, 1); }});
    table.add({"aten::full_like.default", [](const NodeView& v) { return number_arg(v, 1); },
               [](Emitter& e) { emit_full(e, 1); }});
    table.add({"aten::new_full.default", [](const NodeView& v) { return number_arg(v, 2); },
               [](Emitter& e) { emit_full(e, 2); }});
    table.add({"aten::scalar_tensor.default", [](const NodeView& v) { return number_arg(v, 0); },
               [](Emitter& e) { emit_full(e, 0); }});
    table.add({"aten::fill.Scalar", [](const NodeView& v) { return number_arg(v, 1); }, [](Emitter& e) { emit_full(e, 1); }});

    for (const char* name : {"zeros", "ones"}) {
        const std::string op = std::string("ttnn.") + name;
        add_maker(table, std::string("aten::") + name + ".default", op);
        add_maker(table, std::string("aten::") + name + "_like.default", op);
        add_maker(table, std::string("aten::new_") + name + ".default", op);
    }
    // empty: contents unspecified; ttnn.empty gives zeros here.
    for (const char* aten : {"aten::empty.memory_format", "aten::empty_like.default", "aten::new_empty.default",
                             "aten::empty_permuted.default", "aten::empty_strided.default",
                             "aten::new_empty_strided.default"})
        add_maker(table, aten, "ttnn.empty");

    // arange.default(end), arange.start(start, end), arange.start_step(start, end, step).
    table.add({"aten::arange.default", [](const NodeView& v) { return arange_supported(v, SIZE_MAX, 0, SIZE_MAX); },
               [](Emitter& e) { emit_arange(e, SIZE_MAX, 0, SIZE_MAX); }});
    table.add({"aten::arange.start", [](const NodeView& v) { return arange_supported(v, 0, 1, SIZE_MAX); },
               [](Emitter& e) { emit_arange(e, 0, 1, SIZE_MAX); }});
    table.add({"aten::arange.start_step", [](const NodeView& v) { return arange_supported(v, 0, 1, 2); },
               [](Emitter& e) { emit_arange(e, 0, 1, 2); }});
}

}  // namespace ttnn::lower
