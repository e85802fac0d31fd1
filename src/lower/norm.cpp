// Lowering rules of the norm family (ATen overload -> TT-NN nodes).
#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

void register_norm_rules(RuleTable& /*table*/) {}

}  // namespace ttnn::lower
