#include "convert.hpp"

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "ttnn/core/error.hpp"

namespace ttnn::codec {

Format format_of(DataType dtype) {
    switch (dtype) {
        case DataType::FLOAT32: return Format::F32;
        case DataType::BFLOAT16: return Format::BF16;
        case DataType::BFLOAT8_B: return Format::BFP8;
        case DataType::BFLOAT4_B: return Format::BFP4;
        case DataType::INT32: return Format::I32;
        case DataType::UINT32: return Format::U32;
        case DataType::UINT16: return Format::U16;
        case DataType::UINT8: return Format::U8;
    }
    return Format::F32;
}

std::size_t element_bytes(Format format) {
    switch (format) {
        case Format::F32: case Format::I32: case Format::U32: return 4;
        case Format::BF16: case Format::U16: return 2;
        case Format::U8: return 1;
        case Format::I64: return 8;
        default: throw InvalidArgument("ttnn.convert", "a block-float format has no flat element size");
    }
}

std::size_t tile_bytes(Format format) {
    switch (format) {
        case Format::BFP8: return 1088;
        case Format::BFP4: return 576;
        default: return element_bytes(format) * kBlockElements;
    }
}

namespace {

// Staging storage big enough for a block in either domain.
struct alignas(64) Stage {
    std::int64_t values[kBlockElements];
    void* raw() { return values; }
    float* as_float() { return reinterpret_cast<float*>(values); }
    std::int64_t* as_int() { return values; }
};

struct Endpoints {
    const KernelSet& kernels;
    const FormatKernels& in;
    const FormatKernels& out;
    const StorageView& src;
    const StorageView& dst;

    // Moves n staged values from the reader's domain into the writer's.
    void* cross_domain(Stage& a, Stage& b, std::size_t n) const {
        if (in.domain == out.domain) return a.raw();
        if (in.domain == Domain::FLOAT) {
            kernels.float_to_int(a.as_float(), b.as_int(), n);
        } else {
            kernels.int_to_float(a.as_int(), b.as_float(), n);
        }
        return b.raw();
    }
};

// Integer padding follows the float -> int rule of the domain conversion (NaN -> 0, saturating,
// toward zero), so that a pad of NaN or 1e30 is defined.
void fill(Stage& stage, const KernelSet& kernels, Domain domain, std::size_t from, std::size_t to, float pad_value) {
    if (domain == Domain::FLOAT) {
        std::fill(stage.as_float() + from, stage.as_float() + to, pad_value);
    } else {
        std::int64_t pad = 0;
        kernels.float_to_int(&pad_value, &pad, 1);
        std::fill(stage.as_int() + from, stage.as_int() + to, pad);
    }
}

std::size_t stage_value_bytes(Domain domain) { return domain == Domain::FLOAT ? sizeof(float) : sizeof(std::int64_t); }

void* offset_values(void* base, Domain domain, std::size_t index) {
    return static_cast<std::byte*>(base) + index * stage_value_bytes(domain);
}

void convert_flat(const Endpoints& e, std::size_t volume, ThreadPool& pool) {
    const std::size_t chunks = (volume + kBlockElements - 1) / kBlockElements;
    pool.parallel_for(chunks, 16, [&](std::size_t begin, std::size_t end) {
        Stage a, b;
        for (std::size_t c = begin; c < end; ++c) {
            const std::size_t offset = c * kBlockElements;
            const std::size_t n = std::min(kBlockElements, volume - offset);
            e.in.read_flat(e.src.data, offset, n, a.raw());
            e.out.write_flat(e.cross_domain(a, b, n), e.dst.data, offset, n);
        }
    });
}

void convert_tiled(const Endpoints& e, const Shape& shape, float pad_value, ThreadPool& pool) {
    const Matrix3d m = as_matrix3d(shape);
    const std::size_t tiles_h = (m.height + kBlock - 1) / kBlock;
    const std::size_t tiles_w = (m.width + kBlock - 1) / kBlock;
    const std::size_t tiles_per_batch = tiles_h * tiles_w;
    const std::size_t total = m.batch * tiles_per_batch;
    const std::size_t src_tile = e.src.layout == Layout::TILE ? tile_bytes(e.src.format) : 0;
    const std::size_t dst_tile = e.dst.layout == Layout::TILE ? tile_bytes(e.dst.format) : 0;

    pool.parallel_for(total, 8, [&](std::size_t begin, std::size_t end) {
        Stage a, b;
        for (std::size_t t = begin; t < end; ++t) {
            const std::size_t batch = t / tiles_per_batch;
            const std::size_t tr = (t % tiles_per_batch) / tiles_w;
            const std::size_t tc = t % tiles_w;
            const std::size_t row0 = tr * kBlock;
            const std::size_t col0 = tc * kBlock;
            const std::size_t rows = std::min(kBlock, m.height - row0);
            const std::size_t cols = std::min(kBlock, m.width - col0);
            const std::size_t first = (batch * m.height + row0) * m.width + col0;  // row-major index

            if (src_tile) {
                e.in.read_tile(e.src.data + t * src_tile, a.raw());
            } else {
                for (std::size_t r = 0; r < rows; ++r) {
                    e.in.read_flat(e.src.data, first + r * m.width, cols,
                                   offset_values(a.raw(), e.in.domain, r * kBlock));
                    if (cols < kBlock) fill(a, e.kernels, e.in.domain, r * kBlock + cols, (r + 1) * kBlock, pad_value);
                }
                if (rows < kBlock) fill(a, e.kernels, e.in.domain, rows * kBlock, kBlockElements, pad_value);
            }
            void* staged = e.cross_domain(a, b, kBlockElements);
            if (dst_tile) {
                e.out.write_tile(staged, e.dst.data + t * dst_tile);
            } else {
                for (std::size_t r = 0; r < rows; ++r) {
                    e.out.write_flat(offset_values(staged, e.out.domain, r * kBlock), e.dst.data,
                                     first + r * m.width, cols);
                }
            }
        }
    });
}

}  // namespace

void convert_storage(const StorageView& src, const StorageView& dst, const Shape& shape, float pad_value,
                     ThreadPool& pool) {
    const KernelSet& kernels = active_kernels();
    const FormatKernels& in = kernels.formats[static_cast<int>(src.format)];
    const FormatKernels& out = kernels.formats[static_cast<int>(dst.format)];
    const Endpoints e{kernels, in, out, src, dst};
    if (shape.volume() == 0) return;
    if (src.layout == Layout::ROW_MAJOR && dst.layout == Layout::ROW_MAJOR) {
        convert_flat(e, shape.volume(), pool);
    } else {
        convert_tiled(e, shape, pad_value, pool);
    }
}

}  // namespace ttnn::codec
