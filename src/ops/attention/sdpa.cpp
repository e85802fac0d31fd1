// scaled_dot_product_attention: per (batch, head, block of query rows), on the device's threads:
// S = Q K^T through the GEMM engine, row softmax with scale, mask or causal limit, O = P V.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "../matmul/gemm.hpp"
#include "softmax.hpp"
#include "ttnn/core/cpu_features.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/attention.hpp"
#include "ttnn/ops/op_table.hpp"

namespace ttnn::ops {

namespace attention {

namespace {
float to_bf16(float x) {
    std::uint32_t u;
    std::memcpy(&u, &x, 4);
    u = (u + 0x7FFFu + ((u >> 16) & 1u)) & 0xFFFF0000u;
    std::memcpy(&x, &u, 4);
    return x;
}

}  // namespace

void softmax_rows(const SoftmaxRows& job) {
    if (use_avx2_kernels()) {
        softmax_rows_avx2(job);
        return;
    }
    for (std::size_t i = 0; i < job.rows; ++i) {
        float* row = job.s + i * job.ld;
        const float* mrow = job.mask ? job.mask + i * job.mask_ld : nullptr;
        const std::size_t valid = job.causal ? std::min(job.n, job.first_row + i + 1) : job.n;
        float m = -std::numeric_limits<float>::infinity();
        for (std::size_t j = 0; j < valid; ++j) {
            const float s = job.round_bf16 ? to_bf16(row[j]) : row[j];
            row[j] = s * job.scale + (mrow ? mrow[j] : 0.0f);
            m = std::max(m, row[j]);
        }
        float sum = 0.0f;
        for (std::size_t j = 0; j < valid; ++j) {
            row[j] = std::exp(row[j] - m);
            sum += row[j];
        }
        for (std::size_t j = 0; j < valid; ++j) {
            const float p = row[j] / sum;
            row[j] = job.round_bf16 ? to_bf16(p) : p;
        }
        std::fill(row + valid, row + job.n, 0.0f);
    }
}

}  // namespace attention

namespace {

constexpr std::string_view kOp = "ttnn.transformer.scaled_dot_product_attention";
constexpr std::size_t kRowBlock = 128;  // query rows per task: bounds the score buffer

void check_rank4(const Tensor& t, std::string_view name) {
    if (t.logical_shape().rank() != 4) {
        throw InvalidArgument(kOp, std::string(name) + " must be [batch, heads, seq, head_dim], got " +
                                       t.logical_shape().to_string());
    }
}

}  // namespace

Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                    const std::optional<Tensor>& attn_mask, bool is_causal, std::optional<float> scale,
                                    const std::optional<MemoryConfig>& memory_config,
                                    const std::optional<ComputeKernelConfig>& compute_kernel_config) {
    if (is_mesh_tensor(q) || is_mesh_tensor(k) || is_mesh_tensor(v) || (attn_mask && is_mesh_tensor(*attn_mask))) {
        std::vector<Tensor> inputs{q, k, v};
        if (attn_mask) inputs.push_back(*attn_mask);
        return for_each_device(
            inputs,
            [&](std::span<const Tensor> s) {
                return scaled_dot_product_attention(s[0], s[1], s[2],
                                                    attn_mask ? std::optional<Tensor>(s[3]) : std::nullopt, is_causal,
                                                    scale, memory_config, compute_kernel_config);
            },
            kOp);
    }
    const OpId id = OpId::scaled_dot_product_attention;
    check_input(id, q, "input_tensor_q");
    check_input(id, k, "input_tensor_k");
    check_input(id, v, "input_tensor_v");
    if (attn_mask) check_input(id, *attn_mask, "attn_mask");
    check_rank4(q, "input_tensor_q");
    check_rank4(k, "input_tensor_k");
    check_rank4(v, "input_tensor_v");
    if (k.device() != q.device() || v.device() != q.device() || (attn_mask && attn_mask->device() != q.device())) {
        throw InvalidArgument(kOp, "the inputs are on different devices");
    }
    const Shape& qs = q.logical_shape();
    const Shape& ks = k.logical_shape();
    const Shape& vs = v.logical_shape();
    const std::size_t b = qs[0], nh = qs[1], sq = qs[2], d = qs[3];
    const std::size_t nkv = ks[1], sk = ks[2], dv = vs[3];
    if (ks[0] != b || vs[0] != b || vs[1] != nkv || vs[2] != sk || ks[3] != d) {
        throw InvalidArgument(kOp, "shapes do not match: input_tensor_q " + qs.to_string() + ", input_tensor_k " +
                                       ks.to_string() + ", input_tensor_v " + vs.to_string() +
                                       " (expected k [b, nkv, s_k, d] and v [b, nkv, s_k, d_v])");
    }
    if (nkv == 0 || nh % nkv != 0) {
        throw InvalidArgument(kOp, "query heads (" + std::to_string(nh) + ") must be a multiple of key/value heads (" +
                                       std::to_string(nkv) + ")");
    }
    std::size_t mask_b = 0, mask_h = 0;
    if (attn_mask) {
        if (is_causal) throw InvalidArgument(kOp, "attn_mask must be None when is_causal=True");
        const Shape& ms = attn_mask->logical_shape();
        if (ms.rank() != 4 || (ms[0] != b && ms[0] != 1) || (ms[1] != nh && ms[1] != 1) || ms[2] != sq ||
            ms[3] != sk) {
            throw InvalidArgument(kOp, "attn_mask " + ms.to_string() + " must be [" + std::to_string(b) + " or 1, " +
                                           std::to_string(nh) + " or 1, " + std::to_string(sq) + ", " +
                                           std::to_string(sk) + "]");
        }
        mask_b = ms[0], mask_h = ms[1];
    }
    const float sc = scale.value_or(d > 0 ? 1.0f / std::sqrt(static_cast<float>(d)) : 1.0f);
    const MemoryConfig out_memory =
        memory_config ? *memory_config : (q.memory_config().is_sharded() ? MemoryConfig{} : q.memory_config());

    ThreadPool& pool = pool_of(q);
    F32Array qv = read_f32(q, kOp), kv = read_f32(k, kOp), vv = read_f32(v, kOp);
    F32Array maskv;
    if (attn_mask) maskv = read_f32(*attn_mask, kOp);
    F32Array out(Shape{static_cast<std::int64_t>(b), static_cast<std::int64_t>(nh), static_cast<std::int64_t>(sq),
                       static_cast<std::int64_t>(dv)});

    // Faithful: the two products' operand masks (Q and P feed SrcB, K and V feed SrcA).
    const bool faithful = numerics_mode() == NumericsMode::FAITHFUL;
    const ComputeKernelConfig config = compute_kernel_config.value_or(gemm::default_sdpa_config());
    gemm::FidelityMasks qk_masks, pv_masks;
    F32Array q_lo, k_hi, v_hi;
    if (faithful) {
        qk_masks = gemm::fidelity_masks(config, q.dtype() == DataType::FLOAT32, k.dtype() == DataType::FLOAT32);
        pv_masks = gemm::fidelity_masks(config, false, v.dtype() == DataType::FLOAT32);  // P is bf16
        if (qk_masks.two_terms) q_lo = F32Array(qs), k_hi = F32Array(ks);
        if (pv_masks.two_terms) v_hi = F32Array(vs);
        pool.parallel_for(qv.size(), 1 << 16, [&](std::size_t s, std::size_t e) {
            gemm::mask_a(qv.data() + s, e - s, qk_masks, qk_masks.two_terms ? q_lo.data() + s : nullptr);
        });
        pool.parallel_for(kv.size(), 1 << 16, [&](std::size_t s, std::size_t e) {
            gemm::mask_b(kv.data() + s, e - s, qk_masks, qk_masks.two_terms ? k_hi.data() + s : nullptr);
        });
        pool.parallel_for(vv.size(), 1 << 16, [&](std::size_t s, std::size_t e) {
            gemm::mask_b(vv.data() + s, e - s, pv_masks, pv_masks.two_terms ? v_hi.data() + s : nullptr);
        });
    }
    const bool bf16_acc = faithful && !config.fp32_dest_acc_en;

    const std::size_t blocks = (sq + kRowBlock - 1) / kRowBlock;
    const std::size_t group = nkv ? nh / nkv : 1;
    auto task = [&](std::size_t t) {
        const std::size_t bi = t / (nh * blocks), h = (t / blocks) % nh, blk = t % blocks;
        const std::size_t r0 = blk * kRowBlock, r1 = std::min(sq, r0 + kRowBlock), rows = r1 - r0;
        const std::size_t g = h / group;
        const std::size_t keys = is_causal ? std::min(sk, r1) : sk;  // keys past r1 are masked for every row
        const std::size_t q_off = ((bi * nh + h) * sq + r0) * d;
        const std::size_t k_off = (bi * nkv + g) * sk * d;
        const std::size_t v_off = (bi * nkv + g) * sk * dv;
        std::vector<float> scores(rows * std::max<std::size_t>(keys, 1));
        std::vector<float> p_lo(pv_masks.two_terms ? scores.size() : 0);

        gemm::Shape2d qk;
        qk.m = rows, qk.n = keys, qk.k = d, qk.trans_b = true, qk.lda = d, qk.ldb = d;
        std::vector<gemm::Term> qk_terms{{qv.data() + q_off, kv.data() + k_off}};
        if (qk_masks.two_terms) qk_terms.push_back({q_lo.data() + q_off, k_hi.data() + k_off});
        if (keys > 0 && d > 0) {
            gemm::run_block(qk, qk_terms, 0, rows, 0, keys, scores.data(), keys, bf16_acc, {});
        } else {
            std::fill(scores.begin(), scores.end(), 0.0f);
        }

        attention::SoftmaxRows sm;
        sm.s = scores.data(), sm.rows = rows, sm.n = keys, sm.ld = keys, sm.scale = sc;
        if (attn_mask) {
            sm.mask = maskv.data() + ((mask_b == 1 ? 0 : bi) * mask_h + (mask_h == 1 ? 0 : h)) * sq * sk + r0 * sk;
            sm.mask_ld = sk;
        }
        sm.causal = is_causal, sm.first_row = r0, sm.round_bf16 = faithful;
        attention::softmax_rows(sm);

        float* o = out.data() + ((bi * nh + h) * sq + r0) * dv;
        if (keys == 0) {
            std::fill(o, o + rows * dv, 0.0f);
            return;
        }
        if (faithful) gemm::mask_a(scores.data(), scores.size(), pv_masks, p_lo.empty() ? nullptr : p_lo.data());
        gemm::Shape2d pv;
        pv.m = rows, pv.n = dv, pv.k = keys, pv.lda = keys, pv.ldb = std::max<std::size_t>(dv, 1);
        std::vector<gemm::Term> pv_terms{{scores.data(), vv.data() + v_off}};
        if (pv_masks.two_terms) pv_terms.push_back({p_lo.data(), v_hi.data() + v_off});
        gemm::run_block(pv, pv_terms, 0, rows, 0, dv, o, dv, bf16_acc, {});
    };
    const std::size_t tasks = b * nh * blocks;
    pool.parallel_for(tasks, 1, [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) task(t);
    });
    return make_output(out, q.dtype(), q.layout(), out_memory, q.device(), kOp);
}

}  // namespace ops
