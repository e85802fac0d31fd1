// Batched matmul one batch item at a time, from storage to storage (see itemwise.hpp).
#include "itemwise.hpp"

#include <memory>

#include "ttnn/core/tensor.hpp"

namespace ttnn::ops::gemm {

namespace {

// A thread's scratch for one item: the decoded operands, HiFi3's extra parts and C.
struct Scratch {
    explicit Scratch(std::size_t floats) : memory(new float[floats]), next(memory.get()) {}
    float* take(std::size_t n) {
        float* p = next;
        next += n;
        return p;
    }
    std::unique_ptr<float[]> memory;
    float* next;
};

std::size_t volume(const StoredMatrices& s) { return s.rows * s.cols; }

std::byte* matrix_at(const StoredMatrices& s, std::size_t index) { return s.data + index * s.matrix_bytes; }

// Stored matrix `index` of `s` as float32 rows: in place when it is float32 rows already and needs
// no mask (then only read), else decoded into `scratch`.
float* read_matrix(const StoredMatrices& s, std::size_t index, bool copy, float* scratch, ThreadPool& pool) {
    std::byte* at = matrix_at(s, index);
    if (s.f32_rows && !copy) return reinterpret_cast<float*>(at);
    codec::convert_storage({at, s.format, s.layout},
                           {reinterpret_cast<std::byte*>(scratch), codec::Format::F32, Layout::ROW_MAJOR},
                           Shape{static_cast<std::int64_t>(s.rows), static_cast<std::int64_t>(s.cols)}, 0.0f, pool);
    return scratch;
}

void run_item(const Itemwise& g, std::size_t i, Scratch& scratch, ThreadPool& pool) {
    const Shape2d& s = g.shape;
    const std::size_t a_n = volume(g.a), b_n = volume(g.b);
    float* const mark = scratch.next;
    const bool a_copy = !g.a.f32_rows || g.mask_a, b_copy = !g.b.f32_rows || g.mask_b;

    float* a = read_matrix(g.a, g.a_items[i], a_copy, a_copy ? scratch.take(a_n) : nullptr, pool);
    float* b = read_matrix(g.b, g.b_items[i], b_copy, b_copy ? scratch.take(b_n) : nullptr, pool);
    Term terms[2] = {{a, b}, {}};
    std::size_t num_terms = 1;
    if (g.masks.two_terms) {
        float* a_lo = scratch.take(a_n);
        float* b_hi = scratch.take(b_n);
        mask_a(a, a_n, g.masks, a_lo);
        mask_b(b, b_n, g.masks, b_hi);
        terms[1] = {a_lo, b_hi};
        num_terms = 2;
    } else {
        if (g.mask_a) mask_a(a, a_n, g.masks, nullptr);
        if (g.mask_b) mask_b(b, b_n, g.masks, nullptr);
    }

    std::byte* out = matrix_at(g.c, i);
    float* c = g.c.f32_rows ? reinterpret_cast<float*>(out) : scratch.take(s.m * s.n);
    // Encoding into bfloat16 rounds as the destination register's last rounding would.
    const bool encode_rounds = g.c.format == codec::Format::BF16 && g.epilogue.bias == nullptr &&
                               g.epilogue.activation == Activation::NONE;
    run_block(s, std::span<const Term>(terms, num_terms), 0, s.m, 0, s.n, c, s.n, g.bf16_accumulate, g.epilogue,
              !encode_rounds);
    if (!g.c.f32_rows) {
        codec::convert_storage({reinterpret_cast<std::byte*>(c), codec::Format::F32, Layout::ROW_MAJOR},
                               {out, g.c.format, g.c.layout},
                               Shape{static_cast<std::int64_t>(s.m), static_cast<std::int64_t>(s.n)}, 0.0f, pool);
    }
    scratch.next = mark;
}

}  // namespace

std::size_t stored_matrix_bytes(std::size_t rows, std::size_t cols, DataType dtype, Layout layout) {
    const TensorSpec spec{Shape{static_cast<std::int64_t>(rows), static_cast<std::int64_t>(cols)}, dtype, layout, {}};
    return spec.storage_bytes();
}

void run_itemwise(const Itemwise& g, ThreadPool& pool) {
    const std::size_t a_n = volume(g.a), b_n = volume(g.b);
    const std::size_t per_item = a_n + b_n + (g.masks.two_terms ? a_n + b_n : 0) + g.shape.m * g.shape.n;
    const double flops = 2.0 * static_cast<double>(g.batch) * g.shape.m * g.shape.n * g.shape.k;
    // Below ~0.5 MFLOP waking the pool costs more than it saves (as in the engine).
    const std::size_t grain = flops < 5e5 ? g.batch : 1;
    pool.parallel_for(g.batch, grain, [&](std::size_t begin, std::size_t end) {
        Scratch scratch(per_item);
        for (std::size_t i = begin; i < end; ++i) run_item(g, i, scratch, pool);
    });
}

}  // namespace ttnn::ops::gemm
