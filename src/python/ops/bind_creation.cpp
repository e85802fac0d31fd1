// Bindings of the creation ops with TT-NN's Python signatures: shapes as ttnn.Shape or any
// sequence of ints, device=None for a host tensor, a Device or a MeshDevice.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/variant.h>
#include <nanobind/stl/vector.h>

#include "registry.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/creation.hpp"
#include "ttnn/ops/op_table.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ttnn::python {

namespace {

using ops::OpId;
using ops::OptMemoryConfig;
using ops::Scalar;
using DeviceArg = std::optional<std::variant<std::shared_ptr<Device>, std::shared_ptr<MeshDevice>>>;

const char* summary(OpId id) { return ops::op_info(id).summary.data(); }

Shape shape_of(nb::handle shape, const char* op) {
    if (nb::isinstance<Shape>(shape)) return nb::cast<Shape>(shape);
    if (nb::isinstance<nb::int_>(shape)) return Shape({nb::cast<std::int64_t>(shape)});
    std::vector<std::int64_t> dims;
    if (!nb::try_cast(shape, dims)) {
        throw TypeMismatch(op, "shape must be a ttnn.Shape or a sequence of ints, got " +
                                   nb::cast<std::string>(nb::repr(shape)));
    }
    return Shape(dims, op);
}

ops::Placement placement_of(const DeviceArg& device) {
    if (!device) return std::monostate{};
    if (const auto* d = std::get_if<std::shared_ptr<Device>>(&*device)) return *d;
    return std::get<std::shared_ptr<MeshDevice>>(*device);
}

template <class F>
Tensor released(F&& f) {
    nb::gil_scoped_release release;
    return f();
}

void bind_creation(nb::module_& m) {
    m.def("full",
          [](nb::handle shape, const Scalar& fill_value, std::optional<DataType> dtype, std::optional<Layout> layout,
             const DeviceArg& device, const OptMemoryConfig& mc) {
              const Shape s = shape_of(shape, "ttnn.full");
              return released([&] {
                  return ops::full(s, fill_value, dtype.value_or(DataType::BFLOAT16),
                                   layout.value_or(Layout::ROW_MAJOR), placement_of(device), mc);
              });
          },
          "shape"_a, "fill_value"_a, "dtype"_a = nb::none(), "layout"_a = nb::none(), "device"_a = nb::none(),
          "memory_config"_a = nb::none(), summary(OpId::full));

    using Maker = Tensor (*)(const Shape&, DataType, Layout, const ops::Placement&, const OptMemoryConfig&);
#define BIND_MAKER(name)                                                                                     \
    m.def(#name,                                                                                             \
          [](nb::handle shape, std::optional<DataType> dtype, std::optional<Layout> layout, const DeviceArg& device, \
             const OptMemoryConfig& mc) {                                                                    \
              const Shape s = shape_of(shape, "ttnn." #name);                                                \
              const Maker make = &ops::name;                                                                 \
              return released([&] {                                                                          \
                  return make(s, dtype.value_or(DataType::BFLOAT16), layout.value_or(Layout::ROW_MAJOR),     \
                              placement_of(device), mc);                                                     \
              });                                                                                            \
          },                                                                                                 \
          "shape"_a, "dtype"_a = nb::none(), "layout"_a = nb::none(), "device"_a = nb::none(),               \
          "memory_config"_a = nb::none(), summary(OpId::name));
    BIND_MAKER(zeros)
    BIND_MAKER(ones)
    BIND_MAKER(empty)
#undef BIND_MAKER

    m.def("arange",
          [](const Scalar& start, const std::optional<Scalar>& end, const Scalar& step, std::optional<DataType> dtype,
             const DeviceArg& device, std::optional<Layout> layout, const OptMemoryConfig& mc) {
              // arange(end) counts from 0, as torch.arange and ttnn.arange do.
              const Scalar from = end ? start : Scalar(std::int64_t{0});
              const Scalar to = end ? *end : start;
              return released([&] {
                  return ops::arange(from, to, step, dtype.value_or(DataType::BFLOAT16), placement_of(device),
                                     layout.value_or(Layout::ROW_MAJOR), mc);
              });
          },
          "start"_a = 0, "end"_a = nb::none(), "step"_a = 1, "dtype"_a = nb::none(), "device"_a = nb::none(),
          "layout"_a = nb::none(), "memory_config"_a = nb::none(), summary(OpId::arange));

    m.def("full_like",
          [](const Tensor& t, const Scalar& fill_value, std::optional<DataType> dtype, std::optional<Layout> layout,
             const DeviceArg& device, const OptMemoryConfig& mc) {
              return released([&] { return ops::full_like(t, fill_value, dtype, layout, placement_of(device), mc); });
          },
          "tensor"_a, "fill_value"_a, "dtype"_a = nb::none(), "layout"_a = nb::none(), "device"_a = nb::none(),
          "memory_config"_a = nb::none(), summary(OpId::full_like));

    using LikeMaker = Tensor (*)(const Tensor&, std::optional<DataType>, std::optional<Layout>, const ops::Placement&,
                                 const OptMemoryConfig&);
#define BIND_LIKE(name)                                                                                       \
    m.def(#name,                                                                                              \
          [](const Tensor& t, std::optional<DataType> dtype, std::optional<Layout> layout, const DeviceArg& device, \
             const OptMemoryConfig& mc) {                                                                     \
              const LikeMaker make = &ops::name;                                                              \
              return released([&] { return make(t, dtype, layout, placement_of(device), mc); });              \
          },                                                                                                  \
          "tensor"_a, "dtype"_a = nb::none(), "layout"_a = nb::none(), "device"_a = nb::none(),               \
          "memory_config"_a = nb::none(), summary(OpId::name));
    BIND_LIKE(zeros_like)
    BIND_LIKE(ones_like)
    BIND_LIKE(empty_like)
#undef BIND_LIKE
}

const OpBinder binder("creation", &bind_creation);

}  // namespace

}  // namespace ttnn::python
