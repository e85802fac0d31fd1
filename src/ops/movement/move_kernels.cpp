// Sources, sinks and copy kernels of the movement ops (see move_kernels.hpp).
#include "move_kernels.hpp"

#include <algorithm>
#include <cstring>

#include "ttnn/core/error.hpp"
#include "ttnn/core/host_allocator.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/ops/common.hpp"

namespace ttnn::ops::movement {

Dims dims_of(const Shape& shape) { return Dims(shape.dims().begin(), shape.dims().end()); }

Shape to_shape(const Dims& dims, std::string_view op) { return Shape(std::span<const std::int64_t>(dims), op); }

std::int64_t volume_of(const Dims& dims) {
    std::int64_t v = 1;
    for (auto d : dims) v *= d;
    return v;
}

Dims contiguous_strides(const Dims& shape) {
    Dims strides(shape.size());
    std::int64_t s = 1;
    for (std::size_t i = shape.size(); i-- > 0;) {
        strides[i] = s;
        s *= shape[i];
    }
    return strides;
}

std::string to_string(const Dims& dims) {
    std::string text = "[";
    for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
    return text + "]";
}

codec::Format work_format(DataType dtype) {
    return is_block_float(dtype) ? codec::Format::F32 : codec::format_of(dtype);
}

Dims tile_grid(const Shape& logical) {
    Dims grid = dims_of(logical);
    const std::size_t r = grid.size();
    grid[r - 1] = static_cast<std::int64_t>(round_up(grid[r - 1], kTileWidth) / kTileWidth);
    grid[r - 2] = static_cast<std::int64_t>(round_up(grid[r - 2], kTileHeight) / kTileHeight);
    return grid;
}

// ---- scratch ----

Scratch::Scratch(std::size_t bytes) : bytes_(bytes) {
    if (bytes_) data_ = static_cast<std::byte*>(host_memory::allocate(bytes_));
}
Scratch::Scratch(Scratch&& other) noexcept : data_(other.data_), bytes_(other.bytes_) {
    other.data_ = nullptr;
    other.bytes_ = 0;
}
Scratch& Scratch::operator=(Scratch&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(bytes_, other.bytes_);
    return *this;
}
Scratch::~Scratch() {
    if (data_) host_memory::release(data_, bytes_);
}

// ---- sources and sinks ----

Source::Source(const Tensor& tensor, Model model, std::string_view op, bool with_tile_padding) {
    const TensorSpec& spec = tensor.spec();
    std::byte* raw = tensor.shard_data(0, op);
    if (model == Model::TILES) {
        data_ = raw;
        elem_ = tile_size_bytes(spec.dtype);
        shape_ = tile_grid(spec.logical_shape);
        return;
    }
    format_ = work_format(spec.dtype);
    elem_ = codec::element_bytes(format_);
    const Shape shape = with_tile_padding ? spec.padded_shape() : spec.logical_shape;
    shape_ = dims_of(shape);
    if (spec.layout == Layout::ROW_MAJOR) {
        data_ = raw;
        return;
    }
    scratch_ = Scratch(shape.volume() * elem_);
    codec::convert_storage({raw, codec::format_of(spec.dtype), Layout::TILE},
                           {scratch_.data(), format_, Layout::ROW_MAJOR}, shape, 0.0f, pool_of(tensor));
    data_ = scratch_.data();
}

Sink::Sink(const TensorSpec& spec, const Tensor& like, Model model, std::string_view op,
           std::optional<codec::Format> format)
    : op_(op) {
    validate_spec(spec, op);
    out_ = allocate_like_placement(spec, like, op);
    std::byte* raw = out_.shard_data(0, op);
    if (model == Model::TILES) {
        data_ = raw;
        elem_ = tile_size_bytes(spec.dtype);
        shape_ = tile_grid(spec.logical_shape);
        return;
    }
    format_ = format.value_or(work_format(spec.dtype));
    elem_ = codec::element_bytes(format_);
    shape_ = dims_of(spec.logical_shape);
    if (spec.layout == Layout::ROW_MAJOR && format_ == codec::format_of(spec.dtype)) {
        data_ = raw;
        return;
    }
    converts_ = true;
    scratch_ = Scratch(spec.logical_shape.volume() * elem_);
    data_ = scratch_.data();
}

ThreadPool& Sink::pool() const { return pool_of(out_); }

Tensor Sink::finish(float pad_value) { return finish_from(data_, pad_value); }

Tensor Sink::finish_from(const std::byte* values, float pad_value) {
    const TensorSpec& spec = out_.spec();
    if (converts_) {
        codec::convert_storage({const_cast<std::byte*>(values), format_, Layout::ROW_MAJOR},
                               {out_.shard_data(0, op_), codec::format_of(spec.dtype), spec.layout},
                               spec.logical_shape, pad_value, pool());
    } else if (values != data_) {
        const Dims shape{volume_of(shape_)};
        copy_strided(data_, {1}, values, {1}, shape, elem_, pool());
    }
    return out_;
}

// ---- kernels ----

namespace {

constexpr std::size_t kPieceBytes = std::size_t{1} << 16;  // inner runs are cut into pieces of this size
constexpr std::size_t kChunkBytes = std::size_t{1} << 16;  // least work per parallel chunk

// One loop of the parallel iteration, with byte steps.
struct Loop {
    std::int64_t count;
    std::int64_t src_step;
    std::int64_t dst_step;
};

// Walks items first, first + 1, ... of the loop nest (outer to inner), tracking byte offsets.
class Odometer {
public:
    Odometer(const std::vector<Loop>& loops, std::size_t first) : loops_(loops), index_(loops.size()) {
        auto rest = static_cast<std::int64_t>(first);
        for (std::size_t i = loops.size(); i-- > 0;) {
            index_[i] = rest % loops[i].count;
            rest /= loops[i].count;
            src += index_[i] * loops[i].src_step;
            dst += index_[i] * loops[i].dst_step;
        }
    }
    void next() {
        for (std::size_t i = loops_.size(); i-- > 0;) {
            src += loops_[i].src_step;
            dst += loops_[i].dst_step;
            if (++index_[i] < loops_[i].count) return;
            src -= loops_[i].src_step * loops_[i].count;
            dst -= loops_[i].dst_step * loops_[i].count;
            index_[i] = 0;
        }
    }
    std::int64_t index(std::size_t i) const { return index_[i]; }
    std::int64_t src = 0;
    std::int64_t dst = 0;

private:
    const std::vector<Loop>& loops_;
    std::vector<std::int64_t> index_;
};

struct Plan {
    Dims shape, dst, src;
};

// Drops size-1 dims and merges neighbours that are contiguous on both sides.
Plan simplify(const Dims& shape, const Dims& dst, const Dims& src) {
    Plan p;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == 1) continue;
        if (!p.shape.empty()) {
            const std::size_t j = p.shape.size() - 1;
            if (p.src[j] == src[i] * shape[i] && p.dst[j] == dst[i] * shape[i]) {
                p.shape[j] *= shape[i];
                p.src[j] = src[i];
                p.dst[j] = dst[i];
                continue;
            }
        }
        p.shape.push_back(shape[i]);
        p.dst.push_back(dst[i]);
        p.src.push_back(src[i]);
    }
    return p;
}

