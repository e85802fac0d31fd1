// float32 <-> bfloat16 conversion against TT-NN's rule (docs/numerics_findings.md): round to nearest,
// ties to even, overflow to +-inf, denormals and -0.0 kept, every NaN -> 0x7FC0. The reference below
// decides by value (distance to the two bf16 neighbours, in double), not by the bit trick the library
// uses, so a mistake in either shows up as a mismatch.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "core/convert/convert.hpp"
#include "ttnn/core/thread_pool.hpp"

using namespace ttnn;
using codec::Format;

namespace {

float f(std::uint32_t bits) { return std::bit_cast<float>(bits); }

// Magnitude of a bf16 pattern as a double; +inf stands for 2^128 so that rounding to it is decided
// like any other neighbour (IEEE: overflow happens at max + half an ulp).
double bf16_magnitude(std::uint16_t m) {
    if (m == 0x7F80) return std::ldexp(1.0, 128);
    return static_cast<double>(std::bit_cast<float>(std::uint32_t{m} << 16));
}

std::uint16_t reference_bf16(float x) {
    if (std::isnan(x)) return 0x7FC0;
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
    const std::uint16_t sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
    if (std::isinf(x)) return sign | 0x7F80;
    const double a = std::fabs(static_cast<double>(x));
    const std::uint16_t below = static_cast<std::uint16_t>((bits >> 16) & 0x7FFFu);  // |below| <= |x|
    const std::uint16_t above = static_cast<std::uint16_t>(below + 1);
    const double d_below = a - bf16_magnitude(below);
    const double d_above = bf16_magnitude(above) - a;
    if (d_below == 0.0) return sign | below;
    const std::uint16_t pick = d_below < d_above ? below : d_above < d_below ? above : ((below & 1) ? above : below);
    return sign | pick;
}

std::vector<std::uint16_t> to_bf16(const std::vector<std::uint32_t>& bits) {
    std::vector<std::uint16_t> out(bits.size(), 0xDEAD);
    codec::convert_storage({reinterpret_cast<std::byte*>(const_cast<std::uint32_t*>(bits.data())), Format::F32,
                            Layout::ROW_MAJOR},
                           {reinterpret_cast<std::byte*>(out.data()), Format::BF16, Layout::ROW_MAJOR},
                           Shape{static_cast<std::int64_t>(bits.size())}, 0.0f, host_thread_pool());
    return out;
}

std::uint16_t to_bf16(std::uint32_t bits) { return to_bf16(std::vector<std::uint32_t>{bits}).front(); }

struct Case {
    std::uint32_t in;
    std::uint16_t out;
};

void expect_cases(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
        EXPECT_EQ(to_bf16(c.in), c.out) << std::hex << "input 0x" << c.in;
        // The hand-written expectations also pin the reference itself.
        EXPECT_EQ(reference_bf16(f(c.in)), c.out) << std::hex << "reference on 0x" << c.in;
    }
}

}  // namespace

TEST(BFloat16, ExactValuesUnchanged) {
    expect_cases({{0x3F800000, 0x3F80}, {0xC0490000, 0xC049}, {0x00000000, 0x0000}, {0x7F7F0000, 0x7F7F}});
}

TEST(BFloat16, TiesGoToEven) {
    expect_cases({
        {0x3F808000, 0x3F80},  // 1 + 2^-8: tie, kept part even -> down
        {0x3F818000, 0x3F82},  // kept part odd -> up
        {0xBF808000, 0xBF80},  // same, negative
        {0xBF818000, 0xBF82},
        {0x3F808001, 0x3F81},  // just above the tie -> up
        {0x3F807FFF, 0x3F80},  // just below -> down
        {0xBF80FFFF, 0xBF81},
    });
}

TEST(BFloat16, RoundsUpIntoNextExponent) {
    expect_cases({
        {0x3FFF8000, 0x4000},  // 1.99609375: tie with odd 0x3FFF -> 2.0
        {0x3FFFFFFF, 0x4000},
        {0xBFFFC000, 0xC000},
        {0x007FFFFF, 0x0080},  // largest denormal rounds to the smallest normal
    });
}

TEST(BFloat16, OverflowAndInfinity) {
    expect_cases({
        {0x7F7FFFFF, 0x7F80},  // FLT_MAX -> +inf
        {0xFF7FFFFF, 0xFF80},
        {0x7F7F8000, 0x7F80},  // tie above bf16 max (odd) -> inf
        {0x7F7F7FFF, 0x7F7F},  // below the tie stays finite
        {0x7F800000, 0x7F80},
        {0xFF800000, 0xFF80},
    });
}

