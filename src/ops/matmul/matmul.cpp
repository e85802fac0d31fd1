// matmul and linear: shapes (torch.matmul broadcasting, rank-1 operands, transposes), the compute
// config, and one call into the GEMM engine with the bias and activation fused in its output pass.
#include "ttnn/ops/matmul.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "gemm.hpp"
#include "itemwise.hpp"
#include "ttnn/core/cpu_features.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/ops/op_table.hpp"

namespace ttnn::ops {

namespace {

struct Geometry {
    Shape out_shape;
    gemm::Shape2d shape;
    std::size_t batch = 1;
    std::vector<std::size_t> a_offsets, b_offsets;  // empty: every item reads offset 0
};

std::string describe(const Shape& s, bool transposed) {
    return s.to_string() + (transposed ? " (transpose)" : "");
}

Geometry plan(const Shape& as, const Shape& bs, bool ta, bool tb, std::string_view op) {
    const std::size_t ra = as.rank(), rb = bs.rank();
    if (ra == 0 || rb == 0) {
        throw InvalidArgument(op, "both inputs need at least one dim, got input_tensor_a " + as.to_string() +
                                      " and input_tensor_b " + bs.to_string());
    }
    Geometry g;
    gemm::Shape2d& s = g.shape;
    // op(A) is m x k, op(B) is k x n; a rank-1 A is a row [1, k], a rank-1 B a column [k, 1].
    if (ra == 1) {
        s.m = 1, s.k = as[0], s.lda = std::max<std::size_t>(as[0], 1);
    } else {
        const std::size_t r = as[ra - 2], c = as[ra - 1];
        s.trans_a = ta;
        s.m = ta ? c : r;
        s.k = ta ? r : c;
        s.lda = std::max<std::size_t>(c, 1);
    }
    std::size_t kb = 0;
    if (rb == 1) {
        kb = bs[0], s.n = 1, s.ldb = 1;
    } else {
        const std::size_t r = bs[rb - 2], c = bs[rb - 1];
        s.trans_b = tb;
        kb = tb ? c : r;
        s.n = tb ? r : c;
        s.ldb = std::max<std::size_t>(c, 1);
    }
    if (kb != s.k) {
        throw InvalidArgument(op, "inner dimensions do not match: input_tensor_a " + describe(as, ta && ra > 1) +
                                      " has K=" + std::to_string(s.k) + ", input_tensor_b " +
                                      describe(bs, tb && rb > 1) + " has K=" + std::to_string(kb));
    }

    // Batch dims: numpy broadcasting of everything left of the matrix dims.
    const std::size_t ba = ra > 2 ? ra - 2 : 0, bb = rb > 2 ? rb - 2 : 0;
    const std::size_t nb = std::max(ba, bb);
    std::vector<std::int64_t> out_dims(nb);
    for (std::size_t d = 0; d < nb; ++d) {
        const std::int64_t da = d + ba >= nb ? as[d + ba - nb] : 1;
        const std::int64_t db = d + bb >= nb ? bs[d + bb - nb] : 1;
        if (da != db && da != 1 && db != 1) {
            throw InvalidArgument(op, "batch dimensions of input_tensor_a " + as.to_string() + " and input_tensor_b " +
                                          bs.to_string() + " cannot be broadcast together");
        }
        out_dims[d] = da == 1 ? db : da;
    }
    std::size_t batch = 1;
    for (auto d : out_dims) batch *= static_cast<std::size_t>(d);
    if (ra > 1) out_dims.push_back(static_cast<std::int64_t>(s.m));
    if (rb > 1) out_dims.push_back(static_cast<std::int64_t>(s.n));
    g.out_shape = Shape(std::span<const std::int64_t>(out_dims), op);
    g.batch = batch;

    // Element offsets of each output batch item's A and B (0 along broadcast dims).
    const std::size_t a_mat = ra > 1 ? static_cast<std::size_t>(as[ra - 2]) * as[ra - 1] : 0;
    const std::size_t b_mat = rb > 1 ? static_cast<std::size_t>(bs[rb - 2]) * bs[rb - 1] : 0;
    std::size_t a_batch = 1, b_batch = 1;
    for (std::size_t d = 0; d < ba; ++d) a_batch *= as[d];
    for (std::size_t d = 0; d < bb; ++d) b_batch *= bs[d];
    if (batch > 1 && b_batch == 1 && a_batch == batch && !s.trans_a) {
        // A shared B (a weight): the batch folds into M, one large GEMM.
        s.m *= batch;
        g.batch = 1;
        return g;
    }
    if (batch > 1) {
        g.a_offsets.assign(batch, 0);
        g.b_offsets.assign(batch, 0);
        std::vector<std::size_t> idx(nb, 0);
        for (std::size_t i = 0; i < batch; ++i) {
            std::size_t ao = 0, bo = 0, astride = a_mat, bstride = b_mat;
            for (std::size_t d = nb; d-- > 0;) {
                if (d + ba >= nb) {
                    const std::size_t dim = as[d + ba - nb];
                    if (dim != 1) ao += idx[d] * astride;
                    astride *= dim;
                }
                if (d + bb >= nb) {
                    const std::size_t dim = bs[d + bb - nb];
                    if (dim != 1) bo += idx[d] * bstride;
                    bstride *= dim;
                }
            }
            g.a_offsets[i] = ao;
            g.b_offsets[i] = bo;
            for (std::size_t d = nb; d-- > 0;) {
                if (++idx[d] < static_cast<std::size_t>(out_dims[d])) break;
                idx[d] = 0;
            }
        }
    }
    return g;
}


// A 2-D bf16/fp32 weight (TILE or ROW_MAJOR) read where it lies (no decoded copy), by the direct kernel: for few
// rows (bound by reading the weight) and for the bf16 destination register, whose per-tile rounding
// it fuses (through BLAS that takes one call per K tile).
bool use_direct(const Geometry& g, const Tensor& b, bool bf16_accumulate) {
    const bool eligible = use_avx2_kernels() && g.batch == 1 && g.shape.n > 1 && g.shape.k > 0 && !g.shape.trans_a &&
                          !g.shape.trans_b && b.num_shards() == 1 &&
                          (b.dtype() == DataType::BFLOAT16 || b.dtype() == DataType::FLOAT32);
    return eligible && (g.shape.m <= gemm::kSmallM || bf16_accumulate);
}

// nn.Linear's [out, in] weight (transpose_b), row-major bf16/fp32, for few rows: streamed by rows,
// one fidelity term only (HiFi3's two run the general path).
bool use_direct_nt(const Geometry& g, const Tensor& b, bool faithful, const gemm::FidelityMasks& masks) {
    return use_avx2_kernels() && g.batch == 1 && g.shape.trans_b && !g.shape.trans_a && g.shape.k > 0 &&
           g.shape.m <= gemm::kSmallMNT && g.shape.ldb == g.shape.k && b.num_shards() == 1 &&
           b.layout() == Layout::ROW_MAJOR && (b.dtype() == DataType::BFLOAT16 || b.dtype() == DataType::FLOAT32) &&
           (!faithful || !masks.two_terms);
}

// Many independent products (attention heads, batched matmul), both operands batched matrices:
// item by item from storage to storage (itemwise.hpp), when every thread gets whole items.
bool use_itemwise(const Geometry& g, const Tensor& a, const Tensor& b, const MatmulOptions& o, std::size_t threads) {
    const bool items_balance = threads == 1 || g.batch >= threads * 2 || (g.batch >= threads && g.batch % threads == 0);
    return g.batch > 1 && items_balance && g.shape.k > 0 && a.logical_shape().rank() >= 2 &&
           b.logical_shape().rank() >= 2 && !o.input_b_engine_view && a.num_shards() == 1 && b.num_shards() == 1 &&
           is_floating_point(a.dtype()) && is_floating_point(b.dtype());
}

// Tensor t's matrices (its last two dims) as its buffer holds them.
gemm::StoredMatrices stored_matrices(const Tensor& t, std::string_view op) {
    const Shape& s = t.logical_shape();
    gemm::StoredMatrices m;
    m.data = t.shard_data(0, op);
    m.format = codec::format_of(t.dtype());
    m.layout = t.layout();
    m.rows = s[s.rank() - 2];
    m.cols = s[s.rank() - 1];
    m.matrix_bytes = gemm::stored_matrix_bytes(m.rows, m.cols, t.dtype(), t.layout());
    m.f32_rows = t.dtype() == DataType::FLOAT32 && t.layout() == Layout::ROW_MAJOR;
    return m;
}

std::vector<std::size_t> item_indices(const std::vector<std::size_t>& offsets, std::size_t matrix_volume) {
    std::vector<std::size_t> items(offsets.size());
    for (std::size_t i = 0; i < offsets.size(); ++i) items[i] = matrix_volume ? offsets[i] / matrix_volume : 0;
    return items;
}

MemoryConfig output_config(const std::optional<MemoryConfig>& requested, const Tensor& a) {
    if (requested) return *requested;
    // A sharded input's shard spec does not fit the product's shape: fall back to DRAM interleaved.
    return a.memory_config().is_sharded() ? MemoryConfig{} : a.memory_config();
}

Tensor matmul_impl(const Tensor& a, const Tensor& b, const std::optional<Tensor>& bias, const MatmulOptions& o,
                   OpId id, std::string_view op) {
    if (is_mesh_tensor(a) || is_mesh_tensor(b) || (bias && is_mesh_tensor(*bias))) {
        std::vector<Tensor> inputs{a, b};
        if (bias) inputs.push_back(*bias);
        MatmulOptions per_device = o;
        per_device.input_b_engine_view.reset();  // a single-device view: never shared across a mesh
        return for_each_device(
            inputs,
            [&](std::span<const Tensor> s) {
                return matmul_impl(s[0], s[1], bias ? std::optional<Tensor>(s[2]) : std::nullopt, per_device, id, op);
            },
            op);
    }
    if (o.input_b_engine_view && o.input_b_engine_view->logical_shape() != b.logical_shape()) {
        throw InvalidArgument(op, "input_b_engine_view " + o.input_b_engine_view->logical_shape().to_string() +
                                      " does not match input_tensor_b " + b.logical_shape().to_string());
    }
    check_input(id, a, "input_tensor_a");
    check_input(id, b, "input_tensor_b");
    if (bias) check_input(id, *bias, "bias");
    if (a.device() != b.device() || (bias && bias->device() != a.device())) {
        throw InvalidArgument(op, "the inputs are on different devices");
    }
    const Geometry g = plan(a.logical_shape(), b.logical_shape(), o.transpose_a, o.transpose_b, op);
    const DataType out_dtype = o.dtype.value_or(a.dtype());
    if (!is_floating_point(out_dtype)) {
        throw InvalidArgument(op, "dtype=" + std::string(to_string(out_dtype)) + " is not a floating-point dtype");
    }
    const gemm::Activation act = o.activation ? gemm::parse_activation(*o.activation, op) : gemm::Activation::NONE;
    const Layout out_layout = is_block_float(out_dtype) ? Layout::TILE : a.layout();
    const MemoryConfig memory_config = output_config(o.memory_config, a);

    ThreadPool& pool = pool_of(a);
    F32Array biasv;
    if (bias) {
        const Shape& bsh = bias->logical_shape();
        if (bsh.rank() == 0 || bsh.volume() != g.shape.n || bsh[bsh.rank() - 1] != g.shape.n) {
            throw InvalidArgument(op, "bias " + bsh.to_string() + " must hold one value per output column (" +
                                          std::to_string(g.shape.n) + "), e.g. [" + std::to_string(g.shape.n) +
                                          "] or [1, " + std::to_string(g.shape.n) + "]");
        }
        biasv = read_f32(*bias, op);
    }
    const bool faithful = numerics_mode() == NumericsMode::FAITHFUL;
    const DataType a_values = o.input_a_values.value_or(a.dtype());
    const DataType b_values = o.input_b_values.value_or(b.dtype());
    const ComputeKernelConfig config = o.compute_kernel_config.value_or(
        gemm::default_matmul_config(a_values, b_values, out_dtype, o.program_config_given || o.core_grid_given));
    const gemm::Epilogue epilogue{bias ? biasv.data() : nullptr, act};

    if (use_itemwise(g, a, b, o, pool.num_threads())) {
        const TensorSpec spec{g.out_shape, out_dtype, out_layout, memory_config};
        validate_spec(spec, op);
        Tensor result = allocate_like_placement(spec, a, op);
        gemm::Itemwise job;
        job.shape = g.shape;
        job.batch = g.batch;
        job.a = stored_matrices(a, op);
        job.b = stored_matrices(b, op);
        job.a_items = item_indices(g.a_offsets, job.a.rows * job.a.cols);
        job.b_items = item_indices(g.b_offsets, job.b.rows * job.b.cols);
        job.c = stored_matrices(result, op);
        job.epilogue = epilogue;
        if (faithful) {
            const bool a_fp32 = a_values == DataType::FLOAT32, b_fp32 = b_values == DataType::FLOAT32;
            job.masks = gemm::fidelity_masks(config, a_fp32, b_fp32);
            job.mask_a = job.masks.two_terms || gemm::mask_changes(job.masks.a, a_fp32);
            job.mask_b = job.masks.two_terms || gemm::mask_changes(job.masks.b, b_fp32);
            job.bf16_accumulate = !config.fp32_dest_acc_en;
        }
        gemm::run_itemwise(job, pool);
        return result;
    }

    F32Array out(g.out_shape);
    F32Array av = read_f32_shared(a, op);  // made private before anything writes into it

    if (use_direct(g, b, faithful && !config.fp32_dest_acc_en)) {
        gemm::SmallM sm;
        sm.m = g.shape.m, sm.k = g.shape.k, sm.n = g.shape.n;
        sm.w = b.shard_data(0, op);
        sm.w_bf16 = b.dtype() == DataType::BFLOAT16;
        sm.w_tile = b.layout() == Layout::TILE;
        sm.y = out.data();
        F32Array a_lo;
        if (faithful) {
            const gemm::FidelityMasks m =
                gemm::fidelity_masks(config, a_values == DataType::FLOAT32, b_values == DataType::FLOAT32);
            if (m.two_terms) a_lo = F32Array(a.logical_shape());
            av.make_private();
            gemm::mask_a(av.data(), av.size(), m, m.two_terms ? a_lo.data() : nullptr);
            sm.w_mask[0] = m.b;
            sm.w_mask[1] = m.b_hi;
            sm.x[1] = m.two_terms ? a_lo.data() : nullptr;
            sm.bf16_accumulate = !config.fp32_dest_acc_en;
        }
        sm.x[0] = av.data();  // after make_private: the masked copy, not the caller's tensor
        if (sm.w_tile && sm.m <= gemm::kSmallMStream) {
            gemm::small_m_stream_avx2(sm, pool);
        } else {
            gemm::small_m_avx2(sm, pool);
        }
        if (epilogue.bias != nullptr || epilogue.activation != gemm::Activation::NONE) {
            gemm::apply_epilogue(out.data(), g.shape.m, g.shape.n, g.shape.n, epilogue);
        }
        return make_output(out, out_dtype, out_layout, memory_config, a.device(), op);
    }

    const gemm::FidelityMasks nt_masks =
        faithful ? gemm::fidelity_masks(config, a_values == DataType::FLOAT32, b_values == DataType::FLOAT32)
                 : gemm::FidelityMasks{};
    if (use_direct_nt(g, b, faithful, nt_masks)) {
        gemm::SmallMNT sm;
        sm.m = g.shape.m, sm.k = g.shape.k, sm.n = g.shape.n;
        sm.w = b.shard_data(0, op);
        sm.w_bf16 = b.dtype() == DataType::BFLOAT16;
        sm.y = out.data();
        if (faithful) {
            av.make_private();
            gemm::mask_a(av.data(), av.size(), nt_masks, nullptr);
            sm.w_mask = nt_masks.b;
            sm.bf16_accumulate = !config.fp32_dest_acc_en;
        }
        sm.x = av.data();  // after make_private: the masked copy, not the caller's tensor
        gemm::small_m_nt_avx2(sm, pool);
        if (epilogue.bias != nullptr || epilogue.activation != gemm::Activation::NONE) {
            gemm::apply_epilogue(out.data(), g.shape.m, g.shape.n, g.shape.n, epilogue);
        }
        return make_output(out, out_dtype, out_layout, memory_config, a.device(), op);
    }

    const bool b_view = o.input_b_engine_view.has_value();
    F32Array bv = read_f32_shared(b_view ? *o.input_b_engine_view : b, op);

    gemm::Batched job;
    job.shape = g.shape;
    job.batch = g.batch;
    job.a_offsets = g.a_offsets;
    job.b_offsets = g.b_offsets;
    job.c = out.data();
    job.epilogue = epilogue;
    gemm::Prepared prepared;
    if (faithful) {
        prepared = gemm::prepare_operands(av, a_values, bv, b_values, config, pool, b_view);
        job.terms = prepared.terms;
        job.bf16_accumulate = prepared.bf16_accumulate;
    } else {
        job.terms = {{av.data(), bv.data()}};
    }
    if (g.shape.k == 0) {
        // An empty sum: zeros (then bias and activation).
        std::fill(out.data(), out.data() + out.size(), 0.0f);
        gemm::apply_epilogue(out.data(), g.batch * g.shape.m, g.shape.n, g.shape.n, job.epilogue);
    } else {
        gemm::run(job, pool);
    }
    return make_output(out, out_dtype, out_layout, memory_config, a.device(), op);
}

}  // namespace

Tensor matmul(const Tensor& input_tensor_a, const Tensor& input_tensor_b, const MatmulOptions& options) {
    return matmul_impl(input_tensor_a, input_tensor_b, std::nullopt, options, OpId::matmul, "ttnn.matmul");
}

Tensor linear(const Tensor& input_tensor_a, const Tensor& weight, const std::optional<Tensor>& bias,
              const MatmulOptions& options) {
    return matmul_impl(input_tensor_a, weight, bias, options, OpId::linear, "ttnn.linear");
}

std::optional<Tensor> weight_engine_view(const Tensor& b, const MatmulOptions& options) {
    constexpr std::string_view op = "ttnn.matmul";
    if (!options.compute_kernel_config || is_mesh_tensor(b) || b.num_shards() != 1 || !is_floating_point(b.dtype())) {
        return std::nullopt;
    }
    const bool faithful = numerics_mode() == NumericsMode::FAITHFUL;
    const DataType values = options.input_b_values.value_or(b.dtype());
    const gemm::FidelityMasks m =
        gemm::fidelity_masks(*options.compute_kernel_config, true, values == DataType::FLOAT32);
    const bool needs_mask = faithful && m.b != 0xFFFFFFFFu;
    const bool in_place = b.dtype() == DataType::FLOAT32 && b.layout() == Layout::ROW_MAJOR;
    if (in_place && !needs_mask) return std::nullopt;
    F32Array v = read_f32(b, op);
    if (needs_mask) {
        gemm::FidelityMasks only_b;
        only_b.b = m.b;  // HiFi3's high part is derived per call from these values
        gemm::mask_b(v.data(), v.size(), only_b, nullptr);
    }
    return make_output(v, DataType::FLOAT32, Layout::ROW_MAJOR, b.memory_config(), b.device(), op);
}

GemmBackendInfo gemm_backend_info() {
    const gemm::blas::Info i = gemm::blas::info();
    return {i.sgemm, i.openblas, i.library, i.openblas_library, i.config, i.core, i.blas_threads, i.note};
}

double measure_fma_peak_gflops(Device& device, double seconds) {
    return use_avx2_kernels() ? gemm::measure_fma_peak_avx2(device.thread_pool(), seconds) : 0.0;
}

}  // namespace ttnn::ops
