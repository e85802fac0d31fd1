// The float32 math of the unary ops, one functor each, shared by the ops and by the fused
// `activations` of binary ops. NaN propagates as in torch (relu(NaN) = NaN, sign(NaN) = 0).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ttnn::ops::eltwise::fn {

inline float relu(float v) { return std::max(v, 0.0f); }
inline float relu6(float v) { return std::min(std::max(v, 0.0f), 6.0f); }
inline float sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }
inline float gelu(float v) { return 0.5f * v * (1.0f + std::erf(v * 0.70710678118654752f)); }
inline float gelu_tanh(float v) {
    return 0.5f * v * (1.0f + std::tanh(0.79788456080286536f * (v + 0.044715f * v * v * v)));
}
inline float silu(float v) { return v / (1.0f + std::exp(-v)); }
inline float hardsigmoid(float v) { return std::min(std::max(v + 3.0f, 0.0f), 6.0f) / 6.0f; }
inline float hardswish(float v) { return v * std::min(std::max(v + 3.0f, 0.0f), 6.0f) / 6.0f; }
inline float softplus(float v, float beta, float threshold) {
    const float bv = beta * v;
    return bv > threshold ? v : std::log1p(std::exp(bv)) / beta;
}
inline float mish(float v) { return v * std::tanh(softplus(v, 1.0f, 20.0f)); }
inline float softsign(float v) { return v / (1.0f + std::fabs(v)); }
inline float leaky_relu(float v, float slope) { return v > 0.0f ? v : v * slope; }
inline float elu(float v, float alpha) { return v > 0.0f ? v : alpha * std::expm1(v); }
inline float celu(float v, float alpha) {
    return std::max(0.0f, v) + std::min(0.0f, alpha * std::expm1(v / alpha));
}
inline float hardtanh(float v, float lo, float hi) {
    const float r = v < lo ? lo : v;
    return r > hi ? hi : r;
}
inline float sign(float v) { return static_cast<float>((v > 0.0f) - (v < 0.0f)); }
inline float flag(bool b) { return b ? 1.0f : 0.0f; }

// torch.round(x, decimals): half to even at the decimal position, computed in float32.
inline float round_decimals(float v, std::int64_t decimals, float ten_pow) {
    if (decimals == 0) return std::nearbyint(v);
    return decimals > 0 ? std::nearbyint(v * ten_pow) / ten_pow : std::nearbyint(v / ten_pow) * ten_pow;
}

}  // namespace ttnn::ops::eltwise::fn
