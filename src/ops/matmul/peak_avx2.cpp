// The fp32 FMA peak of the host, measured (for bench/ops_matmul.py's "fraction of peak"): each of a
// pool's threads runs independent chains of 256-bit FMAs, enough to cover the FMA latency on two
// ports. Called only after a run-time AVX2/FMA check.
#include <immintrin.h>

#include <atomic>
#include <chrono>

#include "gemm.hpp"

namespace ttnn::ops::gemm {

double measure_fma_peak_avx2(ThreadPool& pool, double seconds) {
    const std::size_t threads = pool.num_threads();
    std::atomic<std::uint64_t> flops{0};
    const auto start = std::chrono::steady_clock::now();
    pool.parallel_for(threads, 1, [&](std::size_t b, std::size_t e) {
        for (std::size_t t = b; t < e; ++t) {
            __m256 acc[10];
            for (int i = 0; i < 10; ++i) acc[i] = _mm256_set1_ps(static_cast<float>(i));
            const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
            std::uint64_t done = 0;
            const auto t0 = std::chrono::steady_clock::now();
            while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < seconds) {
                for (int rep = 0; rep < 4096; ++rep) {
                    for (int i = 0; i < 10; ++i) acc[i] = _mm256_fmadd_ps(acc[i], x, y);
                }
                done += 4096ull * 10 * 16;
            }
            float sink[8];
            __m256 s = acc[0];
            for (int i = 1; i < 10; ++i) s = _mm256_add_ps(s, acc[i]);
            _mm256_storeu_ps(sink, s);
            flops += done + (sink[0] == 12345.0f ? 1 : 0);
        }
    });
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return static_cast<double>(flops.load()) / elapsed / 1e9;
}

}  // namespace ttnn::ops::gemm
