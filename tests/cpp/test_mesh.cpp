// Mesh devices and the mesh mappers: ShardTensorToMesh / ReplicateTensorToMesh on the host, sending
// the shards to the mesh, ConcatMeshToTensor back, get_device_tensors. Values are checked by
// position against the source array, so a shard landing on the wrong device shows up.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ttnn/core/distribute.hpp"
#include "ttnn/core/error.hpp"

using namespace ttnn;

namespace {

std::vector<float> iota(std::size_t n) {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>(i);
    return v;
}

std::vector<float> shard_values(const Tensor& t, std::size_t i) {
    std::vector<float> out(t.logical_shape().volume());
    copy_to_host_array(t, i, HostArray{out.data(), HostElement::F32, t.logical_shape()}, "test");
    return out;
}

std::shared_ptr<MeshDevice> open_mesh_1x2() {
    DeviceConfig c;
    c.dram_size = 64 << 20;
    return MeshDevice::open(MeshShape{1, 2}, c);
}

}  // namespace

TEST(Mesh, OpenSplitsHostCoresBetweenDevices) {
    auto mesh = MeshDevice::open(MeshShape{1, 2}, DeviceConfig{});
    ASSERT_EQ(mesh->num_devices(), 2u);
    EXPECT_EQ(mesh->shape(), (MeshShape{1, 2}));
    const std::size_t want = std::max<std::size_t>(1, host_num_cores() / 2);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(mesh->device(i)->id(), static_cast<int>(i));
        EXPECT_EQ(mesh->device(i)->thread_pool().num_threads(), want);
    }
    EXPECT_TRUE(mesh->is_open());
    EXPECT_THROW(Device::open(1, DeviceConfig{}), InvalidState);  // owned by the mesh
    mesh->close();
    EXPECT_FALSE(mesh->is_open());
    EXPECT_EQ(MeshShape({2, 4}).to_string(), "MeshShape(2, 4)");
}

TEST(Mesh, OpenRejectsBadShapesAndReleasesOnFailure) {
    EXPECT_THROW(MeshDevice::open(MeshShape{0, 2}, DeviceConfig{}), InvalidArgument);
    EXPECT_THROW(MeshDevice::open(MeshShape{1, static_cast<std::size_t>(host_num_devices()) + 1}, DeviceConfig{}),
                 InvalidArgument);
    EXPECT_THROW(MeshDevice::open(MeshShape{1, 2}, DeviceConfig{}, {3, 3}), InvalidArgument);
    // Device 1 busy: the mesh fails and must not leave device 0 open behind it.
    auto busy = Device::open(1, DeviceConfig{});
    EXPECT_THROW(MeshDevice::open(MeshShape{1, 2}, DeviceConfig{}), InvalidState);
    auto zero = Device::open(0, DeviceConfig{});
    zero->close();
    busy->close();
    auto mesh = MeshDevice::open(MeshShape{1, 2}, DeviceConfig{}, {5, 2});
    EXPECT_EQ(mesh->device(0)->id(), 5);
    EXPECT_EQ(mesh->device(1)->id(), 2);
    mesh->close();
}

TEST(Mesh, ShardOnDim0) {
    auto mesh = open_mesh_1x2();
    std::vector<float> src = iota(4 * 3 * 5);
    Tensor t = distribute_host_array(HostArray{src.data(), HostElement::F32, Shape{4, 3, 5}}, *mesh,
                                     MeshMapping{Distribution::Kind::SHARD, 0}, DataType::FLOAT32, Layout::ROW_MAJOR,
                                     0.0f);
    EXPECT_EQ(t.num_shards(), 2u);
    EXPECT_EQ(t.storage_type(), StorageType::MULTI_DEVICE_HOST);
    EXPECT_EQ(t.logical_shape(), (Shape{2, 3, 5}));
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_FALSE(t.shard(i)->is_borrowed()) << "a shard must not alias the caller's array";
        const auto v = shard_values(t, i);
        for (std::size_t k = 0; k < v.size(); ++k) ASSERT_EQ(v[k], src[i * 30 + k]) << "shard " << i;
    }
    src[0] = -1.0f;  // later writes to the source do not reach the shards
    EXPECT_EQ(shard_values(t, 0)[0], 0.0f);
    mesh->close();
}

TEST(Mesh, ShardOnMiddleDimTiledAndConcatRestores) {
    auto mesh = open_mesh_1x2();
    const Shape full{2, 4, 40, 3};
    std::vector<float> src = iota(full.volume());
    for (int dim : {1, -3}) {
        // The shards are not contiguous in the source: [a, i*2 + b, r] for shard i.
        Tensor t = distribute_host_array(HostArray{src.data(), HostElement::F32, full}, *mesh,
                                         MeshMapping{Distribution::Kind::SHARD, dim}, DataType::FLOAT32, Layout::TILE,
                                         0.0f);
        EXPECT_EQ(t.logical_shape(), (Shape{2, 2, 40, 3}));
        EXPECT_EQ(t.storage().distribution.dim, 1);
        for (std::size_t i = 0; i < 2; ++i) {
            const auto v = shard_values(t, i);
            for (std::size_t a = 0; a < 2; ++a)
                for (std::size_t b = 0; b < 2; ++b)
                    for (std::size_t r = 0; r < 120; ++r) {
                        ASSERT_EQ(v[(a * 2 + b) * 120 + r], src[(a * 4 + i * 2 + b) * 120 + r])
                            << "shard " << i << " a " << a << " b " << b << " r " << r;
                    }
        }
        EXPECT_EQ(concatenated_shape(t, dim), full);
        std::vector<float> back(full.volume(), -1.0f);
        concat_shards_to_host_array(t, dim, HostArray{back.data(), HostElement::F32, full});
        EXPECT_EQ(back, src);
    }
    mesh->close();
}

