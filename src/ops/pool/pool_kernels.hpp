// The pooling and upsampling kernels on NHWC float32 values, vectorized over C. pool_kernels.inl
// is compiled twice, for the baseline ISA and with AVX2/FMA (pool_kernels_avx2.cpp); kernels()
// picks the variant at run time.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ttnn::ops::pool_detail {

// A windowed pool: output pixel (oy, ox) covers input rows oy*sh - pt + ky*dh (ky < kh), columns
// likewise. Padded positions are skipped (max) or counted per count_include_pad (avg).
struct Window2d {
    std::int64_t n = 1, ih = 1, iw = 1, c = 1, oh = 1, ow = 1;
    std::int64_t kh = 1, kw = 1, sh = 1, sw = 1, pt = 0, pb = 0, pl = 0, pr = 0, dh = 1, dw = 1;
    bool count_include_pad = true;
    std::int64_t divisor_override = 0;  // 0: none
};

// Adaptive pools: output (oy, ox) covers rows [floor(oy*ih/oh), ceil((oy+1)*ih/oh)), columns likewise.
struct Adaptive2d {
    std::int64_t n = 1, ih = 1, iw = 1, c = 1, oh = 1, ow = 1;
};

// Upsampling with torch's source-index rules; scale_h/scale_w are input pixels per output pixel
// (torch's float 1 / scale_factor).
struct Upsample2d {
    std::int64_t n = 1, ih = 1, iw = 1, c = 1, oh = 1, ow = 1;
    float scale_h = 1.f, scale_w = 1.f;
};

// Row kernels: rows [row_begin, row_end) of the n*oh output rows. global_avg: items
// [begin, end) of n * ceil(c / kChannelBlock) (image, channel block) pairs.
inline constexpr std::int64_t kChannelBlock = 256;
struct Kernels {
    void (*max_pool)(const float* in, float* out, const Window2d& w, std::size_t row_begin, std::size_t row_end);
    void (*avg_pool)(const float* in, float* out, const Window2d& w, std::size_t row_begin, std::size_t row_end);
    void (*adaptive_max)(const float* in, float* out, const Adaptive2d& a, std::size_t row_begin, std::size_t row_end);
    void (*adaptive_avg)(const float* in, float* out, const Adaptive2d& a, std::size_t row_begin, std::size_t row_end);
    void (*global_avg)(const float* in, float* out, std::int64_t hw, std::int64_t c, std::size_t begin, std::size_t end);
    void (*upsample_nearest)(const float* in, float* out, const Upsample2d& u, std::size_t row_begin, std::size_t row_end);
    void (*upsample_bilinear)(const float* in, float* out, const Upsample2d& u, std::size_t row_begin,
                              std::size_t row_end);
    // max_pool plus the index (iy * iw + ix) of each output's first maximal input in row-major
    // window order, as torch's max_pool2d_with_indices; rows of n*oh as max_pool.
    void (*max_pool_indexed)(const float* in, float* out, std::int64_t* index, const Window2d& w,
                             std::size_t row_begin, std::size_t row_end);
    // The backward passes write input gradients [n, ih, iw, c]. max: grad_output added at `index`,
    // over items [begin, end) of n * ceil(c / kChannelBlock) (image, channel block) pairs. avg:
    // each input pixel gathers grad_output / divisor of the windows covering it, over rows
    // [row_begin, row_end) of the n*ih input rows.
    void (*max_pool_bw)(const float* grad, const std::int64_t* index, float* grad_in, const Window2d& w,
                        std::size_t begin, std::size_t end);
    void (*avg_pool_bw)(const float* grad, float* grad_in, const Window2d& w, std::size_t row_begin,
                        std::size_t row_end);
};

namespace generic {
extern const Kernels kKernels;
}
namespace avx2 {
extern const Kernels kKernels;
}

// The AVX2 build when ttnn::use_avx2_kernels(), else the baseline one.
const Kernels& kernels();

}  // namespace ttnn::ops::pool_detail
