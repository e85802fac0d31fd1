// Bindings of the matmul family: ttnn.matmul, ttnn.linear, TT-NN's CoreGrid and matmul program
// config classes (accepted and type-checked; they select nothing on the host).
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>

#include "registry.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/matmul.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ttnn::python {

namespace {

// TT-NN's ttnn.CoreGrid(x=, y=).
struct CoreGrid {
    std::uint32_t x = 0;
    std::uint32_t y = 0;
};

// TT-NN's matmul program configs: keyword fields kept as given (in0_block_w=..., per_core_M=...).
struct MatmulProgramConfig {
    std::string kind;
    nb::dict fields;
};
template <int I>
struct MatmulProgramConfigKind : MatmulProgramConfig {};

template <int I>
void bind_program_config(nb::module_& m, const char* name) {
    nb::class_<MatmulProgramConfigKind<I>, MatmulProgramConfig>(m, name)
        .def("__init__", [name](MatmulProgramConfigKind<I>* self, nb::kwargs kwargs) {
            new (self) MatmulProgramConfigKind<I>();
            self->kind = name;
            self->fields = nb::dict(kwargs);
        });
}

const char* const kHostNote =
    "program_config and core_grid are accepted and type-checked for TT-NN compatibility; on the host "
    "they select no kernel or grid (work runs on the device's threads), but, as in TT-NN, giving either "
    "makes the default math fidelity LoFi.";

void check_program_config(nb::handle config, std::string_view op) {
    if (config.is_none() || nb::isinstance<MatmulProgramConfig>(config)) return;
    throw TypeMismatch(op, "program_config must be a matmul program config (e.g. "
                           "ttnn.MatmulMultiCoreReuseMultiCastProgramConfig), got " +
                               std::string(nb::type_name(config.type()).c_str()));
}

void check_core_grid(const std::optional<CoreGrid>& grid, const Tensor& a, std::string_view op) {
    if (!grid) return;
    if (grid->x == 0 || grid->y == 0) {
        throw InvalidArgument(op, "core_grid=CoreGrid(x=" + std::to_string(grid->x) + ", y=" +
                                      std::to_string(grid->y) + ") must have at least one core");
    }
    const Device* device = a.device().get();
    if (device == nullptr && a.mesh_device()) device = a.mesh_device()->device(0).get();
    if (device != nullptr && (grid->x > device->config().grid.x || grid->y > device->config().grid.y)) {
        throw InvalidArgument(op, "core_grid=CoreGrid(x=" + std::to_string(grid->x) + ", y=" +
                                      std::to_string(grid->y) + ") does not fit the device's " +
                                      std::to_string(device->config().grid.x) + "x" +
                                      std::to_string(device->config().grid.y) + " grid");
    }
}

ops::MatmulOptions options(bool transpose_a, bool transpose_b, const std::optional<MemoryConfig>& memory_config,
                           std::optional<DataType> dtype, nb::handle program_config,
                           const std::optional<std::string>& activation,
                           const std::optional<ops::ComputeKernelConfig>& compute_kernel_config,
                           const std::optional<CoreGrid>& core_grid) {
    ops::MatmulOptions o;
    o.transpose_a = transpose_a;
    o.transpose_b = transpose_b;
    o.memory_config = memory_config;
    o.dtype = dtype;
    o.activation = activation;
    o.compute_kernel_config = compute_kernel_config;
    o.program_config_given = !program_config.is_none();
    o.core_grid_given = core_grid.has_value();
    return o;
}

const std::string kMatmulDoc = std::string(R"doc(Matrix product of input_tensor_a and input_tensor_b, with torch.matmul semantics: batch dims
broadcast, a rank-1 operand is promoted to a row (a) or column (b) and its dim dropped from the result.

transpose_a / transpose_b transpose the last two dims of an operand first. activation ("relu",
"relu6", "gelu", "gelu_approx", "silu", "sigmoid", "hardsigmoid", "tanh") is fused into the output
pass. dtype defaults to input_tensor_a's; memory_config to input_tensor_a's (DRAM if it is sharded).

Numerics (ttnn.set_numerics_mode): FAITHFUL (default) emulates the matrix engine: float32 operands are
truncated to TF32 (bf16 when fp32_dest_acc_en is off), the product follows compute_kernel_config's
math_fidelity (input_tensor_b feeds SrcA: 1+4 mantissa bits per phase; input_tensor_a feeds SrcB:
1+6 bits; LoFi = hi x hi, HiFi2 adds b's low bits, HiFi3 also a's low bits x b's high bits, HiFi4 is
exact), sums are fp32 with fp32_dest_acc_en, else a bf16 running sum rounded (nearest-even) after
every 32-wide K tile. Without compute_kernel_config, TT-NN's default: HiFi2 (LoFi if both inputs are
block floats or a program_config/core_grid is given; HiFi4 if both are float32), fp32_dest_acc_en iff
the output is float32. FAST: a plain float32 GEMM. The result is rounded to dtype.
)doc") + kHostNote;

const std::string kLinearDoc =
    std::string("input_tensor_a @ input_tensor_b (+ bias): input_tensor_b is the weight as [in, out] (TT-NN's "
                "layout, the transpose of torch.nn.Linear.weight unless transpose_b=True); bias holds one value "
                "per output column and is added, like the activation, in the output pass. Arguments and "
                "numerics as ttnn.matmul.\n") +
    kHostNote;

