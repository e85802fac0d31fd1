// The lowering rule table and the lowering driver (ATen graph -> TT-NN graph).
#include "ttnn/lower/rule_table.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "ttnn/core/error.hpp"

namespace ttnn::lower {

using graph::Arg;
using graph::ElemType;
using graph::ValueId;
using graph::ValueType;

namespace {
std::string where(const graph::Node& node, std::size_t i) { return node.op + " argument " + std::to_string(i); }
}  // namespace

const Arg& NodeView::arg(std::size_t i) const {
    if (i >= node_.args.size())
        throw InvalidArgument(node_.op + ": expected at least " + std::to_string(i + 1) + " arguments, got " +
                              std::to_string(node_.args.size()));
    return node_.args[i];
}

bool NodeView::is_none(std::size_t i) const {
    if (i >= node_.args.size()) return true;
    const Arg& a = node_.args[i];
    if (std::holds_alternative<std::monostate>(a)) return true;
    if (const auto* r = std::get_if<graph::ValueRef>(&a)) return r->id == graph::kNoValue;
    return false;
}

bool NodeView::is_tensor(std::size_t i) const {
    if (i >= node_.args.size()) return false;
    const auto* r = std::get_if<graph::ValueRef>(&node_.args[i]);
    return r && r->id != graph::kNoValue;
}

std::int64_t NodeView::int_arg(std::size_t i) const {
    const Arg& a = arg(i);
    if (const auto* v = std::get_if<std::int64_t>(&a)) return *v;
    if (const auto* b = std::get_if<bool>(&a)) return *b ? 1 : 0;
    throw InvalidArgument(where(node_, i) + ": expected an int, got " + graph::to_string(a));
}

double NodeView::scalar_arg(std::size_t i) const {
    const Arg& a = arg(i);
    if (const auto* v = std::get_if<double>(&a)) return *v;
    if (const auto* n = std::get_if<std::int64_t>(&a)) return static_cast<double>(*n);
    if (const auto* b = std::get_if<bool>(&a)) return *b ? 1.0 : 0.0;
    throw InvalidArgument(where(node_, i) + ": expected a number, got " + graph::to_string(a));
}

bool NodeView::bool_arg(std::size_t i) const {
    const Arg& a = arg(i);
    if (const auto* b = std::get_if<bool>(&a)) return *b;
    if (const auto* n = std::get_if<std::int64_t>(&a)) return *n != 0;
    throw InvalidArgument(where(node_, i) + ": expected a bool, got " + graph::to_string(a));
}

const std::string& NodeView::string_arg(std::size_t i) const {
    const Arg& a = arg(i);
    if (const auto* s = std::get_if<std::string>(&a)) return *s;
    throw InvalidArgument(where(node_, i) + ": expected a string, got " + graph::to_string(a));
}

graph::IntList NodeView::int_list_arg(std::size_t i) const {
    const Arg& a = arg(i);
    if (const auto* l = std::get_if<graph::IntList>(&a)) return *l;
    if (const auto* n = std::get_if<std::int64_t>(&a)) return {*n};
    throw InvalidArgument(where(node_, i) + ": expected a list of ints, got " + graph::to_string(a));
}

ValueId NodeView::tensor_arg(std::size_t i) const {
    const Arg& a = arg(i);
    if (const auto* r = std::get_if<graph::ValueRef>(&a); r && r->id != graph::kNoValue) return r->id;
    throw InvalidArgument(where(node_, i) + ": expected a tensor, got " + graph::to_string(a));
}

const ValueType& NodeView::tensor_type(std::size_t i) const { return graph_.type(tensor_arg(i)); }

const ValueType& NodeView::output_type(std::size_t i) const {
    if (i >= node_.outputs.size())
        throw InvalidArgument(node_.op + ": has no output " + std::to_string(i));
    return graph_.type(node_.outputs[i]);
}

ValueId Emitter::mapped(ValueId aten_id) const {
    if (aten_id < 0 || static_cast<std::size_t>(aten_id) >= map_.size() || map_[aten_id] == graph::kNoValue)
        throw InvalidState(node_.op + ": operand %" + std::to_string(aten_id) + " was not lowered");
    return map_[aten_id];
}

ValueId Emitter::input(std::size_t i) const { return mapped(tensor_arg(i)); }

ValueType Emitter::ttnn_type_of(const ValueType& aten_type) const {
    ValueType t;
    t.shape = aten_type.shape;
    if (graph::is_floating(aten_type.dtype)) {
        t.dtype = options_.faithful ? options_.activation_dtype : ElemType::f32;
    } else if (aten_type.dtype == ElemType::b8) {
        // TT-NN has no bool: comparisons produce 0/1 in the activation dtype's integer friend.
        t.dtype = ElemType::u8;
    } else if (aten_type.dtype == ElemType::i64 || aten_type.dtype == ElemType::i16 || aten_type.dtype == ElemType::i8) {
        t.dtype = ElemType::i32;
    } else {
        t.dtype = aten_type.dtype;
    }
    t.layout = Layout::ROW_MAJOR;
    t.placement = graph::Placement::device;
    return t;
}

ValueType Emitter::ttnn_type(std::size_t output) const { return ttnn_type_of(output_type(output)); }

namespace {

// A finite scalar beyond bf16's range (torch.finfo(torch.float32).min as a mask fill value) packed
// for a bf16 op: tt-metal packs scalars with its truncating bfloat16(float) helper, which keeps it
// finite at bf16's largest magnitude, where rounding to nearest would make it an infinity (and a
// fully masked softmax row NaN, which the next layer's matmuls spread to every row).
void saturate_bf16_scalar(Arg& a) {
    constexpr double kBf16Max = 3.3895313892515355e38;  // 0x7F7F
    if (auto* d = std::get_if<double>(&a); d && std::isfinite(*d) && std::abs(*d) > kBf16Max)
        *d = std::copysign(kBf16Max, *d);
}

}  // namespace

ValueId Emitter::emit(std::string op, std::vector<Arg> args, std::map<std::string, Arg> kwargs, ValueType type) {
    if (type.dtype == graph::ElemType::bf16) {
        for (Arg& a : args) saturate_bf16_scalar(a);
        for (auto& [key, a] : kwargs) saturate_bf16_scalar(a);
    }
    return out_.add_node1(std::move(op), std::move(args), std::move(kwargs), std::move(type), node_.name);
}

void Emitter::bind_output(std::size_t i, ValueId ttnn_value) {
    if (i >= node_.outputs.size()) throw InvalidState(node_.op + ": binds output " + std::to_string(i) + " it lacks");
    map_[node_.outputs[i]] = ttnn_value;
}

void Emitter::emit_output(std::string op, std::vector<Arg> args, std::map<std::string, Arg> kwargs) {
    bind_output(0, emit(std::move(op), std::move(args), std::move(kwargs), ttnn_type(0)));
}

const RuleTable& RuleTable::instance() {
    static const RuleTable table = [] {
        RuleTable t;
#define TTNN_LOWER_FAMILY(name) register_##name##_rules(t);
#include "ttnn/lower/rule_families.def"
#undef TTNN_LOWER_FAMILY
        return t;
    }();
    return table;
}

void RuleTable::add(Rule rule) {
    std::string key = rule.aten_op;
    if (!rule.emit) throw InvalidState("lowering rule " + key + " has no emitter");
    if (!rules_.emplace(key, std::move(rule)).second) throw InvalidState("lowering rule " + key + " registered twice");
}

const Rule* RuleTable::find(std::string_view aten_op) const {
    auto it = rules_.find(std::string(aten_op));
    return it == rules_.end() ? nullptr : &it->second;
}

std::vector<std::string> RuleTable::overloads() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : rules_) out.push_back(k);
    std::sort(out.begin(), out.end());
    return out;
}

