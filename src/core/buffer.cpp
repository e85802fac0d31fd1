#include "ttnn/core/buffer.hpp"


#include "ttnn/core/device.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/core/host_allocator.hpp"

namespace ttnn {


std::shared_ptr<Buffer> Buffer::allocate_host(std::size_t bytes) {
    std::shared_ptr<Buffer> b(new Buffer());
    b->data_ = static_cast<std::byte*>(host_memory::allocate(bytes));
    b->size_ = bytes;
    b->owned_ = true;
    return b;
}

std::shared_ptr<Buffer> Buffer::borrow_host(void* data, std::size_t bytes, std::shared_ptr<void> keep_alive) {
    std::shared_ptr<Buffer> b(new Buffer());
    b->data_ = static_cast<std::byte*>(data);
    b->size_ = bytes;
    b->keep_alive_ = keep_alive ? std::move(keep_alive) : std::make_shared<int>(0);
    return b;
}

std::shared_ptr<Buffer> Buffer::make_device(std::shared_ptr<Device> device, std::size_t bytes,
                                            DeviceAllocation allocation) {
    std::shared_ptr<Buffer> b(new Buffer());
    b->data_ = static_cast<std::byte*>(host_memory::allocate(bytes));
    b->size_ = bytes;
    b->owned_ = true;
    b->device_ = std::move(device);
    b->allocation_ = std::move(allocation);
    return b;
}

Buffer::~Buffer() { deallocate(); }

std::byte* Buffer::data(std::string_view op) const {
    std::lock_guard lock(mutex_);
    if (device_ && !device_->is_open()) {
        throw InvalidState(op, "the tensor's device " + std::to_string(device_->id()) +
                                   " is closed; its buffers were freed when it closed");
    }
    if (!allocated_) {
        throw InvalidState(op, "the tensor was deallocated (ttnn.deallocate) and cannot be used any more");
    }
    return data_;
}

bool Buffer::is_allocated() const {
    std::lock_guard lock(mutex_);
    return allocated_ && !(device_ && !device_->is_open());
}

void Buffer::deallocate() {
    std::byte* to_free = nullptr;
    std::shared_ptr<void> keep_alive;
    {
        std::lock_guard lock(mutex_);
        if (!allocated_) return;
        allocated_ = false;
        if (owned_) to_free = data_;
        data_ = nullptr;
        keep_alive = std::move(keep_alive_);
        if (device_) device_->release(allocation_);
    }
    host_memory::release(to_free, size_);
    // keep_alive (e.g. a reference to a torch tensor) is dropped here, outside our lock.
}

}  // namespace ttnn
