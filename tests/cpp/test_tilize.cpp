// Tilize / untilize through convert_storage: every element of the padded tile buffer is checked
// against a position computed here (tiles row-major over the padded grid of each batch, faces TL, TR,
// BL, BR), the padding against pad_value, and the round trip against the source. Also the int <->
// float conversions the same driver performs (float -> int truncates toward zero, saturates, NaN -> 0).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/convert/convert.hpp"
#include "ttnn/core/thread_pool.hpp"

using namespace ttnn;
using codec::Format;

namespace {

template <class T>
std::byte* raw(std::vector<T>& v) {
    return reinterpret_cast<std::byte*>(v.data());
}

template <class From, class To>
std::vector<To> convert(std::vector<From> src, Format from, Layout from_layout, Format to, Layout to_layout,
                        const Shape& shape, std::size_t dst_elements, float pad = 0.0f, To fill = To{}) {
    std::vector<To> dst(dst_elements, fill);
    codec::convert_storage({raw(src), from, from_layout}, {raw(dst), to, to_layout}, shape, pad, host_thread_pool());
    return dst;
}

// The shapes of the brief: odd sizes, ranks 0, 1 and 4, width 1.
const std::vector<Shape> kShapes = {Shape{}, Shape{1, 1}, Shape{31, 33}, Shape{3, 50, 70}, Shape{45},
                                    Shape{2, 3, 33, 40}, Shape{40, 1}, Shape{32, 64}};

struct Geometry {
    std::size_t batch, h, w, tiles_h, tiles_w;
};
Geometry geometry(const Shape& s) {
    const std::size_t r = s.rank();
    Geometry g{1, r >= 2 ? s[r - 2] : 1, r >= 1 ? s[r - 1] : 1, 0, 0};
    for (std::size_t i = 0; i + 2 < r; ++i) g.batch *= s[i];
    g.tiles_h = (g.h + 31) / 32;
    g.tiles_w = (g.w + 31) / 32;
    return g;
}

// Distinct, exactly representable values per element type.
template <class T>
T value_at(std::size_t i);
template <>
float value_at<float>(std::size_t i) { return static_cast<float>(i) * 0.25f - 100.0f; }
template <>
std::uint16_t value_at<std::uint16_t>(std::size_t i) { return static_cast<std::uint16_t>(i * 7919 % 65536); }
template <>
std::int32_t value_at<std::int32_t>(std::size_t i) { return static_cast<std::int32_t>(i * 2654435761u); }
template <>
std::uint8_t value_at<std::uint8_t>(std::size_t i) { return static_cast<std::uint8_t>(i * 31 + 1); }
// bfloat16 patterns: finite, both signs (a NaN would not survive the float staging unchanged).
std::uint16_t bf16_at(std::size_t i) { return static_cast<std::uint16_t>((i * 40503 % 0x7F80) | (i % 2) << 15); }

template <class T>
void check_tilize_round_trip(Format format, std::vector<T> src, T pad_expected, float pad, const Shape& shape) {
    SCOPED_TRACE("shape " + shape.to_string());
    const Geometry g = geometry(shape);
    const std::size_t tiles = shape.volume() == 0 ? 0 : g.batch * g.tiles_h * g.tiles_w;
    // A sentinel fill shows bytes the conversion forgot to write.
    const T sentinel = static_cast<T>(0x5A);
    const auto tiled = convert<T, T>(src, format, Layout::ROW_MAJOR, format, Layout::TILE, shape, tiles * 1024 + 16,
                                     pad, sentinel);
    for (std::size_t b = 0; b < g.batch && tiles; ++b)
        for (std::size_t y = 0; y < g.tiles_h * 32; ++y)
            for (std::size_t x = 0; x < g.tiles_w * 32; ++x) {
                const std::size_t tile = (b * g.tiles_h + y / 32) * g.tiles_w + x / 32;
                const T got = tiled[tile * 1024 + tile_offset(y % 32, x % 32)];
                const bool inside = y < g.h && x < g.w;
                const T want = inside ? src[(b * g.h + y) * g.w + x] : pad_expected;
                ASSERT_EQ(got, want) << "batch " << b << " row " << y << " col " << x << (inside ? "" : " (padding)");
            }
    for (std::size_t i = tiles * 1024; i < tiled.size(); ++i) ASSERT_EQ(tiled[i], sentinel) << "wrote past the tiles";
    const auto back = convert<T, T>(tiled, format, Layout::TILE, format, Layout::ROW_MAJOR, shape, src.size());
    EXPECT_EQ(back, src);
}

template <class T>
void run_all_shapes(Format format, float pad, T pad_expected, T (*value)(std::size_t)) {
    for (const Shape& shape : kShapes) {
        std::vector<T> src(shape.volume());
        for (std::size_t i = 0; i < src.size(); ++i) src[i] = value(i);
        check_tilize_round_trip<T>(format, src, pad_expected, pad, shape);
        if (::testing::Test::HasFatalFailure()) return;
    }
}

}  // namespace

