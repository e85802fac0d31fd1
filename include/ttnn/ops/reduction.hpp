// Reduction ops (the `reduction` rows of op_table.def): sum, mean, max, min, prod, var, std,
// argmax, argmin, topk, cumsum and cumprod.
//
// Numerics: float inputs are decoded exactly and reduced in float32 (pairwise within rows, blocked
// across rows); var/std use double two-pass statistics. Integer inputs are reduced exactly in
// int64 and wrapped to their dtype as the device's integer arithmetic does. Outputs keep the
// input's dtype and layout (argmax/argmin: UINT32 ROW_MAJOR; topk indices: UINT16, or UINT32 for
// a dim longer than 65535) and are rounded to it.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "ttnn/core/tensor.hpp"

namespace ttnn::ops {

// Dims to reduce: nullopt (or an empty list) reduces all of them; negative dims count from the end.
using ReduceDims = std::optional<std::vector<std::int64_t>>;

// The result is multiplied by `scalar` (TT-NN's reduce scaler).
Tensor sum(const Tensor& input, const ReduceDims& dim = std::nullopt, bool keepdim = false,
           const std::optional<MemoryConfig>& memory_config = std::nullopt, float scalar = 1.0f);
Tensor mean(const Tensor& input, const ReduceDims& dim = std::nullopt, bool keepdim = false,
            const std::optional<MemoryConfig>& memory_config = std::nullopt, float scalar = 1.0f);
// NaN propagates, as in torch.
Tensor max(const Tensor& input, const ReduceDims& dim = std::nullopt, bool keepdim = false,
           const std::optional<MemoryConfig>& memory_config = std::nullopt, float scalar = 1.0f);
Tensor min(const Tensor& input, const ReduceDims& dim = std::nullopt, bool keepdim = false,
           const std::optional<MemoryConfig>& memory_config = std::nullopt, float scalar = 1.0f);
Tensor prod(const Tensor& input, const ReduceDims& dim = std::nullopt, bool keepdim = false,
            const std::optional<MemoryConfig>& memory_config = std::nullopt);
// torch's correction: sum of squared deviations / max(0, N - correction).
Tensor var(const Tensor& input, const ReduceDims& dim = std::nullopt, bool keepdim = false, std::int64_t correction = 1,
           const std::optional<MemoryConfig>& memory_config = std::nullopt, float scalar = 1.0f);
Tensor std(const Tensor& input, const ReduceDims& dim = std::nullopt, bool keepdim = false, std::int64_t correction = 1,
           const std::optional<MemoryConfig>& memory_config = std::nullopt, float scalar = 1.0f);

// Index of the first max (min) along dim, or into the flattened tensor for dim = nullopt (keepdim
// then keeps every dim as 1). NaN counts as the extreme value. UINT32, ROW_MAJOR.
Tensor argmax(const Tensor& input, std::optional<std::int64_t> dim = std::nullopt, bool keepdim = false,
              const std::optional<MemoryConfig>& memory_config = std::nullopt);
Tensor argmin(const Tensor& input, std::optional<std::int64_t> dim = std::nullopt, bool keepdim = false,
              const std::optional<MemoryConfig>& memory_config = std::nullopt);

// (values, indices) of the k largest (smallest) entries along dim, always sorted (ties: lower index
// first; NaN counts as the largest value). Indices are UINT16 as on TT-NN, UINT32 if the dim is
// longer than 65535 (UINT16 cannot hold its indices).
std::pair<Tensor, Tensor> topk(const Tensor& input, std::int64_t k, std::int64_t dim = -1, bool largest = true,
                               bool sorted = true, const std::optional<MemoryConfig>& memory_config = std::nullopt);

// Running sum (product) along dim, from the end for reverse_order; the output has `dtype` if given.
// Float results accumulate in float32, integer ones exactly (wrapped to the output dtype).
Tensor cumsum(const Tensor& input, std::int64_t dim, std::optional<DataType> dtype = std::nullopt,
              bool reverse_order = false, const std::optional<MemoryConfig>& memory_config = std::nullopt);
Tensor cumprod(const Tensor& input, std::int64_t dim, std::optional<DataType> dtype = std::nullopt,
               bool reverse_order = false, const std::optional<MemoryConfig>& memory_config = std::nullopt);

}  // namespace ttnn::ops
