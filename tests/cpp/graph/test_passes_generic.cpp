// The generic passes on golden text (dead code, common subexpressions), the verifier catching broken
// graphs, the pipeline table and the Graphviz dump.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "ttnn/core/error.hpp"
#include "ttnn/graph/passes.hpp"
#include "ttnn/graph/text.hpp"

using namespace ttnn;
using namespace ttnn::graph;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string verify_error(const Graph& g, bool ttnn_level = false) {
    try {
        verify(g, "my-pass", ttnn_level);
    } catch (const InvalidState& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(GraphPasses, DeadCodeGolden) {
    const Graph before = parse_graph(R"(graph(%0: f32[4] "x", %1: f32[4] "y", %2: f32[4] "unused_input") {
  %3 = const f32[4] "used"
  %4 = const f32[4] "read_by_dead_code"
  %5 = const f32[4] "never_read"
  %6: f32[4] = aten::add.Tensor(%0, %3, 1)  @"add"
  %7: f32[4] = aten::mul.Tensor(%6, %4)  @"dead_mul"
  %8: f32[4] = aten::neg.default(%7)  @"dead_neg"
  %9: f32[4] = aten::add_.Tensor(%1, %0, 1)  @"in_place"
  %10: f32[4] = aten::copy_.default(%1, %6, False)
  %11: f32[4] = aten::__and__.Tensor(%0, %0)
  %12: f32[4] = aten::__iand__.Tensor(%1, %0)
  %13: f32[4], %14: i64[4] = aten::sort.default(%6, -1, False)
  %15: f32[4] = aten::relu.default(%14)
  = aten::_assert_async.msg(%0, "checked")
  return (%13, %0)
}
)");
    const std::string expected = R"(graph(%0: f32[4] "x", %1: f32[4] "y", %2: f32[4] "unused_input") {
  %3 = const f32[4] "used"
  %4: f32[4] = aten::add.Tensor(%0, %3, 1)  @"add"
  %5: f32[4] = aten::add_.Tensor(%1, %0, 1)  @"in_place"
  %6: f32[4] = aten::copy_.default(%1, %4, False)
  %7: f32[4] = aten::__iand__.Tensor(%1, %0)
  %8: f32[4], %9: i64[4] = aten::sort.default(%4, -1, False)
   = aten::_assert_async.msg(%0, "checked")
  return (%8, %0)
}
)";
    const Graph after = eliminate_dead_code_aten(before, PassOptions{});
    EXPECT_EQ(after.to_text(), expected);
    verify(after, "eliminate-dead-code-aten", false);
    // Same algorithm at both levels, and a fixed point.
    EXPECT_EQ(eliminate_dead_code(before, PassOptions{}).to_text(), expected);
    EXPECT_EQ(eliminate_dead_code(after, PassOptions{}).to_text(), expected);
}

TEST(GraphPasses, DeadCodeKeepsForeachAndDropsEverythingUnused) {
    const Graph before = parse_graph(R"(graph(%0: f32[4]) {
  %1: f32[4] = aten::_foreach_add.Scalar([v: %0], 1.0)
  %2: f32[4] = aten::exp.default(%0)
  %3: f32[4] = aten::log.default(%2)
  return ()
}
)");
    EXPECT_EQ(eliminate_dead_code(before, PassOptions{}).to_text(), R"(graph(%0: f32[4]) {
  %1: f32[4] = aten::_foreach_add.Scalar([v: %0], 1.0)
  return ()
}
)");
}

