// Device memory budgets: what each kind of buffer charges (DRAM bytes, interleaved L1 on every core,
// sharded L1 on the shard cores only), that the charge comes back on deallocate / destruction /
// close, and that running out raises OutOfMemory with a message a user can act on. Devices are a
// process-wide registry, so every test closes what it opens (ctest runs each test in its own process).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ttnn/core/device.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"

using namespace ttnn;

namespace {

DeviceConfig small_config(std::size_t dram, std::size_t l1, CoreCoord grid = {2, 2}) {
    DeviceConfig c;
    c.dram_size = dram;
    c.l1_size_per_core = l1;
    c.grid = grid;
    c.num_threads = 1;
    return c;
}

AllocationRequest dram_request(std::size_t bytes) {
    AllocationRequest r;
    r.bytes = bytes;
    r.buffer_type = BufferType::DRAM;
    r.description = "test buffer";
    return r;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

MemoryConfig height_sharded_l1(CoreRangeSet grid, std::uint32_t h, std::uint32_t w) {
    return MemoryConfig{TensorMemoryLayout::HEIGHT_SHARDED, BufferType::L1,
                        ShardSpec{std::move(grid), h, w, ShardOrientation::ROW_MAJOR}};
}
MemoryConfig height_sharded_l1(CoreCoord start, CoreCoord end, std::uint32_t h, std::uint32_t w) {
    return height_sharded_l1(CoreRangeSet({CoreRange(start, end)}), h, w);
}

// A device tensor of `shape` filled from a float array.
Tensor device_tensor(const std::shared_ptr<Device>& dev, Shape shape, DataType dtype, Layout layout,
                     const MemoryConfig& mc) {
    std::vector<float> data(shape.volume(), 1.0f);
    return tensor_from_host_array_on_device(HostArray{data.data(), HostElement::F32, shape}, dtype, layout, mc, 0.0f,
                                            dev, "test");
}

}  // namespace

TEST(Allocator, DramGoesUpOnAllocateAndDownOnDeallocateOrDestruction) {
    auto dev = Device::open(0, small_config(1 << 20, 64 << 10));
    EXPECT_EQ(dev->memory_stats().dram_in_use, 0u);
    EXPECT_EQ(dev->memory_stats().dram_budget, std::size_t{1} << 20);
    auto a = dev->allocate_buffer(dram_request(1000), "test");
    auto b = dev->allocate_buffer(dram_request(3000), "test");
    EXPECT_EQ(dev->memory_stats().dram_in_use, 4000u);
    EXPECT_EQ(dev->memory_stats().num_buffers, 2u);
    EXPECT_EQ(a->size(), 1000u);
    a->deallocate();
    EXPECT_EQ(dev->memory_stats().dram_in_use, 3000u);
    a->deallocate();  // idempotent: must not release twice
    EXPECT_EQ(dev->memory_stats().dram_in_use, 3000u);
    b.reset();  // destruction frees too
    EXPECT_EQ(dev->memory_stats().dram_in_use, 0u);
    EXPECT_EQ(dev->memory_stats().l1_in_use_total, 0u);
    dev->close();
}

TEST(Allocator, DramBudgetExcludesTraceRegionAndIsExact) {
    DeviceConfig c = small_config(10000, 64 << 10);
    c.trace_region_size = 2000;
    auto dev = Device::open(0, c);
    auto a = dev->allocate_buffer(dram_request(8000), "test");  // exactly the budget
    EXPECT_THROW(dev->allocate_buffer(dram_request(1), "test"), OutOfMemory);
    a->deallocate();
    EXPECT_NO_THROW(dev->allocate_buffer(dram_request(8000), "test"));
    dev->close();
}

TEST(Allocator, OutOfMemoryNamesRequestAndUsage) {
    auto dev = Device::open(0, small_config(1 << 20, 64 << 10));
    auto held = dev->allocate_buffer(dram_request(700 << 10), "test");
    try {
        dev->allocate_buffer(dram_request(500 << 10), "ttnn.from_torch");
        FAIL() << "no OutOfMemory";
    } catch (const OutOfMemory& e) {
        const std::string what = e.what();
        EXPECT_TRUE(contains(what, "ttnn.from_torch")) << what;
        EXPECT_TRUE(contains(what, "test buffer")) << what;
        EXPECT_TRUE(contains(what, format_bytes(500 << 10))) << what;  // the request
        EXPECT_TRUE(contains(what, format_bytes(700 << 10))) << what;  // what is in use
        EXPECT_TRUE(contains(what, format_bytes(1 << 20))) << what;    // of what budget
    }
    EXPECT_EQ(dev->memory_stats().dram_in_use, std::size_t{700} << 10);  // a failed request charges nothing
    dev->close();
}

TEST(Allocator, L1InterleavedChargesEveryCore) {
    auto dev = Device::open(0, small_config(1 << 20, 8192));  // 2x2 grid
    // [32, 160] bf16 TILE = 5 tiles of 2048 B over 4 cores: ceil(5/4) = 2 pages on every core.
    Tensor t = device_tensor(dev, Shape{32, 160}, DataType::BFLOAT16, Layout::TILE, l1_memory_config());
    MemoryStats s = dev->memory_stats();
    EXPECT_EQ(s.l1_in_use_max_core, 4096u);
    EXPECT_EQ(s.l1_in_use_total, 4 * 4096u);
    EXPECT_EQ(s.dram_in_use, 0u);
    // ROW_MAJOR pages are rows: [10, 8] float32 = 10 pages of 32 B, ceil(10/4) = 3 per core.
    Tensor r = device_tensor(dev, Shape{10, 8}, DataType::FLOAT32, Layout::ROW_MAJOR, l1_memory_config());
    EXPECT_EQ(dev->memory_stats().l1_in_use_max_core, 4096u + 96u);
    r.deallocate();
    Tensor t2 = device_tensor(dev, Shape{32, 160}, DataType::BFLOAT16, Layout::TILE, l1_memory_config());
    EXPECT_EQ(dev->memory_stats().l1_in_use_max_core, 8192u);  // every core is now full
    try {
        device_tensor(dev, Shape{32, 32}, DataType::BFLOAT16, Layout::TILE, l1_memory_config());
        FAIL() << "no OutOfMemory";
    } catch (const OutOfMemory& e) {
        EXPECT_TRUE(contains(e.what(), "[32, 32] BFLOAT16 TILE")) << e.what();
        EXPECT_TRUE(contains(e.what(), format_bytes(2048))) << e.what();
    }
    // DRAM is a separate budget.
    EXPECT_NO_THROW(device_tensor(dev, Shape{32, 32}, DataType::BFLOAT16, Layout::TILE, dram_memory_config()));
    t.deallocate();
    EXPECT_EQ(dev->memory_stats().l1_in_use_max_core, 4096u);
    dev->close();
}

TEST(Allocator, L1SmallSizeIsReservedOutOfEveryCore) {
    DeviceConfig c = small_config(1 << 20, 10000);
    c.l1_small_size = 10000 - 4096;
    auto dev = Device::open(0, c);
    EXPECT_EQ(dev->memory_stats().l1_budget_per_core, 4096u);
    Tensor t = device_tensor(dev, Shape{32, 128}, DataType::BFLOAT16, Layout::TILE, l1_memory_config());  // 1 tile/core
    EXPECT_THROW(device_tensor(dev, Shape{32, 160}, DataType::BFLOAT16, Layout::TILE, l1_memory_config()), OutOfMemory);
    dev->close();
}

TEST(Allocator, ShardedL1ChargesOnlyTheShardCores) {
    auto dev = Device::open(0, small_config(1 << 20, 8192, {3, 3}));
    // [64, 64] bf16 TILE in [32, 64] shards on cores (0,0),(1,0): 2 tiles = 4096 B on each of 2 cores.
    const MemoryConfig left = height_sharded_l1({0, 0}, {1, 0}, 32, 64);
    Tensor a = device_tensor(dev, Shape{64, 64}, DataType::BFLOAT16, Layout::TILE, left);
    EXPECT_EQ(dev->memory_stats().l1_in_use_total, 2 * 4096u);
    EXPECT_EQ(dev->memory_stats().l1_in_use_max_core, 4096u);
    Tensor b = device_tensor(dev, Shape{64, 64}, DataType::BFLOAT16, Layout::TILE, left);
    EXPECT_EQ(dev->memory_stats().l1_in_use_max_core, 8192u);
    // Those two cores are full, the other seven are empty.
    try {
        device_tensor(dev, Shape{64, 64}, DataType::BFLOAT16, Layout::TILE, left);
        FAIL() << "no OutOfMemory";
    } catch (const OutOfMemory& e) {
        EXPECT_TRUE(contains(e.what(), CoreCoord{0, 0}.to_string())) << e.what();
    }
    const CoreRangeSet others({CoreRange({2, 0}, {2, 0}), CoreRange({0, 1}, {0, 1})});
    Tensor c = device_tensor(dev, Shape{64, 64}, DataType::BFLOAT16, Layout::TILE, height_sharded_l1(others, 32, 64));
    EXPECT_EQ(dev->memory_stats().l1_in_use_total, 6 * 4096u);
    dev->close();
}

TEST(Allocator, ShardedL1OnOtherCoresAndRelease) {
    auto dev = Device::open(0, small_config(1 << 20, 8192, {3, 3}));
    Tensor a = device_tensor(dev, Shape{64, 64}, DataType::BFLOAT16, Layout::TILE, height_sharded_l1({0, 0}, {1, 0}, 32, 64));
    Tensor b = device_tensor(dev, Shape{64, 64}, DataType::BFLOAT16, Layout::TILE, height_sharded_l1({0, 0}, {1, 0}, 32, 64));
    Tensor c = device_tensor(dev, Shape{64, 64}, DataType::BFLOAT16, Layout::TILE, height_sharded_l1({1, 1}, {2, 1}, 32, 64));
    EXPECT_EQ(dev->memory_stats().l1_in_use_total, 6 * 4096u);
    a.deallocate();
    EXPECT_EQ(dev->memory_stats().l1_in_use_total, 4 * 4096u);
    // Interleaved now needs 1 tile on every core; cores (0,0),(1,0) have 4096 B free: fits.
    Tensor d = device_tensor(dev, Shape{32, 32 * 9}, DataType::BFLOAT16, Layout::TILE, l1_memory_config());
    EXPECT_EQ(dev->memory_stats().l1_in_use_total, 4 * 4096u + 9 * 2048u);
    dev->close();
}

TEST(Allocator, ShardCoreOutsideTheGridThrows) {
    auto dev = Device::open(0, small_config(1 << 20, 1 << 16, {2, 2}));
    EXPECT_THROW(device_tensor(dev, Shape{96, 64}, DataType::BFLOAT16, Layout::TILE,
                               height_sharded_l1({0, 0}, {2, 0}, 32, 64)),
                 InvalidArgument);
    EXPECT_EQ(dev->memory_stats().l1_in_use_total, 0u);
    dev->close();
}

TEST(Allocator, CloseFreesEverythingAndLaterUseThrows) {
    auto dev = Device::open(1, small_config(1 << 20, 8192));
    auto buf = dev->allocate_buffer(dram_request(1000), "test");
    Tensor t = device_tensor(dev, Shape{32, 32}, DataType::FLOAT32, Layout::TILE, l1_memory_config());
    dev->close();
    EXPECT_FALSE(dev->is_open());
    const MemoryStats s = dev->memory_stats();
    EXPECT_EQ(s.dram_in_use, 0u);
    EXPECT_EQ(s.l1_in_use_total, 0u);
    EXPECT_EQ(s.num_buffers, 0u);
    EXPECT_FALSE(buf->is_allocated());
    EXPECT_THROW(buf->data("ttnn.to_torch"), InvalidState);
    EXPECT_FALSE(t.is_allocated());
    EXPECT_THROW(t.shard_data(0, "ttnn.to_torch"), InvalidState);
    EXPECT_THROW(dev->allocate_buffer(dram_request(10), "test"), InvalidState);
    EXPECT_THROW(from_device(t), InvalidState);
    dev->close();  // idempotent
    // The id is free again, even though the closed object is still alive.
    auto again = Device::open(1, small_config(1 << 20, 8192));
    EXPECT_TRUE(again->is_open());
    again->close();
}

TEST(Allocator, OpenTwiceAndOutOfRangeIdsThrow) {
    auto dev = Device::open(2, DeviceConfig{});
    EXPECT_THROW(Device::open(2, DeviceConfig{}), InvalidState);
    try {
        Device::open(host_num_devices(), DeviceConfig{}, "ttnn.open_device");
        FAIL() << "id out of range accepted";
    } catch (const InvalidArgument& e) {
        EXPECT_TRUE(contains(e.what(), "device_id=" + std::to_string(host_num_devices()))) << e.what();
    }
    EXPECT_THROW(Device::open(-1, DeviceConfig{}), InvalidArgument);
    dev->close();
}

TEST(Allocator, DestroyingTheDeviceFreesItsId) {
    { auto dev = Device::open(3, small_config(1 << 20, 8192)); }
    auto dev = Device::open(3, small_config(1 << 20, 8192));
    EXPECT_TRUE(dev->is_open());
    dev->close();
}

TEST(Allocator, InvalidConfigsThrow) {
    DeviceConfig empty_grid = small_config(1 << 20, 8192, {0, 4});
    EXPECT_THROW(Device::open(0, empty_grid), InvalidArgument);
    DeviceConfig no_l1 = small_config(1 << 20, 8192);
    no_l1.l1_small_size = 8192;
    EXPECT_THROW(Device::open(0, no_l1), InvalidArgument);
    DeviceConfig no_dram = small_config(1 << 20, 8192);
    no_dram.trace_region_size = 1 << 20;
    EXPECT_THROW(Device::open(0, no_dram), InvalidArgument);
    // None of the failures left device 0 marked open.
    auto dev = Device::open(0, small_config(1 << 20, 8192));
    dev->close();
}

TEST(Allocator, ToDeviceChargesFromDeviceDoesNot) {
    auto dev = Device::open(0, small_config(64 << 10, 8192));
    std::vector<float> data(64 * 64, 2.0f);
    Tensor host = tensor_from_host_array(HostArray{data.data(), HostElement::F32, Shape{64, 64}}, DataType::BFLOAT16,
                                         Layout::TILE, 0.0f, nullptr, "test");
    Tensor on_dev = to_device(host, dev, dram_memory_config());
    EXPECT_EQ(dev->memory_stats().dram_in_use, 4 * 2048u);
    Tensor back = from_device(on_dev);
    EXPECT_EQ(dev->memory_stats().dram_in_use, 4 * 2048u);
    on_dev.deallocate();
    EXPECT_EQ(dev->memory_stats().dram_in_use, 0u);
    EXPECT_TRUE(back.is_allocated());  // the host copy is independent
    // [256, 256] fp32 TILE = 256 KiB does not fit 64 KiB of DRAM.
    std::vector<float> big(256 * 256, 1.0f);
    Tensor big_host = tensor_from_host_array(HostArray{big.data(), HostElement::F32, Shape{256, 256}}, DataType::FLOAT32,
                                             Layout::TILE, 0.0f, nullptr, "test");
    try {
        to_device(big_host, dev, dram_memory_config(), "ttnn.to_device");
        FAIL() << "no OutOfMemory";
    } catch (const OutOfMemory& e) {
        EXPECT_TRUE(contains(e.what(), "ttnn.to_device")) << e.what();
        EXPECT_TRUE(contains(e.what(), format_bytes(256 * 256 * 4))) << e.what();
    }
    dev->close();
}
