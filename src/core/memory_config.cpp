#include "ttnn/core/memory_config.hpp"

#include <algorithm>

#include "ttnn/core/error.hpp"

namespace ttnn {

std::string_view to_string(BufferType type) {
    switch (type) {
        case BufferType::DRAM: return "DRAM";
        case BufferType::L1: return "L1";
        case BufferType::SYSTEM_MEMORY: return "SYSTEM_MEMORY";
        case BufferType::L1_SMALL: return "L1_SMALL";
        case BufferType::TRACE: return "TRACE";
    }
    return "INVALID";
}

std::string_view to_string(TensorMemoryLayout layout) {
    switch (layout) {
        case TensorMemoryLayout::INTERLEAVED: return "INTERLEAVED";
        case TensorMemoryLayout::HEIGHT_SHARDED: return "HEIGHT_SHARDED";
        case TensorMemoryLayout::WIDTH_SHARDED: return "WIDTH_SHARDED";
        case TensorMemoryLayout::BLOCK_SHARDED: return "BLOCK_SHARDED";
    }
    return "INVALID";
}

std::string_view to_string(ShardOrientation orientation) {
    return orientation == ShardOrientation::ROW_MAJOR ? "ROW_MAJOR" : "COL_MAJOR";
}

std::string CoreCoord::to_string() const { return "(x=" + std::to_string(x) + ",y=" + std::to_string(y) + ")"; }

CoreRange::CoreRange(CoreCoord s, CoreCoord e) : start(s), end(e) {
    if (e.x < s.x || e.y < s.y) {
        throw InvalidArgument("ttnn.CoreRange", "end " + e.to_string() + " is before start " + s.to_string());
    }
}

std::string CoreRange::to_string() const { return "[" + start.to_string() + " - " + end.to_string() + "]"; }

static bool overlaps(const CoreRange& a, const CoreRange& b) {
    return a.start.x <= b.end.x && b.start.x <= a.end.x && a.start.y <= b.end.y && b.start.y <= a.end.y;
}

CoreRangeSet::CoreRangeSet(std::vector<CoreRange> r) : ranges(std::move(r)) {
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        for (std::size_t j = i + 1; j < ranges.size(); ++j) {
            if (overlaps(ranges[i], ranges[j])) {
                throw InvalidArgument("ttnn.CoreRangeSet",
                                      "ranges " + ranges[i].to_string() + " and " + ranges[j].to_string() + " overlap");
            }
        }
    }
}

std::size_t CoreRangeSet::num_cores() const {
    std::size_t n = 0;
    for (const auto& r : ranges) n += r.num_cores();
    return n;
}

CoreCoord CoreRangeSet::bounding_box_end() const {
    CoreCoord end{0, 0};
    for (const auto& r : ranges) {
        end.x = std::max(end.x, r.end.x);
        end.y = std::max(end.y, r.end.y);
    }
    return end;
}

std::vector<CoreCoord> CoreRangeSet::cores(ShardOrientation orientation) const {
    std::vector<CoreCoord> out;
    for (const auto& r : ranges) {
        if (orientation == ShardOrientation::ROW_MAJOR) {
            for (auto y = r.start.y; y <= r.end.y; ++y)
                for (auto x = r.start.x; x <= r.end.x; ++x) out.push_back({x, y});
        } else {
            for (auto x = r.start.x; x <= r.end.x; ++x)
                for (auto y = r.start.y; y <= r.end.y; ++y) out.push_back({x, y});
        }
    }
    return out;
}

std::string CoreRangeSet::to_string() const {
    std::string text = "{";
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        if (i) text += ", ";
        text += ranges[i].to_string();
    }
    return text + "}";
}

std::string ShardSpec::to_string() const {
    return "ShardSpec(grid=" + grid.to_string() + ",shape={" + std::to_string(shard_height) + ", " +
           std::to_string(shard_width) + "},orientation=ShardOrientation::" + std::string(ttnn::to_string(orientation)) +
           ")";
}

std::string MemoryConfig::to_string() const {
    return "MemoryConfig(memory_layout=TensorMemoryLayout::" + std::string(ttnn::to_string(memory_layout)) +
           ",buffer_type=BufferType::" + std::string(ttnn::to_string(buffer_type)) +
           ",shard_spec=" + (shard_spec ? shard_spec->to_string() : std::string("std::nullopt")) + ")";
}

MemoryConfig dram_memory_config() { return MemoryConfig{TensorMemoryLayout::INTERLEAVED, BufferType::DRAM, {}}; }
MemoryConfig l1_memory_config() { return MemoryConfig{TensorMemoryLayout::INTERLEAVED, BufferType::L1, {}}; }

