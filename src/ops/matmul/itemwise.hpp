// Batched matmul one batch item at a time, from storage to storage (internal to the ops).
//
// The general path makes one whole-tensor pass per step: decode A, decode B, mask both, GEMM,
// encode C into the output's dtype and layout. Each pass streams the whole tensor through DRAM, so
// for many small products (attention's [heads, 128, 64] x [heads, 64, 128]) the passes cost as much
// as the GEMM. Here each thread takes whole items and, for each, decodes A[i] and B[i] into its own
// scratch, masks them, multiplies, rounds and encodes C[i] into the output buffer while all of it is
// still in cache. FLOAT32 ROW_MAJOR operands that need no mask are read in place, and a FLOAT32
// ROW_MAJOR output is written in place.
#pragma once

#include <cstddef>
#include <vector>

#include "core/convert/convert.hpp"
#include "gemm.hpp"

namespace ttnn::ops::gemm {

// A batch of equally shaped matrices as a tensor's buffer holds them.
struct StoredMatrices {
    std::byte* data = nullptr;
    codec::Format format = codec::Format::F32;
    Layout layout = Layout::ROW_MAJOR;
    std::size_t rows = 0, cols = 0;  // one matrix as stored (before any transpose)
    std::size_t matrix_bytes = 0;    // bytes from one matrix to the next
    bool f32_rows = false;           // float32 ROW_MAJOR: readable and writable in place
};

// The bytes one rows x cols matrix of `dtype` takes in `layout` (whole tiles for TILE).
std::size_t stored_matrix_bytes(std::size_t rows, std::size_t cols, DataType dtype, Layout layout);

struct Itemwise {
    Shape2d shape;                      // lda / ldb are the stored column counts
    std::size_t batch = 0;
    std::vector<std::size_t> a_items;   // per output item: which stored matrix of A (and of B)
    std::vector<std::size_t> b_items;
    StoredMatrices a, b, c;             // c: the output, c.rows = m, c.cols = n
    FidelityMasks masks;                // applied when the flags say so (faithful mode)
    bool mask_a = false, mask_b = false;
    bool bf16_accumulate = false;
    Epilogue epilogue;
};

// Runs every item on `pool` (whole items per thread; serially from inside a pool chunk).
void run_itemwise(const Itemwise& job, ThreadPool& pool);

}  // namespace ttnn::ops::gemm
