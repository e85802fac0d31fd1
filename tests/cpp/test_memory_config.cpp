// Memory configs on their own (validate_memory_config) and against a tensor shape
// (validate_sharding): each rule gets one passing and one failing case, so a check that is too
// strict fails here just as one that is too loose.
#include <gtest/gtest.h>

#include <string>

#include "ttnn/core/error.hpp"
#include "ttnn/core/memory_config.hpp"

using namespace ttnn;

namespace {

CoreRangeSet rect(std::uint32_t x0, std::uint32_t y0, std::uint32_t x1, std::uint32_t y1) {
    return CoreRangeSet({CoreRange({x0, y0}, {x1, y1})});
}

MemoryConfig sharded(TensorMemoryLayout layout, CoreRangeSet grid, std::uint32_t h, std::uint32_t w,
                     ShardOrientation o = ShardOrientation::ROW_MAJOR) {
    return MemoryConfig{layout, BufferType::L1, ShardSpec{std::move(grid), h, w, o}};
}

// Expects validate_sharding to throw InvalidArgument whose message contains `part`.
void expect_rejected(const MemoryConfig& mc, const Shape& padded, Layout layout, const std::string& part) {
    try {
        validate_sharding(mc, padded, layout, "ttnn.to_memory_config");
        ADD_FAILURE() << "accepted " << mc.to_string() << " for " << padded.to_string();
    } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
        EXPECT_EQ(e.op(), "ttnn.to_memory_config");
    }
}

constexpr auto H = TensorMemoryLayout::HEIGHT_SHARDED;
constexpr auto W = TensorMemoryLayout::WIDTH_SHARDED;
constexpr auto B = TensorMemoryLayout::BLOCK_SHARDED;

}  // namespace

TEST(MemoryConfig, InterleavedConfigs) {
    EXPECT_NO_THROW(validate_memory_config(dram_memory_config(), "op"));
    EXPECT_NO_THROW(validate_memory_config(l1_memory_config(), "op"));
    EXPECT_NO_THROW(validate_sharding(dram_memory_config(), Shape{3, 50, 70}, Layout::ROW_MAJOR, "op"));
    MemoryConfig sys{TensorMemoryLayout::INTERLEAVED, BufferType::SYSTEM_MEMORY, {}};
    EXPECT_THROW(validate_memory_config(sys, "op"), InvalidArgument);
    MemoryConfig with_spec = l1_memory_config();
    with_spec.shard_spec = ShardSpec{rect(0, 0, 1, 1), 32, 32};
    EXPECT_THROW(validate_memory_config(with_spec, "op"), InvalidArgument);
    EXPECT_EQ(dram_memory_config().to_string(),
              "MemoryConfig(memory_layout=TensorMemoryLayout::INTERLEAVED,buffer_type=BufferType::DRAM,"
              "shard_spec=std::nullopt)");
}

TEST(MemoryConfig, ShardedNeedsAUsableSpec) {
    MemoryConfig no_spec{H, BufferType::L1, {}};
    EXPECT_THROW(validate_memory_config(no_spec, "op"), InvalidArgument);
    EXPECT_THROW(validate_memory_config(sharded(H, CoreRangeSet{}, 32, 32), "op"), InvalidArgument);
    EXPECT_THROW(validate_memory_config(sharded(H, rect(0, 0, 1, 1), 0, 32), "op"), InvalidArgument);
    EXPECT_NO_THROW(validate_memory_config(sharded(H, rect(0, 0, 1, 1), 32, 32), "op"));
    // DRAM sharding is a valid config too.
    EXPECT_NO_THROW(validate_memory_config(MemoryConfig{W, BufferType::DRAM, ShardSpec{rect(0, 0, 3, 0), 32, 32}}, "op"));
}

