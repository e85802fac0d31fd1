// legalize-layouts and cancel-transfers on golden text: the permute/reshape wrapping that lowering
// puts around channels-last ops cancels between them, conversions that undo each other go away.
#include <gtest/gtest.h>

#include <string>

#include "ttnn/graph/passes.hpp"
#include "ttnn/graph/text.hpp"

using namespace ttnn;
using namespace ttnn::graph;

namespace {

// Runs `pass` on `before`, checks the golden text, that the result verifies and that the pass is
// at a fixed point.
void expect_pass(Graph (*pass)(const Graph&, const PassOptions&), const std::string& before,
                 const std::string& expected, bool ttnn_level = false) {
    const Graph after = pass(parse_graph(before), PassOptions{});
    EXPECT_EQ(after.to_text(), expected);
    verify(after, "test", ttnn_level);
    EXPECT_EQ(pass(after, PassOptions{}).to_text(), expected) << "not a fixed point";
}

}  // namespace

// conv -> relu -> conv as lowered: the permutes and reshapes between the convs cancel.
TEST(LayoutPasses, ConvReluConvRunsChannelsLast) {
    const std::string before = R"(graph(%0: f32[2,8,4,5]{row_major,device} "x") {
  %1 = const f32[6,8,3,3]{row_major,device} "w1"
  %2 = const f32[3,6,3,3]{row_major,device} "w2"
  %3: f32[2,4,5,8]{row_major,device} = ttnn.permute(%0, dims=[0, 2, 3, 1])  @"conv1"
  %4: f32[1,1,40,8]{row_major,device} = ttnn.reshape(%3, shape=[1, 1, 40, 8])  @"conv1"
  %5: f32[1,1,40,6]{row_major,device} = ttnn.conv2d(%4, %1, batch_size=2, in_channels=8, input_height=4, input_width=5, kernel_size=[3, 3], out_channels=6, padding=[1, 1])  @"conv1"
  %6: f32[2,4,5,6]{row_major,device} = ttnn.reshape(%5, shape=[2, 4, 5, 6])  @"conv1"
  %7: f32[2,6,4,5]{row_major,device} = ttnn.permute(%6, dims=[0, 3, 1, 2])  @"conv1"
  %8: f32[2,6,4,5]{row_major,device} = ttnn.relu(%7)  @"relu"
  %9: f32[2,4,5,6]{row_major,device} = ttnn.permute(%8, dims=[0, 2, 3, 1])  @"conv2"
  %10: f32[1,1,40,6]{row_major,device} = ttnn.reshape(%9, shape=[1, 1, 40, 6])  @"conv2"
  %11: f32[1,1,40,3]{row_major,device} = ttnn.conv2d(%10, %2, batch_size=2, in_channels=6, input_height=4, input_width=5, kernel_size=[3, 3], out_channels=3, padding=[1, 1])  @"conv2"
  %12: f32[2,4,5,3]{row_major,device} = ttnn.reshape(%11, shape=[2, 4, 5, 3])  @"conv2"
  %13: f32[2,3,4,5]{row_major,device} = ttnn.permute(%12, dims=[0, 3, 1, 2])  @"conv2"
  return (%13)
}
)";
    const std::string expected = R"(graph(%0: f32[2,8,4,5]{row_major,device} "x") {
  %1 = const f32[6,8,3,3]{row_major,device} "w1"
  %2 = const f32[3,6,3,3]{row_major,device} "w2"
  %3: f32[2,4,5,8]{row_major,device} = ttnn.permute(%0, dims=[0, 2, 3, 1])  @"conv1"
  %4: f32[1,1,40,8]{row_major,device} = ttnn.reshape(%3, shape=[1, 1, 40, 8])  @"conv1"
  %5: f32[1,1,40,6]{row_major,device} = ttnn.conv2d(%4, %1, batch_size=2, in_channels=8, input_height=4, input_width=5, kernel_size=[3, 3], out_channels=6, padding=[1, 1])  @"conv1"
  %6: f32[1,1,40,6]{row_major,device} = ttnn.relu(%5)  @"relu"
  %7: f32[1,1,40,3]{row_major,device} = ttnn.conv2d(%6, %2, batch_size=2, in_channels=6, input_height=4, input_width=5, kernel_size=[3, 3], out_channels=3, padding=[1, 1])  @"conv2"
  %8: f32[2,4,5,3]{row_major,device} = ttnn.reshape(%7, shape=[2, 4, 5, 3])  @"conv2"
  %9: f32[2,3,4,5]{row_major,device} = ttnn.permute(%8, dims=[0, 3, 1, 2])  @"conv2"
  return (%9)
}
)";
    expect_pass(legalize_layouts, before, expected, /*ttnn_level=*/true);
}

