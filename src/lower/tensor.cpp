// Lowering rules of the tensor family (ATen overload -> TT-NN nodes).
#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

void register_tensor_rules(RuleTable& /*table*/) {}

}  // namespace ttnn::lower
