// Ops that re-view or re-order a tensor's dims: reshape, squeeze, unsqueeze, permute, transpose,
// expand, flip, repeat, repeat_interleave.
#include <algorithm>

#include "move_kernels.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/common.hpp"
#include "ttnn/ops/movement.hpp"
#include "ttnn/ops/op_table.hpp"

namespace ttnn::ops {

using namespace movement;

namespace {

// Runs `fn` per device of a mesh tensor.
template <class Fn>
Tensor per_device(const Tensor& input, std::string_view op, Fn&& fn) {
    const Tensor inputs[] = {input};
    return for_each_device(inputs, [&](std::span<const Tensor> s) { return fn(s[0]); }, op);
}

// A TILE tensor keeps its storage when the tiles do not move: same width, and the same height or
// heights that are whole tiles (tile rows then follow each other the same way).
bool same_storage(const TensorSpec& spec, const Shape& shape) {
    if (spec.layout == Layout::ROW_MAJOR) return true;
    const Matrix3d a = as_matrix3d(spec.logical_shape);
    const Matrix3d b = as_matrix3d(shape);
    return a.width == b.width &&
           (a.height == b.height || (a.height % kTileHeight == 0 && b.height % kTileHeight == 0));
}

Tensor reshape_to(const Tensor& input, const Shape& shape, const MemoryConfigArg& memory_config,
                  std::string_view op) {
    TensorSpec spec = input.spec();
    spec.logical_shape = shape;
    spec.memory_config = output_config(memory_config, input, shape, spec.layout, op);
    if (spec.memory_config == input.memory_config() && !spec.memory_config.is_sharded() &&
        same_storage(input.spec(), shape)) {
        return Tensor(spec, input.storage_ptr());  // a view, as TT-NN's reshape when nothing moves
    }
    if (spec.layout == Layout::ROW_MAJOR) {
        Sink sink(spec, input, Model::VALUES, op);
        return sink.finish_from(input.shard_data(0, op));
    }
    const Source src(input, Model::VALUES, op);
    Sink sink(spec, input, Model::VALUES, op, src.format());
    return sink.finish_from(src.data());
}

Shape infer_shape(std::span<const std::int64_t> shape, std::size_t volume, std::string_view op) {
    Dims dims(shape.begin(), shape.end());
    std::int64_t known = 1;
    int inferred = -1;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] == -1 && inferred < 0) {
            inferred = static_cast<int>(i);
        } else if (dims[i] < 0) {
            throw InvalidArgument(op, "shape " + to_string(dims) + " has a bad dim " + std::to_string(dims[i]) +
                                          " (only one -1 may be inferred)");
        } else {
            known *= dims[i];
        }
    }
    const auto v = static_cast<std::int64_t>(volume);
    if (inferred >= 0) {
        if (known == 0 || v % known != 0) {
            throw InvalidArgument(op, "shape " + to_string(dims) + " cannot hold the " + std::to_string(volume) +
                                          " values of the input");
        }
        dims[static_cast<std::size_t>(inferred)] = v / known;
    } else if (known != v) {
        throw InvalidArgument(op, "shape " + to_string(dims) + " has volume " + std::to_string(known) +
                                      " but the input has " + std::to_string(volume) + " values");
    }
    return to_shape(dims, op);
}

Tensor permute_impl(const Tensor& input, const Dims& perm, const MemoryConfigArg& memory_config, std::string_view op) {
    const Dims in = dims_of(input.logical_shape());
    const std::size_t r = in.size();
    bool identity = true;
    Dims out(r);
    for (std::size_t i = 0; i < r; ++i) {
        out[i] = in[static_cast<std::size_t>(perm[i])];
        identity = identity && perm[i] == static_cast<std::int64_t>(i);
    }
    if (identity && (!memory_config || *memory_config == input.memory_config())) return input;
    const bool batch_only = r >= 2 && perm[r - 1] == static_cast<std::int64_t>(r - 1) &&
                            perm[r - 2] == static_cast<std::int64_t>(r - 2);
    const Planner plan = [&](const Dims& s) {
        const Dims st = contiguous_strides(s);
        View v;
        for (std::size_t i = 0; i < r; ++i) {
            v.shape.push_back(s[static_cast<std::size_t>(perm[i])]);
            v.strides.push_back(st[static_cast<std::size_t>(perm[i])]);
        }
        return v;
    };
    return move_view(input, to_shape(out, op), plan, batch_only, memory_config, op);
}

}  // namespace

Tensor reshape(const Tensor& input, std::span<const std::int64_t> shape, const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.reshape";
    if (is_mesh_tensor(input)) {
        return per_device(input, op, [&](const Tensor& t) { return reshape(t, shape, memory_config); });
    }
    check_input(OpId::reshape, input, "input_tensor");
    return reshape_to(input, infer_shape(shape, input.logical_shape().volume(), op), memory_config, op);
}

