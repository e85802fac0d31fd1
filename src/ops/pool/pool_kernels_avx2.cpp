// The pool kernels built with AVX2/FMA (CMake gives *_avx2.cpp those flags); used only after
// kernels() has checked the CPU.
#define TTNN_POOL_ISA avx2
#include "pool_kernels.inl"
