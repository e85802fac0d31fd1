// What the elementwise kernels share: numpy broadcasting planned once per call (size-1 dims
// dropped, dims with the same broadcast pattern merged, so equal shapes become one flat loop) and
// executed on a thread pool with contiguous inner runs; operand plumbing (scalars, mesh tensors,
// same-device checks) and wrapping integer results into their dtype.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "ttnn/core/shape.hpp"
#include "ttnn/core/tensor.hpp"
#include "ttnn/core/thread_pool.hpp"
#include "ttnn/ops/common.hpp"
#include "ttnn/ops/eltwise.hpp"
#include "ttnn/ops/op_table.hpp"

namespace ttnn::ops::eltwise {

// Elements per parallel chunk: large enough to amortize the scheduling, small enough to balance.
inline constexpr std::size_t kGrain = std::size_t{1} << 14;

// ---- operands -------------------------------------------------------------------------------

inline const Tensor* tensor_of(const Operand& o) { return std::get_if<Tensor>(&o); }
// True for a tensor of an integer dtype or a whole-valued scalar (2 or 2.0).
bool is_integral(const Operand& o);
// Shape an operand broadcasts with: a scalar is rank 0.
Shape shape_of(const Operand& o);
float scalar_f32(const Operand& o);
std::int64_t scalar_i64(const Operand& o);  // an integer scalar

// Runs `per_device` on single-device operands: mesh tensors among `operands` are split per device
// (the others are used as they are) and the results joined as a mesh tensor.
Tensor run_on_devices(std::span<const Operand> operands,
                      const std::function<Tensor(std::span<const Operand>)>& per_device, std::string_view op);

// check_input on every tensor operand (named by `names`), and that they share one device.
// Returns the first tensor operand; TypeMismatch if there is none.
const Tensor& check_operands(OpId id, std::span<const Operand> operands, std::span<const std::string_view> names);

// numpy broadcasting of the operands' shapes; InvalidArgument naming the op and every shape.
Shape broadcast_shape(std::span<const Operand> operands, std::span<const std::string_view> names, std::string_view op);

// Integer results wrap modulo 2^bits into their dtype (as torch and the hardware do); float
// dtypes are left alone.
void wrap_to_dtype(I64Array& values, DataType dtype, ThreadPool& pool);

// A new tensor of this spec on the device of `like`, its contents unset.
Tensor new_output(const Shape& shape, DataType dtype, Layout layout, const MemoryConfig& memory_config,
                  const Tensor& like, std::string_view op);

// A unary op by name (an `activations` entry of a binary op) as a function that maps float32
// values in place. Raises InvalidArgument naming `op` for an unknown name.
std::function<void(float*, std::size_t)> resolve_activation(const UnaryWithParam& activation, std::string_view op);

// ---- broadcasting -------------------------------------------------------------------------

template <std::size_t K>
struct BroadcastPlan {
    std::size_t rank = 1;                                     // coalesced rank (>= 1)
    std::array<std::size_t, kMaxRank> dims{};                 // coalesced output dims
    std::array<std::array<std::size_t, kMaxRank>, K> strides{};  // per operand, 0 where it broadcasts
    unsigned inner_mask = 0;                                  // bit k: operand k is contiguous in the innermost dim
    std::size_t volume = 0;
};

// `in` are the operand shapes (already known to broadcast to `out`).
template <std::size_t K>
BroadcastPlan<K> plan_broadcast(const Shape& out, const std::array<Shape, K>& in) {
    const std::size_t rank = out.rank();
    std::array<std::array<std::size_t, kMaxRank>, K> full{};
    for (std::size_t k = 0; k < K; ++k) {
        std::size_t stride = 1;
        const std::size_t lead = rank - in[k].rank();
        for (std::size_t d = rank; d-- > 0;) {
            const std::size_t n = d >= lead ? in[k][d - lead] : 1;
            full[k][d] = n == 1 ? 0 : stride;
            stride *= n;
        }
    }
    BroadcastPlan<K> plan;
    plan.volume = out.volume();
    plan.rank = 0;
    for (std::size_t d = 0; d < rank; ++d) {
        if (out[d] == 1) continue;
        bool same_pattern = plan.rank > 0;
        for (std::size_t k = 0; k < K && same_pattern; ++k) {
            same_pattern = (full[k][d] == 0) == (plan.strides[k][plan.rank - 1] == 0);
        }
        if (same_pattern) {
            plan.dims[plan.rank - 1] *= out[d];
            for (std::size_t k = 0; k < K; ++k) plan.strides[k][plan.rank - 1] = full[k][d];
        } else {
            plan.dims[plan.rank] = out[d];
            for (std::size_t k = 0; k < K; ++k) plan.strides[k][plan.rank] = full[k][d];
            ++plan.rank;
        }
    }
    if (plan.rank == 0) {
        plan.rank = 1;
        plan.dims[0] = 1;
    }
    for (std::size_t k = 0; k < K; ++k) {
        if (plan.strides[k][plan.rank - 1] != 0) plan.inner_mask |= 1u << k;
    }
    return plan;
}

namespace detail {

// One contiguous run of the innermost dim: operands in Mask advance, the others stay put (their
// loads are hoisted, so the loop vectorizes).
template <unsigned Mask, class Out, class F, class Ptrs, std::size_t... I>
inline void inner_run(std::size_t n, Out* __restrict out, const F& f, const Ptrs& p, std::index_sequence<I...>) {
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = static_cast<Out>(f(std::get<I>(p)[((Mask >> I) & 1u) ? i : 0]...));
    }
}

template <unsigned Mask, std::size_t K, class Out, class F, class... In>
void run_plan(ThreadPool& pool, const BroadcastPlan<K>& plan, Out* out, const F& f, const In*... in) {
    const std::tuple<const In*...> base(in...);
    const std::size_t rank = plan.rank;
    const std::size_t inner = plan.dims[rank - 1];
    pool.parallel_for(plan.volume, kGrain, [&](std::size_t begin, std::size_t end) {
        std::array<std::size_t, kMaxRank> idx{};
        std::size_t rest = begin;
        for (std::size_t d = rank; d-- > 0;) {
            idx[d] = rest % plan.dims[d];
            rest /= plan.dims[d];
        }
        std::array<std::size_t, K> off{};
        for (std::size_t k = 0; k < K; ++k) {
            for (std::size_t d = 0; d < rank; ++d) off[k] += idx[d] * plan.strides[k][d];
        }
        std::size_t pos = begin;
        while (pos < end) {
            const std::size_t n = std::min(inner - idx[rank - 1], end - pos);
            [&]<std::size_t... I>(std::index_sequence<I...> seq) {
                inner_run<Mask>(n, out + pos, f, std::tuple<const In*...>((std::get<I>(base) + off[I])...), seq);
            }(std::index_sequence_for<In...>{});
            pos += n;
            idx[rank - 1] += n;
            for (std::size_t k = 0; k < K; ++k) off[k] += n * plan.strides[k][rank - 1];
            if (idx[rank - 1] < inner) continue;
            // Carry into the outer dims.
            idx[rank - 1] = 0;
            for (std::size_t k = 0; k < K; ++k) off[k] -= inner * plan.strides[k][rank - 1];
            for (std::size_t d = rank - 1; d-- > 0;) {
                for (std::size_t k = 0; k < K; ++k) off[k] += plan.strides[k][d];
                if (++idx[d] < plan.dims[d]) break;
                idx[d] = 0;
                for (std::size_t k = 0; k < K; ++k) off[k] -= plan.dims[d] * plan.strides[k][d];
            }
        }
    });
}

}  // namespace detail

