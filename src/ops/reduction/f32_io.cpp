// Copy-free float32 input and output for FLOAT32 ROW_MAJOR tensors (see f32_io.hpp).
#include "f32_io.hpp"

#include "ttnn/core/tensor_ops.hpp"

namespace ttnn::ops {

bool stores_f32_rows(DataType dtype, Layout layout) {
    return dtype == DataType::FLOAT32 && layout == Layout::ROW_MAJOR;
}

F32Input::F32Input(const Tensor& tensor, std::string_view op) {
    if (stores_f32_rows(tensor.dtype(), tensor.layout()) && tensor.num_shards() == 1) {
        data_ = reinterpret_cast<const float*>(tensor.shard_data(0, op));
    } else {
        copy_ = read_f32(tensor, op);
        data_ = copy_.data();
    }
}

F32Output::F32Output(const Shape& shape, DataType dtype, Layout layout, const MemoryConfig& memory_config,
                     const Tensor& like, std::string_view op, const F32Input* in_place)
    : dtype_(dtype), layout_(layout), memory_config_(memory_config), device_(like.device()), op_(op) {
    if (stores_f32_rows(dtype, layout) && like.device()) {
        const TensorSpec spec{shape, dtype, layout, memory_config};
        validate_spec(spec, op);
        direct_ = allocate_like_placement(spec, like, op);
        data_ = reinterpret_cast<float*>(direct_->shard_data(0, op));
    } else if (in_place && in_place->copy().data() && in_place->copy().shape() == shape) {
        values_ = in_place->copy();  // shares the memory
        data_ = values_.data();
    } else {
        values_ = F32Array(shape);
        data_ = values_.data();
    }
}

Tensor F32Output::finish() {
    if (direct_) return *direct_;
    return make_output(values_, dtype_, layout_, memory_config_, device_, op_);
}

}  // namespace ttnn::ops
