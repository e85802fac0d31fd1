// Lowering rules of the tensor family (ATen overload -> TT-NN nodes): dtype conversions and the
// copies, aliases and assertions that are identities on TT-NN's immutable values.
#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

using graph::ElemType;
using graph::ValueId;
using graph::ValueRef;
using graph::ValueType;

namespace {

// Input 0 converted to ATen output 0's dtype: the same TT-NN value when the TT-NN dtypes agree
// (f32 -> f16 in fast mode, i64 -> i32...), x != 0 for a bool result (torch's rule, where a
// typecast would truncate 0.5 to 0), else a ttnn.typecast (float -> int truncates toward zero,
// as torch does).
void emit_convert(Emitter& e, std::size_t input) {
    const ValueType out = e.ttnn_type(0);
    const ValueId x = e.input(input);
    const ElemType from_aten = e.tensor_type(input).dtype;
    if (e.output_type().dtype == ElemType::b8 && from_aten != ElemType::b8) {
        e.emit_output("ttnn.ne", {ValueRef{x}, std::int64_t{0}});
        return;
    }
    if (e.out().type(x).dtype == out.dtype) {
        e.bind_output(0, x);
        return;
    }
    e.emit_output("ttnn.typecast", {ValueRef{x}});
}

// copy(self, src): src converted at its own shape (the cheaper side), then broadcast by ttnn.expand.
void emit_copy(Emitter& e) {
    const ValueType& out = e.output_type();
    const graph::IntList src_shape = e.tensor_type(1).shape;
    if (src_shape == out.shape) return emit_convert(e, 1);
    ValueType converted = e.ttnn_type(0);
    converted.shape = src_shape;
    ValueId x = e.input(1);
    if (out.dtype == ElemType::b8 && e.tensor_type(1).dtype != ElemType::b8)
        x = e.emit("ttnn.ne", {ValueRef{x}, std::int64_t{0}}, {}, converted);
    else if (e.out().type(x).dtype != converted.dtype)
        x = e.emit("ttnn.typecast", {ValueRef{x}}, {}, converted);
    e.emit_output("ttnn.expand", {ValueRef{x}}, {{"shape", out.shape}});
}

void identity(Emitter& e) { e.bind_output(0, e.input(0)); }

}  // namespace

void register_tensor_rules(RuleTable& table) {
    // _to_copy(self, dtype, layout, device, pin_memory, non_blocking, memory_format): layout,
    // device and memory format have no meaning here; everything lives on the program's target.
    table.add({"aten::_to_copy.default", nullptr, [](Emitter& e) { emit_convert(e, 0); }});
    table.add({"aten::type_as.default", nullptr, [](Emitter& e) { emit_convert(e, 0); }});
    for (const char* op : {"aten::clone.default", "aten::alias.default", "aten::detach.default",
                           "aten::detach_copy.default", "aten::alias_copy.default", "aten::lift_fresh_copy.default",
                           "aten::lift_fresh.default"})
        table.add({op, nullptr, identity});
    // copy(self, src): src's values in self's dtype, broadcast to self's shape.
    table.add({"aten::copy.default", nullptr, emit_copy});
    // Runtime checks of metadata that is static here: nothing to run.
    for (const char* op : {"aten::_assert_tensor_metadata.default", "aten::_assert_scalar.default"})
        table.add({op, nullptr, [](Emitter&) {}});
}

}  // namespace ttnn::lower
