// softmax (any dim) and scale_mask_softmax (last dim, broadcast mask): each row is read from memory
// once and stays in cache for its passes (max, exp, scale). A softmax over an inner dim works on
// column blocks, vectorized across them.
#include <algorithm>
#include <string>

#include "norm_kernels.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/norm.hpp"

namespace ttnn::ops {

using namespace norm;

namespace {

// Softmax over r of x[(o * R + r) * I + i] into y, for I > 1: column blocks of kSoftmaxBlock (narrower
// blocks that would keep a tall block in L2 touch a page per row instead, and measured slower).
void softmax_columns(const float* x, float* y, std::size_t O, std::size_t R, std::size_t I, bool stable,
                     ThreadPool& pool) {
    const RowKernels& k = row_kernels();
    const std::size_t block = kSoftmaxBlock;
    const std::size_t nb = (I + block - 1) / block;
    const std::size_t grain = std::max<std::size_t>(1, 16384 / std::max<std::size_t>(R * std::min(I, block), 1));
    pool.parallel_for(O * nb, grain, [&](std::size_t b, std::size_t e) {
        for (std::size_t item = b; item < e; ++item) {
            const std::size_t o = item / nb, i0 = (item % nb) * block;
            const std::size_t at = o * R * I + i0;
            k.softmax_columns(x + at, y + at, R, I, std::min(block, I - i0), stable);
        }
    });
}

void softmax_rows(const float* x, float* y, std::size_t rows, std::size_t width, bool stable, ThreadPool& pool) {
    const RowKernels& k = row_kernels();
    pool.parallel_for(rows, std::max<std::size_t>(1, 16384 / std::max<std::size_t>(width, 1)),
                      [&](std::size_t b, std::size_t e) {
                          for (std::size_t row = b; row < e; ++row)
                              k.softmax_row(x + row * width, y + row * width, width, stable);
                      });
}

Tensor softmax_device(const Tensor& input, std::int64_t dim, const std::optional<MemoryConfig>& memory_config,
                      bool numeric_stable) {
    const std::string op = qualified_name(OpId::softmax);
    check_input(OpId::softmax, input, "input_tensor");
    const Shape& shape = input.logical_shape();
    const std::size_t d = normalize_dim(dim, shape.rank(), op);
    std::size_t O = 1, R = shape.rank() ? shape[d] : 1, I = 1;
    for (std::size_t k = 0; k < d; ++k) O *= shape[k];
    for (std::size_t k = d + 1; k < shape.rank(); ++k) I *= shape[k];
    const F32Input x(input, op);
    F32Output y(shape, input.dtype(), input.layout(), output_memory_config(memory_config, input), input, op, &x);
    ThreadPool& pool = pool_of(input);
    if (I == 1)
        softmax_rows(x.data(), y.data(), O, R, numeric_stable, pool);
    else
        softmax_columns(x.data(), y.data(), O, R, I, numeric_stable, pool);
    return y.finish();
}

// Element offsets of the mask for each input row, and its stride along the last dim (0: broadcast).
struct MaskMap {
    std::vector<std::size_t> dims;     // the input's dims but the last
    std::vector<std::size_t> strides;  // the mask's stride for each of them (0 where it broadcasts)
    std::size_t last_stride = 1;
    std::size_t offset(std::size_t row) const {
        std::size_t off = 0;
        for (std::size_t k = dims.size(); k-- > 0;) {
            off += (row % dims[k]) * strides[k];
            row /= dims[k];
        }
        return off;
    }
};

MaskMap map_mask(const Shape& input, const Shape& mask, bool is_causal, const std::string& op) {
    const std::size_t r = input.rank(), m = mask.rank();
    auto fail = [&](const std::string& why) {
        throw InvalidArgument(
            op, "mask " + mask.to_string() + " does not broadcast to input_tensor " + input.to_string() + why);
    };
    for (std::size_t k = 0; k + r < m; ++k) {  // extra leading mask dims must be 1
        if (mask[k] != 1) fail("");
    }
    std::vector<std::size_t> mdims(r, 1), mstrides(r, 0);
    std::size_t stride = 1;
    for (std::size_t k = 0; k < std::min(r, m); ++k) {  // from the end
        const std::size_t di = r - 1 - k, dm = m - 1 - k;
        mdims[di] = mask[dm];
        if (mask[dm] != 1 && mask[dm] != input[di]) fail("");
        mstrides[di] = mask[dm] == 1 ? 0 : stride;
        stride *= mask[dm];
    }
    if (is_causal && r >= 2 && mdims[r - 2] != input[r - 2]) {
        fail(" as a causal mask (is_causal_mask=True needs the full [..., H, W] mask)");
    }
    MaskMap map;
    map.dims.assign(input.dims().begin(), input.dims().end() - (r ? 1 : 0));
    map.strides.assign(mstrides.begin(), mstrides.end() - (r ? 1 : 0));
    map.last_stride = r ? mstrides[r - 1] : 0;
    return map;
}

Tensor scale_mask_softmax_device(const Tensor& input, std::optional<float> scale, const std::optional<Tensor>& mask,
                                 const std::optional<MemoryConfig>& memory_config, bool is_causal_mask,
                                 bool numeric_stable) {
    const std::string op = qualified_name(OpId::scale_mask_softmax);
    check_input(OpId::scale_mask_softmax, input, "input_tensor");
    const Shape& shape = input.logical_shape();
    if (shape.rank() == 0) throw InvalidArgument(op, "input_tensor is a scalar; softmax needs a last dim");
    if (is_causal_mask && !mask) throw InvalidArgument(op, "is_causal_mask=True needs a mask");
    const std::size_t width = shape[shape.rank() - 1];
    const std::size_t rows = width ? shape.volume() / width : 0;
    const F32Input x(input, op);
    F32Output y(shape, input.dtype(), input.layout(), output_memory_config(memory_config, input), input, op, &x);
    std::optional<F32Input> m;
    MaskMap map;
    if (mask) {
        check_input(OpId::scale_mask_softmax, *mask, "mask");
        map = map_mask(shape, mask->logical_shape(), is_causal_mask, op);
        m.emplace(*mask, op);
    }
    const float s = scale.value_or(1.0f);
    const bool scaled = scale.has_value() && s != 1.0f;
    const float* xp = x.data();
    float* yp = y.data();
    const float* mp = m ? m->data() : nullptr;
    const RowKernels& k = row_kernels();
    pool_of(input).parallel_for(rows, std::max<std::size_t>(1, 16384 / std::max<std::size_t>(width, 1)),
                                [&](std::size_t b, std::size_t e) {
                                    for (std::size_t row = b; row < e; ++row) {
                                        const float* p = xp + row * width;
                                        float* q = yp + row * width;
                                        if (mp) {  // q = p * s + mask, as the device computes it (float32, scale first)
                                            const float* mrow = mp + map.offset(row);
                                            if (map.last_stride) {
                                                for (std::size_t i = 0; i < width; ++i) q[i] = p[i] * s + mrow[i];
                                            } else {
                                                const float v = mrow[0];
                                                for (std::size_t i = 0; i < width; ++i) q[i] = p[i] * s + v;
                                            }
                                            p = q;
                                        } else if (scaled) {
                                            for (std::size_t i = 0; i < width; ++i) q[i] = p[i] * s;
                                            p = q;
                                        }
                                        k.softmax_row(p, q, width, numeric_stable);
                                    }
                                });
    return y.finish();
}

}  // namespace

Tensor softmax(const Tensor& input, std::int64_t dim, const std::optional<MemoryConfig>& memory_config,
               const std::optional<ComputeKernelConfig>& /*compute_kernel_config*/, bool numeric_stable) {
    if (is_mesh_tensor(input)) {
        return for_each_device(
            std::span<const Tensor>(&input, 1),
            [&](std::span<const Tensor> s) { return softmax_device(s[0], dim, memory_config, numeric_stable); },
            "ttnn.softmax");
    }
    return softmax_device(input, dim, memory_config, numeric_stable);
}

Tensor scale_mask_softmax(const Tensor& input, std::optional<float> scale, const std::optional<Tensor>& mask,
                          const std::optional<MemoryConfig>& memory_config, bool is_causal_mask,
                          const std::optional<ComputeKernelConfig>& /*compute_kernel_config*/, bool numeric_stable) {
    return run_with_optionals(
        input, {mask},
        [&](const Tensor& x, const std::vector<std::optional<Tensor>>& o) {
            return scale_mask_softmax_device(x, scale, o[0], memory_config, is_causal_mask, numeric_stable);
        },
        "ttnn.scale_mask_softmax");
}

}  // namespace ttnn::ops
