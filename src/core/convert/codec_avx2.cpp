// Compiled with -mavx2 -mfma -mf16c (see CMakeLists.txt); used only where the CPU has them.
#define TTNN_CODEC_NS avx2_isa
#define TTNN_CODEC_ACCESSOR avx2_kernels
#define TTNN_CODEC_ISA_NAME "avx2"
#include "codec_impl.inl"
