#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "ttnn/core/dtype.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/core/math_fidelity.hpp"
#include "ttnn/core/memory_config.hpp"
#include "ttnn/core/shape.hpp"

namespace nb = nanobind;

namespace ttnn::python {

namespace {

Shape shape_from_sequence(const std::vector<std::int64_t>& dims) { return Shape(dims, "ttnn.Shape"); }

bool shape_equals(const Shape& shape, nb::handle other) {
    if (nb::isinstance<Shape>(other)) return shape == nb::cast<Shape>(other);
    if (nb::isinstance<nb::list>(other) || nb::isinstance<nb::tuple>(other)) {
        std::vector<std::int64_t> dims;
        for (nb::handle d : other) {
            if (!nb::isinstance<nb::int_>(d)) return false;
            dims.push_back(nb::cast<std::int64_t>(d));
        }
        if (dims.size() != shape.rank()) return false;
        for (std::size_t i = 0; i < dims.size(); ++i) {
            if (dims[i] != shape[i]) return false;
        }
        return true;
    }
    return false;
}

}  // namespace

void bind_core(nb::module_& m) {
    // Error types: each maps to the Python exception a user would catch for that kind of mistake.
    static nb::exception<Error> error(m, "TtnnError", PyExc_RuntimeError);
    static nb::exception<InvalidArgument> invalid(m, "TtnnValueError", PyExc_ValueError);
    static nb::exception<TypeMismatch> type_mismatch(m, "TtnnTypeError", PyExc_TypeError);
    static nb::exception<InvalidState> invalid_state(m, "TtnnStateError", PyExc_RuntimeError);
    static nb::exception<OutOfMemory> oom(m, "OutOfMemoryError", PyExc_MemoryError);

    nb::enum_<DataType>(m, "DataType")
        .value("BFLOAT16", DataType::BFLOAT16)
        .value("FLOAT32", DataType::FLOAT32)
        .value("UINT32", DataType::UINT32)
        .value("BFLOAT8_B", DataType::BFLOAT8_B)
        .value("BFLOAT4_B", DataType::BFLOAT4_B)
        .value("UINT8", DataType::UINT8)
        .value("UINT16", DataType::UINT16)
        .value("INT32", DataType::INT32);
    m.def("parse_dtype", [](const std::string& name) { return parse_data_type(name, "ttnn.DataType"); });
    m.def("tile_size_bytes", &tile_size_bytes, "Bytes of one 32x32 tile of this dtype");

    nb::enum_<MathFidelity>(m, "MathFidelity")
        .value("LoFi", MathFidelity::LoFi)
        .value("HiFi2", MathFidelity::HiFi2)
        .value("HiFi3", MathFidelity::HiFi3)
        .value("HiFi4", MathFidelity::HiFi4);

    nb::enum_<Layout>(m, "Layout").value("ROW_MAJOR", Layout::ROW_MAJOR).value("TILE", Layout::TILE);

    nb::class_<Shape>(m, "Shape")
        .def("__init__", [](Shape* self, const std::vector<std::int64_t>& dims) {
            new (self) Shape(shape_from_sequence(dims));
        }, nb::arg("dims"))
        .def("__len__", &Shape::rank)
        .def("__getitem__", [](const Shape& s, std::int64_t i) {
            const std::int64_t r = static_cast<std::int64_t>(s.rank());
            if (i < -r || i >= r) throw nb::index_error("ttnn.Shape index out of range");
            return s.at(i);
        })
        .def("__iter__", [](const Shape& s) {
            nb::list dims;
            for (auto d : s.dims()) dims.append(d);
            return nb::iter(dims);
        })
        .def("__eq__", [](const Shape& s, nb::handle other) { return shape_equals(s, other); })
        .def("__ne__", [](const Shape& s, nb::handle other) { return !shape_equals(s, other); })
        .def("__hash__", [](const Shape& s) { return nb::hash(nb::tuple(nb::cast(std::vector<std::uint32_t>(s.dims().begin(), s.dims().end())))); })
        .def("__repr__", [](const Shape& s) { return "Shape(" + s.to_string() + ")"; })
        .def_prop_ro("rank", &Shape::rank)
        .def("volume", &Shape::volume)
        .def("to_list", [](const Shape& s) { return std::vector<std::uint32_t>(s.dims().begin(), s.dims().end()); });

    nb::enum_<BufferType>(m, "BufferType")
        .value("DRAM", BufferType::DRAM)
        .value("L1", BufferType::L1)
        .value("SYSTEM_MEMORY", BufferType::SYSTEM_MEMORY)
        .value("L1_SMALL", BufferType::L1_SMALL)
        .value("TRACE", BufferType::TRACE);
    nb::enum_<TensorMemoryLayout>(m, "TensorMemoryLayout")
        .value("INTERLEAVED", TensorMemoryLayout::INTERLEAVED)
        .value("HEIGHT_SHARDED", TensorMemoryLayout::HEIGHT_SHARDED)
        .value("WIDTH_SHARDED", TensorMemoryLayout::WIDTH_SHARDED)
        .value("BLOCK_SHARDED", TensorMemoryLayout::BLOCK_SHARDED);
    nb::enum_<ShardOrientation>(m, "ShardOrientation")
        .value("ROW_MAJOR", ShardOrientation::ROW_MAJOR)
        .value("COL_MAJOR", ShardOrientation::COL_MAJOR);

    nb::class_<CoreCoord>(m, "CoreCoord")
        .def(nb::init<>())
        .def("__init__", [](CoreCoord* c, std::uint32_t x, std::uint32_t y) { new (c) CoreCoord{x, y}; },
             nb::arg("x"), nb::arg("y"))
        .def_rw("x", &CoreCoord::x)
        .def_rw("y", &CoreCoord::y)
        .def("__eq__", [](const CoreCoord& a, const CoreCoord& b) { return a == b; })
        .def("__repr__", &CoreCoord::to_string);
    nb::class_<CoreRange>(m, "CoreRange")
        .def(nb::init<CoreCoord, CoreCoord>(), nb::arg("start"), nb::arg("end"))
        .def_ro("start", &CoreRange::start)
        .def_ro("end", &CoreRange::end)
        .def("num_cores", &CoreRange::num_cores)
        .def("__eq__", [](const CoreRange& a, const CoreRange& b) { return a == b; })
        .def("__repr__", &CoreRange::to_string);
    nb::class_<CoreRangeSet>(m, "CoreRangeSet")
        .def(nb::init<std::vector<CoreRange>>(), nb::arg("ranges"))
        .def("__init__", [](CoreRangeSet* s, const CoreRange& r) { new (s) CoreRangeSet({r}); })
        .def_ro("ranges", &CoreRangeSet::ranges)
        .def("num_cores", &CoreRangeSet::num_cores)
        .def("__eq__", [](const CoreRangeSet& a, const CoreRangeSet& b) { return a == b; })
        .def("__repr__", &CoreRangeSet::to_string);
    nb::class_<ShardSpec>(m, "ShardSpec")
        .def("__init__",
             [](ShardSpec* s, CoreRangeSet grid, const std::vector<std::uint32_t>& shape, ShardOrientation o) {
                 if (shape.size() != 2) {
                     throw InvalidArgument("ttnn.ShardSpec", "shard shape must have 2 dims [height, width], got " +
                                                                 std::to_string(shape.size()));
                 }
                 new (s) ShardSpec{std::move(grid), shape[0], shape[1], o};
             },
             nb::arg("grid"), nb::arg("shard_shape"), nb::arg("shard_orientation") = ShardOrientation::ROW_MAJOR)
        .def_ro("grid", &ShardSpec::grid)
        .def_prop_ro("shape", [](const ShardSpec& s) { return std::vector<std::uint32_t>{s.shard_height, s.shard_width}; })
        .def_ro("orientation", &ShardSpec::orientation)
        .def("__eq__", [](const ShardSpec& a, const ShardSpec& b) { return a == b; })
        .def("__repr__", &ShardSpec::to_string);
    nb::class_<MemoryConfig>(m, "MemoryConfig")
        .def("__init__",
             [](MemoryConfig* c, TensorMemoryLayout layout, BufferType type, std::optional<ShardSpec> shard) {
                 new (c) MemoryConfig{layout, type, std::move(shard)};
                 validate_memory_config(*c, "ttnn.MemoryConfig");
             },
             nb::arg("memory_layout") = TensorMemoryLayout::INTERLEAVED, nb::arg("buffer_type") = BufferType::DRAM,
             nb::arg("shard_spec") = nb::none())
        .def_ro("memory_layout", &MemoryConfig::memory_layout)
        .def_ro("buffer_type", &MemoryConfig::buffer_type)
        .def_ro("shard_spec", &MemoryConfig::shard_spec)
        .def("is_sharded", &MemoryConfig::is_sharded)
        .def("__eq__", [](const MemoryConfig& a, const MemoryConfig& b) { return a == b; })
        .def("__repr__", &MemoryConfig::to_string);
    m.attr("DRAM_MEMORY_CONFIG") = dram_memory_config();
    m.attr("L1_MEMORY_CONFIG") = l1_memory_config();
}

}  // namespace ttnn::python
