#include "ttnn/core/shape.hpp"

#include <limits>

#include "ttnn/core/error.hpp"

namespace ttnn {

std::string_view to_string(Layout layout) { return layout == Layout::TILE ? "TILE" : "ROW_MAJOR"; }

Shape::Shape(std::span<const std::int64_t> dims, std::string_view op) {
    if (dims.size() > kMaxRank) {
        throw InvalidArgument(op, "rank " + std::to_string(dims.size()) + " is above the maximum rank of " +
                                      std::to_string(kMaxRank));
    }
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] < 0 || dims[i] > std::numeric_limits<std::uint32_t>::max()) {
            throw InvalidArgument(op, "dim " + std::to_string(i) + " = " + std::to_string(dims[i]) +
                                          " is out of range [0, 2^32)");
        }
        dims_[i] = static_cast<std::uint32_t>(dims[i]);
    }
    rank_ = dims.size();
}

Shape::Shape(std::initializer_list<std::int64_t> dims) : Shape(std::span<const std::int64_t>(dims.begin(), dims.size())) {}

std::uint32_t Shape::at(std::int64_t i) const {
    const std::int64_t rank = static_cast<std::int64_t>(rank_);
    const std::int64_t index = i < 0 ? i + rank : i;
    if (index < 0 || index >= rank) {
        throw InvalidArgument("ttnn.Shape", "index " + std::to_string(i) + " is out of range for rank " +
                                                std::to_string(rank_));
    }
    return dims_[static_cast<std::size_t>(index)];
}

std::size_t Shape::volume() const {
    std::size_t v = 1;
    for (std::size_t i = 0; i < rank_; ++i) v *= dims_[i];
    return v;
}

bool Shape::operator==(const Shape& other) const {
    if (rank_ != other.rank_) return false;
    for (std::size_t i = 0; i < rank_; ++i) {
        if (dims_[i] != other.dims_[i]) return false;
    }
    return true;
}

std::string Shape::to_string() const {
    std::string text = "[";
    for (std::size_t i = 0; i < rank_; ++i) {
        if (i) text += ", ";
        text += std::to_string(dims_[i]);
    }
    return text + "]";
}

Shape padded_shape_for(const Shape& logical, Layout layout) {
    Shape padded = logical;
    if (layout != Layout::TILE || logical.rank() == 0) return padded;
    const std::size_t r = logical.rank();
    padded[r - 1] = static_cast<std::uint32_t>(round_up(logical[r - 1], kTileWidth));
    if (r >= 2) padded[r - 2] = static_cast<std::uint32_t>(round_up(logical[r - 2], kTileHeight));
    return padded;
}

Matrix3d as_matrix3d(const Shape& shape) {
    Matrix3d m;
    const std::size_t r = shape.rank();
    if (r >= 1) m.width = shape[r - 1];
    if (r >= 2) m.height = shape[r - 2];
    for (std::size_t i = 0; i + 2 < r; ++i) m.batch *= shape[i];
    return m;
}

}  // namespace ttnn
