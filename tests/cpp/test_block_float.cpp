// bfloat8_b / bfloat4_b packing and unpacking against a scalar reference written here from
// docs/numerics_findings.md (tt-metal's convert_u32_to_bfp / convert_bfp_to_u32). Bytes are compared,
// not just values, so the tile layout (64 exponents, then codes in face order, bf4 even element in
// the low nibble) is checked too. Every tile goes through both kernel sets directly, since
// convert_storage only ever uses the one the CPU picks.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/convert/convert.hpp"
#include "ttnn/core/thread_pool.hpp"

using namespace ttnn;
using codec::Format;

namespace {

using Block = std::vector<std::uint32_t>;  // 32x32 float32 bit patterns, row-major
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t kOne = 0x3F800000, kInf = 0x7F800000, kNaN = 0x7FC00000;
std::uint32_t bits_of(float v) { return std::bit_cast<std::uint32_t>(v); }

std::size_t tile_bytes_for(int w) { return w == 7 ? 1088 : 576; }

// ---- reference encoder: one face row of 16 values -> shared exponent + 16 sign-magnitude codes.
std::uint8_t ref_encode_row(const std::uint32_t* v, int w, std::uint8_t* codes) {
    unsigned shared = 0;  // zeros/denormals have field 0, Inf/NaN 255: all take part
    for (int k = 0; k < 16; ++k) shared = std::max(shared, (v[k] >> 23) & 0xFFu);
    const unsigned drop = 24 - w;
    for (int k = 0; k < 16; ++k) {
        const unsigned e = (v[k] >> 23) & 0xFFu;
        if (e == 0) {  // zero and denormal inputs are flushed
            codes[k] = 0;
            continue;
        }
        std::uint64_t sig = (v[k] & 0x7FFFFFu) | 0x800000u;
        const unsigned distance = shared - e;
        sig = distance >= 32 ? 0 : sig >> distance;  // truncating alignment: no sticky bit
        std::uint64_t keep = sig >> drop;
        const std::uint64_t rest = sig - (keep << drop);
        const std::uint64_t half = std::uint64_t{1} << (drop - 1);
        if (rest > half || (rest == half && keep % 2 == 1)) ++keep;
        keep = std::min<std::uint64_t>(keep, (1u << w) - 1);  // saturate, never bump the exponent
        // A magnitude of 0 is stored as +0 whatever the sign.
        codes[k] = keep == 0 ? 0 : static_cast<std::uint8_t>(keep | ((v[k] >> 31) << w));
    }
    return static_cast<std::uint8_t>(shared);
}

// Face f, row i, element j of a tile is block row (f/2)*16+i, column (f%2)*16+j.
Bytes ref_encode_tile(const Block& b, int w) {
    Bytes out(tile_bytes_for(w), 0);
    for (int f = 0; f < 4; ++f)
        for (int i = 0; i < 16; ++i) {
            std::uint32_t row[16];
            for (int j = 0; j < 16; ++j) row[j] = b[((f / 2) * 16 + i) * 32 + (f % 2) * 16 + j];
            std::uint8_t codes[16];
            out[f * 16 + i] = ref_encode_row(row, w, codes);
            for (int j = 0; j < 16; ++j) {
                const int idx = (f * 16 + i) * 16 + j;
                if (w == 7) out[64 + idx] = codes[j];
                else out[64 + idx / 2] |= static_cast<std::uint8_t>(idx % 2 ? codes[j] << 4 : codes[j]);
            }
        }
    return out;
}

// ---- reference decoder, by value where the result is a normal float, by bits for the edge cases
// TT-NN's unpacker has (flush when normalising needs more shifts than E, denormal bits at E - s = 0,
// Inf/NaN at E = 255 with the top magnitude bit set).
std::uint32_t ref_decode(std::uint8_t code, unsigned shared, int w) {
    const std::uint32_t sign = (code >> w) & 1u;
    const unsigned mag = code & ((1u << w) - 1);
    if (mag == 0) return sign << 31;
    unsigned s = 0;
    while (((mag << s) & (1u << (w - 1))) == 0) ++s;
    if (s > shared) return 0;  // +0, the sign is lost too
    const std::uint32_t fraction = (((mag << s) << 1) & ((1u << w) - 1)) << (23 - w);
    const unsigned exponent = shared - s;
    if (exponent == 0 || exponent == 255) return (sign << 31) | (exponent << 23) | fraction;
    const float value = static_cast<float>(std::ldexp(static_cast<double>(mag), int(shared) - 127 - (w - 1)));
    return bits_of(value) | (sign << 31);
}

Block ref_decode_tile(const Bytes& t, int w) {
    Block out(1024);
    for (int f = 0; f < 4; ++f)
        for (int i = 0; i < 16; ++i)
            for (int j = 0; j < 16; ++j) {
                const int idx = (f * 16 + i) * 16 + j;
                const std::uint8_t code = w == 7 ? t[64 + idx] : ((t[64 + idx / 2] >> (idx % 2 ? 4 : 0)) & 0xF);
                out[((f / 2) * 16 + i) * 32 + (f % 2) * 16 + j] = ref_decode(code, t[f * 16 + i], w);
            }
    return out;
}

// ---- the code under test --------------------------------------------------------------------
std::vector<const codec::KernelSet*> kernel_sets() {
    std::vector<const codec::KernelSet*> sets{&codec::generic_kernels()};
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) {
        sets.push_back(&codec::avx2_kernels());
    }
    return sets;
}
Format fmt(int w) { return w == 7 ? Format::BFP8 : Format::BFP4; }

