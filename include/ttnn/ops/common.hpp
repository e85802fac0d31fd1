// What every op shares: the numerics mode, the compute kernel config, float32/int64 working copies
// of tensors, making an op's output (rounded to its TT-NN dtype), and running an op per device of a
// mesh. Op kernels compute on logical row-major working copies; inputs are decoded from, and
// outputs encoded into, TT-NN's storage formats at the op's borders.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "ttnn/core/math_fidelity.hpp"
#include "ttnn/core/tensor.hpp"
#include "ttnn/core/thread_pool.hpp"

namespace ttnn::ops {

// FAITHFUL (default): matmul/conv follow the math fidelity and the engine's input precision.
// FAST: plain float32 arithmetic. Outputs are rounded to their dtype in both modes.
enum class NumericsMode { FAITHFUL, FAST };
NumericsMode numerics_mode();  // the calling thread's override if any, else the process-wide mode
void set_numerics_mode(NumericsMode mode);

// Sets the mode for the calling thread while alive, leaving the process-wide setting (what other
// callers see) alone: a compiled program runs in the mode it was compiled for. Ops that fan out
// over a mesh carry the mode into the threads that drive each device.
class ScopedNumericsMode {
public:
    explicit ScopedNumericsMode(NumericsMode mode);
    ~ScopedNumericsMode();
    ScopedNumericsMode(const ScopedNumericsMode&) = delete;
    ScopedNumericsMode& operator=(const ScopedNumericsMode&) = delete;

private:
    int previous_;
};

// TT-NN's WormholeComputeKernelConfig.
struct ComputeKernelConfig {
    MathFidelity math_fidelity = MathFidelity::HiFi4;
    bool math_approx_mode = false;
    bool fp32_dest_acc_en = true;
    bool packer_l1_acc = false;
};

// A logical, row-major working copy of a tensor's values, in host memory from the warm cache.
template <class T>
class WorkArray {
public:
    WorkArray() = default;
    explicit WorkArray(const Shape& shape);
    // A read-only alias of memory kept alive by `owner` (see read_f32_shared): never write through
    // it; make_private() first.
    static WorkArray alias(T* data, const Shape& shape, std::shared_ptr<const void> owner) {
        WorkArray a;
        a.memory_ = std::shared_ptr<T>(std::move(owner), data);
        a.shape_ = shape;
        a.alias_ = true;
        return a;
    }
    bool is_alias() const { return alias_; }
    // Turns an alias into a private copy, so the caller may write into it.
    void make_private();
    T* data() { return memory_.get(); }
    const T* data() const { return memory_.get(); }
    const Shape& shape() const { return shape_; }
    std::size_t size() const { return shape_.volume(); }
    T& operator[](std::size_t i) { return memory_.get()[i]; }
    const T& operator[](std::size_t i) const { return memory_.get()[i]; }

private:
    std::shared_ptr<T> memory_;
    Shape shape_;
    bool alias_ = false;
};
using F32Array = WorkArray<float>;
using I64Array = WorkArray<std::int64_t>;

// Decodes a single-device (or host) tensor. Integer dtypes read into F32 exactly up to 2^24.
F32Array read_f32(const Tensor& tensor, std::string_view op);
// The same values without a copy when the tensor already holds them as row-major float32 (a weight
// of a compiled program, an activation between ops): an alias of its storage. Read-only.
F32Array read_f32_shared(const Tensor& tensor, std::string_view op);
I64Array read_i64(const Tensor& tensor, std::string_view op);

// A device tensor of `values`, rounded into dtype and layout (bf16 round-to-nearest-even,
// block floats packed per face row), charged to `device`.
Tensor make_output(const F32Array& values, DataType dtype, Layout layout, const MemoryConfig& memory_config,
                   const std::shared_ptr<Device>& device, std::string_view op);
Tensor make_output(const I64Array& values, DataType dtype, Layout layout, const MemoryConfig& memory_config,
                   const std::shared_ptr<Device>& device, std::string_view op);

// The device whose threads run an op on `tensor` (its own device; host pool for host tensors).
ThreadPool& pool_of(const Tensor& tensor);

// True for a tensor spread over the devices of a mesh.
bool is_mesh_tensor(const Tensor& tensor);
// Runs per_device on each device's shards of `inputs` (all on the same mesh; single-device inputs
// are used as they are), the devices concurrently, and joins the results as a mesh tensor.
Tensor for_each_device(std::span<const Tensor> inputs,
                       const std::function<Tensor(std::span<const Tensor>)>& per_device, std::string_view op);
inline Tensor for_each_device(std::initializer_list<Tensor> inputs,
                              const std::function<Tensor(std::span<const Tensor>)>& per_device, std::string_view op) {
    return for_each_device(std::span<const Tensor>(inputs.begin(), inputs.size()), per_device, op);
}
// The same for ops with several outputs (split, topk, ...).
std::vector<Tensor> for_each_device_multi(
    std::span<const Tensor> inputs, const std::function<std::vector<Tensor>(std::span<const Tensor>)>& per_device,
    std::string_view op);

// Output defaults: the requested value, else the input's.
MemoryConfig output_memory_config(const std::optional<MemoryConfig>& requested, const Tensor& input);

// Python-style dim (negative from the end) -> index; InvalidArgument naming op and value if out of range.
std::size_t normalize_dim(std::int64_t dim, std::size_t rank, std::string_view op);

}  // namespace ttnn::ops
