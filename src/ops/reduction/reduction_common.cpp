// Helpers shared by the reduction ops: dim lists, reduced shapes, output configs, integer wrapping.
#include <algorithm>
#include <string>

#include "reduce_kernels.hpp"
#include "ttnn/core/error.hpp"

namespace ttnn::ops::reduction {

std::vector<std::size_t> normalize_dims(const std::optional<std::vector<std::int64_t>>& dims, std::size_t rank,
                                        std::string_view op) {
    std::vector<std::size_t> out;
    if (!dims || dims->empty()) {
        for (std::size_t d = 0; d < rank; ++d) out.push_back(d);
        return out;
    }
    for (std::int64_t d : *dims) {
        const std::size_t n = normalize_dim(d, rank, op);
        if (std::find(out.begin(), out.end(), n) != out.end()) {
            throw InvalidArgument(op, "dim=" + std::to_string(d) + " appears more than once in the dims to reduce");
        }
        out.push_back(n);
    }
    std::sort(out.begin(), out.end());
    return out;
}

Shape reduced_shape(const Shape& shape, const std::vector<bool>& reduced, bool keepdim) {
    std::vector<std::int64_t> dims;
    for (std::size_t d = 0; d < shape.rank(); ++d) {
        if (!reduced[d])
            dims.push_back(shape[d]);
        else if (keepdim)
            dims.push_back(1);
    }
    return Shape(dims);
}

MemoryConfig reduced_output_config(const std::optional<MemoryConfig>& requested, const Tensor& input) {
    if (requested) return *requested;
    MemoryConfig config = input.memory_config();
    if (config.is_sharded()) {
        config.memory_layout = TensorMemoryLayout::INTERLEAVED;
        config.shard_spec.reset();
    }
    return config;
}

std::int64_t wrap_to(DataType dtype, std::int64_t v) {
    switch (dtype) {
        case DataType::INT32:
            return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
        case DataType::UINT32:
            return static_cast<std::uint32_t>(v);
        case DataType::UINT16:
            return static_cast<std::uint16_t>(v);
        case DataType::UINT8:
            return static_cast<std::uint8_t>(v);
        default:
            return v;
    }
}

void wrap_all(I64Array& values, DataType dtype, ThreadPool& pool) {
    std::int64_t* p = values.data();
    pool.parallel_for(values.size(), 1 << 15, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) p[i] = wrap_to(dtype, p[i]);
    });
}

std::vector<Group> coalesce(const Shape& shape, const std::vector<bool>& reduced) {
    std::vector<Group> groups;
    for (std::size_t d = 0; d < shape.rank(); ++d) {
        if (shape[d] == 1) continue;
        if (!groups.empty() && groups.back().reduced == reduced[d]) {
            groups.back().size *= shape[d];
        } else {
            groups.push_back({shape[d], reduced[d]});
        }
    }
    return groups;
}

Olr olr_of(const Shape& shape, std::size_t dim) {
    Olr g;
    for (std::size_t d = 0; d < dim; ++d) g.outer *= shape[d];
    g.reduced = shape.rank() == 0 ? 1 : shape[dim];
    for (std::size_t d = dim + 1; d < shape.rank(); ++d) g.inner *= shape[d];
    return g;
}

std::size_t segments_for(std::size_t items, std::size_t length, std::size_t num_threads) {
    const std::size_t wanted = 4 * num_threads;
    if (items == 0 || items >= wanted) return 1;
    const std::size_t by_threads = (wanted + items - 1) / items;
    const std::size_t by_length = std::max<std::size_t>(1, length / 8192);
    return std::max<std::size_t>(1, std::min(by_threads, by_length));
}

}  // namespace ttnn::ops::reduction
