// ttnn.conv1d: a conv2d of height input_length and width 1, as TT-NN implements it.
#include "conv_engine.hpp"
#include "ttnn/core/error.hpp"

namespace ttnn::ops {

ConvResult conv1d(const Tensor& input_tensor, const Tensor& weight_tensor, const std::optional<DeviceRef>& device,
                  std::uint32_t in_channels, std::uint32_t out_channels, std::uint32_t batch_size,
                  std::uint32_t input_length, std::uint32_t kernel_size, std::uint32_t stride, Padding1d padding,
                  std::uint32_t dilation, std::uint32_t groups, const std::optional<Tensor>& bias_tensor,
                  const std::optional<Conv2dConfig>& conv_config,
                  const std::optional<ComputeKernelConfig>& compute_config,
                  const std::optional<MemoryConfig>& memory_config, std::optional<DataType> dtype,
                  bool return_weights_and_bias) {
    using namespace conv_detail;
    constexpr std::string_view op = "ttnn.conv1d";
    check_conv_arguments(op, in_channels, out_channels, groups,
                         {in_channels, out_channels, batch_size, input_length, kernel_size, stride, dilation},
                         {"in_channels", "out_channels", "batch_size", "input_length", "kernel_size", "stride",
                          "dilation"});
    input_tensor.check_usable(op);
    const Shape& s = input_tensor.logical_shape();
    const std::int64_t n = batch_size, l = input_length, c = in_channels;
    const bool ok = (s.rank() == 3 && s[0] == n && s[1] == l && s[2] == c) ||
                    (s.rank() == 4 && s[0] == n && s[1] == l && s[2] == 1 && s[3] == c) ||
                    (s.rank() == 4 && s[0] == n && s[1] == 1 && s[2] == l && s[3] == c) ||
                    (s.rank() == 4 && s[0] == 1 && s[1] == 1 && s[2] == n * l && s[3] == c);
    if (!ok) {
        throw InvalidArgument(op, "input_tensor has shape " + s.to_string() + ", which does not match batch_size=" +
                                      std::to_string(n) + ", input_length=" + std::to_string(l) +
                                      ", in_channels=" + std::to_string(c) + ": expected [" + std::to_string(n) +
                                      ", " + std::to_string(l) + ", " + std::to_string(c) + "] or [1, 1, " +
                                      std::to_string(n * l) + ", " + std::to_string(c) + "]");
    }
    const std::uint32_t icg = in_channels / groups;
    check_weight(op, weight_tensor,
                 {Shape{out_channels, icg, kernel_size}, Shape{out_channels, icg, kernel_size, 1},
                  Shape{out_channels, icg, 1, kernel_size}});
    check_bias(op, bias_tensor, out_channels);

    ConvCall call;
    call.id = OpId::conv1d;
    ConvProblem& p = call.problem;
    if (auto* p1 = std::get_if<std::uint32_t>(&padding)) {
        p.pt = p.pb = *p1;
    } else {
        const auto& p2 = std::get<std::array<std::uint32_t, 2>>(padding);
        p.pt = p2[0];
        p.pb = p2[1];
    }
    p.n = n;
    p.ih = l;
    p.iw = 1;
    p.ic = in_channels;
    p.oc = out_channels;
    p.kh = kernel_size;
    p.sh = stride;
    p.dh = dilation;
    p.groups = groups;
    const std::int64_t span = p.dh * (p.kh - 1) + 1;
    if (p.ih + p.pt + p.pb < span) {
        throw InvalidArgument(op, "the dilated kernel (" + std::to_string(span) + ") does not fit the padded input (" +
                                      std::to_string(p.ih + p.pt + p.pb) + ")");
    }
    p.oh = (p.ih + p.pt + p.pb - span) / p.sh + 1;
    p.ow = 1;

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
