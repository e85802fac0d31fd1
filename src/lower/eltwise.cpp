// Lowering rules of the eltwise family (ATen overload -> TT-NN nodes): unary ops and activations,
// binary ops with broadcasting (tensor or Python-scalar operands), comparisons, logical ops, where.
//
// Dtypes: the node's TT-NN output type follows the ATen output dtype (torch's promotion already
// decided it), binary kernels are told it, and operands whose TT-NN dtype an op cannot take (an
// integer input of a float-only op, a where value of another dtype) are typecast first.
#include <cmath>
#include <functional>
#include <optional>
#include <string>

#include "emit_helpers.hpp"
#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

using graph::Arg;
using graph::ElemType;
using graph::ValueId;
using graph::ValueRef;
using graph::ValueType;
using emit::cast_to;

namespace {

using Kwargs = std::map<std::string, Arg>;

bool is_number(const NodeView& v, std::size_t i) {
    if (i >= v.num_args()) return false;
    const Arg& a = v.arg(i);
    return std::holds_alternative<std::int64_t>(a) || std::holds_alternative<double>(a) ||
           std::holds_alternative<bool>(a);
}

// A Python scalar argument as an IR attribute: ints (and bools) stay ints, floats stay floats.
Arg number(const NodeView& v, std::size_t i) {
    const Arg& a = v.arg(i);
    if (const auto* b = std::get_if<bool>(&a)) return std::int64_t{*b ? 1 : 0};
    if (std::holds_alternative<std::int64_t>(a)) return a;
    return v.scalar_arg(i);
}

bool is_int_number(const Arg& a) { return std::holds_alternative<std::int64_t>(a); }
double number_value(const Arg& a) {
    if (const auto* n = std::get_if<std::int64_t>(&a)) return static_cast<double>(*n);
    return std::get<double>(a);
}

// a * b of two scalars, int when both are ints (torch's alpha * other).
Arg scaled(const Arg& a, const Arg& b) {
    if (is_int_number(a) && is_int_number(b)) return std::get<std::int64_t>(a) * std::get<std::int64_t>(b);
    return number_value(a) * number_value(b);
}

bool is_one(const Arg& a) { return number_value(a) == 1.0; }

ElemType dtype_of(Emitter& e, ValueId id) { return e.out().type(id).dtype; }

// The TT-NN output type with another dtype (intermediates of multi-node lowerings).
ValueType with_dtype(ValueType t, ElemType dtype) {
    t.dtype = dtype;
    return t;
}

// Intermediates of a multi-node lowering that must not be rounded to bf16 between the nodes.
constexpr ElemType kExactFloat = ElemType::f32;

// ---- unary ------------------------------------------------------------------------------------

// Float-only TT-NN ops: integer/bool inputs (torch promotes them to float) are typecast first.
void emit_float_unary(Emitter& e, const std::string& op, Kwargs kwargs = {}) {
    const ValueType out = e.ttnn_type(0);
    ValueId x = e.input(0);
    if (!graph::is_floating(dtype_of(e, x))) x = cast_to(e, x, out.dtype);
    e.bind_output(0, e.emit(op, {ValueRef{x}}, std::move(kwargs), out));
}

std::string float_output(const NodeView& v) {
    if (!graph::is_floating(v.output_type().dtype))
        return v.node().op + ": output dtype " + std::string(graph::to_string(v.output_type().dtype)) +
               " is not floating";
    return {};
}

void add_float_unary(RuleTable& table, const std::string& aten, const std::string& op) {
    table.add({aten, float_output, [op](Emitter& e) { emit_float_unary(e, op); }});
}

// floor/ceil/round/trunc: identity on integer tensors (torch returns them unchanged).
void add_rounding(RuleTable& table, const std::string& aten, const std::string& op) {
    table.add({aten, nullptr, [op](Emitter& e) {
                   if (!graph::is_floating(e.tensor_type(0).dtype)) {
                       e.bind_output(0, e.input(0));
                       return;
                   }
                   emit_float_unary(e, op);
               }});
}

// isnan/isinf: a float 0/1 tensor typecast to the bool (u8) output; integers are never nan/inf.
void emit_float_predicate(Emitter& e, const std::string& op) {
    const ValueType out = e.ttnn_type(0);
    if (!graph::is_floating(e.tensor_type(0).dtype)) {
        e.bind_output(0, e.emit("ttnn.full", {}, {{"shape", out.shape}, {"fill_value", std::int64_t{0}}}, out));
        return;
    }
    const ValueId x = e.input(0);
    const ValueId flags = e.emit(op, {ValueRef{x}}, {}, with_dtype(out, dtype_of(e, x)));
    e.bind_output(0, cast_to(e, flags, out.dtype));
}

// abs/neg/sign take every dtype: cast only when torch's output dtype differs from the input's.
void emit_any_unary(Emitter& e, const std::string& op) {
    const ValueType out = e.ttnn_type(0);
    const ValueId x = cast_to(e, e.input(0), out.dtype);
    e.bind_output(0, e.emit(op, {ValueRef{x}}, {}, out));
}

std::string not_bool_input(const NodeView& v) {
    if (v.tensor_type(0).dtype == ElemType::b8) return v.node().op + ": bool input is not supported";
    return {};
}

// clamp's bounds: a scalar, a tensor (typecast to the output dtype), or None (omitted).
void put_bound(Emitter& e, Kwargs& kwargs, const char* key, std::size_t i, ElemType dtype) {
    if (e.is_none(i)) return;
    if (e.is_tensor(i)) {
        kwargs[key] = ValueRef{cast_to(e, e.input(i), dtype)};
    } else {
        kwargs[key] = number(e, i);
    }
}

void emit_clamp(Emitter& e, std::optional<std::size_t> min_arg, std::optional<std::size_t> max_arg) {
    const ValueType out = e.ttnn_type(0);
    const ValueId x = cast_to(e, e.input(0), out.dtype);
    Kwargs kwargs;
    if (min_arg) put_bound(e, kwargs, "min", *min_arg, out.dtype);
    if (max_arg) put_bound(e, kwargs, "max", *max_arg, out.dtype);
    e.bind_output(0, e.emit("ttnn.clamp", {ValueRef{x}}, std::move(kwargs), out));
}

std::string clamp_supported(const NodeView& v) {
    if (v.is_none(1) && v.is_none(2)) return v.node().op + ": needs min or max";
    if (v.output_type().dtype == ElemType::b8) return v.node().op + ": bool output is not supported";
    return {};
}

void register_unary(RuleTable& table) {
    // relu on an integer tensor (torch allows it) is a clamp at 0; ttnn.relu is float-only.
    table.add({"aten::relu.default", not_bool_input, [](Emitter& e) {
                   if (graph::is_floating(e.tensor_type(0).dtype)) {
                       e.emit_output("ttnn.relu", {ValueRef{e.input(0)}});
                   } else {
                       e.emit_output("ttnn.clamp", {ValueRef{e.input(0)}}, {{"min", std::int64_t{0}}});
                   }
               }});
    for (const char* name : {"silu", "sigmoid", "tanh", "exp", "log", "sqrt", "rsqrt", "reciprocal", "erf",
                             "hardswish", "hardsigmoid", "mish", "sin", "cos", "expm1", "log1p", "log2", "exp2",
                             "log10", "tan", "asin", "acos", "atan", "sinh", "cosh", "erfc"})
        add_float_unary(table, std::string("aten::") + name + ".default", std::string("ttnn.") + name);
    for (const char* name : {"floor", "ceil", "round", "trunc"})
        add_rounding(table, std::string("aten::") + name + ".default", std::string("ttnn.") + name);
    table.add({"aten::round.decimals",
               [](const NodeView& v) {
                   return graph::is_floating(v.tensor_type(0).dtype)
                              ? std::string()
                              : v.node().op + ": integer input is not supported";
               },
               [](Emitter& e) { emit_float_unary(e, "ttnn.round", {{"decimals", e.int_arg(1)}}); }});
    for (const char* name : {"abs", "neg", "sign"}) {
        const std::string op = std::string("ttnn.") + name;
        table.add({std::string("aten::") + name + ".default", not_bool_input, [op](Emitter& e) { emit_any_unary(e, op); }});
    }
    // x * x keeps integers exact (ttnn.square is float-only).
    table.add({"aten::square.default", not_bool_input, [](Emitter& e) {
                   if (graph::is_floating(e.output_type().dtype)) {
                       emit_float_unary(e, "ttnn.square");
                   } else {
                       const ValueId x = e.input(0);
                       e.emit_output("ttnn.multiply", {ValueRef{x}, ValueRef{x}});
                   }
               }});
    for (const char* name : {"isnan", "isinf"}) {
        const std::string op = std::string("ttnn.") + name;
        table.add({std::string("aten::") + name + ".default", nullptr,
                   [op](Emitter& e) { emit_float_predicate(e, op); }});
    }
    // logical_not / bitwise_not on bools: 0/1 in the input's dtype, typecast to the bool output.
    auto logical_not = [](Emitter& e) {
        const ValueType out = e.ttnn_type(0);
        const ValueId x = e.input(0);
        const ValueId flags = e.emit("ttnn.logical_not", {ValueRef{x}}, {}, with_dtype(out, dtype_of(e, x)));
        e.bind_output(0, cast_to(e, flags, out.dtype));
    };
    table.add({"aten::logical_not.default", nullptr, logical_not});
    table.add({"aten::bitwise_not.default",
               [](const NodeView& v) {
                   return v.tensor_type(0).dtype == ElemType::b8
                              ? std::string()
                              : v.node().op + ": only bool tensors are supported (got " +
                                    std::string(graph::to_string(v.tensor_type(0).dtype)) + ")";
               },
               logical_not});

    table.add({"aten::gelu.default",
               [](const NodeView& v) {
                   const std::string& a = v.string_arg(1);
                   if (a != "none" && a != "tanh") return v.node().op + ": approximate='" + a + "' is not supported";
                   return float_output(v);
               },
               [](Emitter& e) {
                   Kwargs kw;
                   if (e.string_arg(1) == "tanh") kw["fast_and_approximate_mode"] = true;
                   emit_float_unary(e, "ttnn.gelu", std::move(kw));
               }});
    table.add({"aten::hardtanh.default", not_bool_input, [](Emitter& e) {
                   if (!graph::is_floating(e.tensor_type(0).dtype)) {
                       emit_clamp(e, 1, 2);
                   } else if (e.scalar_arg(1) == 0.0 && e.scalar_arg(2) == 6.0) {
                       emit_float_unary(e, "ttnn.relu6");
                   } else {
                       emit_float_unary(e, "ttnn.hardtanh", {{"min_val", e.scalar_arg(1)}, {"max_val", e.scalar_arg(2)}});
                   }
               }});
    table.add({"aten::leaky_relu.default", float_output, [](Emitter& e) {
                   emit_float_unary(e, "ttnn.leaky_relu", {{"negative_slope", e.scalar_arg(1)}});
               }});
    // elu(x, alpha, scale, input_scale): scale != 1 is selu's form (scale * elu(x, alpha)).
    table.add({"aten::elu.default",
               [](const NodeView& v) {
                   if (v.scalar_arg(3) != 1.0)
                       return v.node().op + ": input_scale=" + std::to_string(v.scalar_arg(3)) + " is not supported";
                   return float_output(v);
               },
               [](Emitter& e) {
                   if (e.scalar_arg(2) == 1.0) {
                       emit_float_unary(e, "ttnn.elu", {{"alpha", e.scalar_arg(1)}});
                   } else {
                       emit_float_unary(e, "ttnn.selu", {{"scale", e.scalar_arg(2)}, {"alpha", e.scalar_arg(1)}});
                   }
               }});
    table.add({"aten::softplus.default", float_output, [](Emitter& e) {
                   emit_float_unary(e, "ttnn.softplus", {{"beta", e.scalar_arg(1)}, {"threshold", e.scalar_arg(2)}});
               }});

    table.add({"aten::clamp.default", clamp_supported, [](Emitter& e) { emit_clamp(e, 1, 2); }});
    table.add({"aten::clamp.Tensor", clamp_supported, [](Emitter& e) { emit_clamp(e, 1, 2); }});
    for (const char* overload : {"default", "Tensor"}) {
        auto bool_out = [](const NodeView& v) {
            return v.output_type().dtype == ElemType::b8 ? v.node().op + ": bool output is not supported" : std::string();
        };
        table.add({std::string("aten::clamp_min.") + overload, bool_out, [](Emitter& e) { emit_clamp(e, 1, std::nullopt); }});
        table.add({std::string("aten::clamp_max.") + overload, bool_out, [](Emitter& e) { emit_clamp(e, std::nullopt, 1); }});
    }
}

// ---- binary -----------------------------------------------------------------------------------

// An ATen operand: the TT-NN tensor (typecast to `cast` when given and different) or the scalar.
Arg operand(Emitter& e, std::size_t i, std::optional<ElemType> cast = std::nullopt) {
    if (!e.is_tensor(i)) return number(e, i);
    ValueId id = e.input(i);
    if (cast) id = cast_to(e, id, *cast);
    return ValueRef{id};
}

std::string operands_supported(const NodeView& v, std::size_t a, std::size_t b) {
    for (std::size_t i : {a, b})
        if (!v.is_tensor(i) && !is_number(v, i))
            return v.node().op + ": argument " + std::to_string(i) + " is neither a tensor nor a number";
    if (!v.is_tensor(a) && !v.is_tensor(b)) return v.node().op + ": no tensor operand";
    return {};
}

// Float-only TT-NN ops (pow) need float tensors: casts integer ones to the (float) output dtype.
std::optional<ElemType> float_cast(Emitter& e, std::size_t i, ElemType out) {
    if (e.is_tensor(i) && !graph::is_floating(e.tensor_type(i).dtype)) return out;
    return std::nullopt;
}

void emit_binary(Emitter& e, const std::string& op, std::size_t a, std::size_t b) {
    e.emit_output(op, {operand(e, a), operand(e, b)});
}

// other * alpha as an operand: folded into a scalar, else a ttnn.multiply node.
Arg scaled_operand(Emitter& e, std::size_t other, std::size_t alpha) {
    const Arg alpha_value = number(e, alpha);
    if (!e.is_tensor(other)) return scaled(number(e, other), alpha_value);
    if (is_one(alpha_value)) return ValueRef{e.input(other)};
    ValueType t = e.ttnn_type_of(e.tensor_type(other));
    t.dtype = e.ttnn_type(0).dtype;
    return ValueRef{e.emit("ttnn.multiply", {ValueRef{e.input(other)}, alpha_value}, {}, t)};
}

std::string arith_supported(const NodeView& v) {
    if (v.output_type().dtype == ElemType::b8)
        return v.node().op + ": bool arithmetic is not supported";
    return operands_supported(v, 0, 1);
}

// bitwise ops on bools are logical ops; other dtypes are not supported.
std::string bool_operands(const NodeView& v) {
    if (std::string r = operands_supported(v, 0, 1); !r.empty()) return r;
    for (std::size_t i : {0u, 1u})
        if (v.is_tensor(i) && v.tensor_type(i).dtype != ElemType::b8)
            return v.node().op + ": only bool tensors are supported (got " +
                   std::string(graph::to_string(v.tensor_type(i).dtype)) + ")";
    return {};
}

// pow: float-only in TT-NN. Integer results are supported for x ** 2 (x * x) only.
std::string pow_supported(const NodeView& v) {
    if (std::string r = operands_supported(v, 0, 1); !r.empty()) return r;
    if (graph::is_floating(v.output_type().dtype)) return {};
    if (v.is_tensor(0) && is_number(v, 1) && v.scalar_arg(1) == 2.0 && v.output_type().dtype != ElemType::b8) return {};
    return v.node().op + ": integer pow is not supported (float-only in TT-NN), except x ** 2";
}

// x ** 2 (torch.square's decomposition) is ttnn.square, exact like torch's x * x; integers
// multiply (ttnn.square is float-only).
void emit_pow(Emitter& e) {
    const ValueType out = e.ttnn_type(0);
    if (e.is_tensor(0) && is_number(e, 1) && e.scalar_arg(1) == 2.0) {
        if (graph::is_floating(out.dtype)) {
            emit_float_unary(e, "ttnn.square");
        } else {
            const ValueId x = e.input(0);
            e.emit_output("ttnn.multiply", {ValueRef{x}, ValueRef{x}});
        }
        return;
    }
    e.emit_output("ttnn.pow", {operand(e, 0, float_cast(e, 0, out.dtype)), operand(e, 1, float_cast(e, 1, out.dtype))});
}

// div.Tensor_mode: trunc / floor rounding. Floats: the quotient (an unrounded f32 intermediate)
// rounded by ttnn.trunc / ttnn.floor. Integers: exact, (a - fmod|remainder(a, b)) / b.
void emit_div_mode(Emitter& e) {
    if (e.is_none(2)) {
        emit_binary(e, "ttnn.divide", 0, 1);
        return;
    }
    const bool floor = e.string_arg(2) == "floor";
    const ValueType out = e.ttnn_type(0);
    const Arg a = operand(e, 0);
    const Arg b = operand(e, 1);
    if (graph::is_floating(out.dtype)) {
        const ValueId q = e.emit("ttnn.divide", {a, b}, {}, with_dtype(out, kExactFloat));
        e.bind_output(0, e.emit(floor ? "ttnn.floor" : "ttnn.trunc", {ValueRef{q}}, {}, out));
        return;
    }
    const ValueId r = e.emit(floor ? "ttnn.remainder" : "ttnn.fmod", {a, b}, {}, out);
    const ValueId d = e.emit("ttnn.subtract", {a, ValueRef{r}}, {}, out);
    e.bind_output(0, e.emit("ttnn.divide", {ValueRef{d}, b}, {}, out));
}

std::string div_mode_supported(const NodeView& v) {
    if (std::string r = arith_supported(v); !r.empty()) return r;
    if (v.is_none(2)) return {};
    const std::string& mode = v.string_arg(2);
    if (mode != "floor" && mode != "trunc") return v.node().op + ": rounding_mode='" + mode + "' is not supported";
    return {};
}

// where(condition, a, b): the values in the output dtype; with two scalars the output takes its
// dtype from the condition, so the condition is cast to it.
void emit_where(Emitter& e, std::size_t cond, std::size_t a, std::size_t b) {
    const ValueType out = e.ttnn_type(0);
    ValueId c = e.input(cond);
    if (!e.is_tensor(a) && !e.is_tensor(b)) c = cast_to(e, c, out.dtype);
    e.emit_output("ttnn.where", {ValueRef{c}, operand(e, a, out.dtype), operand(e, b, out.dtype)});
}

std::string where_supported(const NodeView& v) {
    for (std::size_t i : {1u, 2u})
        if (!v.is_tensor(i) && !is_number(v, i))
            return v.node().op + ": argument " + std::to_string(i) + " is neither a tensor nor a number";
    return {};
}

// masked_fill(self, mask, value) = where(mask, value, self); the value takes self's dtype.
void emit_masked_fill(Emitter& e) {
    const ValueType out = e.ttnn_type(0);
    Arg value;
    if (e.is_tensor(2)) {
        value = ValueRef{cast_to(e, e.input(2), out.dtype)};
    } else {
        value = number(e, 2);
        if (out.dtype == ElemType::u8 && e.output_type().dtype == ElemType::b8) {
            value = std::int64_t{e.scalar_arg(2) != 0.0 ? 1 : 0};
        } else if (!graph::is_floating(out.dtype) && !is_int_number(value)) {
            value = static_cast<std::int64_t>(std::trunc(e.scalar_arg(2)));
        }
    }
    e.emit_output("ttnn.where", {ValueRef{e.input(1)}, value, ValueRef{cast_to(e, e.input(0), out.dtype)}});
}

void register_binary(RuleTable& table) {
    // add / sub with alpha: a + alpha * b. Scalars fold; a tensor b gets a ttnn.multiply.
    for (const char* overload : {"Tensor", "Scalar"}) {
        table.add({std::string("aten::add.") + overload, arith_supported,
                   [](Emitter& e) { e.emit_output("ttnn.add", {operand(e, 0), scaled_operand(e, 1, 2)}); }});
        table.add({std::string("aten::sub.") + overload, arith_supported,
                   [](Emitter& e) { e.emit_output("ttnn.subtract", {operand(e, 0), scaled_operand(e, 1, 2)}); }});
        // rsub(self, other, alpha) = other - alpha * self
        table.add({std::string("aten::rsub.") + overload, arith_supported,
                   [](Emitter& e) { e.emit_output("ttnn.subtract", {operand(e, 1), scaled_operand(e, 0, 2)}); }});
    }
    // bool_ok: products, maxima and minima of 0/1 are 0/1 (torch's bool results); sums are not.
    struct Plain {
        const char* aten;
        const char* op;
        bool bool_ok;
    };
    const Plain plain[] = {
        {"mul.Tensor", "multiply", true},         {"mul.Scalar", "multiply", true},
        {"div.Tensor", "divide", false},          {"div.Scalar", "divide", false},
        {"maximum.default", "maximum", true},     {"minimum.default", "minimum", true},
        {"remainder.Tensor", "remainder", false}, {"remainder.Scalar", "remainder", false},
        {"fmod.Tensor", "fmod", false},           {"fmod.Scalar", "fmod", false},
    };
    for (const Plain& p : plain) {
        const std::string op = std::string("ttnn.") + p.op;
        auto supports = p.bool_ok ? std::function<std::string(const NodeView&)>(
                                        [](const NodeView& v) { return operands_supported(v, 0, 1); })
                                  : std::function<std::string(const NodeView&)>(arith_supported);
        table.add({std::string("aten::") + p.aten, supports, [op](Emitter& e) { emit_binary(e, op, 0, 1); }});
    }
    table.add({"aten::div.Tensor_mode", div_mode_supported, emit_div_mode});
    table.add({"aten::div.Scalar_mode", div_mode_supported, emit_div_mode});
    for (const char* cmp : {"eq", "ne", "lt", "le", "gt", "ge"}) {
        const std::string op = std::string("ttnn.") + cmp;
        for (const char* overload : {"Tensor", "Scalar"})
            table.add({std::string("aten::") + cmp + "." + overload,
                       [](const NodeView& v) { return operands_supported(v, 0, 1); },
                       [op](Emitter& e) { emit_binary(e, op, 0, 1); }});
    }
    for (const char* name : {"and", "or", "xor"}) {
        const std::string op = std::string("ttnn.logical_") + name;
        table.add({std::string("aten::logical_") + name + ".default",
                   [](const NodeView& v) { return operands_supported(v, 0, 1); },
                   [op](Emitter& e) { emit_binary(e, op, 0, 1); }});
        table.add({std::string("aten::bitwise_") + name + ".Tensor", bool_operands,
                   [op](Emitter& e) { emit_binary(e, op, 0, 1); }});
        table.add({std::string("aten::bitwise_") + name + ".Scalar", bool_operands,
                   [op](Emitter& e) { emit_binary(e, op, 0, 1); }});
    }
    table.add({"aten::pow.Tensor_Tensor", pow_supported, emit_pow});
    table.add({"aten::pow.Tensor_Scalar", pow_supported, emit_pow});
    table.add({"aten::pow.Scalar", pow_supported, emit_pow});

    for (const char* overload : {"self", "ScalarSelf", "ScalarOther", "Scalar"})
        table.add({std::string("aten::where.") + overload, where_supported, [](Emitter& e) { emit_where(e, 0, 1, 2); }});
    for (const char* overload : {"Scalar", "Tensor"})
        table.add({std::string("aten::masked_fill.") + overload,
                   [](const NodeView& v) {
                       if (!v.is_tensor(2) && !is_number(v, 2)) return v.node().op + ": value is not a number";
                       return std::string();
                   },
                   emit_masked_fill});
}

}  // namespace

void register_eltwise_rules(RuleTable& table) {
    register_unary(table);
    register_binary(table);
}

}  // namespace ttnn::lower
