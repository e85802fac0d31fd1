#include "ttnn/core/tensor.hpp"

#include "ttnn/core/error.hpp"

namespace ttnn {

std::size_t TensorSpec::num_tiles() const {
    if (logical_shape.rank() == 0) return 1;
    const Matrix3d m = as_matrix3d(padded_shape());
    // A rank-1 tensor stores one row of tiles: its height of 1 pads to 32.
    return m.batch * (round_up(m.height, kTileHeight) / kTileHeight) * (m.width / kTileWidth);
}

std::size_t TensorSpec::storage_bytes() const {
    if (layout == Layout::TILE) return num_tiles() * tile_size_bytes(dtype);
    return logical_shape.volume() * element_size(dtype);
}

std::size_t TensorSpec::page_size() const {
    if (layout == Layout::TILE) return tile_size_bytes(dtype);
    const std::size_t width = logical_shape.rank() ? logical_shape[logical_shape.rank() - 1] : 1;
    return width * element_size(dtype);
}

std::size_t TensorSpec::num_pages() const {
    const std::size_t page = page_size();
    return page ? storage_bytes() / page : 0;
}

std::string TensorSpec::to_string() const {
    return logical_shape.to_string() + " " + std::string(ttnn::to_string(dtype)) + " " +
           std::string(ttnn::to_string(layout));
}

void validate_spec(const TensorSpec& spec, std::string_view op) {
    if (is_block_float(spec.dtype) && spec.layout != Layout::TILE) {
        throw InvalidArgument(op, "dtype " + std::string(to_string(spec.dtype)) +
                                      " exists only in TILE layout (its exponents are shared per 16-element row of a "
                                      "tile face); pass layout=ttnn.TILE_LAYOUT");
    }
    validate_sharding(spec.memory_config, spec.padded_shape(), spec.layout, op);
}

std::string_view to_string(StorageType type) {
    switch (type) {
        case StorageType::HOST: return "HOST";
        case StorageType::DEVICE: return "DEVICE";
        case StorageType::MULTI_DEVICE_HOST: return "MULTI_DEVICE_HOST";
    }
    return "INVALID";
}

Tensor::Tensor(TensorSpec spec, std::shared_ptr<Storage> storage) : spec_(std::move(spec)), storage_(std::move(storage)) {}

StorageType Tensor::storage_type() const {
    if (storage_->device || (storage_->mesh && !storage_->buffers.empty() && storage_->buffers.front()->device())) {
        return StorageType::DEVICE;
    }
    return storage_->buffers.size() > 1 ? StorageType::MULTI_DEVICE_HOST : StorageType::HOST;
}

bool Tensor::is_allocated() const {
    if (storage_->buffers.empty()) return false;
    for (const auto& b : storage_->buffers) {
        if (!b->is_allocated()) return false;
    }
    return true;
}

void Tensor::check_usable(std::string_view op) const {
    if (storage_->buffers.empty()) throw InvalidState(op, "the tensor has no storage (default-constructed)");
    for (const auto& b : storage_->buffers) b->data(op);
}

void Tensor::deallocate() {
    for (const auto& b : storage_->buffers) b->deallocate();
}

std::byte* Tensor::shard_data(std::size_t i, std::string_view op) const {
    if (i >= storage_->buffers.size()) {
        throw InvalidArgument(op, "shard " + std::to_string(i) + " is out of range: the tensor has " +
                                      std::to_string(storage_->buffers.size()));
    }
    return storage_->buffers[i]->data(op);
}

}  // namespace ttnn
