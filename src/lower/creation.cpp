// Lowering rules of the creation family (ATen overload -> TT-NN nodes).
#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

void register_creation_rules(RuleTable& /*table*/) {}

}  // namespace ttnn::lower
