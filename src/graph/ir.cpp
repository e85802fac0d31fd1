// Graph IR: construction, types and the text printer (the parser is in text_parser.cpp).
#include "ttnn/graph/ir.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "ttnn/core/error.hpp"

namespace ttnn::graph {
namespace {

struct ElemInfo {
    ElemType type;
    std::string_view name;
    bool floating;
    std::optional<DataType> ttnn;
};

constexpr std::array<ElemInfo, 14> kElemInfo{{
    {ElemType::f32, "f32", true, DataType::FLOAT32},
    {ElemType::f64, "f64", true, std::nullopt},
    {ElemType::f16, "f16", true, std::nullopt},
    {ElemType::bf16, "bf16", true, DataType::BFLOAT16},
    {ElemType::i64, "i64", false, std::nullopt},
    {ElemType::i32, "i32", false, DataType::INT32},
    {ElemType::i16, "i16", false, std::nullopt},
    {ElemType::i8, "i8", false, std::nullopt},
    {ElemType::u8, "u8", false, DataType::UINT8},
    {ElemType::b8, "b8", false, std::nullopt},
    {ElemType::u16, "u16", false, DataType::UINT16},
    {ElemType::u32, "u32", false, DataType::UINT32},
    {ElemType::bfp8, "bfp8", true, DataType::BFLOAT8_B},
    {ElemType::bfp4, "bfp4", true, DataType::BFLOAT4_B},
}};

const ElemInfo& info(ElemType type) { return kElemInfo[static_cast<std::size_t>(type)]; }

void append_quoted(std::string& out, std::string_view text) {
    out += '"';
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    out += '"';
}

void append_double(std::string& out, double v) {
    if (std::isnan(v)) {
        out += "nan";
        return;
    }
    if (std::isinf(v)) {
        out += v > 0 ? "inf" : "-inf";
        return;
    }
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    std::string_view text(buf);
    // Shortest text that reads back to the same double keeps dumps legible.
    for (int precision = 6; precision < 17; ++precision) {
        char shorter[40];
        std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
        if (std::strtod(shorter, nullptr) == v) {
            std::snprintf(buf, sizeof buf, "%s", shorter);
            text = buf;
            break;
        }
    }
    out += text;
    // A float always shows it is one, so the parser can tell 2.0 from 2.
    if (text.find_first_of(".eEn") == std::string_view::npos) out += ".0";
}

void append_value(std::string& out, ValueId id) {
    if (id == kNoValue) {
        out += "None";
    } else {
        out += '%';
        out += std::to_string(id);
    }
}

}  // namespace

std::string_view to_string(ElemType type) { return info(type).name; }

std::optional<ElemType> parse_elem_type(std::string_view name) {
    for (const auto& e : kElemInfo)
        if (e.name == name) return e.type;
    return std::nullopt;
}

bool is_floating(ElemType type) { return info(type).floating; }

std::optional<DataType> to_ttnn_dtype(ElemType type) { return info(type).ttnn; }

ElemType from_ttnn_dtype(DataType dtype) {
    for (const auto& e : kElemInfo)
        if (e.ttnn == dtype) return e.type;
    throw InvalidArgument("graph: no IR element type for dtype " + std::string(ttnn::to_string(dtype)));
}

std::int64_t ValueType::numel() const {
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

std::string ValueType::to_string() const {
    std::string out(graph::to_string(dtype));
    out += '[';
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i) out += ',';
        out += std::to_string(shape[i]);
    }
    out += ']';
    if (layout || placement) {
        out += '{';
        if (layout) out += *layout == Layout::TILE ? "tile" : "row_major";
        if (layout && placement) out += ',';
        if (placement) out += *placement == Placement::device ? "device" : "host";
        out += '}';
    }
    return out;
}

