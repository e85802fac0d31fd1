// Readers and writers of every element format (see codec.hpp). This file is compiled once per ISA
// (codec_generic.cpp, codec_avx2.cpp) inside its own namespace; the loops are written so that the
// compiler vectorizes them for the ISA it is given. Bit-level rules follow TT-NN's host conversions
// (tt-metal bfloat16.cpp and blockfloat_common.cpp; see docs/numerics_findings.md).
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>

#include "codec.hpp"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace ttnn::codec {
namespace TTNN_CODEC_NS {
namespace {

constexpr std::size_t kFace = 16;

// Staging block position of element j of row i of face f (faces: TL, TR, BL, BR).
constexpr std::size_t stage_index(std::size_t f, std::size_t i, std::size_t j) {
    return ((f / 2) * kFace + i) * kBlock + (f % 2) * kFace + j;
}

// ---- scalar codecs --------------------------------------------------------------------------

// float32 -> bfloat16 bits, round to nearest even; every NaN becomes 0x7FC0 (TT-NN's rule).
inline std::uint16_t f32_to_bf16(float value) {
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
    const std::uint32_t rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
    return (bits & 0x7FFFFFFFu) > 0x7F800000u ? std::uint16_t{0x7FC0} : static_cast<std::uint16_t>(rounded);
}
inline float bf16_to_f32(std::uint16_t bits) { return std::bit_cast<float>(std::uint32_t{bits} << 16); }

template <class T>
inline T saturate(std::int64_t v) {
    if constexpr (std::is_same_v<T, std::int64_t>) {
        return v;
    } else {
        constexpr std::int64_t lo = static_cast<std::int64_t>(std::numeric_limits<T>::min());
        constexpr std::int64_t hi = static_cast<std::int64_t>(std::numeric_limits<T>::max());
        return static_cast<T>(v < lo ? lo : (v > hi ? hi : v));
    }
}

// ---- plain element formats: one stored element per value -----------------------------------

struct F32Codec {
    using Elem = float;
    using Stage = float;
    static Stage decode(Elem e) { return e; }
    static Elem encode(Stage s) { return s; }
};
struct BF16Codec {
    using Elem = std::uint16_t;
    using Stage = float;
    static Stage decode(Elem e) { return bf16_to_f32(e); }
    static Elem encode(Stage s) { return f32_to_bf16(s); }
};
template <class T>
struct IntCodec {
    using Elem = T;
    using Stage = std::int64_t;
    static Stage decode(Elem e) { return static_cast<Stage>(e); }
    static Elem encode(Stage s) { return saturate<T>(s); }
};

template <class C>
void read_flat(const std::byte* base, std::size_t offset, std::size_t n, void* stage) {
    const auto* src = reinterpret_cast<const typename C::Elem*>(base) + offset;
    auto* out = static_cast<typename C::Stage*>(stage);
    for (std::size_t k = 0; k < n; ++k) out[k] = C::decode(src[k]);
}

template <class C>
void write_flat(const void* stage, std::byte* base, std::size_t offset, std::size_t n) {
    const auto* in = static_cast<const typename C::Stage*>(stage);
    auto* dst = reinterpret_cast<typename C::Elem*>(base) + offset;
    for (std::size_t k = 0; k < n; ++k) dst[k] = C::encode(in[k]);
}

template <class C>
void read_tile(const std::byte* tile, void* stage) {
    const auto* src = reinterpret_cast<const typename C::Elem*>(tile);
    auto* out = static_cast<typename C::Stage*>(stage);
    for (std::size_t f = 0; f < 4; ++f)
        for (std::size_t i = 0; i < kFace; ++i) {
            const auto* row = src + (f * kFace + i) * kFace;
            auto* o = out + stage_index(f, i, 0);
            for (std::size_t j = 0; j < kFace; ++j) o[j] = C::decode(row[j]);
        }
}

template <class C>
void write_tile(const void* stage, std::byte* tile) {
    const auto* in = static_cast<const typename C::Stage*>(stage);
    auto* dst = reinterpret_cast<typename C::Elem*>(tile);
    for (std::size_t f = 0; f < 4; ++f)
        for (std::size_t i = 0; i < kFace; ++i) {
            const auto* s = in + stage_index(f, i, 0);
            auto* row = dst + (f * kFace + i) * kFace;
            for (std::size_t j = 0; j < kFace; ++j) row[j] = C::encode(s[j]);
        }
}

// ---- block floats ---------------------------------------------------------------------------
// A tile is 64 shared exponents (face-major: face * 16 + row) followed by the element codes in face
// order; bfloat4_b puts two codes in a byte, the even element in the low nibble.

constexpr std::size_t kExponentBytes = 64;

// Encodes one face row of 16 float32 values with W mantissa bits. The shared exponent is the
// largest exponent field of the row (zeros and denormals count as 0, Inf/NaN as 255). Each
// significand (hidden bit restored) is shifted right to it, dropping bits, then rounded to nearest
// even on what is left and saturated; zeros, denormals and values that round to 0 give code 0.
template <int W>
inline std::uint8_t encode_bfp_row_scalar(const float* in, std::uint8_t* codes) {
    constexpr std::uint32_t kShift = 24 - W;
    constexpr std::uint32_t kTie = 1u << (kShift - 1);
    constexpr std::uint32_t kRoundMask = (1u << kShift) - 1;
    constexpr std::uint32_t kMax = (1u << W) - 1;
    std::uint32_t bits[kFace];
    std::memcpy(bits, in, sizeof(bits));
    std::uint32_t shared = 0;
    for (std::size_t k = 0; k < kFace; ++k) shared = std::max(shared, (bits[k] >> 23) & 0xFFu);
    for (std::size_t k = 0; k < kFace; ++k) {
        const std::uint32_t exponent = (bits[k] >> 23) & 0xFFu;
        const std::uint32_t sign = bits[k] >> 31;
        const std::uint32_t shift = shared - exponent;
        std::uint32_t m = (bits[k] & 0x7FFFFFu) | 0x800000u;
        m = shift < 32 ? m >> shift : 0u;
        const std::uint32_t rest = m & kRoundMask;
        std::uint32_t q = m >> kShift;
        q += (rest > kTie) | ((rest == kTie) & (q & 1u));
        q = std::min(q, kMax);
        codes[k] = static_cast<std::uint8_t>((exponent == 0 || q == 0) ? 0u : (q | (sign << W)));
    }
    return static_cast<std::uint8_t>(shared);
}

// Decodes one code exactly as TT-NN's unpacker does, including its edge cases: normalize the
// magnitude, flush to +0 when that needs more shifts than the exponent allows, Inf/NaN at E=255.
template <int W>
inline float decode_bfp_scalar(std::uint8_t code, std::uint32_t shared) {
    constexpr std::uint32_t kMask = (1u << W) - 1;
    const std::uint32_t sign = (code >> W) & 1u;
    std::uint32_t mag = code & kMask;
    if (mag == 0) return std::bit_cast<float>(sign << 31);
    std::uint32_t shift_count = 0;
    while ((mag & (1u << (W - 1))) == 0) {
        mag <<= 1;
        ++shift_count;
    }
    if (shift_count > shared) return 0.0f;
    const std::uint32_t mantissa = (mag << 1) & kMask;
    return std::bit_cast<float>((sign << 31) | ((shared - shift_count) << 23) | (mantissa << (23 - W)));
}

// A row of 16 codes. For W <= shared <= 254 every value is the normal number sign * mag *
// 2^(shared - 127 - (W - 1)), computed exactly by one multiply; other rows take the scalar rules.
template <int W>
inline void decode_bfp_row_scalar(const std::uint8_t* codes, std::uint32_t shared, float* out) {
    constexpr std::uint32_t kMask = (1u << W) - 1;
    if (shared >= static_cast<std::uint32_t>(W) && shared <= 254) {
        const float scale = std::bit_cast<float>((shared - (W - 1)) << 23);
        for (std::size_t k = 0; k < kFace; ++k) {
            const float magnitude = static_cast<float>(codes[k] & kMask) * scale;
            const std::uint32_t sign = static_cast<std::uint32_t>(codes[k] >> W) << 31;
            out[k] = std::bit_cast<float>(std::bit_cast<std::uint32_t>(magnitude) | sign);
        }
    } else {
        for (std::size_t k = 0; k < kFace; ++k) out[k] = decode_bfp_scalar<W>(codes[k], shared);
    }
}

#if defined(__AVX2__)
// The same rules on 8 lanes at a time. Every intermediate stays below 2^24, so signed compares and
// saturating packs are exact; vpsrlvd yields 0 for shifts of 32 or more, as the scalar code does.
template <int W>
inline __m256i encode_bfp_lanes(__m256i bits, __m256i shared) {
    constexpr int kShift = 24 - W;
    const __m256i exponent = _mm256_and_si256(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(0xFF));
    __m256i m = _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x7FFFFF)), _mm256_set1_epi32(0x800000));
    m = _mm256_srlv_epi32(m, _mm256_sub_epi32(shared, exponent));
    const __m256i rest = _mm256_and_si256(m, _mm256_set1_epi32((1 << kShift) - 1));
    __m256i q = _mm256_srli_epi32(m, kShift);
    const __m256i tie = _mm256_set1_epi32(1 << (kShift - 1));
    const __m256i odd = _mm256_cmpeq_epi32(_mm256_and_si256(q, _mm256_set1_epi32(1)), _mm256_set1_epi32(1));
    const __m256i up = _mm256_or_si256(_mm256_cmpgt_epi32(rest, tie), _mm256_and_si256(_mm256_cmpeq_epi32(rest, tie), odd));
    q = _mm256_sub_epi32(q, up);  // up is all ones (-1) where rounding up
    q = _mm256_min_epu32(q, _mm256_set1_epi32((1 << W) - 1));
    const __m256i zero = _mm256_setzero_si256();
    const __m256i is_zero = _mm256_or_si256(_mm256_cmpeq_epi32(exponent, zero), _mm256_cmpeq_epi32(q, zero));
    const __m256i sign = _mm256_slli_epi32(_mm256_srli_epi32(bits, 31), W);
    return _mm256_andnot_si256(is_zero, _mm256_or_si256(q, sign));
}

