// The norm row kernels for the baseline ISA: 4-lane vectors (SSE2 on x86-64).
#define TTNN_ROW_KERNELS_LANES 4
#define TTNN_ROW_KERNELS_NAMESPACE generic
#include "row_kernels.inl"

namespace ttnn::ops::norm {
const RowKernels& generic_row_kernels() { return generic::kernels(); }
}  // namespace ttnn::ops::norm
