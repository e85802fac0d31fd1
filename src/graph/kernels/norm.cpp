// Kernels of the norm family (TT-NN-level nodes -> ttnn::ops calls).
#include "ttnn/graph/kernel_table.hpp"

namespace ttnn::graph {

void register_norm_kernels(KernelTable& /*table*/) {}

}  // namespace ttnn::graph
