// Internals of the reduction ops: a reduction seen as outer x reduced x inner ([O, R, I], row-major),
// with kernels that read memory contiguously in both cases:
//   rows    (I == 1): each output reduces one contiguous row; pairwise, vectorized over lanes.
//   columns (I > 1):  each output column block accumulates R rows of the block, vectorized over I.
// Either is split along R into segments when there are too few outputs to keep the threads busy;
// the segments' partial results are combined afterwards (the ops are associative).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "f32_io.hpp"
#include "ttnn/core/tensor.hpp"
#include "ttnn/core/thread_pool.hpp"
#include "ttnn/ops/common.hpp"

namespace ttnn::ops::reduction {

// ---- shared helpers (reduction_common.cpp) ----

// A one-tensor input list for for_each_device (a braced {t} does not convert to a span).
inline std::span<const Tensor> one(const Tensor& t) { return {&t, 1}; }

// Sorted, distinct, normalized dims; all dims for nullopt or an empty list. InvalidArgument naming
// the op and the dim for an out-of-range or repeated dim.
std::vector<std::size_t> normalize_dims(const std::optional<std::vector<std::int64_t>>& dims, std::size_t rank,
                                        std::string_view op);
// The shape after reducing `reduced` (a per-dim mask): 1 there with keepdim, else removed.
Shape reduced_shape(const Shape& shape, const std::vector<bool>& reduced, bool keepdim);
// The requested config, else the input's unless it is sharded (the shard spec describes the input's
// shape, not the smaller output's): then interleaved in the same buffer type.
MemoryConfig reduced_output_config(const std::optional<MemoryConfig>& requested, const Tensor& input);
// v wrapped into an integer dtype's range (two's complement), as the device's integer units do.
std::int64_t wrap_to(DataType dtype, std::int64_t v);
void wrap_all(I64Array& values, DataType dtype, ThreadPool& pool);

// A run of adjacent dims that are all reduced or all kept (dims of size 1 dropped).
struct Group {
    std::size_t size;
    bool reduced;
};
std::vector<Group> coalesce(const Shape& shape, const std::vector<bool>& reduced);

// Outer x reduced x inner view of one dim of `shape`.
struct Olr {
    std::size_t outer = 1;
    std::size_t reduced = 1;
    std::size_t inner = 1;
};
Olr olr_of(const Shape& shape, std::size_t dim);

// How many segments to split each of `items` reductions of length `length` into, so that the
// threads have enough work.
std::size_t segments_for(std::size_t items, std::size_t length, std::size_t num_threads);

inline constexpr std::size_t kColumnBlock = 512;  // inner elements per column work item

// ---- associative ops ----
// combine works on T and, for float, on 4-lane vectors of it (the reduction loops use those: the
// NaN-propagating selects of max/min would otherwise stay scalar).

typedef float v4f __attribute__((vector_size(16)));

inline v4f load4(const float* p) {
    v4f v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void store4(float* p, v4f v) { std::memcpy(p, &v, sizeof v); }

template <class T>
struct SumOp {
    static T identity() { return T(0); }
    template <class V>
    static V combine(V a, V b) {
        if constexpr (std::is_integral_v<T>) {
            return static_cast<T>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
        } else {
            return a + b;
        }
    }
};
template <class T>
struct ProdOp {
    static T identity() { return T(1); }
    template <class V>
    static V combine(V a, V b) {
        if constexpr (std::is_integral_v<T>) {
            return static_cast<T>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b));
        } else {
            return a * b;
        }
    }
};
// Max and min propagate NaN (once the accumulator is NaN no comparison replaces it).
template <class T>
struct MaxOp {
    static T identity() {
        if constexpr (std::is_integral_v<T>)
            return std::numeric_limits<T>::min();
        else
            return -std::numeric_limits<T>::infinity();
    }
    template <class V>
    static V combine(V a, V b) {
        if constexpr (std::is_integral_v<T>)
            return b > a ? b : a;
        else
            return ((b > a) | (b != b)) ? b : a;
    }
};
template <class T>
struct MinOp {
    static T identity() {
        if constexpr (std::is_integral_v<T>)
            return std::numeric_limits<T>::max();
        else
            return std::numeric_limits<T>::infinity();
    }
    template <class V>
    static V combine(V a, V b) {
        if constexpr (std::is_integral_v<T>)
            return b < a ? b : a;
        else
            return ((b < a) | (b != b)) ? b : a;
    }
};

