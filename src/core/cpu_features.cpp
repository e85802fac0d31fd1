// Run-time choice of the kernel variant: AVX2 + FMA + F16C when the CPU has them, else portable
// code. TTNN_ISA=generic forces the portable path (used by the tests to check both agree).
#include <cstdlib>
#include <cstring>

#include "convert/codec.hpp"

namespace ttnn::codec {

static bool cpu_has_avx2_fma() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#else
    return false;
#endif
}

const KernelSet& active_kernels() {
    static const KernelSet& chosen = [] () -> const KernelSet& {
        const char* forced = std::getenv("TTNN_ISA");
        if (forced != nullptr && std::strcmp(forced, "generic") == 0) return generic_kernels();
        return cpu_has_avx2_fma() ? avx2_kernels() : generic_kernels();
    }();
    return chosen;
}

}  // namespace ttnn::codec
