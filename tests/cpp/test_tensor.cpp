// Tensors: when from_torch borrows the caller's memory and when it copies, integer range checks,
// use after deallocate, spec validation, and the host/device/layout/dtype round trips.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"

using namespace ttnn;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<float> iota_floats(std::size_t n, float scale = 0.5f) {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>(i % 1000) * scale - 200.0f;
    return v;
}

template <class T>
std::vector<T> read_back(const Tensor& t, HostElement element, std::size_t shard = 0) {
    std::vector<T> out(t.logical_shape().volume());
    copy_to_host_array(t, shard, HostArray{out.data(), element, t.logical_shape()}, "test");
    return out;
}

Tensor host_f32(std::vector<float>& data, Shape shape, DataType dtype, Layout layout) {
    return tensor_from_host_array(HostArray{data.data(), HostElement::F32, shape}, dtype, layout, 0.0f, nullptr, "test");
}

std::shared_ptr<Device> open_small_device(int id) {
    DeviceConfig c;
    c.dram_size = 16 << 20;
    c.num_threads = 2;
    return Device::open(id, c);
}

}  // namespace

TEST(Tensor, RowMajorSameDtypeBorrowsAndKeepsOwnerAlive) {
    std::vector<float> data = iota_floats(12);
    auto owner = std::make_shared<int>(1);
    {
        Tensor t = tensor_from_host_array(HostArray{data.data(), HostElement::F32, Shape{3, 4}}, DataType::FLOAT32,
                                          Layout::ROW_MAJOR, 0.0f, owner, "test");
        EXPECT_TRUE(t.shard(0)->is_borrowed());
        EXPECT_EQ(t.shard_data(0, "test"), reinterpret_cast<std::byte*>(data.data()));
        EXPECT_EQ(owner.use_count(), 2);
        EXPECT_EQ(t.storage_type(), StorageType::HOST);
        data[5] = 42.0f;  // no copy: the tensor sees the caller's writes
        EXPECT_EQ(read_back<float>(t, HostElement::F32)[5], 42.0f);
        t.deallocate();  // drops the reference but leaves the caller's memory alone
        EXPECT_EQ(owner.use_count(), 1);
        EXPECT_EQ(data[5], 42.0f);
    }
    std::vector<std::uint16_t> bf(8, 0x3F80);
    Tensor b = tensor_from_host_array(HostArray{bf.data(), HostElement::BF16, Shape{8}}, DataType::BFLOAT16,
                                      Layout::ROW_MAJOR, 0.0f, nullptr, "test");
    EXPECT_TRUE(b.shard(0)->is_borrowed());
    std::vector<std::uint8_t> u8(8, 3);
    Tensor u = tensor_from_host_array(HostArray{u8.data(), HostElement::U8, Shape{2, 4}}, DataType::UINT8,
                                      Layout::ROW_MAJOR, 0.0f, nullptr, "test");
    EXPECT_EQ(u.shard_data(0, "test"), reinterpret_cast<std::byte*>(u8.data()));
}

TEST(Tensor, OtherDtypeOrLayoutCopies) {
    std::vector<float> data = iota_floats(64 * 40);
    for (auto [dtype, layout] : {std::pair{DataType::BFLOAT16, Layout::ROW_MAJOR}, {DataType::FLOAT32, Layout::TILE},
                                 {DataType::INT32, Layout::ROW_MAJOR}, {DataType::BFLOAT8_B, Layout::TILE}}) {
        Tensor t = host_f32(data, Shape{64, 40}, dtype, layout);
        EXPECT_FALSE(t.shard(0)->is_borrowed()) << to_string(dtype);
        EXPECT_NE(t.shard_data(0, "test"), reinterpret_cast<std::byte*>(data.data()));
        EXPECT_EQ(t.shard(0)->size(), t.spec().storage_bytes());
    }
    // int64 has no TT-NN dtype of its own: always converted.
    std::vector<std::int64_t> big = {-5, 0, 7, 2147483647};
    Tensor i = tensor_from_host_array(HostArray{big.data(), HostElement::I64, Shape{4}}, DataType::INT32,
                                      Layout::ROW_MAJOR, 0.0f, nullptr, "test");
    EXPECT_FALSE(i.shard(0)->is_borrowed());
    EXPECT_EQ(read_back<std::int32_t>(i, HostElement::I32), (std::vector<std::int32_t>{-5, 0, 7, 2147483647}));
}

