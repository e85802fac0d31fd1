// Bindings shared by all op families: the op table, the numerics mode and the compute kernel config.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "registry.hpp"
#include "ttnn/ops/common.hpp"
#include "ttnn/ops/op_table.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ttnn::python {

namespace {
void bind_common(nb::module_& m) {
    nb::enum_<ops::NumericsMode>(m, "NumericsMode")
        .value("FAITHFUL", ops::NumericsMode::FAITHFUL)
        .value("FAST", ops::NumericsMode::FAST);
    m.def("get_numerics_mode", &ops::numerics_mode);
    m.def("set_numerics_mode", &ops::set_numerics_mode, "mode"_a,
          "FAITHFUL: matmul/conv follow math fidelity and the engine's input precision; FAST: plain float32");

    nb::class_<ops::ComputeKernelConfig>(m, "WormholeComputeKernelConfig")
        .def("__init__",
             [](ops::ComputeKernelConfig* c, MathFidelity math_fidelity, bool math_approx_mode, bool fp32_dest_acc_en,
                bool packer_l1_acc) {
                 new (c) ops::ComputeKernelConfig{math_fidelity, math_approx_mode, fp32_dest_acc_en, packer_l1_acc};
             },
             // TT-NN's defaults for a config built without arguments.
             nb::kw_only(), "math_fidelity"_a = MathFidelity::LoFi, "math_approx_mode"_a = true,
             "fp32_dest_acc_en"_a = false, "packer_l1_acc"_a = false)
        .def_rw("math_fidelity", &ops::ComputeKernelConfig::math_fidelity)
        .def_rw("math_approx_mode", &ops::ComputeKernelConfig::math_approx_mode)
        .def_rw("fp32_dest_acc_en", &ops::ComputeKernelConfig::fp32_dest_acc_en)
        .def_rw("packer_l1_acc", &ops::ComputeKernelConfig::packer_l1_acc)
        .def("__repr__", [](const ops::ComputeKernelConfig& c) {
            return "WormholeComputeKernelConfig(math_fidelity=" + std::string(to_string(c.math_fidelity)) +
                   ", math_approx_mode=" + (c.math_approx_mode ? "True" : "False") +
                   ", fp32_dest_acc_en=" + (c.fp32_dest_acc_en ? "True" : "False") +
                   ", packer_l1_acc=" + (c.packer_l1_acc ? "True" : "False") + ")";
        });

    m.def("op_table", [] {
        nb::list rows;
        for (const auto& info : ops::op_table()) {
            nb::dict row;
            row["name"] = std::string(info.name);
            row["family"] = std::string(info.family);
            row["dtypes"] = ops::describe_dtypes(info.dtypes);
            row["layouts"] = ops::describe_layouts(info.layouts);
            row["summary"] = std::string(info.summary);
            rows.append(row);
        }
        return rows;
    }, "Every op of the op table: name, family, supported dtypes and layouts, summary");
}

const OpBinder binder("_common", &bind_common);
}  // namespace

}  // namespace ttnn::python
