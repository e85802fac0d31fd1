// Tensor shapes: rank 0 to 8, stored inline. A tensor has a logical shape (what the user asked for)
// and a padded shape (what TILE layout stores: last two dims rounded up to multiples of 32).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "ttnn/core/layout.hpp"

namespace ttnn {

inline constexpr std::size_t kMaxRank = 8;

class Shape {
public:
    Shape() = default;
    // Throws InvalidArgument naming `op` for rank > 8 or a negative dim.
    Shape(std::span<const std::int64_t> dims, std::string_view op = "ttnn.Shape");
    Shape(std::initializer_list<std::int64_t> dims);

    std::size_t rank() const { return rank_; }
    std::uint32_t operator[](std::size_t i) const { return dims_[i]; }
    std::uint32_t& operator[](std::size_t i) { return dims_[i]; }
    // Python-style index: -1 is the last dim.
    std::uint32_t at(std::int64_t i) const;
    std::span<const std::uint32_t> dims() const { return {dims_.data(), rank_}; }
    std::size_t volume() const;

    bool operator==(const Shape& other) const;
    bool operator!=(const Shape& other) const { return !(*this == other); }
    // "[3, 50, 70]"
    std::string to_string() const;

private:
    std::array<std::uint32_t, kMaxRank> dims_{};
    std::size_t rank_ = 0;
};

constexpr std::size_t round_up(std::size_t value, std::size_t multiple) {
    return (value + multiple - 1) / multiple * multiple;
}

// The shape a layout stores: for TILE the last two dims padded up to multiples of 32 (a rank-1
// tensor pads its only dim), for ROW_MAJOR the logical shape itself.
Shape padded_shape_for(const Shape& logical, Layout layout);

// A tensor seen as a stack of 2-D matrices: batch x height x width (height 1 for rank < 2).
struct Matrix3d {
    std::size_t batch = 1;
    std::size_t height = 1;
    std::size_t width = 1;
};
Matrix3d as_matrix3d(const Shape& shape);

}  // namespace ttnn