template <int W>
inline std::uint8_t encode_bfp_row(const float* in, std::uint8_t* codes) {
    const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in));
    const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + 8));
    const __m256i mask = _mm256_set1_epi32(0xFF);
    __m256i e = _mm256_max_epu32(_mm256_and_si256(_mm256_srli_epi32(b0, 23), mask),
                                 _mm256_and_si256(_mm256_srli_epi32(b1, 23), mask));
    e = _mm256_max_epu32(e, _mm256_permute2x128_si256(e, e, 1));
    e = _mm256_max_epu32(e, _mm256_shuffle_epi32(e, _MM_SHUFFLE(1, 0, 3, 2)));
    e = _mm256_max_epu32(e, _mm256_shuffle_epi32(e, _MM_SHUFFLE(2, 3, 0, 1)));  // every lane holds the max
    const __m256i c0 = encode_bfp_lanes<W>(b0, e);
    const __m256i c1 = encode_bfp_lanes<W>(b1, e);
    const __m256i words = _mm256_permute4x64_epi64(_mm256_packus_epi32(c0, c1), _MM_SHUFFLE(3, 1, 2, 0));
    const __m128i bytes = _mm_packus_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(codes), bytes);
    return static_cast<std::uint8_t>(_mm256_cvtsi256_si32(e));
}