// ---- kernels ----

// Pairwise over blocks of 1024, 16 independent lanes inside a block: float32 sums stay accurate
// (error grows with log n) and the lanes are vector registers.
template <class T, class Op>
T reduce_row(const T* p, std::size_t n) {
    constexpr std::size_t kLanes = 16;
    if (n > 1024) {
        const std::size_t half = (n / 2) & ~(kLanes - 1);
        return Op::combine(reduce_row<T, Op>(p, half), reduce_row<T, Op>(p + half, n - half));
    }
    T lanes[kLanes];
    std::size_t i = 0;
    if constexpr (std::is_same_v<T, float>) {
        const T id = Op::identity();
        v4f acc[4];
        for (auto& a : acc) a = v4f{id, id, id, id};
        for (; i + kLanes <= n; i += kLanes) {
            for (std::size_t k = 0; k < 4; ++k) acc[k] = Op::combine(acc[k], load4(p + i + 4 * k));
        }
        for (std::size_t k = 0; k < 4; ++k) store4(lanes + 4 * k, acc[k]);
    } else {
        for (auto& a : lanes) a = Op::identity();
        for (; i + kLanes <= n; i += kLanes) {
            for (std::size_t k = 0; k < kLanes; ++k) lanes[k] = Op::combine(lanes[k], p[i + k]);
        }
    }
    T tail = Op::identity();
    for (; i < n; ++i) tail = Op::combine(tail, p[i]);
    for (std::size_t w = kLanes / 2; w > 0; w /= 2) {
        for (std::size_t k = 0; k < w; ++k) lanes[k] = Op::combine(lanes[k], lanes[k + w]);
    }
    return Op::combine(lanes[0], tail);
}

// acc[0..w) op= row[0..w).
template <class T, class Op>
void combine_into(T* acc, const T* row, std::size_t w) {
    std::size_t i = 0;
    if constexpr (std::is_same_v<T, float>) {
        for (; i + 4 <= w; i += 4) store4(acc + i, Op::combine(load4(acc + i), load4(row + i)));
    }
    for (; i < w; ++i) acc[i] = Op::combine(acc[i], row[i]);
}

// acc[0..w) op= rows r0..r1 of the column block starting at `col` (row stride `stride`). Rows are
// folded 128 at a time into a block accumulator first, so float32 sums stay accurate for long R.
template <class T, class Op>
void reduce_column_block(const T* col, std::size_t stride, std::size_t r0, std::size_t r1, std::size_t w, T* acc) {
    T block[kColumnBlock];
    for (std::size_t r = r0; r < r1;) {
        const std::size_t rend = std::min(r1, r + 128);
        for (std::size_t i = 0; i < w; ++i) block[i] = Op::identity();
        for (; r < rend; ++r) combine_into<T, Op>(block, col + r * stride, w);
        combine_into<T, Op>(acc, block, w);
    }
}