Tensor squeeze(const Tensor& input, const std::optional<std::vector<std::int64_t>>& dims) {
    constexpr std::string_view op = "ttnn.squeeze";
    if (is_mesh_tensor(input)) return per_device(input, op, [&](const Tensor& t) { return squeeze(t, dims); });
    check_input(OpId::squeeze, input, "input_tensor");
    const Dims in = dims_of(input.logical_shape());
    std::vector<bool> drop(in.size(), false);
    if (dims) {
        for (auto d : *dims) {
            const std::size_t i = normalize_dim(d, in.size(), op);
            if (i < in.size()) drop[i] = in[i] == 1;
        }
    } else {
        for (std::size_t i = 0; i < in.size(); ++i) drop[i] = in[i] == 1;
    }
    Dims out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (!drop[i]) out.push_back(in[i]);
    }
    return reshape_to(input, to_shape(out, op), std::nullopt, op);
}

Tensor unsqueeze(const Tensor& input, std::int64_t dim) {
    constexpr std::string_view op = "ttnn.unsqueeze";
    if (is_mesh_tensor(input)) return per_device(input, op, [&](const Tensor& t) { return unsqueeze(t, dim); });
    check_input(OpId::unsqueeze, input, "input_tensor");
    Dims out = dims_of(input.logical_shape());
    const std::size_t at = normalize_dim(dim, out.size() + 1, op);
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), 1);
    return reshape_to(input, to_shape(out, op), std::nullopt, op);
}

Tensor permute(const Tensor& input, std::span<const std::int64_t> dims, const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.permute";
    if (is_mesh_tensor(input)) {
        return per_device(input, op, [&](const Tensor& t) { return permute(t, dims, memory_config); });
    }
    check_input(OpId::permute, input, "input_tensor");
    const std::size_t r = input.logical_shape().rank();
    const Dims given(dims.begin(), dims.end());
    if (given.size() != r) {
        throw InvalidArgument(op, "dims " + to_string(given) + " has " + std::to_string(given.size()) +
                                      " entries for a tensor of rank " + std::to_string(r));
    }
    Dims perm(r);
    std::vector<bool> seen(r, false);
    for (std::size_t i = 0; i < r; ++i) {
        const std::size_t d = normalize_dim(given[i], r, op);
        if (seen[d]) {
            throw InvalidArgument(op, "dims " + to_string(given) + " is not a permutation of the " +
                                          std::to_string(r) + " dims (dim " + std::to_string(d) + " repeats)");
        }
        seen[d] = true;
        perm[i] = static_cast<std::int64_t>(d);
    }
    return permute_impl(input, perm, memory_config, op);
}

Tensor transpose(const Tensor& input, std::int64_t dim1, std::int64_t dim2, const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.transpose";
    if (is_mesh_tensor(input)) {
        return per_device(input, op, [&](const Tensor& t) { return transpose(t, dim1, dim2, memory_config); });
    }
    check_input(OpId::transpose, input, "input_tensor");
    const std::size_t r = input.logical_shape().rank();
    const std::size_t a = normalize_dim(dim1, r, op);
    const std::size_t b = normalize_dim(dim2, r, op);
    if (r == 0) return input;
    Dims perm(r);
    for (std::size_t i = 0; i < r; ++i) perm[i] = static_cast<std::int64_t>(i);
    std::swap(perm[a], perm[b]);
    return permute_impl(input, perm, memory_config, op);
}

Tensor expand(const Tensor& input, std::span<const std::int64_t> shape, const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.expand";
    if (is_mesh_tensor(input)) {
        return per_device(input, op, [&](const Tensor& t) { return expand(t, shape, memory_config); });
    }
    check_input(OpId::expand, input, "input_tensor");
    const Dims in = dims_of(input.logical_shape());
    const Dims target(shape.begin(), shape.end());
    if (target.size() < in.size()) {
        throw InvalidArgument(op, "shape " + to_string(target) + " has fewer dims than the input " + to_string(in));
    }
    const std::size_t lead = target.size() - in.size();
    Dims out(target.size());
    for (std::size_t i = 0; i < target.size(); ++i) {
        if (i < lead) {
            if (target[i] < 0) {
                throw InvalidArgument(op, "shape " + to_string(target) + ": a new leading dim cannot be " +
                                              std::to_string(target[i]));
            }
            out[i] = target[i];
            continue;
        }
        const std::int64_t have = in[i - lead];
        if (target[i] == -1 || target[i] == have) {
            out[i] = have;
        } else if (have == 1 && target[i] >= 0) {
            out[i] = target[i];
        } else {
            throw InvalidArgument(op, "size " + std::to_string(target[i]) + " of dim " + std::to_string(i) +
                                          " cannot expand a dim of size " + std::to_string(have) +
                                          " (only size-1 dims expand); input " + to_string(in) + ", shape " +
                                          to_string(target));
        }
    }
    const std::size_t r = out.size();
    const bool batch_only = in.size() >= 2 && out[r - 1] == in[in.size() - 1] && out[r - 2] == in[in.size() - 2];
    const Planner plan = [&](const Dims& s) {
        const Dims st = contiguous_strides(s);
        View v;
        for (std::size_t i = 0; i < r; ++i) {
            if (i < lead) {
                v.shape.push_back(out[i]);
                v.strides.push_back(0);
            } else if (in[i - lead] == 1 && out[i] != 1) {
                v.shape.push_back(out[i]);
                v.strides.push_back(0);
            } else {
                v.shape.push_back(s[i - lead]);
                v.strides.push_back(st[i - lead]);
            }
        }
        return v;
    };
    return move_view(input, to_shape(out, op), plan, batch_only, memory_config, op);
}