TEST(Mesh, NonDividingDimThrowsNamingSizeAndMesh) {
    auto mesh = open_mesh_1x2();
    std::vector<float> src = iota(3 * 4);
    try {
        distribute_host_array(HostArray{src.data(), HostElement::F32, Shape{3, 4}}, *mesh,
                              MeshMapping{Distribution::Kind::SHARD, 0}, DataType::FLOAT32, Layout::ROW_MAJOR, 0.0f,
                              "ttnn.from_torch");
        FAIL() << "3 rows split over 2 devices";
    } catch (const InvalidArgument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("size 3"), std::string::npos) << what;
        EXPECT_NE(what.find("MeshShape(1, 2)"), std::string::npos) << what;
    }
    EXPECT_THROW(distribute_host_array(HostArray{src.data(), HostElement::F32, Shape{3, 4}}, *mesh,
                                       MeshMapping{Distribution::Kind::SHARD, 2}, DataType::FLOAT32, Layout::ROW_MAJOR,
                                       0.0f),
                 InvalidArgument);
    mesh->close();
}

TEST(Mesh, ReplicateGivesEveryDeviceTheSameValues) {
    auto mesh = open_mesh_1x2();
    std::vector<float> src = iota(5 * 7);
    Tensor t = distribute_host_array(HostArray{src.data(), HostElement::F32, Shape{5, 7}}, *mesh,
                                     MeshMapping{Distribution::Kind::REPLICATE, 0}, DataType::FLOAT32,
                                     Layout::ROW_MAJOR, 0.0f);
    EXPECT_EQ(t.num_shards(), 2u);
    EXPECT_EQ(t.logical_shape(), (Shape{5, 7}));
    EXPECT_EQ(t.storage().distribution.kind, Distribution::Kind::REPLICATE);
    src[3] = 1000.0f;  // the borrowed source was copied, not aliased
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(shard_values(t, i)[3], 3.0f);
        EXPECT_EQ(shard_values(t, i)[34], 34.0f);
    }
    mesh->close();
}

TEST(Mesh, ToDeviceConcatAndDeviceTensors) {
    auto mesh = open_mesh_1x2();
    const Shape full{64, 48};
    std::vector<float> src = iota(full.volume());
    Tensor host = distribute_host_array(HostArray{src.data(), HostElement::F32, full}, *mesh,
                                        MeshMapping{Distribution::Kind::SHARD, -1}, DataType::FLOAT32, Layout::TILE,
                                        0.0f);
    Tensor on_mesh = to_device(host, mesh, dram_memory_config());
    EXPECT_EQ(on_mesh.storage_type(), StorageType::DEVICE);
    EXPECT_EQ(on_mesh.mesh_device(), mesh);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(on_mesh.shard(i)->device(), mesh->device(i).get()) << "shard " << i << " on the wrong device";
        EXPECT_EQ(mesh->device(i)->memory_stats().dram_in_use, 2u * 4096);  // [64, 24] pads to 2 fp32 tiles
    }
    std::vector<float> back(full.volume(), -1.0f);
    concat_shards_to_host_array(on_mesh, -1, HostArray{back.data(), HostElement::F32, full});
    EXPECT_EQ(back, src);
    Tensor on_host = from_device(on_mesh);
    EXPECT_EQ(on_host.storage_type(), StorageType::MULTI_DEVICE_HOST);
    std::fill(back.begin(), back.end(), -1.0f);
    concat_shards_to_host_array(on_host, 1, HostArray{back.data(), HostElement::F32, full});
    EXPECT_EQ(back, src);
    std::vector<float> wrong(full.volume());
    EXPECT_THROW(concat_shards_to_host_array(on_host, 0, HostArray{wrong.data(), HostElement::F32, full}),
                 InvalidArgument);

    const std::vector<Tensor> parts = device_tensors(on_mesh);
    ASSERT_EQ(parts.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(parts[i].device(), mesh->device(i));
        EXPECT_EQ(parts[i].storage_type(), StorageType::DEVICE);
        EXPECT_EQ(parts[i].shard(0), on_mesh.shard(i));  // shares, does not copy
        const auto v = shard_values(parts[i], 0);
        for (std::size_t r = 0; r < 64; ++r)
            for (std::size_t c = 0; c < 24; ++c) ASSERT_EQ(v[r * 24 + c], src[r * 48 + i * 24 + c]);
    }
    // A single host tensor is replicated onto the mesh.
    std::vector<float> small = iota(32);
    Tensor one = tensor_from_host_array(HostArray{small.data(), HostElement::F32, Shape{32}}, DataType::FLOAT32,
                                        Layout::ROW_MAJOR, 0.0f, nullptr, "test");
    Tensor rep = to_device(one, mesh, dram_memory_config());
    EXPECT_EQ(rep.num_shards(), 2u);
    EXPECT_EQ(rep.storage().distribution.kind, Distribution::Kind::REPLICATE);
    EXPECT_EQ(shard_values(rep, 1), small);
    mesh->close();
    EXPECT_THROW(shard_values(on_mesh, 0), InvalidState);
}