std::size_t product(const std::vector<Loop>& loops) {
    std::size_t n = 1;
    for (const Loop& l : loops) n *= static_cast<std::size_t>(l.count);
    return n;
}

// Runs of the innermost dim: memcpy when contiguous on both sides, an element loop otherwise.
void copy_runs(std::byte* dst, const std::byte* src, const Plan& p, std::size_t elem, ThreadPool& pool) {
    const std::size_t last = p.shape.size() - 1;
    const auto e = static_cast<std::int64_t>(elem);
    const std::int64_t length = p.shape[last];
    const std::int64_t piece = std::max<std::int64_t>(1, static_cast<std::int64_t>(kPieceBytes / elem));
    std::vector<Loop> loops;
    for (std::size_t i = 0; i < last; ++i) loops.push_back({p.shape[i], p.src[i] * e, p.dst[i] * e});
    loops.push_back({(length + piece - 1) / piece, piece * p.src[last] * e, piece * p.dst[last] * e});
    const std::size_t items = product(loops);
    const std::size_t item_bytes = static_cast<std::size_t>(std::min(length, piece)) * elem;
    const std::size_t grain = std::max<std::size_t>(1, kChunkBytes / item_bytes);
    const bool contiguous = p.src[last] == 1 && p.dst[last] == 1;
    dispatch_elem(elem, [&](auto mover) {
        using Mover = decltype(mover);
        pool.parallel_for(items, grain, [&](std::size_t begin, std::size_t end) {
            Odometer od(loops, begin);
            for (std::size_t item = begin; item < end; ++item, od.next()) {
                const std::int64_t n = std::min(piece, length - od.index(last) * piece);
                if (contiguous) {
                    std::memcpy(dst + od.dst, src + od.src, static_cast<std::size_t>(n) * elem);
                } else {
                    Mover::run(dst + od.dst, p.dst[last], src + od.src, p.src[last], n, elem);
                }
            }
        });
    });
}

