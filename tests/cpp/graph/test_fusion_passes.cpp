// The fusion passes on golden text: fuse-conv-bn (ATen level, with the folded parameters checked
// numerically), fuse-linear-activation and fuse-attention (TT-NN level).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ttnn/core/device.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/graph/passes.hpp"
#include "ttnn/graph/program.hpp"
#include "ttnn/graph/text.hpp"

using namespace ttnn;
using namespace ttnn::graph;

namespace {

Tensor host_f32(std::vector<float> values, const std::vector<std::int64_t>& shape) {
    auto owned = std::make_shared<std::vector<float>>(std::move(values));
    return tensor_from_host_array(HostArray{owned->data(), HostElement::F32, Shape(shape)}, DataType::FLOAT32,
                                  Layout::ROW_MAJOR, 0.0f, owned, "test");
}

std::vector<float> values_of(const Tensor& t) {
    std::vector<float> v(t.logical_shape().volume());
    copy_to_host_array(t, 0, HostArray{v.data(), HostElement::F32, t.logical_shape()}, "test");
    return v;
}

// Constants by name; unnamed ones are ramps 0, 0.1, 0.2...
ConstantFactory constants(std::map<std::string, std::vector<float>> data) {
    return [data = std::move(data)](const ValueType& type, const std::string& name) {
        auto it = data.find(name);
        std::vector<float> v;
        if (it != data.end()) {
            v = it->second;
        } else {
            for (std::int64_t i = 0; i < type.numel(); ++i) v.push_back(0.1f * static_cast<float>(i % 7));
        }
        return host_f32(v, type.shape);
    };
}

ValueId constant_named(const Graph& g, const std::string& name) {
    for (ValueId id : g.constants())
        if (g.value(id).name == name) return id;
    return kNoValue;
}

void expect_pass(Graph (*pass)(const Graph&, const PassOptions&), const std::string& before,
                 const std::string& expected, bool ttnn_level = false) {
    const Graph after = pass(parse_graph(before), PassOptions{});
    EXPECT_EQ(after.to_text(), expected);
    verify(after, "test", ttnn_level);
    EXPECT_EQ(pass(after, PassOptions{}).to_text(), expected) << "not a fixed point";
}

const char* kConvBn = R"(graph(%0: f32[1,2,5,5] "x") {
  %1 = const f32[3,2,1,1] "w"
  %2 = const f32[3] "b"
  %3 = const f32[3] "gamma"
  %4 = const f32[3] "beta"
  %5 = const f32[3] "mean"
  %6 = const f32[3] "var"
  %7: f32[1,3,5,5] = aten::convolution.default(%0, %1, %2, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)  @"conv"
  %8: f32[1,3,5,5], %9: f32[0], %10: f32[0] = aten::_native_batch_norm_legit_no_training.default(%7, %3, %4, %5, %6, 0.1, 0.001)  @"bn"
  %11: f32[1,3,5,5] = aten::relu.default(%8)  @"relu"
  return (%11)
}
)";

}  // namespace

