#define TTNN_CODEC_NS generic_isa
#define TTNN_CODEC_ACCESSOR generic_kernels
#define TTNN_CODEC_ISA_NAME "generic"
#include "codec_impl.inl"