// A ResNet basic block: the residual add and the relu after it run on the convs' flat outputs,
// although the block input also feeds the second conv.
TEST(LayoutPasses, ResidualAddRunsChannelsLast) {
    const std::string before = R"(graph(%0: f32[1,1,40,6]{row_major,device} "a_flat") {
  %1 = const f32[6,6,3,3]{row_major,device} "w"
  %2: f32[2,4,5,6]{row_major,device} = ttnn.reshape(%0, shape=[2, 4, 5, 6])
  %3: f32[2,6,4,5]{row_major,device} = ttnn.permute(%2, dims=[0, 3, 1, 2])
  %4: f32[2,6,4,5]{row_major,device} = ttnn.relu(%3)  @"relu1"
  %5: f32[2,4,5,6]{row_major,device} = ttnn.permute(%4, dims=[0, 2, 3, 1])
  %6: f32[1,1,40,6]{row_major,device} = ttnn.reshape(%5, shape=[1, 1, 40, 6])
  %7: f32[1,1,40,6]{row_major,device} = ttnn.conv2d(%6, %1, batch_size=2, in_channels=6, out_channels=6)  @"conv"
  %8: f32[2,4,5,6]{row_major,device} = ttnn.reshape(%7, shape=[2, 4, 5, 6])
  %9: f32[2,6,4,5]{row_major,device} = ttnn.permute(%8, dims=[0, 3, 1, 2])
  %10: f32[2,6,4,5]{row_major,device} = ttnn.add(%9, %4)  @"add"
  %11: f32[2,6,4,5]{row_major,device} = ttnn.relu(%10)  @"relu2"
  return (%11)
}
)";
    const std::string expected = R"(graph(%0: f32[1,1,40,6]{row_major,device} "a_flat") {
  %1 = const f32[6,6,3,3]{row_major,device} "w"
  %2: f32[1,1,40,6]{row_major,device} = ttnn.relu(%0)  @"relu1"
  %3: f32[1,1,40,6]{row_major,device} = ttnn.conv2d(%2, %1, batch_size=2, in_channels=6, out_channels=6)  @"conv"
  %4: f32[1,1,40,6]{row_major,device} = ttnn.add(%3, %2)  @"add"
  %5: f32[1,1,40,6]{row_major,device} = ttnn.relu(%4)  @"relu2"
  %6: f32[2,4,5,6]{row_major,device} = ttnn.reshape(%5, shape=[2, 4, 5, 6])
  %7: f32[2,6,4,5]{row_major,device} = ttnn.permute(%6, dims=[0, 3, 1, 2])
  return (%7)
}
)";
    expect_pass(legalize_layouts, before, expected);
}

