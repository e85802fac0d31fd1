// The graph IR text parser: the inverse of Graph::to_text() (the format is in graph/text.hpp).
// A hand-written recursive-descent reader over the whole text; whitespace (newlines included) and
// `//` comments separate tokens, so a long node may span lines.
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/graph/text.hpp"

namespace ttnn::graph {
namespace {

constexpr std::string_view kOp = "parse_graph";

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
// Op names: "aten::add.Tensor", "ttnn.add", "prims::convert_element_type.default".
bool is_op_char(char c) { return is_ident_char(c) || c == ':' || c == '.'; }

Tensor zero_constant(const ValueType& type) {
    const Shape shape(type.shape, kOp);
    std::optional<DataType> dtype = to_ttnn_dtype(type.dtype);
    Layout layout = type.layout.value_or(Layout::ROW_MAJOR);
    if (!dtype) {
        dtype = DataType::FLOAT32;
        layout = Layout::ROW_MAJOR;
    }
    if (is_block_float(*dtype)) layout = Layout::TILE;
    auto zeros = std::make_shared<std::vector<float>>(shape.volume(), 0.0f);
    HostArray src{zeros->data(), HostElement::F32, shape};
    return tensor_from_host_array(src, *dtype, layout, 0.0f, zeros, kOp);
}

class Parser {
public:
    Parser(std::string_view text, const ConstantFactory& make_constant) : text_(text), make_constant_(make_constant) {}

    Graph parse() {
        expect_word("graph");
        expect('(');
        if (!accept(')')) {
            do {
                parse_input();
            } while (accept(','));
            expect(')');
        }
        expect('{');
        while (!accept_word("return")) parse_statement();
        expect('(');
        std::vector<ValueId> outputs;
        if (!accept(')')) {
            do {
                outputs.push_back(parse_use());
            } while (accept(','));
            expect(')');
        }
        graph_.set_outputs(std::move(outputs));
        expect('}');
        skip_space();
        if (pos_ != text_.size()) fail("end of text");
        return std::move(graph_);
    }

private:
    // ---- errors -----------------------------------------------------------------------------
    [[noreturn]] void fail_at(std::size_t at, const std::string& message) const {
        int line = 1;
        int column = 1;
        for (std::size_t i = 0; i < at && i < text_.size(); ++i) {
            if (text_[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        throw InvalidArgument(kOp, std::to_string(line) + ":" + std::to_string(column) + ": " + message);
    }
    [[noreturn]] void fail(const std::string& expected) const {
        fail_at(pos_, "expected " + expected + ", found " + found());
    }
    std::string found() const {
        if (pos_ >= text_.size()) return "end of text";
        std::size_t end = pos_;
        if (is_op_char(text_[end]) || text_[end] == '-') {
            while (end < text_.size() && end - pos_ < 24 && (is_op_char(text_[end]) || text_[end] == '-')) ++end;
        } else {
            ++end;
        }
        return "'" + std::string(text_.substr(pos_, end - pos_)) + "'";
    }

    // ---- lexing -----------------------------------------------------------------------------
    void skip_space() {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                ++pos_;
            } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
                while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
            } else {
                break;
            }
        }
    }
    char peek() {
        skip_space();
        return pos_ < text_.size() ? text_[pos_] : '\0';
    }
    bool accept(char c) {
        if (peek() != c) return false;
        ++pos_;
        return true;
    }
    void expect(char c) {
        if (!accept(c)) fail(std::string("'") + c + "'");
    }
    // The identifier at the cursor (not consumed), or empty.
    std::string_view peek_ident() {
        skip_space();
        if (pos_ >= text_.size() || !is_ident_start(text_[pos_])) return {};
        std::size_t end = pos_;
        while (end < text_.size() && is_ident_char(text_[end])) ++end;
        return text_.substr(pos_, end - pos_);
    }
    bool accept_word(std::string_view word) {
        if (peek_ident() != word) return false;
        pos_ += word.size();
        return true;
    }
    void expect_word(std::string_view word) {
        if (!accept_word(word)) fail("'" + std::string(word) + "'");
    }
    std::string parse_ident(const char* what) {
        std::string_view ident = peek_ident();
        if (ident.empty()) fail(what);
        pos_ += ident.size();
        return std::string(ident);
    }

    std::string parse_string() {
        if (peek() != '"') fail("a quoted string");
        const std::size_t start = pos_++;
        std::string out;
        while (true) {
            if (pos_ >= text_.size()) fail_at(start, "unterminated string");
            const char c = text_[pos_++];
            if (c == '"') break;
            if (c == '\n') fail_at(start, "unterminated string (newline inside quotes; write \\n)");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= text_.size()) fail_at(start, "unterminated string");
            const char e = text_[pos_++];
            if (e == 'n') {
                out += '\n';
            } else if (e == '"' || e == '\\') {
                out += e;
            } else {
                fail_at(pos_ - 2, std::string("unknown escape '\\") + e + "' (expected \\\", \\\\ or \\n)");
            }
        }
        return out;
    }

