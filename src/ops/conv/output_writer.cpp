// Encodes finished output rows into their TT-NN storage (see output_writer.hpp).
#include "output_writer.hpp"

#include <algorithm>
#include <cstring>

#include "core/convert/convert.hpp"

namespace ttnn::ops::conv_detail {

namespace {
constexpr std::size_t kT = codec::kBlock;
}

OutputWriter::OutputWriter(const float* values, std::size_t rows, std::size_t cols, const Tensor& out,
                           std::string_view op)
    : values_(values), rows_(rows), cols_(cols), layout_(out.layout()),
      format_(static_cast<int>(codec::format_of(out.dtype()))), out_(out.shard_data(0, op)) {
    if (layout_ == Layout::TILE) {
        tile_bytes_ = codec::tile_bytes(static_cast<codec::Format>(format_));
        tiles_w_ = (cols + kT - 1) / kT;
        const std::size_t tile_rows = (rows + kT - 1) / kT;
        pending_ = std::make_unique<std::atomic<std::uint32_t>[]>(tile_rows);
        for (std::size_t t = 0; t < tile_rows; ++t) {
            pending_[t].store(static_cast<std::uint32_t>(std::min(kT, rows - t * kT)), std::memory_order_relaxed);
        }
    }
}

void OutputWriter::rows_done(std::size_t begin, std::size_t end) {
    const codec::FormatKernels& k = codec::active_kernels().formats[format_];
    if (layout_ == Layout::ROW_MAJOR) {
        k.write_flat(values_ + begin * cols_, out_, begin * cols_, (end - begin) * cols_);
        return;
    }
    for (std::size_t t = begin / kT; t * kT < end; ++t) {
        const std::size_t overlap = std::min(end, (t + 1) * kT) - std::max(begin, t * kT);
        // acq_rel: the thread that completes a tile row sees the rows the others wrote.
        if (pending_[t].fetch_sub(static_cast<std::uint32_t>(overlap), std::memory_order_acq_rel) == overlap) {
            write_tile_row(t);
        }
    }
}

void OutputWriter::write_tile_row(std::size_t tile_row) {
    const codec::FormatKernels& k = codec::active_kernels().formats[format_];
    alignas(64) float stage[kT * kT];
    const std::size_t row0 = tile_row * kT, rows = std::min(kT, rows_ - row0);
    for (std::size_t tc = 0; tc < tiles_w_; ++tc) {
        const std::size_t col0 = tc * kT, cols = std::min(kT, cols_ - col0);
        for (std::size_t r = 0; r < kT; ++r) {
            float* dst = stage + r * kT;
            if (r < rows) {
                std::memcpy(dst, values_ + (row0 + r) * cols_ + col0, cols * sizeof(float));
                std::fill(dst + cols, dst + kT, 0.f);
            } else {
                std::fill(dst, dst + kT, 0.f);
            }
        }
        k.write_tile(stage, out_ + (tile_row * tiles_w_ + tc) * tile_bytes_);
    }
}

}  // namespace ttnn::ops::conv_detail
