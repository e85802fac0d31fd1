// ttnn.conv2d: TT-NN's arguments checked and turned into a convolution problem.
#include "conv_engine.hpp"
#include "ttnn/core/error.hpp"

namespace ttnn::ops {

namespace {

std::array<std::int64_t, 4> padding4(const Padding2d& padding) {
    if (auto* p2 = std::get_if<std::array<std::uint32_t, 2>>(&padding)) {
        return {(*p2)[0], (*p2)[0], (*p2)[1], (*p2)[1]};
    }
    const auto& p4 = std::get<std::array<std::uint32_t, 4>>(padding);
    return {p4[0], p4[1], p4[2], p4[3]};
}

std::string dims_text(std::initializer_list<std::int64_t> dims) {
    std::string s = "[";
    for (auto d : dims) s += (s.size() > 1 ? ", " : "") + std::to_string(d);
    return s + "]";
}

}  // namespace

namespace conv_detail {
// The NHWC activation shapes TT-NN accepts: [N, H, W, C] or flattened [1, 1, N*H*W, C].
void check_nhwc_input(std::string_view op, const Tensor& input, std::int64_t n, std::int64_t h, std::int64_t w,
                      std::int64_t c, const std::string& what) {
    input.check_usable(op);
    const Shape& s = input.logical_shape();
    const bool nhwc = s.rank() == 4 && s[0] == n && s[1] == h && s[2] == w && s[3] == c;
    const bool flat = s.rank() == 4 && s[0] == 1 && s[1] == 1 && s[2] == n * h * w && s[3] == c;
    if (!nhwc && !flat) {
        throw InvalidArgument(op, "input_tensor has shape " + s.to_string() + ", which does not match " + what +
                                      ": expected " + dims_text({n, h, w, c}) + " or " +
                                      dims_text({1, 1, n * h * w, c}));
    }
}
}  // namespace conv_detail

ConvResult conv2d(const Tensor& input_tensor, const Tensor& weight_tensor, const std::optional<DeviceRef>& device,
                  std::uint32_t in_channels, std::uint32_t out_channels, std::uint32_t batch_size,
                  std::uint32_t input_height, std::uint32_t input_width, std::array<std::uint32_t, 2> kernel_size,
                  std::array<std::uint32_t, 2> stride, Padding2d padding, std::array<std::uint32_t, 2> dilation,
                  std::uint32_t groups, const std::optional<Tensor>& bias_tensor,
                  const std::optional<Conv2dConfig>& conv_config,
                  const std::optional<ComputeKernelConfig>& compute_config,
                  const std::optional<MemoryConfig>& memory_config, std::optional<DataType> dtype,
                  bool return_weights_and_bias) {
    using namespace conv_detail;
    constexpr std::string_view op = "ttnn.conv2d";
    check_conv_arguments(op, in_channels, out_channels, groups,
                         {in_channels, out_channels, batch_size, input_height, input_width, kernel_size[0],
                          kernel_size[1], stride[0], stride[1], dilation[0], dilation[1]},
                         {"in_channels", "out_channels", "batch_size", "input_height", "input_width", "kernel_size[0]",
                          "kernel_size[1]", "stride[0]", "stride[1]", "dilation[0]", "dilation[1]"});
    check_nhwc_input(op, input_tensor, batch_size, input_height, input_width, in_channels,
                     "batch_size=" + std::to_string(batch_size) + ", input_height=" + std::to_string(input_height) +
                         ", input_width=" + std::to_string(input_width) + ", in_channels=" + std::to_string(in_channels));
    check_weight(op, weight_tensor,
                 {Shape{out_channels, in_channels / groups, kernel_size[0], kernel_size[1]}});
    check_bias(op, bias_tensor, out_channels);

    ConvCall call;
    call.id = OpId::conv2d;
    ConvProblem& p = call.problem;
    const auto pad = padding4(padding);
    p.n = batch_size;
    p.ih = input_height;
    p.iw = input_width;
    p.ic = in_channels;
    p.oc = out_channels;
    p.kh = kernel_size[0];
    p.kw = kernel_size[1];
    p.sh = stride[0];
    p.sw = stride[1];
    p.pt = pad[0];
    p.pb = pad[1];
    p.pl = pad[2];
    p.pr = pad[3];
    p.dh = dilation[0];
    p.dw = dilation[1];
    p.groups = groups;
    const std::int64_t span_h = p.dh * (p.kh - 1) + 1, span_w = p.dw * (p.kw - 1) + 1;
    if (p.ih + p.pt + p.pb < span_h || p.iw + p.pl + p.pr < span_w) {
        throw InvalidArgument(op, "the dilated kernel " + dims_text({span_h, span_w}) +
                                      " does not fit the padded input " +
                                      dims_text({p.ih + p.pt + p.pb, p.iw + p.pl + p.pr}));
    }
    p.oh = (p.ih + p.pt + p.pb - span_h) / p.sh + 1;
    p.ow = (p.iw + p.pl + p.pr - span_w) / p.sw + 1;

    call.activation = parse_activation(conv_config ? conv_config->activation : "", op);
    call.numerics = numerics_for(input_tensor, weight_tensor, conv_config, compute_config);
    call.dtype = dtype ? dtype : (conv_config ? conv_config->dtype : std::nullopt);
    call.output_layout = conv_config ? conv_config->output_layout : Layout::TILE;
    call.memory_config = memory_config;
    call.deallocate_activation = conv_config && conv_config->deallocate_activation;
    call.return_prepared = return_weights_and_bias;
    return run_conv_op(call, input_tensor, weight_tensor, bias_tensor, device);
}

}  // namespace ttnn::ops
