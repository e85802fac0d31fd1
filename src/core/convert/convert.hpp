// The conversion driver: moves a whole tensor between two storages of the same logical shape,
// each a (format, layout) pair, in parallel on a thread pool. Everything that changes a tensor's
// dtype or layout on the host (from_torch, to_torch, to_layout, typecast, tilize/untilize) is one
// call of convert_storage with different ends.
#pragma once

#include <cstddef>

#include "codec.hpp"
#include "ttnn/core/dtype.hpp"
#include "ttnn/core/layout.hpp"
#include "ttnn/core/shape.hpp"
#include "ttnn/core/thread_pool.hpp"

namespace ttnn::codec {

struct StorageView {
    std::byte* data = nullptr;
    Format format = Format::F32;
    Layout layout = Layout::ROW_MAJOR;
};

Format format_of(DataType dtype);
// Bytes one stored tile of `format` takes.
std::size_t tile_bytes(Format format);
std::size_t element_bytes(Format format);  // formats with a flat form only

// Converts a tensor of logical shape `shape` from `src` to `dst`. Padding that `dst` has and `src`
// lacks (ROW_MAJOR -> TILE) is filled with pad_value. `src` and `dst` must not overlap.
void convert_storage(const StorageView& src, const StorageView& dst, const Shape& shape, float pad_value,
                     ThreadPool& pool);

}  // namespace ttnn::codec
