// The compiler's graph IR: one small structure for both levels of the pipeline.
//
// An ATen-level graph holds nodes named by ATen overload ("aten::convolution.default") with
// schema-normalized positional arguments, as the torch front exports them. Lowering turns it into
// a TT-NN-level graph whose nodes are named "ttnn.<op>" and carry named attributes (kwargs). Both
// print as text and parse back (graph/text.hpp), so passes are tested on golden text.
//
// Values are SSA: each is produced once (graph input, constant or node output) and has a type
// (shape, element type, and for TT-NN values a layout and a placement). Nodes are kept in
// topological order; passes are pure Graph -> Graph functions (graph/passes.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "ttnn/core/layout.hpp"
#include "ttnn/core/tensor.hpp"

namespace ttnn::graph {

using ValueId = std::int32_t;
inline constexpr ValueId kNoValue = -1;

// Element types of both levels: torch's scalar types and TT-NN's dtypes (names as printed).
enum class ElemType : std::uint8_t {
    f32, f64, f16, bf16, i64, i32, i16, i8, u8, b8,  // torch ("b8" = bool)
    u16, u32, bfp8, bfp4,                           // TT-NN only (bfp = bfloat8_b / bfloat4_b)
};
std::string_view to_string(ElemType type);
std::optional<ElemType> parse_elem_type(std::string_view name);
bool is_floating(ElemType type);
// TT-NN dtype <-> IR element type. f64/f16/i64/i16/i8/b8 have no TT-NN dtype (nullopt).
std::optional<DataType> to_ttnn_dtype(ElemType type);
ElemType from_ttnn_dtype(DataType dtype);

enum class Placement : std::uint8_t { host, device };

struct ValueType {
    std::vector<std::int64_t> shape;
    ElemType dtype = ElemType::f32;
    // TT-NN-level values only: how the runtime tensor is laid out and where it lives.
    std::optional<Layout> layout;
    std::optional<Placement> placement;

    std::int64_t numel() const;
    std::string to_string() const;  // "f32[8,3,224,224]", "bf16[8,64]{tile,device}"
    bool operator==(const ValueType&) const = default;
};

// Arguments and attributes.
struct ValueRef {
    ValueId id = kNoValue;
    bool operator==(const ValueRef&) const = default;
};
// A list of tensors (aten::cat's inputs, index's optional indices: kNoValue is a None entry).
struct ValueList {
    std::vector<ValueId> ids;
    bool operator==(const ValueList&) const = default;
};
using IntList = std::vector<std::int64_t>;
using FloatList = std::vector<double>;
// Order matters: the printer and parser rely on these alternatives. monostate prints as None.
using Arg = std::variant<std::monostate, bool, std::int64_t, double, std::string, IntList, FloatList, ValueRef,
                         ValueList>;
std::string to_string(const Arg& arg);

struct Node {
    std::string op;                   // "aten::add.Tensor", "ttnn.add"
    std::vector<Arg> args;            // positional (ATen: every schema argument, defaults filled in)
    std::map<std::string, Arg> kwargs;  // named attributes (TT-NN level)
    std::vector<ValueId> outputs;
    std::string name;                 // provenance: the FX node it came from (may be empty)

    // The values this node reads, in argument order (args, then kwargs), None entries skipped.
    std::vector<ValueId> operands() const;
    const Arg* kwarg(std::string_view key) const;
};

struct Value {
    ValueId id = kNoValue;
    ValueType type;
    std::string name;          // input / constant name, or empty
    int producer = -1;         // node index, -1 for inputs and constants
    enum class Kind : std::uint8_t { input, constant, node } kind = Kind::node;
};

class Graph {
public:
    ValueId add_input(ValueType type, std::string name = {});
    // A constant's data is a ttnn tensor (host or device); its type says how the graph sees it.
    ValueId add_constant(Tensor data, ValueType type, std::string name = {});
    // Appends a node; returns its output ids (one per output type), in order.
    std::vector<ValueId> add_node(std::string op, std::vector<Arg> args, std::map<std::string, Arg> kwargs,
                                  std::vector<ValueType> output_types, std::string name = {});
    ValueId add_node1(std::string op, std::vector<Arg> args, std::map<std::string, Arg> kwargs,
                      ValueType output_type, std::string name = {});
    void set_outputs(std::vector<ValueId> outputs) { outputs_ = std::move(outputs); }

    const std::vector<Node>& nodes() const { return nodes_; }
    std::vector<Node>& mutable_nodes() { return nodes_; }
    const std::vector<ValueId>& inputs() const { return inputs_; }
    const std::vector<ValueId>& outputs() const { return outputs_; }
    const std::vector<ValueId>& constants() const { return constants_; }
    const Value& value(ValueId id) const;
    Value& mutable_value(ValueId id);
    std::size_t num_values() const { return values_.size(); }
    const Tensor& constant_data(ValueId id) const;
    // Replaces a constant's data by a tensor of the same spec (constants shared between programs).
    void set_constant_data(ValueId id, Tensor data);
    bool is_constant(ValueId id) const { return value(id).kind == Value::Kind::constant; }
    const ValueType& type(ValueId id) const { return value(id).type; }

    // Number of nodes reading each value (graph outputs count as one use each).
    std::vector<int> use_counts() const;

    std::string to_text() const;  // see graph/text.hpp for the format and the parser

private:
    std::vector<Value> values_;
    std::vector<Node> nodes_;
    std::vector<ValueId> inputs_;
    std::vector<ValueId> constants_;
    std::vector<ValueId> outputs_;
    std::unordered_map<ValueId, Tensor> constant_data_;
};

// Copies `src`'s inputs and constants (same ids are NOT kept: use the returned map) into `dst`.
// Helper for passes that rebuild a graph: returns old id -> new id for inputs and constants.
std::vector<ValueId> copy_inputs_and_constants(const Graph& src, Graph& dst);

// The common steps of passes that rebuild a graph: append a copy of `node` (of `src`) to `dst`
// with its operands read through `map` (old id -> new id), recording its outputs' new ids in
// `map`; and set `dst`'s outputs to `src`'s, mapped.
std::vector<ValueId> copy_node(const Graph& src, const Node& node, Graph& dst, std::vector<ValueId>& map);
void copy_outputs(const Graph& src, Graph& dst, const std::vector<ValueId>& map);

// Rewrites every ValueRef / ValueList in `args` through `map` (old id -> new id).
void remap_args(std::vector<Arg>& args, const std::vector<ValueId>& map);
void remap_kwargs(std::map<std::string, Arg>& kwargs, const std::vector<ValueId>& map);

}  // namespace ttnn::graph
