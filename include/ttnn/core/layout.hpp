// Tensor layouts and the geometry of a tile: 32x32 elements stored as four 16x16 faces
// (top-left, top-right, bottom-left, bottom-right), each face row-major.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ttnn {

enum class Layout : std::uint8_t { ROW_MAJOR = 0, TILE = 1 };

inline constexpr std::size_t kTileHeight = 32;
inline constexpr std::size_t kTileWidth = 32;
inline constexpr std::size_t kFaceHeight = 16;
inline constexpr std::size_t kFaceWidth = 16;
inline constexpr std::size_t kTileElements = kTileHeight * kTileWidth;
inline constexpr std::size_t kFaceElements = kFaceHeight * kFaceWidth;

std::string_view to_string(Layout layout);

// Position of element (row, col) of a tile (0 <= row, col < 32) in the tile's storage order.
constexpr std::size_t tile_offset(std::size_t row, std::size_t col) {
    const std::size_t face = (row / kFaceHeight) * 2 + (col / kFaceWidth);
    return face * kFaceElements + (row % kFaceHeight) * kFaceWidth + (col % kFaceWidth);
}

}  // namespace ttnn