TEST(LayoutPasses, ComposesPermutesAndReshapes) {
    const std::string before = R"(graph(%0: f32[2,3,4] "x") {
  %1: f32[3,4,2] = ttnn.permute(%0, dims=[1, 2, 0])
  %2: f32[4,2,3] = ttnn.permute(%1, dims=[1, 2, 0])
  %3: f32[24] = ttnn.reshape(%0, shape=[24])
  %4: f32[6,4] = ttnn.reshape(%3, shape=[6, -1])
  %5: f32[2,3,4] = ttnn.reshape(%4, shape=[2, 3, 4])
  %6: f32[2,3,4] = ttnn.permute(%0, dims=[0, 1, -1])
  %7: f32[2,1,3,4] = ttnn.reshape(%0, shape=[2, 1, 3, 4])
  %8: f32[2,3,4,1] = ttnn.permute(%7, dims=[0, 2, 3, 1])
  return (%2, %4, %5, %6, %8)
}
)";
    // permute(permute(x, [1,2,0]), [1,2,0]) = permute(x, [2,0,1]); reshape chains collapse; the
    // identity permute and the reshape back to x go; a permute of a size-1 dim is a reshape.
    const std::string expected = R"(graph(%0: f32[2,3,4] "x") {
  %1: f32[4,2,3] = ttnn.permute(%0, dims=[2, 0, 1])
  %2: f32[6,4] = ttnn.reshape(%0, shape=[6, 4])
  %3: f32[2,3,4,1] = ttnn.reshape(%0, shape=[2, 3, 4, 1])
  return (%1, %2, %0, %0, %3)
}
)";
    expect_pass(legalize_layouts, before, expected);
}

// Binary ops: a constant operand is permuted the other way (fold-constants folds it later; this
// permute moves only size-1 dims, so it is a reshape), a scalar broadcasts either way, and a
// per-channel [1,1,1,C] value crosses the flattening reshape.
TEST(LayoutPasses, SinksThroughBinaryOpsWithConstantsAndScalars) {
    const std::string before = R"(graph(%0: f32[1,1,40,6] "y") {
  %1 = const f32[1,6,1,1] "bias"
  %2 = const f32[] "two"
  %3: f32[2,4,5,6] = ttnn.reshape(%0, shape=[2, 4, 5, 6])
  %4: f32[2,6,4,5] = ttnn.permute(%3, dims=[0, 3, 1, 2])
  %5: f32[2,6,4,5] = ttnn.add(%4, %1)  @"add"
  %6: f32[2,6,4,5] = ttnn.multiply(%5, %2)  @"mul"
  %7: f32[2,6,4,5] = ttnn.subtract(%6, 0.5)  @"sub"
  %8: u8[2,6,4,5] = ttnn.gt(%7, %7)  @"gt"
  return (%8)
}
)";
    const std::string expected = R"(graph(%0: f32[1,1,40,6] "y") {
  %1 = const f32[1,6,1,1] "bias"
  %2 = const f32[] "two"
  %3: f32[1,1,1,6] = ttnn.reshape(%1, shape=[1, 1, 1, 6])  @"add"
  %4: f32[1,1,40,6] = ttnn.add(%0, %3)  @"add"
  %5: f32[1,1,40,6] = ttnn.multiply(%4, %2)  @"mul"
  %6: f32[1,1,40,6] = ttnn.subtract(%5, 0.5)  @"sub"
  %7: u8[1,1,40,6] = ttnn.gt(%6, %6)  @"gt"
  %8: u8[2,4,5,6] = ttnn.reshape(%7, shape=[2, 4, 5, 6])
  %9: u8[2,6,4,5] = ttnn.permute(%8, dims=[0, 3, 1, 2])
  return (%9)
}
)";
    expect_pass(legalize_layouts, before, expected);
}

