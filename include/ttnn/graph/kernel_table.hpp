// Kernels of the program executor: how one TT-NN-level node runs.
//
// A kernel factory reads the node's attributes once, when a Program is built, and returns the
// closure the executor calls on every run with the node's operand tensors (Node::operands order:
// positional args, then kwargs by name; None entries are not passed). Kernels call the C++ ops
// (ttnn::ops::*), so a compiled program runs the same code as `ttnn.<op>` from Python.
//
// Storage: the executor may hold bf16 ROW_MAJOR values as float32 tensors whose values are exactly
// bf16 (NUMERICS.md: storage is the runtime's choice). A kernel receives such float32 tensors and
// returns float32; the executor then rounds outputs whose IR type is bf16, unless the kernel is
// declared `value_preserving` (it only moves or selects input values: reshape, permute, slice...).
// Kernels get the dtype to produce through KernelContext::output_dtype.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ttnn/core/tensor.hpp"
#include "ttnn/graph/ir.hpp"

namespace ttnn::graph {

// Where a program runs: one device, or a mesh (ops run per device of the mesh).
struct ExecTarget {
    std::shared_ptr<Device> device;
    std::shared_ptr<MeshDevice> mesh;
    // Hold bf16 ROW_MAJOR values as bf16-exact float32 (fast path; see the header comment).
    bool bf16_as_f32 = true;
    // The numerics the program was compiled for (LowerOptions::faithful), applied to every op it
    // runs whatever the process-wide ttnn.set_numerics_mode says.
    bool faithful = true;
    // Set when a Program runs a mesh program as one copy per device, each on its own thread (no
    // barrier between ops): `device` is mesh device `mesh_index` of `mesh_size` and `mesh` is null.
    // ttnn.to_device(mesh_mapper="shard") then sends only this device's slice, and
    // ttnn.from_device(mesh_composer="concat") leaves this device's tensor for the Program to
    // assemble.
    int mesh_index = -1;
    int mesh_size = 0;
};

class KernelContext {
public:
    KernelContext(const Graph& graph, const Node& node, const ExecTarget& target)
        : graph_(graph), node_(node), target_(target) {}
    const Graph& graph() const { return graph_; }
    const Node& node() const { return node_; }
    const ExecTarget& target() const { return target_; }
    const std::string& op() const { return node_.op; }

    // Attributes (kwargs) with the op named in errors.
    bool has(std::string_view key) const;  // present and not None
    std::int64_t get_int(std::string_view key) const;
    std::int64_t get_int(std::string_view key, std::int64_t fallback) const;
    double get_float(std::string_view key) const;  // int or float
    double get_float(std::string_view key, double fallback) const;
    bool get_bool(std::string_view key, bool fallback) const;
    std::string get_string(std::string_view key, std::string fallback = {}) const;
    IntList get_ints(std::string_view key) const;
    IntList get_ints(std::string_view key, IntList fallback) const;
    FloatList get_floats(std::string_view key) const;
    // Sizes for ops that take uint32 arguments: range-checked; a pair also reads from one value.
    std::uint32_t get_u32(std::string_view key) const;
    std::array<std::uint32_t, 2> get_u32_pair(std::string_view key, std::array<std::uint32_t, 2> fallback) const;

    const ValueType& output_type(std::size_t i = 0) const { return graph_.type(node_.outputs.at(i)); }
    // The runtime dtype an output is stored in (bf16 values may be held as float32).
    DataType output_dtype(std::size_t i = 0) const;
    Layout output_layout(std::size_t i = 0) const;
    // The runtime dtype of an IR type under this target's storage policy.
    DataType storage_dtype(const ValueType& type) const;
    // Positions of the operands: operand_index("bias") is the index into the kernel's inputs of
    // kwarg "bias" (or -1 when absent or None); for positional args use arg_operand_index(i).
    int operand_index(std::string_view key) const;
    int arg_operand_index(std::size_t arg) const;

private:
    const Graph& graph_;
    const Node& node_;
    const ExecTarget& target_;
};

using BoundKernel = std::function<std::vector<Tensor>(std::span<const Tensor> inputs)>;
using KernelFactory = std::function<BoundKernel(const KernelContext&)>;

struct KernelEntry {
    KernelFactory factory;
    bool value_preserving = false;  // outputs only copy input values: never re-rounded
};

class KernelTable {
public:
    static const KernelTable& instance();
    void add(std::string op, KernelFactory factory, bool value_preserving = false);
    const KernelEntry* find(std::string_view op) const;
    std::vector<std::string> ops() const;

private:
    std::unordered_map<std::string, KernelEntry> kernels_;
};

#define TTNN_KERNEL_FAMILY(name) void register_##name##_kernels(KernelTable& table);
#include "ttnn/graph/kernel_families.def"
#undef TTNN_KERNEL_FAMILY

}  // namespace ttnn::graph
