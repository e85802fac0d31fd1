// Operand masking for math-fidelity emulation (see fidelity.hpp).
#include "fidelity.hpp"

#include <cstring>

namespace ttnn::ops::conv_detail {

namespace {
constexpr std::uint32_t kTf32 = 0xFFFFE000u;      // 10 mantissa bits
constexpr std::uint32_t kBf16 = 0xFFFF0000u;      // 7 mantissa bits (truncated)
constexpr std::uint32_t kSrcBHi = 0xFFFE0000u;    // hidden + 6 mantissa bits
constexpr std::uint32_t kSrcAHi = 0xFFF80000u;    // hidden + 4 mantissa bits
constexpr std::uint32_t kSrcAFull = 0xFFFFC000u;  // SrcA never uses the last TF32 bit
constexpr std::size_t kGrain = 1 << 16;

std::uint32_t register_mask(bool is_fp32, bool fp32_dest_acc) {
    if (!is_fp32) return kKeepAll;
    return fp32_dest_acc ? kTf32 : kBf16;
}
}  // namespace

std::vector<FidelityTerm> fidelity_terms(MathFidelity fidelity) {
    using P = OperandPart;
    switch (fidelity) {
        case MathFidelity::LoFi: return {{P::HI, P::HI}};
        case MathFidelity::HiFi2: return {{P::HI, P::FULL}};
        case MathFidelity::HiFi3: return {{P::HI, P::FULL}, {P::LO, P::HI}};
        case MathFidelity::HiFi4: break;
    }
    return {{P::FULL, P::FULL}};
}

OperandMasks operand_masks(bool activation_is_fp32, bool weight_is_fp32, bool fp32_dest_acc) {
    OperandMasks m;
    m.activation_full = register_mask(activation_is_fp32, fp32_dest_acc);
    m.activation_hi = m.activation_full & kSrcBHi;
    m.weight_full = register_mask(weight_is_fp32, fp32_dest_acc) & kSrcAFull;
    m.weight_hi = m.weight_full & kSrcAHi;
    return m;
}

void apply_mask(const float* in, float* out, std::size_t n, std::uint32_t mask, ThreadPool& pool) {
    if (mask == kKeepAll) {
        if (in != out) std::memcpy(out, in, n * sizeof(float));
        return;
    }
    pool.parallel_for(n, kGrain, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            std::uint32_t u;
            std::memcpy(&u, in + i, 4);
            u &= mask;
            std::memcpy(out + i, &u, 4);
        }
    });
}

void low_part(const float* x, const float* hi, float* lo, std::size_t n, ThreadPool& pool) {
    pool.parallel_for(n, kGrain, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) lo[i] = x[i] - hi[i];
    });
}

}  // namespace ttnn::ops::conv_detail
