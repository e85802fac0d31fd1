// group_norm on channels-last activations: one pass for per-channel shifted sums (double, vectorized
// across channels, split over spatial segments), per-group statistics from those, then one pass
// that normalizes each [C] row in place.
#include <cmath>
#include <string>

#include "norm_kernels.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/norm.hpp"

namespace ttnn::ops {

using namespace norm;

namespace {

Tensor group_norm_device(const Tensor& input, std::int64_t num_groups, float epsilon,
                         const std::optional<Tensor>& input_mask, const std::optional<Tensor>& weight,
                         const std::optional<Tensor>& bias, const std::optional<MemoryConfig>& memory_config,
                         std::optional<Layout> output_layout) {
    const OpId id = OpId::group_norm;
    const std::string op = qualified_name(id);
    check_input(id, input, "input_tensor");
    const Shape& shape = input.logical_shape();
    if (shape.rank() < 2) {
        throw InvalidArgument(
            op, "input_tensor " + shape.to_string() + " must be channels-last [N, 1, H*W, C] or [N, H, W, C]");
    }
    const std::size_t N = shape[0], C = shape[shape.rank() - 1];
    const std::size_t HW = N != 0 && C != 0 ? shape.volume() / (N * C) : 0;
    if (num_groups < 1 || C % static_cast<std::size_t>(num_groups) != 0) {
        throw InvalidArgument(op, "num_groups=" + std::to_string(num_groups) + " does not divide the " +
                                      std::to_string(C) + " channels of input_tensor " + shape.to_string());
    }
    if (input_mask) check_input(id, *input_mask, "input_mask");
    const std::size_t G = static_cast<std::size_t>(num_groups), Cg = C / G;
    const std::vector<float> gamma = channel_values(weight, C, 1.0f, id, "weight", shape, "channels");
    const std::vector<float> beta = channel_values(bias, C, 0.0f, id, "bias", shape, "channels");
    const Layout layout = output_layout.value_or(input.layout());
    const F32Input x(input, op);
    F32Output y(shape, input.dtype(), layout, output_memory_config(memory_config, input), input, op, &x);
    if (shape.volume() == 0) return y.finish();
    const float* xp = x.data();
    float* yp = y.data();
    ThreadPool& pool = pool_of(input);

    // Per (sample, segment, channel): sums of d and d^2, d = x - x[sample, 0, channel].
    const std::size_t wanted = 4 * pool.num_threads();
    std::size_t S = N >= wanted ? 1 : (wanted + N - 1) / std::max<std::size_t>(N, 1);
    S = std::max<std::size_t>(1, std::min(S, HW / 64));
    const std::size_t seg = HW ? (HW + S - 1) / S : 0;
    std::vector<double> sums(N * S * 2 * C, 0.0);
    pool.parallel_for(N * S, 1, [&](std::size_t b, std::size_t e) {
        for (std::size_t item = b; item < e; ++item) {
            const std::size_t n = item / S, s = item % S;
            const std::size_t r0 = std::min(HW, s * seg), r1 = std::min(HW, r0 + seg);
            const float* shift = xp + n * HW * C;
            double* s1 = sums.data() + item * 2 * C;
            double* s2 = s1 + C;
            for (std::size_t r = r0; r < r1; ++r) {
                const float* row = shift + r * C;
                for (std::size_t c = 0; c < C; ++c) {
                    const double d = static_cast<double>(row[c]) - shift[c];
                    s1[c] += d;
                    s2[c] += d * d;
                }
            }
        }
    });
    // Per (sample, channel): the group's mean, and scale = rstd * gamma.
    std::vector<float> mean(N * C), scale(N * C);
    const double hw = static_cast<double>(HW);
    for (std::size_t n = 0; n < N; ++n) {
        for (std::size_t g = 0; g < G; ++g) {
            std::vector<double> cmean(Cg), cm2(Cg);
            double gmean = 0.0;
            for (std::size_t k = 0; k < Cg; ++k) {
                const std::size_t c = g * Cg + k;
                double s1 = 0.0, s2 = 0.0;
                for (std::size_t s = 0; s < S; ++s) {
                    s1 += sums[(n * S + s) * 2 * C + c];
                    s2 += sums[(n * S + s) * 2 * C + C + c];
                }
                cmean[k] = xp[n * HW * C + c] + s1 / hw;
                cm2[k] = std::max(0.0, s2 - s1 * s1 / hw);
                gmean += cmean[k];
            }
            gmean /= static_cast<double>(Cg);
            double m2 = 0.0;
            for (std::size_t k = 0; k < Cg; ++k) m2 += cm2[k] + hw * (cmean[k] - gmean) * (cmean[k] - gmean);
            const double rstd = 1.0 / std::sqrt(m2 / (hw * static_cast<double>(Cg)) + static_cast<double>(epsilon));
            for (std::size_t k = 0; k < Cg; ++k) {
                const std::size_t c = g * Cg + k;
                mean[n * C + c] = static_cast<float>(gmean);
                scale[n * C + c] = static_cast<float>(rstd) * gamma[c];
            }
        }
    }
    pool.parallel_for(N * HW, std::max<std::size_t>(1, 16384 / std::max<std::size_t>(C, 1)),
                      [&](std::size_t b, std::size_t e) {
                          for (std::size_t row = b; row < e; ++row) {
                              const std::size_t n = row / HW;
                              const float* mu = mean.data() + n * C;
                              const float* a = scale.data() + n * C;
                              const float* p = xp + row * C;
                              float* q = yp + row * C;
                              for (std::size_t c = 0; c < C; ++c) q[c] = (p[c] - mu[c]) * a[c] + beta[c];
                          }
                      });
    return y.finish();
}

}  // namespace

Tensor group_norm(const Tensor& input, std::int64_t num_groups, float epsilon, const std::optional<Tensor>& input_mask,
                  const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                  const std::optional<MemoryConfig>& memory_config, std::optional<Layout> output_layout) {
    return run_with_optionals(
        input, {input_mask, weight, bias},
        [&](const Tensor& x, const std::vector<std::optional<Tensor>>& o) {
            return group_norm_device(x, num_groups, epsilon, o[0], o[1], o[2], memory_config, output_layout);
        },
        "ttnn.group_norm");
}

}  // namespace ttnn::ops
