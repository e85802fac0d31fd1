// Ops that pick entries by an index tensor: gather, index_select, embedding, and
// repeat_interleave with per-entry counts.
#include <algorithm>
#include <cstring>

#include "move_kernels.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/common.hpp"
#include "ttnn/ops/movement.hpp"
#include "ttnn/ops/op_table.hpp"

namespace ttnn::ops {

using namespace movement;

namespace {

// Index values as int64; raises naming the first one outside [0, bound) (skipping `allowed`).
std::vector<std::int64_t> read_indices(const Tensor& index, std::int64_t bound, std::string_view what,
                                       std::string_view op, std::optional<std::int64_t> allowed = std::nullopt) {
    const I64Array values = read_i64(index, op);
    std::vector<std::int64_t> out(values.data(), values.data() + values.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::int64_t v = out[i];
        if ((v < 0 || v >= bound) && v != allowed) {
            throw InvalidArgument(op, "index " + std::to_string(v) + " at flat position " + std::to_string(i) +
                                          " is out of range [0, " + std::to_string(bound) + ") for " +
                                          std::string(what));
        }
    }
    return out;
}

template <class Fn>
Tensor per_device2(const Tensor& a, const Tensor& b, std::string_view op, Fn&& fn) {
    const Tensor inputs[] = {a, b};
    return for_each_device(inputs, [&](std::span<const Tensor> s) { return fn(s[0], s[1]); }, op);
}

// The entries `rows` of dim d (in order, repeats allowed) of a single-device input.
Tensor select_along(const Tensor& input, std::size_t d, const std::vector<std::int64_t>& rows,
                    const MemoryConfigArg& memory_config, std::string_view op) {
    const std::size_t r = input.logical_shape().rank();
    Dims out = dims_of(input.logical_shape());
    out[d] = static_cast<std::int64_t>(rows.size());
    const Shape shape = to_shape(out, op);
    const TensorSpec spec{shape, input.dtype(), input.layout(),
                          output_config(memory_config, input, shape, input.layout(), op)};
    const bool tiles = input.layout() == Layout::TILE && r >= 2 && d + 2 < r;
    const Model model = tiles ? Model::TILES : Model::VALUES;
    const Source src(input, model, op);
    Sink sink(spec, input, model, op, tiles ? std::nullopt : std::optional(src.format()));
    const Dims& s = src.shape();
    std::size_t outer = 1, inner = src.elem();
    for (std::size_t k = 0; k < d; ++k) outer *= static_cast<std::size_t>(s[k]);
    for (std::size_t k = d + 1; k < s.size(); ++k) inner *= static_cast<std::size_t>(s[k]);
    select_rows(sink.data(), src.data(), outer, static_cast<std::size_t>(s[d]), rows, inner, sink.pool());
    return sink.finish();
}

}  // namespace

Tensor gather(const Tensor& input, std::int64_t dim, const Tensor& index, const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.gather";
    if (is_mesh_tensor(input) || is_mesh_tensor(index)) {
        return per_device2(input, index, op,
                           [&](const Tensor& a, const Tensor& b) { return gather(a, dim, b, memory_config); });
    }
    check_input(OpId::gather, input, "input_tensor");
    check_index_tensor(index, "index", op);
    const Dims in = dims_of(input.logical_shape());
    const Dims ix = dims_of(index.logical_shape());
    const std::size_t r = in.size();
    const std::size_t d = normalize_dim(dim, r, op);
    if (ix.size() != r) {
        throw InvalidArgument(op, "index has rank " + std::to_string(ix.size()) + " but input_tensor has rank " +
                                      std::to_string(r));
    }
    for (std::size_t k = 0; k < r; ++k) {
        if (k != d && ix[k] > in[k]) {
            throw InvalidArgument(op, "index shape " + to_string(ix) + " exceeds the input shape " + to_string(in) +
                                          " in dim " + std::to_string(k));
        }
    }
    const std::int64_t bound = r == 0 ? 1 : in[d];
    const std::vector<std::int64_t> idx = read_indices(index, bound, "dim " + std::to_string(d) + " of the input", op);
    const Shape shape = to_shape(ix, op);
    const TensorSpec spec{shape, input.dtype(), input.layout(),
                          output_config(memory_config, input, shape, input.layout(), op)};
    const Source src(input, Model::VALUES, op);
    Sink sink(spec, input, Model::VALUES, op, src.format());
    if (shape.volume() == 0) return sink.finish();
    if (r == 0) {
        std::memcpy(sink.data(), src.data(), src.elem());
        return sink.finish();
    }
    const Dims st = src.strides();
    const std::size_t width = static_cast<std::size_t>(ix[r - 1]);
    const std::size_t rows = shape.volume() / width;
    const std::size_t elem = src.elem();
    const std::byte* from = src.data();
    std::byte* to = sink.data();
    dispatch_elem(elem, [&](auto mover) {
        using Mover = decltype(mover);
        sink.pool().parallel_for(rows, std::max<std::size_t>(1, 8192 / width), [&](std::size_t begin, std::size_t end) {
            for (std::size_t row = begin; row < end; ++row) {
                // The row's input offset over dims other than d and the last.
                std::int64_t base = 0;
                std::size_t rest = row;
                for (std::size_t k = r - 1; k-- > 0;) {
                    const auto c = static_cast<std::int64_t>(rest % static_cast<std::size_t>(ix[k]));
                    rest /= static_cast<std::size_t>(ix[k]);
                    if (k != d) base += c * st[k];
                }
                const std::int64_t* ids = idx.data() + row * width;
                std::byte* out = to + row * width * elem;
                for (std::size_t j = 0; j < width; ++j) {
                    const std::int64_t at = d == r - 1 ? base + ids[j]
                                                       : base + static_cast<std::int64_t>(j) + ids[j] * st[d];
                    Mover::move(out + j * elem, from + at * static_cast<std::int64_t>(elem), elem);
                }
            }
        });
    });
    return sink.finish();
}

Tensor index_select(const Tensor& input, std::int64_t dim, const Tensor& index, const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.index_select";
    if (is_mesh_tensor(input) || is_mesh_tensor(index)) {
        return per_device2(input, index, op,
                           [&](const Tensor& a, const Tensor& b) { return index_select(a, dim, b, memory_config); });
    }
    check_input(OpId::index_select, input, "input_tensor");
    check_index_tensor(index, "index", op);
    const std::size_t r = input.logical_shape().rank();
    if (r == 0) throw InvalidArgument(op, "input_tensor has rank 0; it has no dim to select from");
    const std::size_t d = normalize_dim(dim, r, op);
    if (index.logical_shape().rank() > 1) {
        throw InvalidArgument(op, "index must be 1-D, got shape " + index.logical_shape().to_string());
    }
    const std::vector<std::int64_t> rows =
        read_indices(index, input.logical_shape()[d], "dim " + std::to_string(d) + " of the input", op);
    return select_along(input, d, rows, memory_config, op);
}

Tensor repeat_interleave(const Tensor& input, std::span<const std::int64_t> repeats, std::int64_t dim,
                         const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.repeat_interleave";
    if (is_mesh_tensor(input)) {
        const Tensor inputs[] = {input};
        return for_each_device(
            inputs, [&](std::span<const Tensor> s) { return repeat_interleave(s[0], repeats, dim, memory_config); },
            op);
    }
    check_input(OpId::repeat_interleave, input, "input_tensor");
    const std::size_t r = input.logical_shape().rank();
    if (r == 0) throw InvalidArgument(op, "per-entry repeats need a tensor of rank >= 1");
    const std::size_t d = normalize_dim(dim, r, op);
    const std::int64_t n = input.logical_shape()[d];
    if (static_cast<std::int64_t>(repeats.size()) != n) {
        throw InvalidArgument(op, "repeats has " + std::to_string(repeats.size()) + " entries but dim " +
                                      std::to_string(d) + " has size " + std::to_string(n));
    }
    std::vector<std::int64_t> rows;
    for (std::int64_t i = 0; i < n; ++i) {
        if (repeats[static_cast<std::size_t>(i)] < 0) {
            throw InvalidArgument(op, "repeats[" + std::to_string(i) + "]=" +
                                          std::to_string(repeats[static_cast<std::size_t>(i)]) + " must be >= 0");
        }
        rows.insert(rows.end(), static_cast<std::size_t>(repeats[static_cast<std::size_t>(i)]), i);
    }
    return select_along(input, d, rows, memory_config, op);
}

Tensor embedding(const Tensor& input, const Tensor& weight, std::optional<std::int64_t> pad_token, Layout layout,
                 std::optional<DataType> dtype, const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.embedding";
    if (is_mesh_tensor(input) || is_mesh_tensor(weight)) {
        return per_device2(input, weight, op, [&](const Tensor& a, const Tensor& b) {
            return embedding(a, b, pad_token, layout, dtype, memory_config);
        });
    }
    check_index_tensor(input, "input_tensor", op, /*allow_float=*/true);
    check_input(OpId::embedding, weight, "weight");
    const Dims w = dims_of(weight.logical_shape());
    bool table = w.size() >= 2;
    for (std::size_t k = 0; table && k + 2 < w.size(); ++k) table = w[k] == 1;
    if (!table) {
        throw InvalidArgument(op, "weight must be [vocab, hidden] (leading dims of size 1 allowed), got " +
                                      to_string(w));
    }
    const std::int64_t vocab = w[w.size() - 2];
    const std::int64_t hidden = w[w.size() - 1];
    const std::vector<std::int64_t> ids =
        read_indices(input, vocab, "the weight's vocab of " + std::to_string(vocab), op, pad_token);
    DataType out_dtype = dtype.value_or(weight.dtype());
    if (!dtype && is_block_float(out_dtype) && layout == Layout::ROW_MAJOR) out_dtype = DataType::BFLOAT16;
    Dims out = dims_of(input.logical_shape());
    out.push_back(hidden);
    const Shape shape = to_shape(out, op);
    const TensorSpec spec{shape, out_dtype, layout, output_config(memory_config, input, shape, layout, op)};
    const Source src(weight, Model::VALUES, op);
    Sink sink(spec, weight, Model::VALUES, op, src.format());
    const std::size_t row_bytes = static_cast<std::size_t>(hidden) * src.elem();
    const std::byte* from = src.data();
    std::byte* to = sink.data();
    if (row_bytes > 0) {
        const std::size_t grain = std::max<std::size_t>(1, 65536 / row_bytes);
        sink.pool().parallel_for(ids.size(), grain, [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i) {
                if (pad_token && ids[i] == *pad_token) {
                    std::memset(to + i * row_bytes, 0, row_bytes);  // zero in every working format
                } else {
                    std::memcpy(to + i * row_bytes, from + static_cast<std::size_t>(ids[i]) * row_bytes, row_bytes);
                }
            }
        });
    }
    return sink.finish();
}

}  // namespace ttnn::ops
