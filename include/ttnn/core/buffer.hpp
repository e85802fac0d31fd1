// A block of bytes holding one tensor (or one device's shard of it). Host buffers are plain memory,
// either owned or borrowed from the caller (e.g. a torch tensor kept alive by `keep_alive`). Device
// buffers are host memory too, but accounted against the device's DRAM/L1 budget; they are freed
// by deallocate() or when the device closes, after which any access raises.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "ttnn/core/memory_config.hpp"

namespace ttnn {

class Device;

// What a device buffer occupies in the device's budget (filled in by Device::allocate).
struct DeviceAllocation {
    BufferType buffer_type = BufferType::DRAM;
    std::size_t dram_bytes = 0;
    std::size_t l1_bytes_per_core = 0;     // interleaved L1: the same on every core
    std::vector<CoreCoord> l1_cores;       // sharded L1: the cores that hold a shard...
    std::size_t l1_shard_bytes = 0;        // ...of this size
};

class Buffer : public std::enable_shared_from_this<Buffer> {
public:
    // Owned host memory, 64-byte aligned, uninitialized.
    static std::shared_ptr<Buffer> allocate_host(std::size_t bytes);
    // Borrowed host memory: `data` stays valid while `keep_alive` lives. Never written by us.
    static std::shared_ptr<Buffer> borrow_host(void* data, std::size_t bytes, std::shared_ptr<void> keep_alive);
    // Device memory; the caller (Device::allocate_buffer) has checked and recorded the budget.
    static std::shared_ptr<Buffer> make_device(std::shared_ptr<Device> device, std::size_t bytes,
                                               DeviceAllocation allocation);
    ~Buffer();
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    // Throws InvalidState naming `op` if the buffer was deallocated or its device closed.
    std::byte* data(std::string_view op) const;
    std::size_t size() const { return size_; }
    bool is_allocated() const;
    bool is_borrowed() const { return !owned_; }
    Device* device() const { return device_.get(); }
    const std::shared_ptr<Device>& device_ptr() const { return device_; }
    const DeviceAllocation& allocation() const { return allocation_; }

    // Frees the memory (and the device budget it held). Idempotent.
    void deallocate();

private:
    Buffer() = default;

    mutable std::mutex mutex_;
    std::byte* data_ = nullptr;
    bool allocated_ = true;
    std::size_t size_ = 0;
    bool owned_ = false;
    std::shared_ptr<void> keep_alive_;
    std::shared_ptr<Device> device_;
    DeviceAllocation allocation_;
};

}  // namespace ttnn
