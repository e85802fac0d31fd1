// The executor's kernel table and the attribute accessors kernels use at build time.
#include "ttnn/graph/kernel_table.hpp"

#include <algorithm>

#include "ttnn/core/error.hpp"

namespace ttnn::graph {
namespace {
std::string describe(const KernelContext& ctx, std::string_view key) {
    return ctx.op() + " attribute '" + std::string(key) + "'";
}
}  // namespace

bool KernelContext::has(std::string_view key) const {
    const Arg* a = node_.kwarg(key);
    if (!a || std::holds_alternative<std::monostate>(*a)) return false;
    if (const auto* r = std::get_if<ValueRef>(a)) return r->id != kNoValue;
    return true;
}

std::int64_t KernelContext::get_int(std::string_view key) const {
    const Arg* a = node_.kwarg(key);
    if (a) {
        if (const auto* v = std::get_if<std::int64_t>(a)) return *v;
        if (const auto* b = std::get_if<bool>(a)) return *b;
    }
    throw InvalidArgument(describe(*this, key) + ": expected an int, got " + (a ? to_string(*a) : "nothing"));
}

std::int64_t KernelContext::get_int(std::string_view key, std::int64_t fallback) const {
    return has(key) ? get_int(key) : fallback;
}

double KernelContext::get_float(std::string_view key) const {
    const Arg* a = node_.kwarg(key);
    if (a) {
        if (const auto* v = std::get_if<double>(a)) return *v;
        if (const auto* n = std::get_if<std::int64_t>(a)) return static_cast<double>(*n);
    }
    throw InvalidArgument(describe(*this, key) + ": expected a number, got " + (a ? to_string(*a) : "nothing"));
}

double KernelContext::get_float(std::string_view key, double fallback) const {
    return has(key) ? get_float(key) : fallback;
}

bool KernelContext::get_bool(std::string_view key, bool fallback) const {
    if (!has(key)) return fallback;
    const Arg* a = node_.kwarg(key);
    if (const auto* b = std::get_if<bool>(a)) return *b;
    if (const auto* n = std::get_if<std::int64_t>(a)) return *n != 0;
    throw InvalidArgument(describe(*this, key) + ": expected a bool, got " + to_string(*a));
}

std::string KernelContext::get_string(std::string_view key, std::string fallback) const {
    if (!has(key)) return fallback;
    const Arg* a = node_.kwarg(key);
    if (const auto* s = std::get_if<std::string>(a)) return *s;
    throw InvalidArgument(describe(*this, key) + ": expected a string, got " + to_string(*a));
}

IntList KernelContext::get_ints(std::string_view key) const {
    const Arg* a = node_.kwarg(key);
    if (a) {
        if (const auto* l = std::get_if<IntList>(a)) return *l;
        if (const auto* n = std::get_if<std::int64_t>(a)) return {*n};
    }
    throw InvalidArgument(describe(*this, key) + ": expected a list of ints, got " + (a ? to_string(*a) : "nothing"));
}

IntList KernelContext::get_ints(std::string_view key, IntList fallback) const {
    return has(key) ? get_ints(key) : fallback;
}

FloatList KernelContext::get_floats(std::string_view key) const {
    const Arg* a = node_.kwarg(key);
    if (a) {
        if (const auto* l = std::get_if<FloatList>(a)) return *l;
        if (const auto* l = std::get_if<IntList>(a)) return FloatList(l->begin(), l->end());
    }
    throw InvalidArgument(describe(*this, key) + ": expected a list of floats, got " + (a ? to_string(*a) : "nothing"));
}

std::uint32_t KernelContext::get_u32(std::string_view key) const {
    const std::int64_t v = get_int(key);
    if (v < 0 || v > static_cast<std::int64_t>(UINT32_MAX))
        throw InvalidArgument(describe(*this, key) + ": " + std::to_string(v) + " is out of range");
    return static_cast<std::uint32_t>(v);
}

std::array<std::uint32_t, 2> KernelContext::get_u32_pair(std::string_view key,
                                                         std::array<std::uint32_t, 2> fallback) const {
    if (!has(key)) return fallback;
    const IntList v = get_ints(key);
    if (v.size() != 1 && v.size() != 2)
        throw InvalidArgument(describe(*this, key) + ": has " + std::to_string(v.size()) + " values, expected 2");
    for (auto x : v)
        if (x < 0 || x > static_cast<std::int64_t>(UINT32_MAX))
            throw InvalidArgument(describe(*this, key) + ": " + std::to_string(x) + " is out of range");
    return {static_cast<std::uint32_t>(v.front()), static_cast<std::uint32_t>(v.back())};
}

DataType KernelContext::storage_dtype(const ValueType& type) const {
    auto dtype = to_ttnn_dtype(type.dtype);
    if (!dtype)
        throw InvalidArgument(op() + ": element type " + std::string(to_string(type.dtype)) +
                              " has no TT-NN dtype (the lowering should have mapped it)");
    if (*dtype == DataType::BFLOAT16 && target_.bf16_as_f32 && type.layout.value_or(Layout::ROW_MAJOR) == Layout::ROW_MAJOR)
        return DataType::FLOAT32;
    return *dtype;
}

DataType KernelContext::output_dtype(std::size_t i) const { return storage_dtype(output_type(i)); }

Layout KernelContext::output_layout(std::size_t i) const { return output_type(i).layout.value_or(Layout::ROW_MAJOR); }

namespace {
int count_operands(const Arg& a) {
    if (const auto* r = std::get_if<ValueRef>(&a)) return r->id != kNoValue ? 1 : 0;
    if (const auto* l = std::get_if<ValueList>(&a))
        return static_cast<int>(std::count_if(l->ids.begin(), l->ids.end(), [](ValueId id) { return id != kNoValue; }));
    return 0;
}
}  // namespace

int KernelContext::arg_operand_index(std::size_t arg) const {
    if (arg >= node_.args.size() || count_operands(node_.args[arg]) == 0) return -1;
    int index = 0;
    for (std::size_t i = 0; i < arg; ++i) index += count_operands(node_.args[i]);
    return index;
}

int KernelContext::operand_index(std::string_view key) const {
    int index = 0;
    for (const auto& a : node_.args) index += count_operands(a);
    for (const auto& [k, a] : node_.kwargs) {
        if (k == key) return count_operands(a) ? index : -1;
        index += count_operands(a);
    }
    return -1;
}

const KernelTable& KernelTable::instance() {
    static const KernelTable table = [] {
        KernelTable t;
#define TTNN_KERNEL_FAMILY(name) register_##name##_kernels(t);
#include "ttnn/graph/kernel_families.def"
#undef TTNN_KERNEL_FAMILY
        return t;
    }();
    return table;
}

void KernelTable::add(std::string op, KernelFactory factory, bool value_preserving) {
    if (!kernels_.emplace(op, KernelEntry{std::move(factory), value_preserving}).second)
        throw InvalidState("kernel " + op + " registered twice");
}

const KernelEntry* KernelTable::find(std::string_view op) const {
    auto it = kernels_.find(std::string(op));
    return it == kernels_.end() ? nullptr : &it->second;
}

std::vector<std::string> KernelTable::ops() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : kernels_) out.push_back(k);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace ttnn::graph
