// The memory plan: lifetimes per node output, storage bytes under the target's policy, and arena
// offsets that never overlap for values alive at the same time.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "ttnn/graph/program.hpp"
#include "ttnn/graph/text.hpp"

using namespace ttnn;
using namespace ttnn::graph;

namespace {

const MemoryPlan::Entry& entry(const MemoryPlan& plan, ValueId id) {
    for (const auto& e : plan.entries)
        if (e.value == id) return e;
    throw std::runtime_error("no plan entry for %" + std::to_string(id));
}

// Every pair of values alive at a common step occupies disjoint bytes; the arena holds them all.
void expect_valid(const MemoryPlan& plan) {
    std::size_t total = 0;
    for (const auto& a : plan.entries) {
        total += a.bytes;
        EXPECT_LE(a.offset + a.bytes, plan.arena_bytes);
        for (const auto& b : plan.entries) {
            if (&a == &b || a.bytes == 0 || b.bytes == 0) continue;
            const bool alive_together = a.first_step <= b.last_step && b.first_step <= a.last_step;
            const bool disjoint = a.offset + a.bytes <= b.offset || b.offset + b.bytes <= a.offset;
            if (alive_together) {
                EXPECT_TRUE(disjoint) << "%" << a.value << " and %" << b.value;
            }
        }
    }
    EXPECT_EQ(plan.total_bytes, total);
    EXPECT_LE(plan.arena_bytes, plan.total_bytes);
}

}  // namespace

TEST(MemoryPlan, LifetimesAndBestFitOffsets) {
    const Graph g = parse_graph(R"(graph(%0: f32[32,32]{row_major,host} "x") {
  %1: f32[32,32] = ttnn.a(%0)
  %2: f32[32,32] = ttnn.b(%1)
  %3: f32[32,32] = ttnn.c(%1, %2)
  %4: f32[64,32] = ttnn.d(%3)
  %5: f32[32,32] = ttnn.e(%0)
  return (%4)
}
)");
    const MemoryPlan plan = plan_memory(g, ExecTarget{});
    ASSERT_EQ(plan.entries.size(), 5u);  // node outputs only: the input is the caller's
    struct Expected {
        ValueId id;
        int first, last;
        std::size_t bytes, offset;
    };
    // %4 (largest) goes first at 0; %1 does not meet it; %2 and %3 stack above the live ones.
    for (const Expected& x : std::vector<Expected>{{1, 0, 2, 4096, 0},
                                                   {2, 1, 2, 4096, 4096},
                                                   {3, 2, 3, 4096, 8192},
                                                   {4, 3, 5, 8192, 0},
                                                   {5, 4, 4, 4096, 8192}}) {
        const auto& e = entry(plan, x.id);
        EXPECT_EQ(e.first_step, x.first) << "%" << x.id;
        EXPECT_EQ(e.last_step, x.last) << "%" << x.id;
        EXPECT_EQ(e.bytes, x.bytes) << "%" << x.id;
        EXPECT_EQ(e.offset, x.offset) << "%" << x.id;
    }
    EXPECT_EQ(plan.total_bytes, 24576u);
    EXPECT_EQ(plan.arena_bytes, 12288u);  // the peak: %1 + %2 + %3 at step 2
    expect_valid(plan);
}

TEST(MemoryPlan, BytesFollowTheStoragePolicy) {
    const Graph g = parse_graph(R"(graph(%0: f32[1]) {
  %1: bf16[3,5]{tile,device} = ttnn.a(%0)
  %2: bf16[3,5]{row_major,device} = ttnn.b(%0)
  %3: bfp8[64,64]{tile,device} = ttnn.c(%0)
  %4: i64[10] = ttnn.d(%0)
  %5: b8[7]{row_major} = ttnn.e(%0)
  %6: f32[] = ttnn.f(%0)
  %7: u16[40]{tile} = ttnn.g(%0)
  return (%1, %2, %3, %4, %5, %6, %7)
}
)");
    ExecTarget fast;
    fast.bf16_as_f32 = true;
    const MemoryPlan plan = plan_memory(g, fast);
    EXPECT_EQ(entry(plan, 1).bytes, 2048u);       // one bf16 tile
    EXPECT_EQ(entry(plan, 2).bytes, 15u * 4u);    // bf16 ROW_MAJOR held as float32
    EXPECT_EQ(entry(plan, 3).bytes, 4u * 1088u);  // four bfloat8_b tiles
    EXPECT_EQ(entry(plan, 4).bytes, 80u);
    EXPECT_EQ(entry(plan, 5).bytes, 7u);
    EXPECT_EQ(entry(plan, 6).bytes, 4u);
    EXPECT_EQ(entry(plan, 7).bytes, 2u * 2048u);  // rank 1 pads its only dim: 64 = two tiles' width
    for (const auto& e : plan.entries) EXPECT_EQ(e.last_step, 7) << "graph outputs live past the last step";
    expect_valid(plan);

    ExecTarget faithful;
    faithful.bf16_as_f32 = false;
    EXPECT_EQ(entry(plan_memory(g, faithful), 2).bytes, 15u * 2u);
}

TEST(MemoryPlan, RandomGraphsNeverOverlapLiveValues) {
    std::mt19937 rng(1234);
    for (int trial = 0; trial < 50; ++trial) {
        std::string text = "graph(%0: f32[8]) {\n";
        const int n = 1 + static_cast<int>(rng() % 30);
        for (int i = 1; i <= n; ++i) {
            const int rows = 1 + static_cast<int>(rng() % 64);
            const int a = static_cast<int>(rng() % i);
            const int b = static_cast<int>(rng() % i);
            text += "  %" + std::to_string(i) + ": f32[" + std::to_string(rows) + ",8] = ttnn.op(%" +
                    std::to_string(a) + ", %" + std::to_string(b) + ")\n";
        }
        text += "  return (%" + std::to_string(n) + ", %" + std::to_string(1 + rng() % n) + ")\n}\n";
        const MemoryPlan plan = plan_memory(parse_graph(text), ExecTarget{});
        expect_valid(plan);
        // The arena is at least the largest number of bytes alive at one step.
        std::size_t peak = 0;
        for (int step = 0; step <= n; ++step) {
            std::size_t live = 0;
            for (const auto& e : plan.entries)
                if (e.first_step <= step && step <= e.last_step) live += e.bytes;
            peak = std::max(peak, live);
        }
        EXPECT_GE(plan.arena_bytes, peak);
    }
}
