// Kernels of the matmul family (TT-NN-level nodes -> ttnn::ops calls).
#include "ttnn/graph/kernel_table.hpp"

namespace ttnn::graph {

void register_matmul_kernels(KernelTable& /*table*/) {}

}  // namespace ttnn::graph
