// Writes a convolution's output into its TT-NN storage while the engine is still running: each
// piece of the convolution reports the rows of the flattened [n*oh*ow, oc] output it finished, and
// the rows are encoded (rounded, tiled, block-float packed by the same codec as make_output) while
// they are still in the finishing thread's cache. A 32-row tile row shared by two pieces is
// encoded by whichever thread completes it.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

#include "ttnn/core/tensor.hpp"

namespace ttnn::ops::conv_detail {

class OutputWriter {
public:
    // `values`: the float32 rows, rows x cols, row-major; `out`: a tensor of that logical
    // [1, 1, rows, cols] shape whose single shard receives the encoding.
    OutputWriter(const float* values, std::size_t rows, std::size_t cols, const Tensor& out, std::string_view op);
    // Rows [begin, end) are final. Thread safe; every row is reported exactly once.
    void rows_done(std::size_t begin, std::size_t end);

private:
    void write_tile_row(std::size_t tile_row);

    const float* values_;
    std::size_t rows_, cols_;
    Layout layout_;
    int format_;
    std::byte* out_;
    std::size_t tile_bytes_ = 0, tiles_w_ = 0;
    std::unique_ptr<std::atomic<std::uint32_t>[]> pending_;  // rows still missing, per tile row
};

}  // namespace ttnn::ops::conv_detail
