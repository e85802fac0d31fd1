// Lowering rules of the attention family (ATen overload -> TT-NN nodes).
#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

void register_attention_rules(RuleTable& /*table*/) {}

}  // namespace ttnn::lower
