// The pool kernels for the baseline ISA, and the run-time choice between them and the AVX2 build.
#define TTNN_POOL_ISA generic
#include "pool_kernels.inl"
#include "ttnn/core/cpu_features.hpp"

namespace ttnn::ops::pool_detail {

const Kernels& kernels() {
    static const Kernels& chosen = use_avx2_kernels() ? avx2::kKernels : generic::kKernels;
    return chosen;
}

}  // namespace ttnn::ops::pool_detail