TEST(BFloat16, EveryNaNBecomesPositiveQuietNaN) {
    expect_cases({{0x7FC00000, 0x7FC0},
                  {0x7F800001, 0x7FC0},  // payload only in bits the conversion drops
                  {0x7FBFFFFF, 0x7FC0},
                  {0xFFC00000, 0x7FC0},  // sign dropped
                  {0xFF800001, 0x7FC0},
                  {0xFFFFFFFF, 0x7FC0},
                  {0x7FFF8000, 0x7FC0}});
}

TEST(BFloat16, SignedZeroAndDenormals) {
    expect_cases({
        {0x80000000, 0x8000},  // -0.0 kept
        {0x00000001, 0x0000},
        {0x80000001, 0x8000},  // tiny negative keeps its sign
        {0x00008000, 0x0000},  // tie, even
        {0x00018000, 0x0002},  // tie, odd
        {0x00010000, 0x0001},  // smallest bf16 denormal, exact
        {0x80008001, 0x8001},
        {0x00400000, 0x0040},
    });
}

TEST(BFloat16, RandomBitPatternsMatchReference) {
    constexpr std::size_t kCount = 1'000'000;
    std::mt19937 rng(12345);
    std::vector<std::uint32_t> bits(kCount);
    for (std::size_t i = 0; i < kCount; ++i) {
        std::uint32_t b = rng();
        // A quarter of them sit exactly on, or one ulp around, the rounding tie.
        switch (i % 8) {
            case 0: b = (b & 0xFFFF0000u) | 0x8000u; break;
            case 1: b = (b & 0xFFFF0000u) | 0x7FFFu; break;
            default: break;
        }
        bits[i] = b;
    }
    const auto got = to_bf16(bits);
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < kCount; ++i) {
        const std::uint16_t want = reference_bf16(f(bits[i]));
        if (got[i] != want && ++mismatches <= 10) {
            ADD_FAILURE() << std::hex << "input 0x" << bits[i] << ": got 0x" << got[i] << ", want 0x" << want;
        }
    }
    EXPECT_EQ(mismatches, 0u);
}

// convert_storage uses the one kernel set the CPU picks; both sets must agree with the reference.
TEST(BFloat16, BothKernelSetsAgree) {
    std::mt19937 rng(777);
    constexpr std::size_t kCount = 1 << 16;
    std::vector<std::uint32_t> bits(kCount);
    for (auto& b : bits) b = rng();
    for (const codec::KernelSet* set : {&codec::generic_kernels(), &codec::avx2_kernels()}) {
        if (set == &codec::avx2_kernels() && !__builtin_cpu_supports("avx2")) continue;
        const auto& fk = set->formats[static_cast<int>(Format::BF16)];
        std::vector<std::uint16_t> out(kCount);
        fk.write_flat(bits.data(), reinterpret_cast<std::byte*>(out.data()), 0, kCount);
        for (std::size_t i = 0; i < kCount; ++i) {
            ASSERT_EQ(out[i], reference_bf16(f(bits[i]))) << set->isa << std::hex << " input 0x" << bits[i];
        }
        std::vector<float> back(kCount);
        fk.read_flat(reinterpret_cast<const std::byte*>(out.data()), 0, kCount, back.data());
        for (std::size_t i = 0; i < kCount; ++i) {
            ASSERT_EQ(std::bit_cast<std::uint32_t>(back[i]), std::uint32_t{out[i]} << 16) << set->isa;
        }
    }
}

TEST(BFloat16, ToFloat32IsExactForAllPatterns) {
    std::vector<std::uint16_t> all(1 << 16);
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint16_t>(i);
    std::vector<std::uint32_t> out(all.size());
    codec::convert_storage({reinterpret_cast<std::byte*>(all.data()), Format::BF16, Layout::ROW_MAJOR},
                           {reinterpret_cast<std::byte*>(out.data()), Format::F32, Layout::ROW_MAJOR},
                           Shape{static_cast<std::int64_t>(all.size())}, 0.0f, host_thread_pool());
    for (std::size_t i = 0; i < all.size(); ++i) {
        // Widening keeps every bit, NaN payloads included.
        ASSERT_EQ(out[i], std::uint32_t{all[i]} << 16) << std::hex << "bf16 0x" << i;
    }
    // ...so converting back gives the same pattern, except that NaNs collapse to 0x7FC0.
    const auto again = to_bf16(out);
    for (std::size_t i = 0; i < all.size(); ++i) {
        const bool nan = (i & 0x7F80) == 0x7F80 && (i & 0x7F) != 0;
        ASSERT_EQ(again[i], nan ? 0x7FC0 : all[i]) << std::hex << "bf16 0x" << i;
    }
}
