// Internals of the movement ops: a tensor's values seen as a row-major array of fixed-size
// elements (Source to read, Sink to write), and the kernels that move such elements (strided
// copies with memcpy'd runs or blocked transposes, fills, row gathers) on a device's threads.
//
// Two element models:
//   values: one element per logical value. ROW_MAJOR storage is used as it is; TILE storage is
//           converted to an exact row-major working copy (the dtype's own format, float32 for
//           block floats) and back.
//   tiles:  one element per stored tile of a TILE tensor (shape [batch..., Ht, Wt]). Ops that only
//           move batch dims use it: no conversion, bit-exact for block floats, as TT-NN moves tiles.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/convert/convert.hpp"
#include "ttnn/core/tensor.hpp"
#include "ttnn/core/thread_pool.hpp"

namespace ttnn::ops::movement {

using Dims = std::vector<std::int64_t>;

// Element movers: typed loops for 1/2/4/8-byte elements, memcpy of elem bytes otherwise. Steps
// are in elements; element storage is aligned to its size (buffers are 64-byte aligned).
template <class T>
struct FixedMover {
    static void move(std::byte* d, const std::byte* s, std::size_t) { std::memcpy(d, s, sizeof(T)); }
    // d[j * ds] = s[j * ss] for j < n.
    static void run(std::byte* d, std::int64_t ds, const std::byte* s, std::int64_t ss, std::int64_t n, std::size_t) {
        T* dp = reinterpret_cast<T*>(d);
        const T* sp = reinterpret_cast<const T*>(s);
        if (ds == 1 && ss == -1) {
            for (std::int64_t j = 0; j < n; ++j) dp[j] = sp[-j];
        } else if (ds == 1 && ss == 0) {
            std::fill_n(dp, n, sp[0]);
        } else if (ds == 1) {
            for (std::int64_t j = 0; j < n; ++j) dp[j] = sp[j * ss];
        } else {
            for (std::int64_t j = 0; j < n; ++j) dp[j * ds] = sp[j * ss];
        }
    }
    // d[i * dr + j] = s[i + j * sc]: a rows x cols block whose source is contiguous along i.
    static void block(std::byte* d, std::int64_t dr, const std::byte* s, std::int64_t sc, std::int64_t rows,
                      std::int64_t cols, std::size_t) {
        T* dp = reinterpret_cast<T*>(d);
        const T* sp = reinterpret_cast<const T*>(s);
        std::int64_t i0 = 0;  // rows left to the scalar loop
#if defined(__SSE2__)
        // Whole SIMD sub-blocks first: V x V registers transposed in place.
        constexpr std::int64_t V = 16 / static_cast<std::int64_t>(sizeof(T));
        if constexpr (sizeof(T) >= 2) {
            const std::int64_t rows_v = rows / V * V, cols_v = cols / V * V;
            for (std::int64_t i = 0; i < rows_v; i += V) {
                for (std::int64_t j = 0; j < cols_v; j += V) transpose_simd(dp + i * dr + j, dr, sp + i + j * sc, sc);
            }
            for (std::int64_t i = 0; i < rows; ++i) {  // the ragged right edge of the SIMD rows
                for (std::int64_t j = cols_v; j < cols; ++j) dp[i * dr + j] = sp[i + j * sc];
            }
            i0 = rows_v;
        }
#endif
        for (std::int64_t i = i0; i < rows; ++i) {
            T* drow = dp + i * dr;
            const T* scol = sp + i;
            for (std::int64_t j = 0; j < cols; ++j) drow[j] = scol[j * sc];
        }
    }
#if defined(__SSE2__)
    // One V x V sub-block (V = 16 / sizeof(T)) through SSE2 unpacks.
    static void transpose_simd(T* d, std::int64_t dr, const T* s, std::int64_t sc) {
        if constexpr (sizeof(T) == 8) {
            const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
            const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + sc));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(d), _mm_unpacklo_epi64(a, b));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(d + dr), _mm_unpackhi_epi64(a, b));
        } else if constexpr (sizeof(T) == 4) {
            __m128i r[4];
            for (int k = 0; k < 4; ++k) r[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + k * sc));
            const __m128i t0 = _mm_unpacklo_epi32(r[0], r[1]), t1 = _mm_unpackhi_epi32(r[0], r[1]);
            const __m128i t2 = _mm_unpacklo_epi32(r[2], r[3]), t3 = _mm_unpackhi_epi32(r[2], r[3]);
            const __m128i o[4] = {_mm_unpacklo_epi64(t0, t2), _mm_unpackhi_epi64(t0, t2), _mm_unpacklo_epi64(t1, t3),
                                  _mm_unpackhi_epi64(t1, t3)};
            for (int k = 0; k < 4; ++k) _mm_storeu_si128(reinterpret_cast<__m128i*>(d + k * dr), o[k]);
        } else if constexpr (sizeof(T) == 2) {
            __m128i r[8];
            for (int k = 0; k < 8; ++k) r[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + k * sc));
            __m128i a[8], b[8];
            for (int k = 0; k < 4; ++k) {
                a[2 * k] = _mm_unpacklo_epi16(r[2 * k], r[2 * k + 1]);
                a[2 * k + 1] = _mm_unpackhi_epi16(r[2 * k], r[2 * k + 1]);
            }
            for (int k = 0; k < 2; ++k) {
                for (int h = 0; h < 2; ++h) {
                    b[4 * k + 2 * h] = _mm_unpacklo_epi32(a[4 * k + h], a[4 * k + h + 2]);
                    b[4 * k + 2 * h + 1] = _mm_unpackhi_epi32(a[4 * k + h], a[4 * k + h + 2]);
                }
            }
            for (int k = 0; k < 4; ++k) {
                _mm_storeu_si128(reinterpret_cast<__m128i*>(d + (2 * k) * dr), _mm_unpacklo_epi64(b[k], b[k + 4]));
                _mm_storeu_si128(reinterpret_cast<__m128i*>(d + (2 * k + 1) * dr), _mm_unpackhi_epi64(b[k], b[k + 4]));
            }
        }
    }