TEST(FusionPasses, ConvBnFoldsIntoTheConvolution) {
    const std::vector<float> w{1, 2, 3, 4, 5, 6}, b{0.5f, -1, 2}, gamma{2, 0.5f, -1}, beta{0.1f, 0.2f, 0.3f},
        mean{1, 2, 3}, var{3.999f, 0.249f, 3.999f};
    const Graph before = parse_graph(kConvBn, constants({{"w", w}, {"b", b}, {"gamma", gamma}, {"beta", beta},
                                                          {"mean", mean}, {"var", var}}));
    const Graph after = fuse_conv_bn(before, PassOptions{});
    EXPECT_EQ(after.to_text(), R"(graph(%0: f32[1,2,5,5] "x") {
  %1 = const f32[3,2,1,1] "conv.weight_bn"
  %2 = const f32[3] "conv.bias_bn"
  %3: f32[1,3,5,5] = aten::convolution.default(%0, %1, %2, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)  @"conv"
  %4: f32[1,3,5,5] = aten::relu.default(%3)  @"relu"
  return (%4)
}
)");
    verify(after, "fuse-conv-bn", false);
    // scale = gamma / sqrt(var + eps) = {1, 1, -0.5}.
    const std::vector<float> folded_w = values_of(after.constant_data(constant_named(after, "conv.weight_bn")));
    const std::vector<float> folded_b = values_of(after.constant_data(constant_named(after, "conv.bias_bn")));
    const std::vector<float> scale{1.0f, 1.0f, -0.5f};
    ASSERT_EQ(folded_w.size(), 6u);
    ASSERT_EQ(folded_b.size(), 3u);
    for (std::size_t c = 0; c < 3; ++c) {
        for (std::size_t k = 0; k < 2; ++k) EXPECT_NEAR(folded_w[c * 2 + k], w[c * 2 + k] * scale[c], 1e-5) << c;
        EXPECT_NEAR(folded_b[c], (b[c] - mean[c]) * scale[c] + beta[c], 1e-5) << c;
    }
    EXPECT_EQ(fuse_conv_bn(after, PassOptions{}).to_text(), after.to_text());
}

TEST(FusionPasses, ConvBnWithoutConvBiasOrAffine) {
    const Graph before = parse_graph(R"(graph(%0: f32[1,1,3] "x") {
  %1 = const f32[2,1,1] "w"
  %2 = const f32[2] "mean"
  %3 = const f32[2] "var"
  %4: f32[1,2,3] = aten::convolution.default(%0, %1, None, [1], [0], [1], False, [0], 1)
  %5: f32[1,2,3], %6: f32[0], %7: f32[0] = aten::_native_batch_norm_legit_no_training.default(%4, None, None, %2, %3, 0.1, 0.0)
  return (%5)
}
)",
                                     constants({{"w", {2, 3}}, {"mean", {1, -1}}, {"var", {4, 0.25f}}}));
    const Graph after = fuse_conv_bn(before, PassOptions{});
    EXPECT_EQ(after.to_text(), R"(graph(%0: f32[1,1,3] "x") {
  %1 = const f32[2,1,1] "conv.weight_bn"
  %2 = const f32[2] "conv.bias_bn"
  %3: f32[1,2,3] = aten::convolution.default(%0, %1, %2, [1], [0], [1], False, [0], 1)
  return (%3)
}
)");
    const std::vector<float> fw = values_of(after.constant_data(1)), fb = values_of(after.constant_data(2));
    EXPECT_FLOAT_EQ(fw[0], 1.0f);   // 2 / sqrt(4)
    EXPECT_FLOAT_EQ(fw[1], 6.0f);   // 3 / sqrt(0.25)
    EXPECT_FLOAT_EQ(fb[0], -0.5f);  // -1 / 2
    EXPECT_FLOAT_EQ(fb[1], 2.0f);   // 1 / 0.5
}