Tensor flip(const Tensor& input, std::span<const std::int64_t> dims, const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.flip";
    if (is_mesh_tensor(input)) {
        return per_device(input, op, [&](const Tensor& t) { return flip(t, dims, memory_config); });
    }
    check_input(OpId::flip, input, "input_tensor");
    const std::size_t r = input.logical_shape().rank();
    std::vector<bool> flipped(r, false);
    for (auto d : dims) {
        const std::size_t i = normalize_dim(d, r, op);
        if (i < r && flipped[i]) throw InvalidArgument(op, "dim " + std::to_string(d) + " appears twice in dims");
        if (i < r) flipped[i] = true;
    }
    const bool batch_only = r >= 2 && !flipped[r - 1] && !flipped[r - 2];
    const Planner plan = [&](const Dims& s) {
        View v{s, contiguous_strides(s), 0};
        for (std::size_t i = 0; i < r; ++i) {
            if (!flipped[i] || s[i] == 0) continue;
            v.offset += (s[i] - 1) * v.strides[i];
            v.strides[i] = -v.strides[i];
        }
        return v;
    };
    return move_view(input, input.logical_shape(), plan, batch_only, memory_config, op);
}

Tensor repeat(const Tensor& input, std::span<const std::int64_t> repetitions, const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.repeat";
    if (is_mesh_tensor(input)) {
        return per_device(input, op, [&](const Tensor& t) { return repeat(t, repetitions, memory_config); });
    }
    check_input(OpId::repeat, input, "input_tensor");
    const Dims in = dims_of(input.logical_shape());
    const Dims reps(repetitions.begin(), repetitions.end());
    if (reps.size() < in.size()) {
        throw InvalidArgument(op, "repetitions " + to_string(reps) + " has fewer entries than the input's rank " +
                                      std::to_string(in.size()));
    }
    for (auto n : reps) {
        if (n < 0) {
            throw InvalidArgument(op, "repetitions " + to_string(reps) + " has a negative count " + std::to_string(n));
        }
    }
    const std::size_t r = reps.size();
    const std::size_t lead = r - in.size();
    Dims out(r);
    for (std::size_t i = 0; i < r; ++i) out[i] = reps[i] * (i < lead ? 1 : in[i - lead]);
    const bool batch_only = in.size() >= 2 && reps[r - 1] == 1 && reps[r - 2] == 1;
    const Planner plan = [&](const Dims& s) {
        const Dims st = contiguous_strides(s);
        View v;
        for (std::size_t i = 0; i < r; ++i) {
            v.shape.push_back(reps[i]);
            v.strides.push_back(0);
            v.shape.push_back(i < lead ? 1 : s[i - lead]);
            v.strides.push_back(i < lead ? 0 : st[i - lead]);
        }
        return v;
    };
    return move_view(input, to_shape(out, op), plan, batch_only, memory_config, op);
}

Tensor repeat_interleave(const Tensor& input, std::int64_t repeats, std::int64_t dim,
                         const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.repeat_interleave";
    if (is_mesh_tensor(input)) {
        return per_device(input, op,
                          [&](const Tensor& t) { return repeat_interleave(t, repeats, dim, memory_config); });
    }
    check_input(OpId::repeat_interleave, input, "input_tensor");
    if (repeats < 0) throw InvalidArgument(op, "repeats=" + std::to_string(repeats) + " must be >= 0");
    const Dims in = dims_of(input.logical_shape());
    const std::size_t r = in.size();
    const std::size_t d = normalize_dim(dim, r, op);
    if (r == 0) return repeat(input, std::vector<std::int64_t>{repeats}, memory_config);
    Dims out = in;
    out[d] *= repeats;
    const bool batch_only = r >= 2 && d + 2 < r;
    const Planner plan = [&](const Dims& s) {
        const Dims st = contiguous_strides(s);
        View v{s, st, 0};
        v.shape.insert(v.shape.begin() + static_cast<std::ptrdiff_t>(d) + 1, repeats);
        v.strides.insert(v.strides.begin() + static_cast<std::ptrdiff_t>(d) + 1, 0);
        return v;
    };
    return move_view(input, to_shape(out, op), plan, batch_only, memory_config, op);
}

}  // namespace ttnn::ops
