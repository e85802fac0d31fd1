// The Program executor: binds kernels once, then runs the whole graph in C++ per call.
#include "ttnn/graph/program.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <thread>

#include "ttnn/core/distribute.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/core/thread_pool.hpp"
#include "ttnn/graph/constant_pool.hpp"
#include "ttnn/graph/mesh_io.hpp"
#include "ttnn/graph/op_profile.hpp"
#include "ttnn/ops/common.hpp"

namespace ttnn::graph {
namespace {

std::string signature(const ValueType& t) { return t.to_string(); }

std::string runtime_signature(const Tensor& t) {
    std::string out(ttnn::to_string(t.dtype()));
    out += '[';
    for (std::size_t i = 0; i < t.logical_shape().rank(); ++i)
        out += (i ? "," : "") + std::to_string(t.logical_shape()[i]);
    return out + ']';
}

bool shares_storage(const Tensor& a, const Tensor& b) {
    if (a.storage_ptr() == b.storage_ptr()) return true;
    for (const auto& x : a.storage().buffers)
        for (const auto& y : b.storage().buffers)
            if (x == y) return true;
    return false;
}

inline std::uint32_t round_bits_to_bf16(std::uint32_t bits) {
    // TT-NN's host rounding (docs/numerics_findings.md): nearest-even; any NaN becomes 0x7FC0.
    const std::uint32_t rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF0000u;
    return (bits & 0x7FFFFFFFu) > 0x7F800000u ? 0x7FC00000u : rounded;
}

// A private copy of a tensor's bytes, placed like it.
Tensor copy_tensor(const Tensor& t) {
    Tensor copy = allocate_like_placement(t.spec(), t, "torch_ttnn program");
    for (std::size_t i = 0; i < t.storage().buffers.size(); ++i) {
        const auto& src = t.storage().buffers[i];
        std::memcpy(copy.storage().buffers[i]->data("torch_ttnn program"), src->data("torch_ttnn program"), src->size());
    }
    return copy;
}

// Rounds the outputs that hold bf16 values in float32, never through a buffer an operand also
// sees (a view): that would change the operand.
void finish_outputs(std::vector<Tensor>& outs, std::span<const Tensor> operands, const std::vector<bool>& round) {
    for (std::size_t i = 0; i < outs.size(); ++i) {
        if (!round[i]) continue;
        for (const Tensor& in : operands)
            if (shares_storage(outs[i], in)) {
                outs[i] = copy_tensor(outs[i]);
                break;
            }
        round_to_bf16_inplace(outs[i]);
    }
}

std::vector<bool> rounded_outputs(const Graph& graph, const Node& node, const KernelContext& ctx,
                                  const KernelEntry& entry) {
    std::vector<bool> round;
    for (std::size_t i = 0; i < node.outputs.size(); ++i) {
        const bool held_as_f32 = graph.type(node.outputs[i]).dtype == ElemType::bf16 && ctx.output_dtype(i) == DataType::FLOAT32;
        round.push_back(held_as_f32 && !entry.value_preserving);
    }
    return round;
}

// Device d's view of a program constant: its shard of a constant placed on the mesh
// (fold-constants replicates weights once); host constants are shared, read-only.
Tensor device_constant(const Tensor& c, std::size_t d) {
    return c.mesh_device() && !c.device() ? device_tensors(c).at(d) : c;
}

}  // namespace

std::vector<Tensor> run_node(const Graph& graph, const Node& node, const ExecTarget& target,
                             std::span<const Tensor> inputs) {
    const KernelEntry* entry = KernelTable::instance().find(node.op);
    if (!entry) throw InvalidArgument("run_node: no kernel for " + node.op);
    ops::ScopedNumericsMode mode(target.faithful ? ops::NumericsMode::FAITHFUL : ops::NumericsMode::FAST);
    KernelContext ctx(graph, node, target);
    std::vector<Tensor> outs = entry->factory(ctx)(inputs);
    if (outs.size() != node.outputs.size())
        throw InvalidState("run_node: " + node.op + " returned " + std::to_string(outs.size()) + " outputs, expected " +
                           std::to_string(node.outputs.size()));
    finish_outputs(outs, inputs, rounded_outputs(graph, node, ctx, *entry));
    return outs;
}

void round_to_bf16_inplace(const Tensor& tensor) {
    if (tensor.dtype() != DataType::FLOAT32 || tensor.layout() != Layout::ROW_MAJOR)
        throw InvalidState("round_to_bf16_inplace: expects a FLOAT32 ROW_MAJOR tensor, got " + tensor.spec().to_string());
    ThreadPool& pool = ops::pool_of(tensor);
    for (const auto& buffer : tensor.storage().buffers) {
        auto* bits = reinterpret_cast<std::uint32_t*>(buffer->data("round_to_bf16_inplace"));
        const std::size_t n = buffer->size() / 4;
        auto body = [bits](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) bits[i] = round_bits_to_bf16(bits[i]);
        };
        if (n < (1u << 15)) {
            body(0, n);
        } else {
            pool.parallel_for(n, 1u << 14, body);
        }
    }
}

