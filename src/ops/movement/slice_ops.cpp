// Ops that cut tensors into ranges or join them: slice, pad, concat, split, chunk.
#include <algorithm>

#include "move_kernels.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/common.hpp"
#include "ttnn/ops/movement.hpp"
#include "ttnn/ops/op_table.hpp"

namespace ttnn::ops {

using namespace movement;

namespace {

// Python's slice.indices for a positive step: the first index and the count.
std::pair<std::int64_t, std::int64_t> slice_range(std::int64_t start, std::int64_t end, std::int64_t step,
                                                  std::int64_t n) {
    auto clamp = [n](std::int64_t i) { return std::clamp(i < 0 ? i + n : i, std::int64_t{0}, n); };
    const std::int64_t s = clamp(start);
    const std::int64_t e = clamp(end);
    return {s, e > s ? (e - s + step - 1) / step : 0};
}

// Pieces of `sizes` along `dim` (sizes add up to the dim), from one read of the input.
std::vector<Tensor> split_sizes(const Tensor& input, const Dims& sizes, std::size_t dim,
                                const MemoryConfigArg& memory_config, std::string_view op) {
    const Dims in = dims_of(input.logical_shape());
    const std::size_t r = in.size();
    const bool tiles = input.layout() == Layout::TILE && r >= 2 && dim + 2 < r;
    const Model model = tiles ? Model::TILES : Model::VALUES;
    const Source src(input, model, op);
    const Dims st = src.strides();
    std::vector<Tensor> pieces;
    std::int64_t offset = 0;
    for (const std::int64_t size : sizes) {
        Dims out = in;
        out[dim] = size;
        const Shape shape = to_shape(out, op);
        const TensorSpec spec{shape, input.dtype(), input.layout(),
                              output_config(memory_config, input, shape, input.layout(), op)};
        Sink sink(spec, input, model, op, tiles ? std::nullopt : std::optional(src.format()));
        Dims view = src.shape();
        view[dim] = size;
        copy_strided(sink.data(), sink.strides(), src.data() + offset * st[dim] * static_cast<std::int64_t>(src.elem()),
                     st, view, src.elem(), sink.pool());
        pieces.push_back(sink.finish());
        offset += size;
    }
    return pieces;
}

template <class Fn>
std::vector<Tensor> per_device_multi(const Tensor& input, std::string_view op, Fn&& fn) {
    const Tensor inputs[] = {input};
    return for_each_device_multi(inputs, [&](std::span<const Tensor> s) { return fn(s[0]); }, op);
}

}  // namespace

Tensor slice(const Tensor& input, std::span<const std::int64_t> starts, std::span<const std::int64_t> ends,
             std::span<const std::int64_t> steps, const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.slice";
    if (is_mesh_tensor(input)) {
        const Tensor inputs[] = {input};
        return for_each_device(
            inputs, [&](std::span<const Tensor> s) { return slice(s[0], starts, ends, steps, memory_config); }, op);
    }
    check_input(OpId::slice, input, "input_tensor");
    const Dims in = dims_of(input.logical_shape());
    const std::size_t r = in.size();
    const Dims begin_(starts.begin(), starts.end()), end_(ends.begin(), ends.end());
    Dims step(steps.begin(), steps.end());
    if (step.empty()) step.assign(r, 1);
    if (begin_.size() != r || end_.size() != r || step.size() != r) {
        throw InvalidArgument(op, "slice_start " + to_string(begin_) + ", slice_end " + to_string(end_) +
                                      " and slice_step " + to_string(step) + " need one entry per dim of the rank-" +
                                      std::to_string(r) + " input " + to_string(in));
    }
    Dims first(r), count(r);
    bool batch_only = r >= 2;
    for (std::size_t d = 0; d < r; ++d) {
        if (step[d] <= 0) {
            throw InvalidArgument(op, "slice_step[" + std::to_string(d) + "]=" + std::to_string(step[d]) +
                                          " must be positive");
        }
        std::tie(first[d], count[d]) = slice_range(begin_[d], end_[d], step[d], in[d]);
        if (d + 2 >= r) batch_only = batch_only && first[d] == 0 && step[d] == 1 && count[d] == in[d];
    }
    const Planner plan = [&](const Dims& s) {
        const Dims st = contiguous_strides(s);
        View v;
        for (std::size_t d = 0; d < r; ++d) {
            const bool whole = first[d] == 0 && step[d] == 1 && count[d] == in[d];
            v.shape.push_back(whole ? s[d] : count[d]);
            v.strides.push_back(step[d] * st[d]);
            v.offset += first[d] * st[d];
        }
        return v;
    };
    return move_view(input, to_shape(count, op), plan, batch_only, memory_config, op);
}

Tensor pad(const Tensor& input, std::span<const std::int64_t> output_padded_shape,
           std::span<const std::int64_t> input_tensor_start, double value, const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.pad";
    if (is_mesh_tensor(input)) {
        const Tensor inputs[] = {input};
        return for_each_device(inputs, [&](std::span<const Tensor> s) {
            return pad(s[0], output_padded_shape, input_tensor_start, value, memory_config);
        }, op);
    }
    check_input(OpId::pad, input, "input_tensor");
    const Dims in = dims_of(input.logical_shape());
    const std::size_t r = in.size();
    const Dims out(output_padded_shape.begin(), output_padded_shape.end());
    const Dims at(input_tensor_start.begin(), input_tensor_start.end());
    if (out.size() != r || at.size() != r) {
        throw InvalidArgument(op, "output_padded_shape " + to_string(out) + " and input_tensor_start " +
                                      to_string(at) + " need one entry per dim of the rank-" + std::to_string(r) +
                                      " input " + to_string(in));
    }
    for (std::size_t d = 0; d < r; ++d) {
        if (at[d] < 0 || at[d] + in[d] > out[d]) {
            throw InvalidArgument(op, "the input " + to_string(in) + " placed at " + to_string(at) +
                                          " does not fit the output shape " + to_string(out) + " in dim " +
                                          std::to_string(d));
        }
    }
    const Shape shape = to_shape(out, op);
    const TensorSpec spec{shape, input.dtype(), input.layout(),
                          output_config(memory_config, input, shape, input.layout(), op)};
    const Source src(input, Model::VALUES, op);
    Sink sink(spec, input, Model::VALUES, op, src.format());
    const auto fill_value = encode_scalar(value, src.format());
    fill(sink.data(), shape.volume(), fill_value.data(), sink.elem(), sink.pool());
    const Dims dst_strides = sink.strides();
    std::int64_t offset = 0;
    for (std::size_t d = 0; d < r; ++d) offset += at[d] * dst_strides[d];
    copy_strided(sink.data() + offset * static_cast<std::int64_t>(sink.elem()), dst_strides, src.data(),
                 src.strides(), in, src.elem(), sink.pool());
    return sink.finish(static_cast<float>(value));
}

Tensor pad(const Tensor& input, std::span<const std::pair<std::int64_t, std::int64_t>> padding, double value,
           const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.pad";
    input.check_usable(op);
    const Dims in = dims_of(input.logical_shape());
    const std::size_t r = in.size();
    if (padding.size() > r) {
        throw InvalidArgument(op, "padding has " + std::to_string(padding.size()) + " (front, back) pairs for a rank-" +
                                      std::to_string(r) + " input");
    }
    Dims out = in, at(r, 0);
    const std::size_t lead = r - padding.size();
    for (std::size_t i = 0; i < padding.size(); ++i) {
        const auto [front, back] = padding[i];
        if (front < 0 || back < 0) {
            throw InvalidArgument(op, "padding (" + std::to_string(front) + ", " + std::to_string(back) +
                                          ") of dim " + std::to_string(lead + i) + " is negative");
        }
        at[lead + i] = front;
        out[lead + i] += front + back;
    }
    return pad(input, out, at, value, memory_config);
}

Tensor concat(std::span<const Tensor> tensors, std::int64_t dim, const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.concat";
    if (tensors.empty()) throw InvalidArgument(op, "needs at least one tensor");
    if (any_mesh(tensors)) {
        return for_each_device(tensors, [&](std::span<const Tensor> s) { return concat(s, dim, memory_config); }, op);
    }
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        check_input(OpId::concat, tensors[i], "tensors[" + std::to_string(i) + "]");
    }
    const Tensor& first = tensors[0];
    const Dims in0 = dims_of(first.logical_shape());
    const std::size_t r = in0.size();
    if (r == 0) throw InvalidArgument(op, "cannot concatenate rank-0 tensors");
    const std::size_t d = normalize_dim(dim, r, op);
    Dims out = in0;
    out[d] = 0;
    bool all_tile = true;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const Tensor& t = tensors[i];
        const Dims s = dims_of(t.logical_shape());
        const std::string name = "tensors[" + std::to_string(i) + "]";
        if (t.dtype() != first.dtype()) {
            throw InvalidArgument(op, name + " has dtype " + std::string(to_string(t.dtype())) +
                                          " but tensors[0] has " + std::string(to_string(first.dtype())));
        }
        bool match = s.size() == r;
        for (std::size_t k = 0; match && k < r; ++k) match = k == d || s[k] == in0[k];
        if (!match) {
            throw InvalidArgument(op, name + " has shape " + to_string(s) + ", which differs from tensors[0]'s " +
                                          to_string(in0) + " outside dim " + std::to_string(d));
        }
        out[d] += s[d];
        all_tile = all_tile && t.layout() == Layout::TILE;
    }
    const Shape shape = to_shape(out, op);
    const TensorSpec spec{shape, first.dtype(), first.layout(),
                          output_config(memory_config, first, shape, first.layout(), op)};
    const bool tiles = all_tile && r >= 2 && d + 2 < r;
    const Model model = tiles ? Model::TILES : Model::VALUES;
    Sink sink(spec, first, model, op);
    const Dims dst_strides = sink.strides();
    std::int64_t offset = 0;
    for (const Tensor& t : tensors) {
        if (t.logical_shape().volume() == 0) continue;
        const Source src(t, model, op);
        copy_strided(sink.data() + offset * dst_strides[d] * static_cast<std::int64_t>(sink.elem()), dst_strides,
                     src.data(), src.strides(), src.shape(), src.elem(), sink.pool());
        offset += src.shape()[d];
    }
    return sink.finish();
}

