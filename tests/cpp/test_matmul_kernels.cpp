// The matmul kernels that read tensors' storage directly (batched item by item, the streaming
// few-row kernel for TILE weights, the nn.Linear-layout few-row kernel) against a float64
// reference on the values the tensors hold, in fast mode, over dtypes, layouts and ragged tiles.
// Run under ASan (make asan) they also check that no kernel reads or writes past a buffer.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <vector>

#include "ttnn/core/device.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/ops/common.hpp"
#include "ttnn/ops/matmul.hpp"

using namespace ttnn;

namespace {

std::shared_ptr<Device> two_thread_device() {
    DeviceConfig c;
    c.dram_size = std::size_t{256} << 20;
    c.num_threads = 2;
    return Device::open(0, c);
}

Tensor random_tensor(const std::shared_ptr<Device>& dev, const std::vector<std::int64_t>& shape, DataType dtype,
                     Layout layout, unsigned seed, float pad_value = 0.0f) {
    Shape s(shape);
    std::vector<float> v(s.volume());
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    for (float& x : v) x = normal(rng);
    return tensor_from_host_array_on_device(HostArray{v.data(), HostElement::F32, s}, dtype, layout, MemoryConfig{},
                                            pad_value, dev, "test");
}

std::vector<float> values_of(const Tensor& t) {
    std::vector<float> v(t.logical_shape().volume());
    copy_to_host_array(t, 0, HostArray{v.data(), HostElement::F32, t.logical_shape()}, "test");
    return v;
}

// op(A[i]) @ op(B[i]) for `batch` items (A and B items given by index lists, for broadcasting),
// in float64, with the sum of |products| for the tolerance.
struct Reference {
    std::vector<double> value, bound;
};

Reference reference(const std::vector<float>& a, const std::vector<float>& b, std::size_t batch,
                    const std::vector<std::size_t>& a_item, const std::vector<std::size_t>& b_item, std::size_t m,
                    std::size_t k, std::size_t n, bool ta, bool tb) {
    Reference r{std::vector<double>(batch * m * n), std::vector<double>(batch * m * n)};
    for (std::size_t i = 0; i < batch; ++i) {
        const float* ai = a.data() + a_item[i] * m * k;
        const float* bi = b.data() + b_item[i] * k * n;
        for (std::size_t row = 0; row < m; ++row)
            for (std::size_t col = 0; col < n; ++col) {
                double s = 0, bound = 0;
                for (std::size_t p = 0; p < k; ++p) {
                    const double prod = static_cast<double>(ta ? ai[p * m + row] : ai[row * k + p]) *
                                        static_cast<double>(tb ? bi[col * k + p] : bi[p * n + col]);
                    s += prod;
                    bound += std::abs(prod);
                }
                r.value[(i * m + row) * n + col] = s;
                r.bound[(i * m + row) * n + col] = bound;
            }
    }
    return r;
}

void expect_close(const std::vector<float>& out, const Reference& ref, double relative, const char* what) {
    ASSERT_EQ(out.size(), ref.value.size()) << what;
    for (std::size_t i = 0; i < out.size(); ++i) {
        ASSERT_FALSE(std::isnan(out[i])) << what << " at " << i;
        ASSERT_LE(std::abs(out[i] - ref.value[i]), relative * (ref.bound[i] + std::abs(ref.value[i])) + 1e-30)
            << what << " at " << i << ": " << out[i] << " vs " << ref.value[i];
    }
}

std::vector<std::size_t> iota_items(std::size_t n) {
    std::vector<std::size_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = i;
    return v;
}

struct Format {
    DataType dtype;
    Layout layout;
};

const Format kFormats[] = {{DataType::FLOAT32, Layout::ROW_MAJOR},
                           {DataType::FLOAT32, Layout::TILE},
                           {DataType::BFLOAT16, Layout::ROW_MAJOR},
                           {DataType::BFLOAT16, Layout::TILE}};

}  // namespace