std::string where(std::size_t byte, int w) {
    if (byte < 64) return "exponent of face " + std::to_string(byte / 16) + " row " + std::to_string(byte % 16);
    const std::size_t idx = w == 7 ? byte - 64 : (byte - 64) * 2;
    return "code byte of face " + std::to_string(idx / 256) + " row " + std::to_string(idx % 256 / 16) + " col " +
           std::to_string(idx % 16);
}

void expect_bytes_eq(const Bytes& got, const Bytes& want, int w, const std::string& label) {
    ASSERT_EQ(got.size(), want.size());
    int shown = 0;
    for (std::size_t i = 0; i < got.size() && shown < 8; ++i) {
        if (got[i] != want[i]) {
            ++shown;
            ADD_FAILURE() << label << " w=" << w << ": " << where(i % want.size(), w) << std::hex << ": got 0x"
                          << int(got[i]) << ", want 0x" << int(want[i]);
        }
    }
}

void expect_values_eq(const Block& got, const Block& want, const std::string& label) {
    int shown = 0;
    for (std::size_t i = 0; i < got.size() && shown < 8; ++i) {
        if (got[i] != want[i]) {
            ++shown;
            ADD_FAILURE() << label << ": element (" << i / 32 << "," << i % 32 << ")" << std::hex << " got 0x"
                          << got[i] << ", want 0x" << want[i];
        }
    }
}

// Packs and unpacks one 32x32 block with every kernel set and through convert_storage.
void check_block(const Block& block, int w, const std::string& label) {
    const Bytes want = ref_encode_tile(block, w);
    const Block want_values = ref_decode_tile(want, w);
    for (const codec::KernelSet* set : kernel_sets()) {
        const auto& k = set->formats[static_cast<int>(fmt(w))];
        Bytes got(want.size(), 0xAB);
        k.write_tile(block.data(), reinterpret_cast<std::byte*>(got.data()));
        expect_bytes_eq(got, want, w, label + " [" + set->isa + " write_tile]");
        Block values(1024);
        k.read_tile(reinterpret_cast<const std::byte*>(want.data()), values.data());
        expect_values_eq(values, want_values, label + " [" + set->isa + " read_tile]");
    }
    Bytes got(want.size(), 0xAB);
    codec::convert_storage({reinterpret_cast<std::byte*>(const_cast<std::uint32_t*>(block.data())), Format::F32,
                            Layout::ROW_MAJOR},
                           {reinterpret_cast<std::byte*>(got.data()), fmt(w), Layout::TILE}, Shape{32, 32}, 0.0f,
                           host_thread_pool());
    expect_bytes_eq(got, want, w, label + " [convert_storage pack]");
    Block back(1024);
    codec::convert_storage({reinterpret_cast<std::byte*>(got.data()), fmt(w), Layout::TILE},
                           {reinterpret_cast<std::byte*>(back.data()), Format::F32, Layout::ROW_MAJOR}, Shape{32, 32},
                           0.0f, host_thread_pool());
    expect_values_eq(back, want_values, label + " [convert_storage unpack]");
}

