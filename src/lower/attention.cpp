// Lowering rules of the attention family: aten::_scaled_dot_product_flash_attention_for_cpu (what
// F.scaled_dot_product_attention traces to on CPU) -> ttnn.transformer.scaled_dot_product_attention.
//
// Only the attention output is produced: the logsumexp output exists for autograd, so the rule
// rejects the node when it is read. TT-NN wants an additive mask [b or 1, nh or 1, s_q, s_k]: a
// lower-rank mask is reshaped to rank 4 and its broadcast query/key dims are expanded. The matrix
// engine's configuration (math_fidelity, fp32_dest_acc_en) comes from the LowerOptions.
#include <string>

#include "ttnn/core/math_fidelity.hpp"
#include "ttnn/lower/rule_table.hpp"

namespace ttnn::lower {

using graph::Arg;
using graph::IntList;
using graph::ValueId;
using graph::ValueRef;
using graph::ValueType;

namespace {

// _scaled_dot_product_flash_attention_for_cpu(query, key, value, dropout_p, is_causal, *, attn_mask, scale)
enum SdpaArg : std::size_t { kQuery, kKey, kValue, kDropout, kCausal, kMask, kScale };
constexpr std::string_view kSdpa = "aten::_scaled_dot_product_flash_attention_for_cpu.default: ";

bool output_read(const NodeView& n, std::size_t i) {
    if (i >= n.num_outputs()) return false;
    const ValueId id = n.node().outputs[i];
    for (ValueId o : n.graph().outputs())
        if (o == id) return true;
    for (const auto& node : n.graph().nodes())
        for (ValueId v : node.operands())
            if (v == id) return true;
    return false;
}

// The mask's shape left-padded with ones to rank 4.
IntList mask_shape4(const NodeView& n) {
    IntList s = n.tensor_type(kMask).shape;
    while (s.size() < 4) s.insert(s.begin(), 1);
    return s;
}

std::string sdpa_supports(const NodeView& n) {
    const std::string op(kSdpa);
    for (std::size_t i : {kQuery, kKey, kValue})
        if (!graph::is_floating(n.tensor_type(i).dtype)) return op + "only floating-point query, key and value are supported";
    if (n.scalar_arg(kDropout) != 0.0)
        return op + "dropout_p=" + graph::to_string(n.arg(kDropout)) + " is not supported (inference: 0 only)";
    if (output_read(n, 1)) return op + "the logsumexp output is read; only the attention output is supported";
    const IntList& q = n.tensor_type(kQuery).shape;
    const IntList& k = n.tensor_type(kKey).shape;
    const IntList& v = n.tensor_type(kValue).shape;
    if (q.size() != 4 || k.size() != 4 || v.size() != 4)
        return op + "only [batch, heads, seq, head_dim] query, key and value are supported";
    if (k[0] != q[0] || v[0] != q[0] || v[1] != k[1] || v[2] != k[2] || k[3] != q[3])
        return op + "query " + n.tensor_type(kQuery).to_string() + ", key " + n.tensor_type(kKey).to_string() +
               " and value " + n.tensor_type(kValue).to_string() + " do not match";
    if (k[1] == 0 || q[1] % k[1] != 0) return op + "query heads must be a multiple of key/value heads";
    if (n.is_tensor(kMask)) {
        if (n.bool_arg(kCausal)) return op + "is_causal=True with an attn_mask is not supported";
        if (!graph::is_floating(n.tensor_type(kMask).dtype))
            return op + "only an additive floating-point attn_mask is supported";
        if (n.tensor_type(kMask).shape.size() > 4) return op + "attn_mask of rank > 4 is not supported";
        const IntList m = mask_shape4(n);
        const IntList want{q[0], q[1], q[2], k[2]};
        for (std::size_t i = 0; i < 4; ++i)
            if (m[i] != 1 && m[i] != want[i])
                return op + "attn_mask " + n.tensor_type(kMask).to_string() + " does not broadcast to [" +
                       std::to_string(want[0]) + ", " + std::to_string(want[1]) + ", " + std::to_string(want[2]) +
                       ", " + std::to_string(want[3]) + "]";
    }
    return {};
}

void emit_sdpa(Emitter& e) {
    std::map<std::string, Arg> k{{"is_causal", e.bool_arg(kCausal)},
                                 {"math_fidelity", std::string(to_string(e.options().math_fidelity))},
                                 {"fp32_dest_acc_en", e.options().fp32_dest_acc_en}};
    if (!e.is_none(kScale)) k["scale"] = e.scalar_arg(kScale);
    if (e.is_tensor(kMask)) {
        ValueId mask = e.input(kMask);
        ValueType t = e.out().type(mask);
        IntList shape = mask_shape4(e);
        if (t.shape != shape) {
            t.shape = shape;
            mask = e.emit("ttnn.reshape", {ValueRef{mask}}, {{"shape", shape}}, t);
        }
        const IntList& q = e.tensor_type(kQuery).shape;
        shape[2] = q[2];
        shape[3] = e.tensor_type(kKey).shape[2];
        if (t.shape != shape) {
            t.shape = shape;
            mask = e.emit("ttnn.expand", {ValueRef{mask}}, {{"shape", shape}}, t);
        }
        k["attn_mask"] = ValueRef{mask};
    }
    e.bind_output(0, e.emit("ttnn.transformer.scaled_dot_product_attention",
                            {ValueRef{e.input(kQuery)}, ValueRef{e.input(kKey)}, ValueRef{e.input(kValue)}},
                            std::move(k), e.ttnn_type(0)));
}

}  // namespace

void register_attention_rules(RuleTable& table) {
    table.add({"aten::_scaled_dot_product_flash_attention_for_cpu.default", sdpa_supports, emit_sdpa});
}

}  // namespace ttnn::lower
