// sum, mean, max, min, prod (reduce_groups: one [O, R, I] pass per group of reduced dims) and
// var, std (double two-pass statistics per segment, combined with Chan's formula).
#include <cmath>
#include <string>

#include "reduce_kernels.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/op_table.hpp"
#include "ttnn/ops/reduction.hpp"

namespace ttnn::ops {

using namespace reduction;

namespace {

struct Plan {
    std::string op;
    std::vector<bool> reduced;
    Shape out_shape;
    std::size_t count = 1;  // elements reduced into each output
};

Plan plan_reduction(OpId id, const Tensor& input, const ReduceDims& dim, bool keepdim) {
    Plan p;
    p.op = qualified_name(id);
    check_input(id, input, "input_tensor");
    const Shape& shape = input.logical_shape();
    p.reduced.assign(shape.rank(), false);
    for (std::size_t d : normalize_dims(dim, shape.rank(), p.op)) {
        p.reduced[d] = true;
        p.count *= shape[d];
    }
    p.out_shape = reduced_shape(shape, p.reduced, keepdim);
    return p;
}

template <template <class> class Op>
Tensor reduce_simple(OpId id, const Tensor& input, const ReduceDims& dim, bool keepdim,
                     const std::optional<MemoryConfig>& memory_config, float scalar, bool is_mean) {
    const Plan p = plan_reduction(id, input, dim, keepdim);
    ThreadPool& pool = pool_of(input);
    const MemoryConfig config = reduced_output_config(memory_config, input);
    if (is_integer(input.dtype())) {
        const I64Array x = read_i64(input, p.op);
        I64Array y = reduce_groups<std::int64_t, Op<std::int64_t>>(x.data(), x.shape(), p.reduced, p.out_shape, pool);
        if (scalar != 1.0f) {
            for (std::size_t i = 0; i < y.size(); ++i) {
                y[i] = static_cast<std::int64_t>(static_cast<double>(y[i]) * static_cast<double>(scalar));
            }
        }
        wrap_all(y, input.dtype(), pool);
        return make_output(y, input.dtype(), input.layout(), config, input.device(), p.op);
    }
    const F32Input x(input, p.op);
    F32Array y = reduce_groups<float, Op<float>>(x.data(), input.logical_shape(), p.reduced, p.out_shape, pool);
    if (is_mean || scalar != 1.0f) {
        const float n = static_cast<float>(p.count);
        float* v = y.data();
        pool.parallel_for(y.size(), 1 << 15, [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i) v[i] = (is_mean ? v[i] / n : v[i]) * scalar;
        });
    }
    return make_output(y, input.dtype(), input.layout(), config, input.device(), p.op);
}

// ---- var / std ----

struct Stats {
    double n = 0, mean = 0, m2 = 0;
};

// Chan et al.: the statistics of the union of two disjoint sets.
Stats merge(const Stats& a, const Stats& b) {
    if (a.n == 0) return b;
    if (b.n == 0) return a;
    const double n = a.n + b.n, delta = b.mean - a.mean;
    return {n, a.mean + delta * (b.n / n), a.m2 + b.m2 + delta * delta * (a.n * b.n / n)};
}

Stats row_stats(const float* p, std::size_t n) {
    constexpr std::size_t kLanes = 8;
    double acc[kLanes] = {};
    std::size_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
        for (std::size_t k = 0; k < kLanes; ++k) acc[k] += p[i + k];
    }
    double s = 0;
    for (; i < n; ++i) s += p[i];
    for (double a : acc) s += a;
    const double mean = n ? s / static_cast<double>(n) : 0.0;
    double dev[kLanes] = {};
    for (i = 0; i + kLanes <= n; i += kLanes) {
        for (std::size_t k = 0; k < kLanes; ++k) {
            const double d = p[i + k] - mean;
            dev[k] += d * d;
        }
    }
    double m2 = 0;
    for (; i < n; ++i) m2 += (p[i] - mean) * (p[i] - mean);
    for (double d : dev) m2 += d;
    return {static_cast<double>(n), mean, m2};
}

// Statistics over r in [r0, r1) of each column i < w of the block at `col` (row stride `stride`).
void column_stats(const float* col, std::size_t stride, std::size_t r0, std::size_t r1, std::size_t w, Stats* out) {
    double sum[kColumnBlock] = {}, m2[kColumnBlock] = {};
    for (std::size_t r = r0; r < r1; ++r) {
        const float* row = col + r * stride;
        for (std::size_t i = 0; i < w; ++i) sum[i] += row[i];
    }
    const double n = static_cast<double>(r1 - r0);
    for (std::size_t i = 0; i < w; ++i) sum[i] = n > 0 ? sum[i] / n : 0.0;  // now the means
    for (std::size_t r = r0; r < r1; ++r) {
        const float* row = col + r * stride;
        for (std::size_t i = 0; i < w; ++i) {
            const double d = row[i] - sum[i];
            m2[i] += d * d;
        }
    }
    for (std::size_t i = 0; i < w; ++i) out[i] = {n, sum[i], m2[i]};
}

