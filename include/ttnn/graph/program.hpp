// Program: an executable TT-NN-level graph. Built once (kernels bound, constants resident on the
// target, a memory plan computed), then run many times, from any number of threads at once: each
// run has its own value slots, and nothing in the Program changes while it runs.
#pragma once

#include <atomic>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ttnn/graph/ir.hpp"
#include "ttnn/graph/kernel_table.hpp"

namespace ttnn::graph {

// Liveness of every value the program computes (XNNPACK-style plan): the step that defines it,
// the last step that reads it, its bytes and its offset in one arena. The executor releases a
// value after its last use; the arena size is the peak the plan predicts.
struct MemoryPlan {
    struct Entry {
        ValueId value = kNoValue;
        int first_step = 0;
        int last_step = 0;  // graph outputs: one past the last step
        std::size_t bytes = 0;
        std::size_t offset = 0;
    };
    std::vector<Entry> entries;
    std::size_t arena_bytes = 0;   // peak of live bytes under the plan
    std::size_t total_bytes = 0;   // sum of all values' bytes (no reuse)
};
MemoryPlan plan_memory(const Graph& graph, const ExecTarget& target);

struct ProgramStats {
    int steps = 0;
    int transfers_to_device = 0;
    int transfers_from_device = 0;
    std::size_t constant_bytes = 0;
    std::size_t arena_bytes = 0;
    std::size_t total_bytes = 0;
};

class Program {
public:
    // `graph` must be TT-NN level (every node has a kernel); throws naming the node otherwise.
    Program(Graph graph, ExecTarget target);
    // Inputs in graph-input order; checks each against the input's type (shape, dtype), raising
    // InvalidArgument that names the input and both signatures.
    std::vector<Tensor> run(const std::vector<Tensor>& inputs) const;

    const Graph& graph() const { return graph_; }
    const ExecTarget& target() const { return target_; }
    const MemoryPlan& memory_plan() const { return plan_; }
    ProgramStats stats() const;
    std::uint64_t runs() const { return runs_.load(); }

private:
    struct Step {
        BoundKernel kernel;
        std::vector<ValueId> inputs;
        std::vector<ValueId> outputs;
        std::vector<bool> round_output;   // round this float32 output to bf16 in place
        std::vector<ValueId> release;     // values whose last use is this step
        int node = 0;
    };
    // A mesh program runs as one copy of the graph per device, each copy on its own thread from
    // its first op to its last: no barrier per op, no thread started per op.
    struct DeviceCopy {
        ExecTarget target;                // the device alone (mesh_index set)
        std::vector<Step> steps;
        std::vector<Tensor> constants;    // this device's shard of each graph constant
    };
    std::vector<Step> bind_steps(const ExecTarget& target) const;
    void execute(const std::vector<Step>& steps, std::vector<Tensor>& slots) const;
    std::vector<Tensor> run_on_mesh(const std::vector<Tensor>& inputs) const;

    Graph graph_;
    ExecTarget target_;
    std::vector<Step> steps_;             // single-device targets
    std::vector<DeviceCopy> device_copies_;  // mesh targets
    MemoryPlan plan_;
    mutable std::atomic<std::uint64_t> runs_{0};
};

// Runs one TT-NN-level node on `target` exactly as a Program step does (outputs whose IR type is
// bf16 but are held as float32 are rounded), for passes that evaluate nodes at compile time.
std::vector<Tensor> run_node(const Graph& graph, const Node& node, const ExecTarget& target,
                             std::span<const Tensor> inputs);

// Rounds a float32 tensor's values to bfloat16 in place (TT-NN's rounding: nearest-even, NaN
// quieted), on the tensor's device threads. Tensor storage must be owned by the runtime.
void round_to_bf16_inplace(const Tensor& tensor);

}  // namespace ttnn::graph
