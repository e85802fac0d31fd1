// Tensor: a spec (logical shape, dtype, layout, memory config) plus shared storage. Copies of a
// Tensor share storage, as TT-NN's do: ttnn.deallocate on one is seen by all.
//
// Storage holds one buffer per device shard. A host tensor has one buffer (or one per mesh device
// when a mesh mapper split it on the host); a device tensor has one buffer on its device; a mesh
// tensor has one buffer on each device of the mesh. All shards share the one spec.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ttnn/core/buffer.hpp"
#include "ttnn/core/device.hpp"
#include "ttnn/core/dtype.hpp"
#include "ttnn/core/layout.hpp"
#include "ttnn/core/memory_config.hpp"
#include "ttnn/core/mesh_device.hpp"
#include "ttnn/core/shape.hpp"

namespace ttnn {

struct TensorSpec {
    Shape logical_shape;
    DataType dtype = DataType::BFLOAT16;
    Layout layout = Layout::ROW_MAJOR;
    MemoryConfig memory_config;

    Shape padded_shape() const { return padded_shape_for(logical_shape, layout); }
    // Storage bytes of one shard: whole tiles in TILE layout, elements in ROW_MAJOR.
    std::size_t storage_bytes() const;
    std::size_t num_tiles() const;  // TILE layout only
    // A page is a tile (TILE) or a row of the last dim (ROW_MAJOR).
    std::size_t page_size() const;
    std::size_t num_pages() const;
    std::string to_string() const;  // "[3, 50, 70] BFLOAT8_B TILE"
    bool operator==(const TensorSpec&) const = default;
};

// Throws InvalidArgument naming `op` for a spec TT-NN cannot hold (block float in ROW_MAJOR...).
void validate_spec(const TensorSpec& spec, std::string_view op);

enum class StorageType { HOST, DEVICE, MULTI_DEVICE_HOST };
std::string_view to_string(StorageType type);

// How a tensor was spread over a mesh, so that it can be put back together.
struct Distribution {
    enum class Kind { NONE, REPLICATE, SHARD } kind = Kind::NONE;
    int dim = 0;  // SHARD: the logical dim that was split
};

struct Storage {
    std::vector<std::shared_ptr<Buffer>> buffers;
    std::shared_ptr<Device> device;       // a single-device tensor
    std::shared_ptr<MeshDevice> mesh;     // a tensor on (or split for) a mesh
    Distribution distribution;
};

class Tensor {
public:
    Tensor() = default;
    Tensor(TensorSpec spec, std::shared_ptr<Storage> storage);

    const TensorSpec& spec() const { return spec_; }
    const Shape& logical_shape() const { return spec_.logical_shape; }
    Shape padded_shape() const { return spec_.padded_shape(); }
    DataType dtype() const { return spec_.dtype; }
    Layout layout() const { return spec_.layout; }
    const MemoryConfig& memory_config() const { return spec_.memory_config; }

    StorageType storage_type() const;
    bool is_on_device() const { return storage_type() == StorageType::DEVICE; }
    std::size_t num_shards() const { return storage_->buffers.size(); }
    const Storage& storage() const { return *storage_; }
    const std::shared_ptr<Storage>& storage_ptr() const { return storage_; }
    // The device of a single-device tensor, else null.
    const std::shared_ptr<Device>& device() const { return storage_->device; }
    const std::shared_ptr<MeshDevice>& mesh_device() const { return storage_->mesh; }

    // All shards allocated (and their devices open).
    bool is_allocated() const;
    // Raises InvalidState naming `op` unless is_allocated().
    void check_usable(std::string_view op) const;
    // Frees the shards' memory; the host memory of a borrowed tensor is not touched.
    void deallocate();

    // Bytes of shard i; checks that it is usable.
    std::byte* shard_data(std::size_t i, std::string_view op) const;
    const std::shared_ptr<Buffer>& shard(std::size_t i) const { return storage_->buffers.at(i); }

private:
    TensorSpec spec_;
    std::shared_ptr<Storage> storage_ = std::make_shared<Storage>();
};

}  // namespace ttnn
