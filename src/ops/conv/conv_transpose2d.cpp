// ttnn.conv_transpose2d: TT-NN's arguments checked and turned into a transposed convolution
// (oneDNN's deconvolution, the gradient of a convolution with respect to its input, as torch's).
#include "conv_engine.hpp"
#include "ttnn/core/error.hpp"

namespace ttnn::ops {

ConvResult conv_transpose2d(const Tensor& input_tensor, const Tensor& weight_tensor,
                            const std::optional<DeviceRef>& device, std::uint32_t in_channels,
                            std::uint32_t out_channels, std::uint32_t batch_size, std::uint32_t input_height,
                            std::uint32_t input_width, std::array<std::uint32_t, 2> kernel_size,
                            std::array<std::uint32_t, 2> stride, Padding2d padding,
                            std::array<std::uint32_t, 2> output_padding, std::array<std::uint32_t, 2> dilation,
                            std::uint32_t groups, const std::optional<Tensor>& bias_tensor,
                            const std::optional<Conv2dConfig>& conv_config,
                            const std::optional<ComputeKernelConfig>& compute_config,
                            const std::optional<MemoryConfig>& memory_config, std::optional<DataType> dtype,
                            bool mirror_kernel, bool return_weights_and_bias) {
    using namespace conv_detail;
    constexpr std::string_view op = "ttnn.conv_transpose2d";
    check_conv_arguments(op, in_channels, out_channels, groups,
                         {in_channels, out_channels, batch_size, input_height, input_width, kernel_size[0],
                          kernel_size[1], stride[0], stride[1], dilation[0], dilation[1]},
                         {"in_channels", "out_channels", "batch_size", "input_height", "input_width", "kernel_size[0]",
                          "kernel_size[1]", "stride[0]", "stride[1]", "dilation[0]", "dilation[1]"});
    check_nhwc_input(op, input_tensor, batch_size, input_height, input_width, in_channels,
                     "batch_size=" + std::to_string(batch_size) + ", input_height=" + std::to_string(input_height) +
                         ", input_width=" + std::to_string(input_width) + ", in_channels=" + std::to_string(in_channels));
    check_weight(op, weight_tensor, {Shape{in_channels, out_channels / groups, kernel_size[0], kernel_size[1]}});
    check_bias(op, bias_tensor, out_channels);
    for (int i = 0; i < 2; ++i) {
        if (output_padding[i] >= std::max(stride[i], dilation[i])) {
            throw InvalidArgument(op, "output_padding[" + std::to_string(i) + "]=" + std::to_string(output_padding[i]) +
                                          " must be smaller than stride or dilation (" + std::to_string(stride[i]) +
                                          ", " + std::to_string(dilation[i]) + ")");
        }
    }

    ConvCall call;
    call.id = OpId::conv_transpose2d;
    ConvProblem& p = call.problem;
    p.transposed = true;
    p.flip_kernel = !mirror_kernel;
    if (auto* p2 = std::get_if<std::array<std::uint32_t, 2>>(&padding)) {
        p.pt = p.pb = (*p2)[0];
        p.pl = p.pr = (*p2)[1];
    } else {
        const auto& p4 = std::get<std::array<std::uint32_t, 4>>(padding);
        p.pt = p4[0];
        p.pb = p4[1];
        p.pl = p4[2];
        p.pr = p4[3];
    }
    p.n = batch_size;
    p.ih = input_height;
    p.iw = input_width;
    p.ic = in_channels;
    p.oc = out_channels;
    p.kh = kernel_size[0];
    p.kw = kernel_size[1];
    p.sh = stride[0];
    p.sw = stride[1];
    p.dh = dilation[0];
    p.dw = dilation[1];
    p.groups = groups;
    p.oph = output_padding[0];
    p.opw = output_padding[1];
    p.oh = (p.ih - 1) * p.sh - p.pt - p.pb + p.dh * (p.kh - 1) + p.oph + 1;
    p.ow = (p.iw - 1) * p.sw - p.pl - p.pr + p.dw * (p.kw - 1) + p.opw + 1;
    if (p.oh <= 0 || p.ow <= 0) {
        throw InvalidArgument(op, "padding leaves an empty output (" + std::to_string(p.oh) + " x " +
                                      std::to_string(p.ow) + ")");
    }

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
