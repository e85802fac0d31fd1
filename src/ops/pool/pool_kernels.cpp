// The pool kernels for the baseline ISA, and the run-time choice between them and the AVX2 build.
#include <cstdlib>
#include <string_view>

#define TTNN_POOL_ISA generic
#include "pool_kernels.inl"

namespace ttnn::ops::pool_detail {

const Kernels& kernels() {
    static const Kernels& chosen = [] () -> const Kernels& {
        const char* isa = std::getenv("TTNN_ISA");
        if (isa && std::string_view(isa) == "generic") return generic::kKernels;
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return avx2::kKernels;
        return generic::kKernels;
    }();
    return chosen;
}

}  // namespace ttnn::ops::pool_detail
