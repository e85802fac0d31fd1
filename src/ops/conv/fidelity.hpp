// The matrix engine's operand precision and math fidelity for convolutions (shared/NUMERICS.md,
// tt-metal's tech_reports/matrix_engine). The same engine model as matmul's
// (src/ops/matmul/fidelity.cpp, which include/ttnn/ops/matmul.hpp does not expose), kept bit for
// bit identical so that a convolution and the equivalent matmul agree:
//  * activations feed SrcB, weights SrcA;
//  * a register holds at most TF32: an fp32 operand is truncated to 10 mantissa bits when
//    fp32_dest_acc_en, else to bf16's 7; bf16 and block floats are exact;
//  * per phase the multiplier takes hidden + 6 mantissa bits of SrcB and hidden + 4 of SrcA; SrcA's
//    low part is the next 5 bits (its last TF32 bit is never used), SrcB's the remaining 4;
//  * LoFi  = x_hi * w_hi     HiFi2 = x_hi * w     HiFi3 = x_hi * w + x_lo * w_hi     HiFi4 = x * w.
// Every part is an exact fp32 value and every product fits fp32's significand, so the host runs a
// fidelity as one fp32 convolution on masked operands (two for HiFi3), accumulating in fp32.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ttnn/core/math_fidelity.hpp"
#include "ttnn/core/thread_pool.hpp"

namespace ttnn::ops::conv_detail {

inline constexpr std::uint32_t kKeepAll = 0xFFFFFFFFu;

enum class OperandPart { FULL, HI, LO };

// One fp32 convolution of the emulation; the terms are summed.
struct FidelityTerm {
    OperandPart activation = OperandPart::FULL;
    OperandPart weight = OperandPart::FULL;
};

// Masks on float32 bit patterns (sign and exponent always kept).
struct OperandMasks {
    std::uint32_t activation_full = kKeepAll, activation_hi = kKeepAll;
    std::uint32_t weight_full = kKeepAll, weight_hi = kKeepAll;
};

std::vector<FidelityTerm> fidelity_terms(MathFidelity fidelity);
OperandMasks operand_masks(bool activation_is_fp32, bool weight_is_fp32, bool fp32_dest_acc);

// out[i] = in[i] with the bits outside `mask` cleared (in place is fine); runs on `pool`.
void apply_mask(const float* in, float* out, std::size_t n, std::uint32_t mask, ThreadPool& pool);
// lo[i] = x[i] - hi[i] (exact: hi holds the leading bits of x). lo may alias x.
void low_part(const float* x, const float* hi, float* lo, std::size_t n, ThreadPool& pool);

}  // namespace ttnn::ops::conv_detail