TEST(MatmulKernels, BatchedItemByItemEveryFormatAndOutputDtype) {
    auto dev = two_thread_device();
    ops::ScopedNumericsMode fast(ops::NumericsMode::FAST);
    const std::size_t batch = 6, m = 37, k = 50, n = 29;
    for (const Format& in : kFormats) {
        const Tensor a = random_tensor(dev, {6, 37, 50}, in.dtype, in.layout, 1);
        const Tensor b = random_tensor(dev, {6, 50, 29}, in.dtype, in.layout, 2);
        const Reference ref = reference(values_of(a), values_of(b), batch, iota_items(batch), iota_items(batch), m,
                                        k, n, false, false);
        for (DataType out_dtype : {DataType::FLOAT32, DataType::BFLOAT16, DataType::BFLOAT8_B}) {
            ops::MatmulOptions o;
            o.dtype = out_dtype;
            const Tensor y = ops::matmul(a, b, o);
            EXPECT_EQ(y.dtype(), out_dtype);
            const double rel = out_dtype == DataType::FLOAT32 ? 1e-5 : (out_dtype == DataType::BFLOAT16 ? 1e-2 : 4e-2);
            expect_close(values_of(y), ref, rel, "batched");
        }
    }
}

TEST(MatmulKernels, BatchedBroadcastAndTransposes) {
    auto dev = two_thread_device();
    ops::ScopedNumericsMode fast(ops::NumericsMode::FAST);
    for (const Format& in : kFormats) {
        // [4, 1, 9, 17]^T x [1, 3, 9, 6]: a broadcast over dim 1, b over dim 0, both transposed.
        const Tensor a = random_tensor(dev, {4, 1, 17, 9}, in.dtype, in.layout, 3);
        const Tensor b = random_tensor(dev, {1, 3, 6, 17}, in.dtype, in.layout, 4);
        std::vector<std::size_t> a_item, b_item;
        for (std::size_t i = 0; i < 4; ++i)
            for (std::size_t j = 0; j < 3; ++j) a_item.push_back(i), b_item.push_back(j);
        const Reference ref = reference(values_of(a), values_of(b), 12, a_item, b_item, 9, 17, 6, true, true);
        ops::MatmulOptions o;
        o.transpose_a = o.transpose_b = true;
        const Tensor y = ops::matmul(a, b, o);
        EXPECT_EQ(y.logical_shape(), (Shape{4, 3, 9, 6}));
        expect_close(values_of(y), ref, in.dtype == DataType::FLOAT32 ? 1e-5 : 1e-2, "broadcast");
    }
}

TEST(MatmulKernels, FewRowsTileWeightNeverReadsItsPadding) {
    auto dev = two_thread_device();
    ops::ScopedNumericsMode fast(ops::NumericsMode::FAST);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (DataType w_dtype : {DataType::FLOAT32, DataType::BFLOAT16}) {
        for (std::size_t rows : {1, 2, 3, 4}) {
            const std::size_t k = 70, n = 45;
            const Tensor x = random_tensor(dev, {static_cast<std::int64_t>(rows), 70}, DataType::FLOAT32, Layout::TILE, 5);
            const Tensor w = random_tensor(dev, {70, 45}, w_dtype, Layout::TILE, 6, nan);
            const Reference ref = reference(values_of(x), values_of(w), 1, {0}, {0}, rows, k, n, false, false);
            expect_close(values_of(ops::linear(x, w, std::nullopt, {})), ref, 1e-5, "few rows");
        }
    }
}

TEST(MatmulKernels, FewRowsTorchLayoutWeightWithKTails) {
    auto dev = two_thread_device();
    ops::ScopedNumericsMode fast(ops::NumericsMode::FAST);
    for (DataType w_dtype : {DataType::FLOAT32, DataType::BFLOAT16}) {
        for (std::size_t rows : {1, 2, 5}) {
            for (std::size_t k : {7, 33, 300}) {
                const std::int64_t ki = static_cast<std::int64_t>(k);
                const Tensor x = random_tensor(dev, {static_cast<std::int64_t>(rows), ki}, DataType::FLOAT32,
                                               Layout::ROW_MAJOR, 7);
                const Tensor w = random_tensor(dev, {130, ki}, w_dtype, Layout::ROW_MAJOR, 8);
                const Reference ref = reference(values_of(x), values_of(w), 1, {0}, {0}, rows, k, 130, false, true);
                ops::MatmulOptions o;
                o.transpose_b = true;
                expect_close(values_of(ops::linear(x, w, std::nullopt, o)), ref, 1e-5, "nt");
            }
        }
    }
}