void bind_matmul(nb::module_& m) {
    nb::class_<CoreGrid>(m, "CoreGrid")
        .def(nb::init<std::uint32_t, std::uint32_t>(), nb::kw_only(), "x"_a, "y"_a)
        .def_ro("x", &CoreGrid::x)
        .def_ro("y", &CoreGrid::y)
        .def_prop_ro("num_cores", [](const CoreGrid& g) { return g.x * g.y; })
        .def("__repr__", [](const CoreGrid& g) {
            return "ttnn.CoreGrid(x=" + std::to_string(g.x) + ", y=" + std::to_string(g.y) + ")";
        });

    nb::class_<MatmulProgramConfig>(m, "MatmulProgramConfig")
        .def("__getattr__",
             [](const MatmulProgramConfig& c, const std::string& name) -> nb::object {
                 if (c.fields.contains(name.c_str())) return c.fields[name.c_str()];
                 throw nb::attribute_error(name.c_str());
             })
        .def("__repr__", [](const MatmulProgramConfig& c) {
            std::string s = c.kind + "(";
            bool first = true;
            for (auto [k, v] : c.fields) {
                s += (first ? "" : ", ") + std::string(nb::str(k).c_str()) + "=" + nb::repr(v).c_str();
                first = false;
            }
            return s + ")";
        });
    bind_program_config<0>(m, "MatmulMultiCoreProgramConfig");
    bind_program_config<1>(m, "MatmulMultiCoreReuseProgramConfig");
    bind_program_config<2>(m, "MatmulMultiCoreReuseMultiCastProgramConfig");
    bind_program_config<3>(m, "MatmulMultiCoreReuseMultiCast1DProgramConfig");
    bind_program_config<4>(m, "MatmulMultiCoreReuseMultiCastDRAMShardedProgramConfig");

    m.def(
        "matmul",
        [](const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b,
           const std::optional<MemoryConfig>& memory_config, std::optional<DataType> dtype, nb::object program_config,
           const std::optional<std::string>& activation,
           const std::optional<ops::ComputeKernelConfig>& compute_kernel_config,
           const std::optional<CoreGrid>& core_grid) {
            check_program_config(program_config, "ttnn.matmul");
            check_core_grid(core_grid, a, "ttnn.matmul");
            const ops::MatmulOptions o = options(transpose_a, transpose_b, memory_config, dtype, program_config,
                                                 activation, compute_kernel_config, core_grid);
            nb::gil_scoped_release release;
            return ops::matmul(a, b, o);
        },
        "input_tensor_a"_a, "input_tensor_b"_a, nb::kw_only(), "transpose_a"_a = false, "transpose_b"_a = false,
        "memory_config"_a = nb::none(), "dtype"_a = nb::none(), "program_config"_a = nb::none(),
        "activation"_a = nb::none(), "compute_kernel_config"_a = nb::none(), "core_grid"_a = nb::none(),
        kMatmulDoc.c_str());

    m.def(
        "linear",
        [](const Tensor& a, const Tensor& b, const std::optional<Tensor>& bias, bool transpose_a, bool transpose_b,
           const std::optional<MemoryConfig>& memory_config, std::optional<DataType> dtype, nb::object program_config,
           const std::optional<std::string>& activation,
           const std::optional<ops::ComputeKernelConfig>& compute_kernel_config,
           const std::optional<CoreGrid>& core_grid) {
            check_program_config(program_config, "ttnn.linear");
            check_core_grid(core_grid, a, "ttnn.linear");
            const ops::MatmulOptions o = options(transpose_a, transpose_b, memory_config, dtype, program_config,
                                                 activation, compute_kernel_config, core_grid);
            nb::gil_scoped_release release;
            return ops::linear(a, b, bias, o);
        },
        "input_tensor_a"_a, "input_tensor_b"_a, nb::kw_only(), "bias"_a = nb::none(), "transpose_a"_a = false,
        "transpose_b"_a = false, "memory_config"_a = nb::none(), "dtype"_a = nb::none(),
        "program_config"_a = nb::none(), "activation"_a = nb::none(), "compute_kernel_config"_a = nb::none(),
        "core_grid"_a = nb::none(),
        kLinearDoc.c_str());

    m.def("_gemm_backend_info", [] {
        const ops::GemmBackendInfo i = ops::gemm_backend_info();
        nb::dict d;
        d["sgemm"] = i.sgemm;
        d["openblas"] = i.openblas;
        d["library"] = i.library;
        d["openblas_library"] = i.openblas_library;
        d["config"] = i.config;
        d["core"] = i.core;
        d["blas_threads"] = i.blas_threads;
        d["note"] = i.note;
        return d;
    }, "The GEMM library behind matmul/linear/attention (sgemm provider and file), OpenBLAS config, core, thread count.");
    m.def(
        "_fma_peak_gflops",
        [](const std::shared_ptr<Device>& device, double seconds) {
            nb::gil_scoped_release release;
            return ops::measure_fma_peak_gflops(*device, seconds);
        },
        "device"_a, "seconds"_a = 0.2, "Measured fp32 FMA GFLOP/s of the device's threads (256-bit FMA chains).");
}

const OpBinder binder("matmul", &bind_matmul);

}  // namespace

}  // namespace ttnn::python
