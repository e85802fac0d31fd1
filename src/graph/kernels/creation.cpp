// Kernels of the creation family (TT-NN-level nodes -> ttnn::ops calls). The nodes read no
// tensor: shape, fill value and range are attributes, dtype and layout the output type's, and
// the tensor is created on the program's target (a device, or replicated over a mesh).
#include "ttnn/core/error.hpp"
#include "ttnn/graph/kernel_table.hpp"
#include "ttnn/ops/creation.hpp"

namespace ttnn::graph {
namespace {

ops::Placement placement_of(const KernelContext& ctx) {
    if (ctx.target().mesh) return ctx.target().mesh;
    if (ctx.target().device) return ctx.target().device;
    return std::monostate{};
}

// A number attribute, ints kept exact.
ops::Scalar scalar_attr(const KernelContext& ctx, std::string_view key) {
    const Arg* a = ctx.node().kwarg(key);
    if (a == nullptr) throw InvalidArgument(ctx.op() + ": missing attribute " + std::string(key));
    if (const auto* n = std::get_if<std::int64_t>(a)) return *n;
    if (const auto* b = std::get_if<bool>(a)) return std::int64_t{*b ? 1 : 0};
    if (const auto* d = std::get_if<double>(a)) return *d;
    throw InvalidArgument(ctx.op() + ": " + std::string(key) + "=" + to_string(*a) + " is not a number");
}

Shape shape_attr(const KernelContext& ctx) { return Shape(ctx.get_ints("shape"), ctx.op()); }

using Maker = Tensor (*)(const Shape&, DataType, Layout, const ops::Placement&, const ops::OptMemoryConfig&);

template <Maker F>
BoundKernel maker(const KernelContext& ctx) {
    const Shape shape = shape_attr(ctx);
    const DataType dtype = ctx.output_dtype();
    const Layout layout = ctx.output_layout();
    const ops::Placement where = placement_of(ctx);
    return [=](std::span<const Tensor>) { return std::vector<Tensor>{F(shape, dtype, layout, where, std::nullopt)}; };
}

BoundKernel full_kernel(const KernelContext& ctx) {
    const Shape shape = shape_attr(ctx);
    const ops::Scalar value = scalar_attr(ctx, "fill_value");
    const DataType dtype = ctx.output_dtype();
    const Layout layout = ctx.output_layout();
    const ops::Placement where = placement_of(ctx);
    return [=](std::span<const Tensor>) {
        return std::vector<Tensor>{ops::full(shape, value, dtype, layout, where, std::nullopt)};
    };
}

BoundKernel arange_kernel(const KernelContext& ctx) {
    const ops::Scalar start = ctx.has("start") ? scalar_attr(ctx, "start") : ops::Scalar{std::int64_t{0}};
    const ops::Scalar end = scalar_attr(ctx, "end");
    const ops::Scalar step = ctx.has("step") ? scalar_attr(ctx, "step") : ops::Scalar{std::int64_t{1}};
    const DataType dtype = ctx.output_dtype();
    const Layout layout = ctx.output_layout();
    const ops::Placement where = placement_of(ctx);
    return [=](std::span<const Tensor>) {
        return std::vector<Tensor>{ops::arange(start, end, step, dtype, where, layout, std::nullopt)};
    };
}

}  // namespace

void register_creation_kernels(KernelTable& table) {
    table.add("ttnn.full", full_kernel);
    table.add("ttnn.zeros", maker<&ops::zeros>);
    table.add("ttnn.ones", maker<&ops::ones>);
    table.add("ttnn.empty", maker<&ops::empty>);
    table.add("ttnn.arange", arange_kernel);
}

}  // namespace ttnn::graph