// out[o * I + i] = reduce over r of in[(o * R + r) * I + i].
template <class T, class Op>
void reduce_olr(const T* in, T* out, Olr g, ThreadPool& pool) {
    const std::size_t O = g.outer, R = g.reduced, I = g.inner;
    const std::size_t threads = pool.num_threads();
    if (R == 0) {
        std::fill(out, out + O * I, Op::identity());
        return;
    }
    if (I == 1) {
        const std::size_t S = segments_for(O, R, threads);
        const std::size_t seg = (R + S - 1) / S;
        std::vector<T> partial(S > 1 ? O * S : 0);
        const std::size_t grain = std::max<std::size_t>(1, (std::size_t{1} << 15) / std::max<std::size_t>(seg, 1));
        pool.parallel_for(O * S, grain, [&](std::size_t b, std::size_t e) {
            for (std::size_t item = b; item < e; ++item) {
                const std::size_t o = item / S, s = item % S;
                const std::size_t r0 = std::min(R, s * seg), r1 = std::min(R, r0 + seg);
                const T v = reduce_row<T, Op>(in + o * R + r0, r1 - r0);
                if (S > 1)
                    partial[item] = v;
                else
                    out[o] = v;
            }
        });
        if (S > 1) {
            for (std::size_t o = 0; o < O; ++o) {
                T v = partial[o * S];
                for (std::size_t s = 1; s < S; ++s) v = Op::combine(v, partial[o * S + s]);
                out[o] = v;
            }
        }
        return;
    }
    const std::size_t nb = (I + kColumnBlock - 1) / kColumnBlock;
    const std::size_t S = std::min(R, segments_for(O * nb, R * std::min(I, kColumnBlock), threads));
    const std::size_t seg = (R + S - 1) / S;
    std::vector<T> partial(S > 1 ? S * O * I : 0);
    const std::size_t grain =
        std::max<std::size_t>(1, (std::size_t{1} << 15) / std::max<std::size_t>(seg * std::min(I, kColumnBlock), 1));
    pool.parallel_for(O * nb * S, grain, [&](std::size_t b, std::size_t e) {
        T acc[kColumnBlock];
        for (std::size_t item = b; item < e; ++item) {
            const std::size_t s = item % S, ob = item / S;
            const std::size_t o = ob / nb, i0 = (ob % nb) * kColumnBlock;
            const std::size_t w = std::min(kColumnBlock, I - i0);
            const std::size_t r0 = std::min(R, s * seg), r1 = std::min(R, r0 + seg);
            for (std::size_t i = 0; i < w; ++i) acc[i] = Op::identity();
            reduce_column_block<T, Op>(in + o * R * I + i0, I, r0, r1, w, acc);
            T* dst = S > 1 ? partial.data() + (s * O + o) * I + i0 : out + o * I + i0;
            std::copy(acc, acc + w, dst);
        }
    });
    if (S > 1) {
        pool.parallel_for(O * I, 1 << 14, [&](std::size_t b, std::size_t e) {
            for (std::size_t j = b; j < e; ++j) {
                T v = partial[j];
                for (std::size_t s = 1; s < S; ++s) v = Op::combine(v, partial[s * O * I + j]);
                out[j] = v;
            }
        });
    }
}

// Reduces every reduced group of x (row-major values of `shape`), last group first, into an array
// of `out_shape` (whose volume is the product of the kept dims).
template <class T, class Op>
WorkArray<T> reduce_groups(const T* x, const Shape& shape, const std::vector<bool>& reduced, const Shape& out_shape,
                           ThreadPool& pool) {
    std::vector<Group> groups = coalesce(shape, reduced);
    auto count_reduced = [&] {
        return static_cast<std::size_t>(
            std::count_if(groups.begin(), groups.end(), [](const Group& g) { return g.reduced; }));
    };
    if (count_reduced() == 0) {  // only size-1 dims reduced: a copy
        WorkArray<T> out(out_shape);
        std::copy(x, x + shape.volume(), out.data());
        return out;
    }
    WorkArray<T> current;
    const T* src = x;
    while (count_reduced() > 0) {
        std::size_t j = groups.size();
        while (!groups[--j].reduced) {
        }
        Olr g;
        for (std::size_t k = 0; k < j; ++k) g.outer *= groups[k].size;
        g.reduced = groups[j].size;
        for (std::size_t k = j + 1; k < groups.size(); ++k) g.inner *= groups[k].size;
        const bool last = count_reduced() == 1;
        WorkArray<T> next(last ? out_shape : Shape{static_cast<std::int64_t>(g.outer * g.inner)});
        reduce_olr<T, Op>(src, next.data(), g, pool);
        // Groups alternate, so the neighbours of the last reduced group are both kept: merge them.
        if (j > 0 && j + 1 < groups.size()) {
            groups[j - 1].size *= groups[j + 1].size;
            groups.erase(groups.begin() + static_cast<std::ptrdiff_t>(j),
                         groups.begin() + static_cast<std::ptrdiff_t>(j) + 2);
        } else {
            groups.erase(groups.begin() + static_cast<std::ptrdiff_t>(j));
        }
        current = std::move(next);
        src = current.data();
    }
    return current;
}

}  // namespace ttnn::ops::reduction
