// The fused output pass of matmul/linear: bias, then the activation, over a block of C that the
// GEMM has just written. Portable version here; epilogue_avx2.cpp has the vectorized one, picked
// at run time.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "gemm.hpp"
#include "ttnn/core/cpu_features.hpp"

namespace ttnn::ops::gemm {

// epilogue_avx2.cpp
void apply_epilogue_avx2(float* c, std::size_t rows, std::size_t cols, std::size_t ldc, const Epilogue& epilogue);

namespace {


float activate(float x, Activation a) {
    switch (a) {
        case Activation::NONE: return x;
        case Activation::RELU: return x > 0.0f ? x : 0.0f;
        case Activation::RELU6: return std::min(std::max(x, 0.0f), 6.0f);
        case Activation::GELU: return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
        case Activation::GELU_TANH:
            return 0.5f * x * (1.0f + std::tanh(0.79788456080286536f * (x + 0.044715f * x * x * x)));
        case Activation::SILU: return x / (1.0f + std::exp(-x));
        case Activation::SIGMOID: return 1.0f / (1.0f + std::exp(-x));
        case Activation::HARDSIGMOID: return std::min(std::max(x / 6.0f + 0.5f, 0.0f), 1.0f);
        case Activation::TANH: return std::tanh(x);
        case Activation::EXP: return std::exp(x);
    }
    return x;
}

}  // namespace

void apply_epilogue(float* c, std::size_t rows, std::size_t cols, std::size_t ldc, const Epilogue& epilogue) {
    if (use_avx2_kernels()) {
        apply_epilogue_avx2(c, rows, cols, ldc, epilogue);
        return;
    }
    for (std::size_t i = 0; i < rows; ++i) {
        float* row = c + i * ldc;
        for (std::size_t j = 0; j < cols; ++j) {
            const float v = epilogue.bias ? row[j] + epilogue.bias[j] : row[j];
            row[j] = activate(v, epilogue.activation);
        }
    }
}

}  // namespace ttnn::ops::gemm