std::string to_string(const Arg& arg) {
    std::string out;
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                out += "None";
            } else if constexpr (std::is_same_v<T, bool>) {
                out += v ? "True" : "False";
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                out += std::to_string(v);
            } else if constexpr (std::is_same_v<T, double>) {
                append_double(out, v);
            } else if constexpr (std::is_same_v<T, std::string>) {
                append_quoted(out, v);
            } else if constexpr (std::is_same_v<T, IntList>) {
                out += '[';
                for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + std::to_string(v[i]);
                out += ']';
            } else if constexpr (std::is_same_v<T, FloatList>) {
                // "[f: ...]" keeps an empty or integral-looking float list a float list on parse.
                out += "[f:";
                for (std::size_t i = 0; i < v.size(); ++i) {
                    out += i ? ", " : " ";
                    append_double(out, v[i]);
                }
                out += ']';
            } else if constexpr (std::is_same_v<T, ValueRef>) {
                append_value(out, v.id);
            } else if constexpr (std::is_same_v<T, ValueList>) {
                out += "[v:";
                for (std::size_t i = 0; i < v.ids.size(); ++i) {
                    out += i ? ", " : " ";
                    append_value(out, v.ids[i]);
                }
                out += ']';
            }
        },
        arg);
    return out;
}

namespace {
void collect_operands(const Arg& arg, std::vector<ValueId>& out) {
    if (const auto* ref = std::get_if<ValueRef>(&arg)) {
        if (ref->id != kNoValue) out.push_back(ref->id);
    } else if (const auto* list = std::get_if<ValueList>(&arg)) {
        for (ValueId id : list->ids)
            if (id != kNoValue) out.push_back(id);
    }
}

void remap_arg(Arg& arg, const std::vector<ValueId>& map) {
    auto remap_one = [&](ValueId& id) {
        if (id == kNoValue) return;
        if (id < 0 || static_cast<std::size_t>(id) >= map.size() || map[id] == kNoValue)
            throw InvalidState("graph: value %" + std::to_string(id) + " has no mapping");
        id = map[id];
    };
    if (auto* ref = std::get_if<ValueRef>(&arg)) remap_one(ref->id);
    if (auto* list = std::get_if<ValueList>(&arg))
        for (ValueId& id : list->ids) remap_one(id);
}
}  // namespace

std::vector<ValueId> Node::operands() const {
    std::vector<ValueId> out;
    for (const auto& a : args) collect_operands(a, out);
    for (const auto& [key, a] : kwargs) collect_operands(a, out);
    return out;
}

const Arg* Node::kwarg(std::string_view key) const {
    auto it = kwargs.find(std::string(key));
    return it == kwargs.end() ? nullptr : &it->second;
}

ValueId Graph::add_input(ValueType type, std::string name) {
    ValueId id = static_cast<ValueId>(values_.size());
    values_.push_back(Value{id, std::move(type), std::move(name), -1, Value::Kind::input});
    inputs_.push_back(id);
    return id;
}

ValueId Graph::add_constant(Tensor data, ValueType type, std::string name) {
    ValueId id = static_cast<ValueId>(values_.size());
    values_.push_back(Value{id, std::move(type), std::move(name), -1, Value::Kind::constant});
    constants_.push_back(id);
    constant_data_.emplace(id, std::move(data));
    return id;
}

std::vector<ValueId> Graph::add_node(std::string op, std::vector<Arg> args, std::map<std::string, Arg> kwargs,
                                     std::vector<ValueType> output_types, std::string name) {
    Node node{std::move(op), std::move(args), std::move(kwargs), {}, std::move(name)};
    for (ValueId id : node.operands())
        if (id < 0 || static_cast<std::size_t>(id) >= values_.size())
            throw InvalidArgument("graph: " + node.op + " reads unknown value %" + std::to_string(id));
    const int index = static_cast<int>(nodes_.size());
    for (auto& t : output_types) {
        ValueId id = static_cast<ValueId>(values_.size());
        values_.push_back(Value{id, std::move(t), {}, index, Value::Kind::node});
        node.outputs.push_back(id);
    }
    nodes_.push_back(std::move(node));
    return nodes_.back().outputs;
}

ValueId Graph::add_node1(std::string op, std::vector<Arg> args, std::map<std::string, Arg> kwargs,
                         ValueType output_type, std::string name) {
    return add_node(std::move(op), std::move(args), std::move(kwargs), {std::move(output_type)}, std::move(name))[0];
}

const Value& Graph::value(ValueId id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= values_.size())
        throw InvalidArgument("graph: unknown value %" + std::to_string(id));
    return values_[id];
}

Value& Graph::mutable_value(ValueId id) {
    if (id < 0 || static_cast<std::size_t>(id) >= values_.size())
        throw InvalidArgument("graph: unknown value %" + std::to_string(id));
    return values_[id];
}