    // "%12" -> 12 (the text's own id, not yet renumbered).
    std::int64_t parse_value_token() {
        if (peek() != '%') fail("a value (%<number>)");
        const std::size_t start = pos_++;
        std::int64_t id = 0;
        auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + text_.size(), id);
        if (ec != std::errc() || id < 0) fail_at(start, "expected a value number after '%'");
        pos_ = static_cast<std::size_t>(end - text_.data());
        if (pos_ < text_.size() && is_ident_char(text_[pos_])) fail_at(start, "expected a value number after '%'");
        return id;
    }
    ValueId parse_use() {
        const std::size_t start = (skip_space(), pos_);
        const std::int64_t id = parse_value_token();
        auto it = ids_.find(id);
        if (it == ids_.end()) fail_at(start, "value %" + std::to_string(id) + " is used before it is defined");
        return it->second;
    }
    void define(std::int64_t text_id, ValueId id, std::size_t at) {
        if (!ids_.emplace(text_id, id).second) fail_at(at, "value %" + std::to_string(text_id) + " is defined twice");
    }

    // ---- types ------------------------------------------------------------------------------
    ValueType parse_type() {
        ValueType type;
        const std::size_t start = (skip_space(), pos_);
        std::string_view name = peek_ident();
        auto elem = parse_elem_type(name);
        if (!elem) fail("an element type (f32, bf16, i64, ...)");
        pos_ += name.size();
        type.dtype = *elem;
        if (pos_ >= text_.size() || text_[pos_] != '[') fail("'[' after the element type");
        ++pos_;
        if (!accept(']')) {
            do {
                std::int64_t dim = parse_integer("a dimension");
                if (dim < 0) fail_at(start, "negative dimension " + std::to_string(dim));
                type.shape.push_back(dim);
            } while (accept(','));
            expect(']');
        }
        // The {layout,placement} suffix is glued to the shape, as the printer writes it.
        if (pos_ < text_.size() && text_[pos_] == '{') {
            ++pos_;
            do {
                const std::size_t at = (skip_space(), pos_);
                std::string word = parse_ident("a layout (tile, row_major) or placement (host, device)");
                if (word == "tile" || word == "row_major") {
                    if (type.layout) fail_at(at, "layout given twice");
                    type.layout = word == "tile" ? Layout::TILE : Layout::ROW_MAJOR;
                } else if (word == "device" || word == "host") {
                    if (type.placement) fail_at(at, "placement given twice");
                    type.placement = word == "device" ? Placement::device : Placement::host;
                } else {
                    pos_ = at;
                    fail("a layout (tile, row_major) or placement (host, device)");
                }
            } while (accept(','));
            expect('}');
        }
        return type;
    }