// Nothing moves across a permute that other readers keep anyway, between operands with different
// layout ops, or across ops that are not elementwise; a permute read twice by one op is its own.
TEST(LayoutPasses, LeavesSharedAndMismatchedLayoutOpsAlone) {
    const std::string before = R"(graph(%0: f32[2,3,4] "x", %1: f32[2,4,3] "y", %2: f32[3,2,4] "w") {
  %3: f32[2,4,3] = ttnn.permute(%0, dims=[0, 2, 1])
  %4: f32[2,4,3] = ttnn.relu(%3)
  %5: f32[4,3,2] = ttnn.permute(%1, dims=[1, 2, 0])
  %6: f32[4,3,2] = ttnn.add(%5, %5)
  %7: f32[3,4,2] = ttnn.permute(%0, dims=[1, 2, 0])
  %8: f32[3,4,2] = ttnn.permute(%2, dims=[0, 2, 1])
  %9: f32[3,4,2] = ttnn.add(%7, %8)
  %10: f32[2,4,1] = ttnn.sum(%3, dim=-1, keepdim=True)
  return (%3, %4, %6, %9, %10)
}
)";
    const std::string expected = R"(graph(%0: f32[2,3,4] "x", %1: f32[2,4,3] "y", %2: f32[3,2,4] "w") {
  %3: f32[2,4,3] = ttnn.permute(%0, dims=[0, 2, 1])
  %4: f32[2,4,3] = ttnn.relu(%3)
  %5: f32[2,4,3] = ttnn.add(%1, %1)
  %6: f32[4,3,2] = ttnn.permute(%5, dims=[1, 2, 0])
  %7: f32[3,4,2] = ttnn.permute(%0, dims=[1, 2, 0])
  %8: f32[3,4,2] = ttnn.permute(%2, dims=[0, 2, 1])
  %9: f32[3,4,2] = ttnn.add(%7, %8)
  %10: f32[2,4,1] = ttnn.sum(%3, dim=-1, keepdim=True)
  return (%3, %4, %6, %9, %10)
}
)";
    expect_pass(legalize_layouts, before, expected);
}

TEST(LayoutPasses, CancelTransfersGolden) {
    const std::string before = R"(graph(%0: f32[4,8]{row_major,host} "x", %1: f32[4,8]{row_major,device} "d") {
  %2: f32[4,8]{row_major,device} = ttnn.to_device(%0)
  %3: f32[4,8]{row_major,host} = ttnn.from_device(%2)
  %4: f32[4,8]{row_major,host} = ttnn.from_device(%1)
  %5: f32[4,8]{row_major,device} = ttnn.to_device(%4)
  %6: f32[4,8]{tile,device} = ttnn.to_layout(%5)
  %7: f32[4,8]{row_major,device} = ttnn.to_layout(%6)
  %8: bf16[4,8]{tile,device} = ttnn.to_layout(%7)
  %9: bf16[4,8]{row_major,device} = ttnn.to_layout(%8)
  %10: f32[4,8]{row_major,device} = ttnn.to_layout(%9)
  %11: f32[4,8]{row_major,device} = ttnn.typecast(%10)
  %12: f32[4,8]{row_major,host} = ttnn.from_device(%11)
  %13: bf16[4,8]{row_major,device} = ttnn.to_device(%0)
  %14: bf16[4,8]{row_major,host} = ttnn.from_device(%13)
  return (%3, %12, %14)
}
)";
    // The graph input's own round trip stays (an output never aliases an input); bf16 rounding
    // stays; the device value's host round trip and the layout pairs go, and
    // bf16 tile -> bf16 row-major -> f32 row-major is one conversion.
    const std::string expected = R"(graph(%0: f32[4,8]{row_major,host} "x", %1: f32[4,8]{row_major,device} "d") {
  %2: f32[4,8]{row_major,device} = ttnn.to_device(%0)
  %3: f32[4,8]{row_major,host} = ttnn.from_device(%2)
  %4: bf16[4,8]{tile,device} = ttnn.to_layout(%1)
  %5: f32[4,8]{row_major,device} = ttnn.to_layout(%4)
  %6: f32[4,8]{row_major,host} = ttnn.from_device(%5)
  %7: bf16[4,8]{row_major,device} = ttnn.to_device(%0)
  %8: bf16[4,8]{row_major,host} = ttnn.from_device(%7)
  return (%3, %6, %8)
}
)";
    expect_pass(cancel_transfers, before, expected, /*ttnn_level=*/true);
}