TEST(GraphPasses, CommonSubexpressionsGolden) {
    const Graph before = parse_graph(R"(graph(%0: bf16[4]{tile,device} "x") {
  %1 = const bf16[4]{tile,device} "c"
  %2: bf16[4]{tile,device} = ttnn.relu(%0)  @"relu_a"
  %3: bf16[4]{tile,device} = ttnn.relu(%0)  @"relu_b"
  %4: bf16[4]{tile,device} = ttnn.add(%2, %3)
  %5: bf16[4]{tile,device} = ttnn.add(%3, %2)
  %6: bf16[4]{tile,device} = ttnn.multiply(%0, %1, scale=2.0)
  %7: bf16[4]{tile,device} = ttnn.multiply(%0, %1, scale=2)
  %8: bf16[4]{tile,device} = ttnn.multiply(%0, %1, scale=2.0)
  %9: f32[4]{tile,device} = ttnn.relu(%0)
  %10: bf16[4]{tile,device} = ttnn.rand(shape=[4])
  %11: bf16[4]{tile,device} = ttnn.rand(shape=[4])
  %12: bf16[4]{tile,device} = ttnn.dropout(%0, p=0.5)
  %13: bf16[4]{tile,device} = ttnn.dropout(%0, p=0.5)
  %14: bf16[4]{tile,device} = ttnn.empty(shape=[4])
  %15: bf16[4]{tile,device} = ttnn.empty(shape=[4])
  return (%4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15)
}
)");
    const std::string expected = R"(graph(%0: bf16[4]{tile,device} "x") {
  %1 = const bf16[4]{tile,device} "c"
  %2: bf16[4]{tile,device} = ttnn.relu(%0)  @"relu_a"
  %3: bf16[4]{tile,device} = ttnn.add(%2, %2)
  %4: bf16[4]{tile,device} = ttnn.multiply(%0, %1, scale=2.0)
  %5: bf16[4]{tile,device} = ttnn.multiply(%0, %1, scale=2)
  %6: f32[4]{tile,device} = ttnn.relu(%0)
  %7: bf16[4]{tile,device} = ttnn.rand(shape=[4])
  %8: bf16[4]{tile,device} = ttnn.rand(shape=[4])
  %9: bf16[4]{tile,device} = ttnn.dropout(%0, p=0.5)
  %10: bf16[4]{tile,device} = ttnn.dropout(%0, p=0.5)
  %11: bf16[4]{tile,device} = ttnn.empty(shape=[4])
  %12: bf16[4]{tile,device} = ttnn.empty(shape=[4])
  return (%3, %3, %4, %5, %4, %6, %7, %8, %9, %10, %11, %12)
}
)";
    const Graph after = eliminate_common_subexpressions(before, PassOptions{});
    EXPECT_EQ(after.to_text(), expected);
    verify(after, "eliminate-common-subexpressions", false);
    EXPECT_EQ(eliminate_common_subexpressions(after, PassOptions{}).to_text(), expected);
}

TEST(GraphPasses, CommonSubexpressionsNeverMergeInPlaceOps) {
    const std::string text = R"(graph(%0: f32[4], %1: f32[4]) {
  %2: f32[4] = aten::add_.Tensor(%0, %1, 1)
  %3: f32[4] = aten::add_.Tensor(%0, %1, 1)
  %4: f32[4] = aten::bernoulli.p(%0, 0.5, None)
  %5: f32[4] = aten::bernoulli.p(%0, 0.5, None)
  return (%2, %3, %4, %5)
}
)";
    EXPECT_EQ(eliminate_common_subexpressions(parse_graph(text), PassOptions{}).to_text(), text);
}

TEST(GraphVerify, AcceptsAWellFormedGraph) {
    const Graph g = parse_graph(R"(graph(%0: f32[4]) {
  %1 = const f32[4]
  %2: f32[4], %3: i64[4] = aten::sort.default(%0, -1, False)
  %4: f32[4] = aten::add.Tensor(%2, %1, 1)
  return (%4, %3, %0, %1)
}
)");
    EXPECT_EQ(verify_error(g), "");
}

TEST(GraphVerify, CatchesUseBeforeDefinition) {
    Graph g = parse_graph(R"(graph(%0: f32[4]) {
  %1: f32[4] = aten::neg.default(%0)
  %2: f32[4] = aten::exp.default(%1)  @"exp"
  return (%2)
}
)");
    std::swap(g.mutable_nodes()[0], g.mutable_nodes()[1]);
    const std::string message = verify_error(g);
    EXPECT_TRUE(contains(message,
                         "verify: after pass 'my-pass': node 0 (aten::exp.default @exp) reads %1 before it is defined"))
        << message;
}

TEST(GraphVerify, CatchesRedefinitionUndefinedOutputsAndWrongLevel) {
    const std::string text = R"(graph(%0: f32[4]) {
  %1: f32[4] = aten::neg.default(%0)
  %2: f32[4] = aten::exp.default(%1)
  return (%2)
}
)";
    Graph twice = parse_graph(text);
    twice.mutable_nodes()[1].outputs = twice.nodes()[0].outputs;
    EXPECT_TRUE(contains(verify_error(twice), "node 1 (aten::exp.default) redefines %1")) << verify_error(twice);

    Graph dangling = parse_graph(text);
    dangling.set_outputs({2, 17});
    EXPECT_TRUE(contains(verify_error(dangling), "graph output %17 is not defined")) << verify_error(dangling);

    Graph unknown = parse_graph(text);
    unknown.mutable_nodes()[1].args = {ValueRef{40}};
    EXPECT_TRUE(contains(verify_error(unknown), "reads unknown value %40")) << verify_error(unknown);

    EXPECT_TRUE(contains(verify_error(parse_graph(text), true), "node 0 (aten::neg.default) is not a TT-NN op"));
}

