// The matrix engine's numerics, emulated with masks on the operands (faithful mode).
//
// Sources: the Wormhole ISA notes on SrcA/SrcB fidelity phases and MVMUL (the functional model's
// SrcAFidelityBits / SrcBFidelityBits), tt-metal's tech_reports/matrix_engine/matrix_engine.md, the
// LLK matmul unpacker ("In0/InA -> srcB, In1/InB -> srcA") and tt-metal's jit_build genfiles.cpp
// (which format fp32 inputs are unpacked to).
//
//  * in0 = input_tensor_a (activations) goes to SrcB, in1 = input_tensor_b (weights) to SrcA.
//  * Registers hold at most TF32: an fp32 operand is unpacked to TF32 (mantissa truncated to 10
//    bits) when fp32_dest_acc_en, else to bf16 (truncated to 7 bits). bf16 and block floats are exact.
//  * The multiplier takes 7 bits of SrcB (hidden bit + 6 mantissa bits) and 5 of SrcA (hidden bit + 4)
//    per phase:  phase 0: A_hi x B_hi,  phase 1: A_lo x B_hi,  phase 2: A_hi x B_lo,  phase 3: A_lo x B_lo,
//    where SrcA's lo part is the next 3 (bf16) or 5 (TF32) mantissa bits, the last TF32 bit of SrcA
//    is never used, and SrcB's lo part is the remaining 1 (bf16) or 4 (TF32) bits.
//    LoFi runs phase 0, HiFi2 phases 0-1, HiFi3 0-2, HiFi4 all four.
//  * With w = weights (SrcA) and x = activations (SrcB), every phase product is exact in fp32, so:
//        LoFi  = x_hi @ w_hi                HiFi2 = x_hi @ w
//        HiFi3 = x_hi @ w + x_lo @ w_hi     HiFi4 = x @ w           (x, w as the registers hold them)
//    one fp32 GEMM each, two for HiFi3.
//  * fp32_dest_acc_en=False: the destination register is bf16 and every MVMUL's 16-term partial sum is
//    added into it with rounding. Emulation rule: the running sum is rounded to bf16 (nearest-even)
//    after every 32-wide K tile, each tile's products (all phases) summed in fp32 first. (The device
//    rounds after every 16-wide step and every phase, so this is slightly more accurate than it.)
#include <cstring>

#include "gemm.hpp"

namespace ttnn::ops::gemm {

namespace {

// Masks on float32 bit patterns (sign and exponent always kept).
constexpr std::uint32_t kAll = 0xFFFFFFFFu;
constexpr std::uint32_t kTf32 = 0xFFFFE000u;       // 10 mantissa bits
constexpr std::uint32_t kBf16 = 0xFFFF0000u;       // 7 mantissa bits
constexpr std::uint32_t kSrcBHi = 0xFFFE0000u;     // SrcB phase 0/1: hidden + 6 mantissa bits
constexpr std::uint32_t kSrcAHi = 0xFFF80000u;     // SrcA phase 0/2: hidden + 4 mantissa bits
constexpr std::uint32_t kSrcAFull = 0xFFFFC000u;   // SrcA: the last TF32 mantissa bit is never used

// What the unpacker leaves of an operand of this dtype (bf16 and block floats fit in 7 bits).
std::uint32_t register_mask(bool is_fp32, bool fp32_dest_acc) {
    if (!is_fp32) return kAll;
    return fp32_dest_acc ? kTf32 : kBf16;
}

void mask_span(float* x, std::size_t n, std::uint32_t mask) {
    if (mask == kAll) return;
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t u;
        std::memcpy(&u, x + i, 4);
        u &= mask;
        std::memcpy(x + i, &u, 4);
    }
}

// lo = x - (x & hi_mask), exactly; then x &= hi_mask.
void split_span(float* x, float* lo, std::size_t n, std::uint32_t hi_mask) {
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t u;
        std::memcpy(&u, x + i, 4);
        u &= hi_mask;
        float hi;
        std::memcpy(&hi, &u, 4);
        lo[i] = x[i] - hi;
        x[i] = hi;
    }
}

void copy_masked(const float* x, float* out, std::size_t n, std::uint32_t mask) {
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t u;
        std::memcpy(&u, x + i, 4);
        u &= mask;
        std::memcpy(out + i, &u, 4);
    }
}

template <class Fn>
void parallel(ThreadPool& pool, std::size_t n, Fn&& fn) {
    pool.parallel_for(n, 1 << 16, [&](std::size_t b, std::size_t e) { fn(b, e); });
}

// A mask that keeps every bit a bf16 value has changes nothing on a non-fp32 operand.
bool noop_on(std::uint32_t mask, bool is_fp32) { return mask == kAll || (!is_fp32 && (mask | 0x0000FFFFu) == kAll); }

}  // namespace