    // ---- numbers and arguments --------------------------------------------------------------
    // A number token: sign, digits, '.', exponent, or nan / inf.
    std::string_view number_token() {
        skip_space();
        std::size_t end = pos_;
        if (end < text_.size() && (text_[end] == '-' || text_[end] == '+')) ++end;
        if (text_.substr(end, 3) == "nan" || text_.substr(end, 3) == "inf") {
            end += 3;
        } else {
            while (end < text_.size()) {
                const char c = text_[end];
                const bool exponent_sign = (c == '-' || c == '+') && (text_[end - 1] == 'e' || text_[end - 1] == 'E');
                if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == 'E' || exponent_sign))
                    break;
                ++end;
            }
        }
        if (end < text_.size() && is_ident_char(text_[end])) return {};
        return text_.substr(pos_, end - pos_);
    }
    std::int64_t parse_integer(const char* what) {
        std::string_view token = number_token();
        std::int64_t v = 0;
        const char* first = token.data();
        if (!token.empty() && token[0] == '+') ++first;
        auto [end, ec] = std::from_chars(first, token.data() + token.size(), v);
        if (token.empty() || ec != std::errc() || end != token.data() + token.size()) fail(what);
        pos_ += token.size();
        return v;
    }
    // An int or a float (a float has '.', an exponent, nan or inf).
    Arg parse_number() {
        std::string_view token = number_token();
        if (token.empty() || token == "-" || token == "+") fail("an argument");
        const bool is_float = token.find_first_of(".eEni") != std::string_view::npos;
        if (!is_float) return parse_integer("an integer");
        std::string copy(token);
        double v = 0;
        std::string_view body = token;
        if (!body.empty() && (body[0] == '-' || body[0] == '+')) body.remove_prefix(1);
        if (body == "nan") {
            v = std::numeric_limits<double>::quiet_NaN();
        } else if (body == "inf") {
            v = token[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        } else {
            char* end = nullptr;
            v = std::strtod(copy.c_str(), &end);
            if (end != copy.c_str() + copy.size()) fail("a number");
        }
        pos_ += token.size();
        return v;
    }

    Arg parse_list() {
        expect('[');
        if (peek() == 'v' && text_.substr(pos_, 2) == "v:") {
            pos_ += 2;
            ValueList list;
            if (accept(']')) return list;
            do {
                if (accept_word("None")) {
                    list.ids.push_back(kNoValue);
                } else {
                    list.ids.push_back(parse_use());
                }
            } while (accept(','));
            expect(']');
            return list;
        }
        if (peek() == 'f' && text_.substr(pos_, 2) == "f:") {
            pos_ += 2;
            FloatList list;
            if (accept(']')) return list;
            do {
                Arg v = parse_number();
                if (const auto* i = std::get_if<std::int64_t>(&v)) {
                    list.push_back(static_cast<double>(*i));
                } else {
                    list.push_back(std::get<double>(v));
                }
            } while (accept(','));
            expect(']');
            return list;
        }
        IntList list;
        if (accept(']')) return list;
        do {
            list.push_back(parse_integer("an integer (int lists hold ints; write [f: ...] for floats)"));
        } while (accept(','));
        expect(']');
        return list;
    }

    Arg parse_arg() {
        const char c = peek();
        if (c == '%') return ValueRef{parse_use()};
        if (c == '"') return parse_string();
        if (c == '[') return parse_list();
        if (accept_word("None")) return std::monostate{};
        if (accept_word("True")) return true;
        if (accept_word("False")) return false;
        return parse_number();
    }

    // ---- statements -------------------------------------------------------------------------
    void parse_input() {
        const std::size_t at = (skip_space(), pos_);
        const std::int64_t text_id = parse_value_token();
        expect(':');
        ValueType type = parse_type();
        std::string name;
        if (peek() == '"') name = parse_string();
        define(text_id, graph_.add_input(std::move(type), std::move(name)), at);
    }

    void parse_statement() {
        if (peek() == '}') fail("'return'");
        // Output list: "%3: T, %4: T =", a constant "%2 = const T", or none at all ("= op(...)").
        std::vector<std::pair<std::int64_t, std::size_t>> outputs;  // text id, position
        std::vector<ValueType> types;
        if (peek() == '%') {
            const std::size_t at = pos_;
            const std::int64_t text_id = parse_value_token();
            if (accept('=')) {
                expect_word("const");
                parse_constant(text_id, at);
                return;
            }
            expect(':');
            outputs.emplace_back(text_id, at);
            types.push_back(parse_type());
            while (accept(',')) {
                const std::size_t next = (skip_space(), pos_);
                outputs.emplace_back(parse_value_token(), next);
                expect(':');
                types.push_back(parse_type());
            }
        } else if (peek() != '=') {
            fail("a node ('%<id>: <type> = <op>(...)'), a constant or 'return'");
        }
        expect('=');
        skip_space();
        const std::size_t op_start = pos_;
        while (pos_ < text_.size() && is_op_char(text_[pos_])) ++pos_;
        std::string op(text_.substr(op_start, pos_ - op_start));
        if (op.empty()) fail("an op name");
        expect('(');
        std::vector<Arg> args;
        std::map<std::string, Arg> kwargs;
        if (!accept(')')) {
            do {
                // "key=value" once a kwarg has been seen, all that follow must be kwargs too.
                const std::size_t at = (skip_space(), pos_);
                std::string_view ident = peek_ident();
                std::size_t after = pos_ + ident.size();
                while (after < text_.size() && (text_[after] == ' ' || text_[after] == '\t')) ++after;
                if (!ident.empty() && after < text_.size() && text_[after] == '=') {
                    std::string key(ident);
                    pos_ = after + 1;
                    Arg value = parse_arg();
                    if (!kwargs.emplace(key, std::move(value)).second)
                        fail_at(at, op + ": attribute '" + key + "' given twice");
                } else {
                    if (!kwargs.empty()) fail_at(at, op + ": positional argument after an attribute (key=value)");
                    args.push_back(parse_arg());
                }
            } while (accept(','));
            expect(')');
        }
        std::string name;
        if (accept('@')) name = parse_string();
        auto ids =
            graph_.add_node(std::move(op), std::move(args), std::move(kwargs), std::move(types), std::move(name));
        for (std::size_t i = 0; i < ids.size(); ++i) define(outputs[i].first, ids[i], outputs[i].second);
    }

    void parse_constant(std::int64_t text_id, std::size_t at) {
        ValueType type = parse_type();
        std::string name;
        if (peek() == '"') name = parse_string();
        Tensor data = make_constant_ ? make_constant_(type, name) : zero_constant(type);
        define(text_id, graph_.add_constant(std::move(data), std::move(type), std::move(name)), at);
    }

    std::string_view text_;
    const ConstantFactory& make_constant_;
    std::size_t pos_ = 0;
    Graph graph_;
    std::unordered_map<std::int64_t, ValueId> ids_;  // text id -> graph id
};

}  // namespace

Graph parse_graph(std::string_view text, const ConstantFactory& make_constant) {
    return Parser(text, make_constant).parse();
}

}  // namespace ttnn::graph
