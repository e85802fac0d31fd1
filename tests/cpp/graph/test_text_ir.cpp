// The graph IR's text form: golden texts print back unchanged after parsing, arbitrary value ids
// are renumbered, every argument kind survives, constants get data, and parse errors say where.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/graph/text.hpp"

using namespace ttnn;
using namespace ttnn::graph;

namespace {

std::string round_trip(const std::string& text) { return parse_graph(text).to_text(); }

// The InvalidArgument message of parsing `text` ("" if it parses).
std::string parse_error(const std::string& text) {
    try {
        parse_graph(text);
    } catch (const InvalidArgument& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(TextIr, AtenGoldenRoundTrips) {
    const std::string golden = R"(graph(%0: f32[8,3,32,32] "x", %1: i64[8] "labels") {
  %2 = const f32[16,3,3,3] "conv.weight"
  %3 = const f32[16]
  %4: f32[8,16,32,32] = aten::convolution.default(%0, %2, %3, [1, 1], [1, 1], [1, 1], False, [0, 0], 1)  @"conv"
  %5: f32[8,16,32,32] = aten::relu.default(%4)  @"relu"
  %6: f32[8,16,1,1] = aten::mean.dim(%5, [-1, -2], True, None)
  %7: f32[8,16] = aten::view.default(%6, [8, 16])
  %8: f32[8,16], %9: i64[8,16] = aten::max.dim(%7, 1, False)
  %10: f32[8,16] = aten::add.Tensor(%8, %7, 2.5)
  %11: f32[16,8] = aten::cat.default([v: %10, %8], 0)
  %12: f32[8,16] = aten::index.Tensor(%7, [v: None, %9])
  %13: f32[8,16] = aten::native_dropout.default(%12, 0.1, True)
  %14: f32[] = aten::scalar_tensor.default(-inf, None, None, None, None)
  return (%11, %13, %14)
}
)";
    EXPECT_EQ(round_trip(golden), golden);
}

TEST(TextIr, TtnnGoldenRoundTrips) {
    const std::string golden = R"(graph(%0: bf16[8,64]{row_major,host} "x") {
  %1 = const bf16[64,64]{tile,device} "fc.weight"
  %2 = const bfp8[64]{tile,device} "fc.bias"
  %3: bf16[8,64]{tile,device} = ttnn.to_device(%0, layout="tile", memory_config="dram")
  %4: bf16[8,64]{tile,device} = ttnn.linear(%3, %1, activation="gelu", bias=%2, transpose_b=True)  @"fc"
  %5: bf16[8,64]{tile,device} = ttnn.multiply(%4, none_arg=None, scale=0.125, scales=[f: 1.0, 2.5, 1e-05], shape=[8, 64])
  %6: f32[8,64]{row_major,host} = ttnn.from_device(%5, dtype="float32", empty=[], no_floats=[f:], no_values=[v:])
  %7: f32[8,64]{row_major} = ttnn.identity(%6)
  %8: f32[8,64]{host} = ttnn.identity(%7)
  return (%8, %5)
}
)";
    EXPECT_EQ(round_trip(golden), golden);
}

TEST(TextIr, StringsNamesAndEscapes) {
    const std::string golden = R"(graph(%0: f32[2] "in \"quoted\" \\ name") {
  %1: f32[2] = aten::custom.default(%0, "line1\nline2", "")  @"node \"n\"\\"
   = aten::_assert_async.msg(%1, "no outputs")
  return (%1)
}
)";
    Graph g = parse_graph(golden);
    EXPECT_EQ(g.value(g.inputs()[0]).name, "in \"quoted\" \\ name");
    EXPECT_EQ(std::get<std::string>(g.nodes()[0].args[1]), "line1\nline2");
    EXPECT_EQ(g.nodes()[0].name, "node \"n\"\\");
    EXPECT_TRUE(g.nodes()[1].outputs.empty());
    EXPECT_EQ(g.to_text(), golden);
}

TEST(TextIr, ArbitraryIdsAreRenumberedInDefinitionOrder) {
    const std::string text = R"(
// Ids as a hand-written test or another tool might number them; comments and blank lines are fine.
graph(%10: f32[4] "a", %3: f32[4]) {
  %100 = const f32[4] "c"

  %7: f32[4] = aten::add.Tensor(%10, %3, 1)
  %2: f32[4], %42: i64[4] = aten::sort.default(%7,
                                            -1,   // dim
                                            False)
  %5: f32[4] = aten::mul.Tensor(%2, %100)
  return (%5, %42)
}
)";
    const std::string expected = R"(graph(%0: f32[4] "a", %1: f32[4]) {
  %2 = const f32[4] "c"
  %3: f32[4] = aten::add.Tensor(%0, %1, 1)
  %4: f32[4], %5: i64[4] = aten::sort.default(%3, -1, False)
  %6: f32[4] = aten::mul.Tensor(%4, %2)
  return (%6, %5)
}
)";
    EXPECT_EQ(round_trip(text), expected);
    EXPECT_EQ(round_trip(expected), expected);
}