std::vector<Tensor> split(const Tensor& input, std::span<const std::int64_t> sizes, std::int64_t dim,
                          const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.split";
    if (is_mesh_tensor(input)) {
        return per_device_multi(input, op, [&](const Tensor& t) { return split(t, sizes, dim, memory_config); });
    }
    check_input(OpId::split, input, "input_tensor");
    const std::size_t r = input.logical_shape().rank();
    const std::size_t d = normalize_dim(dim, r, op);
    if (r == 0) throw InvalidArgument(op, "cannot split a rank-0 tensor");
    const Dims given(sizes.begin(), sizes.end());
    std::int64_t total = 0;
    for (auto s : given) {
        if (s < 0) throw InvalidArgument(op, "split sizes " + to_string(given) + " has a negative size");
        total += s;
    }
    if (total != input.logical_shape()[d]) {
        throw InvalidArgument(op, "split sizes " + to_string(given) + " add up to " + std::to_string(total) +
                                      " but dim " + std::to_string(d) + " has size " +
                                      std::to_string(input.logical_shape()[d]));
    }
    return split_sizes(input, given, d, memory_config, op);
}

std::vector<Tensor> split(const Tensor& input, std::int64_t split_size, std::int64_t dim,
                          const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.split";
    if (is_mesh_tensor(input)) {
        return per_device_multi(input, op, [&](const Tensor& t) { return split(t, split_size, dim, memory_config); });
    }
    check_input(OpId::split, input, "input_tensor");
    const std::size_t r = input.logical_shape().rank();
    const std::size_t d = normalize_dim(dim, r, op);
    if (r == 0) throw InvalidArgument(op, "cannot split a rank-0 tensor");
    const std::int64_t n = input.logical_shape()[d];
    if (split_size <= 0 && n > 0) {
        throw InvalidArgument(op, "split_size=" + std::to_string(split_size) + " must be positive");
    }
    Dims sizes;
    for (std::int64_t at = 0; at < n; at += split_size) sizes.push_back(std::min(split_size, n - at));
    if (sizes.empty()) sizes.push_back(0);
    return split_sizes(input, sizes, d, memory_config, op);
}

std::vector<Tensor> chunk(const Tensor& input, std::int64_t chunks, std::int64_t dim,
                          const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.chunk";
    if (is_mesh_tensor(input)) {
        return per_device_multi(input, op, [&](const Tensor& t) { return chunk(t, chunks, dim, memory_config); });
    }
    check_input(OpId::chunk, input, "input_tensor");
    if (chunks <= 0) throw InvalidArgument(op, "chunks=" + std::to_string(chunks) + " must be positive");
    const std::size_t r = input.logical_shape().rank();
    const std::size_t d = normalize_dim(dim, r, op);
    if (r == 0) throw InvalidArgument(op, "cannot chunk a rank-0 tensor");
    const std::int64_t n = input.logical_shape()[d];
    const std::int64_t size = (n + chunks - 1) / chunks;
    Dims sizes;
    for (std::int64_t at = 0; at < n; at += size) sizes.push_back(std::min(size, n - at));
    if (sizes.empty()) sizes.assign(static_cast<std::size_t>(chunks), 0);
    return split_sizes(input, sizes, d, memory_config, op);
}

}  // namespace ttnn::ops