// dst dim k is contiguous in the source, the last dst dim is not: copy blocks so that both sides
// touch whole cache lines (SSE2 register transposes inside, see FixedMover::block).
void copy_transposed(std::byte* dst, const std::byte* src, const Plan& p, std::size_t k, std::size_t elem,
                     ThreadPool& pool) {
    const std::size_t last = p.shape.size() - 1;
    const auto e = static_cast<std::int64_t>(elem);
    // Blocks of 128 x 256 bytes: two source lines per column, four destination lines per row.
    const std::int64_t brows = std::max<std::int64_t>(1, 128 / e);  // along k: contiguous in the source
    const std::int64_t bcols = std::max<std::int64_t>(1, 256 / e);  // along the last dim: contiguous in dst
    std::vector<Loop> loops;
    for (std::size_t i = 0; i < last; ++i) {
        if (i != k) loops.push_back({p.shape[i], p.src[i] * e, p.dst[i] * e});
    }
    const std::size_t kb = loops.size();
    loops.push_back({(p.shape[k] + brows - 1) / brows, brows * p.src[k] * e, brows * p.dst[k] * e});
    const std::size_t lb = loops.size();
    loops.push_back({(p.shape[last] + bcols - 1) / bcols, bcols * p.src[last] * e, bcols * p.dst[last] * e});
    const std::size_t items = product(loops);
    const std::size_t grain = std::max<std::size_t>(1, kChunkBytes / static_cast<std::size_t>(brows * bcols * e));
    dispatch_elem(elem, [&](auto mover) {
        using Mover = decltype(mover);
        pool.parallel_for(items, grain, [&](std::size_t begin, std::size_t end) {
            Odometer od(loops, begin);
            for (std::size_t item = begin; item < end; ++item, od.next()) {
                const std::int64_t rows = std::min(brows, p.shape[k] - od.index(kb) * brows);
                const std::int64_t cols = std::min(bcols, p.shape[last] - od.index(lb) * bcols);
                Mover::block(dst + od.dst, p.dst[k], src + od.src, p.src[last], rows, cols, elem);
            }
        });
    });
}

}  // namespace

void copy_strided(std::byte* dst, const Dims& dst_strides, const std::byte* src, const Dims& src_strides,
                  const Dims& shape, std::size_t elem, ThreadPool& pool) {
    if (volume_of(shape) == 0) return;
    const Plan p = simplify(shape, dst_strides, src_strides);
    if (p.shape.empty()) {
        std::memcpy(dst, src, elem);
        return;
    }
    const std::size_t last = p.shape.size() - 1;
    if (p.dst[last] == 1 && p.src[last] != 1) {
        for (std::size_t k = 0; k < last; ++k) {
            if (p.src[k] == 1) return copy_transposed(dst, src, p, k, elem, pool);
        }
    }
    copy_runs(dst, src, p, elem, pool);
}

void fill(std::byte* dst, std::size_t count, const std::byte* value, std::size_t elem, ThreadPool& pool) {
    if (count == 0) return;
    const std::size_t per_chunk = std::max<std::size_t>(1, kPieceBytes / elem);
    const std::size_t chunks = (count + per_chunk - 1) / per_chunk;
    dispatch_elem(elem, [&](auto mover) {
        using Mover = decltype(mover);
        pool.parallel_for(chunks, 1, [&](std::size_t begin, std::size_t end) {
            const std::size_t lo = begin * per_chunk;
            const std::size_t hi = std::min(count, end * per_chunk);
            Mover::fill(dst + lo * elem, hi - lo, value, elem);
        });
    });
}