// Left alone: the conv output read elsewhere too, batch-norm statistics that are graph inputs,
// a transposed convolution, the saved statistics in use.
TEST(FusionPasses, ConvBnLeavesUnfoldableGraphsAlone) {
    const std::vector<std::string> graphs = {
        R"(graph(%0: f32[1,2,5,5] "x") {
  %1 = const f32[3,2,1,1] "w"
  %2 = const f32[3] "mean"
  %3 = const f32[3] "var"
  %4: f32[1,3,5,5] = aten::convolution.default(%0, %1, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)
  %5: f32[1,3,5,5], %6: f32[0], %7: f32[0] = aten::_native_batch_norm_legit_no_training.default(%4, None, None, %2, %3, 0.1, 0.001)
  return (%5, %4)
}
)",
        R"(graph(%0: f32[1,2,5,5] "x", %1: f32[3] "var") {
  %2 = const f32[3,2,1,1] "w"
  %3 = const f32[3] "mean"
  %4: f32[1,3,5,5] = aten::convolution.default(%0, %2, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)
  %5: f32[1,3,5,5], %6: f32[0], %7: f32[0] = aten::_native_batch_norm_legit_no_training.default(%4, None, None, %3, %1, 0.1, 0.001)
  return (%5)
}
)",
        R"(graph(%0: f32[1,2,5,5] "x") {
  %1 = const f32[2,3,1,1] "w"
  %2 = const f32[3] "mean"
  %3 = const f32[3] "var"
  %4: f32[1,3,5,5] = aten::convolution.default(%0, %1, None, [1, 1], [0, 0], [1, 1], True, [0, 0], 1)
  %5: f32[1,3,5,5], %6: f32[0], %7: f32[0] = aten::_native_batch_norm_legit_no_training.default(%4, None, None, %2, %3, 0.1, 0.001)
  return (%5)
}
)",
        R"(graph(%0: f32[1,2,5,5] "x") {
  %1 = const f32[3,2,1,1] "w"
  %2 = const f32[3] "mean"
  %3 = const f32[3] "var"
  %4: f32[1,3,5,5] = aten::convolution.default(%0, %1, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)
  %5: f32[1,3,5,5], %6: f32[3], %7: f32[3] = aten::_native_batch_norm_legit_no_training.default(%4, None, None, %2, %3, 0.1, 0.001)
  return (%5, %7)
}
)",
    };
    for (const std::string& text : graphs) EXPECT_EQ(fuse_conv_bn(parse_graph(text), PassOptions{}).to_text(), text);
}

TEST(FusionPasses, ConvBnRunsBeforeLowering) {
    bool found = false;
    for (const Pass& p : pipeline())
        if (p.name == "fuse-conv-bn") {
            found = true;
            EXPECT_EQ(p.level, "aten");
        }
    EXPECT_TRUE(found);
}

TEST(FusionPasses, LinearActivationGolden) {
    expect_pass(fuse_linear_activation, R"(graph(%0: bf16[8,32]{row_major,device} "x") {
  %1 = const bf16[32,16]{row_major,device} "w"
  %2 = const bf16[16]{row_major,device} "b"
  %3 = const bf16[16,16]{row_major,device} "w2"
  %4: bf16[8,16]{row_major,device} = ttnn.linear(%0, %1, bias=%2)  @"fc1"
  %5: bf16[8,16]{row_major,device} = ttnn.relu(%4)  @"relu"
  %6: bf16[8,16]{row_major,device} = ttnn.matmul(%5, %3)  @"mm"
  %7: bf16[8,16]{row_major,device} = ttnn.gelu(%6, fast_and_approximate_mode=True)  @"gelu"
  %8: bf16[8,16]{row_major,device} = ttnn.linear(%7, %3)  @"fc2"
  %9: bf16[8,16]{row_major,device} = ttnn.add(%8, %2)  @"bias"
  %10: bf16[8,16]{row_major,device} = ttnn.silu(%9)  @"silu"
  return (%10)
}
)",
                R"(graph(%0: bf16[8,32]{row_major,device} "x") {
  %1 = const bf16[32,16]{row_major,device} "w"
  %2 = const bf16[16]{row_major,device} "b"
  %3 = const bf16[16,16]{row_major,device} "w2"
  %4: bf16[8,16]{row_major,device} = ttnn.linear(%0, %1, activation="relu", bias=%2)  @"fc1"
  %5: bf16[8,16]{row_major,device} = ttnn.matmul(%4, %3, activation="gelu_approx")  @"mm"
  %6: bf16[8,16]{row_major,device} = ttnn.linear(%5, %3, activation="silu", bias=%2)  @"fc2"
  return (%6)
}
)");
}

