// Helpers shared by the norm ops: per-channel parameters, optional tensors on meshes, in-place writes.
#include <cstdlib>
#include <cstring>
#include <string>

#include "norm_kernels.hpp"
#include "ttnn/core/cpu_features.hpp"
#include "ttnn/core/error.hpp"

namespace ttnn::ops::norm {

// AVX2 + FMA kernels when the CPU has them; TTNN_ISA=generic forces the baseline ones, as for the
// conversion kernels.
const RowKernels& row_kernels() {
    return use_avx2_kernels() ? avx2_row_kernels() : generic_row_kernels();
}

std::vector<float> channel_values(const std::optional<Tensor>& tensor, std::size_t channels, float fill, OpId id,
                                  std::string_view arg, const Shape& input_shape, std::string_view what) {
    if (!tensor) return std::vector<float>(channels, fill);
    check_input(id, *tensor, arg);
    const Shape& shape = tensor->logical_shape();
    const std::size_t rank = shape.rank();
    std::size_t non_unit = 0;
    for (std::size_t d = 0; d < rank; ++d) non_unit += shape[d] != 1;
    bool ok = shape.volume() == channels && non_unit <= 1;
    if (!ok && rank >= 1 && shape[rank - 1] == 32) {  // TT-NN's [1, ..., K, 32] row-major packing
        const std::size_t k = rank >= 2 ? shape[rank - 2] : 1;
        ok = k * 32 >= channels && shape.volume() == k * 32;
    }
    const std::string op = qualified_name(id);
    if (!ok) {
        throw InvalidArgument(op, std::string(arg) + " has shape " + shape.to_string() + ", which does not match the " +
                                      std::to_string(channels) + " " + std::string(what) + " of input_tensor " +
                                      input_shape.to_string() + "; expected [" + std::to_string(channels) +
                                      "] (or that many values along one dim, or TT-NN's [..., K, 32] packing)");
    }
    F32Array values = read_f32(*tensor, op);
    return std::vector<float>(values.data(), values.data() + channels);
}

bool any_mesh(const Tensor& input, const std::vector<std::optional<Tensor>>& optionals) {
    if (is_mesh_tensor(input)) return true;
    for (const auto& t : optionals) {
        if (t && is_mesh_tensor(*t)) return true;
    }
    return false;
}

Tensor run_with_optionals(const Tensor& input, const std::vector<std::optional<Tensor>>& optionals,
                          const WithOptionals& f, std::string_view op) {
    if (!any_mesh(input, optionals)) return f(input, optionals);
    std::vector<Tensor> inputs{input};
    std::vector<std::size_t> slot(optionals.size(), 0);  // 0: absent, else its index in inputs
    for (std::size_t k = 0; k < optionals.size(); ++k) {
        if (!optionals[k]) continue;
        slot[k] = inputs.size();
        inputs.push_back(*optionals[k]);
    }
    return for_each_device(
        inputs,
        [&](std::span<const Tensor> s) {
            std::vector<std::optional<Tensor>> per_device(optionals.size());
            for (std::size_t k = 0; k < optionals.size(); ++k) {
                if (slot[k]) per_device[k] = s[slot[k]];
            }
            return f(s[0], per_device);
        },
        op);
}

void write_into(const Tensor& dst, const F32Array& values, std::string_view op) {
    const Tensor rounded = make_output(values, dst.dtype(), dst.layout(), dst.memory_config(), dst.device(), op);
    const std::size_t bytes = rounded.spec().storage_bytes();
    if (dst.shard(0)->size() < bytes) {
        throw InvalidArgument(op, "cannot write " + rounded.spec().to_string() + " into " + dst.spec().to_string());
    }
    std::memcpy(dst.shard_data(0, op), rounded.shard_data(0, op), bytes);
}

}  // namespace ttnn::ops::norm
