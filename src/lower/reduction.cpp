// Lowering rules of the reduction family (ATen overload -> TT-NN nodes).
#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

void register_reduction_rules(RuleTable& /*table*/) {}

}  // namespace ttnn::lower
