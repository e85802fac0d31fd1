// DataType names and sizes, Shape construction and the padded/matrix views of a shape. Expected
// numbers are TT-NN's (tt-metal's DataType enum and tile sizes), written out here by hand.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include "ttnn/core/dtype.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/core/layout.hpp"
#include "ttnn/core/shape.hpp"

using namespace ttnn;

TEST(DataType, NamesRoundTripAndMatchTtMetal) {
    const std::vector<std::pair<DataType, std::string>> expected = {
        {DataType::BFLOAT16, "BFLOAT16"}, {DataType::FLOAT32, "FLOAT32"},     {DataType::UINT32, "UINT32"},
        {DataType::BFLOAT8_B, "BFLOAT8_B"}, {DataType::BFLOAT4_B, "BFLOAT4_B"}, {DataType::UINT8, "UINT8"},
        {DataType::UINT16, "UINT16"},     {DataType::INT32, "INT32"},
    };
    for (const auto& [dtype, name] : expected) {
        EXPECT_EQ(to_string(dtype), name);
        EXPECT_EQ(parse_data_type(name, "op"), dtype);
        std::string lower = name;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        EXPECT_EQ(parse_data_type(lower, "op"), dtype) << lower;
    }
    // The numeric values are part of the ABI shared with tt-metal (pickled tensors, bindings).
    EXPECT_EQ(static_cast<int>(DataType::BFLOAT8_B), 3);
    EXPECT_EQ(static_cast<int>(DataType::INT32), 7);
}

TEST(DataType, UnknownNameThrowsNamingOpAndName) {
    try {
        parse_data_type("float64", "ttnn.from_torch");
        FAIL() << "no throw";
    } catch (const InvalidArgument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("float64"), std::string::npos) << what;
        EXPECT_NE(what.find("ttnn.from_torch"), std::string::npos) << what;
        EXPECT_EQ(e.op(), "ttnn.from_torch");
    }
    EXPECT_THROW(parse_data_type("", "op"), InvalidArgument);
    EXPECT_THROW(parse_data_type("bfloat16 ", "op"), InvalidArgument);
}

TEST(DataType, TileAndElementSizes) {
    EXPECT_EQ(tile_size_bytes(DataType::UINT8), 1024u);
    EXPECT_EQ(tile_size_bytes(DataType::UINT16), 2048u);
    EXPECT_EQ(tile_size_bytes(DataType::BFLOAT16), 2048u);
    EXPECT_EQ(tile_size_bytes(DataType::FLOAT32), 4096u);
    EXPECT_EQ(tile_size_bytes(DataType::INT32), 4096u);
    EXPECT_EQ(tile_size_bytes(DataType::UINT32), 4096u);
    EXPECT_EQ(tile_size_bytes(DataType::BFLOAT8_B), 1088u);  // 1024 codes + 64 exponents
    EXPECT_EQ(tile_size_bytes(DataType::BFLOAT4_B), 576u);   // 512 code bytes + 64 exponents
    EXPECT_EQ(element_size(DataType::UINT8), 1u);
    EXPECT_EQ(element_size(DataType::BFLOAT16), 2u);
    EXPECT_EQ(element_size(DataType::INT32), 4u);
    EXPECT_THROW(element_size(DataType::BFLOAT8_B), InvalidArgument);
    EXPECT_EQ(block_float_mantissa_bits(DataType::BFLOAT8_B), 7);
    EXPECT_EQ(block_float_mantissa_bits(DataType::BFLOAT4_B), 3);
    EXPECT_THROW(block_float_mantissa_bits(DataType::BFLOAT16), InvalidArgument);
    EXPECT_TRUE(is_block_float(DataType::BFLOAT4_B));
    EXPECT_TRUE(is_floating_point(DataType::BFLOAT8_B));
    EXPECT_TRUE(is_integer(DataType::UINT16));
    EXPECT_FALSE(is_integer(DataType::FLOAT32));
}

TEST(Layout, TileOffsetFollowsFaceOrder) {
    // Faces TL, TR, BL, BR of 256 elements each, row-major inside a face.
    EXPECT_EQ(tile_offset(0, 0), 0u);
    EXPECT_EQ(tile_offset(0, 15), 15u);
    EXPECT_EQ(tile_offset(1, 0), 16u);
    EXPECT_EQ(tile_offset(15, 15), 255u);
    EXPECT_EQ(tile_offset(0, 16), 256u);
    EXPECT_EQ(tile_offset(1, 17), 256u + 16 + 1);
    EXPECT_EQ(tile_offset(16, 0), 512u);
    EXPECT_EQ(tile_offset(16, 16), 768u);
    EXPECT_EQ(tile_offset(31, 31), 1023u);
}