Program::Program(Graph graph, ExecTarget target) : graph_(std::move(graph)), target_(std::move(target)) {
    if (!target_.device && !target_.mesh) throw InvalidArgument("Program: needs a device or a mesh device");
    for (ValueId id : graph_.constants()) graph_.set_constant_data(id, intern_constant(graph_.constant_data(id)));
    if (target_.mesh) {
        const std::size_t n = target_.mesh->num_devices();
        for (std::size_t d = 0; d < n; ++d) {
            DeviceCopy copy;
            copy.target = target_;
            copy.target.mesh = nullptr;
            copy.target.device = target_.mesh->device(d);
            copy.target.mesh_index = static_cast<int>(d);
            copy.target.mesh_size = static_cast<int>(n);
            copy.steps = bind_steps(copy.target);
            for (ValueId id : graph_.constants()) copy.constants.push_back(device_constant(graph_.constant_data(id), d));
            device_copies_.push_back(std::move(copy));
        }
    } else {
        steps_ = bind_steps(target_);
    }
    plan_ = plan_memory(graph_, target_);
}

std::vector<Program::Step> Program::bind_steps(const ExecTarget& target) const {
    const auto& table = KernelTable::instance();
    const auto& nodes = graph_.nodes();
    // Last step reading each value; graph outputs are never released.
    std::vector<int> last_use(graph_.num_values(), -1);
    for (std::size_t s = 0; s < nodes.size(); ++s)
        for (ValueId id : nodes[s].operands()) last_use[id] = static_cast<int>(s);
    std::vector<bool> is_output(graph_.num_values(), false);
    for (ValueId id : graph_.outputs()) is_output[id] = true;

    std::vector<Step> steps;
    steps.reserve(nodes.size());
    for (std::size_t s = 0; s < nodes.size(); ++s) {
        const Node& node = nodes[s];
        const KernelEntry* entry = table.find(node.op);
        if (!entry)
            throw InvalidArgument("Program: no kernel for " + node.op +
                                  (node.name.empty() ? std::string() : " (from " + node.name + ")"));
        KernelContext ctx(graph_, node, target);
        Step step;
        step.kernel = entry->factory(ctx);
        step.inputs = node.operands();
        step.outputs = node.outputs;
        step.node = static_cast<int>(s);
        step.round_output = rounded_outputs(graph_, node, ctx, *entry);
        for (ValueId id : step.inputs)
            if (last_use[id] == static_cast<int>(s) && !is_output[id] &&
                graph_.value(id).kind == Value::Kind::node &&
                std::find(step.release.begin(), step.release.end(), id) == step.release.end())
                step.release.push_back(id);
        steps.push_back(std::move(step));
    }
    return steps;
}

void Program::execute(const std::vector<Step>& steps, std::vector<Tensor>& slots) const {
    ops::ScopedNumericsMode mode(target_.faithful ? ops::NumericsMode::FAITHFUL : ops::NumericsMode::FAST);
    std::vector<Tensor> operands;
    for (const Step& step : steps) {
        operands.clear();
        for (ValueId id : step.inputs) operands.push_back(slots[id]);
        const bool profiling = op_profile_enabled();
        const auto started = profiling ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
        std::vector<Tensor> outs = step.kernel(operands);
        if (profiling) {
            std::string shapes;
            for (const Tensor& t : operands) shapes += (shapes.empty() ? "" : " ") + runtime_signature(t);
            op_profile_add(graph_.nodes()[step.node].op, shapes,
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        }
        if (outs.size() != step.outputs.size())
            throw InvalidState("Program: " + graph_.nodes()[step.node].op + " returned " + std::to_string(outs.size()) +
                               " outputs, expected " + std::to_string(step.outputs.size()));
        finish_outputs(outs, operands, step.round_output);
        for (std::size_t i = 0; i < outs.size(); ++i) slots[step.outputs[i]] = std::move(outs[i]);
        for (ValueId id : step.release) slots[id] = Tensor();
    }
}

std::vector<Tensor> Program::run(const std::vector<Tensor>& inputs) const {
    const auto& graph_inputs = graph_.inputs();
    if (inputs.size() != graph_inputs.size())
        throw InvalidArgument("torch_ttnn program: expected " + std::to_string(graph_inputs.size()) +
                              " inputs, got " + std::to_string(inputs.size()));
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const ValueType& want = graph_.type(graph_inputs[i]);
        const Tensor& got = inputs[i];
        bool ok = got.logical_shape().rank() == want.shape.size();
        for (std::size_t d = 0; ok && d < want.shape.size(); ++d) ok = got.logical_shape()[d] == want.shape[d];
        const auto want_dtype = to_ttnn_dtype(want.dtype);
        ok = ok && want_dtype && got.dtype() == *want_dtype;
        if (!ok)
            throw InvalidArgument("torch_ttnn program: input " + std::to_string(i) + " ('" +
                                  graph_.value(graph_inputs[i]).name + "') was compiled for " + signature(want) +
                                  ", got " + runtime_signature(got));
    }
    if (!device_copies_.empty()) return run_on_mesh(inputs);

    std::vector<Tensor> slots(graph_.num_values());
    for (std::size_t i = 0; i < inputs.size(); ++i) slots[graph_inputs[i]] = inputs[i];
    for (ValueId id : graph_.constants()) slots[id] = graph_.constant_data(id);
    execute(steps_, slots);
    runs_.fetch_add(1);
    std::vector<Tensor> results;
    for (ValueId id : graph_.outputs()) results.push_back(slots[id]);
    return results;
}