// y[o * I + i] = variance (or std) over r of x[(o * R + r) * I + i], times scalar.
void var_olr(const float* x, float* y, Olr g, std::int64_t correction, bool take_sqrt, float scalar, ThreadPool& pool) {
    const std::size_t O = g.outer, R = g.reduced, I = g.inner;
    const std::size_t w0 = std::min(I, kColumnBlock);
    const std::size_t nb = (I + kColumnBlock - 1) / kColumnBlock;
    const std::size_t S = std::max<std::size_t>(1, std::min(R, segments_for(O * nb, R * w0, pool.num_threads())));
    const std::size_t seg = (R + S - 1) / S;
    std::vector<Stats> partial(S * O * I);  // [s][o][i]
    const std::size_t grain = std::max<std::size_t>(1, (std::size_t{1} << 14) / std::max<std::size_t>(seg * w0, 1));
    pool.parallel_for(O * nb * S, grain, [&](std::size_t b, std::size_t e) {
        for (std::size_t item = b; item < e; ++item) {
            const std::size_t s = item % S, ob = item / S;
            const std::size_t o = ob / nb, i0 = (ob % nb) * kColumnBlock;
            const std::size_t w = std::min(kColumnBlock, I - i0);
            const std::size_t r0 = std::min(R, s * seg), r1 = std::min(R, r0 + seg);
            Stats* dst = partial.data() + (s * O + o) * I + i0;
            if (I == 1) {
                *dst = row_stats(x + o * R + r0, r1 - r0);
            } else {
                column_stats(x + o * R * I + i0, I, r0, r1, w, dst);
            }
        }
    });
    const double divisor = std::max<double>(0.0, static_cast<double>(R) - static_cast<double>(correction));
    pool.parallel_for(O * I, 1 << 12, [&](std::size_t b, std::size_t e) {
        for (std::size_t j = b; j < e; ++j) {
            Stats st = partial[j];
            for (std::size_t s = 1; s < S; ++s) st = merge(st, partial[s * O * I + j]);
            double v = st.m2 / divisor;
            if (take_sqrt) v = std::sqrt(v);
            y[j] = static_cast<float>(v) * scalar;
        }
    });
}

// A copy of x with the kept dims first and the reduced dims last, so that each output reduces one
// contiguous row.
F32Array move_reduced_last(const float* in, const Shape& shape, const std::vector<bool>& reduced, ThreadPool& pool) {
    const std::size_t rank = shape.rank();
    std::vector<std::size_t> strides(rank, 1), perm;
    for (std::size_t d = rank; d-- > 1;) strides[d - 1] = strides[d] * shape[d];
    for (std::size_t d = 0; d < rank; ++d) {
        if (!reduced[d]) perm.push_back(d);
    }
    for (std::size_t d = 0; d < rank; ++d) {
        if (reduced[d]) perm.push_back(d);
    }
    std::vector<std::size_t> dims(rank), st(rank);
    for (std::size_t k = 0; k < rank; ++k) {
        dims[k] = shape[perm[k]];
        st[k] = strides[perm[k]];
    }
    F32Array out(shape);  // volume is all that matters
    const std::size_t last = dims[rank - 1], last_stride = st[rank - 1];
    const std::size_t rows = last ? shape.volume() / last : 0;
    float* o = out.data();
    pool.parallel_for(rows, std::max<std::size_t>(1, 8192 / std::max<std::size_t>(last, 1)),
                      [&](std::size_t b, std::size_t e) {
                          std::vector<std::size_t> idx(rank, 0);
                          std::size_t rem = b, base = 0;
                          for (std::size_t k = rank - 1; k-- > 0;) {
                              idx[k] = rem % dims[k];
                              rem /= dims[k];
                              base += idx[k] * st[k];
                          }
                          for (std::size_t row = b; row < e; ++row) {
                              float* dst = o + row * last;
                              for (std::size_t i = 0; i < last; ++i) dst[i] = in[base + i * last_stride];
                              for (std::size_t k = rank - 1; k-- > 0;) {  // odometer step
                                  base += st[k];
                                  if (++idx[k] < dims[k]) break;
                                  base -= idx[k] * st[k];
                                  idx[k] = 0;
                              }
                          }
                      });
    return out;
}

