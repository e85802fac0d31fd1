// Memory planning for a Program: the lifetime of every value a node computes (first step = the node
// defining it, last step = the last node reading it; graph outputs live past the last step), its
// storage bytes under the target's storage policy, and an offset in one arena such that values
// alive at the same time never overlap. Placement is XNNPACK's memory planner (src/memory-planner.c):
// largest values first, each put in the smallest gap between already placed values whose
// lifetimes overlap its own (best fit), else after the last of them. Inputs and constants are not
// planned: the caller and the Program own them, so they are never overwritten.
#include <algorithm>
#include <numeric>
#include <vector>

#include "ttnn/core/tensor.hpp"
#include "ttnn/graph/program.hpp"

namespace ttnn::graph {
namespace {

// Element bytes of the IR types TT-NN has no dtype for (held as the torch type says).
std::size_t torch_element_bytes(ElemType type) {
    switch (type) {
        case ElemType::f64:
        case ElemType::i64:
            return 8;
        case ElemType::f16:
        case ElemType::i16:
            return 2;
        case ElemType::i8:
        case ElemType::b8:
        case ElemType::u8:
            return 1;
        default:
            return 4;
    }
}

std::size_t storage_bytes(const ValueType& type, const ExecTarget& target) {
    const Layout layout = type.layout.value_or(Layout::ROW_MAJOR);
    std::optional<DataType> dtype = to_ttnn_dtype(type.dtype);
    // The executor holds bf16 ROW_MAJOR values as bf16-exact float32 (kernel_table.hpp).
    if (dtype == DataType::BFLOAT16 && layout == Layout::ROW_MAJOR && target.bf16_as_f32) dtype = DataType::FLOAT32;
    const Shape shape(type.shape, "plan_memory");
    if (dtype) {
        TensorSpec spec;
        spec.logical_shape = shape;
        spec.dtype = *dtype;
        spec.layout = is_block_float(*dtype) ? Layout::TILE : layout;
        return spec.storage_bytes();
    }
    // Same geometry as TT-NN's own dtypes (whole tiles; a rank-1 TILE tensor is one row of tiles).
    TensorSpec spec;
    spec.logical_shape = shape;
    spec.dtype = DataType::FLOAT32;
    spec.layout = layout;
    const std::size_t elements = layout == Layout::TILE ? spec.num_tiles() * kTileElements : shape.volume();
    return elements * torch_element_bytes(type.dtype);
}

bool overlaps(const MemoryPlan::Entry& a, const MemoryPlan::Entry& b) {
    return a.first_step <= b.last_step && b.first_step <= a.last_step;
}

}  // namespace

MemoryPlan plan_memory(const Graph& graph, const ExecTarget& target) {
    MemoryPlan plan;
    const auto& nodes = graph.nodes();
    const int end_step = static_cast<int>(nodes.size());
    std::vector<int> entry_of(graph.num_values(), -1);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        for (ValueId id : nodes[i].operands())
            if (entry_of[id] >= 0) plan.entries[entry_of[id]].last_step = static_cast<int>(i);
        for (ValueId id : nodes[i].outputs) {
            entry_of[id] = static_cast<int>(plan.entries.size());
            MemoryPlan::Entry e;
            e.value = id;
            e.first_step = e.last_step = static_cast<int>(i);
            e.bytes = storage_bytes(graph.type(id), target);
            plan.entries.push_back(e);
        }
    }
    for (ValueId id : graph.outputs())
        if (entry_of[id] >= 0) plan.entries[entry_of[id]].last_step = end_step;

    std::vector<std::size_t> order(plan.entries.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Largest first; ties by earlier definition so the plan is deterministic.
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return plan.entries[a].bytes > plan.entries[b].bytes; });
    std::vector<std::size_t> placed;
    std::vector<const MemoryPlan::Entry*> live;
    for (std::size_t index : order) {
        MemoryPlan::Entry& e = plan.entries[index];
        plan.total_bytes += e.bytes;
        if (e.bytes == 0) continue;  // offset 0, occupies nothing
        live.clear();
        for (std::size_t other : placed)
            if (overlaps(e, plan.entries[other])) live.push_back(&plan.entries[other]);
        std::sort(live.begin(), live.end(), [](const auto* a, const auto* b) { return a->offset < b->offset; });
        std::size_t best_offset = 0;
        std::size_t best_gap = 0;
        bool found = false;
        std::size_t cursor = 0;  // end of the placed blocks seen so far
        for (const auto* other : live) {
            if (other->offset > cursor) {
                const std::size_t gap = other->offset - cursor;
                if (gap >= e.bytes && (!found || gap < best_gap)) {
                    found = true;
                    best_gap = gap;
                    best_offset = cursor;
                }
            }
            cursor = std::max(cursor, other->offset + other->bytes);
        }
        e.offset = found ? best_offset : cursor;
        plan.arena_bytes = std::max(plan.arena_bytes, e.offset + e.bytes);
        placed.push_back(index);
    }
    return plan;
}

}  // namespace ttnn::graph
