#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "ttnn/core/device.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/core/mesh_device.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ttnn::python {

namespace {

DeviceConfig make_config(std::optional<std::size_t> l1_small_size, std::optional<std::size_t> trace_region_size,
                         std::optional<std::size_t> dram_size, std::optional<std::size_t> l1_size_per_core,
                         std::optional<std::tuple<std::uint32_t, std::uint32_t>> grid,
                         std::optional<std::size_t> num_threads) {
    DeviceConfig c;
    if (l1_small_size) c.l1_small_size = *l1_small_size;
    if (trace_region_size) c.trace_region_size = *trace_region_size;
    if (dram_size) c.dram_size = *dram_size;
    if (l1_size_per_core) c.l1_size_per_core = *l1_size_per_core;
    if (grid) c.grid = {std::get<0>(*grid), std::get<1>(*grid)};
    if (num_threads) c.num_threads = *num_threads;
    return c;
}

nb::dict stats_dict(const MemoryStats& s) {
    nb::dict d;
    d["dram_in_use"] = s.dram_in_use;
    d["dram_budget"] = s.dram_budget;
    d["l1_in_use_max_core"] = s.l1_in_use_max_core;
    d["l1_in_use_total"] = s.l1_in_use_total;
    d["l1_budget_per_core"] = s.l1_budget_per_core;
    d["num_buffers"] = s.num_buffers;
    return d;
}

}  // namespace

void bind_device(nb::module_& m) {
    nb::class_<Device>(m, "Device")
        .def("id", &Device::id)
        .def("is_open", &Device::is_open)
        .def("arch", [](const Device&) { return std::string("WORMHOLE_B0"); })
        .def("compute_with_storage_grid_size", [](const Device& d) { return d.config().grid; })
        .def("num_threads", [](Device& d) { return d.thread_pool().num_threads(); },
             "Host threads that run this device's cores")
        .def("memory_stats", [](const Device& d) { return stats_dict(d.memory_stats()); },
             "Bytes of DRAM and L1 in use and the budgets")
        .def("dram_size", [](const Device& d) { return d.config().dram_size; })
        .def("l1_size_per_core", [](const Device& d) { return d.config().l1_size_per_core; })
        .def("__repr__", [](const Device& d) {
            return "<ttnn.Device id=" + std::to_string(d.id()) + (d.is_open() ? "" : " (closed)") + ">";
        });

    nb::class_<MeshShape>(m, "MeshShape")
        .def("__init__", [](MeshShape* s, std::size_t rows, std::size_t cols) { new (s) MeshShape{rows, cols}; },
             "rows"_a, "cols"_a)
        .def("__init__", [](MeshShape* s, const std::vector<std::size_t>& dims) {
            if (dims.size() != 2) {
                throw InvalidArgument("ttnn.MeshShape", "expected 2 dims (rows, cols), got " + std::to_string(dims.size()));
            }
            new (s) MeshShape{dims[0], dims[1]};
        })
        .def_ro("rows", &MeshShape::rows)
        .def_ro("cols", &MeshShape::cols)
        .def("num_devices", &MeshShape::num_devices)
        .def("__len__", [](const MeshShape&) { return 2; })
        .def("__getitem__", [](const MeshShape& s, int i) {
            if (i == 0 || i == -2) return s.rows;
            if (i == 1 || i == -1) return s.cols;
            throw nb::index_error("MeshShape index out of range");
        })
        .def("__eq__", [](const MeshShape& a, const MeshShape& b) { return a == b; })
        .def("__repr__", &MeshShape::to_string);

    nb::class_<MeshDevice>(m, "MeshDevice")
        .def_prop_ro("shape", &MeshDevice::shape)
        .def("get_num_devices", &MeshDevice::num_devices)
        .def("get_devices", &MeshDevice::devices)
        .def("get_device_ids", [](const MeshDevice& mesh) {
            std::vector<int> ids;
            for (const auto& d : mesh.devices()) ids.push_back(d->id());
            return ids;
        })
        .def("is_open", &MeshDevice::is_open)
        .def("compute_with_storage_grid_size", [](const MeshDevice& mesh) { return mesh.device(0)->config().grid; })
        .def("arch", [](const MeshDevice&) { return std::string("WORMHOLE_B0"); })
        .def("__repr__", [](const MeshDevice& mesh) {
            return "<ttnn.MeshDevice " + mesh.shape().to_string() + (mesh.is_open() ? "" : " (closed)") + ">";
        });

    m.def("get_num_devices", &host_num_devices, "Devices this host offers (TTNN_HOST_NUM_DEVICES, default 8)");
    m.def("open_device",
          [](int device_id, std::optional<std::size_t> l1_small_size, std::optional<std::size_t> trace_region_size,
             std::optional<std::size_t> dram_size, std::optional<std::size_t> l1_size_per_core,
             std::optional<std::tuple<std::uint32_t, std::uint32_t>> grid, std::optional<std::size_t> num_threads) {
              return Device::open(device_id, make_config(l1_small_size, trace_region_size, dram_size,
                                                          l1_size_per_core, grid, num_threads));
          },
          "device_id"_a = 0, nb::kw_only(), "l1_small_size"_a = nb::none(), "trace_region_size"_a = nb::none(),
          "dram_size"_a = nb::none(), "l1_size_per_core"_a = nb::none(), "grid"_a = nb::none(),
          "num_threads"_a = nb::none(),
          "Opens a device. Host extras: dram_size and l1_size_per_core (bytes), grid=(x, y), num_threads.");
    m.def("close_device", [](Device& d) { d.close(); }, "device"_a);
    m.def("open_mesh_device",
          [](const MeshShape& shape, std::optional<std::vector<int>> device_ids, std::optional<std::size_t> l1_small_size,
             std::optional<std::size_t> trace_region_size, std::optional<std::size_t> dram_size,
             std::optional<std::size_t> l1_size_per_core, std::optional<std::tuple<std::uint32_t, std::uint32_t>> grid,
             std::optional<std::size_t> num_threads) {
              return MeshDevice::open(shape, make_config(l1_small_size, trace_region_size, dram_size,
                                                         l1_size_per_core, grid, num_threads),
                                      device_ids.value_or(std::vector<int>{}));
          },
          "mesh_shape"_a, nb::kw_only(), "device_ids"_a = nb::none(), "l1_small_size"_a = nb::none(),
          "trace_region_size"_a = nb::none(), "dram_size"_a = nb::none(), "l1_size_per_core"_a = nb::none(),
          "grid"_a = nb::none(), "num_threads"_a = nb::none());
    m.def("close_mesh_device", [](MeshDevice& mesh) { mesh.close(); }, "mesh_device"_a);
}

}  // namespace ttnn::python
