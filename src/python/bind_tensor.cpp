#include <Python.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/variant.h>
#include <nanobind/stl/vector.h>

#include <cstring>

#include "bindings.hpp"
#include "ttnn/core/thread_pool.hpp"
#include "ttnn/core/distribute.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/core/host_allocator.hpp"
#include "ttnn/core/tensor_ops.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ttnn::python {

namespace {

// Host arrays arrive through DLPack (torch tensors, numpy arrays): CPU, C-contiguous.
using Array = nb::ndarray<nb::device::cpu, nb::c_contig>;
using Placement = std::variant<std::shared_ptr<Device>, std::shared_ptr<MeshDevice>>;

HostElement element_of(const Array& a, std::string_view op) {
    const nb::dlpack::dtype d = a.dtype();
    if (d == nb::dtype<float>()) return HostElement::F32;
    if (d == nb::dtype<std::int32_t>()) return HostElement::I32;
    if (d == nb::dtype<std::uint32_t>()) return HostElement::U32;
    if (d == nb::dtype<std::uint16_t>()) return HostElement::U16;
    if (d == nb::dtype<std::uint8_t>()) return HostElement::U8;
    if (d == nb::dtype<std::int64_t>()) return HostElement::I64;
    if (d.code == static_cast<std::uint8_t>(nb::dlpack::dtype_code::Bfloat) && d.bits == 16 && d.lanes == 1) {
        return HostElement::BF16;
    }
    throw TypeMismatch(op, "unsupported host element type (DLPack code " + std::to_string(d.code) + ", " +
                               std::to_string(d.bits) + " bits); expected float32, bfloat16, int32, int64, uint8, "
                               "uint16 or uint32");
}

HostArray host_array(const Array& a, std::string_view op) {
    std::vector<std::int64_t> dims(a.ndim());
    for (std::size_t i = 0; i < a.ndim(); ++i) dims[i] = static_cast<std::int64_t>(a.shape(i));
    return HostArray{a.data(), element_of(a, op), Shape(dims, op)};
}

// Keeps a borrowed array alive as long as a tensor uses its memory. Dropping the last reference
// may run Python code (the DLPack deleter), so it takes the GIL.
std::shared_ptr<void> keep_alive(const Array& a) {
    return std::shared_ptr<void>(new Array(a), [](void* p) {
        if (!Py_IsInitialized()) return;  // interpreter gone: nothing left to release
        nb::gil_scoped_acquire gil;
        delete static_cast<Array*>(p);
    });
}

// Element types new_torch_array can make, by torch's name.
struct NewArrayType {
    const char* name;
    nb::dlpack::dtype dtype;
    std::size_t bytes;
};
const NewArrayType kNewArrayTypes[] = {
    {"float32", nb::dtype<float>(), 4},
    {"bfloat16", {static_cast<std::uint8_t>(nb::dlpack::dtype_code::Bfloat), 16, 1}, 2},
    {"int32", nb::dtype<std::int32_t>(), 4},
    {"int64", nb::dtype<std::int64_t>(), 8},
    {"uint8", nb::dtype<std::uint8_t>(), 1},
};

// An uninitialized torch tensor whose memory comes from ttnn's host allocator: to_torch writes into
// it in one pass, and steady loops reuse warm pages (see host_allocator.hpp).
nb::object new_torch_array(const std::vector<std::int64_t>& dims, const std::string& type_name) {
    const NewArrayType* type = nullptr;
    for (const auto& t : kNewArrayTypes) {
        if (type_name == t.name) type = &t;
    }
    if (type == nullptr) throw InvalidArgument("ttnn.to_torch", "cannot make a torch tensor of dtype " + type_name);
    const Shape shape(dims, "ttnn.to_torch");
    struct Block {
        void* data;
        std::size_t bytes;
    };
    auto* block = new Block{nullptr, shape.volume() * type->bytes};
    try {
        block->data = host_memory::allocate(block->bytes);
    } catch (...) {
        delete block;
        throw;
    }
    nb::capsule owner(block, [](void* p) noexcept {
        auto* b = static_cast<Block*>(p);
        host_memory::release(b->data, b->bytes);
        delete b;
    });
    std::vector<std::size_t> sizes(dims.begin(), dims.end());
    return nb::ndarray<nb::pytorch, nb::device::cpu>(block->data, sizes.size(), sizes.data(), owner, nullptr,
                                                     type->dtype)
        .cast();
}

nb::object placement_of(const Tensor& t) {
    if (t.device()) return nb::cast(t.device());
    if (t.mesh_device() && t.storage_type() == StorageType::DEVICE) return nb::cast(t.mesh_device());
    return nb::none();
}

}  // namespace