template <int W>
inline void decode_bfp_row(const std::uint8_t* codes, std::uint32_t shared, float* out) {
    if (shared < static_cast<std::uint32_t>(W) || shared > 254) {
        decode_bfp_row_scalar<W>(codes, shared, out);
        return;
    }
    const __m256 scale = _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>((shared - (W - 1)) << 23)));
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(codes));
    const __m128i halves[2] = {bytes, _mm_srli_si128(bytes, 8)};
    for (int h = 0; h < 2; ++h) {
        const __m256i c = _mm256_cvtepu8_epi32(halves[h]);
        const __m256i magnitude = _mm256_and_si256(c, _mm256_set1_epi32((1 << W) - 1));
        const __m256i sign = _mm256_slli_epi32(_mm256_srli_epi32(c, W), 31);
        const __m256 value = _mm256_mul_ps(_mm256_cvtepi32_ps(magnitude), scale);
        _mm256_storeu_ps(out + 8 * h, _mm256_castsi256_ps(_mm256_or_si256(_mm256_castps_si256(value), sign)));
    }
}
#else
template <int W>
inline std::uint8_t encode_bfp_row(const float* in, std::uint8_t* codes) {
    return encode_bfp_row_scalar<W>(in, codes);
}
template <int W>
inline void decode_bfp_row(const std::uint8_t* codes, std::uint32_t shared, float* out) {
    decode_bfp_row_scalar<W>(codes, shared, out);
}
#endif

