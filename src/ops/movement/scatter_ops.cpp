// torch.scatter / scatter_add as TT-NN names them (ttnn.scatter, ttnn.scatter_add): the input's
// values, with src's entries written to (or summed into) the positions the index names along dim.
// Index positions that differ outside dim never meet in the output, so the work splits over them
// and a sum is always taken in index order: results do not depend on the thread count.
#include <algorithm>

#include "move_kernels.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/common.hpp"
#include "ttnn/ops/movement.hpp"
#include "ttnn/ops/op_table.hpp"

namespace ttnn::ops {

using namespace movement;

namespace {

enum class Reduce { none, sum };

void check_shapes(const Dims& in, const Dims& ix, const Dims& sr, std::size_t d, std::string_view op) {
    if (ix.size() != in.size() || sr.size() != in.size()) {
        throw InvalidArgument(op, "input, index and src must have one rank; got " + to_string(in) + ", " +
                                      to_string(ix) + " and " + to_string(sr));
    }
    for (std::size_t k = 0; k < in.size(); ++k) {
        if (ix[k] > sr[k] || (k != d && ix[k] > in[k])) {
            throw InvalidArgument(op, "index shape " + to_string(ix) + " exceeds src " + to_string(sr) +
                                          " or the input " + to_string(in) + " in dim " + std::to_string(k));
        }
    }
}

// out[..., index[p], ...] (=|+=) src[p] for every position p of the index (dim d replaced).
template <class T>
void scatter_values(T* out, const Dims& in, const T* src, const Dims& sr, const std::int64_t* idx, const Dims& ix,
                    std::size_t d, Reduce reduce, ThreadPool& pool) {
    const std::size_t r = in.size();
    auto strides = [r](const Dims& s) {
        Dims st(r, 1);
        for (std::size_t k = r - 1; k-- > 0;) st[k] = st[k + 1] * s[k + 1];
        return st;
    };
    const Dims out_st = strides(in), src_st = strides(sr), ix_st = strides(ix);
    std::size_t columns = 1;  // index positions with dim d left out
    for (std::size_t k = 0; k < r; ++k)
        if (k != d) columns *= static_cast<std::size_t>(ix[k]);
    const auto along = static_cast<std::size_t>(ix[d]);
    pool.parallel_for(columns, std::max<std::size_t>(1, 4096 / std::max<std::size_t>(along, 1)),
                      [&](std::size_t begin, std::size_t end) {
        for (std::size_t c = begin; c < end; ++c) {
            std::int64_t o = 0, s = 0, i = 0;
            std::size_t rest = c;
            for (std::size_t k = r; k-- > 0;) {
                if (k == d) continue;
                const auto x = static_cast<std::int64_t>(rest % static_cast<std::size_t>(ix[k]));
                rest /= static_cast<std::size_t>(ix[k]);
                o += x * out_st[k];
                s += x * src_st[k];
                i += x * ix_st[k];
            }
            for (std::size_t m = 0; m < along; ++m) {
                const auto mm = static_cast<std::int64_t>(m);
                T& dst = out[o + idx[i + mm * ix_st[d]] * out_st[d]];
                const T v = src[s + mm * src_st[d]];
                dst = reduce == Reduce::sum ? static_cast<T>(dst + v) : v;
            }
        }
    });
}

Tensor scatter_impl(const Tensor& input, std::int64_t dim, const Tensor& index, const Tensor& src, Reduce reduce,
                    const MemoryConfigArg& memory_config, OpId id, std::string_view op) {
    if (is_mesh_tensor(input) || is_mesh_tensor(index) || is_mesh_tensor(src)) {
        const Tensor all[] = {input, index, src};
        return for_each_device(all, [&](std::span<const Tensor> s) {
            return scatter_impl(s[0], dim, s[1], s[2], reduce, memory_config, id, op);
        }, op);
    }
    check_input(id, input, "input");
    check_input(id, src, "src");
    check_index_tensor(index, "index", op);
    if (is_floating_point(input.dtype()) != is_floating_point(src.dtype())) {
        throw InvalidArgument(op, "src is " + std::string(to_string(src.dtype())) + " but the input is " +
                                      std::string(to_string(input.dtype())) + "; give them one kind of dtype");
    }
    const Dims in = dims_of(input.logical_shape()), ix = dims_of(index.logical_shape()),
               sr = dims_of(src.logical_shape());
    if (in.empty()) throw InvalidArgument(op, "the input must have at least one dim");
    const std::size_t d = normalize_dim(dim, in.size(), op);
    check_shapes(in, ix, sr, d, op);
    I64Array idx = read_i64(index, op);
    for (std::size_t k = 0; k < idx.size(); ++k) {
        if (idx[k] < 0 || idx[k] >= in[d]) {
            throw InvalidArgument(op, "index " + std::to_string(idx[k]) + " at flat position " + std::to_string(k) +
                                          " is out of range [0, " + std::to_string(in[d]) + ") for dim " +
                                          std::to_string(d) + " of the input");
        }
    }
    const MemoryConfig config = output_config(memory_config, input, input.logical_shape(), input.layout(), op);
    ThreadPool& pool = pool_of(input);
    if (is_floating_point(input.dtype())) {
        F32Array out = read_f32(input, op);
        const F32Array values = read_f32_shared(src, op);
        scatter_values(out.data(), in, values.data(), sr, idx.data(), ix, d, reduce, pool);
        return make_output(out, input.dtype(), input.layout(), config, input.device(), op);
    }
    I64Array out = read_i64(input, op);
    const I64Array values = read_i64(src, op);
    scatter_values(out.data(), in, values.data(), sr, idx.data(), ix, d, reduce, pool);
    return make_output(out, input.dtype(), input.layout(), config, input.device(), op);
}

}  // namespace

Tensor scatter(const Tensor& input, std::int64_t dim, const Tensor& index, const Tensor& src,
               const std::optional<std::string>& reduce, const MemoryConfigArg& memory_config) {
    constexpr std::string_view op = "ttnn.scatter";
    Reduce r = Reduce::none;
    if (reduce && (*reduce == "sum" || *reduce == "add")) {
        r = Reduce::sum;
    } else if (reduce) {
        throw InvalidArgument(op, "reduce='" + *reduce + "' is not supported (None or 'sum')");
    }
    return scatter_impl(input, dim, index, src, r, memory_config, OpId::scatter, op);
}

Tensor scatter_add(const Tensor& input, std::int64_t dim, const Tensor& index, const Tensor& src,
                   const MemoryConfigArg& memory_config) {
    return scatter_impl(input, dim, index, src, Reduce::sum, memory_config, OpId::scatter_add, "ttnn.scatter_add");
}

}  // namespace ttnn::ops
