// Binary ops (add ... logical_xor): two operands (tensors or scalars) broadcast as numpy does.
// Two integer operands compute exactly in 64 bits (true division gives float32); otherwise in
// float32: in one storage-order pass when the shapes and layouts agree, else through logical
// float32 copies and the broadcast plan. Fused activations run before the output is rounded.
#include <cmath>
#include <cstdint>
#include <string>

#include "eltwise_common.hpp"
#include "storage_order.hpp"
#include "ttnn/core/error.hpp"
#include "unary_functors.hpp"

namespace ttnn::ops {

namespace {

namespace fn = eltwise::fn;

// How an op treats two integer operands.
enum class IntMode {
    kExact,    // an int64 functor, wrapped into the output dtype
    kToFloat,  // true division: a float result, FLOAT32 unless dtype= says otherwise
    kNone,     // float-only op (the table rejects integer tensors)
};

struct NoIntKernel {};

inline std::int64_t wrap_add(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}
inline std::int64_t wrap_sub(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}
inline std::int64_t wrap_mul(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b));
}

void check_divisor(std::int64_t b, const char* op) {
    if (b == 0) throw InvalidArgument(op, "integer division by zero (an element of input_tensor_b is 0)");
}

template <class T>
struct Args {
    WorkArray<T> arrays[2];
    T scalars[2]{};
    const T* ptr[2]{};
};

template <class T>
Args<T> read_args(std::span<const Operand> ops, const std::string& op) {
    Args<T> args;
    for (std::size_t k = 0; k < 2; ++k) {
        if (const Tensor* t = eltwise::tensor_of(ops[k])) {
            if constexpr (std::is_same_v<T, float>) {
                if (t->dtype() == DataType::FLOAT32 && t->layout() == Layout::ROW_MAJOR) {
                    // Already logical row-major float32: read in place.
                    args.ptr[k] = reinterpret_cast<const float*>(t->shard_data(0, op));
                    continue;
                }
                args.arrays[k] = read_f32(*t, op);
            } else {
                args.arrays[k] = read_i64(*t, op);
            }
            args.ptr[k] = args.arrays[k].data();
        } else {
            if constexpr (std::is_same_v<T, float>) {
                args.scalars[k] = eltwise::scalar_f32(ops[k]);
            } else {
                args.scalars[k] = eltwise::scalar_i64(ops[k]);
            }
            args.ptr[k] = &args.scalars[k];
        }
    }
    return args;
}

void apply_activations(const std::vector<UnaryWithParam>& activations, float* values, std::size_t n,
                       ThreadPool& pool, const std::string& op) {
    for (const auto& a : activations) {
        const auto act = eltwise::resolve_activation(a, op);
        pool.parallel_for(n, eltwise::kGrain, [&](std::size_t b, std::size_t e) { act(values + b, e - b); });
    }
}

template <IntMode Mode, class FF, class FI>
Tensor binary_impl(OpId id, const Operand& a, const Operand& b, std::optional<DataType> dtype,
                   const OptMemoryConfig& memory_config, const std::vector<UnaryWithParam>& activations,
                   const FF& on_float, const FI& on_int) {
    const std::string op = qualified_name(id);
    static constexpr std::string_view kNames[] = {"input_tensor_a", "input_tensor_b"};
    const std::array<Operand, 2> operands{a, b};
    return eltwise::run_on_devices(
        operands,
        [&](std::span<const Operand> ops) -> Tensor {
            const Tensor& first = eltwise::check_operands(id, ops, kNames);
            const Shape out_shape = eltwise::broadcast_shape(ops, kNames, op);
            const auto plan =
                eltwise::plan_broadcast<2>(out_shape, {eltwise::shape_of(ops[0]), eltwise::shape_of(ops[1])});
            const MemoryConfig mc = output_memory_config(memory_config, first);
            ThreadPool& pool = pool_of(first);
            const bool integral = eltwise::is_integral(ops[0]) && eltwise::is_integral(ops[1]);
            if constexpr (Mode == IntMode::kExact) {
                if (integral) {
                    const DataType out_dtype = dtype.value_or(first.dtype());
                    if (!activations.empty()) {
                        throw InvalidArgument(op, "activations apply to float results; the inputs are integers");
                    }
                    Args<std::int64_t> args = read_args<std::int64_t>(ops, op);
                    I64Array out(out_shape);
                    eltwise::broadcast_apply(pool, plan, out.data(), on_int, args.ptr[0], args.ptr[1]);
                    eltwise::wrap_to_dtype(out, out_dtype, pool);
                    return make_output(out, out_dtype, first.layout(), mc, first.device(), op);
                }
            }
            if constexpr (Mode == IntMode::kToFloat) {
                if (integral) {
                    const DataType out_dtype = dtype.value_or(DataType::FLOAT32);
                    Args<std::int64_t> args = read_args<std::int64_t>(ops, op);
                    F32Array out(out_shape);
                    eltwise::broadcast_apply(pool, plan, out.data(), on_int, args.ptr[0], args.ptr[1]);
                    apply_activations(activations, out.data(), out.size(), pool, op);
                    return make_output(out, out_dtype, first.layout(), mc, first.device(), op);
                }
            }
            const DataType out_dtype = dtype.value_or(first.dtype());
            if (eltwise::storage_order_applies(ops, out_shape, first.layout(), out_dtype)) {
                return eltwise::run_storage_order<2>(ops, first, out_shape, out_dtype, first.layout(), mc, on_float,
                                                     activations, op);
            }
            Args<float> args = read_args<float>(ops, op);
            if (out_dtype == DataType::FLOAT32 && first.layout() == Layout::ROW_MAJOR) {
                Tensor out = eltwise::new_output(out_shape, out_dtype, first.layout(), mc, first, op);
                auto* o = reinterpret_cast<float*>(out.shard_data(0, op));
                eltwise::broadcast_apply(pool, plan, o, on_float, args.ptr[0], args.ptr[1]);
                apply_activations(activations, o, out_shape.volume(), pool, op);
                return out;
            }
            F32Array out(out_shape);
            eltwise::broadcast_apply(pool, plan, out.data(), on_float, args.ptr[0], args.ptr[1]);
            apply_activations(activations, out.data(), out.size(), pool, op);
            return make_output(out, out_dtype, first.layout(), mc, first.device(), op);
        },
        op);
}

}  // namespace