std::array<std::byte, 8> encode_scalar(double value, codec::Format format) {
    std::array<std::byte, 8> out{};
    const codec::FormatKernels& k = codec::active_kernels().formats[static_cast<int>(format)];
    if (k.domain == codec::Domain::FLOAT) {
        const float stage[1] = {static_cast<float>(value)};
        k.write_flat(stage, out.data(), 0, 1);
    } else {
        const std::int64_t stage[1] = {static_cast<std::int64_t>(value)};
        k.write_flat(stage, out.data(), 0, 1);
    }
    return out;
}

void select_rows(std::byte* dst, const std::byte* src, std::size_t outer, std::size_t n,
                 const std::vector<std::int64_t>& rows, std::size_t inner_bytes, ThreadPool& pool) {
    const std::size_t m = rows.size();
    if (outer * m * inner_bytes == 0) return;
    const std::size_t grain = std::max<std::size_t>(1, kChunkBytes / inner_bytes);
    pool.parallel_for(outer * m, grain, [&](std::size_t begin, std::size_t end) {
        for (std::size_t item = begin; item < end; ++item) {
            const std::size_t o = item / m;
            const std::size_t j = item % m;
            std::memcpy(dst + item * inner_bytes,
                        src + (o * n + static_cast<std::size_t>(rows[j])) * inner_bytes, inner_bytes);
        }
    });
}

MemoryConfig output_config(const std::optional<MemoryConfig>& requested, const Tensor& input, const Shape& shape,
                           Layout layout, std::string_view op) {
    MemoryConfig config = requested ? *requested : input.memory_config();
    if (!config.is_sharded()) return config;
    try {
        validate_sharding(config, padded_shape_for(shape, layout), layout, op);
    } catch (const InvalidArgument&) {
        if (requested) throw;
        // The input's shard spec was made for its shape, not this one.
        return MemoryConfig{TensorMemoryLayout::INTERLEAVED, config.buffer_type, std::nullopt};
    }
    return config;
}

Tensor move_view(const Tensor& input, const Shape& out_shape, const Planner& plan, bool batch_only,
                 const std::optional<MemoryConfig>& memory_config, std::string_view op) {
    const Layout layout = input.layout();
    const TensorSpec spec{out_shape, input.dtype(), layout,
                          output_config(memory_config, input, out_shape, layout, op)};
    const bool tiles = layout == Layout::TILE && batch_only && input.logical_shape().rank() >= 2 &&
                       out_shape.rank() >= 2;
    const Model model = tiles ? Model::TILES : Model::VALUES;
    const Source src(input, model, op);
    Sink sink(spec, input, model, op, tiles ? std::nullopt : std::optional(src.format()));
    const View v = plan(src.shape());
    if (volume_of(v.shape) != volume_of(sink.shape())) {
        throw Error(op, "internal: view " + to_string(v.shape) + " does not fill the output " +
                            to_string(sink.shape()));
    }
    const std::byte* first = src.data() + v.offset * static_cast<std::int64_t>(src.elem());
    copy_strided(sink.data(), contiguous_strides(v.shape), first, v.strides, v.shape, src.elem(), sink.pool());
    return sink.finish();
}

void check_index_tensor(const Tensor& index, std::string_view arg, std::string_view op, bool allow_float) {
    index.check_usable(op);
    if (index.storage_type() != StorageType::DEVICE) {
        throw InvalidArgument(op, std::string(arg) + " is on the host; TT-NN ops run on device tensors "
                                                     "(ttnn.to_device or from_torch(..., device=device))");
    }
    const DataType d = index.dtype();
    if (is_integer(d) || (allow_float && !is_block_float(d))) return;
    throw InvalidArgument(op, std::string(arg) + " has dtype " + std::string(ttnn::to_string(d)) +
                                  "; indices must be an integer dtype (UINT32, INT32, UINT16, UINT8)" +
                                  (allow_float ? " or BFLOAT16/FLOAT32 holding whole numbers" : ""));
}

bool any_mesh(std::span<const Tensor> tensors) {
    return std::any_of(tensors.begin(), tensors.end(), [](const Tensor& t) { return is_mesh_tensor(t); });
}

}  // namespace ttnn::ops::movement
