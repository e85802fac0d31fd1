// cumsum / cumprod: running scans along a dim on the [O, R, I] view. Inner lanes are scanned a
// column block at a time (contiguous, vectorized over I); a few long rows are split into segments
// whose totals are scanned first, so every thread has work.
#include <string>

#include "reduce_kernels.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/op_table.hpp"
#include "ttnn/ops/reduction.hpp"

namespace ttnn::ops {

using namespace reduction;

namespace {

// y[r] = x[r0] op ... op x[r] for r in [r0, r1) (walking down from r1 - 1 when reverse), seeded with `carry`.
template <class T, class Op>
void scan_row(const T* x, T* y, std::size_t r0, std::size_t r1, bool reverse, T carry) {
    if (reverse) {
        for (std::size_t r = r1; r-- > r0;) y[r] = carry = Op::combine(carry, x[r]);
    } else {
        for (std::size_t r = r0; r < r1; ++r) y[r] = carry = Op::combine(carry, x[r]);
    }
}

template <class T, class Op>
void scan_olr(const T* x, T* y, Olr g, bool reverse, ThreadPool& pool) {
    const std::size_t O = g.outer, R = g.reduced, I = g.inner;
    if (I == 1) {
        const std::size_t S = std::min(R, segments_for(O, R, pool.num_threads()));
        if (S <= 1) {
            pool.parallel_for(O, std::max<std::size_t>(1, 16384 / std::max<std::size_t>(R, 1)),
                              [&](std::size_t b, std::size_t e) {
                                  for (std::size_t o = b; o < e; ++o)
                                      scan_row<T, Op>(x + o * R, y + o * R, 0, R, reverse, Op::identity());
                              });
            return;
        }
        // Few long rows: segment totals, their exclusive scan, then each segment scanned from its carry.
        const std::size_t seg = (R + S - 1) / S;
        std::vector<T> total(O * S, Op::identity());
        auto bounds = [&](std::size_t s) {
            const std::size_t r0 = std::min(R, s * seg);
            return std::pair<std::size_t, std::size_t>{r0, std::min(R, r0 + seg)};
        };
        pool.parallel_for(O * S, 1, [&](std::size_t b, std::size_t e) {
            for (std::size_t item = b; item < e; ++item) {
                const auto [r0, r1] = bounds(item % S);
                total[item] = reduce_row<T, Op>(x + (item / S) * R + r0, r1 - r0);
            }
        });
        std::vector<T> carry(O * S);
        for (std::size_t o = 0; o < O; ++o) {
            T c = Op::identity();
            for (std::size_t k = 0; k < S; ++k) {
                const std::size_t s = reverse ? S - 1 - k : k;
                carry[o * S + s] = c;
                c = Op::combine(c, total[o * S + s]);
            }
        }
        pool.parallel_for(O * S, 1, [&](std::size_t b, std::size_t e) {
            for (std::size_t item = b; item < e; ++item) {
                const auto [r0, r1] = bounds(item % S);
                const std::size_t o = item / S;
                scan_row<T, Op>(x + o * R, y + o * R, r0, r1, reverse, carry[item]);
            }
        });
        return;
    }
    const std::size_t nb = (I + kColumnBlock - 1) / kColumnBlock;
    const std::size_t grain = std::max<std::size_t>(1, 16384 / std::max<std::size_t>(R * std::min(I, kColumnBlock), 1));
    pool.parallel_for(O * nb, grain, [&](std::size_t b, std::size_t e) {
        T acc[kColumnBlock];
        for (std::size_t item = b; item < e; ++item) {
            const std::size_t o = item / nb, i0 = (item % nb) * kColumnBlock;
            const std::size_t w = std::min(kColumnBlock, I - i0);
            for (std::size_t i = 0; i < w; ++i) acc[i] = Op::identity();
            for (std::size_t k = 0; k < R; ++k) {
                const std::size_t r = reverse ? R - 1 - k : k;
                const std::size_t at = (o * R + r) * I + i0;
                for (std::size_t i = 0; i < w; ++i) y[at + i] = acc[i] = Op::combine(acc[i], x[at + i]);
            }
        }
    });
}

template <template <class> class Op>
Tensor cumulative(OpId id, const Tensor& input, std::int64_t dim, std::optional<DataType> dtype, bool reverse,
                  const std::optional<MemoryConfig>& memory_config) {
    const std::string op = qualified_name(id);
    check_input(id, input, "input_tensor");
    const Shape& shape = input.logical_shape();
    const Olr g = olr_of(shape, normalize_dim(dim, shape.rank(), op));
    const DataType out_dtype = dtype.value_or(input.dtype());
    const MemoryConfig config = output_memory_config(memory_config, input);
    ThreadPool& pool = pool_of(input);
    if (is_integer(input.dtype()) && is_integer(out_dtype)) {
        I64Array y(shape);
        scan_olr<std::int64_t, Op<std::int64_t>>(read_i64(input, op).data(), y.data(), g, reverse, pool);
        wrap_all(y, out_dtype, pool);
        return make_output(y, out_dtype, input.layout(), config, input.device(), op);
    }
    const F32Input x(input, op);
    F32Output y(shape, out_dtype, input.layout(), config, input, op, &x);
    scan_olr<float, Op<float>>(x.data(), y.data(), g, reverse, pool);
    return y.finish();
}

}  // namespace

Tensor cumsum(const Tensor& input, std::int64_t dim, std::optional<DataType> dtype, bool reverse_order,
              const std::optional<MemoryConfig>& memory_config) {
    if (is_mesh_tensor(input)) {
        return for_each_device(
            one(input),
            [&](std::span<const Tensor> s) { return cumsum(s[0], dim, dtype, reverse_order, memory_config); },
            "ttnn.cumsum");
    }
    return cumulative<SumOp>(OpId::cumsum, input, dim, dtype, reverse_order, memory_config);
}

Tensor cumprod(const Tensor& input, std::int64_t dim, std::optional<DataType> dtype, bool reverse_order,
               const std::optional<MemoryConfig>& memory_config) {
    if (is_mesh_tensor(input)) {
        return for_each_device(
            one(input),
            [&](std::span<const Tensor> s) { return cumprod(s[0], dim, dtype, reverse_order, memory_config); },
            "ttnn.cumprod");
    }
    return cumulative<ProdOp>(OpId::cumprod, input, dim, dtype, reverse_order, memory_config);
}

}  // namespace ttnn::ops
