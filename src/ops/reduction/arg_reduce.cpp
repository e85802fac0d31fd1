// argmax / argmin: the index of the first extreme value along a dim (or of the flattened tensor),
// on the [O, R, I] view: rows scanned in lanes, columns in blocks, long rows split into segments.
#include <string>

#include "reduce_kernels.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/op_table.hpp"
#include "ttnn/ops/reduction.hpp"

namespace ttnn::ops {

using namespace reduction;

namespace {

// better(a, b): a beats b. NaN beats every number (torch's argmax and argmin both pick NaN).
template <class T, bool kMax>
bool better(T a, T b) {
    if constexpr (std::is_floating_point_v<T>) {
        if (a != a) return b == b;
    }
    return kMax ? a > b : a < b;
}

template <class T>
struct Best {
    T value;
    std::size_t index;
};

// The better of two candidates; equal values: the lower index.
template <class T, bool kMax>
Best<T> pick(const Best<T>& a, const Best<T>& b) {
    if (better<T, kMax>(b.value, a.value)) return b;
    if (better<T, kMax>(a.value, b.value)) return a;
    return b.index < a.index ? b : a;
}

template <class T, bool kMax>
Best<T> scan_row(const T* p, std::size_t r0, std::size_t r1) {
    constexpr std::size_t kLanes = 8;
    Best<T> best{p[r0], r0};
    if (r1 - r0 < 4 * kLanes) {
        for (std::size_t r = r0 + 1; r < r1; ++r) {
            if (better<T, kMax>(p[r], best.value)) best = {p[r], r};
        }
        return best;
    }
    T value[kLanes];
    std::size_t index[kLanes];
    for (std::size_t k = 0; k < kLanes; ++k) {
        value[k] = p[r0 + k];
        index[k] = r0 + k;
    }
    std::size_t r = r0 + kLanes;
    for (; r + kLanes <= r1; r += kLanes) {
        for (std::size_t k = 0; k < kLanes; ++k) {
            const bool take = better<T, kMax>(p[r + k], value[k]);
            value[k] = take ? p[r + k] : value[k];
            index[k] = take ? r + k : index[k];
        }
    }
    for (std::size_t k = 0; k < kLanes; ++k) best = pick<T, kMax>(best, {value[k], index[k]});
    for (; r < r1; ++r) best = pick<T, kMax>(best, {p[r], r});
    return best;
}

template <class T, bool kMax>
void arg_olr(const T* x, std::int64_t* y, Olr g, ThreadPool& pool) {
    const std::size_t O = g.outer, R = g.reduced, I = g.inner;
    const std::size_t w0 = std::min(I, kColumnBlock);
    const std::size_t nb = (I + kColumnBlock - 1) / kColumnBlock;
    const std::size_t S = std::max<std::size_t>(1, std::min(R, segments_for(O * nb, R * w0, pool.num_threads())));
    const std::size_t seg = (R + S - 1) / S;
    std::vector<Best<T>> partial(S * O * I);  // [s][o][i]
    const std::size_t grain = std::max<std::size_t>(1, (std::size_t{1} << 14) / std::max<std::size_t>(seg * w0, 1));
    pool.parallel_for(O * nb * S, grain, [&](std::size_t b, std::size_t e) {
        for (std::size_t item = b; item < e; ++item) {
            const std::size_t s = item % S, ob = item / S;
            const std::size_t o = ob / nb, i0 = (ob % nb) * kColumnBlock;
            const std::size_t w = std::min(kColumnBlock, I - i0);
            const std::size_t r0 = std::min(R, s * seg), r1 = std::min(R, r0 + seg);
            Best<T>* dst = partial.data() + (s * O + o) * I + i0;
            if (r0 == r1) {  // an empty segment loses to any other
                for (std::size_t i = 0; i < w; ++i) dst[i] = {x[o * R * I + i0 + i], R};
                continue;
            }
            if (I == 1) {
                *dst = scan_row<T, kMax>(x + o * R, r0, r1);
                continue;
            }
            const T* col = x + o * R * I + i0;
            for (std::size_t i = 0; i < w; ++i) dst[i] = {col[r0 * I + i], r0};
            for (std::size_t r = r0 + 1; r < r1; ++r) {
                const T* row = col + r * I;
                for (std::size_t i = 0; i < w; ++i) {
                    if (better<T, kMax>(row[i], dst[i].value)) dst[i] = {row[i], r};
                }
            }
        }
    });
    pool.parallel_for(O * I, 1 << 12, [&](std::size_t b, std::size_t e) {
        for (std::size_t j = b; j < e; ++j) {
            Best<T> best = partial[j];
            for (std::size_t s = 1; s < S; ++s) best = pick<T, kMax>(best, partial[s * O * I + j]);
            y[j] = static_cast<std::int64_t>(best.index);
        }
    });
}

template <bool kMax>
Tensor arg_reduce(OpId id, const Tensor& input, std::optional<std::int64_t> dim, bool keepdim,
                  const std::optional<MemoryConfig>& memory_config) {
    const std::string op = qualified_name(id);
    check_input(id, input, "input_tensor");
    const Shape& shape = input.logical_shape();
    if (shape.volume() == 0) throw InvalidArgument(op, "input_tensor " + shape.to_string() + " is empty");
    Olr g;
    std::vector<bool> reduced(shape.rank(), !dim.has_value());
    if (dim) {
        const std::size_t d = normalize_dim(*dim, shape.rank(), op);
        if (shape.rank() > 0) reduced[d] = true;
        g = olr_of(shape, d);
    } else {
        g.reduced = shape.volume();
    }
    I64Array y(reduced_shape(shape, reduced, keepdim));
    ThreadPool& pool = pool_of(input);
    // Integers through int64: int32 values above 2^24 would not compare exactly as floats.
    if (is_integer(input.dtype())) {
        arg_olr<std::int64_t, kMax>(read_i64(input, op).data(), y.data(), g, pool);
    } else {
        arg_olr<float, kMax>(F32Input(input, op).data(), y.data(), g, pool);
    }
    return make_output(y, DataType::UINT32, Layout::ROW_MAJOR, reduced_output_config(memory_config, input),
                       input.device(), op);
}

}  // namespace

Tensor argmax(const Tensor& input, std::optional<std::int64_t> dim, bool keepdim,
              const std::optional<MemoryConfig>& memory_config) {
    if (is_mesh_tensor(input)) {
        return for_each_device(
            one(input), [&](std::span<const Tensor> s) { return argmax(s[0], dim, keepdim, memory_config); },
            "ttnn.argmax");
    }
    return arg_reduce<true>(OpId::argmax, input, dim, keepdim, memory_config);
}

Tensor argmin(const Tensor& input, std::optional<std::int64_t> dim, bool keepdim,
              const std::optional<MemoryConfig>& memory_config) {
    if (is_mesh_tensor(input)) {
        return for_each_device(
            one(input), [&](std::span<const Tensor> s) { return argmin(s[0], dim, keepdim, memory_config); },
            "ttnn.argmin");
    }
    return arg_reduce<false>(OpId::argmin, input, dim, keepdim, memory_config);
}

}  // namespace ttnn::ops
