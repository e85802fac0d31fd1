// The training pool kernels (max_pool_indexed, max_pool_bw, avg_pool_bw) of both ISA builds against
// naive references written from torch's definitions: the first maximal input of a window in
// row-major order wins (ties are common after relu), the max backward adds each output's gradient
// at its index, the avg backward spreads it over the window divided by the forward's divisor.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "ops/pool/pool_kernels.hpp"
#include "ttnn/core/cpu_features.hpp"

using namespace ttnn::ops::pool_detail;
using I = std::int64_t;

namespace {

std::vector<const Kernels*> variants() {
    std::vector<const Kernels*> v{&generic::kKernels};
    if (ttnn::use_avx2_kernels()) v.push_back(&avx2::kKernels);
    return v;
}

I out_size(I in, I pad, I k, I s, I d, bool ceil_mode) {
    const I span = in + 2 * pad - d * (k - 1) - 1;
    I out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    if (ceil_mode && (out - 1) * s >= in + pad) --out;
    return out;
}

Window2d make_window(I n, I h, I w, I c, I k, I s, I p, I d, bool ceil_mode) {
    Window2d g;
    g.n = n, g.ih = h, g.iw = w, g.c = c, g.kh = g.kw = k, g.sh = g.sw = s, g.dh = g.dw = d;
    g.pt = g.pb = g.pl = g.pr = p;
    g.oh = out_size(h, p, k, s, d, ceil_mode);
    g.ow = out_size(w, p, k, s, d, ceil_mode);
    return g;
}

// Small integers with many zeros (relu'd): ties everywhere. NHWC.
std::vector<float> tied_input(const Window2d& g) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> dist(-3, 2);
    std::vector<float> x(static_cast<std::size_t>(g.n * g.ih * g.iw * g.c));
    for (float& v : x) v = static_cast<float>(std::max(dist(rng), 0));
    return x;
}

std::vector<float> random_values(std::size_t count, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist;
    std::vector<float> v(count);
    for (float& x : v) x = dist(rng);
    return v;
}

struct Params {
    I n, h, w, c, k, s, p, d;
    bool ceil_mode;
};

class PoolBackward : public ::testing::TestWithParam<Params> {};

TEST_P(PoolBackward, MaxIndicesAreTheFirstMaximum) {
    const Params q = GetParam();
    const Window2d g = make_window(q.n, q.h, q.w, q.c, q.k, q.s, q.p, q.d, q.ceil_mode);
    const std::vector<float> x = tied_input(g);
    const std::size_t outs = static_cast<std::size_t>(g.n * g.oh * g.ow * g.c);
    for (const Kernels* kernels : variants()) {
        std::vector<float> y(outs);
        std::vector<std::int64_t> index(outs, -7);
        kernels->max_pool_indexed(x.data(), y.data(), index.data(), g, 0, static_cast<std::size_t>(g.n * g.oh));
        for (I n = 0; n < g.n; ++n)
            for (I oy = 0; oy < g.oh; ++oy)
                for (I ox = 0; ox < g.ow; ++ox)
                    for (I c = 0; c < g.c; ++c) {
                        float best = -std::numeric_limits<float>::infinity();
                        I best_at = -1;
                        for (I ky = 0; ky < g.kh; ++ky)
                            for (I kx = 0; kx < g.kw; ++kx) {
                                const I iy = oy * g.sh - g.pt + ky * g.dh, ix = ox * g.sw - g.pl + kx * g.dw;
                                if (iy < 0 || iy >= g.ih || ix < 0 || ix >= g.iw) continue;
                                const float v = x[static_cast<std::size_t>(((n * g.ih + iy) * g.iw + ix) * g.c + c)];
                                if (best_at < 0 || v > best) best = v, best_at = iy * g.iw + ix;
                            }
                        const std::size_t o = static_cast<std::size_t>(((n * g.oh + oy) * g.ow + ox) * g.c + c);
                        ASSERT_EQ(y[o], best) << "output " << o;
                        ASSERT_EQ(index[o], best_at) << "output " << o;
                    }
    }
}