TEST(TextIr, ArgumentKindsAreKept) {
    Graph g = parse_graph(R"(graph(%0: f32[1]) {
  %1: f32[1] = aten::f.default(%0, 2, 2.0, -3, 1e+20, nan, -inf, [], [f:], [f: 2.0], [v: None], True, None, "s")
  return (%1)
})");
    const auto& a = g.nodes()[0].args;
    ASSERT_EQ(a.size(), 14u);
    EXPECT_EQ(std::get<ValueRef>(a[0]).id, 0);
    EXPECT_EQ(std::get<std::int64_t>(a[1]), 2);
    EXPECT_EQ(std::get<double>(a[2]), 2.0);
    EXPECT_EQ(std::get<std::int64_t>(a[3]), -3);
    EXPECT_EQ(std::get<double>(a[4]), 1e20);
    EXPECT_TRUE(std::isnan(std::get<double>(a[5])));
    EXPECT_EQ(std::get<double>(a[6]), -std::numeric_limits<double>::infinity());
    EXPECT_TRUE(std::get<IntList>(a[7]).empty());
    EXPECT_TRUE(std::get<FloatList>(a[8]).empty());
    EXPECT_EQ(std::get<FloatList>(a[9]), FloatList{2.0});
    EXPECT_EQ(std::get<ValueList>(a[10]).ids, std::vector<ValueId>{kNoValue});
    EXPECT_EQ(std::get<bool>(a[11]), true);
    EXPECT_TRUE(std::holds_alternative<std::monostate>(a[12]));
    EXPECT_EQ(std::get<std::string>(a[13]), "s");
}

TEST(TextIr, BuiltGraphRoundTrips) {
    Graph g;
    const ValueType t{{2, 3}, ElemType::bf16, Layout::TILE, Placement::device};
    ValueId x = g.add_input(t, "x");
    ValueId y = g.add_node1("ttnn.add", {ValueRef{x}, ValueRef{x}},
                            {{"alpha", 0.1}, {"beta", 1.0 / 3.0}, {"big", 1e300}, {"tiny", -5e-324}}, t, "add");
    g.set_outputs({y});
    const std::string text = g.to_text();
    EXPECT_EQ(round_trip(text), text);
    Graph back = parse_graph(text);
    EXPECT_EQ(std::get<double>(*back.nodes()[0].kwarg("beta")), 1.0 / 3.0);
    EXPECT_EQ(std::get<double>(*back.nodes()[0].kwarg("tiny")), -5e-324);
}

TEST(TextIr, ConstantsGetZerosOrTheFactorysData) {
    const std::string text = R"(graph() {
  %0 = const bf16[40,33]{tile,device} "w"
  %1 = const i64[3] "idx"
  return (%0, %1)
}
)";
    Graph g = parse_graph(text);
    const Tensor& w = g.constant_data(0);
    EXPECT_EQ(w.logical_shape(), (Shape{40, 33}));
    EXPECT_FALSE(w.is_on_device());
    std::vector<float> values(40 * 33, 1.0f);
    copy_to_host_array(w, 0, HostArray{values.data(), HostElement::F32, Shape{40, 33}}, "test");
    for (float v : values) ASSERT_EQ(v, 0.0f);
    EXPECT_EQ(g.constant_data(1).logical_shape(), (Shape{3}));

    std::vector<std::string> asked;
    Graph h = parse_graph(text, [&](const ValueType& type, const std::string& name) {
        asked.push_back(name + ":" + type.to_string());
        auto data = std::make_shared<std::vector<float>>(type.numel(), 7.0f);
        return tensor_from_host_array(HostArray{data->data(), HostElement::F32, Shape(type.shape)},
                                      DataType::FLOAT32, Layout::ROW_MAJOR, 0.0f, data, "test");
    });
    EXPECT_EQ(asked, (std::vector<std::string>{"w:bf16[40,33]{tile,device}", "idx:i64[3]"}));
    EXPECT_EQ(h.to_text(), text);
}