template <int W>
void write_bfp_tile(const void* stage, std::byte* tile) {
    const auto* in = static_cast<const float*>(stage);
    auto* bytes = reinterpret_cast<std::uint8_t*>(tile);
    for (std::size_t f = 0; f < 4; ++f)
        for (std::size_t i = 0; i < kFace; ++i) {
            std::uint8_t codes[kFace];
            bytes[f * kFace + i] = encode_bfp_row<W>(in + stage_index(f, i, 0), codes);
            const std::size_t first = (f * kFace + i) * kFace;  // element index within the tile
            if constexpr (W == 7) {
                std::memcpy(bytes + kExponentBytes + first, codes, kFace);
            } else {
                std::uint8_t* packed = bytes + kExponentBytes + first / 2;
                for (std::size_t j = 0; j < kFace / 2; ++j)
                    packed[j] = static_cast<std::uint8_t>((codes[2 * j] & 0xF) | (codes[2 * j + 1] << 4));
            }
        }
}

template <int W>
void read_bfp_tile(const std::byte* tile, void* stage) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(tile);
    auto* out = static_cast<float*>(stage);
    for (std::size_t f = 0; f < 4; ++f)
        for (std::size_t i = 0; i < kFace; ++i) {
            const std::size_t first = (f * kFace + i) * kFace;
            std::uint8_t codes[kFace];
            if constexpr (W == 7) {
                std::memcpy(codes, bytes + kExponentBytes + first, kFace);
            } else {
                const std::uint8_t* packed = bytes + kExponentBytes + first / 2;
                for (std::size_t j = 0; j < kFace / 2; ++j) {
                    codes[2 * j] = packed[j] & 0xF;
                    codes[2 * j + 1] = packed[j] >> 4;
                }
            }
            decode_bfp_row<W>(codes, bytes[f * kFace + i], out + stage_index(f, i, 0));
        }
}

// ---- domain conversions ---------------------------------------------------------------------

void float_to_int(const float* in, std::int64_t* out, std::size_t n) {
    constexpr float kLimit = 9223372036854775808.0f;  // 2^63
    for (std::size_t k = 0; k < n; ++k) {
        const float v = in[k];
        out[k] = v != v ? 0
                 : v >= kLimit ? std::numeric_limits<std::int64_t>::max()
                 : v <= -kLimit ? std::numeric_limits<std::int64_t>::min()
                                : static_cast<std::int64_t>(v);
    }
}

void int_to_float(const std::int64_t* in, float* out, std::size_t n) {
    for (std::size_t k = 0; k < n; ++k) out[k] = static_cast<float>(in[k]);
}

template <class C>
constexpr FormatKernels plain_format(Domain domain) {
    return {domain, &read_flat<C>, &write_flat<C>, &read_tile<C>, &write_tile<C>};
}

const KernelSet kKernels = {
    TTNN_CODEC_ISA_NAME,
    {
        plain_format<F32Codec>(Domain::FLOAT),
        plain_format<BF16Codec>(Domain::FLOAT),
        {Domain::FLOAT, nullptr, nullptr, &read_bfp_tile<7>, &write_bfp_tile<7>},
        {Domain::FLOAT, nullptr, nullptr, &read_bfp_tile<3>, &write_bfp_tile<3>},
        plain_format<IntCodec<std::int32_t>>(Domain::INT),
        plain_format<IntCodec<std::uint32_t>>(Domain::INT),
        plain_format<IntCodec<std::uint16_t>>(Domain::INT),
        plain_format<IntCodec<std::uint8_t>>(Domain::INT),
        plain_format<IntCodec<std::int64_t>>(Domain::INT),
    },
    &float_to_int,
    &int_to_float,
};

}  // namespace
}  // namespace TTNN_CODEC_NS

const KernelSet& TTNN_CODEC_ACCESSOR() { return TTNN_CODEC_NS::kKernels; }

}  // namespace ttnn::codec
