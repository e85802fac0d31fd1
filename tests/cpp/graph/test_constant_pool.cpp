// intern_constant: device constants with the same spec, placement and bytes are shared; anything
// else is kept apart, and a constant is only handed out while some program still holds it.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "ttnn/core/device.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/graph/constant_pool.hpp"

using namespace ttnn;
using namespace ttnn::graph;

namespace {

Tensor on_device(std::vector<float> values, const std::shared_ptr<Device>& dev, DataType dtype, Layout layout) {
    HostArray a{values.data(), HostElement::F32, Shape{64, static_cast<std::int64_t>(values.size() / 64)}};
    return tensor_from_host_array_on_device(a, dtype, layout, MemoryConfig{}, 0.0f, dev, "test");
}

std::vector<float> ramp(float start) {
    std::vector<float> v(64 * 64);
    std::iota(v.begin(), v.end(), start);
    return v;
}

}  // namespace

TEST(ConstantPool, SharesEqualConstantsOnly) {
    auto dev = Device::open(0, DeviceConfig{});
    const Tensor first = intern_constant(on_device(ramp(0), dev, DataType::FLOAT32, Layout::ROW_MAJOR));
    const std::size_t hits = constant_pool_stats().hits;

    const Tensor same = intern_constant(on_device(ramp(0), dev, DataType::FLOAT32, Layout::ROW_MAJOR));
    EXPECT_EQ(same.storage_ptr(), first.storage_ptr());
    EXPECT_EQ(constant_pool_stats().hits, hits + 1);

    for (const Tensor& other : {on_device(ramp(1), dev, DataType::FLOAT32, Layout::ROW_MAJOR),      // bytes
                                on_device(ramp(0), dev, DataType::FLOAT32, Layout::TILE),           // layout
                                on_device(ramp(0), dev, DataType::BFLOAT16, Layout::ROW_MAJOR)}) {  // dtype
        EXPECT_EQ(intern_constant(other).storage_ptr(), other.storage_ptr());
    }
    EXPECT_EQ(constant_pool_stats().hits, hits + 1);

    std::vector<float> values = ramp(0);
    const Tensor host = tensor_from_host_array(HostArray{values.data(), HostElement::F32, Shape{64, 64}},
                                               DataType::FLOAT32, Layout::ROW_MAJOR, 0.0f, nullptr, "test");
    EXPECT_EQ(intern_constant(host).storage_ptr(), host.storage_ptr()) << "host constants are not pooled";
    dev->close();
}

TEST(ConstantPool, ForgetsConstantsNoProgramHolds) {
    auto dev = Device::open(0, DeviceConfig{});
    {
        const Tensor held = intern_constant(on_device(ramp(5), dev, DataType::FLOAT32, Layout::ROW_MAJOR));
    }  // the last holder is gone: its bytes are not handed out again
    const Tensor again = on_device(ramp(5), dev, DataType::FLOAT32, Layout::ROW_MAJOR);
    const Tensor interned = intern_constant(again);
    EXPECT_EQ(interned.storage_ptr(), again.storage_ptr());
    dev->close();
}

TEST(ConstantPool, DifferentDevicesAreNotMerged) {
    auto a = Device::open(0, DeviceConfig{});
    auto b = Device::open(1, DeviceConfig{});
    const Tensor on_a = intern_constant(on_device(ramp(7), a, DataType::FLOAT32, Layout::ROW_MAJOR));
    const Tensor on_b = on_device(ramp(7), b, DataType::FLOAT32, Layout::ROW_MAJOR);
    EXPECT_EQ(intern_constant(on_b).storage_ptr(), on_b.storage_ptr());
    EXPECT_EQ(on_a.device(), a);
    a->close();
    b->close();
}
