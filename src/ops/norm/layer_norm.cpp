// layer_norm and rms_norm over the last dim: one read of each row from memory (plus the residual's),
// then cached passes for the statistics and the output.
#include <cmath>
#include <string>

#include "norm_kernels.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/norm.hpp"

namespace ttnn::ops {

using namespace norm;

namespace {

Tensor norm_last_dim(OpId id, bool rms, const Tensor& input, float epsilon, const std::optional<Tensor>& weight,
                     const std::optional<Tensor>& bias, const std::optional<Tensor>& residual,
                     const std::optional<MemoryConfig>& memory_config) {
    const std::string op = qualified_name(id);
    check_input(id, input, "input_tensor");
    const Shape& shape = input.logical_shape();
    if (shape.rank() == 0) throw InvalidArgument(op, "input_tensor is a scalar; it needs a last dim to normalize");
    const std::size_t width = shape[shape.rank() - 1];
    const std::size_t rows = width ? shape.volume() / width : 0;
    const std::vector<float> gamma =
        channel_values(weight, width, 1.0f, id, "weight", shape, "elements of the last dim");
    const std::vector<float> beta = channel_values(bias, width, 0.0f, id, "bias", shape, "elements of the last dim");
    const F32Input x(input, op);
    F32Output y(shape, input.dtype(), input.layout(), output_memory_config(memory_config, input), input, op, &x);
    std::optional<F32Input> res;
    if (residual) {
        check_input(id, *residual, "residual_input_tensor");
        if (residual->logical_shape() != shape) {
            throw InvalidArgument(op, "residual_input_tensor has shape " + residual->logical_shape().to_string() +
                                          ", input_tensor " + shape.to_string() + "; they must match");
        }
        res.emplace(*residual, op);
    }
    const float* xp = x.data();
    float* yp = y.data();
    const float* rp = res ? res->data() : nullptr;
    const float* g = weight ? gamma.data() : nullptr;
    const float* bt = bias ? beta.data() : nullptr;
    const RowKernels& k = row_kernels();
    const float n = static_cast<float>(width);
    pool_of(input).parallel_for(rows, std::max<std::size_t>(1, 16384 / std::max<std::size_t>(width, 1)),
                                [&](std::size_t b, std::size_t e) {
                                    for (std::size_t row = b; row < e; ++row) {
                                        const float* p = xp + row * width;
                                        float* q = yp + row * width;
                                        if (rp) {  // the residual is added first (float32)
                                            const float* r = rp + row * width;
                                            for (std::size_t i = 0; i < width; ++i) q[i] = p[i] + r[i];
                                            p = q;
                                        }
                                        const float mean = rms ? 0.0f : k.sum(p, width) / n;
                                        const float var = k.sum_sq(p, width, mean) / n;
                                        k.normalize_row(p, q, width, mean, 1.0f / std::sqrt(var + epsilon), g, bt);
                                    }
                                });
    return y.finish();
}

}  // namespace

Tensor layer_norm(const Tensor& input, float epsilon, const std::optional<Tensor>& weight,
                  const std::optional<Tensor>& bias, const std::optional<Tensor>& residual_input_tensor,
                  const std::optional<MemoryConfig>& memory_config,
                  const std::optional<ComputeKernelConfig>& /*compute_kernel_config*/) {
    return run_with_optionals(
        input, {weight, bias, residual_input_tensor},
        [&](const Tensor& x, const std::vector<std::optional<Tensor>>& o) {
            return norm_last_dim(OpId::layer_norm, false, x, epsilon, o[0], o[1], o[2], memory_config);
        },
        "ttnn.layer_norm");
}

Tensor rms_norm(const Tensor& input, float epsilon, const std::optional<Tensor>& weight,
                const std::optional<Tensor>& bias, const std::optional<Tensor>& residual_input_tensor,
                const std::optional<MemoryConfig>& memory_config,
                const std::optional<ComputeKernelConfig>& /*compute_kernel_config*/) {
    return run_with_optionals(
        input, {weight, bias, residual_input_tensor},
        [&](const Tensor& x, const std::vector<std::optional<Tensor>>& o) {
            return norm_last_dim(OpId::rms_norm, true, x, epsilon, o[0], o[1], o[2], memory_config);
        },
        "ttnn.rms_norm");
}

}  // namespace ttnn::ops
