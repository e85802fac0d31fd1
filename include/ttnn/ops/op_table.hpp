// The op table (op_table.def) as C++: an OpId per op, its name, family, supported dtypes and
// layouts, and the check every op runs on its inputs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ttnn/core/tensor.hpp"

namespace ttnn::ops {

using DtypeMask = std::uint32_t;
constexpr DtypeMask bit(DataType d) { return DtypeMask{1} << static_cast<int>(d); }
inline constexpr DtypeMask kFloat =
    bit(DataType::BFLOAT16) | bit(DataType::FLOAT32) | bit(DataType::BFLOAT8_B) | bit(DataType::BFLOAT4_B);
inline constexpr DtypeMask kInt = bit(DataType::INT32) | bit(DataType::UINT32) | bit(DataType::UINT16) | bit(DataType::UINT8);
inline constexpr DtypeMask kAny = kFloat | kInt;

using LayoutMask = std::uint32_t;
inline constexpr LayoutMask kRowMajor = 1u << static_cast<int>(Layout::ROW_MAJOR);
inline constexpr LayoutMask kTile = 1u << static_cast<int>(Layout::TILE);
inline constexpr LayoutMask kAnyLayout = kRowMajor | kTile;

enum class OpId : std::uint16_t {
#define TTNN_OP(name, family, dtypes, layouts, summary) name,
#include "ttnn/ops/op_table.def"
#undef TTNN_OP
    kCount
};

struct OpInfo {
    std::string_view name;     // the TT-NN Python name, without "ttnn."
    std::string_view family;
    DtypeMask dtypes;
    LayoutMask layouts;
    std::string_view summary;
};

std::span<const OpInfo> op_table();
const OpInfo& op_info(OpId id);
// "ttnn.softmax"
std::string qualified_name(OpId id);
// "BFLOAT16, FLOAT32, BFLOAT8_B, BFLOAT4_B"
std::string describe_dtypes(DtypeMask mask);
std::string describe_layouts(LayoutMask mask);

// Raises InvalidArgument unless `tensor` (the argument named `arg`) has a dtype and layout the op
// supports; raises InvalidState if it is deallocated or its device closed; InvalidArgument if it
// is not on a device (TT-NN ops run on device tensors).
void check_input(OpId id, const Tensor& tensor, std::string_view arg);

}  // namespace ttnn::ops
