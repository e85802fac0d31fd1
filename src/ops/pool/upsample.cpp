// ttnn.upsample: nearest or bilinear (align_corners=False) upsampling of NHWC activations, with
// torch's output sizes and source-index rules for the same scale factors.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "pool_kernels.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/common.hpp"
#include "ttnn/ops/op_table.hpp"
#include "ttnn/ops/pool.hpp"

namespace ttnn::ops {

namespace {

Tensor upsample_on_device(const Tensor& input, const pool_detail::Upsample2d& u, bool bilinear,
                          const std::optional<MemoryConfig>& memory_config) {
    constexpr std::string_view op = "ttnn.upsample";
    check_input(OpId::upsample, input, "input_tensor");
    F32Array x = read_f32(input, op);
    F32Array y(Shape{u.n, u.oh, u.ow, u.c});
    const std::size_t rows = static_cast<std::size_t>(u.n * u.oh);
    const std::size_t grain = std::max<std::size_t>(1, (std::size_t{1} << 15) / static_cast<std::size_t>(u.ow * u.c));
    const auto& k = pool_detail::kernels();
    pool_of(input).parallel_for(rows, grain, [&](std::size_t b, std::size_t e) {
        if (bilinear) {
            k.upsample_bilinear(x.data(), y.data(), u, b, e);
        } else {
            k.upsample_nearest(x.data(), y.data(), u, b, e);
        }
    });
    return make_output(y, input.dtype(), input.layout(), output_memory_config(memory_config, input), input.device(),
                       op);
}

}  // namespace

Tensor upsample(const Tensor& input_tensor, std::array<double, 2> scale_factor, const std::string& mode,
                const std::optional<MemoryConfig>& memory_config) {
    constexpr std::string_view op = "ttnn.upsample";
    input_tensor.check_usable(op);
    std::string m = mode;
    std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (m != "nearest" && m != "bilinear") {
        throw InvalidArgument(op, "mode=\"" + mode + "\" is not supported; use \"nearest\" or \"bilinear\"");
    }
    const Shape& s = input_tensor.logical_shape();
    if (s.rank() != 4) throw InvalidArgument(op, "input_tensor has shape " + s.to_string() + "; expected [N, H, W, C]");
    for (int i = 0; i < 2; ++i) {
        if (!(scale_factor[i] > 0) || !std::isfinite(scale_factor[i])) {
            throw InvalidArgument(op, "scale_factor[" + std::to_string(i) + "]=" + std::to_string(scale_factor[i]) +
                                          " must be positive");
        }
    }
    pool_detail::Upsample2d u;
    u.n = s[0];
    u.ih = s[1];
    u.iw = s[2];
    u.c = s[3];
    u.oh = static_cast<std::int64_t>(std::floor(static_cast<double>(u.ih) * scale_factor[0]));
    u.ow = static_cast<std::int64_t>(std::floor(static_cast<double>(u.iw) * scale_factor[1]));
    if (u.oh <= 0 || u.ow <= 0) {
        throw InvalidArgument(op, "scale_factor leaves an empty output (" + std::to_string(u.oh) + " x " +
                                      std::to_string(u.ow) + ")");
    }
    // torch: input pixels per output pixel, as a float, from the given scale factor.
    u.scale_h = static_cast<float>(1.0 / scale_factor[0]);
    u.scale_w = static_cast<float>(1.0 / scale_factor[1]);
    const bool bilinear = m == "bilinear";
    if (is_mesh_tensor(input_tensor)) {
        return for_each_device(
            std::span<const Tensor>(&input_tensor, 1), [&](std::span<const Tensor> t) { return upsample_on_device(t[0], u, bilinear, memory_config); },
            op);
    }
    return upsample_on_device(input_tensor, u, bilinear, memory_config);
}

}  // namespace ttnn::ops