TEST(GraphPasses, PipelineFollowsThePassList) {
    std::vector<std::string> names;
    for (const Pass& p : pipeline()) {
        names.push_back(p.level + ":" + p.name);
        EXPECT_TRUE(p.fn != nullptr);
    }
    ASSERT_GE(names.size(), 3u);
    EXPECT_EQ(names.front(), "aten:eliminate-dead-code-aten");
    EXPECT_EQ(names.back(), "ttnn:eliminate-dead-code");
    EXPECT_NE(std::find(names.begin(), names.end(), "ttnn:eliminate-common-subexpressions"), names.end());
}

TEST(GraphPasses, DotNamesOpsAttributesAndTypes) {
    const Graph g = parse_graph(R"(graph(%0: bf16[8,64]{tile,device} "x") {
  %1 = const bf16[64,64]{tile,device} "fc.weight"
  %2: bf16[8,64]{tile,device} = ttnn.linear(%0, %1, activation="gelu", transpose_b=True)  @"fc"
  return (%2)
}
)");
    const std::string dot = to_dot(g, "after \"lower\"");
    EXPECT_TRUE(contains(dot, "digraph \"after \\\"lower\\\"\" {")) << dot;
    EXPECT_TRUE(contains(dot, "v0 [shape=ellipse")) << dot;
    EXPECT_TRUE(contains(dot, "v1 [shape=box")) << dot;
    EXPECT_TRUE(contains(dot, "label=\"ttnn.linear\\nactivation=\\\"gelu\\\"\\ntranspose_b=True\\n@fc\"")) << dot;
    EXPECT_TRUE(contains(dot, "v0 -> n0 [label=\"bf16[8,64]{tile,device}\"]")) << dot;
    EXPECT_TRUE(contains(dot, "n0 -> outputs")) << dot;
}

TEST(GraphPasses, CompileGraphRunsEveryStepAndKeepsTheTrace) {
    // Only the borders survive: the dead node goes before lowering (no rule is asked about it).
    const Graph aten = parse_graph(R"(graph(%0: f32[2,32] "x") {
  %1: f32[2,32] = aten::not_a_real_op.default(%0)  @"dead"
  return (%0)
}
)");
    PipelineOptions pipeline_options;
    pipeline_options.verify = true;
    pipeline_options.keep_text = true;
    pipeline_options.keep_dot = true;
    PipelineTrace trace;
    const Graph ttnn_graph = compile_graph(aten, PassOptions{}, pipeline_options, &trace);
    verify(ttnn_graph, "test", true);
    for (const Node& n : ttnn_graph.nodes()) EXPECT_NE(n.name, "dead") << ttnn_graph.to_text();

    std::vector<std::string> steps;
    for (const auto& [name, text] : trace.text_after) {
        steps.push_back(name);
        EXPECT_EQ(parse_graph(text).to_text(), text) << "the dump after " << name << " parses back";
    }
    std::vector<std::string> expected;
    for (const Pass& p : pipeline())
        if (p.level == "aten") expected.push_back(p.name);
    expected.push_back("lower");
    for (const Pass& p : pipeline())
        if (p.level == "ttnn") expected.push_back(p.name);
    EXPECT_EQ(steps, expected);
    ASSERT_EQ(trace.dot_after.size(), expected.size());
    EXPECT_TRUE(contains(trace.dot_after.back().second, "digraph"));
    EXPECT_EQ(trace.text_after.back().second, ttnn_graph.to_text());
}

TEST(GraphVerify, TtnnLevelNeedsAKernelPerOp) {
    const Graph good = parse_graph(R"(graph(%0: f32[4]{row_major,host}) {
  %1: f32[4]{row_major,device} = ttnn.to_device(%0)
  %2: f32[4]{row_major,host} = ttnn.from_device(%1)
  return (%2)
}
)");
    EXPECT_EQ(verify_error(good, true), "");
    const Graph bad = parse_graph(R"(graph(%0: f32[4]{row_major,host}) {
  %1: f32[4]{row_major,host} = ttnn.no_such_op(%0)  @"mystery"
  return (%1)
}
)");
    EXPECT_TRUE(contains(verify_error(bad, true), "node 0 (ttnn.no_such_op @mystery) has no kernel"))
        << verify_error(bad, true);
    EXPECT_EQ(verify_error(bad, false), "");
}