TEST(Tensor, IntegerValuesOutOfRangeThrowNamingTheValue) {
    std::vector<std::int64_t> big = {1, std::int64_t{1} << 40, 3};
    try {
        tensor_from_host_array(HostArray{big.data(), HostElement::I64, Shape{3}}, DataType::INT32, Layout::TILE, 0.0f,
                               nullptr, "ttnn.from_torch");
        FAIL() << "2^40 accepted into INT32";
    } catch (const InvalidArgument& e) {
        EXPECT_TRUE(contains(e.what(), "1099511627776")) << e.what();
        EXPECT_TRUE(contains(e.what(), "INT32")) << e.what();
        EXPECT_EQ(e.op(), "ttnn.from_torch");
    }
    std::vector<std::int32_t> neg = {4, -1};
    try {
        tensor_from_host_array(HostArray{neg.data(), HostElement::I32, Shape{2}}, DataType::UINT8, Layout::ROW_MAJOR,
                               0.0f, nullptr, "ttnn.from_torch");
        FAIL() << "-1 accepted into UINT8";
    } catch (const InvalidArgument& e) {
        EXPECT_TRUE(contains(e.what(), "-1")) << e.what();
    }
    std::vector<std::uint32_t> u = {0x80000000u};
    EXPECT_THROW(tensor_from_host_array(HostArray{u.data(), HostElement::U32, Shape{1}}, DataType::INT32,
                                        Layout::ROW_MAJOR, 0.0f, nullptr, "op"),
                 InvalidArgument);
    std::vector<std::uint16_t> w = {256};
    EXPECT_THROW(tensor_from_host_array(HostArray{w.data(), HostElement::U16, Shape{1}}, DataType::UINT8,
                                        Layout::ROW_MAJOR, 0.0f, nullptr, "op"),
                 InvalidArgument);
    // The edges of the range are accepted.
    std::vector<std::int64_t> edges = {-2147483648LL, 2147483647LL};
    EXPECT_NO_THROW(tensor_from_host_array(HostArray{edges.data(), HostElement::I64, Shape{2}}, DataType::INT32,
                                           Layout::ROW_MAJOR, 0.0f, nullptr, "op"));
    // Floats are converted like a cast (saturating), not range-checked.
    std::vector<float> f = {-3.0f, 1000.0f};
    Tensor t = host_f32(f, Shape{2}, DataType::UINT8, Layout::ROW_MAJOR);
    EXPECT_EQ(read_back<std::uint8_t>(t, HostElement::U8), (std::vector<std::uint8_t>{0, 255}));
}

TEST(Tensor, DeallocateIsSeenByCopiesAndLaterUseThrows) {
    std::vector<float> data = iota_floats(32 * 32);
    Tensor t = host_f32(data, Shape{32, 32}, DataType::BFLOAT16, Layout::TILE);
    Tensor copy = t;  // shares storage, as TT-NN tensors do
    EXPECT_TRUE(copy.is_allocated());
    t.deallocate();
    EXPECT_FALSE(copy.is_allocated());
    EXPECT_THROW(copy.shard_data(0, "ttnn.add"), InvalidState);
    EXPECT_THROW(t.check_usable("ttnn.add"), InvalidState);
    EXPECT_THROW(to_layout(t, Layout::ROW_MAJOR), InvalidState);
    EXPECT_THROW(typecast(t, DataType::FLOAT32), InvalidState);
    // Conversions that would be no-ops (same spec) must not hand the dead tensor back either.
    EXPECT_THROW(to_layout(t, Layout::TILE), InvalidState);
    EXPECT_THROW(typecast(t, DataType::BFLOAT16), InvalidState);
    EXPECT_THROW(from_device(t), InvalidState);
    EXPECT_THROW(Tensor().check_usable("op"), InvalidState);
    t.deallocate();  // idempotent
}

