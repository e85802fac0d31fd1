// TT-NN's data types, with the same names and enum values as tt-metal's ttnn::DataType.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ttnn {

enum class DataType : std::uint8_t {
    BFLOAT16 = 0,
    FLOAT32 = 1,
    UINT32 = 2,
    BFLOAT8_B = 3,
    BFLOAT4_B = 4,
    UINT8 = 5,
    UINT16 = 6,
    INT32 = 7,
};

inline constexpr DataType kAllDataTypes[] = {
    DataType::BFLOAT16, DataType::FLOAT32, DataType::UINT32, DataType::BFLOAT8_B,
    DataType::BFLOAT4_B, DataType::UINT8,  DataType::UINT16, DataType::INT32,
};

// "BFLOAT16", as tt-metal prints it.
std::string_view to_string(DataType dtype);
// Parses "bfloat16" / "BFLOAT16"; throws InvalidArgument naming `op` for unknown names.
DataType parse_data_type(std::string_view name, std::string_view op);

// Block floats share one exponent per 16-element face row and exist only in TILE layout.
constexpr bool is_block_float(DataType d) { return d == DataType::BFLOAT8_B || d == DataType::BFLOAT4_B; }
constexpr bool is_floating_point(DataType d) {
    return d == DataType::BFLOAT16 || d == DataType::FLOAT32 || is_block_float(d);
}
constexpr bool is_integer(DataType d) { return !is_floating_point(d); }

// Bytes of one element for the non-block dtypes (block floats: see tile_size_bytes).
std::size_t element_size(DataType dtype);
// Bytes of one 32x32 tile: bf16 2048, fp32 4096, bfloat8_b 1088, bfloat4_b 576, ...
std::size_t tile_size_bytes(DataType dtype);
// Mantissa bits (sign excluded) of a block float element: 7 for bfloat8_b, 3 for bfloat4_b.
int block_float_mantissa_bits(DataType dtype);

}  // namespace ttnn