#endif
    static void fill(std::byte* d, std::size_t n, const std::byte* value, std::size_t) {
        T v;
        std::memcpy(&v, value, sizeof(T));
        std::fill_n(reinterpret_cast<T*>(d), n, v);
    }
};
struct AnyMover {
    static void move(std::byte* d, const std::byte* s, std::size_t elem) { std::memcpy(d, s, elem); }
    static void run(std::byte* d, std::int64_t ds, const std::byte* s, std::int64_t ss, std::int64_t n,
                    std::size_t elem) {
        const auto e = static_cast<std::int64_t>(elem);
        for (std::int64_t j = 0; j < n; ++j) std::memcpy(d + j * ds * e, s + j * ss * e, elem);
    }
    static void block(std::byte* d, std::int64_t dr, const std::byte* s, std::int64_t sc, std::int64_t rows,
                      std::int64_t cols, std::size_t elem) {
        const auto e = static_cast<std::int64_t>(elem);
        for (std::int64_t i = 0; i < rows; ++i) {
            for (std::int64_t j = 0; j < cols; ++j) std::memcpy(d + (i * dr + j) * e, s + (i + j * sc) * e, elem);
        }
    }
    static void fill(std::byte* d, std::size_t n, const std::byte* value, std::size_t elem) {
        for (std::size_t i = 0; i < n; ++i) std::memcpy(d + i * elem, value, elem);
    }
};

template <class F>
void dispatch_elem(std::size_t elem, F&& f) {
    switch (elem) {
        case 1: f(FixedMover<std::uint8_t>{}); break;
        case 2: f(FixedMover<std::uint16_t>{}); break;
        case 4: f(FixedMover<std::uint32_t>{}); break;
        case 8: f(FixedMover<std::uint64_t>{}); break;
        default: f(AnyMover{}); break;
    }
}

Dims dims_of(const Shape& shape);
Shape to_shape(const Dims& dims, std::string_view op);
std::int64_t volume_of(const Dims& dims);
Dims contiguous_strides(const Dims& shape);
// "[1, 2, 3]"
std::string to_string(const Dims& dims);

// The exact row-major format values of `dtype` are moved in.
codec::Format work_format(DataType dtype);

enum class Model { VALUES, TILES };
// The tile grid [batch..., Ht, Wt] of a TILE shape of rank >= 2.
Dims tile_grid(const Shape& logical);

// Host scratch memory from the warm cache.
class Scratch {
public:
    Scratch() = default;
    explicit Scratch(std::size_t bytes);
    Scratch(Scratch&& other) noexcept;
    Scratch& operator=(Scratch&& other) noexcept;
    ~Scratch();
    std::byte* data() const { return data_; }

private:
    std::byte* data_ = nullptr;
    std::size_t bytes_ = 0;
};

