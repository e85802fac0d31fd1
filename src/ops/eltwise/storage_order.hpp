// The one-pass path of elementwise ops. When every tensor operand has the output's shape and
// layout and a float dtype, the op runs over the stored elements themselves: ROW_MAJOR in flat
// blocks, TILE one tile at a time (face order is the same permutation for every operand). Each
// block is decoded into a cache-resident float32 stage, computed, and encoded straight into the
// output buffer: one pass over memory instead of decode, compute, encode over whole tensors.
// Tile padding is reset to zero after the compute (as make_output pads), so f(0) may be anything.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "core/convert/convert.hpp"
#include "eltwise_common.hpp"

namespace ttnn::ops::eltwise {

// True when the op can run in storage order (see above) producing `out_dtype` in `layout`.
bool storage_order_applies(std::span<const Operand> operands, const Shape& out_shape, Layout layout,
                           DataType out_dtype);

namespace detail {

inline constexpr std::size_t kStage = kTileElements;  // floats per staging block (one tile)

// A unary functor may also offer a whole-block form, f.block(in, out, n) (a vectorized kernel);
// run_block prefers it when the one operand is a tensor.
template <class F>
concept HasBlockForm = requires(const F& f, const float* in, float* out, std::size_t n) { f.block(in, out, n); };

template <unsigned Mask, std::size_t K, class F, std::size_t... I>
inline void run_block(std::size_t n, float* __restrict out, const F& f, const std::array<const float*, K>& ptrs,
                      std::index_sequence<I...>) {
    if constexpr (K == 1 && Mask == 1 && HasBlockForm<F>) {
        f.block(ptrs[0], out, n);
        return;
    }
    const std::array<const float*, K> p = ptrs;
    for (std::size_t i = 0; i < n; ++i) out[i] = f(p[I][((Mask >> I) & 1u) ? i : 0]...);
}

struct StoredOperand {
    const std::byte* base = nullptr;                 // null: a scalar
    const codec::FormatKernels* kernels = nullptr;
    std::size_t tile_bytes = 0;
    bool direct = false;                             // float32 ROW_MAJOR: read in place
    float scalar = 0.0f;
};

// Zeroes the padding of staging tile `t` of a tensor whose last two logical dims are height x width.
inline void zero_tile_padding(float* tile, std::size_t t, std::size_t height, std::size_t width) {
    const std::size_t tiles_w = (width + kTileWidth - 1) / kTileWidth;
    const std::size_t tiles_h = std::max<std::size_t>(1, (height + kTileHeight - 1) / kTileHeight);
    const std::size_t tc = t % tiles_w;
    const std::size_t tr = (t / tiles_w) % tiles_h;
    const std::size_t rows = std::min(kTileHeight, height - tr * kTileHeight);
    const std::size_t cols = std::min(kTileWidth, width - tc * kTileWidth);
    if (rows == kTileHeight && cols == kTileWidth) return;
    for (std::size_t r = 0; r < kTileHeight; ++r) {
        float* row = tile + r * kTileWidth;
        std::fill(row + (r < rows ? cols : 0), row + kTileWidth, 0.0f);
    }
}

template <unsigned Mask, std::size_t K, class F>
void run_stored(ThreadPool& pool, const std::array<StoredOperand, K>& in, std::byte* out_base,
                const codec::FormatKernels& out_kernels, std::size_t out_tile_bytes, bool out_direct,
                const Shape& shape, Layout layout, const F& f,
                const std::vector<std::function<void(float*, std::size_t)>>& activations) {
    const auto seq = std::make_index_sequence<K>{};
    if (layout == Layout::ROW_MAJOR) {
        const std::size_t n = shape.volume();
        const std::size_t blocks = (n + kStage - 1) / kStage;
        pool.parallel_for(blocks, 16, [&](std::size_t begin, std::size_t end) {
            alignas(64) float stage[K][kStage];
            alignas(64) float staged_out[kStage];
            for (std::size_t blk = begin; blk < end; ++blk) {
                const std::size_t off = blk * kStage;
                const std::size_t len = std::min(kStage, n - off);
                std::array<const float*, K> p{};
                for (std::size_t k = 0; k < K; ++k) {
                    if (!in[k].base) {
                        p[k] = &in[k].scalar;
                    } else if (in[k].direct) {
                        p[k] = reinterpret_cast<const float*>(in[k].base) + off;
                    } else {
                        in[k].kernels->read_flat(in[k].base, off, len, stage[k]);
                        p[k] = stage[k];
                    }
                }
                float* o = out_direct ? reinterpret_cast<float*>(out_base) + off : staged_out;
                run_block<Mask>(len, o, f, p, seq);
                for (const auto& act : activations) act(o, len);
                if (!out_direct) out_kernels.write_flat(staged_out, out_base, off, len);
            }
        });
        return;
    }
    const Matrix3d m = as_matrix3d(shape);
    const std::size_t tiles = m.batch * std::max<std::size_t>(1, (m.height + kTileHeight - 1) / kTileHeight) *
                              ((m.width + kTileWidth - 1) / kTileWidth);
    pool.parallel_for(tiles, 8, [&](std::size_t begin, std::size_t end) {
        alignas(64) float stage[K][kStage];
        alignas(64) float staged_out[kStage];
        for (std::size_t t = begin; t < end; ++t) {
            std::array<const float*, K> p{};
            for (std::size_t k = 0; k < K; ++k) {
                if (!in[k].base) {
                    p[k] = &in[k].scalar;
                } else {
                    in[k].kernels->read_tile(in[k].base + t * in[k].tile_bytes, stage[k]);
                    p[k] = stage[k];
                }
            }
            run_block<Mask>(kStage, staged_out, f, p, seq);
            for (const auto& act : activations) act(staged_out, kStage);
            zero_tile_padding(staged_out, t, m.height, m.width);
            out_kernels.write_tile(staged_out, out_base + t * out_tile_bytes);
        }
    });
}

}  // namespace detail

// out = f(operands...) in storage order (storage_order_applies must hold), then the activations.
template <std::size_t K, class F>
Tensor run_storage_order(std::span<const Operand> operands, const Tensor& like, const Shape& shape,
                         DataType out_dtype, Layout layout, const MemoryConfig& memory_config, const F& f,
                         std::span<const UnaryWithParam> activations, std::string_view op) {
    Tensor out = new_output(shape, out_dtype, layout, memory_config, like, op);
    if (shape.volume() == 0) return out;
    const codec::KernelSet& kernels = codec::active_kernels();
    std::array<detail::StoredOperand, K> in{};
    unsigned mask = 0;
    for (std::size_t k = 0; k < K; ++k) {
        if (const Tensor* t = tensor_of(operands[k])) {
            const codec::Format format = codec::format_of(t->dtype());
            in[k].base = t->shard_data(0, op);
            in[k].kernels = &kernels.formats[static_cast<int>(format)];
            in[k].tile_bytes = layout == Layout::TILE ? codec::tile_bytes(format) : 0;
            in[k].direct = format == codec::Format::F32 && layout == Layout::ROW_MAJOR;
            mask |= 1u << k;
        } else {
            in[k].scalar = scalar_f32(operands[k]);
        }
    }
    const codec::Format out_format = codec::format_of(out_dtype);
    std::byte* out_base = out.shard_data(0, op);
    const auto& out_kernels = kernels.formats[static_cast<int>(out_format)];
    const std::size_t out_tile_bytes = layout == Layout::TILE ? codec::tile_bytes(out_format) : 0;
    const bool out_direct = out_format == codec::Format::F32 && layout == Layout::ROW_MAJOR;
    std::vector<std::function<void(float*, std::size_t)>> acts;
    for (const auto& a : activations) acts.push_back(resolve_activation(a, op));
    ThreadPool& pool = pool_of(like);
    const auto run = [&]<unsigned M>() {
        detail::run_stored<M, K>(pool, in, out_base, out_kernels, out_tile_bytes, out_direct, shape, layout, f, acts);
    };
    switch (mask) {
        case 0: run.template operator()<0>(); break;
        case 1: run.template operator()<1>(); break;
        case 2: if constexpr (K >= 2) run.template operator()<2>(); break;
        case 3: if constexpr (K >= 2) run.template operator()<3>(); break;
        case 4: if constexpr (K >= 3) run.template operator()<4>(); break;
        case 5: if constexpr (K >= 3) run.template operator()<5>(); break;
        case 6: if constexpr (K >= 3) run.template operator()<6>(); break;
        default: if constexpr (K >= 3) run.template operator()<7>(); break;
    }
    return out;
}

}  // namespace ttnn::ops::eltwise