// out[i] = f(in_0[...], in_1[...], ...) over the broadcast output, in parallel on `pool`.
template <std::size_t K, class Out, class F, class... In>
void broadcast_apply(ThreadPool& pool, const BroadcastPlan<K>& plan, Out* out, const F& f, const In*... in) {
    static_assert(sizeof...(In) == K && K >= 1 && K <= 3);
    if (plan.volume == 0) return;
    switch (plan.inner_mask) {
        case 0: detail::run_plan<0>(pool, plan, out, f, in...); break;
        case 1: detail::run_plan<1>(pool, plan, out, f, in...); break;
        case 2: if constexpr (K >= 2) detail::run_plan<2>(pool, plan, out, f, in...); break;
        case 3: if constexpr (K >= 2) detail::run_plan<3>(pool, plan, out, f, in...); break;
        case 4: if constexpr (K >= 3) detail::run_plan<4>(pool, plan, out, f, in...); break;
        case 5: if constexpr (K >= 3) detail::run_plan<5>(pool, plan, out, f, in...); break;
        case 6: if constexpr (K >= 3) detail::run_plan<6>(pool, plan, out, f, in...); break;
        default: if constexpr (K >= 3) detail::run_plan<7>(pool, plan, out, f, in...); break;
    }
}

// y[i] = f(x[i]) in place.
template <class T, class F>
void map_inplace(ThreadPool& pool, T* x, std::size_t n, const F& f) {
    if (n == 0) return;
    pool.parallel_for(n, kGrain, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) x[i] = f(x[i]);
    });
}

}  // namespace ttnn::ops::eltwise
