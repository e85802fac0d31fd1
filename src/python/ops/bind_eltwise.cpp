// Bindings of the unary, binary and ternary ops with TT-NN's Python signatures. Ops run with the
// GIL released; operands of binary ops and where may be tensors or Python scalars.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/variant.h>
#include <nanobind/stl/vector.h>

#include <string>

#include "registry.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/eltwise.hpp"
#include "ttnn/ops/op_table.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ttnn::python {

namespace {

using ops::OpId;
using ops::Operand;
using ops::OptMemoryConfig;
using Release = nb::call_guard<nb::gil_scoped_release>;

const char* summary(OpId id) { return ops::op_info(id).summary.data(); }

// One `activations` entry: "relu", ttnn.UnaryWithParam(op_type, params), a UnaryOpType, or
// ("leaky_relu", 0.1).
ops::UnaryWithParam activation_of(nb::handle item, const char* op) {
    ops::UnaryWithParam a;
    const auto params_of = [&](nb::handle p) {
        if (p.is_none()) return;
        if (nb::isinstance<nb::float_>(p) || nb::isinstance<nb::int_>(p)) {
            a.params.push_back(nb::cast<float>(p));
            return;
        }
        for (nb::handle v : p) a.params.push_back(nb::cast<float>(v));
    };
    const auto name_of = [](nb::handle v) -> std::string {
        if (nb::isinstance<nb::str>(v)) return nb::cast<std::string>(v);
        if (nb::hasattr(v, "name")) return nb::cast<std::string>(nb::str(v.attr("name")));
        return nb::cast<std::string>(nb::str(v));
    };
    if (nb::isinstance<nb::str>(item)) {
        a.op = nb::cast<std::string>(item);
    } else if (nb::hasattr(item, "op_type")) {
        a.op = name_of(item.attr("op_type"));
        if (nb::hasattr(item, "params")) params_of(item.attr("params"));
        else if (nb::hasattr(item, "param")) params_of(item.attr("param"));
    } else if (nb::isinstance<nb::tuple>(item) || nb::isinstance<nb::list>(item)) {
        nb::sequence seq = nb::borrow<nb::sequence>(item);
        if (nb::len(seq) == 0) throw InvalidArgument(op, "an empty activation entry");
        a.op = name_of(seq[0]);
        for (std::size_t i = 1; i < nb::len(seq); ++i) params_of(seq[i]);
    } else if (nb::hasattr(item, "name")) {
        a.op = name_of(item);
    } else {
        throw TypeMismatch(op, "activations entries must be names (\"relu\"), ttnn.UnaryWithParam or "
                               "ttnn.UnaryOpType values, got " + nb::cast<std::string>(nb::repr(item)));
    }
    return a;
}

std::vector<ops::UnaryWithParam> activations_of(const std::optional<nb::sequence>& list, const char* op) {
    std::vector<ops::UnaryWithParam> out;
    if (!list) return out;
    for (nb::handle item : *list) out.push_back(activation_of(item, op));
    return out;
}

using BinaryFn = Tensor (*)(const Operand&, const Operand&, std::optional<DataType>, const OptMemoryConfig&,
                            const std::vector<ops::UnaryWithParam>&);

template <BinaryFn F>
Tensor call_binary(const Operand& a, const Operand& b, std::optional<DataType> dtype, const OptMemoryConfig& mc,
                   const std::optional<nb::sequence>& activations, const char* op) {
    const auto acts = activations_of(activations, op);
    nb::gil_scoped_release release;
    return F(a, b, dtype, mc, acts);
}

void bind_eltwise(nb::module_& m) {
#define BIND_PLAIN(name)                                                                                 \
    m.def(#name, [](const Tensor& t, const OptMemoryConfig& mc) { return ops::name(t, mc); }, "input_tensor"_a, \
          nb::kw_only(), "memory_config"_a = nb::none(), Release(), summary(OpId::name));
    TTNN_ELTWISE_PLAIN_UNARY(BIND_PLAIN)
#undef BIND_PLAIN
#define BIND_FAST(name)                                                                                           \
    m.def(#name, [](const Tensor& t, bool fast, const OptMemoryConfig& mc) { return ops::name(t, fast, mc); },      \
          "input_tensor"_a, nb::kw_only(), "fast_and_approximate_mode"_a = false, "memory_config"_a = nb::none(), \
          Release(), summary(OpId::name));
    TTNN_ELTWISE_FAST_UNARY(BIND_FAST)
#undef BIND_FAST

    m.def("hardtanh", &ops::hardtanh, "input_tensor"_a, "min_val"_a = -1.0f, "max_val"_a = 1.0f, nb::kw_only(),
          "memory_config"_a = nb::none(), Release(), summary(OpId::hardtanh));
    m.def("leaky_relu", &ops::leaky_relu, "input_tensor"_a, "negative_slope"_a = 0.01f, nb::kw_only(),
          "memory_config"_a = nb::none(), Release(), summary(OpId::leaky_relu));
    m.def("elu", &ops::elu, "input_tensor"_a, "alpha"_a = 1.0f, nb::kw_only(), "memory_config"_a = nb::none(),
          Release(), summary(OpId::elu));
    m.def("selu", &ops::selu, "input_tensor"_a, "scale"_a = 1.0507009873554804934f,
          "alpha"_a = 1.6732632423543772848f, nb::kw_only(), "memory_config"_a = nb::none(), Release(),
          summary(OpId::selu));
    m.def("celu", &ops::celu, "input_tensor"_a, "alpha"_a = 1.0f, nb::kw_only(), "memory_config"_a = nb::none(),
          Release(), summary(OpId::celu));
    m.def("softplus", &ops::softplus, "input_tensor"_a, nb::kw_only(), "beta"_a = 1.0f, "threshold"_a = 20.0f,
          "memory_config"_a = nb::none(), Release(), summary(OpId::softplus));
    m.def("round", &ops::round, "input_tensor"_a, "decimals"_a = 0, nb::kw_only(), "memory_config"_a = nb::none(),
          Release(), summary(OpId::round));
    m.def("clamp", &ops::clamp, "input_tensor"_a, "min"_a = nb::none(), "max"_a = nb::none(), nb::kw_only(),
          "memory_config"_a = nb::none(), Release(), summary(OpId::clamp));
    m.def("clip", &ops::clip, "input_tensor"_a, "min"_a = nb::none(), "max"_a = nb::none(), nb::kw_only(),
          "memory_config"_a = nb::none(), Release(), summary(OpId::clip));

#define BIND_BINARY(name)                                                                                      \
    if (std::string_view(#name) != "pow")                                                                      \
    m.def(#name,                                                                                               \
          [](const Operand& a, const Operand& b, std::optional<DataType> dtype, const OptMemoryConfig& mc,      \
             const std::optional<nb::sequence>& activations) {                                                 \
              return call_binary<&ops::name>(a, b, dtype, mc, activations, "ttnn." #name);                     \
          },                                                                                                   \
          "input_tensor_a"_a, "input_tensor_b"_a, nb::kw_only(), "dtype"_a = nb::none(),                       \
          "memory_config"_a = nb::none(), "activations"_a = nb::none(), summary(OpId::name));
    TTNN_ELTWISE_BINARY(BIND_BINARY)
#undef BIND_BINARY
    // TT-NN names pow's operands differently (and a scalar base works too).
    m.def("pow",
          [](const Operand& a, const Operand& b, std::optional<DataType> dtype, const OptMemoryConfig& mc) {
              return call_binary<&ops::pow>(a, b, dtype, mc, std::nullopt, "ttnn.pow");
          },
          "input_tensor"_a, "exponent"_a, nb::kw_only(), "dtype"_a = nb::none(), "memory_config"_a = nb::none(),
          summary(OpId::pow));

    m.def("where", &ops::where, "condition"_a, "true_value"_a, "false_value"_a, nb::kw_only(),
          "memory_config"_a = nb::none(), Release(), summary(OpId::where));
}

const OpBinder binder("eltwise", &bind_eltwise);

}  // namespace

}  // namespace ttnn::python