// x @ w + b (mm and add, as torch traces a matmul by a 2-D tensor and a bias add) -> linear.
TEST(FusionPasses, MatmulBiasAddBecomesLinear) {
    expect_pass(fuse_linear_activation, R"(graph(%0: f32[2,5,8] "x") {
  %1 = const f32[8,4] "w"
  %2 = const f32[1,4] "b"
  %3: f32[2,5,4] = ttnn.matmul(%0, %1, math_fidelity="HiFi4")  @"mm"
  %4: f32[2,5,4] = ttnn.add(%2, %3)
  %5: f32[2,5,4] = ttnn.relu(%4)
  return (%5)
}
)",
                R"(graph(%0: f32[2,5,8] "x") {
  %1 = const f32[8,4] "w"
  %2 = const f32[1,4] "b"
  %3: f32[2,5,4] = ttnn.linear(%0, %1, activation="relu", bias=%2, math_fidelity="HiFi4")  @"mm"
  return (%3)
}
)",
                /*ttnn_level=*/true);
}

// Not fused: a second reader, an activation already there, an op the GEMM's epilogue lacks, a
// broadcast add that is not a per-column bias.
TEST(FusionPasses, LinearActivationLeavesOthersAlone) {
    const std::string text = R"(graph(%0: bf16[8,32]{row_major,device} "x", %1: bf16[8,16]{row_major,device} "r") {
  %2 = const bf16[32,16]{row_major,device} "w"
  %3 = const bf16[8,1]{row_major,device} "rowwise"
  %4: bf16[8,16]{row_major,device} = ttnn.linear(%0, %2)
  %5: bf16[8,16]{row_major,device} = ttnn.relu(%4)
  %6: bf16[8,16]{row_major,device} = ttnn.linear(%0, %2, activation="relu")
  %7: bf16[8,16]{row_major,device} = ttnn.sigmoid(%6)
  %8: bf16[8,16]{row_major,device} = ttnn.linear(%0, %2)
  %9: bf16[8,16]{row_major,device} = ttnn.exp(%8)
  %10: bf16[8,16]{row_major,device} = ttnn.linear(%0, %2)
  %11: bf16[8,16]{row_major,device} = ttnn.add(%10, %3)
  %12: bf16[8,16]{row_major,device} = ttnn.linear(%0, %2)
  %13: bf16[8,16]{row_major,device} = ttnn.add(%12, %1)
  return (%4, %5, %7, %9, %11, %13)
}
)";
    expect_pass(fuse_linear_activation, text, text);
}

// Convolutions keep their activation node until the conv kernel applies Conv2dConfig's activation
// from the node (kConvKernelAppliesActivation in fuse_linear_activation.cpp); then the relu6 below
// becomes conv2d(..., activation="relu6") and the tanh-approximated gelu stays (conv has none).
TEST(FusionPasses, ConvTakesItsActivationButNotApproximateGelu) {
    const std::string before = R"(graph(%0: bf16[1,1,40,8]{row_major,device} "x") {
  %1 = const bf16[6,8,3,3]{row_major,device} "w"
  %2: bf16[1,1,40,6]{row_major,device} = ttnn.conv2d(%0, %1, batch_size=2, in_channels=8, input_height=4, input_width=5, kernel_size=[3, 3], out_channels=6, padding=[1, 1])  @"conv"
  %3: bf16[1,1,40,6]{row_major,device} = ttnn.relu6(%2)  @"relu6"
  %4: bf16[1,1,40,6]{row_major,device} = ttnn.conv2d(%3, %1, batch_size=2, in_channels=8, input_height=4, input_width=5, kernel_size=[3, 3], out_channels=6, padding=[1, 1])  @"conv2"
  %5: bf16[1,1,40,6]{row_major,device} = ttnn.gelu(%4, fast_and_approximate_mode=True)
  return (%5)
}
)";
    // Conv2dConfig has no tanh-approximated gelu: that one stays a separate op.
    const std::string after = R"(graph(%0: bf16[1,1,40,8]{row_major,device} "x") {
  %1 = const bf16[6,8,3,3]{row_major,device} "w"
  %2: bf16[1,1,40,6]{row_major,device} = ttnn.conv2d(%0, %1, activation="relu6", batch_size=2, in_channels=8, input_height=4, input_width=5, kernel_size=[3, 3], out_channels=6, padding=[1, 1])  @"conv"
  %3: bf16[1,1,40,6]{row_major,device} = ttnn.conv2d(%2, %1, batch_size=2, in_channels=8, input_height=4, input_width=5, kernel_size=[3, 3], out_channels=6, padding=[1, 1])  @"conv2"
  %4: bf16[1,1,40,6]{row_major,device} = ttnn.gelu(%3, fast_and_approximate_mode=True)
  return (%4)
}
)";
    expect_pass(fuse_linear_activation, before, after);
}

