// Lowering rules of the eltwise family (ATen overload -> TT-NN nodes).
#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

using graph::ValueRef;

void register_eltwise_rules(RuleTable& table) {
    table.add({"aten::relu.default", nullptr, [](Emitter& e) { e.emit_output("ttnn.relu", {ValueRef{e.input(0)}}); }});
}

}  // namespace ttnn::lower