TEST(Tilize, Float32) { run_all_shapes<float>(Format::F32, -1.5f, -1.5f, &value_at<float>); }
TEST(Tilize, BFloat16) { run_all_shapes<std::uint16_t>(Format::BF16, 2.5f, 0x4020, &bf16_at); }
TEST(Tilize, Int32) { run_all_shapes<std::int32_t>(Format::I32, -3.0f, -3, &value_at<std::int32_t>); }
TEST(Tilize, UInt16) { run_all_shapes<std::uint16_t>(Format::U16, 7.0f, 7, &value_at<std::uint16_t>); }
TEST(Tilize, UInt8) { run_all_shapes<std::uint8_t>(Format::U8, 9.0f, 9, &value_at<std::uint8_t>); }

TEST(Tilize, ZeroVolumeWritesNothing) {
    for (const Shape& shape : {Shape{0, 5}, Shape{2, 0, 3}, Shape{4, 7, 0}, Shape{0}}) {
        std::vector<float> src(1, 1.0f);
        const auto out = convert<float, float>(src, Format::F32, Layout::ROW_MAJOR, Format::F32, Layout::TILE, shape,
                                               64, 3.0f, 42.0f);
        for (float v : out) ASSERT_EQ(v, 42.0f) << shape.to_string();
    }
}

TEST(Tilize, TileToTileKeepsPadding) {
    // TILE -> TILE dtype changes carry the padded region along (it is part of the stored tiles).
    std::vector<float> src(31 * 33);
    for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<float>(i % 100);
    const Shape shape{31, 33};
    const auto f32_tiles = convert<float, float>(src, Format::F32, Layout::ROW_MAJOR, Format::F32, Layout::TILE, shape,
                                                 2048, 6.0f);
    const auto bf16_tiles = convert<float, std::uint16_t>(f32_tiles, Format::F32, Layout::TILE, Format::BF16,
                                                          Layout::TILE, shape, 2048);
    for (std::size_t i = 0; i < 2048; ++i) {
        ASSERT_EQ(bf16_tiles[i], std::bit_cast<std::uint32_t>(f32_tiles[i]) >> 16) << i;  // exact in bf16
    }
    EXPECT_EQ(bf16_tiles[tile_offset(31, 0)], 0x40C0);  // 6.0: a padding row
}

TEST(CrossDomain, FloatToIntTruncatesSaturatesNaNToZero) {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    const std::vector<float> src = {2.7f,  -2.7f, 0.99f, -0.99f, 1e20f, -1e20f, nan,  -nan,  inf,
                                    -inf,  2147483520.0f, 2147483648.0f, -2147483648.0f, 300.0f, -5.5f, 65535.9f};
    const Shape shape{static_cast<std::int64_t>(src.size())};
    const auto i32 = convert<float, std::int32_t>(src, Format::F32, Layout::ROW_MAJOR, Format::I32, Layout::ROW_MAJOR,
                                                  shape, src.size());
    constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max(), kMin = std::numeric_limits<std::int32_t>::min();
    EXPECT_EQ(i32, (std::vector<std::int32_t>{2, -2, 0, 0, kMax, kMin, 0, 0, kMax, kMin, 2147483520, kMax, kMin, 300,
                                              -5, 65535}));
    const auto u8 = convert<float, std::uint8_t>(src, Format::F32, Layout::ROW_MAJOR, Format::U8, Layout::ROW_MAJOR,
                                                 shape, src.size());
    EXPECT_EQ(u8, (std::vector<std::uint8_t>{2, 0, 0, 0, 255, 0, 0, 0, 255, 0, 255, 255, 0, 255, 0, 255}));
    const auto u16 = convert<float, std::uint16_t>(src, Format::F32, Layout::ROW_MAJOR, Format::U16,
                                                   Layout::ROW_MAJOR, shape, src.size());
    EXPECT_EQ(u16, (std::vector<std::uint16_t>{2, 0, 0, 0, 65535, 0, 0, 0, 65535, 0, 65535, 65535, 0, 300, 0, 65535}));
    const auto u32 = convert<float, std::uint32_t>(src, Format::F32, Layout::ROW_MAJOR, Format::U32,
                                                   Layout::ROW_MAJOR, shape, src.size());
    EXPECT_EQ(u32[4], 4294967295u);
    EXPECT_EQ(u32[11], 2147483648u);
    EXPECT_EQ(u32[1], 0u);
    // The same rules hold when tilizing into an integer dtype; the pad value is converted the same way.
    const auto tiled = convert<float, std::int32_t>(src, Format::F32, Layout::ROW_MAJOR, Format::I32, Layout::TILE,
                                                    shape, 1024, -7.9f);
    EXPECT_EQ(tiled[tile_offset(0, 0)], 2);
    EXPECT_EQ(tiled[tile_offset(0, 6)], 0);       // NaN
    EXPECT_EQ(tiled[tile_offset(0, 20)], -7);     // padding, toward zero
    EXPECT_EQ(tiled[tile_offset(5, 3)], -7);
}