// q @ k^T / 4 + mask -> softmax -> @ v as torch's matmul traces it for 4-D operands (bmm over
// [B*H, S, D] views) becomes one SDPA; the 2-D mask is reshaped to rank 4.
TEST(FusionPasses, AttentionThroughBatchedMatmulViews) {
    ASSERT_NE(KernelTable::instance().find("ttnn.transformer.scaled_dot_product_attention"), nullptr);
    expect_pass(fuse_attention, R"(graph(%0: bf16[2,4,8,16] "q", %1: bf16[2,4,8,16] "k", %2: bf16[2,4,8,16] "v", %3: bf16[8,8] "mask") {
  %4: bf16[2,4,16,8] = ttnn.permute(%1, dims=[0, 1, 3, 2])
  %5: bf16[8,8,16] = ttnn.reshape(%0, shape=[8, 8, 16])
  %6: bf16[8,16,8] = ttnn.reshape(%4, shape=[8, 16, 8])
  %7: bf16[8,8,8] = ttnn.matmul(%5, %6, fp32_dest_acc_en=True, math_fidelity="HiFi2")
  %8: bf16[2,4,8,8] = ttnn.reshape(%7, shape=[2, 4, 8, 8])
  %9: bf16[2,4,8,8] = ttnn.divide(%8, 4.0)
  %10: bf16[2,4,8,8] = ttnn.add(%9, %3)
  %11: bf16[2,4,8,8] = ttnn.softmax(%10, dim=-1)
  %12: bf16[8,8,8] = ttnn.reshape(%11, shape=[8, 8, 8])
  %13: bf16[8,8,16] = ttnn.reshape(%2, shape=[8, 8, 16])
  %14: bf16[8,8,16] = ttnn.matmul(%12, %13, fp32_dest_acc_en=True, math_fidelity="HiFi2")
  %15: bf16[2,4,8,16] = ttnn.reshape(%14, shape=[2, 4, 8, 16])  @"attn"
  return (%15)
}
)",
                R"(graph(%0: bf16[2,4,8,16] "q", %1: bf16[2,4,8,16] "k", %2: bf16[2,4,8,16] "v", %3: bf16[8,8] "mask") {
  %4: bf16[1,1,8,8] = ttnn.reshape(%3, shape=[1, 1, 8, 8])  @"attn"
  %5: bf16[2,4,8,16] = ttnn.transformer.scaled_dot_product_attention(%0, %1, %2, attn_mask=%4, fp32_dest_acc_en=True, is_causal=False, math_fidelity="HiFi2", scale=0.25)  @"attn"
  return (%5)
}
)",
                /*ttnn_level=*/true);
}

