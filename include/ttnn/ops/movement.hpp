// Data movement ops (the `movement` rows of op_table.def): reshape, permute, transpose, concat,
// split, chunk, slice, pad, repeat, repeat_interleave, expand, flip, gather, index_select,
// embedding, squeeze, unsqueeze, tilize, untilize and their padding variants.
//
// They move values without computing on them, so they are exact for every dtype: ROW_MAJOR data
// moves as bytes, TILE data as whole tiles when only batch dims move, else through an exact
// row-major working copy (block floats are re-packed afterwards, as on TT-NN).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ttnn/core/tensor.hpp"

namespace ttnn::ops {

using MemoryConfigArg = std::optional<MemoryConfig>;

// One dim may be -1 (inferred). ROW_MAJOR tensors (and TILE ones whose tiles stay in place) come
// back as a view sharing the input's storage.
Tensor reshape(const Tensor& input, std::span<const std::int64_t> shape, const MemoryConfigArg& memory_config = {});
Tensor permute(const Tensor& input, std::span<const std::int64_t> dims, const MemoryConfigArg& memory_config = {});
Tensor transpose(const Tensor& input, std::int64_t dim1, std::int64_t dim2, const MemoryConfigArg& memory_config = {});
Tensor concat(std::span<const Tensor> tensors, std::int64_t dim, const MemoryConfigArg& memory_config = {});
// Pieces of split_size along dim (the last may be smaller).
std::vector<Tensor> split(const Tensor& input, std::int64_t split_size, std::int64_t dim,
                          const MemoryConfigArg& memory_config = {});
// Pieces of the given sizes, which must add up to the dim.
std::vector<Tensor> split(const Tensor& input, std::span<const std::int64_t> split_sizes, std::int64_t dim,
                          const MemoryConfigArg& memory_config = {});
// torch.chunk: pieces of ceil(size / chunks), possibly fewer than `chunks`.
std::vector<Tensor> chunk(const Tensor& input, std::int64_t chunks, std::int64_t dim,
                          const MemoryConfigArg& memory_config = {});
// Python slicing per dim: negative starts/ends count from the end and are clamped; steps > 0
// (empty steps: all 1).
Tensor slice(const Tensor& input, std::span<const std::int64_t> starts, std::span<const std::int64_t> ends,
             std::span<const std::int64_t> steps, const MemoryConfigArg& memory_config = {});
// (front, back) per dim; fewer pairs than dims pad the last dims.
Tensor pad(const Tensor& input, std::span<const std::pair<std::int64_t, std::int64_t>> padding, double value,
           const MemoryConfigArg& memory_config = {});
// TT-NN's other form: pad to output_padded_shape with the input placed at input_tensor_start.
Tensor pad(const Tensor& input, std::span<const std::int64_t> output_padded_shape,
           std::span<const std::int64_t> input_tensor_start, double value, const MemoryConfigArg& memory_config = {});
// torch.Tensor.repeat: at least one repetition per dim; extra ones add leading dims.
Tensor repeat(const Tensor& input, std::span<const std::int64_t> repetitions,
              const MemoryConfigArg& memory_config = {});
Tensor repeat_interleave(const Tensor& input, std::int64_t repeats, std::int64_t dim,
                         const MemoryConfigArg& memory_config = {});
// One repeat count per entry of the dim.
Tensor repeat_interleave(const Tensor& input, std::span<const std::int64_t> repeats, std::int64_t dim,
                         const MemoryConfigArg& memory_config = {});
// torch.Tensor.expand: -1 keeps a dim; only size-1 dims grow; extra sizes add leading dims.
Tensor expand(const Tensor& input, std::span<const std::int64_t> shape, const MemoryConfigArg& memory_config = {});
Tensor flip(const Tensor& input, std::span<const std::int64_t> dims, const MemoryConfigArg& memory_config = {});
// torch.gather: out[...i_dim...] = input[...index[...]...]; index has the input's rank.
Tensor gather(const Tensor& input, std::int64_t dim, const Tensor& index, const MemoryConfigArg& memory_config = {});
// torch.scatter: the input with src[p] written to position p with dim replaced by index[p], for
// every position p of the index (same rank as input and src, no bigger than src, nor than the input
// outside dim). reduce: none or "sum" (then entries are added, in index order).
Tensor scatter(const Tensor& input, std::int64_t dim, const Tensor& index, const Tensor& src,
               const std::optional<std::string>& reduce = std::nullopt, const MemoryConfigArg& memory_config = {});
// torch.scatter_add: scatter with reduce="sum".
Tensor scatter_add(const Tensor& input, std::int64_t dim, const Tensor& index, const Tensor& src,
                   const MemoryConfigArg& memory_config = {});
// Entries of `dim` picked by a 1-D integer index.
Tensor index_select(const Tensor& input, std::int64_t dim, const Tensor& index,
                    const MemoryConfigArg& memory_config = {});
// Rows of weight [vocab, hidden] picked by integer ids: out [*ids.shape, hidden]. Ids equal to
// pad_token give zero rows (TT-NN's PADDED embeddings).
Tensor embedding(const Tensor& input, const Tensor& weight, std::optional<std::int64_t> pad_token = std::nullopt,
                 Layout layout = Layout::ROW_MAJOR, std::optional<DataType> dtype = std::nullopt,
                 const MemoryConfigArg& memory_config = {});
// No dims: every size-1 dim. A named dim that is not size 1 is left alone (torch semantics).
Tensor squeeze(const Tensor& input, const std::optional<std::vector<std::int64_t>>& dims = std::nullopt);
Tensor unsqueeze(const Tensor& input, std::int64_t dim);

// ROW_MAJOR -> TILE; the last two dims must be multiples of 32.
Tensor tilize(const Tensor& input, const MemoryConfigArg& memory_config = {},
              std::optional<DataType> dtype = std::nullopt);
// ROW_MAJOR -> TILE, the tile padding filled with pad_value. output_tensor_shape is TT-NN's padded
// shape (>= the input per dim, last two dims multiples of 32); the logical shape stays the input's.
Tensor tilize_with_val_padding(const Tensor& input, std::span<const std::int64_t> output_tensor_shape,
                               double pad_value, const MemoryConfigArg& memory_config = {},
                               std::optional<DataType> dtype = std::nullopt);
// TILE -> ROW_MAJOR (block floats come out as BFLOAT16).
Tensor untilize(const Tensor& input, const MemoryConfigArg& memory_config = {});
// TILE -> ROW_MAJOR of shape end + 1 (end inclusive, within the padded shape).
Tensor untilize_with_unpadding(const Tensor& input, std::span<const std::int64_t> output_tensor_end,
                               const MemoryConfigArg& memory_config = {});

}  // namespace ttnn::ops
