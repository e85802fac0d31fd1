// The sgemm under matmul: oneDNN's dnnl_sgemm (Debian's libdnnl, already linked for the
// convolutions), or Debian's OpenBLAS (OpenMP build, opened at run time), chosen by TTNN_SGEMM
// (onednn, the default; openblas; fallback). sgemv is always OpenBLAS's.
//
// Why oneDNN by default: on bench/ops_matmul.py it wins on every shape we run (it has AVX-512
// kernels; OpenBLAS's Haswell build does not): about 95 against 83 GFLOP/s per thread on BERT's
// linear layers, and 52 against 36 on attention's [128, 64] x [64, 128] products. libtorch's own
// oneDNN has hidden symbols, so dnnl_sgemm resolves to libdnnl.so.2 whatever is imported first
// (see src/ops/conv/onednn.cpp); oneDNN runs with the calling thread's OpenMP thread count, set
// to 1 around each call as for OpenBLAS below.
//
// Why dlopen(RTLD_LOCAL) + dlsym on the handle rather than linking: libtorch carries MKL (it exports
// sgemm_ and friends) and its own libgomp; a linked cblas_sgemm is resolved through the process's
// global scope first, so which BLAS we get would depend on import order and RTLD_GLOBAL flags of
// other modules. Symbols looked up on our handle come from that library (and its dependencies)
// only, and none of OpenBLAS's symbols enter the global scope for others to pick up. OpenBLAS's
// libgomp dependency is matched by soname: whichever libgomp.so.1 is loaded first (torch's or the
// system's) serves both, so there is one OpenMP runtime in the process.
//
// Threads: OpenBLAS runs single-threaded, always. We set its thread count to 1 once, and since its
// OpenMP build also consults the calling thread's omp_get_max_threads(), every call runs with that
// thread's OpenMP thread count set to 1 (restored afterwards, so torch's setting on the Python
// thread is untouched). The engine splits the work over the device's own pool instead.
#include <dlfcn.h>
#include <oneapi/dnnl/dnnl.h>
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "gemm.hpp"