ComputeKernelConfig default_matmul_config(DataType a, DataType b, DataType output, bool user_grid_or_program) {
    const bool both_block_float = is_block_float(a) && is_block_float(b);
    ComputeKernelConfig c;
    c.math_fidelity = (!user_grid_or_program && !both_block_float) ? MathFidelity::HiFi2 : MathFidelity::LoFi;
    if (a == DataType::FLOAT32 && b == DataType::FLOAT32) c.math_fidelity = MathFidelity::HiFi4;
    c.math_approx_mode = false;
    c.fp32_dest_acc_en = output == DataType::FLOAT32;
    c.packer_l1_acc = output != DataType::FLOAT32;
    return c;
}

ComputeKernelConfig default_sdpa_config() {
    ComputeKernelConfig c;
    c.math_fidelity = MathFidelity::HiFi2;
    c.math_approx_mode = true;
    c.fp32_dest_acc_en = false;
    c.packer_l1_acc = false;
    return c;
}

FidelityMasks fidelity_masks(const ComputeKernelConfig& config, bool a_is_fp32, bool b_is_fp32) {
    FidelityMasks m;
    m.a_full = register_mask(a_is_fp32, config.fp32_dest_acc_en);
    const std::uint32_t b_full = register_mask(b_is_fp32, config.fp32_dest_acc_en) & kSrcAFull;
    m.a_hi = m.a_full & kSrcBHi;
    m.b_hi = b_full & kSrcAHi;
    switch (config.math_fidelity) {
        case MathFidelity::LoFi: m.a = m.a_hi, m.b = m.b_hi; break;
        case MathFidelity::HiFi2: m.a = m.a_hi, m.b = b_full; break;
        case MathFidelity::HiFi3: m.a = m.a_hi, m.b = b_full, m.two_terms = true; break;
        case MathFidelity::HiFi4: m.a = m.a_full, m.b = b_full; break;
    }
    return m;
}

bool mask_changes(std::uint32_t mask, bool is_fp32) { return !noop_on(mask, is_fp32); }

void mask_a(float* a, std::size_t n, const FidelityMasks& m, float* a_lo) {
    if (!m.two_terms) {
        mask_span(a, n, m.a);
        return;
    }
    mask_span(a, n, m.a_full);
    split_span(a, a_lo, n, m.a_hi);
}

void mask_b(float* b, std::size_t n, const FidelityMasks& m, float* b_hi) {
    mask_span(b, n, m.b);
    if (m.two_terms) copy_masked(b, b_hi, n, m.b_hi);
}

Prepared prepare_operands(F32Array& a, DataType a_dtype, F32Array& b, DataType b_dtype,
                          const ComputeKernelConfig& config, ThreadPool& pool, bool b_premasked) {
    const bool a_fp32 = a_dtype == DataType::FLOAT32, b_fp32 = b_dtype == DataType::FLOAT32;
    const FidelityMasks m = fidelity_masks(config, a_fp32, b_fp32);
    Prepared out;
    out.bf16_accumulate = !config.fp32_dest_acc_en;
    float* alp = nullptr;
    float* bhp = nullptr;
    if (m.two_terms) {
        out.scratch.emplace_back(a.shape());
        out.scratch.emplace_back(b.shape());
        alp = out.scratch[0].data();
        bhp = out.scratch[1].data();
    }
    // Passes that change nothing (e.g. bf16 operands at HiFi4) are skipped; the others write into
    // the operands, so an operand that aliases a tensor's storage is copied first.
    const bool mask_a_pass = m.two_terms || !noop_on(m.a, a_fp32);
    const bool mask_b_pass = !b_premasked && (m.two_terms || !noop_on(m.b, b_fp32));
    if (mask_a_pass) a.make_private();
    if (mask_b_pass) b.make_private();
    float* ap = a.data();
    float* bp = b.data();
    if (mask_a_pass) {
        parallel(pool, a.size(), [&](std::size_t s, std::size_t e) { mask_a(ap + s, e - s, m, alp ? alp + s : nullptr); });
    }
    if (mask_b_pass) {
        parallel(pool, b.size(), [&](std::size_t s, std::size_t e) { mask_b(bp + s, e - s, m, bhp ? bhp + s : nullptr); });
    } else if (bhp != nullptr) {  // premasked b: read, never written
        const float* src = b.data();
        parallel(pool, b.size(), [&](std::size_t s, std::size_t e) { copy_masked(src + s, bhp + s, e - s, m.b_hi); });
    }
    out.terms.push_back({ap, bp});
    if (m.two_terms) out.terms.push_back({alp, bhp});
    return out;
}

}  // namespace ttnn::ops::gemm
