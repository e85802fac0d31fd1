// Kernels of the reduction family (TT-NN-level nodes -> ttnn::ops calls).
#include "ttnn/graph/kernel_table.hpp"

namespace ttnn::graph {

void register_reduction_kernels(KernelTable& /*table*/) {}

}  // namespace ttnn::graph