// A block whose first face row (row 0, columns 0..15) is `row`, the rest zero.
Block block_with_row(std::vector<std::uint32_t> row) {
    Block b(1024, 0);
    for (std::size_t j = 0; j < row.size(); ++j) b[j] = row[j];
    return b;
}

// Pins the reference with values worked out by hand: {exponent byte, first codes, decoded values}.
void expect_row(int w, std::vector<std::uint32_t> row, std::uint8_t exponent, std::vector<std::uint8_t> codes,
                std::vector<float> decoded) {
    const Block b = block_with_row(row);
    const Bytes t = ref_encode_tile(b, w);
    EXPECT_EQ(t[0], exponent) << "w=" << w << " row[0]=0x" << std::hex << row[0];
    const Block d = ref_decode_tile(t, w);
    for (std::size_t j = 0; j < codes.size(); ++j) {
        const std::uint8_t code = w == 7 ? t[64 + j] : (t[64 + j / 2] >> (j % 2 ? 4 : 0)) & 0xF;
        EXPECT_EQ(int(code), int(codes[j])) << "w=" << w << " element " << j;
        EXPECT_EQ(d[j], bits_of(decoded[j])) << "w=" << w << " element " << j << " decoded " << decoded[j];
    }
    check_block(b, w, "hand row 0x" + std::to_string(row[0]));
}

class BlockFloat : public ::testing::TestWithParam<int> {};

}  // namespace

TEST_P(BlockFloat, AllZeroDenormalAndNegativeZeroRows) {
    const int w = GetParam();
    expect_row(w, {0, 0, 0}, 0, {0, 0, 0}, {0.0f, 0.0f, 0.0f});
    // -0.0 and denormals flush to code 0 and come back as +0.0; the row's exponent stays 0.
    expect_row(w, {0x80000000, 0x00000001, 0x807FFFFF, 0x00400000}, 0, {0, 0, 0, 0}, {0.0f, 0.0f, 0.0f, 0.0f});
    // A denormal beside a normal value is flushed too.
    expect_row(w, {kOne, 0x007FFFFF}, 127, {std::uint8_t(1u << (w - 1)), 0}, {1.0f, 0.0f});
}

TEST_P(BlockFloat, InfinityAndNaN) {
    const int w = GetParam();
    const std::uint8_t top = std::uint8_t(1u << (w - 1)), neg = std::uint8_t(1u << w);
    const float inf = INFINITY;
    // Inf sets E=255; its finite neighbours shift out to 0.
    expect_row(w, {kInf, 0xBF800000, 0xFF800000, 0x40000000}, 255, {top, 0, std::uint8_t(neg | top), 0},
               {inf, 0.0f, -inf, 0.0f});
    // Quiet NaN keeps NaN-ness and sign; a payload only in the low bits is lost and decodes to Inf.
    const Block nan_row = block_with_row({kNaN, 0xFFC00000, 0x7F800001, kOne});
    const Bytes t = ref_encode_tile(nan_row, w);
    const Block d = ref_decode_tile(t, w);
    EXPECT_EQ(t[0], 255);
    EXPECT_EQ(d[0], 0x7FC00000u);
    EXPECT_EQ(d[1], 0xFFC00000u);
    EXPECT_EQ(d[2], kInf);
    EXPECT_EQ(d[3], 0u);
    check_block(nan_row, w, "nan row");
}

