// Internal interface of the conversion kernels (see codec_impl.inl). A conversion moves a tensor
// between two (format, layout) storages of the same logical shape one 32x32 block at a time, through
// a staging block held in cache: a reader expands the source block to float32 or int64 values, a
// writer packs them into the destination format. Readers and writers exist per element format and
// are compiled once per ISA (generic and AVX2/FMA/F16C); dispatch picks one set at run time.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ttnn::codec {

// Element formats, internal (TT-NN dtypes) and external (a host array such as a torch tensor).
enum class Format : std::uint8_t { F32, BF16, BFP8, BFP4, I32, U32, U16, U8, I64, NUM_FORMATS };

// Values travel as float32 for floating formats and as int64 for integer formats.
enum class Domain : std::uint8_t { FLOAT, INT };

inline constexpr std::size_t kBlock = 32;               // staging block: 32 x 32 values
inline constexpr std::size_t kBlockElements = kBlock * kBlock;

struct FormatKernels {
    Domain domain;
    // Contiguous elements [offset, offset + n) of a flat (row-major) array <-> staging values.
    void (*read_flat)(const std::byte* base, std::size_t offset, std::size_t n, void* stage);
    void (*write_flat)(const void* stage, std::byte* base, std::size_t offset, std::size_t n);
    // One stored tile <-> a 32x32 row-major staging block (null for formats without tiles).
    void (*read_tile)(const std::byte* tile, void* stage);
    void (*write_tile)(const void* stage, std::byte* tile);
};

struct KernelSet {
    const char* isa;
    FormatKernels formats[static_cast<int>(Format::NUM_FORMATS)];
    // Domain conversions on n staging values.
    void (*float_to_int)(const float* in, std::int64_t* out, std::size_t n);  // NaN->0, saturating, toward 0
    void (*int_to_float)(const std::int64_t* in, float* out, std::size_t n);
};

const KernelSet& generic_kernels();
const KernelSet& avx2_kernels();
// The best set this CPU runs (TTNN_ISA=generic forces the portable one).
const KernelSet& active_kernels();

}  // namespace ttnn::codec
