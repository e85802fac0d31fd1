// Kernels of the eltwise family (TT-NN-level nodes -> ttnn::ops calls). Binary and ternary
// operands are positional and may be Python scalars (IR numbers) or tensors; kernels compute in
// the node's output dtype (ctx.output_dtype), which the lowering chose from torch's promotion.
#include <array>
#include <optional>

#include "ttnn/core/error.hpp"
#include "ttnn/graph/kernel_table.hpp"
#include "ttnn/ops/eltwise.hpp"

namespace ttnn::graph {
namespace {

using ops::Operand;

// A positional argument: the index of its tensor among the kernel's inputs, or a fixed scalar.
struct OperandSlot {
    int input = -1;
    Operand scalar = std::int64_t{0};

    Operand get(std::span<const Tensor> in) const { return input >= 0 ? Operand(in[input]) : scalar; }
};

Operand scalar_of(const KernelContext& ctx, const Arg& a, std::string_view what) {
    if (const auto* n = std::get_if<std::int64_t>(&a)) return *n;
    if (const auto* d = std::get_if<double>(&a)) return *d;
    if (const auto* b = std::get_if<bool>(&a)) return std::int64_t{*b ? 1 : 0};
    throw InvalidArgument(ctx.op() + ": " + std::string(what) + " is neither a tensor nor a number: " + to_string(a));
}

OperandSlot positional(const KernelContext& ctx, std::size_t i) {
    const auto& args = ctx.node().args;
    if (i >= args.size()) throw InvalidArgument(ctx.op() + ": expected " + std::to_string(i + 1) + " arguments");
    OperandSlot slot;
    slot.input = ctx.arg_operand_index(i);
    if (slot.input < 0) slot.scalar = scalar_of(ctx, args[i], "argument " + std::to_string(i));
    return slot;
}

// A kwarg that may be a tensor, a number or absent (clamp's min / max).
struct OptionalSlot {
    bool present = false;
    OperandSlot slot;

