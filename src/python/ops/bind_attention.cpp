// Bindings of the attention family: ttnn.transformer.scaled_dot_product_attention (python/ttnn/
// transformer.py re-exports it) and TT-NN's SDPAProgramConfig (accepted, selects nothing on the host).
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include "registry.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/attention.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ttnn::python {

namespace {

// TT-NN's SDPAProgramConfig(compute_with_storage_grid_size=, q_chunk_size=, k_chunk_size=, ...).
struct SDPAProgramConfig {
    nb::dict fields;
};

const char* const kSdpaDoc = R"doc(softmax(Q K^T * scale + attn_mask) V for input_tensor_q [b, nh, s_q, d] and input_tensor_k /
input_tensor_v [b, nkv, s_k, d]; nh must be a multiple of nkv (grouped-query attention: query head h
reads key/value head h // (nh // nkv)). is_causal (default True) lets query i see keys j <= i and
excludes attn_mask, an additive [b or 1, nh or 1, s_q, s_k] tensor. scale defaults to 1/sqrt(d).
The output has input_tensor_q's dtype and layout.

Numerics: FAITHFUL (default) runs Q K^T and P V through ttnn.matmul's matrix-engine emulation with
compute_kernel_config (TT-NN's SDPA default: HiFi2, fp32_dest_acc_en off, i.e. bf16 running sums
rounded per 32-wide K tile) and keeps the scores and probabilities as bf16, as the device kernel's
intermediate buffers do; the softmax is fp32 (the device's approximate exp and chunked online softmax
are not emulated). FAST: plain float32.
program_config is accepted and type-checked for TT-NN compatibility; on the host it selects nothing
(work runs on the device's threads).
)doc";

void bind_attention(nb::module_& m) {
    nb::class_<SDPAProgramConfig>(m, "SDPAProgramConfig")
        .def("__init__",
             [](SDPAProgramConfig* self, nb::kwargs kwargs) {
                 new (self) SDPAProgramConfig();
                 self->fields = nb::dict(kwargs);
             })
        .def("__getattr__",
             [](const SDPAProgramConfig& c, const std::string& name) -> nb::object {
                 if (c.fields.contains(name.c_str())) return c.fields[name.c_str()];
                 throw nb::attribute_error(name.c_str());
             })
        .def("__repr__", [](const SDPAProgramConfig& c) {
            std::string s = "SDPAProgramConfig(";
            bool first = true;
            for (auto [k, v] : c.fields) {
                s += (first ? "" : ", ") + std::string(nb::str(k).c_str()) + "=" + nb::repr(v).c_str();
                first = false;
            }
            return s + ")";
        });

    m.def(
        "scaled_dot_product_attention",
        [](const Tensor& q, const Tensor& k, const Tensor& v, const std::optional<Tensor>& attn_mask, bool is_causal,
           std::optional<float> scale, nb::object program_config,
           const std::optional<ops::ComputeKernelConfig>& compute_kernel_config,
           const std::optional<MemoryConfig>& memory_config) {
            if (!program_config.is_none() && !nb::isinstance<SDPAProgramConfig>(program_config)) {
                throw TypeMismatch("ttnn.transformer.scaled_dot_product_attention",
                                   "program_config must be a ttnn.SDPAProgramConfig, got " +
                                       std::string(nb::type_name(program_config.type()).c_str()));
            }
            nb::gil_scoped_release release;
            return ops::scaled_dot_product_attention(q, k, v, attn_mask, is_causal, scale, memory_config,
                                                     compute_kernel_config);
        },
        "input_tensor_q"_a, "input_tensor_k"_a, "input_tensor_v"_a, nb::kw_only(), "attn_mask"_a = nb::none(),
        "is_causal"_a = true, "scale"_a = nb::none(), "program_config"_a = nb::none(),
        "compute_kernel_config"_a = nb::none(), "memory_config"_a = nb::none(), kSdpaDoc);
}

const OpBinder binder("attention", &bind_attention);

}  // namespace

}  // namespace ttnn::python