std::string support_reason(const graph::Graph& aten, const graph::Node& node, const LowerOptions& options) {
    const Rule* rule = RuleTable::instance().find(node.op);
    if (!rule) return "no lowering rule for " + node.op;
    if (!rule->supports) return {};
    try {
        return rule->supports(NodeView(aten, node, options));
    } catch (const Error& e) {
        return e.what();
    }
}

graph::Graph lower_graph(const graph::Graph& aten, const LowerOptions& options) {
    std::string unsupported;
    int count = 0;
    for (const auto& node : aten.nodes()) {
        std::string reason = support_reason(aten, node, options);
        if (!reason.empty()) {
            if (count++ < 8) unsupported += "\n  " + node.op + (node.name.empty() ? "" : " (" + node.name + ")") + ": " + reason;
        }
    }
    if (count)
        throw InvalidArgument("torch_ttnn: " + std::to_string(count) + " node(s) cannot be lowered:" + unsupported);

    graph::Graph out;
    std::vector<ValueId> map(aten.num_values(), graph::kNoValue);
    // The program's borders: graph inputs and constants arrive as host row-major tensors of their
    // ATen dtype and are moved to the device in their TT-NN dtype (weights in weight_dtype);
    // outputs come back to the host. fold-constants runs the constants' transfers at compile time
    // (load_params_once), cancel-transfers removes pairs that meet.
    const graph::Node border{"ttnn.to_device", {}, {}, {}, {}};
    Emitter types(aten, border, options, out, map);
    // torch_ttnn hands host tensors over in a dtype ttnn stores (fx_import.host_tensor): floats as
    // f32, wide or narrow ints as i32, bools as u8.
    auto host_type = [](ValueType t) {
        switch (t.dtype) {
            case ElemType::f64: case ElemType::f16: case ElemType::bf16: t.dtype = ElemType::f32; break;
            case ElemType::i64: case ElemType::i16: case ElemType::i8: t.dtype = ElemType::i32; break;
            case ElemType::b8: t.dtype = ElemType::u8; break;
            default: break;
        }
        t.layout = Layout::ROW_MAJOR;
        t.placement = graph::Placement::host;
        return t;
    };
    for (ValueId id : aten.inputs()) {
        ValueId host = out.add_input(host_type(aten.type(id)), aten.value(id).name);
        map[id] = out.add_node1("ttnn.to_device", {graph::ValueRef{host}}, {}, types.ttnn_type_of(aten.type(id)));
    }
    for (ValueId id : aten.constants()) {
        ValueId host = out.add_constant(aten.constant_data(id), host_type(aten.type(id)), aten.value(id).name);
        ValueType t = types.ttnn_type_of(aten.type(id));
        if (options.faithful && graph::is_floating(aten.type(id).dtype)) t.dtype = options.weight_dtype;
        map[id] = out.add_node1("ttnn.to_device", {graph::ValueRef{host}}, {}, t);
    }
    const std::vector<int> uses = aten.use_counts();
    for (const auto& node : aten.nodes()) {
        const Rule* rule = RuleTable::instance().find(node.op);
        Emitter emitter(aten, node, options, out, map);
        rule->emit(emitter);
        for (ValueId o : node.outputs)
            if (map[o] == graph::kNoValue && uses[o] > 0)
                throw InvalidState(node.op + ": lowering rule left output %" + std::to_string(o) + " unbound");
    }
    std::vector<ValueId> outputs;
    for (ValueId id : aten.outputs()) {
        if (map[id] == graph::kNoValue) throw InvalidState("lowering: graph output %" + std::to_string(id) + " unbound");
        ValueType t = out.type(map[id]);
        t.placement = graph::Placement::host;
        t.layout = Layout::ROW_MAJOR;
        outputs.push_back(out.add_node1("ttnn.from_device", {graph::ValueRef{map[id]}}, {}, t));
    }
    out.set_outputs(outputs);
    return out;
}

}  // namespace ttnn::lower