TEST_P(BlockFloat, OutlierWipesOutNeighbours) {
    const int w = GetParam();
    // 65536 = 2^16 has E=143; 1.0 is 16 binades down, beyond any mantissa, so 0.
    std::vector<std::uint32_t> row(16, kOne);
    row[5] = bits_of(65536.0f);
    std::vector<std::uint8_t> codes(16, 0);
    codes[5] = std::uint8_t(1u << (w - 1));
    std::vector<float> decoded(16, 0.0f);
    decoded[5] = 65536.0f;
    expect_row(w, row, 143, codes, decoded);
    // Exactly w binades down is a tie between 0 and one unit: it goes to 0 (even); just above it, 1 unit.
    const float unit = std::ldexp(1.0f, -(w - 1));
    expect_row(w, {kOne, bits_of(std::ldexp(1.0f, -w)), bits_of(std::ldexp(1.0f, -w) * 1.5f)}, 127,
               {std::uint8_t(1u << (w - 1)), 0, 1}, {1.0f, 0.0f, unit});
}

TEST_P(BlockFloat, TiesAtTheRoundingBit) {
    const int w = GetParam();
    const int drop = 24 - w;
    // 1 + half a unit: kept part 1.000 is even -> down. 1 + 1 unit + half: kept part odd -> up.
    const std::uint32_t even_tie = kOne | (1u << (drop - 1));
    const std::uint32_t odd_tie = kOne | (1u << drop) | (1u << (drop - 1));
    const std::uint32_t above_tie = even_tie + 1;
    const std::uint8_t one = std::uint8_t(1u << (w - 1));
    const float unit = std::ldexp(1.0f, -(w - 1));
    expect_row(w, {even_tie, odd_tie, above_tie, even_tie | 0x80000000u, odd_tie | 0x80000000u}, 127,
               {one, std::uint8_t(one + 2), std::uint8_t(one + 1), std::uint8_t(one | (1u << w)),
                std::uint8_t((one + 2) | (1u << w))},
               {1.0f, 1.0f + 2 * unit, 1.0f + unit, -1.0f, -(1.0f + 2 * unit)});
    // The alignment shift truncates before rounding (no sticky bit): docs example for bf8,
    // [1.0, 0x3F020001] gives 0.5 where true round-to-nearest would give 33/64.
    if (w == 7) expect_row(w, {kOne, 0x3F020001}, 127, {64, 32}, {1.0f, 0.5f});
}

TEST_P(BlockFloat, SaturatesInsteadOfCarrying) {
    const int w = GetParam();
    const std::uint8_t max = std::uint8_t((1u << w) - 1);
    const float max_value = std::ldexp(float(max), -(w - 1));  // 1.984375 or 1.875
    expect_row(w, {0x3FFFFFFF, 0xBFFFFFFF, kOne}, 127, {max, std::uint8_t(max | (1u << w)), std::uint8_t(1u << (w - 1))},
               {max_value, -max_value, 1.0f});
}

TEST_P(BlockFloat, TinyNegativesBecomePositiveZero) {
    const int w = GetParam();
    expect_row(w, {kOne, bits_of(-std::ldexp(1.0f, -10)), bits_of(-std::ldexp(1.0f, -30))}, 127,
               {std::uint8_t(1u << (w - 1)), 0, 0}, {1.0f, 0.0f, 0.0f});
}

