#include "ttnn/core/device.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <thread>

#include "ttnn/core/error.hpp"

namespace ttnn {

namespace {
std::mutex g_registry_mutex;
std::map<int, std::weak_ptr<Device>> g_open_devices;
}  // namespace

int host_num_devices() {
    if (const char* env = std::getenv("TTNN_HOST_NUM_DEVICES")) {
        const int n = std::atoi(env);
        if (n >= 1) return n;
    }
    return 8;
}

std::size_t host_num_cores() { return std::max(1u, std::thread::hardware_concurrency()); }

Device::Device(int id, DeviceConfig config)
    : id_(id), config_(config), l1_in_use_(std::size_t{config.grid.x} * config.grid.y, 0) {
    const std::size_t threads = config_.num_threads ? config_.num_threads : host_num_cores();
    pool_ = std::make_unique<ThreadPool>(threads);
}

std::shared_ptr<Device> Device::open(int id, DeviceConfig config, std::string_view op) {
    const int available = host_num_devices();
    if (id < 0 || id >= available) {
        throw InvalidArgument(op, "device_id=" + std::to_string(id) + " is out of range: this host offers " +
                                      std::to_string(available) + " devices (0.." + std::to_string(available - 1) +
                                      "; set TTNN_HOST_NUM_DEVICES for more)");
    }
    if (config.grid.x == 0 || config.grid.y == 0) {
        throw InvalidArgument(op, "the core grid " + config.grid.to_string() + " is empty");
    }
    if (config.l1_small_size >= config.l1_size_per_core) {
        throw InvalidArgument(op, "l1_small_size=" + std::to_string(config.l1_small_size) +
                                      " leaves no L1 (l1 per core is " + std::to_string(config.l1_size_per_core) + ")");
    }
    if (config.trace_region_size >= config.dram_size) {
        throw InvalidArgument(op, "trace_region_size=" + std::to_string(config.trace_region_size) +
                                      " leaves no DRAM (dram is " + std::to_string(config.dram_size) + ")");
    }
    std::lock_guard lock(g_registry_mutex);
    if (auto existing = g_open_devices[id].lock(); existing && existing->is_open()) {
        throw InvalidState(op, "device " + std::to_string(id) + " is already open; close it with ttnn.close_device first");
    }
    std::shared_ptr<Device> device(new Device(id, config));
    g_open_devices[id] = device;
    return device;
}

Device::~Device() { close(); }

bool Device::is_open() const {
    std::lock_guard lock(mutex_);
    return open_;
}

void Device::close() {
    std::vector<std::shared_ptr<Buffer>> live;
    {
        std::lock_guard lock(mutex_);
        if (!open_) return;
        for (auto& weak : buffers_) {
            if (auto b = weak.lock()) live.push_back(std::move(b));
        }
        buffers_.clear();
    }
    // Free the memory while the device still counts as open, then mark it closed.
    for (auto& b : live) b->deallocate();
    std::lock_guard lock(mutex_);
    open_ = false;
    live_buffers_ = 0;
    dram_in_use_ = 0;
    std::fill(l1_in_use_.begin(), l1_in_use_.end(), 0);
}

std::string Device::usage_summary_locked() const {
    const std::size_t max_l1 = l1_in_use_.empty() ? 0 : *std::max_element(l1_in_use_.begin(), l1_in_use_.end());
    return "DRAM " + format_bytes(dram_in_use_) + " of " + format_bytes(config_.dram_size - config_.trace_region_size) +
           " in use, fullest core's L1 " + format_bytes(max_l1) + " of " +
           format_bytes(config_.l1_size_per_core - config_.l1_small_size) + ", " + std::to_string(live_buffers_) +
           " buffers allocated";
}

std::shared_ptr<Buffer> Device::allocate_buffer(const AllocationRequest& request, std::string_view op) {
    DeviceAllocation allocation;
    allocation.buffer_type = request.buffer_type;
    {
        std::lock_guard lock(mutex_);
        if (!open_) {
            throw InvalidState(op, "device " + std::to_string(id_) + " is closed");
        }
        const std::string prefix = "out of memory on device " + std::to_string(id_) + ": ";
        if (request.buffer_type == BufferType::DRAM) {
            const std::size_t budget = config_.dram_size - config_.trace_region_size;
            if (request.bytes > budget - dram_in_use_) {
                throw OutOfMemory(op, prefix + request.description + " needs " + format_bytes(request.bytes) +
                                          " of DRAM; " + usage_summary_locked());
            }
            dram_in_use_ += request.bytes;
            allocation.dram_bytes = request.bytes;
        } else {
            const std::size_t budget = config_.l1_size_per_core - config_.l1_small_size;
            auto core_index = [&](CoreCoord c) { return std::size_t{c.y} * config_.grid.x + c.x; };
            for (CoreCoord c : request.l1_shard_cores) {
                if (c.x >= config_.grid.x || c.y >= config_.grid.y) {
                    throw InvalidArgument(op, "shard core " + c.to_string() + " is outside the device's " +
                                                  std::to_string(config_.grid.x) + "x" +
                                                  std::to_string(config_.grid.y) + " grid");
                }
            }
            for (std::size_t i = 0; i < l1_in_use_.size(); ++i) {
                if (request.l1_bytes_per_core > budget - l1_in_use_[i]) {
                    throw OutOfMemory(op, prefix + request.description + " needs " +
                                              format_bytes(request.l1_bytes_per_core) + " of L1 on every core; core " +
                                              std::to_string(i) + " has " + format_bytes(budget - l1_in_use_[i]) +
                                              " free; " + usage_summary_locked());
                }
            }
            for (CoreCoord c : request.l1_shard_cores) {
                const std::size_t i = core_index(c);
                if (request.l1_shard_bytes > budget - l1_in_use_[i]) {
                    throw OutOfMemory(op, prefix + request.description + " needs a shard of " +
                                              format_bytes(request.l1_shard_bytes) + " of L1 on core " + c.to_string() +
                                              ", which has " + format_bytes(budget - l1_in_use_[i]) + " free; " +
                                              usage_summary_locked());
                }
            }
            for (auto& used : l1_in_use_) used += request.l1_bytes_per_core;
            for (CoreCoord c : request.l1_shard_cores) l1_in_use_[core_index(c)] += request.l1_shard_bytes;
            allocation.l1_bytes_per_core = request.l1_bytes_per_core;
            allocation.l1_cores = request.l1_shard_cores;
            allocation.l1_shard_bytes = request.l1_shard_bytes;
        }
        ++live_buffers_;  // release() undoes this, also if making the buffer fails below
    }
    std::shared_ptr<Buffer> buffer;
    try {
        buffer = Buffer::make_device(shared_from_this(), request.bytes, allocation);
    } catch (...) {
        release(allocation);
        throw;
    }
    std::lock_guard lock(mutex_);
    std::erase_if(buffers_, [](const std::weak_ptr<Buffer>& w) { return w.expired(); });
    buffers_.push_back(buffer);
    return buffer;
}

void Device::release(const DeviceAllocation& allocation) {
    std::lock_guard lock(mutex_);
    if (!open_) return;  // closing resets the accounting wholesale
    live_buffers_ -= std::min<std::size_t>(live_buffers_, 1);
    dram_in_use_ -= std::min(dram_in_use_, allocation.dram_bytes);
    for (auto& used : l1_in_use_) used -= std::min(used, allocation.l1_bytes_per_core);
    for (CoreCoord c : allocation.l1_cores) {
        auto& used = l1_in_use_[std::size_t{c.y} * config_.grid.x + c.x];
        used -= std::min(used, allocation.l1_shard_bytes);
    }
}

MemoryStats Device::memory_stats() const {
    std::lock_guard lock(mutex_);
    MemoryStats s;
    s.dram_in_use = dram_in_use_;
    s.dram_budget = config_.dram_size - config_.trace_region_size;
    s.l1_budget_per_core = config_.l1_size_per_core - config_.l1_small_size;
    for (std::size_t used : l1_in_use_) {
        s.l1_in_use_max_core = std::max(s.l1_in_use_max_core, used);
        s.l1_in_use_total += used;
    }
    s.num_buffers = live_buffers_;
    return s;
}

}  // namespace ttnn