void validate_memory_config(const MemoryConfig& config, std::string_view op) {
    if (config.buffer_type != BufferType::DRAM && config.buffer_type != BufferType::L1) {
        throw InvalidArgument(op, "buffer_type=" + std::string(to_string(config.buffer_type)) +
                                      " is not supported for tensors; use DRAM or L1");
    }
    if (config.is_sharded() && !config.shard_spec) {
        throw InvalidArgument(op, "memory_layout=" + std::string(to_string(config.memory_layout)) +
                                      " needs a shard_spec");
    }
    if (!config.is_sharded() && config.shard_spec) {
        throw InvalidArgument(op, "an INTERLEAVED memory config cannot have a shard_spec");
    }
    if (config.shard_spec) {
        const ShardSpec& s = *config.shard_spec;
        if (s.grid.num_cores() == 0) throw InvalidArgument(op, "shard_spec has an empty core grid");
        if (s.shard_height == 0 || s.shard_width == 0) {
            throw InvalidArgument(op, "shard shape [" + std::to_string(s.shard_height) + ", " +
                                          std::to_string(s.shard_width) + "] has a zero dim");
        }
        if (config.memory_layout == TensorMemoryLayout::BLOCK_SHARDED && s.grid.ranges.size() != 1) {
            throw InvalidArgument(op, "BLOCK_SHARDED needs a rectangular grid (one CoreRange), got " +
                                          s.grid.to_string());
        }
    }
}

static std::size_t ceil_div(std::size_t a, std::size_t b) { return (a + b - 1) / b; }

void validate_sharding(const MemoryConfig& config, const Shape& padded_shape, Layout layout, std::string_view op) {
    validate_memory_config(config, op);
    if (!config.is_sharded()) return;
    const ShardSpec& s = *config.shard_spec;
    const Matrix3d m = as_matrix3d(padded_shape);
    const std::size_t height = m.batch * m.height;  // sharding sees the tensor as [volume / width, width]
    const std::size_t width = m.width;
    const std::string shard = "[" + std::to_string(s.shard_height) + ", " + std::to_string(s.shard_width) + "]";
    const std::string tensor = "[" + std::to_string(height) + ", " + std::to_string(width) + "]";
    if (layout == Layout::TILE && (s.shard_height % kTileHeight || s.shard_width % kTileWidth)) {
        throw InvalidArgument(op, "shard shape " + shard + " is not a multiple of the 32x32 tile in TILE layout");
    }
    const std::size_t cores = s.grid.num_cores();
    switch (config.memory_layout) {
        case TensorMemoryLayout::HEIGHT_SHARDED:
            if (s.shard_width != width) {
                throw InvalidArgument(op, "HEIGHT_SHARDED shard width " + std::to_string(s.shard_width) +
                                              " must equal the tensor width " + std::to_string(width));
            }
            if (ceil_div(height, s.shard_height) > cores) {
                throw InvalidArgument(op, "HEIGHT_SHARDED tensor " + tensor + " needs " +
                                              std::to_string(ceil_div(height, s.shard_height)) + " shards of " + shard +
                                              " but the grid has " + std::to_string(cores) + " cores");
            }
            break;
        case TensorMemoryLayout::WIDTH_SHARDED:
            if (s.shard_height != height) {
                throw InvalidArgument(op, "WIDTH_SHARDED shard height " + std::to_string(s.shard_height) +
                                              " must equal the tensor height " + std::to_string(height));
            }
            if (ceil_div(width, s.shard_width) > cores) {
                throw InvalidArgument(op, "WIDTH_SHARDED tensor " + tensor + " needs " +
                                              std::to_string(ceil_div(width, s.shard_width)) + " shards of " + shard +
                                              " but the grid has " + std::to_string(cores) + " cores");
            }
            break;
        case TensorMemoryLayout::BLOCK_SHARDED: {
            const CoreRange& r = s.grid.ranges.front();
            const bool row_major = s.orientation == ShardOrientation::ROW_MAJOR;
            const std::size_t grid_rows = row_major ? r.end.y - r.start.y + 1 : r.end.x - r.start.x + 1;
            const std::size_t grid_cols = row_major ? r.end.x - r.start.x + 1 : r.end.y - r.start.y + 1;
            if (ceil_div(height, s.shard_height) > grid_rows || ceil_div(width, s.shard_width) > grid_cols) {
                throw InvalidArgument(op, "BLOCK_SHARDED tensor " + tensor + " in shards of " + shard + " needs a " +
                                              std::to_string(ceil_div(height, s.shard_height)) + "x" +
                                              std::to_string(ceil_div(width, s.shard_width)) + " grid, got " +
                                              std::to_string(grid_rows) + "x" + std::to_string(grid_cols));
            }
            break;
        }
        case TensorMemoryLayout::INTERLEAVED: break;
    }
}

}  // namespace ttnn
