// The norm row kernels for AVX2 + FMA: 8-lane vectors. Called only after row_kernels() has checked
// the CPU.
#define TTNN_ROW_KERNELS_LANES 8
#define TTNN_ROW_KERNELS_NAMESPACE avx2
#include "row_kernels.inl"

namespace ttnn::ops::norm {
const RowKernels& avx2_row_kernels() { return avx2::kernels(); }
}  // namespace ttnn::ops::norm
