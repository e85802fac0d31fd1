// The unary ops that take integer dtypes too (abs, neg, sign, logical_not, clamp/clip): integer
// inputs compute exactly in 64 bits and wrap into their dtype, float inputs in float32.
#include <cmath>
#include <limits>

#include "eltwise_common.hpp"
#include "storage_order.hpp"
#include "ttnn/core/error.hpp"
#include "unary_functors.hpp"

namespace ttnn::ops {

namespace {

using eltwise::map_inplace;
namespace fn = eltwise::fn;

template <class F, class G>
Tensor unary_any(OpId id, const Tensor& input, const OptMemoryConfig& memory_config, const F& on_float,
                 const G& on_int) {
    const std::string op = qualified_name(id);
    if (is_mesh_tensor(input)) {
        return for_each_device(
            std::span<const Tensor>(&input, 1), [&](std::span<const Tensor> s) { return unary_any(id, s[0], memory_config, on_float, on_int); },
            op);
    }
    check_input(id, input, "input_tensor");
    const MemoryConfig mc = output_memory_config(memory_config, input);
    ThreadPool& pool = pool_of(input);
    if (is_integer(input.dtype())) {
        I64Array x = read_i64(input, op);
        map_inplace(pool, x.data(), x.size(), on_int);
        eltwise::wrap_to_dtype(x, input.dtype(), pool);
        return make_output(x, input.dtype(), input.layout(), mc, input.device(), op);
    }
    const std::array<Operand, 1> operands{input};
    return eltwise::run_storage_order<1>(operands, input, input.logical_shape(), input.dtype(), input.layout(), mc,
                                         on_float, {}, op);
}

// Integer negation through unsigned arithmetic: -INT64_MIN is undefined, wrapping is not.
inline std::int64_t wrapping_neg(std::int64_t v) {
    return static_cast<std::int64_t>(0ull - static_cast<std::uint64_t>(v));
}

Tensor clamp_impl(OpId id, const Tensor& input, const std::optional<Operand>& min, const std::optional<Operand>& max,
                  const OptMemoryConfig& memory_config) {
    const std::string op = qualified_name(id);
    if (!min && !max) throw InvalidArgument(op, "at least one of min and max must be given (both are None)");
    const bool integral = is_integer(input.dtype()) && (!min || eltwise::is_integral(*min)) &&
                          (!max || eltwise::is_integral(*max));
    // A missing bound is the widest value of the computation type.
    const Operand lo = min ? *min
                           : (integral ? Operand(std::numeric_limits<std::int64_t>::min())
                                       : Operand(-std::numeric_limits<double>::infinity()));
    const Operand hi = max ? *max
                           : (integral ? Operand(std::numeric_limits<std::int64_t>::max())
                                       : Operand(std::numeric_limits<double>::infinity()));
    const std::array<Operand, 3> operands{input, lo, hi};
    static constexpr std::string_view kNames[] = {"input_tensor", "min", "max"};
    return eltwise::run_on_devices(
        operands,
        [&](std::span<const Operand> ops) -> Tensor {
            const Tensor& x = eltwise::check_operands(id, ops, kNames);
            const Shape out_shape = eltwise::broadcast_shape(ops, kNames, op);
            const auto plan = eltwise::plan_broadcast<3>(
                out_shape, {eltwise::shape_of(ops[0]), eltwise::shape_of(ops[1]), eltwise::shape_of(ops[2])});
            const MemoryConfig mc = output_memory_config(memory_config, x);
            ThreadPool& pool = pool_of(x);
            if (integral) {
                std::array<I64Array, 3> in;
                std::array<std::int64_t, 3> scalar{};
                std::array<const std::int64_t*, 3> ptr{};
                for (std::size_t k = 0; k < 3; ++k) {
                    if (const Tensor* t = eltwise::tensor_of(ops[k])) {
                        in[k] = read_i64(*t, op);
                        ptr[k] = in[k].data();
                    } else {
                        scalar[k] = eltwise::scalar_i64(ops[k]);
                        ptr[k] = &scalar[k];
                    }
                }
                I64Array out(out_shape);
                eltwise::broadcast_apply(
                    pool, plan, out.data(),
                    [](std::int64_t v, std::int64_t l, std::int64_t h) { return std::min(std::max(v, l), h); },
                    ptr[0], ptr[1], ptr[2]);
                return make_output(out, x.dtype(), x.layout(), mc, x.device(), op);
            }
            if (eltwise::storage_order_applies(ops, out_shape, x.layout(), x.dtype())) {
                return eltwise::run_storage_order<3>(ops, x, out_shape, x.dtype(), x.layout(), mc, fn::hardtanh, {},
                                                     op);
            }
            std::array<F32Array, 3> in;
            std::array<float, 3> scalar{};
            std::array<const float*, 3> ptr{};
            for (std::size_t k = 0; k < 3; ++k) {
                if (const Tensor* t = eltwise::tensor_of(ops[k])) {
                    in[k] = read_f32(*t, op);
                    ptr[k] = in[k].data();
                } else {
                    scalar[k] = eltwise::scalar_f32(ops[k]);
                    ptr[k] = &scalar[k];
                }
            }
            F32Array out(out_shape);
            eltwise::broadcast_apply(pool, plan, out.data(), fn::hardtanh, ptr[0], ptr[1], ptr[2]);
            return make_output(out, x.dtype(), x.layout(), mc, x.device(), op);
        },
        op);
}

}  // namespace

Tensor abs(const Tensor& input_tensor, const OptMemoryConfig& memory_config) {
    return unary_any(
        OpId::abs, input_tensor, memory_config, [](float v) { return std::fabs(v); },
        [](std::int64_t v) { return v < 0 ? wrapping_neg(v) : v; });
}

Tensor neg(const Tensor& input_tensor, const OptMemoryConfig& memory_config) {
    return unary_any(
        OpId::neg, input_tensor, memory_config, [](float v) { return -v; }, wrapping_neg);
}

Tensor sign(const Tensor& input_tensor, const OptMemoryConfig& memory_config) {
    return unary_any(
        OpId::sign, input_tensor, memory_config, fn::sign,
        [](std::int64_t v) { return static_cast<std::int64_t>((v > 0) - (v < 0)); });
}

Tensor logical_not(const Tensor& input_tensor, const OptMemoryConfig& memory_config) {
    return unary_any(
        OpId::logical_not, input_tensor, memory_config, [](float v) { return fn::flag(v == 0.0f); },
        [](std::int64_t v) { return static_cast<std::int64_t>(v == 0); });
}

Tensor clamp(const Tensor& input_tensor, const std::optional<Operand>& min, const std::optional<Operand>& max,
             const OptMemoryConfig& memory_config) {
    return clamp_impl(OpId::clamp, input_tensor, min, max, memory_config);
}

Tensor clip(const Tensor& input_tensor, const std::optional<Operand>& min, const std::optional<Operand>& max,
            const OptMemoryConfig& memory_config) {
    return clamp_impl(OpId::clip, input_tensor, min, max, memory_config);
}

}  // namespace ttnn::ops