TEST_P(BlockFloat, SharedExponentBelowMantissaWidth) {
    const int w = GetParam();
    // Exponent fields 1..6: the unpacker cannot take its one-multiply path; packer output must still
    // decode to the exact multiple of the row's unit.
    Block b(1024, 0);
    for (int r = 0; r < 32; ++r)
        for (int c = 0; c < 32; ++c) {
            const std::uint32_t e = 1 + (r + c) % 6, frac = (r * 131 + c * 17) * 2654435761u & 0x7FFFFFu;
            b[r * 32 + c] = ((r + c) % 3 == 0 ? 0x80000000u : 0) | (e << 23) | frac;
        }
    check_block(b, w, "small exponents");
    // Hand-made codes the packer never emits: a normalisation longer than E flushes to +0, equal to E
    // leaves float32 denormal bits, a -0 code gives -0.0.
    Bytes t(tile_bytes_for(w), 0);
    t[0] = w == 7 ? 2 : 1;                    // face 0 row 0: E below the w-1 shifts code 1 needs
    t[1] = static_cast<std::uint8_t>(w - 1);  // face 0 row 1: code 1 needs exactly E shifts
    const std::uint8_t neg = std::uint8_t(1u << w);
    const std::uint8_t codes_row0[4] = {1, std::uint8_t(neg | 1), neg, std::uint8_t((1u << w) - 1)};
    const std::uint8_t codes_row1[2] = {1, 3};
    auto put = [&](int idx, std::uint8_t code) {
        if (w == 7) t[64 + idx] = code;
        else t[64 + idx / 2] |= static_cast<std::uint8_t>(idx % 2 ? code << 4 : code);
    };
    for (int j = 0; j < 4; ++j) put(j, codes_row0[j]);
    for (int j = 0; j < 2; ++j) put(16 + j, codes_row1[j]);
    const Block want = ref_decode_tile(t, w);
    EXPECT_EQ(want[0], 0u);            // flushed
    EXPECT_EQ(want[1], 0u);            // flushed, and the sign goes with it
    EXPECT_EQ(want[2], 0x80000000u);   // -0 code
    EXPECT_EQ(want[32], 0u);           // exponent field 0, the leading bit dropped: 0 (not 2^-127)
    EXPECT_EQ(want[33], 0x00C00000u);  // 3 units = 1.5 * 2^-126, still normal
    for (const codec::KernelSet* set : kernel_sets()) {
        Block got(1024);
        set->formats[static_cast<int>(fmt(w))].read_tile(reinterpret_cast<const std::byte*>(t.data()), got.data());
        expect_values_eq(got, want, std::string("hand-made codes [") + set->isa + "]");
    }
}

TEST_P(BlockFloat, MixedExponentsAndRandomValues) {
    const int w = GetParam();
    std::mt19937 rng(42 + w);
    std::normal_distribution<float> normal;
    std::uniform_int_distribution<int> scale(-40, 40);
    for (int trial = 0; trial < 40; ++trial) {
        Block b(1024);
        for (int r = 0; r < 32; ++r) {
            const int row_scale = scale(rng);
            for (int c = 0; c < 32; ++c) {
                // Mixed: each element wanders up to 2^12 away from its row's scale.
                const int spread = trial % 2 ? int(rng() % 25) - 12 : 0;
                b[r * 32 + c] = bits_of(std::ldexp(normal(rng), row_scale + spread));
            }
        }
        check_block(b, w, "random values trial " + std::to_string(trial));
        if (HasFailure()) return;
    }
}

TEST_P(BlockFloat, RandomBitPatterns) {
    const int w = GetParam();
    std::mt19937 rng(7 + w);
    for (int trial = 0; trial < 60; ++trial) {
        Block b(1024);
        for (auto& v : b) v = rng();
        if (trial % 3 == 1) {  // keep exponents near each other so codes are mostly nonzero
            const std::uint32_t e = 1 + rng() % 254;
            for (auto& v : b) v = (v & 0x807FFFFFu) | ((e - rng() % std::min<std::uint32_t>(e, 9)) << 23);
        }
        if (trial % 3 == 2) {
            // Exact ties after the alignment shift, with nonzero bits shifted out below them: only
            // a truncating shift (no sticky bit) rounds these to even.
            const unsigned drop = 24 - w;
            for (std::size_t g = 0; g < 64; ++g) {  // 16-element face rows of the block
                const std::uint32_t shared = 100 + rng() % 50;
                b[g * 16] = (b[g * 16] & 0x807FFFFFu) | (shared << 23);
                for (std::size_t k = 1; k < 16; ++k) {
                    const unsigned d = rng() % (w - 1);  // keeps the tie bit inside the significand
                    const std::uint32_t low = (1u << d) - 1, tie = 1u << (d + drop - 1);
                    const std::uint32_t frac = (rng() & ~((tie << 1) - 1) & 0x7FFFFFu) | tie | (rng() & low);
                    b[g * 16 + k] = (rng() & 0x80000000u) | ((shared - d) << 23) | frac;
                }
            }
        }
        check_block(b, w, "random bits trial " + std::to_string(trial));
        if (HasFailure()) return;
    }
}