TEST_P(PoolBackward, MaxBackwardScattersAtTheIndices) {
    const Params q = GetParam();
    const Window2d g = make_window(q.n, q.h, q.w, q.c, q.k, q.s, q.p, q.d, q.ceil_mode);
    const std::vector<float> x = tied_input(g);
    const std::size_t outs = static_cast<std::size_t>(g.n * g.oh * g.ow * g.c);
    const std::vector<float> grad = random_values(outs, 3);
    for (const Kernels* kernels : variants()) {
        std::vector<float> y(outs);
        std::vector<std::int64_t> index(outs);
        kernels->max_pool_indexed(x.data(), y.data(), index.data(), g, 0, static_cast<std::size_t>(g.n * g.oh));
        std::vector<float> expected(x.size(), 0.f), got(x.size(), -1.f);
        for (std::size_t o = 0; o < outs; ++o) {
            const I c = static_cast<I>(o) % g.c, n = static_cast<I>(o) / g.c / (g.oh * g.ow);
            expected[static_cast<std::size_t>((n * g.ih * g.iw + index[o]) * g.c + c)] += grad[o];
        }
        const I blocks = (g.c + kChannelBlock - 1) / kChannelBlock;
        kernels->max_pool_bw(grad.data(), index.data(), got.data(), g, 0, static_cast<std::size_t>(g.n * blocks));
        EXPECT_EQ(got, expected);
    }
}

TEST_P(PoolBackward, AvgBackwardMatchesTheScatter) {
    const Params q = GetParam();
    for (bool include_pad : {true, false}) {
        Window2d g = make_window(q.n, q.h, q.w, q.c, q.k, q.s, q.p, 1, q.ceil_mode);
        g.count_include_pad = include_pad;
        const std::size_t ins = static_cast<std::size_t>(g.n * g.ih * g.iw * g.c);
        const std::vector<float> grad = random_values(static_cast<std::size_t>(g.n * g.oh * g.ow * g.c), 5);
        // torch's avg_pool2d_backward: a scatter in output order.
        std::vector<float> expected(ins, 0.f);
        for (I n = 0; n < g.n; ++n)
            for (I oy = 0; oy < g.oh; ++oy)
                for (I ox = 0; ox < g.ow; ++ox) {
                    I y0 = oy * g.sh - g.pt, x0 = ox * g.sw - g.pl;
                    I y1 = std::min(y0 + g.kh, g.ih + g.pb), x1 = std::min(x0 + g.kw, g.iw + g.pr);
                    const I pool_size = (y1 - y0) * (x1 - x0);
                    y0 = std::max<I>(y0, 0), x0 = std::max<I>(x0, 0), y1 = std::min(y1, g.ih), x1 = std::min(x1, g.iw);
                    const I divisor = include_pad ? pool_size : (y1 - y0) * (x1 - x0);
                    for (I c = 0; c < g.c; ++c) {
                        const float v = grad[static_cast<std::size_t>(((n * g.oh + oy) * g.ow + ox) * g.c + c)] /
                                        static_cast<float>(divisor);
                        for (I iy = y0; iy < y1; ++iy)
                            for (I ix = x0; ix < x1; ++ix)
                                expected[static_cast<std::size_t>(((n * g.ih + iy) * g.iw + ix) * g.c + c)] += v;
                    }
                }
        for (const Kernels* kernels : variants()) {
            std::vector<float> got(ins, -1.f);
            kernels->avg_pool_bw(grad.data(), got.data(), g, 0, static_cast<std::size_t>(g.n * g.ih));
            for (std::size_t i = 0; i < ins; ++i) ASSERT_FLOAT_EQ(got[i], expected[i]) << "input " << i;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Windows, PoolBackward,
                         ::testing::Values(Params{2, 9, 11, 5, 3, 2, 1, 1, false},  // resnet's stem pool
                                           Params{1, 8, 8, 3, 2, 2, 0, 1, false},
                                           Params{2, 10, 7, 4, 3, 1, 1, 1, false},  // heavy overlap
                                           Params{1, 9, 9, 2, 3, 2, 1, 1, true},    // ceil_mode
                                           Params{1, 12, 10, 3, 3, 2, 1, 2, false},  // dilation
                                           Params{1, 6, 6, 300, 2, 2, 0, 1, false}));  // channel blocks

}  // namespace
