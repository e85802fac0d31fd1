// The text form of the graph IR: Graph::to_text() prints it, parse_graph() reads it back.
//
//   graph(%0: f32[8,3] "x", %1: f32[3]) {
//     %2 = const bf16[3,3]{tile,device} "weight"
//     %3: f32[8,3] = aten::addmm.default(%1, %0, %2, 1, 1)  @"addmm"
//     %4: f32[8,3], %5: i64[8] = aten::max.dim(%3, 1, False)
//     %6: bf16[8,3]{tile,device} = ttnn.add(%3, %3, alpha=1.5, dims=[0, 1], scales=[f: 1.0],
//                                           inputs=[v: %3, None], mode="exact")
//     return (%4, %6)
//   }
//
// Arguments: None / True / False, ints, floats (always printed with '.', 'e', nan or inf so they
// stay floats), quoted strings (\" \\ \n escapes), int lists "[1, 2]", float lists "[f: 1.0]",
// value lists "[v: %1, None]", values "%1", and kwargs "key=value" after the positional ones.
// A node's provenance name follows it as `@"name"`. Value ids in the text may be any numbers: the
// parser renumbers values in definition order, so parse(to_text(g)) prints back the same text.
// Blank lines and `//` comments (outside strings) are ignored.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "ttnn/core/tensor.hpp"
#include "ttnn/graph/ir.hpp"

namespace ttnn::graph {

// Data for a `const` line, given its type and name. Without it each constant gets a zero-filled
// host tensor of the type's shape (its dtype and layout when TT-NN has them, else FLOAT32).
using ConstantFactory = std::function<Tensor(const ValueType& type, const std::string& name)>;

// Parses the text form. Throws InvalidArgument("parse_graph", "<line>:<column>: expected ...").
Graph parse_graph(std::string_view text, const ConstantFactory& make_constant = {});

}  // namespace ttnn::graph
