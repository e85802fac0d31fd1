// Where a device tensor lives: the buffer type (DRAM or L1) and how its pages are spread over the
// banks (interleaved) or cores (height-, width- or block-sharded, described by a ShardSpec).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ttnn/core/dtype.hpp"
#include "ttnn/core/layout.hpp"
#include "ttnn/core/shape.hpp"

namespace ttnn {

enum class BufferType : std::uint8_t { DRAM = 0, L1 = 1, SYSTEM_MEMORY = 2, L1_SMALL = 3, TRACE = 4 };
enum class TensorMemoryLayout : std::uint8_t {
    INTERLEAVED = 0,
    HEIGHT_SHARDED = 2,
    WIDTH_SHARDED = 3,
    BLOCK_SHARDED = 4,
};
enum class ShardOrientation : std::uint8_t { ROW_MAJOR = 0, COL_MAJOR = 1 };

std::string_view to_string(BufferType type);
std::string_view to_string(TensorMemoryLayout layout);
std::string_view to_string(ShardOrientation orientation);

struct CoreCoord {
    std::uint32_t x = 0;
    std::uint32_t y = 0;
    bool operator==(const CoreCoord&) const = default;
    std::string to_string() const;
};

// An inclusive rectangle of cores.
struct CoreRange {
    CoreCoord start;
    CoreCoord end;
    CoreRange(CoreCoord s, CoreCoord e);
    std::size_t num_cores() const { return (end.x - start.x + 1) * static_cast<std::size_t>(end.y - start.y + 1); }
    bool operator==(const CoreRange&) const = default;
    std::string to_string() const;
};

struct CoreRangeSet {
    std::vector<CoreRange> ranges;
    CoreRangeSet() = default;
    explicit CoreRangeSet(std::vector<CoreRange> r);  // throws if two ranges overlap
    std::size_t num_cores() const;
    CoreCoord bounding_box_end() const;
    std::vector<CoreCoord> cores(ShardOrientation orientation) const;
    bool operator==(const CoreRangeSet&) const = default;
    std::string to_string() const;
};

struct ShardSpec {
    CoreRangeSet grid;
    std::uint32_t shard_height = 0;
    std::uint32_t shard_width = 0;
    ShardOrientation orientation = ShardOrientation::ROW_MAJOR;
    bool operator==(const ShardSpec&) const = default;
    std::string to_string() const;
};

struct MemoryConfig {
    TensorMemoryLayout memory_layout = TensorMemoryLayout::INTERLEAVED;
    BufferType buffer_type = BufferType::DRAM;
    std::optional<ShardSpec> shard_spec;

    bool is_sharded() const { return memory_layout != TensorMemoryLayout::INTERLEAVED; }
    bool operator==(const MemoryConfig&) const = default;
    // "MemoryConfig(memory_layout=TensorMemoryLayout::INTERLEAVED,buffer_type=BufferType::DRAM,shard_spec=std::nullopt)"
    std::string to_string() const;
};

MemoryConfig dram_memory_config();
MemoryConfig l1_memory_config();

// Checks a memory config on its own (shard spec present iff sharded, device buffer type).
void validate_memory_config(const MemoryConfig& config, std::string_view op);

// Checks that a sharded config fits a tensor of this padded shape/layout: shard dims that tile
// the tensor, whole tiles in TILE layout, no more shards than cores. Throws InvalidArgument.
void validate_sharding(const MemoryConfig& config, const Shape& padded_shape, Layout layout, std::string_view op);

}  // namespace ttnn
