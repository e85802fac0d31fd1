// Float32 input and output of the reduction and norm kernels without needless copies: a FLOAT32
// ROW_MAJOR tensor already stores its logical values as a row-major float32 array, so kernels read
// its device buffer directly and write results straight into the output's buffer. Other dtypes
// and layouts go through read_f32 / make_output (decoding, and rounding into the dtype).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ttnn/core/tensor.hpp"
#include "ttnn/ops/common.hpp"

namespace ttnn::ops {

// True when the tensor's storage is its logical float32 row-major array.
bool stores_f32_rows(DataType dtype, Layout layout);

// The values of a single-device tensor as float32 row-major, read-only.
class F32Input {
public:
    F32Input(const Tensor& tensor, std::string_view op);
    const float* data() const { return data_; }
    // The decoded working copy (empty when the buffer is read directly).
    const F32Array& copy() const { return copy_; }

private:
    F32Array copy_;
    const float* data_ = nullptr;
};

// Where an op writes its float32 results: the new output tensor's own buffer when it stores float32
// rows, else a working array rounded into the dtype by finish(). With `in_place`, that array is the
// input's working copy when it has one of the output's shape (the kernel then writes over what it
// reads, element by element).
class F32Output {
public:
    F32Output(const Shape& shape, DataType dtype, Layout layout, const MemoryConfig& memory_config, const Tensor& like,
              std::string_view op, const F32Input* in_place = nullptr);
    float* data() { return data_; }
    Tensor finish();

private:
    std::optional<Tensor> direct_;
    F32Array values_;
    float* data_ = nullptr;
    DataType dtype_;
    Layout layout_;
    MemoryConfig memory_config_;
    std::shared_ptr<Device> device_;
    std::string op_;
};

}  // namespace ttnn::ops