    std::optional<Operand> get(std::span<const Tensor> in) const {
        if (!present) return std::nullopt;
        return slot.get(in);
    }
};

OptionalSlot keyword(const KernelContext& ctx, std::string_view key) {
    OptionalSlot out;
    if (!ctx.has(key)) return out;
    out.present = true;
    out.slot.input = ctx.operand_index(key);
    if (out.slot.input < 0) out.slot.scalar = scalar_of(ctx, *ctx.node().kwarg(key), key);
    return out;
}

using PlainUnary = Tensor (*)(const Tensor&, const ops::OptMemoryConfig&);
using FastUnary = Tensor (*)(const Tensor&, bool, const ops::OptMemoryConfig&);
using Binary = Tensor (*)(const Operand&, const Operand&, std::optional<DataType>, const ops::OptMemoryConfig&,
                          const std::vector<ops::UnaryWithParam>&);

template <PlainUnary F>
BoundKernel plain_unary(const KernelContext&) {
    return [](std::span<const Tensor> in) { return std::vector<Tensor>{F(in[0], std::nullopt)}; };
}

template <FastUnary F>
BoundKernel fast_unary(const KernelContext& ctx) {
    const bool fast = ctx.get_bool("fast_and_approximate_mode", false);
    return [fast](std::span<const Tensor> in) { return std::vector<Tensor>{F(in[0], fast, std::nullopt)}; };
}

template <Binary F>
BoundKernel binary(const KernelContext& ctx) {
    const OperandSlot a = positional(ctx, 0);
    const OperandSlot b = positional(ctx, 1);
    const DataType dtype = ctx.output_dtype();
    return [=](std::span<const Tensor> in) {
        return std::vector<Tensor>{F(a.get(in), b.get(in), dtype, std::nullopt, {})};
    };
}

BoundKernel where_kernel(const KernelContext& ctx) {
    const OperandSlot t = positional(ctx, 1);
    const OperandSlot f = positional(ctx, 2);
    if (ctx.arg_operand_index(0) != 0) throw InvalidArgument(ctx.op() + ": the condition must be a tensor");
    return [=](std::span<const Tensor> in) {
        return std::vector<Tensor>{ops::where(in[0], t.get(in), f.get(in), std::nullopt)};
    };
}

BoundKernel clamp_kernel(const KernelContext& ctx) {
    const OptionalSlot lo = keyword(ctx, "min");
    const OptionalSlot hi = keyword(ctx, "max");
    return [=](std::span<const Tensor> in) {
        return std::vector<Tensor>{ops::clamp(in[0], lo.get(in), hi.get(in), std::nullopt)};
    };
}

}  // namespace

void register_eltwise_kernels(KernelTable& table) {
#define TTNN_REGISTER_PLAIN(name) table.add("ttnn." #name, plain_unary<&ops::name>);
    TTNN_ELTWISE_PLAIN_UNARY(TTNN_REGISTER_PLAIN)
#undef TTNN_REGISTER_PLAIN
#define TTNN_REGISTER_FAST(name) table.add("ttnn." #name, fast_unary<&ops::name>);
    TTNN_ELTWISE_FAST_UNARY(TTNN_REGISTER_FAST)
#undef TTNN_REGISTER_FAST
#define TTNN_REGISTER_BINARY(name) table.add("ttnn." #name, binary<&ops::name>);
    TTNN_ELTWISE_BINARY(TTNN_REGISTER_BINARY)
#undef TTNN_REGISTER_BINARY

    table.add("ttnn.hardtanh", [](const KernelContext& ctx) -> BoundKernel {
        const auto lo = static_cast<float>(ctx.get_float("min_val", -1.0));
        const auto hi = static_cast<float>(ctx.get_float("max_val", 1.0));
        return [=](std::span<const Tensor> in) { return std::vector<Tensor>{ops::hardtanh(in[0], lo, hi)}; };
    });
    table.add("ttnn.leaky_relu", [](const KernelContext& ctx) -> BoundKernel {
        const auto slope = static_cast<float>(ctx.get_float("negative_slope", 0.01));
        return [=](std::span<const Tensor> in) { return std::vector<Tensor>{ops::leaky_relu(in[0], slope)}; };
    });
    table.add("ttnn.elu", [](const KernelContext& ctx) -> BoundKernel {
        const auto alpha = static_cast<float>(ctx.get_float("alpha", 1.0));
        return [=](std::span<const Tensor> in) { return std::vector<Tensor>{ops::elu(in[0], alpha)}; };
    });
    table.add("ttnn.selu", [](const KernelContext& ctx) -> BoundKernel {
        const auto scale = static_cast<float>(ctx.get_float("scale", 1.0507009873554804934));
        const auto alpha = static_cast<float>(ctx.get_float("alpha", 1.6732632423543772848));
        return [=](std::span<const Tensor> in) { return std::vector<Tensor>{ops::selu(in[0], scale, alpha)}; };
    });
    table.add("ttnn.celu", [](const KernelContext& ctx) -> BoundKernel {
        const auto alpha = static_cast<float>(ctx.get_float("alpha", 1.0));
        return [=](std::span<const Tensor> in) { return std::vector<Tensor>{ops::celu(in[0], alpha)}; };
    });
    table.add("ttnn.softplus", [](const KernelContext& ctx) -> BoundKernel {
        const auto beta = static_cast<float>(ctx.get_float("beta", 1.0));
        const auto threshold = static_cast<float>(ctx.get_float("threshold", 20.0));
        return [=](std::span<const Tensor> in) { return std::vector<Tensor>{ops::softplus(in[0], beta, threshold)}; };
    });
    table.add("ttnn.round", [](const KernelContext& ctx) -> BoundKernel {
        const std::int64_t decimals = ctx.get_int("decimals", 0);
        return [=](std::span<const Tensor> in) { return std::vector<Tensor>{ops::round(in[0], decimals)}; };
    });
    table.add("ttnn.clamp", clamp_kernel);
    table.add("ttnn.clip", clamp_kernel);
    table.add("ttnn.where", where_kernel);
}

}  // namespace ttnn::graph
