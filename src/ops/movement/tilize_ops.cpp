// Layout changes as ops: tilize, tilize_with_val_padding, untilize, untilize_with_unpadding.
#include "move_kernels.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/ops/common.hpp"
#include "ttnn/ops/movement.hpp"
#include "ttnn/ops/op_table.hpp"

namespace ttnn::ops {

using namespace movement;

namespace {

template <class Fn>
Tensor per_device(const Tensor& input, std::string_view op, Fn&& fn) {
    const Tensor inputs[] = {input};
    return for_each_device(inputs, [&](std::span<const Tensor> s) { return fn(s[0]); }, op);
}

// Block floats have no ROW_MAJOR form; TT-NN untilizes them to BFLOAT16 (which holds them exactly).
DataType untilized_dtype(DataType dtype) { return is_block_float(dtype) ? DataType::BFLOAT16 : dtype; }

}  // namespace

Tensor tilize(const Tensor& input, const MemoryConfigArg& memory_config, std::optional<DataType> dtype) {
    constexpr std::string_view op = "ttnn.tilize";
    if (is_mesh_tensor(input)) {
        return per_device(input, op, [&](const Tensor& t) { return tilize(t, memory_config, dtype); });
    }
    check_input(OpId::tilize, input, "input_tensor");
    const Shape& shape = input.logical_shape();
    const Matrix3d m = as_matrix3d(shape);
    if (shape.rank() == 0 || m.width % kTileWidth != 0 || (shape.rank() >= 2 && m.height % kTileHeight != 0)) {
        throw InvalidArgument(op, "shape " + shape.to_string() +
                                      " is not whole tiles (last two dims multiples of 32); use "
                                      "ttnn.tilize_with_val_padding");
    }
    return to_layout(input, Layout::TILE, dtype, output_config(memory_config, input, shape, Layout::TILE, op), 0.0f,
                     op);
}

Tensor tilize_with_val_padding(const Tensor& input, std::span<const std::int64_t> output_tensor_shape,
                               double pad_value, const MemoryConfigArg& memory_config,
                               std::optional<DataType> dtype) {
    constexpr std::string_view op = "ttnn.tilize_with_val_padding";
    if (is_mesh_tensor(input)) {
        return per_device(input, op, [&](const Tensor& t) {
            return tilize_with_val_padding(t, output_tensor_shape, pad_value, memory_config, dtype);
        });
    }
    check_input(OpId::tilize_with_val_padding, input, "input_tensor");
    const Dims in = dims_of(input.logical_shape());
    const Dims out(output_tensor_shape.begin(), output_tensor_shape.end());
    const std::size_t r = in.size();
    // A rank-1 input pads into a [32, W] tile row: its shape is given as 2-D (or as its own dim).
    const bool fits = r == 1 ? (!out.empty() && in[0] <= out.back())
                             : out.size() == r && [&] {
                                   for (std::size_t d = 0; d < r; ++d) {
                                       if (in[d] > out[d]) return false;
                                   }
                                   return true;
                               }();
    if (r == 0 || !fits) {
        throw InvalidArgument(op, "output_tensor_shape " + to_string(out) + " must have the input's rank and be >= " +
                                      "the input shape " + to_string(in) + " in every dim");
    }
    const std::int64_t w = out.back();
    const std::int64_t h = out.size() >= 2 ? out[out.size() - 2] : static_cast<std::int64_t>(kTileHeight);
    if (w % static_cast<std::int64_t>(kTileWidth) != 0 || h % static_cast<std::int64_t>(kTileHeight) != 0) {
        throw InvalidArgument(op, "output_tensor_shape " + to_string(out) +
                                      " must have its last two dims multiples of 32");
    }
    // The storage holds the input's own tile padding; TT-NN's extra padding beyond it is never part of
    // the logical tensor, so the logical shape (and to_torch) match TT-NN.
    const Shape& shape = input.logical_shape();
    return to_layout(input, Layout::TILE, dtype, output_config(memory_config, input, shape, Layout::TILE, op),
                     static_cast<float>(pad_value), op);
}

Tensor untilize(const Tensor& input, const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.untilize";
    if (is_mesh_tensor(input)) {
        return per_device(input, op, [&](const Tensor& t) { return untilize(t, memory_config); });
    }
    check_input(OpId::untilize, input, "input_tensor");
    const Shape& shape = input.logical_shape();
    return to_layout(input, Layout::ROW_MAJOR, untilized_dtype(input.dtype()),
                     output_config(memory_config, input, shape, Layout::ROW_MAJOR, op), 0.0f, op);
}

Tensor untilize_with_unpadding(const Tensor& input, std::span<const std::int64_t> output_tensor_end,
                               const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.untilize_with_unpadding";
    if (is_mesh_tensor(input)) {
        return per_device(input, op, [&](const Tensor& t) {
            return untilize_with_unpadding(t, output_tensor_end, memory_config);
        });
    }
    check_input(OpId::untilize_with_unpadding, input, "input_tensor");
    const Dims padded = dims_of(input.padded_shape());
    const Dims end(output_tensor_end.begin(), output_tensor_end.end());
    const std::size_t r = padded.size();
    if (end.size() != r) {
        throw InvalidArgument(op, "output_tensor_end " + to_string(end) + " needs one entry per dim of the rank-" +
                                      std::to_string(r) + " input");
    }
    Dims out(r);
    for (std::size_t d = 0; d < r; ++d) {
        if (end[d] < 0 || end[d] >= padded[d]) {
            throw InvalidArgument(op, "output_tensor_end " + to_string(end) + " is outside the padded shape " +
                                          to_string(padded) + " in dim " + std::to_string(d) +
                                          " (the end is inclusive)");
        }
        out[d] = end[d] + 1;
    }
    const Shape shape = to_shape(out, op);
    const TensorSpec spec{shape, untilized_dtype(input.dtype()), Layout::ROW_MAJOR,
                          output_config(memory_config, input, shape, Layout::ROW_MAJOR, op)};
    const Source src(input, Model::VALUES, op, /*with_tile_padding=*/true);
    Sink sink(spec, input, Model::VALUES, op, src.format());
    copy_strided(sink.data(), sink.strides(), src.data(), src.strides(), out, src.elem(), sink.pool());
    return sink.finish();
}

}  // namespace ttnn::ops
