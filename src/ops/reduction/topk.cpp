// topk: per lane of the dim, the k best (value, index) pairs: a streaming selection for small k
// (one comparison per entry), else nth_element and a sort of the k. Lanes run in parallel.
#include <algorithm>
#include <string>
#include <utility>

#include "reduce_kernels.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/op_table.hpp"
#include "ttnn/ops/reduction.hpp"

namespace ttnn::ops {

using namespace reduction;

namespace {

struct Entry {
    float value;
    std::uint32_t index;
};

// a before b: the larger (smaller) value, NaN counting as the largest, then the lower index.
template <bool kLargest>
struct Before {
    static bool greater(float a, float b) {
        if (a != a) return b == b;
        if (b != b) return false;
        return a > b;
    }
    bool operator()(const Entry& a, const Entry& b) const {
        const bool a_first = kLargest ? greater(a.value, b.value) : greater(b.value, a.value);
        const bool b_first = kLargest ? greater(b.value, a.value) : greater(a.value, b.value);
        return a_first || (!b_first && a.index < b.index);
    }
};

// Streaming selection for a small k: the k best so far stay sorted in `best`; most entries lose to
// the k-th at one comparison. False (nothing decided) if too many entries get in, as for input
// sorted the wrong way, where the caller's nth_element is faster.
template <bool kLargest>
bool select_streaming(const float* src, std::size_t stride, std::size_t R, std::size_t k, Entry* best) {
    const Before<kLargest> before;
    for (std::size_t r = 0; r < k; ++r) best[r] = {src[r * stride], static_cast<std::uint32_t>(r)};
    std::sort(best, best + k, before);
    std::size_t inserted = 0;
    const std::size_t budget = R / 16 + 4 * k;
    for (std::size_t r = k; r < R; ++r) {
        const float v = src[r * stride];
        // Later entries lose ties, so only a strictly better value gets in.
        const bool in =
            kLargest ? Before<true>::greater(v, best[k - 1].value) : Before<true>::greater(best[k - 1].value, v);
        if (!in) continue;
        if (++inserted > budget) return false;
        const Entry e{v, static_cast<std::uint32_t>(r)};
        std::size_t j = k - 1;
        for (; j > 0 && before(e, best[j - 1]); --j) best[j] = best[j - 1];
        best[j] = e;
    }
    return true;
}

template <bool kLargest>
void topk_olr(const float* x, float* values, std::int64_t* indices, Olr g, std::size_t k, ThreadPool& pool) {
    const std::size_t O = g.outer, R = g.reduced, I = g.inner;
    const bool streaming = k <= 64 && k * 8 <= R;
    const std::size_t grain = std::max<std::size_t>(1, (std::size_t{1} << 14) / std::max<std::size_t>(R, 1));
    pool.parallel_for(O * I, grain, [&](std::size_t b, std::size_t e) {
        std::vector<Entry> entries;
        const Before<kLargest> before;
        for (std::size_t lane = b; lane < e; ++lane) {
            const std::size_t o = lane / I, i = lane % I;
            const float* src = x + o * R * I + i;
            bool done = false;
            if (streaming) {
                entries.resize(k);
                done = select_streaming<kLargest>(src, I, R, k, entries.data());
            }
            if (!done) {
                entries.resize(R);
                for (std::size_t r = 0; r < R; ++r) entries[r] = {src[r * I], static_cast<std::uint32_t>(r)};
                const auto kth = entries.begin() + static_cast<std::ptrdiff_t>(k);
                if (k < R) std::nth_element(entries.begin(), kth, entries.end(), before);
                std::sort(entries.begin(), kth, before);
            }
            float* v = values + o * k * I + i;
            std::int64_t* ix = indices + o * k * I + i;
            for (std::size_t j = 0; j < k; ++j) {
                v[j * I] = entries[j].value;
                ix[j * I] = entries[j].index;
            }
        }
    });
}

}  // namespace

std::pair<Tensor, Tensor> topk(const Tensor& input, std::int64_t k, std::int64_t dim, bool largest, bool sorted,
                               const std::optional<MemoryConfig>& memory_config) {
    if (is_mesh_tensor(input)) {
        auto parts = for_each_device_multi(
            one(input),
            [&](std::span<const Tensor> s) {
                auto [v, i] = topk(s[0], k, dim, largest, sorted, memory_config);
                return std::vector<Tensor>{v, i};
            },
            "ttnn.topk");
        return {parts[0], parts[1]};
    }
    const std::string op = qualified_name(OpId::topk);
    check_input(OpId::topk, input, "input_tensor");
    const Shape& shape = input.logical_shape();
    if (shape.rank() == 0) throw InvalidArgument(op, "input_tensor is a scalar; topk needs at least one dim");
    const std::size_t d = normalize_dim(dim, shape.rank(), op);
    const Olr g = olr_of(shape, d);
    if (k < 1 || static_cast<std::size_t>(k) > g.reduced) {
        throw InvalidArgument(op, "k=" + std::to_string(k) + " is out of range for dim " + std::to_string(dim) +
                                      " of size " + std::to_string(g.reduced) + " (shape " + shape.to_string() + ")");
    }
    Shape out_shape = shape;
    out_shape[d] = static_cast<std::uint32_t>(k);
    F32Array values(out_shape);
    I64Array indices(out_shape);
    {
        const F32Input x(input, op);
        if (largest) {
            topk_olr<true>(x.data(), values.data(), indices.data(), g, static_cast<std::size_t>(k), pool_of(input));
        } else {
            topk_olr<false>(x.data(), values.data(), indices.data(), g, static_cast<std::size_t>(k), pool_of(input));
        }
    }
    // TT-NN's indices are UINT16; a longer dim needs UINT32 to hold them.
    const DataType index_dtype = g.reduced > 65535 ? DataType::UINT32 : DataType::UINT16;
    const MemoryConfig config = reduced_output_config(memory_config, input);
    return {make_output(values, input.dtype(), input.layout(), config, input.device(), op),
            make_output(indices, index_dtype, input.layout(), config, input.device(), op)};
}

}  // namespace ttnn::ops