TEST(MemoryConfig, HeightSharding) {
    const Shape padded{2, 128, 64};  // seen as [256, 64]
    EXPECT_NO_THROW(validate_sharding(sharded(H, rect(0, 0, 3, 0), 64, 64), padded, Layout::TILE, "op"));
    // Fewer shards than cores is fine; a non-rectangular grid is fine for height sharding.
    EXPECT_NO_THROW(validate_sharding(sharded(H, rect(0, 0, 3, 1), 64, 64), padded, Layout::TILE, "op"));
    const CoreRangeSet l_shape({CoreRange({0, 0}, {2, 0}), CoreRange({0, 1}, {0, 1})});
    EXPECT_NO_THROW(validate_sharding(sharded(H, l_shape, 64, 64), padded, Layout::TILE, "op"));
    expect_rejected(sharded(H, rect(0, 0, 3, 0), 64, 32), padded, Layout::TILE, "width");
    expect_rejected(sharded(H, rect(0, 0, 3, 0), 32, 64), padded, Layout::TILE, "needs 8 shards");
    expect_rejected(sharded(H, rect(0, 0, 7, 0), 48, 64), padded, Layout::TILE, "multiple of the 32x32 tile");
    // Uneven shards are allowed in ROW_MAJOR: ceil(256 / 48) = 6 shards on 8 cores.
    EXPECT_NO_THROW(validate_sharding(sharded(H, rect(0, 0, 7, 0), 48, 64), padded, Layout::ROW_MAJOR, "op"));
    expect_rejected(sharded(H, rect(0, 0, 4, 0), 48, 64), padded, Layout::ROW_MAJOR, "needs 6 shards");
}

TEST(MemoryConfig, WidthSharding) {
    const Shape padded{64, 256};
    EXPECT_NO_THROW(validate_sharding(sharded(W, rect(0, 0, 3, 0), 64, 64), padded, Layout::TILE, "op"));
    expect_rejected(sharded(W, rect(0, 0, 3, 0), 32, 64), padded, Layout::TILE, "height 32");
    expect_rejected(sharded(W, rect(0, 0, 3, 0), 64, 32), padded, Layout::TILE, "needs 8 shards");
    expect_rejected(sharded(W, rect(0, 0, 7, 0), 64, 40), padded, Layout::TILE, "tile");
}

TEST(MemoryConfig, BlockSharding) {
    const Shape padded{128, 256};
    // ROW_MAJOR orientation: grid rows are y (2), columns x (4); 2 x 4 blocks of [64, 64].
    EXPECT_NO_THROW(validate_sharding(sharded(B, rect(0, 0, 3, 1), 64, 64), padded, Layout::TILE, "op"));
    // COL_MAJOR swaps them: 4 rows x 2 columns cannot hold 4 block columns.
    expect_rejected(sharded(B, rect(0, 0, 3, 1), 64, 64, ShardOrientation::COL_MAJOR), padded, Layout::TILE,
                    "needs a 2x4 grid, got 4x2");
    EXPECT_NO_THROW(validate_sharding(sharded(B, rect(0, 0, 1, 3), 64, 64, ShardOrientation::COL_MAJOR), padded,
                                      Layout::TILE, "op"));
    expect_rejected(sharded(B, rect(0, 0, 3, 1), 32, 64), padded, Layout::TILE, "needs a 4x4 grid");
    expect_rejected(sharded(B, rect(0, 0, 3, 1), 64, 48), padded, Layout::TILE, "tile");
    const CoreRangeSet two({CoreRange({0, 0}, {3, 0}), CoreRange({0, 1}, {3, 1})});
    expect_rejected(sharded(B, two, 64, 64), padded, Layout::TILE, "rectangular");
}

TEST(CoreRangeSet, OverlapThrowsAndCoresAreOrdered) {
    EXPECT_THROW(CoreRangeSet({CoreRange({0, 0}, {1, 1}), CoreRange({1, 1}, {2, 2})}), InvalidArgument);
    EXPECT_THROW(CoreRangeSet({CoreRange({0, 0}, {3, 0}), CoreRange({2, 0}, {2, 0})}), InvalidArgument);
    EXPECT_THROW(CoreRange({2, 0}, {1, 0}), InvalidArgument);
    const CoreRangeSet s({CoreRange({0, 0}, {1, 1}), CoreRange({2, 0}, {2, 0})});
    EXPECT_EQ(s.num_cores(), 5u);
    EXPECT_EQ(s.bounding_box_end(), (CoreCoord{2, 1}));
    const auto rm = s.cores(ShardOrientation::ROW_MAJOR);
    const std::vector<CoreCoord> want_rm = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 0}};
    EXPECT_EQ(rm, want_rm);
    const auto cm = s.cores(ShardOrientation::COL_MAJOR);
    const std::vector<CoreCoord> want_cm = {{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 0}};
    EXPECT_EQ(cm, want_cm);
}
