// A TT-NN device executed on the host: its core grid maps onto a share of the host's cores (a
// thread pool), and its DRAM and per-core L1 are budgets that every device buffer is charged to.
// Defaults are those of a Wormhole n150: 12 GiB of DRAM, an 8x8 grid, 1.5 MiB of L1 per core.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ttnn/core/buffer.hpp"
#include "ttnn/core/memory_config.hpp"
#include "ttnn/core/thread_pool.hpp"

namespace ttnn {

struct DeviceConfig {
    std::size_t dram_size = std::size_t{12} << 30;
    std::size_t l1_size_per_core = std::size_t{1536} << 10;
    std::size_t l1_small_size = 0;       // reserved out of every core's L1 (as TT-NN's l1_small_size)
    std::size_t trace_region_size = 0;   // reserved out of DRAM (as TT-NN's trace_region_size)
    CoreCoord grid{8, 8};                // compute-with-storage grid: x columns, y rows
    std::size_t num_threads = 0;         // host threads that run the device's cores; 0 = all host cores
};

// Everything a device buffer is charged to, before it is allocated.
struct AllocationRequest {
    std::size_t bytes = 0;                  // size of the data
    BufferType buffer_type = BufferType::DRAM;
    std::size_t l1_bytes_per_core = 0;      // interleaved L1 (0 if not L1 interleaved)
    std::vector<CoreCoord> l1_shard_cores;  // sharded L1: each of these cores holds one shard...
    std::size_t l1_shard_bytes = 0;         // ...of this many bytes
    std::string description;                // "tensor [3, 50, 70] BFLOAT8_B TILE" for error messages
};

struct MemoryStats {
    std::size_t dram_in_use = 0;
    std::size_t dram_budget = 0;
    std::size_t l1_in_use_max_core = 0;  // the fullest core
    std::size_t l1_in_use_total = 0;
    std::size_t l1_budget_per_core = 0;
    std::size_t num_buffers = 0;  // allocated, not yet freed
};

class Device : public std::enable_shared_from_this<Device> {
public:
    // Opens device `id` (0 <= id < host_num_devices()). Throws if it is already open.
    static std::shared_ptr<Device> open(int id, DeviceConfig config, std::string_view op = "ttnn.open_device");
    ~Device();

    // Frees every buffer still on the device; later use of its tensors raises. Idempotent.
    void close();

    int id() const { return id_; }
    bool is_open() const;
    const DeviceConfig& config() const { return config_; }
    std::size_t num_cores() const { return std::size_t{config_.grid.x} * config_.grid.y; }
    ThreadPool& thread_pool() { return *pool_; }

    // Charges `request` to the budget and returns the buffer; throws OutOfMemory if it does not fit.
    std::shared_ptr<Buffer> allocate_buffer(const AllocationRequest& request, std::string_view op);
    // Returns a buffer's charge (called by Buffer::deallocate).
    void release(const DeviceAllocation& allocation);

    MemoryStats memory_stats() const;

private:
    Device(int id, DeviceConfig config);
    std::string usage_summary_locked() const;

    const int id_;
    const DeviceConfig config_;
    std::unique_ptr<ThreadPool> pool_;

    mutable std::mutex mutex_;
    bool open_ = true;
    std::size_t dram_in_use_ = 0;
    std::vector<std::size_t> l1_in_use_;  // per core, row-major over the grid
    std::vector<std::weak_ptr<Buffer>> buffers_;  // to free them on close
    std::size_t live_buffers_ = 0;                // allocated and not yet released
};

// How many devices this host offers (TTNN_HOST_NUM_DEVICES, default 8), as tt-metal's
// GetNumAvailableDevices.
int host_num_devices();
// Host cores available to devices (std::thread::hardware_concurrency, at least 1).
std::size_t host_num_cores();

}  // namespace ttnn
