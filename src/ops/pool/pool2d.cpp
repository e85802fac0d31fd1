// ttnn.max_pool2d, avg_pool2d, adaptive_avg_pool2d, adaptive_max_pool2d and global_avg_pool2d:
// argument checks and output shapes; the kernels are in pool_kernels.inl.
#include <algorithm>
#include <functional>
#include <span>
#include <vector>

#include "pool_kernels.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/common.hpp"
#include "ttnn/ops/op_table.hpp"
#include "ttnn/ops/pool.hpp"

namespace ttnn::ops {

namespace {

using I = std::int64_t;
using pool_detail::kernels;

std::string dims_text(std::initializer_list<I> dims) {
    std::string s = "[";
    for (auto d : dims) s += (s.size() > 1 ? ", " : "") + std::to_string(d);
    return s + "]";
}

// [N, H, W, C] or TT-NN's flattened [1, 1, N*H*W, C].
void check_nhwc(std::string_view op, const Tensor& input, I n, I h, I w, I c) {
    const Shape& s = input.logical_shape();
    const bool nhwc = s.rank() == 4 && s[0] == n && s[1] == h && s[2] == w && s[3] == c;
    const bool flat = s.rank() == 4 && s[0] == 1 && s[1] == 1 && s[2] == n * h * w && s[3] == c;
    if (!nhwc && !flat) {
        throw InvalidArgument(op, "input_tensor has shape " + s.to_string() + ", which does not match batch_size=" +
                                      std::to_string(n) + ", input_h=" + std::to_string(h) + ", input_w=" +
                                      std::to_string(w) + ", channels=" + std::to_string(c) + ": expected " +
                                      dims_text({n, h, w, c}) + " or " + dims_text({1, 1, n * h * w, c}));
    }
}

void check_output_dtype(std::string_view op, DataType dtype, Layout layout) {
    if (!is_floating_point(dtype)) {
        throw InvalidArgument(op, "dtype " + std::string(to_string(dtype)) + " is not a floating-point dtype");
    }
    if (is_block_float(dtype) && layout != Layout::TILE) {
        throw InvalidArgument(op, "dtype " + std::string(to_string(dtype)) + " needs TILE layout, but output_layout is " +
                                      std::string(to_string(layout)));
    }
}

void check_positive(std::string_view op, std::initializer_list<std::pair<const char*, I>> values) {
    for (const auto& [name, v] : values) {
        if (v <= 0) throw InvalidArgument(op, std::string(name) + "=" + std::to_string(v) + " must be positive");
    }
}

// One device's pool: read, run `kernel` over the output rows on the device's threads, make the output.
using RowKernel = std::function<void(const float*, float*, std::size_t, std::size_t)>;
Tensor run_rows(OpId id, const Tensor& input, const Shape& out_shape, std::size_t rows, std::size_t work_per_row,
                const RowKernel& kernel, DataType dtype, Layout layout, const std::optional<MemoryConfig>& memory_config,
                bool deallocate_input) {
    const std::string op = qualified_name(id);
    check_input(id, input, "input_tensor");
    F32Array x = read_f32(input, op);
    const MemoryConfig mc = output_memory_config(memory_config, input);
    if (deallocate_input) Tensor(input).deallocate();
    F32Array y(out_shape);
    const std::size_t grain = std::max<std::size_t>(1, (std::size_t{1} << 15) / std::max<std::size_t>(work_per_row, 1));
    pool_of(input).parallel_for(rows, grain, [&](std::size_t b, std::size_t e) { kernel(x.data(), y.data(), b, e); });
    return make_output(y, dtype, layout, mc, input.device(), op);
}

Tensor per_device(const Tensor& input, std::string_view op, const std::function<Tensor(const Tensor&)>& fn) {
    if (is_mesh_tensor(input)) {
        return for_each_device(std::span<const Tensor>(&input, 1), [&](std::span<const Tensor> s) { return fn(s[0]); }, op);
    }
    return fn(input);
}

I pooled_size(std::string_view op, const char* dim, I in, I pad_l, I pad_r, I k, I s, I d, bool ceil_mode) {
    const I span = in + pad_l + pad_r - d * (k - 1) - 1;
    if (span < 0) {
        throw InvalidArgument(op, std::string("the kernel does not fit the padded input along ") + dim + " (" +
                                      std::to_string(in + pad_l + pad_r) + " < " + std::to_string(d * (k - 1) + 1) +
                                      ")");
    }
    I out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    // As torch: the last window must start inside the input or its left padding.
    if (ceil_mode && (out - 1) * s >= in + pad_l) --out;
    return out;
}

pool_detail::Window2d window(std::string_view op, I n, I h, I w, I c, std::array<std::uint32_t, 2> kernel_size,
                             std::array<std::uint32_t, 2> stride, const PoolPadding& padding,
                             std::array<std::uint32_t, 2> dilation, bool ceil_mode) {
    check_positive(op, {{"batch_size", n}, {"input_h", h}, {"input_w", w}, {"channels", c},
                        {"kernel_size[0]", kernel_size[0]}, {"kernel_size[1]", kernel_size[1]},
                        {"stride[0]", stride[0]}, {"stride[1]", stride[1]}, {"dilation[0]", dilation[0]},
                        {"dilation[1]", dilation[1]}});
    pool_detail::Window2d g;
    if (auto* p2 = std::get_if<std::array<std::uint32_t, 2>>(&padding)) {
        g.pt = g.pb = (*p2)[0];
        g.pl = g.pr = (*p2)[1];
    } else {
        const auto& p4 = std::get<std::array<std::uint32_t, 4>>(padding);
        g.pt = p4[0];
        g.pb = p4[1];
        g.pl = p4[2];
        g.pr = p4[3];
    }
    g.n = n;
    g.ih = h;
    g.iw = w;
    g.c = c;
    g.kh = kernel_size[0];
    g.kw = kernel_size[1];
    g.sh = stride[0];
    g.sw = stride[1];
    g.dh = dilation[0];
    g.dw = dilation[1];
    if (std::max(g.pt, g.pb) > g.kh / 2 || std::max(g.pl, g.pr) > g.kw / 2) {
        throw InvalidArgument(op, "padding " + dims_text({g.pt, g.pb, g.pl, g.pr}) +
                                      " must be at most half of kernel_size " + dims_text({g.kh, g.kw}));
    }
    g.oh = pooled_size(op, "height", g.ih, g.pt, g.pb, g.kh, g.sh, g.dh, ceil_mode);
    g.ow = pooled_size(op, "width", g.iw, g.pl, g.pr, g.kw, g.sw, g.dw, ceil_mode);
    return g;
}

}  // namespace

Tensor max_pool2d(const Tensor& input_tensor, std::uint32_t batch_size, std::uint32_t input_h, std::uint32_t input_w,
                  std::uint32_t channels, std::array<std::uint32_t, 2> kernel_size, std::array<std::uint32_t, 2> stride,
                  PoolPadding padding, std::array<std::uint32_t, 2> dilation, bool ceil_mode,
                  const std::optional<MemoryConfig>& memory_config, DataType dtype, Layout output_layout,
                  bool deallocate_input) {
    constexpr std::string_view op = "ttnn.max_pool2d";
    input_tensor.check_usable(op);
    check_output_dtype(op, dtype, output_layout);
    const auto g = window(op, batch_size, input_h, input_w, channels, kernel_size, stride, padding, dilation, ceil_mode);
    check_nhwc(op, input_tensor, g.n, g.ih, g.iw, g.c);
    return per_device(input_tensor, op, [&](const Tensor& input) {
        return run_rows(
            OpId::max_pool2d, input, Shape{1, 1, g.n * g.oh * g.ow, g.c}, static_cast<std::size_t>(g.n * g.oh),
            static_cast<std::size_t>(g.ow * g.kh * g.kw * g.c),
            [&](const float* x, float* y, std::size_t b, std::size_t e) { kernels().max_pool(x, y, g, b, e); }, dtype,
            output_layout, memory_config, deallocate_input);
    });
}

Tensor avg_pool2d(const Tensor& input_tensor, std::uint32_t batch_size, std::uint32_t input_h, std::uint32_t input_w,
                  std::uint32_t channels, std::array<std::uint32_t, 2> kernel_size, std::array<std::uint32_t, 2> stride,
                  PoolPadding padding, bool ceil_mode, bool count_include_pad,
                  std::optional<std::int64_t> divisor_override, const std::optional<MemoryConfig>& memory_config,
                  DataType dtype, Layout output_layout, bool deallocate_input) {
    constexpr std::string_view op = "ttnn.avg_pool2d";
    input_tensor.check_usable(op);
    check_output_dtype(op, dtype, output_layout);
    auto g = window(op, batch_size, input_h, input_w, channels, kernel_size, stride, padding, {1, 1}, ceil_mode);
    check_nhwc(op, input_tensor, g.n, g.ih, g.iw, g.c);
    g.count_include_pad = count_include_pad;
    if (divisor_override) {
        if (*divisor_override <= 0) {
            throw InvalidArgument(op, "divisor_override=" + std::to_string(*divisor_override) + " must be positive");
        }
        g.divisor_override = *divisor_override;
    }
    return per_device(input_tensor, op, [&](const Tensor& input) {
        return run_rows(
            OpId::avg_pool2d, input, Shape{1, 1, g.n * g.oh * g.ow, g.c}, static_cast<std::size_t>(g.n * g.oh),
            static_cast<std::size_t>(g.ow * g.kh * g.kw * g.c),
            [&](const float* x, float* y, std::size_t b, std::size_t e) { kernels().avg_pool(x, y, g, b, e); }, dtype,
            output_layout, memory_config, deallocate_input);
    });
}

MaxPoolWithIndices max_pool2d_with_indices(const Tensor& input_tensor, std::uint32_t batch_size,
                                           std::uint32_t input_h, std::uint32_t input_w, std::uint32_t channels,
                                           std::array<std::uint32_t, 2> kernel_size,
                                           std::array<std::uint32_t, 2> stride, PoolPadding padding,
                                           std::array<std::uint32_t, 2> dilation, bool ceil_mode,
                                           const std::optional<MemoryConfig>& memory_config, DataType dtype,
                                           Layout output_layout) {
    constexpr std::string_view op = "ttnn.max_pool2d";
    input_tensor.check_usable(op);
    check_output_dtype(op, dtype, output_layout);
    const auto g = window(op, batch_size, input_h, input_w, channels, kernel_size, stride, padding, dilation, ceil_mode);
    check_nhwc(op, input_tensor, g.n, g.ih, g.iw, g.c);
    auto run = [&](const Tensor& input) {
        check_input(OpId::max_pool2d, input, "input_tensor");
        const F32Array x = read_f32_shared(input, op);
        const Shape out_shape{1, 1, g.n * g.oh * g.ow, g.c};
        F32Array y(out_shape);
        I64Array index(out_shape);
        const std::size_t work = static_cast<std::size_t>(g.ow * g.kh * g.kw * g.c);
        pool_of(input).parallel_for(static_cast<std::size_t>(g.n * g.oh),
                                    std::max<std::size_t>(1, (std::size_t{1} << 15) / std::max<std::size_t>(work, 1)),
                                    [&](std::size_t b, std::size_t e) {
                                        kernels().max_pool_indexed(x.data(), y.data(), index.data(), g, b, e);
                                    });
        const MemoryConfig mc = output_memory_config(memory_config, input);
        return std::vector<Tensor>{make_output(y, dtype, output_layout, mc, input.device(), op),
                                   make_output(index, DataType::INT32, Layout::ROW_MAJOR, mc, input.device(), op)};
    };
    std::vector<Tensor> outs = is_mesh_tensor(input_tensor)
                                   ? for_each_device_multi(std::span<const Tensor>(&input_tensor, 1),
                                                           [&](std::span<const Tensor> s) { return run(s[0]); }, op)
                                   : run(input_tensor);
    return {outs[0], outs[1]};
}

namespace {

// The forward's input gradient [1, 1, N*H*W, C] by a kernel over `items` work items.
using BackwardKernel = std::function<void(const float* grad, const std::int64_t* index, float* grad_in, std::size_t,
                                          std::size_t)>;
Tensor run_backward(OpId id, const Tensor& grad_output, const Tensor* indices, const pool_detail::Window2d& g,
                    std::size_t items, std::size_t work_per_item, const BackwardKernel& kernel, DataType dtype,
                    Layout layout, const std::optional<MemoryConfig>& memory_config) {
    const std::string op = qualified_name(id);
    grad_output.check_usable(op);
    check_output_dtype(op, dtype, layout);
    if (!is_floating_point(grad_output.dtype()))
        throw InvalidArgument(op, "grad_output has dtype " + std::string(to_string(grad_output.dtype())) +
                                      "; a floating-point dtype is expected");
    check_nhwc(op, grad_output, g.n, g.oh, g.ow, g.c);
    if (indices) {
        indices->check_usable(op);
        if (indices->logical_shape() != grad_output.logical_shape())
            throw InvalidArgument(op, "indices has shape " + indices->logical_shape().to_string() + ", grad_output " +
                                          grad_output.logical_shape().to_string() + "; they must match");
    }
    auto run = [&](std::span<const Tensor> in) {
        check_input(id, in[0], "grad_output");
        const F32Array grad = read_f32_shared(in[0], op);
        I64Array index;
        if (indices) {
            index = read_i64(in[1], op);
            const std::int64_t plane = g.ih * g.iw;
            for (std::size_t i = 0; i < index.size(); ++i)
                if (index[i] < 0 || index[i] >= plane)
                    throw InvalidArgument(op, "indices holds " + std::to_string(index[i]) + ", outside the input's " +
                                                  std::to_string(g.ih) + "x" + std::to_string(g.iw) + " pixels");
        }
        F32Array grad_in(Shape{1, 1, g.n * g.ih * g.iw, g.c});
        pool_of(in[0]).parallel_for(
            items, std::max<std::size_t>(1, (std::size_t{1} << 15) / std::max<std::size_t>(work_per_item, 1)),
            [&](std::size_t b, std::size_t e) { kernel(grad.data(), index.data(), grad_in.data(), b, e); });
        return make_output(grad_in, dtype, layout, output_memory_config(memory_config, in[0]), in[0].device(), op);
    };
    std::vector<Tensor> inputs{grad_output};
    if (indices) inputs.push_back(*indices);
    if (is_mesh_tensor(grad_output)) return for_each_device(std::span<const Tensor>(inputs), run, op);
    return run(inputs);
}

}  // namespace

Tensor max_pool2d_bw(const Tensor& grad_output, const Tensor& indices, std::uint32_t batch_size,
                     std::uint32_t input_h, std::uint32_t input_w, std::uint32_t channels,
                     std::array<std::uint32_t, 2> kernel_size, std::array<std::uint32_t, 2> stride, PoolPadding padding,
                     std::array<std::uint32_t, 2> dilation, bool ceil_mode,
                     const std::optional<MemoryConfig>& memory_config, DataType dtype, Layout output_layout) {
    constexpr std::string_view op = "ttnn.max_pool2d_bw";
    const auto g = window(op, batch_size, input_h, input_w, channels, kernel_size, stride, padding, dilation, ceil_mode);
    const I blocks = (g.c + pool_detail::kChannelBlock - 1) / pool_detail::kChannelBlock;
    return run_backward(
        OpId::max_pool2d_bw, grad_output, &indices, g, static_cast<std::size_t>(g.n * blocks),
        static_cast<std::size_t>((g.oh * g.ow + g.ih * g.iw) * std::min(g.c, pool_detail::kChannelBlock)),
        [&](const float* grad, const std::int64_t* index, float* grad_in, std::size_t b, std::size_t e) {
            kernels().max_pool_bw(grad, index, grad_in, g, b, e);
        },
        dtype, output_layout, memory_config);
}

Tensor avg_pool2d_bw(const Tensor& grad_output, std::uint32_t batch_size, std::uint32_t input_h, std::uint32_t input_w,
                     std::uint32_t channels, std::array<std::uint32_t, 2> kernel_size,
                     std::array<std::uint32_t, 2> stride, PoolPadding padding, bool ceil_mode, bool count_include_pad,
                     std::optional<std::int64_t> divisor_override, const std::optional<MemoryConfig>& memory_config,
                     DataType dtype, Layout output_layout) {
    constexpr std::string_view op = "ttnn.avg_pool2d_bw";
    auto g = window(op, batch_size, input_h, input_w, channels, kernel_size, stride, padding, {1, 1}, ceil_mode);
    g.count_include_pad = count_include_pad;
    if (divisor_override) {
        if (*divisor_override <= 0)
            throw InvalidArgument(op, "divisor_override=" + std::to_string(*divisor_override) + " must be positive");
        g.divisor_override = *divisor_override;
    }
    const I covering = ((g.kh + g.sh - 1) / g.sh) * ((g.kw + g.sw - 1) / g.sw);
    return run_backward(
        OpId::avg_pool2d_bw, grad_output, nullptr, g, static_cast<std::size_t>(g.n * g.ih),
        static_cast<std::size_t>(g.iw * covering * g.c),
        [&](const float* grad, const std::int64_t*, float* grad_in, std::size_t b, std::size_t e) {
            kernels().avg_pool_bw(grad, grad_in, g, b, e);
        },
        dtype, output_layout, memory_config);
}

namespace {
Tensor adaptive_pool(OpId id, bool is_max, const Tensor& input_tensor, std::uint32_t batch_size,
                     std::uint32_t input_h, std::uint32_t input_w, std::uint32_t channels,
                     std::array<std::uint32_t, 2> output_size, const std::optional<MemoryConfig>& memory_config,
                     std::optional<DataType> dtype, Layout output_layout) {
    const std::string op = qualified_name(id);
    input_tensor.check_usable(op);
    check_positive(op, {{"batch_size", batch_size}, {"input_h", input_h}, {"input_w", input_w}, {"channels", channels},
                        {"output_size[0]", output_size[0]}, {"output_size[1]", output_size[1]}});
    check_nhwc(op, input_tensor, batch_size, input_h, input_w, channels);
    const DataType out_dtype = dtype.value_or(input_tensor.dtype());
    check_output_dtype(op, out_dtype, output_layout);
    pool_detail::Adaptive2d a;
    a.n = batch_size;
    a.ih = input_h;
    a.iw = input_w;
    a.c = channels;
    a.oh = output_size[0];
    a.ow = output_size[1];
    const std::size_t work = static_cast<std::size_t>(a.ow * ((a.ih + a.oh - 1) / a.oh + 1) * ((a.iw + a.ow - 1) / a.ow + 1) * a.c);
    return per_device(input_tensor, op, [&](const Tensor& input) {
        return run_rows(
            id, input, Shape{1, 1, a.n * a.oh * a.ow, a.c}, static_cast<std::size_t>(a.n * a.oh), work,
            [&](const float* x, float* y, std::size_t b, std::size_t e) {
                if (is_max) {
                    kernels().adaptive_max(x, y, a, b, e);
                } else {
                    kernels().adaptive_avg(x, y, a, b, e);
                }
            },
            out_dtype, output_layout, memory_config, false);
    });
}
}  // namespace

Tensor adaptive_avg_pool2d(const Tensor& input_tensor, std::uint32_t batch_size, std::uint32_t input_h,
                           std::uint32_t input_w, std::uint32_t channels, std::array<std::uint32_t, 2> output_size,
                           const std::optional<MemoryConfig>& memory_config, std::optional<DataType> dtype,
                           Layout output_layout) {
    return adaptive_pool(OpId::adaptive_avg_pool2d, false, input_tensor, batch_size, input_h, input_w, channels,
                         output_size, memory_config, dtype, output_layout);
}

Tensor adaptive_max_pool2d(const Tensor& input_tensor, std::uint32_t batch_size, std::uint32_t input_h,
                           std::uint32_t input_w, std::uint32_t channels, std::array<std::uint32_t, 2> output_size,
                           const std::optional<MemoryConfig>& memory_config, std::optional<DataType> dtype,
                           Layout output_layout) {
    return adaptive_pool(OpId::adaptive_max_pool2d, true, input_tensor, batch_size, input_h, input_w, channels,
                         output_size, memory_config, dtype, output_layout);
}

Tensor global_avg_pool2d(const Tensor& input_tensor, const std::optional<MemoryConfig>& memory_config,
                         std::optional<DataType> dtype) {
    constexpr std::string_view op = "ttnn.global_avg_pool2d";
    input_tensor.check_usable(op);
    const Shape& s = input_tensor.logical_shape();
    if (s.rank() != 4) {
        throw InvalidArgument(op, "input_tensor has shape " + s.to_string() + "; expected [N, H, W, C]");
    }
    const DataType out_dtype = dtype.value_or(input_tensor.dtype());
    check_output_dtype(op, out_dtype, input_tensor.layout());
    const I n = s[0], hw = static_cast<I>(s[1]) * s[2], c = s[3];
    if (hw == 0) throw InvalidArgument(op, "input_tensor has no pixels: " + s.to_string());
    return per_device(input_tensor, op, [&](const Tensor& input) {
        const I blocks = (c + pool_detail::kChannelBlock - 1) / pool_detail::kChannelBlock;
        return run_rows(
            OpId::global_avg_pool2d, input, Shape{n, 1, 1, c}, static_cast<std::size_t>(n * blocks),
            static_cast<std::size_t>(hw * std::min(c, pool_detail::kChannelBlock)),
            [&](const float* x, float* y, std::size_t b, std::size_t e) { kernels().global_avg(x, y, hw, c, b, e); },
            out_dtype, input.layout(), memory_config, false);
    });
}

}  // namespace ttnn::ops