#define TTNN_BINARY(name, mode, float_expr, int_expr)                                                          \
    Tensor name(const Operand& input_tensor_a, const Operand& input_tensor_b, std::optional<DataType> dtype,    \
                const OptMemoryConfig& memory_config, const std::vector<UnaryWithParam>& activations) {         \
        return binary_impl<IntMode::mode>(                                                                     \
            OpId::name, input_tensor_a, input_tensor_b, dtype, memory_config, activations,                     \
            [](float a, float b) { return float_expr; }, [](std::int64_t a, std::int64_t b) { return int_expr; }); \
    }

TTNN_BINARY(add, kExact, a + b, wrap_add(a, b))
TTNN_BINARY(subtract, kExact, a - b, wrap_sub(a, b))
TTNN_BINARY(multiply, kExact, a * b, wrap_mul(a, b))
TTNN_BINARY(divide, kToFloat, a / b, static_cast<float>(static_cast<double>(a) / static_cast<double>(b)))
TTNN_BINARY(maximum, kExact, (a != a) ? a : (a > b ? a : b), a > b ? a : b)
TTNN_BINARY(minimum, kExact, (a != a) ? a : (a < b ? a : b), a < b ? a : b)
TTNN_BINARY(atan2, kNone, std::atan2(a, b), a)
TTNN_BINARY(squared_difference, kNone, (a - b) * (a - b), a)
TTNN_BINARY(eq, kExact, fn::flag(a == b), std::int64_t{a == b})
TTNN_BINARY(ne, kExact, fn::flag(a != b), std::int64_t{a != b})
TTNN_BINARY(lt, kExact, fn::flag(a < b), std::int64_t{a < b})
TTNN_BINARY(le, kExact, fn::flag(a <= b), std::int64_t{a <= b})
TTNN_BINARY(gt, kExact, fn::flag(a > b), std::int64_t{a > b})
TTNN_BINARY(ge, kExact, fn::flag(a >= b), std::int64_t{a >= b})
TTNN_BINARY(logical_and, kExact, fn::flag(a != 0.0f && b != 0.0f), std::int64_t{a != 0 && b != 0})
TTNN_BINARY(logical_or, kExact, fn::flag(a != 0.0f || b != 0.0f), std::int64_t{a != 0 || b != 0})
TTNN_BINARY(logical_xor, kExact, fn::flag((a != 0.0f) != (b != 0.0f)), std::int64_t{(a != 0) != (b != 0)})
// Sign of b (torch.remainder); b == -1 is special-cased because INT64_MIN % -1 traps.
TTNN_BINARY(remainder, kExact,
            [&] {
                float r = std::fmod(a, b);
                if (r != 0.0f && ((r < 0.0f) != (b < 0.0f))) r += b;
                return r;
            }(),
            [&] {
                check_divisor(b, "ttnn.remainder");
                if (b == -1) return std::int64_t{0};
                std::int64_t r = a % b;
                if (r != 0 && ((r < 0) != (b < 0))) r += b;
                return r;
            }())
// Sign of a (torch.fmod).
TTNN_BINARY(fmod, kExact, std::fmod(a, b),
            [&] {
                check_divisor(b, "ttnn.fmod");
                return b == -1 ? std::int64_t{0} : a % b;
            }())
// pow: a scalar exponent of 2 or 3 (x ** 2, gelu_new's x ** 3) multiplies instead of calling
// std::pow per element, which is many times slower and does not vectorize.
Tensor pow(const Operand& input_tensor_a, const Operand& input_tensor_b, std::optional<DataType> dtype,
           const OptMemoryConfig& memory_config, const std::vector<UnaryWithParam>& activations) {
    const auto any_int = [](std::int64_t a, std::int64_t) { return a; };
    if (!eltwise::tensor_of(input_tensor_b) && eltwise::tensor_of(input_tensor_a)) {
        const float e = eltwise::scalar_f32(input_tensor_b);
        if (e == 2.0f)
            return binary_impl<IntMode::kNone>(OpId::pow, input_tensor_a, input_tensor_b, dtype, memory_config,
                                               activations, [](float a, float) { return a * a; }, any_int);
        if (e == 3.0f)
            return binary_impl<IntMode::kNone>(OpId::pow, input_tensor_a, input_tensor_b, dtype, memory_config,
                                               activations, [](float a, float) { return a * a * a; }, any_int);
    }
    return binary_impl<IntMode::kNone>(OpId::pow, input_tensor_a, input_tensor_b, dtype, memory_config, activations,
                                       [](float a, float b) { return std::pow(a, b); }, any_int);
}

#undef TTNN_BINARY

}  // namespace ttnn::ops