TEST(Tensor, SpecSizes) {
    const TensorSpec bfp{Shape{3, 50, 70}, DataType::BFLOAT8_B, Layout::TILE, dram_memory_config()};
    EXPECT_EQ(bfp.num_tiles(), 18u);  // 3 x (64/32) x (96/32)
    EXPECT_EQ(bfp.storage_bytes(), 18u * 1088);
    EXPECT_EQ(bfp.page_size(), 1088u);
    EXPECT_EQ(bfp.num_pages(), 18u);
    EXPECT_EQ(bfp.to_string(), "[3, 50, 70] BFLOAT8_B TILE");
    const TensorSpec rm{Shape{3, 50, 70}, DataType::FLOAT32, Layout::ROW_MAJOR, dram_memory_config()};
    EXPECT_EQ(rm.storage_bytes(), 3u * 50 * 70 * 4);
    EXPECT_EQ(rm.page_size(), 280u);
    EXPECT_EQ(rm.num_pages(), 150u);
    EXPECT_EQ((TensorSpec{Shape{45}, DataType::BFLOAT16, Layout::TILE, {}}.storage_bytes()), 2u * 2048);
    EXPECT_EQ((TensorSpec{Shape{}, DataType::BFLOAT4_B, Layout::TILE, {}}.storage_bytes()), 576u);
    EXPECT_EQ((TensorSpec{Shape{0, 7}, DataType::UINT16, Layout::TILE, {}}.storage_bytes()), 0u);
}

TEST(Tensor, BlockFloatInRowMajorAndRank9AreRejected) {
    try {
        validate_spec(TensorSpec{Shape{32, 32}, DataType::BFLOAT8_B, Layout::ROW_MAJOR, {}}, "ttnn.from_torch");
        FAIL() << "BFLOAT8_B ROW_MAJOR accepted";
    } catch (const InvalidArgument& e) {
        EXPECT_TRUE(contains(e.what(), "BFLOAT8_B")) << e.what();
        EXPECT_TRUE(contains(e.what(), "TILE")) << e.what();
    }
    EXPECT_NO_THROW(validate_spec(TensorSpec{Shape{32, 32}, DataType::BFLOAT8_B, Layout::TILE, {}}, "op"));
    std::vector<float> data(64, 1.0f);
    EXPECT_THROW(host_f32(data, Shape{64}, DataType::BFLOAT4_B, Layout::ROW_MAJOR), InvalidArgument);
    std::vector<float> tiled_data(64, 1.0f);
    Tensor t = host_f32(tiled_data, Shape{64}, DataType::BFLOAT4_B, Layout::TILE);
    EXPECT_THROW(to_layout(t, Layout::ROW_MAJOR), InvalidArgument);  // would need a ROW_MAJOR block float
    const std::vector<std::int64_t> nine(9, 1);
    EXPECT_THROW(Shape(nine, "ttnn.from_torch"), InvalidArgument);
}

TEST(Tensor, ToLayoutRoundTripAndNoOp) {
    std::vector<float> data = iota_floats(3 * 50 * 70, 0.25f);
    Tensor rm = host_f32(data, Shape{3, 50, 70}, DataType::FLOAT32, Layout::ROW_MAJOR);
    Tensor tiled = to_layout(rm, Layout::TILE);
    EXPECT_EQ(tiled.layout(), Layout::TILE);
    EXPECT_EQ(tiled.padded_shape(), (Shape{3, 64, 96}));
    EXPECT_EQ(tiled.logical_shape(), (Shape{3, 50, 70}));
    EXPECT_EQ(read_back<float>(tiled, HostElement::F32), data);  // copy_to_host_array untilizes
    Tensor back = to_layout(tiled, Layout::ROW_MAJOR);
    EXPECT_EQ(read_back<float>(back, HostElement::F32), data);
    // Asking for what the tensor already is returns it (same storage), as TT-NN does.
    EXPECT_EQ(to_layout(tiled, Layout::TILE).storage_ptr(), tiled.storage_ptr());
    EXPECT_EQ(typecast(tiled, DataType::FLOAT32).storage_ptr(), tiled.storage_ptr());
}

