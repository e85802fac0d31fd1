// ttnn.where: condition ? true_value : false_value with the three broadcast together. Values that
// are all integers select exactly in 64 bits; otherwise in float32.
#include <cstdint>
#include <string>

#include "eltwise_common.hpp"
#include "storage_order.hpp"
#include "ttnn/core/error.hpp"

namespace ttnn::ops {

namespace {

template <class T>
struct Arg {
    WorkArray<T> array;
    T scalar{};
    const T* ptr = nullptr;
};

template <class T>
Arg<T> read_arg(const Operand& o, const std::string& op) {
    Arg<T> arg;
    if (const Tensor* t = eltwise::tensor_of(o)) {
        if constexpr (std::is_same_v<T, float>) {
            arg.array = read_f32(*t, op);
        } else {
            arg.array = read_i64(*t, op);
        }
        arg.ptr = arg.array.data();
    } else {
        if constexpr (std::is_same_v<T, float>) {
            arg.scalar = eltwise::scalar_f32(o);
        } else {
            arg.scalar = eltwise::scalar_i64(o);
        }
        arg.ptr = &arg.scalar;
    }
    return arg;
}

template <class C, class V>
WorkArray<V> select(ThreadPool& pool, const eltwise::BroadcastPlan<3>& plan, const Shape& shape,
                    std::span<const Operand> ops, const std::string& op) {
    const Arg<C> c = read_arg<C>(ops[0], op);
    const Arg<V> t = read_arg<V>(ops[1], op);
    const Arg<V> f = read_arg<V>(ops[2], op);
    WorkArray<V> out(shape);
    eltwise::broadcast_apply(
        pool, plan, out.data(), [](C cond, V a, V b) { return cond != C{0} ? a : b; }, c.ptr, t.ptr, f.ptr);
    return out;
}

}  // namespace

Tensor where(const Tensor& condition, const Operand& true_value, const Operand& false_value,
             const OptMemoryConfig& memory_config) {
    const std::string op = "ttnn.where";
    static constexpr std::string_view kNames[] = {"condition", "true_value", "false_value"};
    const std::array<Operand, 3> operands{condition, true_value, false_value};
    return eltwise::run_on_devices(
        operands,
        [&](std::span<const Operand> ops) -> Tensor {
            const Tensor& cond = eltwise::check_operands(OpId::where, ops, kNames);
            // The output follows the first value tensor (else the condition).
            const Tensor* like = eltwise::tensor_of(ops[1]);
            if (like == nullptr) like = eltwise::tensor_of(ops[2]);
            if (like == nullptr) like = &cond;
            const Shape out_shape = eltwise::broadcast_shape(ops, kNames, op);
            const auto plan = eltwise::plan_broadcast<3>(
                out_shape, {eltwise::shape_of(ops[0]), eltwise::shape_of(ops[1]), eltwise::shape_of(ops[2])});
            const MemoryConfig mc = output_memory_config(memory_config, *like);
            ThreadPool& pool = pool_of(cond);
            const bool int_cond = is_integer(cond.dtype());
            if (eltwise::is_integral(ops[1]) && eltwise::is_integral(ops[2])) {
                I64Array out = int_cond ? select<std::int64_t, std::int64_t>(pool, plan, out_shape, ops, op)
                                        : select<float, std::int64_t>(pool, plan, out_shape, ops, op);
                eltwise::wrap_to_dtype(out, like->dtype(), pool);
                return make_output(out, like->dtype(), like->layout(), mc, cond.device(), op);
            }
            if (!int_cond && eltwise::storage_order_applies(ops, out_shape, like->layout(), like->dtype())) {
                return eltwise::run_storage_order<3>(
                    ops, cond, out_shape, like->dtype(), like->layout(), mc,
                    [](float c, float a, float b) { return c != 0.0f ? a : b; }, {}, op);
            }
            F32Array out = int_cond ? select<std::int64_t, float>(pool, plan, out_shape, ops, op)
                                    : select<float, float>(pool, plan, out_shape, ops, op);
            return make_output(out, like->dtype(), like->layout(), mc, cond.device(), op);
        },
        op);
}

}  // namespace ttnn::ops
