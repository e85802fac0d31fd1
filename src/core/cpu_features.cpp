// Run-time choice of the kernel variant: AVX2 + FMA + F16C when the CPU has them, else portable
// code. TTNN_ISA=generic forces the portable path (used by the tests to check both agree).
#include <cstdlib>
#include <cstring>

#include "ttnn/core/cpu_features.hpp"

#include "convert/codec.hpp"

namespace ttnn {

bool use_avx2_kernels() {
    static const bool yes = [] {
        const char* forced = std::getenv("TTNN_ISA");
        if (forced != nullptr && std::strcmp(forced, "generic") == 0) return false;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#else
        return false;
#endif
    }();
    return yes;
}

namespace codec {
const KernelSet& active_kernels() { return use_avx2_kernels() ? avx2_kernels() : generic_kernels(); }
}  // namespace codec

}  // namespace ttnn