TEST(CrossDomain, IntToFloatRoundsToNearest) {
    const std::vector<std::int32_t> src = {16777217, -7, std::numeric_limits<std::int32_t>::min(), 257, 259, 0};
    const Shape shape{static_cast<std::int64_t>(src.size())};
    const auto f32 = convert<std::int32_t, float>(src, Format::I32, Layout::ROW_MAJOR, Format::F32, Layout::ROW_MAJOR,
                                                  shape, src.size());
    EXPECT_EQ(f32, (std::vector<float>{16777216.0f, -7.0f, -2147483648.0f, 257.0f, 259.0f, 0.0f}));
    // bfloat16 keeps 8 significant bits: 257 and 259 are ties, resolved to even (256, 260).
    const auto bf16 = convert<std::int32_t, std::uint16_t>(src, Format::I32, Layout::ROW_MAJOR, Format::BF16,
                                                           Layout::ROW_MAJOR, shape, src.size());
    EXPECT_EQ(bf16[3], 0x4380);
    EXPECT_EQ(bf16[4], 0x4382);
    EXPECT_EQ(bf16[1], 0xC0E0);
    // int -> int saturates to the destination range.
    const auto u8 = convert<std::int32_t, std::uint8_t>({-1, 300, 255, 0, 17, std::numeric_limits<std::int32_t>::min()},
                                                        Format::I32, Layout::ROW_MAJOR, Format::U8, Layout::ROW_MAJOR,
                                                        Shape{6}, 6);
    EXPECT_EQ(u8, (std::vector<std::uint8_t>{0, 255, 255, 0, 17, 0}));
    const auto i32 = convert<std::uint32_t, std::int32_t>({4294967295u, 5u}, Format::U32, Layout::ROW_MAJOR,
                                                          Format::I32, Layout::ROW_MAJOR, Shape{2}, 2);
    EXPECT_EQ(i32, (std::vector<std::int32_t>{std::numeric_limits<std::int32_t>::max(), 5}));
}

TEST(CrossDomain, IntSourcePadValueFollowsFloatToIntRule) {
    // Padding an integer source is the float -> int conversion of pad_value: toward zero, saturating,
    // NaN -> 0, as for float data. Values outside int64 (or NaN) must not reach a raw cast.
    const std::vector<std::int32_t> src = {1, 2, 3};
    auto pad_of = [&](float pad) {
        const auto t = convert<std::int32_t, std::int32_t>(src, Format::I32, Layout::ROW_MAJOR, Format::I32,
                                                           Layout::TILE, Shape{1, 3}, 1024, pad);
        return t[tile_offset(0, 5)];
    };
    EXPECT_EQ(pad_of(-2.9f), -2);
    EXPECT_EQ(pad_of(1e10f), std::numeric_limits<std::int32_t>::max());
    EXPECT_EQ(pad_of(std::numeric_limits<float>::quiet_NaN()), 0);
    EXPECT_EQ(pad_of(1e30f), std::numeric_limits<std::int32_t>::max());
    EXPECT_EQ(pad_of(-std::numeric_limits<float>::infinity()), std::numeric_limits<std::int32_t>::min());
}
