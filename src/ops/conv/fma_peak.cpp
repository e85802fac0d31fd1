// The host's fp32 FMA throughput, measured: the denominator of the conv benchmark's
// fraction-of-peak. Independent FMA chains (enough to cover the latency of two FMA ports) on the
// widest vectors the CPU has, on `threads` threads of the host pool.
#include <immintrin.h>

#include <atomic>
#include <chrono>

#include "ttnn/core/thread_pool.hpp"
#include "ttnn/ops/conv.hpp"

namespace ttnn::ops {

namespace {

constexpr int kChains = 12;
constexpr long kRound = 1 << 14;  // iterations between clock reads

__attribute__((target("avx2,fma"))) float fma_avx2(long iterations) {
    __m256 acc[kChains];
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(0.001f * static_cast<float>(i));
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (long k = 0; k < iterations; ++k) {
#pragma GCC unroll 12
        for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    }
    __m256 s = acc[0];
    for (int i = 1; i < kChains; ++i) s = _mm256_add_ps(s, acc[i]);
    return _mm256_cvtss_f32(s);
}

__attribute__((target("avx512f"))) float fma_avx512(long iterations) {
    __m512 acc[kChains];
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(0.001f * static_cast<float>(i));
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (long k = 0; k < iterations; ++k) {
#pragma GCC unroll 12
        for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
    __m512 s = acc[0];
    for (int i = 1; i < kChains; ++i) s = _mm512_add_ps(s, acc[i]);
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, s);
    return lanes[0] + lanes[15];
}

}  // namespace

double widest_fma_peak_gflops(std::size_t threads, double seconds, bool avx512) {
    const bool use512 = avx512 && __builtin_cpu_supports("avx512f");
    if (!use512 && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) return 0.0;
    const double flops_per_iteration = 2.0 * kChains * (use512 ? 16 : 8);
    std::atomic<double> total{0.0};
    std::atomic<float> sink{0.f};
    host_thread_pool().parallel_for(threads, 1, [&](std::size_t b, std::size_t e) {
        for (std::size_t t = b; t < e; ++t) {
            using Clock = std::chrono::steady_clock;
            const auto start = Clock::now();
            long rounds = 0;
            float s = 0.f;
            while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
                s += use512 ? fma_avx512(kRound) : fma_avx2(kRound);
                ++rounds;
            }
            const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
            double expected = total.load();
            while (!total.compare_exchange_weak(expected, expected + rounds * kRound * flops_per_iteration / elapsed)) {
            }
            sink.store(s);
        }
    });
    return total.load() / 1e9;
}

}  // namespace ttnn::ops