Tensor var_impl(OpId id, const Tensor& input, const ReduceDims& dim, bool keepdim, std::int64_t correction,
                const std::optional<MemoryConfig>& memory_config, float scalar, bool take_sqrt) {
    const Plan p = plan_reduction(id, input, dim, keepdim);
    ThreadPool& pool = pool_of(input);
    const F32Input in(input, p.op);
    const Shape& shape = input.logical_shape();
    const float* x = in.data();
    F32Array moved;
    const std::vector<Group> groups = coalesce(shape, p.reduced);
    std::size_t num_reduced = 0, j = 0;
    for (std::size_t k = 0; k < groups.size(); ++k) {
        if (groups[k].reduced) {
            ++num_reduced;
            j = k;
        }
    }
    Olr g;
    if (num_reduced == 0) {
        g.outer = shape.volume();
    } else if (num_reduced == 1) {
        for (std::size_t k = 0; k < j; ++k) g.outer *= groups[k].size;
        g.reduced = groups[j].size;
        for (std::size_t k = j + 1; k < groups.size(); ++k) g.inner *= groups[k].size;
    } else {
        moved = move_reduced_last(x, shape, p.reduced, pool);
        x = moved.data();
        g.reduced = p.count;
        g.outer = p.count ? shape.volume() / p.count : 0;
    }
    F32Array y(p.out_shape);
    var_olr(x, y.data(), g, correction, take_sqrt, scalar, pool);
    return make_output(y, input.dtype(), input.layout(), reduced_output_config(memory_config, input), input.device(),
                       p.op);
}

template <class F>
Tensor per_device(const Tensor& input, std::string_view op, F&& f) {
    return for_each_device(one(input), [&](std::span<const Tensor> s) { return f(s[0]); }, op);
}

}  // namespace

Tensor sum(const Tensor& input, const ReduceDims& dim, bool keepdim, const std::optional<MemoryConfig>& memory_config,
           float scalar) {
    if (is_mesh_tensor(input)) {
        return per_device(input, "ttnn.sum",
                          [&](const Tensor& t) { return sum(t, dim, keepdim, memory_config, scalar); });
    }
    return reduce_simple<SumOp>(OpId::sum, input, dim, keepdim, memory_config, scalar, false);
}

Tensor mean(const Tensor& input, const ReduceDims& dim, bool keepdim, const std::optional<MemoryConfig>& memory_config,
            float scalar) {
    if (is_mesh_tensor(input)) {
        return per_device(input, "ttnn.mean",
                          [&](const Tensor& t) { return mean(t, dim, keepdim, memory_config, scalar); });
    }
    return reduce_simple<SumOp>(OpId::mean, input, dim, keepdim, memory_config, scalar, true);
}

Tensor max(const Tensor& input, const ReduceDims& dim, bool keepdim, const std::optional<MemoryConfig>& memory_config,
           float scalar) {
    if (is_mesh_tensor(input)) {
        return per_device(input, "ttnn.max",
                          [&](const Tensor& t) { return max(t, dim, keepdim, memory_config, scalar); });
    }
    return reduce_simple<MaxOp>(OpId::max, input, dim, keepdim, memory_config, scalar, false);
}

Tensor min(const Tensor& input, const ReduceDims& dim, bool keepdim, const std::optional<MemoryConfig>& memory_config,
           float scalar) {
    if (is_mesh_tensor(input)) {
        return per_device(input, "ttnn.min",
                          [&](const Tensor& t) { return min(t, dim, keepdim, memory_config, scalar); });
    }
    return reduce_simple<MinOp>(OpId::min, input, dim, keepdim, memory_config, scalar, false);
}

Tensor prod(const Tensor& input, const ReduceDims& dim, bool keepdim,
            const std::optional<MemoryConfig>& memory_config) {
    if (is_mesh_tensor(input)) {
        return per_device(input, "ttnn.prod", [&](const Tensor& t) { return prod(t, dim, keepdim, memory_config); });
    }
    return reduce_simple<ProdOp>(OpId::prod, input, dim, keepdim, memory_config, 1.0f, false);
}

Tensor var(const Tensor& input, const ReduceDims& dim, bool keepdim, std::int64_t correction,
           const std::optional<MemoryConfig>& memory_config, float scalar) {
    if (is_mesh_tensor(input)) {
        return per_device(input, "ttnn.var",
                          [&](const Tensor& t) { return var(t, dim, keepdim, correction, memory_config, scalar); });
    }
    return var_impl(OpId::var, input, dim, keepdim, correction, memory_config, scalar, false);
}

Tensor std(const Tensor& input, const ReduceDims& dim, bool keepdim, std::int64_t correction,
           const std::optional<MemoryConfig>& memory_config, float scalar) {
    if (is_mesh_tensor(input)) {
        return per_device(input, "ttnn.std", [&](const Tensor& t) {
            return ops::std(t, dim, keepdim, correction, memory_config, scalar);
        });
    }
    return var_impl(OpId::std, input, dim, keepdim, correction, memory_config, scalar, true);
}

}  // namespace ttnn::ops
