// The float-only unary ops (exp ... isfinite): float32 math in one storage-order pass on the
// device's threads, rounded to the input's dtype. Also the by-name table behind `activations`.
#include <array>
#include <cctype>
#include <cstring>
#include <string>

#include "../matmul/gemm.hpp"  // the vectorized activations of the GEMM epilogue, reused here
#include "eltwise_common.hpp"
#include "storage_order.hpp"
#include "ttnn/core/error.hpp"
#include "unary_functors.hpp"

namespace ttnn::ops {

namespace {

namespace fn = eltwise::fn;

// Float inputs always run in storage order: one pass from the input buffer to the output's.
template <class F>
Tensor unary_f32(OpId id, const Tensor& input, const OptMemoryConfig& memory_config, const F& f) {
    const std::string op = qualified_name(id);
    if (is_mesh_tensor(input)) {
        return for_each_device(
            std::span<const Tensor>(&input, 1),
            [&](std::span<const Tensor> s) { return unary_f32(id, s[0], memory_config, f); }, op);
    }
    check_input(id, input, "input_tensor");
    const std::array<Operand, 1> operands{input};
    return eltwise::run_storage_order<1>(operands, input, input.logical_shape(), input.dtype(), input.layout(),
                                         output_memory_config(memory_config, input), f, {}, op);
}

// An activation with a vectorized block form: the GEMM epilogue's AVX2 kernel (run-time dispatch,
// portable fallback) over each staged block; the scalar form serves the broadcast paths.
struct VectorActivation {
    gemm::Activation activation;
    float (*scalar)(float);
    float operator()(float v) const { return scalar(v); }
    void block(const float* in, float* out, std::size_t n) const {
        if (in != out) std::memcpy(out, in, n * sizeof(float));
        gemm::apply_epilogue(out, 1, n, n, gemm::Epilogue{nullptr, activation});
    }
};

}  // namespace

#define TTNN_UNARY_VEC(name, activation, expr)                                                                 \
    Tensor name(const Tensor& input_tensor, const OptMemoryConfig& memory_config) {                            \
        return unary_f32(OpId::name, input_tensor, memory_config,                                              \
                         VectorActivation{gemm::Activation::activation, [](float v) { return expr; }});        \
    }
#define TTNN_UNARY(name, expr)                                                           \
    Tensor name(const Tensor& input_tensor, const OptMemoryConfig& memory_config) {      \
        return unary_f32(OpId::name, input_tensor, memory_config, [](float v) { return expr; }); \
    }
#define TTNN_UNARY_FAST(name, expr)                                                                      \
    Tensor name(const Tensor& input_tensor, bool fast_and_approximate_mode, const OptMemoryConfig& memory_config) { \
        return unary_f32(OpId::name, input_tensor, memory_config, [](float v) { return expr; });         \
    }

TTNN_UNARY(exp2, std::exp2(v))
TTNN_UNARY(expm1, std::expm1(v))
TTNN_UNARY(log2, std::log2(v))
TTNN_UNARY(log10, std::log10(v))
TTNN_UNARY(log1p, std::log1p(v))
TTNN_UNARY(square, v * v)
TTNN_UNARY(reciprocal, 1.0f / v)
TTNN_UNARY(relu, fn::relu(v))
TTNN_UNARY(relu6, fn::relu6(v))
TTNN_UNARY_VEC(silu, SILU, fn::silu(v))
TTNN_UNARY_VEC(tanh, TANH, std::tanh(v))
TTNN_UNARY(hardswish, fn::hardswish(v))
TTNN_UNARY(hardsigmoid, fn::hardsigmoid(v))
TTNN_UNARY(mish, fn::mish(v))
TTNN_UNARY(softsign, fn::softsign(v))
TTNN_UNARY(floor, std::floor(v))
TTNN_UNARY(ceil, std::ceil(v))
TTNN_UNARY(trunc, std::trunc(v))
TTNN_UNARY(sin, std::sin(v))
TTNN_UNARY(cos, std::cos(v))
TTNN_UNARY(tan, std::tan(v))
TTNN_UNARY(asin, std::asin(v))
TTNN_UNARY(acos, std::acos(v))
TTNN_UNARY(atan, std::atan(v))
TTNN_UNARY(sinh, std::sinh(v))
TTNN_UNARY(cosh, std::cosh(v))
TTNN_UNARY(isnan, fn::flag(std::isnan(v)))
TTNN_UNARY(isinf, fn::flag(std::isinf(v)))
TTNN_UNARY(isfinite, fn::flag(std::isfinite(v)))

Tensor exp(const Tensor& input_tensor, bool /*fast_and_approximate_mode*/, const OptMemoryConfig& memory_config) {
    return unary_f32(OpId::exp, input_tensor, memory_config,
                     VectorActivation{gemm::Activation::EXP, [](float v) { return std::exp(v); }});
}
TTNN_UNARY_FAST(log, std::log(v))
TTNN_UNARY_FAST(sqrt, std::sqrt(v))
TTNN_UNARY_FAST(rsqrt, 1.0f / std::sqrt(v))
Tensor sigmoid(const Tensor& input_tensor, bool /*fast_and_approximate_mode*/, const OptMemoryConfig& memory_config) {
    return unary_f32(OpId::sigmoid, input_tensor, memory_config,
                     VectorActivation{gemm::Activation::SIGMOID, [](float v) { return fn::sigmoid(v); }});
}
TTNN_UNARY_FAST(erf, std::erf(v))
TTNN_UNARY_FAST(erfc, std::erfc(v))
#undef TTNN_UNARY
#undef TTNN_UNARY_VEC
#undef TTNN_UNARY_FAST

Tensor gelu(const Tensor& input_tensor, bool fast_and_approximate_mode, const OptMemoryConfig& memory_config) {
    if (fast_and_approximate_mode)
        return unary_f32(OpId::gelu, input_tensor, memory_config,
                         VectorActivation{gemm::Activation::GELU_TANH, [](float v) { return fn::gelu_tanh(v); }});
    return unary_f32(OpId::gelu, input_tensor, memory_config,
                     VectorActivation{gemm::Activation::GELU, [](float v) { return fn::gelu(v); }});
}

Tensor hardtanh(const Tensor& input_tensor, float min_val, float max_val, const OptMemoryConfig& memory_config) {
    return unary_f32(OpId::hardtanh, input_tensor, memory_config,
                     [=](float v) { return fn::hardtanh(v, min_val, max_val); });
}

Tensor leaky_relu(const Tensor& input_tensor, float negative_slope, const OptMemoryConfig& memory_config) {
    return unary_f32(OpId::leaky_relu, input_tensor, memory_config,
                     [=](float v) { return fn::leaky_relu(v, negative_slope); });
}

Tensor elu(const Tensor& input_tensor, float alpha, const OptMemoryConfig& memory_config) {
    return unary_f32(OpId::elu, input_tensor, memory_config, [=](float v) { return fn::elu(v, alpha); });
}

Tensor selu(const Tensor& input_tensor, float scale, float alpha, const OptMemoryConfig& memory_config) {
    return unary_f32(OpId::selu, input_tensor, memory_config, [=](float v) { return scale * fn::elu(v, alpha); });
}

Tensor celu(const Tensor& input_tensor, float alpha, const OptMemoryConfig& memory_config) {
    if (alpha == 0.0f) throw InvalidArgument("ttnn.celu", "alpha=0 divides by zero; pass a nonzero alpha");
    return unary_f32(OpId::celu, input_tensor, memory_config, [=](float v) { return fn::celu(v, alpha); });
}

Tensor softplus(const Tensor& input_tensor, float beta, float threshold, const OptMemoryConfig& memory_config) {
    if (beta == 0.0f) throw InvalidArgument("ttnn.softplus", "beta=0 divides by zero; pass a nonzero beta");
    return unary_f32(OpId::softplus, input_tensor, memory_config,
                     [=](float v) { return fn::softplus(v, beta, threshold); });
}

Tensor round(const Tensor& input_tensor, std::int64_t decimals, const OptMemoryConfig& memory_config) {
    if (decimals < -38 || decimals > 38) {
        throw InvalidArgument("ttnn.round", "decimals=" + std::to_string(decimals) + " is out of range [-38, 38]");
    }
    const auto ten_pow = static_cast<float>(std::pow(10.0, static_cast<double>(decimals < 0 ? -decimals : decimals)));
    return unary_f32(OpId::round, input_tensor, memory_config,
                     [=](float v) { return fn::round_decimals(v, decimals, ten_pow); });
}

namespace eltwise {
std::function<void(float*, std::size_t)> resolve_activation(const UnaryWithParam& activation, std::string_view op) {
    std::string name = activation.op;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name.rfind("unaryoptype.", 0) == 0) name = name.substr(12);
    const auto& p = activation.params;
    const auto param = [&](std::size_t i, float fallback) { return i < p.size() ? p[i] : fallback; };
    using Fn = std::function<void(float*, std::size_t)>;
    const auto run = [](auto f) -> Fn {
        return [f](float* v, std::size_t n) {
            for (std::size_t i = 0; i < n; ++i) v[i] = f(v[i]);
        };
    };
    if (name == "relu") return run(fn::relu);
    if (name == "relu6") return run(fn::relu6);
    if (name == "relu_max") return run([m = param(0, 0.0f)](float v) { return std::min(fn::relu(v), m); });
    if (name == "relu_min") return run([m = param(0, 0.0f)](float v) { return std::max(v, m); });
    if (name == "gelu") return param(0, 0.0f) != 0.0f ? run(fn::gelu_tanh) : run(fn::gelu);
    if (name == "silu" || name == "swish") return run(fn::silu);
    if (name == "sigmoid") return run(fn::sigmoid);
    if (name == "hardsigmoid") return run(fn::hardsigmoid);
    if (name == "hardswish") return run(fn::hardswish);
    if (name == "tanh") return run([](float v) { return std::tanh(v); });
    if (name == "exp") return run([](float v) { return std::exp(v); });
    if (name == "log") return run([](float v) { return std::log(v); });
    if (name == "sqrt") return run([](float v) { return std::sqrt(v); });
    if (name == "rsqrt") return run([](float v) { return 1.0f / std::sqrt(v); });
    if (name == "square") return run([](float v) { return v * v; });
    if (name == "recip" || name == "reciprocal") return run([](float v) { return 1.0f / v; });
    if (name == "abs") return run([](float v) { return std::fabs(v); });
    if (name == "neg") return run([](float v) { return -v; });
    if (name == "sign") return run(fn::sign);
    if (name == "erf") return run([](float v) { return std::erf(v); });
    if (name == "mish") return run(fn::mish);
    if (name == "softsign") return run(fn::softsign);
    if (name == "leaky_relu") return run([s = param(0, 0.01f)](float v) { return fn::leaky_relu(v, s); });
    if (name == "elu") return run([a = param(0, 1.0f)](float v) { return fn::elu(v, a); });
    if (name == "softplus") {
        return run([b = param(0, 1.0f), t = param(1, 20.0f)](float v) { return fn::softplus(v, b, t); });
    }
    if (name == "hardtanh") {
        return run([lo = param(0, -1.0f), hi = param(1, 1.0f)](float v) { return fn::hardtanh(v, lo, hi); });
    }
    throw InvalidArgument(op, "unsupported activation '" + activation.op +
                                  "'; supported: relu, relu6, relu_max, relu_min, gelu, silu, sigmoid, hardsigmoid, "
                                  "hardswish, tanh, exp, log, sqrt, rsqrt, square, recip, abs, neg, sign, erf, mish, "
                                  "softsign, leaky_relu, elu, softplus, hardtanh");
}
}  // namespace eltwise

}  // namespace ttnn::ops