TEST(TextIr, ErrorsSayWhereAndWhatWasExpected) {
    struct Case {
        std::string text;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"graf()", "1:1: expected 'graph', found 'graf'"},
        {"graph(%0: f33[2]) {\n  return (%0)\n}", "1:11: expected an element type (f32, bf16, i64, ...), found 'f33'"},
        {"graph(%0: f32[2]) {\n  %1: f32[2] = aten::neg.default(%5)\n  return (%1)\n}",
         "2:34: value %5 is used before it is defined"},
        {"graph(%0: f32[2]) {\n  %0: f32[2] = aten::neg.default(%0)\n  return (%0)\n}",
         "2:3: value %0 is defined twice"},
        {"graph(%0: f32[2]) {\n  %1: f32[2] = aten::neg.default(%0\n  return (%1)\n}",
         "3:3: expected ')', found 'return'"},
        {"graph(%0: f32[2]) {\n  %1: f32[2] = aten::f.default(x=1, %0)\n  return (%1)\n}",
         "2:37: aten::f.default: positional argument after an attribute (key=value)"},
        {"graph(%0: f32[2]) {\n  %1: f32[2] = aten::f.default(%0, k=1, k=2)\n  return (%1)\n}",
         "2:41: aten::f.default: attribute 'k' given twice"},
        {"graph() {\n  %0 = const f32[2] \"open\n  return (%0)\n}", "2:21: unterminated string"},
        {"graph() {\n  %0 = const f32[2] \"bad \\t\"\n  return (%0)\n}",
         "2:26: unknown escape '\\t'"},
        {"graph(%0: f32[2]) {\n  %1: f32[2] = aten::f.default(%0, [1, 2.5])\n  return (%1)\n}",
         "2:40: expected an integer (int lists hold ints; write [f: ...] for floats), found '2.5'"},
        {"graph(%0: f32[2]{tile,sideways}) {\n  return (%0)\n}",
         "1:23: expected a layout (tile, row_major) or placement (host, device), found 'sideways'"},
        {"graph(%0: f32[2]) {\n  return (%0)\n}\nextra", "4:1: expected end of text, found 'extra'"},
        {"graph(%0: f32[2]) {\n  %1: f32[2] = aten::f.default(%0, @)\n  return (%1)\n}",
         "2:36: expected an argument, found '@'"},
        {"graph(%0: f32[2]) {\n  %1: f32[2] = aten::f.default(%0)\n", "3:1: expected a node"},
        {"graph(%0: f32[-2]) {\n  return (%0)\n}", "negative dimension -2"},
    };
    for (const auto& c : cases) {
        const std::string message = parse_error(c.text);
        EXPECT_NE(message.find("parse_graph: "), std::string::npos) << c.text;
        EXPECT_NE(message.find(c.message), std::string::npos) << "text:\n" << c.text << "\nmessage: " << message;
    }
}

TEST(TextIr, MangledTextOnlyEverRaisesInvalidArgument) {
    const std::string golden = R"(graph(%0: f32[8,3] "x", %1: i64[8]) {
  %2 = const bf16[3,3]{tile,device} "w"
  %3: f32[8,3], %4: i64[8] = aten::max.dim(%0, -1, False)  @"max"
  %5: f32[8,3] = ttnn.linear(%3, %2, alpha=1.5e-3, dims=[0, 1], inputs=[v: %3, None], s=[f: nan], t="a\"b")
  return (%5, %4)
}
)";
    const std::string alphabet = "%:=,()[]{}\"\\@ \n-.e0123456789fvNTabc";
    std::mt19937 rng(7);
    int parsed = 0;
    for (int trial = 0; trial < 3000; ++trial) {
        std::string text = golden;
        const int edits = 1 + static_cast<int>(rng() % 3);
        for (int k = 0; k < edits; ++k) {
            const std::size_t at = rng() % text.size();
            switch (rng() % 3) {
                case 0: text.erase(at, 1 + rng() % 4); break;
                case 1: text[at] = alphabet[rng() % alphabet.size()]; break;
                default: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
            }
            if (text.empty()) text = "g";
        }
        try {
            const std::string printed = parse_graph(text).to_text();
            ++parsed;
            EXPECT_EQ(round_trip(printed), printed) << text;
        } catch (const InvalidArgument& e) {
            EXPECT_NE(std::string(e.what()).find("parse_graph: "), std::string::npos) << e.what();
        }
    }
    EXPECT_GT(parsed, 0);
}