// A single-device tensor's values (or tiles), readable as a row-major array.
class Source {
public:
    // with_tile_padding: a TILE tensor is read over its padded shape (padding values included).
    Source(const Tensor& tensor, Model model, std::string_view op, bool with_tile_padding = false);
    const std::byte* data() const { return data_; }
    std::size_t elem() const { return elem_; }
    codec::Format format() const { return format_; }  // VALUES only
    const Dims& shape() const { return shape_; }
    Dims strides() const { return contiguous_strides(shape_); }

private:
    const std::byte* data_ = nullptr;
    std::size_t elem_ = 0;
    codec::Format format_ = codec::Format::F32;
    Dims shape_;
    Scratch scratch_;
};

// A new device tensor of `spec` placed like `like`, written as a row-major array. VALUES: written in
// `format` (by default the spec dtype's working format) and converted into the spec at finish().
class Sink {
public:
    Sink(const TensorSpec& spec, const Tensor& like, Model model, std::string_view op,
         std::optional<codec::Format> format = std::nullopt);
    std::byte* data() const { return data_; }
    std::size_t elem() const { return elem_; }
    codec::Format format() const { return format_; }
    const Dims& shape() const { return shape_; }
    Dims strides() const { return contiguous_strides(shape_); }
    ThreadPool& pool() const;
    // The finished tensor; tile padding (TILE outputs of the VALUES model) is set to pad_value.
    Tensor finish(float pad_value = 0.0f);
    // The same, but the row-major values come from `values` (same format and shape) instead of data().
    Tensor finish_from(const std::byte* values, float pad_value = 0.0f);

private:
    Tensor out_;
    std::string_view op_;
    std::byte* data_ = nullptr;
    std::size_t elem_ = 0;
    codec::Format format_ = codec::Format::F32;
    Dims shape_;
    bool converts_ = false;  // values go through scratch and convert_storage
    Scratch scratch_;
};

// dst[i] = src[i] over `shape`, both sides addressed by element strides (src strides may be 0 or
// negative). Contiguous inner runs are memcpy'd; a source-contiguous dim that is not innermost on
// the destination goes through a blocked transpose. Parallel on `pool`.
void copy_strided(std::byte* dst, const Dims& dst_strides, const std::byte* src, const Dims& src_strides,
                  const Dims& shape, std::size_t elem, ThreadPool& pool);
// Fills `count` elements with `value` (elem bytes).
void fill(std::byte* dst, std::size_t count, const std::byte* value, std::size_t elem, ThreadPool& pool);
// `value` encoded as one element of a flat format (ints: truncated toward zero, saturated by the codec).
std::array<std::byte, 8> encode_scalar(double value, codec::Format format);
// out[o, j, :] = in[o, rows[j], :] for an input [outer, n, inner] and rows of `rows.size()` entries.
void select_rows(std::byte* dst, const std::byte* src, std::size_t outer, std::size_t n,
                 const std::vector<std::int64_t>& rows, std::size_t inner_bytes, ThreadPool& pool);

// The output memory config: the requested one, else the input's, falling back to interleaved when
// the input's shard spec does not fit the new shape.
MemoryConfig output_config(const std::optional<MemoryConfig>& requested, const Tensor& input, const Shape& shape,
                           Layout layout, std::string_view op);

// A strided view of a source array: element i of `shape` (row-major) is source element
// offset + sum(i_d * strides[d]). Strides may be 0 (broadcast) or negative (flip).
struct View {
    Dims shape;
    Dims strides;
    std::int64_t offset = 0;
};
// Builds the view from the source array's shape (logical dims, or the tile grid in the TILES model).
using Planner = std::function<View(const Dims& source_shape)>;

// The new tensor of logical shape `out_shape` (the input's dtype and layout) that the view `plan`
// reads. batch_only: the op leaves the last two dims alone, so TILE inputs move whole tiles.
Tensor move_view(const Tensor& input, const Shape& out_shape, const Planner& plan, bool batch_only,
                 const std::optional<MemoryConfig>& memory_config, std::string_view op);

// Raises InvalidArgument unless `index` is a usable device tensor of an integer dtype.
void check_index_tensor(const Tensor& index, std::string_view arg, std::string_view op, bool allow_float = false);
// Any input is a mesh tensor.
bool any_mesh(std::span<const Tensor> tensors);

}  // namespace ttnn::ops::movement