// 4-D products, one k/v head broadcast over the query heads (multi-query), a scale by
// multiplication, no mask.
TEST(FusionPasses, AttentionFourDimensionalGroupedQuery) {
    ASSERT_NE(KernelTable::instance().find("ttnn.transformer.scaled_dot_product_attention"), nullptr);
    expect_pass(fuse_attention, R"(graph(%0: f32[1,4,5,8] "q", %1: f32[1,1,7,8] "k", %2: f32[1,1,7,8] "v") {
  %3: f32[1,1,8,7] = ttnn.permute(%1, dims=[0, 1, -1, -2])
  %4: f32[1,4,5,7] = ttnn.matmul(%0, %3)
  %5: f32[1,4,5,7] = ttnn.multiply(%4, 0.125)
  %6: f32[1,4,5,7] = ttnn.softmax(%5, dim=3)
  %7: f32[1,4,5,8] = ttnn.matmul(%6, %2)
  return (%7)
}
)",
                R"(graph(%0: f32[1,4,5,8] "q", %1: f32[1,1,7,8] "k", %2: f32[1,1,7,8] "v") {
  %3: f32[1,4,5,8] = ttnn.transformer.scaled_dot_product_attention(%0, %1, %2, is_causal=False, scale=0.125)
  return (%3)
}
)");
}

// Left alone: scores read elsewhere, a softmax over another dim, a mask that does not broadcast
// the way SDPA takes it (per query row only), a product that is not k^T.
TEST(FusionPasses, AttentionLeavesOtherPatternsAlone) {
    const std::vector<std::string> graphs = {
        R"(graph(%0: f32[1,2,5,8] "q", %1: f32[1,2,5,8] "k", %2: f32[1,2,5,8] "v") {
  %3: f32[1,2,8,5] = ttnn.permute(%1, dims=[0, 1, 3, 2])
  %4: f32[1,2,5,5] = ttnn.matmul(%0, %3)
  %5: f32[1,2,5,5] = ttnn.softmax(%4, dim=-1)
  %6: f32[1,2,5,8] = ttnn.matmul(%5, %2)
  return (%6, %4)
}
)",
        R"(graph(%0: f32[1,2,5,8] "q", %1: f32[1,2,5,8] "k", %2: f32[1,2,5,8] "v") {
  %3: f32[1,2,8,5] = ttnn.permute(%1, dims=[0, 1, 3, 2])
  %4: f32[1,2,5,5] = ttnn.matmul(%0, %3)
  %5: f32[1,2,5,5] = ttnn.softmax(%4, dim=2)
  %6: f32[1,2,5,8] = ttnn.matmul(%5, %2)
  return (%6)
}
)",
        R"(graph(%0: f32[1,2,5,8] "q", %1: f32[1,2,5,8] "k", %2: f32[1,2,5,8] "v", %3: f32[5,1] "m") {
  %4: f32[1,2,8,5] = ttnn.permute(%1, dims=[0, 1, 3, 2])
  %5: f32[1,2,5,5] = ttnn.matmul(%0, %4)
  %6: f32[1,2,5,5] = ttnn.add(%5, %3)
  %7: f32[1,2,5,5] = ttnn.softmax(%6, dim=-1)
  %8: f32[1,2,5,8] = ttnn.matmul(%7, %2)
  return (%8)
}
)",
        R"(graph(%0: f32[1,2,5,8] "q", %1: f32[1,2,8,5] "kt", %2: f32[1,2,5,8] "v") {
  %3: f32[1,2,5,5] = ttnn.matmul(%0, %1)
  %4: f32[1,2,5,5] = ttnn.softmax(%3, dim=-1)
  %5: f32[1,2,5,8] = ttnn.matmul(%4, %2)
  return (%5)
}
)",
    };
    for (const std::string& text : graphs)
        EXPECT_EQ(fuse_attention(parse_graph(text), PassOptions{}).to_text(), text);
}

