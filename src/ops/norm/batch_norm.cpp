// batch_norm on channels-first activations [N, C, ...]: per-channel statistics from the (n, c) rows
// (double two-pass per row, merged over n with Chan's formula) or the running stats, then one pass
// that normalizes each row. Training updates the running stats in their own device buffers.
#include <cmath>
#include <string>

#include "norm_kernels.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/norm.hpp"

namespace ttnn::ops {

using namespace norm;

namespace {

struct Moments {
    double n = 0, mean = 0, m2 = 0;
};

Moments merge(const Moments& a, const Moments& b) {
    if (a.n == 0) return b;
    if (b.n == 0) return a;
    const double n = a.n + b.n, delta = b.mean - a.mean;
    return {n, a.mean + delta * (b.n / n), a.m2 + b.m2 + delta * delta * (a.n * b.n / n)};
}

Moments row_moments(const float* p, std::size_t n) {
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) s += p[i];
    const double mean = n ? s / static_cast<double>(n) : 0.0;
    double m2 = 0.0;
    for (std::size_t i = 0; i < n; ++i) m2 += (p[i] - mean) * (p[i] - mean);
    return {static_cast<double>(n), mean, m2};
}

// The running stat updated in place: r = (1 - momentum) r + momentum v, over its first C values.
void update_running(const Tensor& stat, const std::vector<double>& v, float momentum, std::string_view op) {
    F32Array values = read_f32(stat, op);
    for (std::size_t c = 0; c < v.size(); ++c) {
        values[c] = static_cast<float>((1.0 - momentum) * values[c] + momentum * v[c]);
    }
    write_into(stat, values, op);
}

Tensor batch_norm_device(const Tensor& input, const std::optional<Tensor>& running_mean,
                         const std::optional<Tensor>& running_var, bool training, float eps, float momentum,
                         const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                         const std::optional<Tensor>& output, const std::optional<MemoryConfig>& memory_config) {
    const OpId id = OpId::batch_norm;
    const std::string op = qualified_name(id);
    check_input(id, input, "input");
    const Shape& shape = input.logical_shape();
    if (shape.rank() < 2) throw InvalidArgument(op, "input " + shape.to_string() + " must be [N, C, ...] (NCHW)");
    const std::size_t N = shape[0], C = shape[1];
    const std::size_t L = N != 0 && C != 0 ? shape.volume() / (N * C) : 0;
    if (!training && (!running_mean || !running_var)) {
        throw InvalidArgument(op, "training=False normalizes with running_mean and running_var; give both");
    }
    if (training && N * L <= 1) {
        throw InvalidArgument(op,
                              "training=True needs more than one value per channel, got input " + shape.to_string());
    }
    if (output) {
        check_input(id, *output, "output");
        if (output->logical_shape() != shape) {
            throw InvalidArgument(op, "output has shape " + output->logical_shape().to_string() + ", input " +
                                          shape.to_string() + "; they must match");
        }
    }
    const std::vector<float> gamma = channel_values(weight, C, 1.0f, id, "weight", shape, "channels");
    const std::vector<float> beta = channel_values(bias, C, 0.0f, id, "bias", shape, "channels");
    const std::vector<float> rmean = channel_values(running_mean, C, 0.0f, id, "running_mean", shape, "channels");
    const std::vector<float> rvar = channel_values(running_var, C, 1.0f, id, "running_var", shape, "channels");
    const F32Input x(input, op);
    // With `output`, the result is written into its buffer (rounded to its dtype) at the end.
    std::optional<F32Output> y;
    F32Array scratch;
    if (output) {
        scratch = F32Array(shape);
    } else {
        y.emplace(shape, input.dtype(), input.layout(), output_memory_config(memory_config, input), input, op, &x);
    }
    const float* xp = x.data();
    float* yp = output ? scratch.data() : y->data();
    ThreadPool& pool = pool_of(input);

    std::vector<double> mean(C), var(C), unbiased(C);
    if (training) {
        std::vector<Moments> rows(N * C);
        pool.parallel_for(N * C, std::max<std::size_t>(1, 16384 / std::max<std::size_t>(L, 1)),
                          [&](std::size_t b, std::size_t e) {
                              for (std::size_t r = b; r < e; ++r) rows[r] = row_moments(xp + r * L, L);
                          });
        for (std::size_t c = 0; c < C; ++c) {
            Moments m;
            for (std::size_t n = 0; n < N; ++n) m = merge(m, rows[n * C + c]);
            mean[c] = m.mean;
            var[c] = m.m2 / m.n;
            unbiased[c] = m.m2 / (m.n - 1.0);
        }
    } else {
        for (std::size_t c = 0; c < C; ++c) {
            mean[c] = rmean[c];
            var[c] = rvar[c];
        }
    }
    std::vector<float> mu(C), scale(C);
    for (std::size_t c = 0; c < C; ++c) {
        mu[c] = static_cast<float>(mean[c]);
        scale[c] = static_cast<float>(1.0 / std::sqrt(var[c] + static_cast<double>(eps))) * gamma[c];
    }
    pool.parallel_for(N * C, std::max<std::size_t>(1, 16384 / std::max<std::size_t>(L, 1)),
                      [&](std::size_t b, std::size_t e) {
                          for (std::size_t r = b; r < e; ++r) {
                              const std::size_t c = r % C;
                              const float m = mu[c], a = scale[c], s = beta[c];
                              const float* p = xp + r * L;
                              float* q = yp + r * L;
                              for (std::size_t i = 0; i < L; ++i) q[i] = (p[i] - m) * a + s;
                          }
                      });
    if (training) {
        if (running_mean) update_running(*running_mean, mean, momentum, op);
        if (running_var) update_running(*running_var, unbiased, momentum, op);
    }
    if (output) {
        write_into(*output, scratch, op);
        return *output;
    }
    return y->finish();
}

}  // namespace

Tensor batch_norm(const Tensor& input, const std::optional<Tensor>& running_mean,
                  const std::optional<Tensor>& running_var, bool training, float eps, float momentum,
                  const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                  const std::optional<Tensor>& output, const std::optional<MemoryConfig>& memory_config) {
    return run_with_optionals(
        input, {running_mean, running_var, weight, bias, output},
        [&](const Tensor& x, const std::vector<std::optional<Tensor>>& o) {
            return batch_norm_device(x, o[0], o[1], training, eps, momentum, o[2], o[3], o[4], memory_config);
        },
        "ttnn.batch_norm");
}

}  // namespace ttnn::ops
