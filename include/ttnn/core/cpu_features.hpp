// Which instruction-set variant of a kernel to run: every file with an AVX2 twin asks here, so one
// switch (TTNN_ISA=generic) turns every portable path on for testing.
#pragma once

namespace ttnn {

// True when the CPU has AVX2, FMA and F16C and TTNN_ISA is not "generic". Computed once.
bool use_avx2_kernels();

}  // namespace ttnn