// The whole pipeline on conv -> batch norm -> relu -> conv -> batch norm: the batch norms fold into
// the convolutions, the convolutions run back to back on channels-last values, and the program
// computes what the unfused one does.
TEST(FusionPasses, PipelineFoldsBatchNormAndRunsChannelsLast) {
    const Graph aten = parse_graph(R"(graph(%0: f32[2,3,9,7] "x") {
  %1 = const f32[8,3,3,3] "w1"
  %2 = const f32[8] "b1"
  %3 = const f32[8] "g1"
  %4 = const f32[8] "beta1"
  %5 = const f32[8] "m1"
  %6 = const f32[8] "v1"
  %7 = const f32[4,8,3,3] "w2"
  %8 = const f32[4] "g2"
  %9 = const f32[4] "beta2"
  %10 = const f32[4] "m2"
  %11 = const f32[4] "v2"
  %12: f32[2,8,9,7] = aten::convolution.default(%0, %1, %2, [1, 1], [1, 1], [1, 1], False, [0, 0], 1)  @"conv1"
  %13: f32[2,8,9,7], %14: f32[0], %15: f32[0] = aten::_native_batch_norm_legit_no_training.default(%12, %3, %4, %5, %6, 0.1, 1e-05)  @"bn1"
  %16: f32[2,8,9,7] = aten::relu.default(%13)  @"relu"
  %17: f32[2,4,5,4] = aten::convolution.default(%16, %7, None, [2, 2], [1, 1], [1, 1], False, [0, 0], 1)  @"conv2"
  %18: f32[2,4,5,4], %19: f32[0], %20: f32[0] = aten::_native_batch_norm_legit_no_training.default(%17, %8, %9, %10, %11, 0.1, 1e-05)  @"bn2"
  return (%18)
}
)",
                                   [](const ValueType& type, const std::string& name) {
                                       std::vector<float> v(static_cast<std::size_t>(type.numel()));
                                       for (std::size_t i = 0; i < v.size(); ++i) {
                                           const float r = std::sin(1.7f * static_cast<float>(i) + static_cast<float>(name.size()));
                                           v[i] = name[0] == 'v' ? 0.5f + r * r : r;  // variances > 0
                                       }
                                       return host_f32(v, type.shape);
                                   });
    auto device = Device::open(0, DeviceConfig{});
    PassOptions options;
    options.lower.faithful = false;
    options.target.device = device;
    PipelineOptions pipeline_options;
    pipeline_options.verify = true;
    const Graph fused = compile_graph(aten, options, pipeline_options);
    options.fuse = false;
    const Graph plain = compile_graph(aten, options, pipeline_options);

    auto ops = [](const Graph& g) {
        std::vector<std::string> names;
        for (const Node& n : g.nodes()) names.push_back(n.op);
        return names;
    };
    const std::vector<std::string> f = ops(fused), p = ops(plain);
    EXPECT_EQ(std::count(f.begin(), f.end(), "ttnn.batch_norm"), 0) << fused.to_text();
    EXPECT_EQ(std::count(p.begin(), p.end(), "ttnn.batch_norm"), 2) << plain.to_text();
    EXPECT_EQ(std::count(f.begin(), f.end(), "ttnn.permute"), 2) << fused.to_text();
    const auto first = std::find(f.begin(), f.end(), "ttnn.conv2d");
    ASSERT_NE(first, f.end());
    // Nothing between the convolutions: the relu is the first conv's fused activation.
    const auto second = std::find(first + 1, f.end(), "ttnn.conv2d");
    ASSERT_NE(second, f.end());
    EXPECT_EQ(second, first + 1) << fused.to_text();
    EXPECT_NE(fused.to_text().find("activation=\"relu\""), std::string::npos) << fused.to_text();

    std::vector<float> x(2 * 3 * 9 * 7);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::cos(0.37f * static_cast<float>(i));
    const Tensor input = host_f32(x, {2, 3, 9, 7});
    ExecTarget target;
    target.device = device;
    const std::vector<float> got = values_of(Program(fused, target).run({input}).at(0));
    const std::vector<float> want = values_of(Program(plain, target).run({input}).at(0));
    ASSERT_EQ(got.size(), want.size());
    // The convolutions' operands go through the matrix engine's TF32 even in fast mode, and the
    // folded weights round differently from the original ones: agreement to ~1e-3 of the range.
    float range = 0;
    for (float v : want) range = std::max(range, std::abs(v));
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 5e-3f * range) << i;
    device->close();
}