std::vector<Tensor> Program::run_on_mesh(const std::vector<Tensor>& inputs) const {
    const std::size_t n = device_copies_.size();
    const auto& graph_inputs = graph_.inputs();
    const auto& constants = graph_.constants();
    std::vector<std::vector<Tensor>> device_slots(n);
    std::vector<std::exception_ptr> errors(n);
    auto run_device = [&](std::size_t d) {
        try {
            const DeviceCopy& copy = device_copies_[d];
            std::vector<Tensor>& slots = device_slots[d];
            slots.resize(graph_.num_values());
            for (std::size_t i = 0; i < inputs.size(); ++i) {
                const Tensor& t = inputs[i];
                slots[graph_inputs[i]] = t.mesh_device() && !t.device() ? device_tensors(t).at(d) : t;
            }
            for (std::size_t k = 0; k < constants.size(); ++k) slots[constants[k]] = copy.constants[k];
            execute(copy.steps, slots);
        } catch (...) {
            errors[d] = std::current_exception();
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t d = 1; d < n; ++d) threads.emplace_back(run_device, d);
    run_device(0);
    for (auto& t : threads) t.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
    runs_.fetch_add(1);

    // Assemble each output from the devices' copies.
    std::vector<Tensor> results;
    for (std::size_t k = 0; k < graph_.outputs().size(); ++k) {
        const ValueId id = graph_.outputs()[k];
        const Value& v = graph_.value(id);
        if (v.kind == Value::Kind::input) {
            const auto at = std::find(graph_inputs.begin(), graph_inputs.end(), id);
            results.push_back(inputs[static_cast<std::size_t>(at - graph_inputs.begin())]);
            continue;
        }
        if (v.kind == Value::Kind::constant) {
            results.push_back(graph_.constant_data(id));
            continue;
        }
        std::vector<Tensor> parts;
        for (auto& slots : device_slots) parts.push_back(slots[id]);
        const Node& producer = graph_.nodes()[v.producer];
        if (producer.op == "ttnn.from_device" && producer.kwargs.count("mesh_composer")) {
            const auto dim = static_cast<int>(std::get<std::int64_t>(producer.kwargs.at("dim")));
            const Tensor mesh_tensor = join_device_tensors(parts, target_.mesh, {Distribution::Kind::SHARD, dim});
            results.push_back(concat_from_mesh(mesh_tensor, dim, parts.front().dtype()));
        } else if (parts.front().device()) {
            // A value left on the devices: the mesh tensor of the devices' (replicated) copies.
            results.push_back(join_device_tensors(parts, target_.mesh, {Distribution::Kind::REPLICATE, 0}));
        } else {
            // A host result every device computed alike (inputs and weights replicated).
            results.push_back(parts.front());
        }
    }
    return results;
}

ProgramStats Program::stats() const {
    ProgramStats s;
    s.steps = static_cast<int>(graph_.nodes().size());
    for (const Node& n : graph_.nodes()) {
        if (n.op == "ttnn.to_device") ++s.transfers_to_device;
        if (n.op == "ttnn.from_device") ++s.transfers_from_device;
    }
    for (ValueId id : graph_.constants())
        for (const auto& b : graph_.constant_data(id).storage().buffers) s.constant_bytes += b->size();
    s.arena_bytes = plan_.arena_bytes;
    s.total_bytes = plan_.total_bytes;
    return s;
}

}  // namespace ttnn::graph
