// Kernels of the attention family (TT-NN-level nodes -> ttnn::ops calls).
#include "ttnn/graph/kernel_table.hpp"

namespace ttnn::graph {

void register_attention_kernels(KernelTable& /*table*/) {}

}  // namespace ttnn::graph
