// Lowering rules of the matmul family (ATen overload -> TT-NN nodes).
#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

void register_matmul_rules(RuleTable& /*table*/) {}

}  // namespace ttnn::lower
