// Kernels of the eltwise family (TT-NN-level nodes -> ttnn::ops calls).
#include "ttnn/graph/kernel_table.hpp"
#include "ttnn/ops/eltwise.hpp"

namespace ttnn::graph {

void register_eltwise_kernels(KernelTable& table) {
    table.add("ttnn.relu", [](const KernelContext&) -> BoundKernel {
        return [](std::span<const Tensor> in) { return std::vector<Tensor>{ops::relu(in[0])}; };
    });
}

}  // namespace ttnn::graph