void bind_tensor(nb::module_& m) {
    nb::enum_<StorageType>(m, "StorageType")
        .value("HOST", StorageType::HOST)
        .value("DEVICE", StorageType::DEVICE)
        .value("MULTI_DEVICE_HOST", StorageType::MULTI_DEVICE_HOST);

    nb::class_<Tensor>(m, "Tensor", nb::dynamic_attr())
        .def_prop_ro("shape", [](const Tensor& t) { return t.logical_shape(); }, "Logical shape")
        .def_prop_ro("padded_shape", [](const Tensor& t) { return t.padded_shape(); },
                     "Shape as stored: TILE pads the last two dims to multiples of 32")
        .def_prop_ro("dtype", &Tensor::dtype)
        .def_prop_ro("layout", &Tensor::layout)
        .def("get_dtype", &Tensor::dtype)
        .def("get_layout", &Tensor::layout)
        .def("memory_config", [](const Tensor& t) { return t.memory_config(); })
        .def("storage_type", &Tensor::storage_type)
        .def("device", &placement_of, "The Device or MeshDevice the tensor is on, or None on the host")
        .def("is_allocated", &Tensor::is_allocated)
        .def("is_sharded", [](const Tensor& t) { return t.memory_config().is_sharded(); })
        .def("volume", [](const Tensor& t) { return t.padded_shape().volume(); })
        .def("logical_volume", [](const Tensor& t) { return t.logical_shape().volume(); })
        .def("num_shards", &Tensor::num_shards, "Per-device shards (1 unless on or split for a mesh)")
        .def("storage_bytes", [](const Tensor& t) { return t.spec().storage_bytes(); }, "Bytes of one shard")
        .def("is_borrowed", [](const Tensor& t) { return t.num_shards() > 0 && t.shard(0)->is_borrowed(); },
             "True when the tensor uses the memory of the host array it was made from")
        .def("distribution", [](const Tensor& t) {
            const Distribution& d = t.storage().distribution;
            const char* kind = d.kind == Distribution::Kind::SHARD       ? "shard"
                               : d.kind == Distribution::Kind::REPLICATE ? "replicate"
                                                                          : "none";
            return nb::make_tuple(kind, d.dim);
        })
        .def("deallocate", [](Tensor& t, bool) { t.deallocate(); }, "force"_a = true);

    m.def("from_host_array",
          [](const Array& a, DataType dtype, Layout layout, float pad_value) {
              const HostArray src = host_array(a, "ttnn.from_torch");
              auto alive = keep_alive(a);
              nb::gil_scoped_release release;
              return tensor_from_host_array(src, dtype, layout, pad_value, std::move(alive), "ttnn.from_torch");
          },
          "array"_a, "dtype"_a, "layout"_a, "pad_value"_a = 0.0f);
    m.def("from_host_array_on_device",
          [](const Array& a, DataType dtype, Layout layout, const MemoryConfig& memory_config, float pad_value,
             std::shared_ptr<Device> device) {
              const HostArray src = host_array(a, "ttnn.from_torch");
              nb::gil_scoped_release release;
              return tensor_from_host_array_on_device(src, dtype, layout, memory_config, pad_value, device,
                                                      "ttnn.from_torch");
          },
          "array"_a, "dtype"_a, "layout"_a, "memory_config"_a, "pad_value"_a, "device"_a);
    m.def("distribute_host_array",
          [](const Array& a, std::shared_ptr<MeshDevice> mesh, bool shard, int dim, DataType dtype, Layout layout,
             float pad_value) {
              const HostArray src = host_array(a, "ttnn.from_torch");
              const MeshMapping mapping{shard ? Distribution::Kind::SHARD : Distribution::Kind::REPLICATE, dim};
              nb::gil_scoped_release release;
              return distribute_host_array(src, *mesh, mapping, dtype, layout, pad_value);
          },
          "array"_a, "mesh"_a, "shard"_a, "dim"_a, "dtype"_a, "layout"_a, "pad_value"_a);
    m.def("copy_to_host_array",
          [](const Tensor& t, std::size_t shard, Array out) {
              const HostArray dst = host_array(out, "ttnn.to_torch");
              nb::gil_scoped_release release;
              copy_to_host_array(t, shard, dst, "ttnn.to_torch");
          },
          "tensor"_a, "shard"_a, "out"_a);
    m.def("concatenated_shape", [](const Tensor& t, int dim) { return concatenated_shape(t, dim); });
    m.def("concat_shards_to_host_array",
          [](const Tensor& t, int dim, Array out) {
              const HostArray dst = host_array(out, "ttnn.to_torch");
              nb::gil_scoped_release release;
              concat_shards_to_host_array(t, dim, dst);
          },
          "tensor"_a, "dim"_a, "out"_a);
    m.def("parallel_memcpy",
          [](Array src, Array dst) {
              if (src.nbytes() != dst.nbytes()) throw InvalidArgument("ttnn._C.parallel_memcpy", "sizes differ");
              const auto* from = static_cast<const std::byte*>(src.data());
              auto* to = static_cast<std::byte*>(dst.data());
              const std::size_t bytes = src.nbytes();
              nb::gil_scoped_release release;
              constexpr std::size_t kChunk = std::size_t{1} << 20;
              host_thread_pool().parallel_for((bytes + kChunk - 1) / kChunk, 1, [&](std::size_t b, std::size_t e) {
                  std::memcpy(to + b * kChunk, from + b * kChunk, std::min(bytes, e * kChunk) - b * kChunk);
              });
          },
          "src"_a, "dst"_a, "memcpy on the host thread pool: the yardstick of the conversion benchmark");
    m.def("kernel_isa", [] { return std::string(conversion_kernel_isa()); },
          "The conversion kernels in use: avx2 or generic (TTNN_ISA=generic forces the latter)");
    m.def("new_torch_array", &new_torch_array, "shape"_a, "dtype"_a);
    m.def("host_cache_bytes", &host_memory::cached_bytes, "Bytes of freed host blocks kept for reuse");
    m.def("trim_host_cache", &host_memory::trim, "Returns the cached host blocks to the operating system");
    m.def("check_usable", [](const Tensor& t, const std::string& op) { t.check_usable(op); });

    m.def("to_device",
          [](const Tensor& t, const Placement& where, const MemoryConfig& memory_config) {
              nb::gil_scoped_release release;
              if (auto* d = std::get_if<std::shared_ptr<Device>>(&where)) return to_device(t, *d, memory_config);
              return to_device(t, std::get<std::shared_ptr<MeshDevice>>(where), memory_config);
          },
          "tensor"_a, "device"_a, "memory_config"_a = dram_memory_config());
    m.def("from_device", [](const Tensor& t) { return from_device(t); }, "tensor"_a,
          nb::call_guard<nb::gil_scoped_release>());
    m.def("to_layout",
          [](const Tensor& t, Layout layout, std::optional<DataType> dtype, std::optional<MemoryConfig> memory_config,
             float pad_value) { return to_layout(t, layout, dtype, memory_config, pad_value); },
          "tensor"_a, "layout"_a, "dtype"_a = nb::none(), "memory_config"_a = nb::none(), "pad_value"_a = 0.0f,
          nb::call_guard<nb::gil_scoped_release>());
    m.def("typecast",
          [](const Tensor& t, DataType dtype, std::optional<MemoryConfig> memory_config) {
              return typecast(t, dtype, memory_config);
          },
          "tensor"_a, "dtype"_a, "memory_config"_a = nb::none(), nb::call_guard<nb::gil_scoped_release>());
    m.def("deallocate", [](Tensor& t) { t.deallocate(); }, "tensor"_a);
    m.def("get_device_tensors", &device_tensors, "tensor"_a);
}

}  // namespace ttnn::python