TEST_P(BlockFloat, RandomTileBytesDecode) {
    // Arbitrary exponent and code bytes reach every decode branch (E = 0..255, flushes, -0, NaN).
    const int w = GetParam();
    std::mt19937 rng(99 + w);
    for (int trial = 0; trial < 200; ++trial) {
        Bytes t(tile_bytes_for(w));
        for (auto& byte : t) byte = static_cast<std::uint8_t>(rng());
        for (int r = 0; r < 8 && trial % 2; ++r) t[rng() % 64] = static_cast<std::uint8_t>(rng() % 8);
        const Block want = ref_decode_tile(t, w);
        for (const codec::KernelSet* set : kernel_sets()) {
            Block got(1024);
            set->formats[static_cast<int>(fmt(w))].read_tile(reinterpret_cast<const std::byte*>(t.data()), got.data());
            expect_values_eq(got, want, std::string("random bytes [") + set->isa + "]");
        }
        if (HasFailure()) return;
    }
}

TEST_P(BlockFloat, MultiTileTensorWithPaddingThroughConvertStorage) {
    // [3, 50, 70] pads to [3, 64, 96]: 3 x 2 x 3 tiles, row-major per batch. A nonzero pad value
    // takes part in the shared exponent of the partial face rows.
    const int w = GetParam();
    const int B = 3, H = 50, W = 70, PH = 64, PW = 96;
    std::mt19937 rng(5);
    std::normal_distribution<float> normal;
    for (const float pad : {0.0f, 1000.0f}) {
        std::vector<float> src(B * H * W);
        for (auto& v : src) v = normal(rng);
        Bytes want;
        for (int b = 0; b < B; ++b)
            for (int tr = 0; tr < PH / 32; ++tr)
                for (int tc = 0; tc < PW / 32; ++tc) {
                    Block blk(1024);
                    for (int r = 0; r < 32; ++r)
                        for (int c = 0; c < 32; ++c) {
                            const int y = tr * 32 + r, x = tc * 32 + c;
                            blk[r * 32 + c] = bits_of(y < H && x < W ? src[(b * H + y) * W + x] : pad);
                        }
                    const Bytes t = ref_encode_tile(blk, w);
                    want.insert(want.end(), t.begin(), t.end());
                }
        Bytes got(want.size(), 0xAB);
        codec::convert_storage({reinterpret_cast<std::byte*>(src.data()), Format::F32, Layout::ROW_MAJOR},
                               {reinterpret_cast<std::byte*>(got.data()), fmt(w), Layout::TILE}, Shape{B, H, W}, pad,
                               host_thread_pool());
        for (std::size_t i = 0; i < want.size(); ++i) {
            ASSERT_EQ(got[i], want[i]) << "pad " << pad << " tile " << i / tile_bytes_for(w) << ": "
                                       << where(i % tile_bytes_for(w), w);
        }
        const std::size_t tb = tile_bytes_for(w);
        std::vector<Block> decoded;
        for (std::size_t t = 0; t < want.size() / tb; ++t) {
            decoded.push_back(ref_decode_tile(Bytes(want.begin() + t * tb, want.begin() + (t + 1) * tb), w));
        }
        std::vector<float> back(src.size());
        codec::convert_storage({reinterpret_cast<std::byte*>(got.data()), fmt(w), Layout::TILE},
                               {reinterpret_cast<std::byte*>(back.data()), Format::F32, Layout::ROW_MAJOR},
                               Shape{B, H, W}, 0.0f, host_thread_pool());
        for (int b = 0; b < B; ++b)
            for (int y = 0; y < H; ++y)
                for (int x = 0; x < W; ++x) {
                    const std::size_t tile = (b * (PH / 32) + y / 32) * (PW / 32) + x / 32;
                    const std::uint32_t v = decoded[tile][(y % 32) * 32 + x % 32];
                    ASSERT_EQ(bits_of(back[(b * H + y) * W + x]), v) << "pad " << pad << " at " << b << "," << y << "," << x;
                }
    }
}

INSTANTIATE_TEST_SUITE_P(Bfp, BlockFloat, ::testing::Values(7, 3),
                         [](const auto& p) { return p.param == 7 ? "bfloat8_b" : "bfloat4_b"; });