TEST(Shape, Ranks0To8) {
    for (std::size_t rank = 0; rank <= 8; ++rank) {
        std::vector<std::int64_t> dims(rank);
        std::size_t volume = 1;
        for (std::size_t i = 0; i < rank; ++i) {
            dims[i] = static_cast<std::int64_t>(i + 2);
            volume *= i + 2;
        }
        const Shape s(dims);
        EXPECT_EQ(s.rank(), rank);
        EXPECT_EQ(s.volume(), volume);  // rank 0 is a scalar: volume 1
        for (std::size_t i = 0; i < rank; ++i) EXPECT_EQ(s[i], i + 2);
    }
}

TEST(Shape, Rank9AndNegativeDimThrow) {
    const std::vector<std::int64_t> nine(9, 1);
    try {
        Shape s(nine, "ttnn.reshape");
        FAIL() << "rank 9 accepted";
    } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("9"), std::string::npos) << e.what();
        EXPECT_EQ(e.op(), "ttnn.reshape");
    }
    try {
        Shape s({2, -3});
        FAIL() << "negative dim accepted";
    } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("-3"), std::string::npos) << e.what();
    }
    EXPECT_THROW(Shape({std::int64_t{1} << 32}), InvalidArgument);
}

TEST(Shape, AtVolumeEqualityToString) {
    const Shape s{3, 50, 70};
    EXPECT_EQ(s.at(-1), 70u);
    EXPECT_EQ(s.at(-3), 3u);
    EXPECT_EQ(s.at(1), 50u);
    EXPECT_THROW(s.at(3), InvalidArgument);
    EXPECT_THROW(s.at(-4), InvalidArgument);
    EXPECT_THROW(Shape{}.at(-1), InvalidArgument);
    EXPECT_EQ(s.volume(), 10500u);
    EXPECT_EQ(Shape({4, 0, 5}).volume(), 0u);
    EXPECT_EQ(s.to_string(), "[3, 50, 70]");
    EXPECT_EQ(Shape{}.to_string(), "[]");
    EXPECT_EQ(s, (Shape{3, 50, 70}));
    EXPECT_NE(s, (Shape{3, 50}));
    EXPECT_NE(s, (Shape{3, 50, 71}));
}

TEST(Shape, PaddedShapeForTile) {
    EXPECT_EQ(padded_shape_for(Shape{}, Layout::TILE), Shape{});
    EXPECT_EQ(padded_shape_for(Shape{5}, Layout::TILE), Shape{32});
    EXPECT_EQ(padded_shape_for(Shape{64}, Layout::TILE), Shape{64});
    EXPECT_EQ(padded_shape_for(Shape({1, 1}), Layout::TILE), (Shape{32, 32}));
    EXPECT_EQ(padded_shape_for(Shape({32, 33}), Layout::TILE), (Shape{32, 64}));
    EXPECT_EQ(padded_shape_for(Shape({31, 64}), Layout::TILE), (Shape{32, 64}));
    EXPECT_EQ(padded_shape_for(Shape({3, 50, 70}), Layout::TILE), (Shape{3, 64, 96}));
    EXPECT_EQ(padded_shape_for(Shape({3, 64, 96}), Layout::TILE), (Shape{3, 64, 96}));
    EXPECT_EQ(padded_shape_for(Shape({3, 0, 1}), Layout::TILE), (Shape{3, 0, 32}));
    // ROW_MAJOR stores the logical shape.
    EXPECT_EQ(padded_shape_for(Shape({3, 50, 70}), Layout::ROW_MAJOR), (Shape{3, 50, 70}));
}

TEST(Shape, AsMatrix3d) {
    auto check = [](const Shape& s, std::size_t b, std::size_t h, std::size_t w) {
        const Matrix3d m = as_matrix3d(s);
        EXPECT_EQ(m.batch, b) << s.to_string();
        EXPECT_EQ(m.height, h) << s.to_string();
        EXPECT_EQ(m.width, w) << s.to_string();
    };
    check(Shape{}, 1, 1, 1);
    check(Shape{7}, 1, 1, 7);
    check(Shape({4, 7}), 1, 4, 7);
    check(Shape({2, 3, 4, 7}), 6, 4, 7);
    check(Shape({2, 0, 4, 7}), 0, 4, 7);
}

TEST(Error, FormatBytes) {
    EXPECT_EQ(format_bytes(0), "0 B");
    EXPECT_EQ(format_bytes(1023), "1023 B");
    EXPECT_EQ(format_bytes(1536 * 1024), "1.50 MiB");
    EXPECT_EQ(format_bytes(std::size_t{12} << 30), "12.00 GiB");
}