namespace ttnn::ops::gemm::blas {

namespace {

constexpr int kRowMajor = 101;
constexpr int kNoTrans = 111;
constexpr int kTrans = 112;

using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*,
                         int);
using SgemvFn = void (*)(int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
using SetIntFn = void (*)(int);
using GetIntFn = int (*)();
using GetStrFn = char* (*)();

struct OpenBlas {
    void* handle = nullptr;
    SgemmFn sgemm = nullptr;
    SgemvFn sgemv = nullptr;
    GetIntFn get_num_threads = nullptr;
    GetStrFn get_config = nullptr;
    GetStrFn get_corename = nullptr;
    GetIntFn omp_get_max_threads = nullptr;
    SetIntFn omp_set_num_threads = nullptr;
    std::string note;
};

OpenBlas load() {
    OpenBlas lib;
#ifndef TTNN_OPENBLAS_LIBRARY
    lib.note = "built without OpenBLAS (apt-get install libopenblas0-openmp, then rebuild)";
    return lib;
#else
    const char* forced = std::getenv("TTNN_BLAS");
    if (forced != nullptr && std::strcmp(forced, "fallback") == 0) {
        lib.note = "TTNN_BLAS=fallback";
        return lib;
    }
    void* h = dlopen(TTNN_OPENBLAS_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) {
        const char* err = dlerror();
        lib.note = std::string("dlopen failed: ") + (err ? err : TTNN_OPENBLAS_LIBRARY);
        return lib;
    }
    auto sym = [&](const char* name) { return dlsym(h, name); };
    lib.sgemm = reinterpret_cast<SgemmFn>(sym("cblas_sgemm"));
    lib.sgemv = reinterpret_cast<SgemvFn>(sym("cblas_sgemv"));
    auto set_num_threads = reinterpret_cast<SetIntFn>(sym("openblas_set_num_threads"));
    lib.get_num_threads = reinterpret_cast<GetIntFn>(sym("openblas_get_num_threads"));
    lib.get_config = reinterpret_cast<GetStrFn>(sym("openblas_get_config"));
    lib.get_corename = reinterpret_cast<GetStrFn>(sym("openblas_get_corename"));
    // From OpenBLAS's own libgomp dependency (dlsym on a handle searches its dependencies too).
    lib.omp_get_max_threads = reinterpret_cast<GetIntFn>(sym("omp_get_max_threads"));
    lib.omp_set_num_threads = reinterpret_cast<SetIntFn>(sym("omp_set_num_threads"));
    if (!lib.sgemm || !lib.sgemv || !set_num_threads) {
        lib.note = "OpenBLAS lacks cblas_sgemm/cblas_sgemv/openblas_set_num_threads";
        lib.sgemm = nullptr;
        return lib;
    }
    lib.handle = h;
    // openblas_set_num_threads also sets the calling thread's OpenMP thread count: put it back.
    const int saved = lib.omp_get_max_threads ? lib.omp_get_max_threads() : 0;
    set_num_threads(1);
    if (saved > 0) lib.omp_set_num_threads(saved);
    return lib;
#endif
}

const OpenBlas& openblas() {
    static const OpenBlas lib = load();
    return lib;
}

// Runs a BLAS call with the calling thread's OpenMP thread count at 1 (see the file comment).
class SingleThreaded {
public:
    explicit SingleThreaded(const OpenBlas& lib) : lib_(lib) {
        if (lib_.omp_get_max_threads == nullptr) return;
        saved_ = lib_.omp_get_max_threads();
        if (saved_ != 1) lib_.omp_set_num_threads(1);
    }
    ~SingleThreaded() {
        if (saved_ > 1) lib_.omp_set_num_threads(saved_);
    }
    SingleThreaded(const SingleThreaded&) = delete;
    SingleThreaded& operator=(const SingleThreaded&) = delete;

private:
    const OpenBlas& lib_;
    int saved_ = 1;
};

int ld_int(std::size_t ld) { return static_cast<int>(std::max<std::size_t>(ld, 1)); }

enum class Provider { onednn, openblas, fallback };

Provider provider() {
    static const Provider p = [] {
        const char* env = std::getenv("TTNN_SGEMM");
        const std::string want = env ? env : "onednn";
        if (want == "fallback") return Provider::fallback;
        if (want == "openblas") return openblas().sgemm ? Provider::openblas : Provider::fallback;
        return Provider::onednn;
    }();
    return p;
}

const char* provider_name(Provider p) {
    switch (p) {
        case Provider::onednn: return "onednn";
        case Provider::openblas: return "openblas";
        default: return "fallback";
    }
}

// oneDNN's OpenMP team for this thread's calls: one thread (we split the work ourselves).
class OneOmpThread {
public:
    OneOmpThread() : saved_(omp_get_max_threads()) {
        if (saved_ != 1) omp_set_num_threads(1);
    }
    ~OneOmpThread() {
        if (saved_ != 1) omp_set_num_threads(saved_);
    }
    OneOmpThread(const OneOmpThread&) = delete;
    OneOmpThread& operator=(const OneOmpThread&) = delete;

private:
    int saved_;
};

// ---- portable fallback: packed B panel, vectorizable inner loop over columns ----

void fallback_sgemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                    const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
    for (std::size_t i = 0; i < m; ++i) {
        float* ci = c + i * ldc;
        if (beta == 0.0f) {
            std::fill(ci, ci + n, 0.0f);
        } else if (beta != 1.0f) {
            for (std::size_t j = 0; j < n; ++j) ci[j] *= beta;
        }
    }
    constexpr std::size_t kc = 256, nc = 512;
    std::vector<float> panel(kc * nc);
    for (std::size_t j0 = 0; j0 < n; j0 += nc) {
        const std::size_t nj = std::min(nc, n - j0);
        for (std::size_t p0 = 0; p0 < k; p0 += kc) {
            const std::size_t kp = std::min(kc, k - p0);
            for (std::size_t p = 0; p < kp; ++p) {
                for (std::size_t j = 0; j < nj; ++j) {
                    panel[p * nj + j] = tb ? b[(j0 + j) * ldb + p0 + p] : b[(p0 + p) * ldb + j0 + j];
                }
            }
            for (std::size_t i = 0; i < m; ++i) {
                float* ci = c + i * ldc + j0;
                for (std::size_t p = 0; p < kp; ++p) {
                    const float av = ta ? a[(p0 + p) * lda + i] : a[i * lda + p0 + p];
                    const float* bp = panel.data() + p * nj;
                    for (std::size_t j = 0; j < nj; ++j) ci[j] += av * bp[j];
                }
            }
        }
    }
}

}  // namespace

void sgemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k, const float* a,
           std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
    if (m == 0 || n == 0) return;
    const Provider p = provider();
    if (p == Provider::onednn) {
        OneOmpThread one;
        const auto dim = [](std::size_t v) { return static_cast<dnnl_dim_t>(std::max<std::size_t>(v, 1)); };
        const dnnl_status_t status =
            dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', static_cast<dnnl_dim_t>(m), static_cast<dnnl_dim_t>(n),
                       static_cast<dnnl_dim_t>(k), 1.0f, a, dim(lda), b, dim(ldb), beta, c, dim(ldc));
        if (status == dnnl_success) return;
        // Only invalid arguments fail; the engine never passes them, so say so loudly.
        throw std::runtime_error("dnnl_sgemm failed with status " + std::to_string(static_cast<int>(status)));
    }
    const OpenBlas& lib = openblas();
    if (p == Provider::fallback || lib.sgemm == nullptr) {
        fallback_sgemm(trans_a, trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    SingleThreaded one(lib);
    lib.sgemm(kRowMajor, trans_a ? kTrans : kNoTrans, trans_b ? kTrans : kNoTrans, static_cast<int>(m),
              static_cast<int>(n), static_cast<int>(k), 1.0f, a, ld_int(lda), b, ld_int(ldb), beta, c, ld_int(ldc));
}

void sgemv(bool trans, std::size_t rows, std::size_t cols, const float* a, std::size_t lda, const float* x,
           std::size_t incx, float beta, float* y, std::size_t incy) {
    if (rows == 0) return;
    const OpenBlas& lib = openblas();
    if (lib.sgemv == nullptr) {
        for (std::size_t r = 0; r < rows; ++r) {
            float s = 0.0f;
            for (std::size_t q = 0; q < cols; ++q) s += (trans ? a[q * lda + r] : a[r * lda + q]) * x[q * incx];
            y[r * incy] = s + (beta == 0.0f ? 0.0f : beta * y[r * incy]);
        }
        return;
    }
    SingleThreaded one(lib);
    // cblas_sgemv takes A's stored dims: op(A) = A (rows x cols) or A^T (A is cols x rows).
    const int sm = static_cast<int>(trans ? cols : rows);
    const int sn = static_cast<int>(trans ? rows : cols);
    lib.sgemv(kRowMajor, trans ? kTrans : kNoTrans, sm, sn, 1.0f, a, ld_int(lda), x, static_cast<int>(incx), beta, y,
              static_cast<int>(incy));
}

Info info() {
    const OpenBlas& lib = openblas();
    Info out;
    out.note = lib.note;
    out.sgemm = provider_name(provider());
    out.openblas = lib.sgemm != nullptr;
    auto file_of = [](void* fn) {
        Dl_info where{};
        return dladdr(fn, &where) != 0 && where.dli_fname != nullptr ? std::string(where.dli_fname) : std::string();
    };
    if (provider() == Provider::onednn) {
        out.library = file_of(reinterpret_cast<void*>(&dnnl_sgemm));
    } else if (provider() == Provider::openblas) {
        out.library = file_of(reinterpret_cast<void*>(lib.sgemm));
    } else {
        out.library = "fallback";
    }
    if (lib.sgemm != nullptr) {
        out.openblas_library = file_of(reinterpret_cast<void*>(lib.sgemm));
        if (lib.get_config) out.config = lib.get_config();
        if (lib.get_corename) out.core = lib.get_corename();
        if (lib.get_num_threads) out.blas_threads = lib.get_num_threads();
    }
    return out;
}

}  // namespace ttnn::ops::gemm::blas