TEST(Tensor, TypecastRoundsLikeBFloat16AndBlockFloat) {
    // 1 + 2^-8 is a bf16 tie (-> 1.0); 1 + 3 * 2^-8 a tie with odd kept part (-> 1 + 2^-6).
    std::vector<float> data = {1.0f, 1.00390625f, 1.01171875f, -2.5f, 3.0e38f, 0.0f};  // 3e38 = 0x7F61B1E6
    Tensor f = host_f32(data, Shape{6}, DataType::FLOAT32, Layout::ROW_MAJOR);
    Tensor b = typecast(f, DataType::BFLOAT16);
    EXPECT_EQ(b.dtype(), DataType::BFLOAT16);
    const auto bf = read_back<float>(b, HostElement::F32);
    EXPECT_EQ(bf, (std::vector<float>{1.0f, 1.0f, 1.015625f, -2.5f, std::bit_cast<float>(0x7F62u << 16), 0.0f}));
    EXPECT_THROW(typecast(f, DataType::BFLOAT8_B), InvalidArgument);  // still ROW_MAJOR
    // k/64 for k = 64..127 shares exponent 127 and fits 7 bits exactly: bfloat8_b keeps it.
    std::vector<float> exact(32 * 32);
    for (std::size_t i = 0; i < exact.size(); ++i) exact[i] = static_cast<float>(64 + i % 64) / 64.0f;
    Tensor e = to_layout(host_f32(exact, Shape{32, 32}, DataType::FLOAT32, Layout::ROW_MAJOR), Layout::TILE,
                         DataType::BFLOAT8_B);
    EXPECT_EQ(e.spec().storage_bytes(), 1088u);
    EXPECT_EQ(read_back<float>(typecast(e, DataType::FLOAT32), HostElement::F32), exact);
    // ...while bfloat4_b keeps 3 bits: 1 + 1/64 rounds to 1.
    Tensor q = typecast(e, DataType::BFLOAT4_B);
    EXPECT_EQ(read_back<float>(q, HostElement::F32)[1], 1.0f);
}

TEST(Tensor, DeviceRoundTrip) {
    auto dev = open_small_device(0);
    std::vector<float> data = iota_floats(50 * 70);
    Tensor host = host_f32(data, Shape{50, 70}, DataType::BFLOAT16, Layout::TILE);
    Tensor d = to_device(host, dev, l1_memory_config());
    EXPECT_EQ(d.storage_type(), StorageType::DEVICE);
    EXPECT_TRUE(d.is_on_device());
    EXPECT_EQ(d.device(), dev);
    EXPECT_EQ(d.memory_config(), l1_memory_config());
    EXPECT_EQ(to_device(d, dev, l1_memory_config()).storage_ptr(), d.storage_ptr());  // already there
    EXPECT_THROW(to_device(d, dev, dram_memory_config()), InvalidArgument);
    // Layout/dtype changes stay on the device.
    Tensor d_rm = to_layout(d, Layout::ROW_MAJOR, DataType::FLOAT32);
    EXPECT_TRUE(d_rm.is_on_device());
    EXPECT_EQ(d_rm.shard(0)->device(), dev.get());
    Tensor h = from_device(d);
    EXPECT_EQ(h.storage_type(), StorageType::HOST);
    EXPECT_EQ(h.memory_config(), dram_memory_config());
    const auto want = read_back<float>(host, HostElement::F32);
    EXPECT_EQ(read_back<float>(h, HostElement::F32), want);
    EXPECT_EQ(read_back<float>(from_device(d_rm), HostElement::F32), want);
    // One-pass upload straight from the host array gives the same bytes as convert-then-copy.
    Tensor direct = tensor_from_host_array_on_device(HostArray{data.data(), HostElement::F32, Shape{50, 70}},
                                                     DataType::BFLOAT16, Layout::TILE, dram_memory_config(), 0.0f, dev,
                                                     "test");
    EXPECT_EQ(std::memcmp(direct.shard_data(0, "t"), host.shard_data(0, "t"), host.spec().storage_bytes()), 0);
    Tensor dead = host_f32(data, Shape{50, 70}, DataType::BFLOAT16, Layout::TILE);
    dead.deallocate();
    EXPECT_THROW(to_device(dead, dev, dram_memory_config()), InvalidState);
    dev->close();
    EXPECT_THROW(from_device(d), InvalidState);
    EXPECT_EQ(read_back<float>(h, HostElement::F32), want);  // host copies survive the device
}

TEST(Tensor, CopyToHostArrayChecksShape) {
    std::vector<float> data = iota_floats(12);
    Tensor t = host_f32(data, Shape{3, 4}, DataType::FLOAT32, Layout::TILE);
    std::vector<float> out(12);
    EXPECT_THROW(copy_to_host_array(t, 0, HostArray{out.data(), HostElement::F32, Shape{4, 3}}, "ttnn.to_torch"),
                 InvalidArgument);
    EXPECT_THROW(t.shard_data(1, "op"), InvalidArgument);
}