const Tensor& Graph::constant_data(ValueId id) const {
    auto it = constant_data_.find(id);
    if (it == constant_data_.end()) throw InvalidArgument("graph: %" + std::to_string(id) + " is not a constant");
    return it->second;
}

void Graph::set_constant_data(ValueId id, Tensor data) {
    auto it = constant_data_.find(id);
    if (it == constant_data_.end()) throw InvalidArgument("graph: %" + std::to_string(id) + " is not a constant");
    if (!(it->second.spec() == data.spec()))
        throw InvalidArgument("graph: constant %" + std::to_string(id) + " is " + it->second.spec().to_string() +
                              ", not " + data.spec().to_string());
    it->second = std::move(data);
}

std::vector<int> Graph::use_counts() const {
    std::vector<int> uses(values_.size(), 0);
    for (const auto& n : nodes_)
        for (ValueId id : n.operands()) ++uses[id];
    for (ValueId id : outputs_) ++uses[id];
    return uses;
}

std::string Graph::to_text() const {
    std::string out = "graph(";
    for (std::size_t i = 0; i < inputs_.size(); ++i) {
        const Value& v = values_[inputs_[i]];
        if (i) out += ", ";
        append_value(out, v.id);
        out += ": " + v.type.to_string();
        if (!v.name.empty()) {
            out += ' ';
            append_quoted(out, v.name);
        }
    }
    out += ") {\n";
    for (ValueId id : constants_) {
        const Value& v = values_[id];
        out += "  ";
        append_value(out, id);
        out += " = const " + v.type.to_string();
        if (!v.name.empty()) {
            out += ' ';
            append_quoted(out, v.name);
        }
        out += '\n';
    }
    for (const auto& n : nodes_) {
        out += "  ";
        for (std::size_t i = 0; i < n.outputs.size(); ++i) {
            if (i) out += ", ";
            append_value(out, n.outputs[i]);
            out += ": " + values_[n.outputs[i]].type.to_string();
        }
        out += " = " + n.op + '(';
        bool first = true;
        for (const auto& a : n.args) {
            out += first ? "" : ", ";
            first = false;
            out += to_string(a);
        }
        for (const auto& [key, a] : n.kwargs) {
            out += first ? "" : ", ";
            first = false;
            out += key + '=' + to_string(a);
        }
        out += ')';
        if (!n.name.empty()) {
            out += "  @";
            append_quoted(out, n.name);
        }
        out += '\n';
    }
    out += "  return (";
    for (std::size_t i = 0; i < outputs_.size(); ++i) {
        if (i) out += ", ";
        append_value(out, outputs_[i]);
    }
    out += ")\n}\n";
    return out;
}

std::vector<ValueId> copy_inputs_and_constants(const Graph& src, Graph& dst) {
    std::vector<ValueId> map(src.num_values(), kNoValue);
    for (ValueId id : src.inputs()) map[id] = dst.add_input(src.type(id), src.value(id).name);
    for (ValueId id : src.constants())
        map[id] = dst.add_constant(src.constant_data(id), src.type(id), src.value(id).name);
    return map;
}

std::vector<ValueId> copy_node(const Graph& src, const Node& node, Graph& dst, std::vector<ValueId>& map) {
    std::vector<Arg> args = node.args;
    std::map<std::string, Arg> kwargs = node.kwargs;
    remap_args(args, map);
    remap_kwargs(kwargs, map);
    std::vector<ValueType> types;
    for (ValueId id : node.outputs) types.push_back(src.type(id));
    std::vector<ValueId> ids = dst.add_node(node.op, std::move(args), std::move(kwargs), std::move(types), node.name);
    if (map.size() < src.num_values()) map.resize(src.num_values(), kNoValue);
    for (std::size_t k = 0; k < ids.size(); ++k) map[node.outputs[k]] = ids[k];
    return ids;
}

void copy_outputs(const Graph& src, Graph& dst, const std::vector<ValueId>& map) {
    std::vector<ValueId> outputs;
    for (ValueId id : src.outputs()) outputs.push_back(map.at(id));
    dst.set_outputs(std::move(outputs));
}

void remap_args(std::vector<Arg>& args, const std::vector<ValueId>& map) {
    for (auto& a : args) remap_arg(a, map);
}

void remap_kwargs(std::map<std::string, Arg>& kwargs, const std::vector<ValueId>& map) {
    for (auto& [key, a] : kwargs) remap_arg(a, map);
}

}  // namespace ttnn::graph
