#include "ttnn/core/dtype.hpp"

#include <algorithm>
#include <cctype>

#include "ttnn/core/error.hpp"
#include "ttnn/core/layout.hpp"

namespace ttnn {

std::string_view to_string(DataType dtype) {
    switch (dtype) {
        case DataType::BFLOAT16: return "BFLOAT16";
        case DataType::FLOAT32: return "FLOAT32";
        case DataType::UINT32: return "UINT32";
        case DataType::BFLOAT8_B: return "BFLOAT8_B";
        case DataType::BFLOAT4_B: return "BFLOAT4_B";
        case DataType::UINT8: return "UINT8";
        case DataType::UINT16: return "UINT16";
        case DataType::INT32: return "INT32";
    }
    return "INVALID";
}

DataType parse_data_type(std::string_view name, std::string_view op) {
    std::string upper(name);
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    for (DataType d : kAllDataTypes) {
        if (to_string(d) == upper) return d;
    }
    throw InvalidArgument(op, "unknown dtype '" + std::string(name) +
                                  "'; expected one of bfloat16, float32, bfloat8_b, bfloat4_b, uint8, uint16, "
                                  "int32, uint32");
}

std::size_t element_size(DataType dtype) {
    switch (dtype) {
        case DataType::BFLOAT16: return 2;
        case DataType::FLOAT32: return 4;
        case DataType::UINT32: return 4;
        case DataType::INT32: return 4;
        case DataType::UINT16: return 2;
        case DataType::UINT8: return 1;
        case DataType::BFLOAT8_B:
        case DataType::BFLOAT4_B:
            throw InvalidArgument("element_size", std::string(to_string(dtype)) +
                                                      " is a block float: elements have no byte size of their own");
    }
    return 0;
}

std::size_t tile_size_bytes(DataType dtype) {
    constexpr std::size_t kExponentBytes = kTileHeight * kTileWidth / kFaceWidth;  // one per face row: 64
    switch (dtype) {
        case DataType::BFLOAT8_B: return kTileElements + kExponentBytes;           // 1088
        case DataType::BFLOAT4_B: return kTileElements / 2 + kExponentBytes;       // 576
        default: return kTileElements * element_size(dtype);
    }
}

int block_float_mantissa_bits(DataType dtype) {
    switch (dtype) {
        case DataType::BFLOAT8_B: return 7;
        case DataType::BFLOAT4_B: return 3;
        default:
            throw InvalidArgument("block_float_mantissa_bits", std::string(to_string(dtype)) + " is not a block float");
    }
}

}  // namespace ttnn
