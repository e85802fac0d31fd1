// fuse-attention: attention written out by hand becomes one scaled_dot_product_attention.
//
//   s = ttnn.matmul(q, k^T)            k^T: ttnn.permute swapping the last two dims, or transpose_b
//   s = ttnn.multiply(s, c) | ttnn.divide(s, c)      optional; c a number or a one-element constant
//   s = ttnn.add(s, mask)              optional; mask broadcasting to [b or 1, h or 1, s_q, s_k]
//   p = ttnn.softmax(s, dim=-1)
//   o = ttnn.matmul(p, v)
//   => o = ttnn.transformer.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=False,
//                                                        scale=c or 1/c or 1)
// q, k, v are [B, H, S, D] (k and v may have fewer heads, dividing H). torch's matmul traces 4-D
// products as bmm over [B*H, S, D] views, so reshapes that only merge or split the dims before the
// last two are looked through (they must have no other reader either). Every intermediate value
// must have a single reader. The fusion is skipped when the executor has no SDPA kernel.
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/graph/kernel_table.hpp"
#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {
namespace {

constexpr std::string_view kSdpa = "ttnn.transformer.scaled_dot_product_attention";

struct Match {
    ValueId q = kNoValue, k = kNoValue, v = kNoValue, mask = kNoValue;
    double scale = 1.0;
    const Node* first_matmul = nullptr;
};

class Matcher {
public:
    explicit Matcher(const Graph& g) : g_(g), uses_(g.use_counts()) {}

    // The attention whose result is node `root`'s output, if it is one.
    std::optional<Match> match(const Node& root) const {
        if (root.outputs.size() != 1) return std::nullopt;
        const ValueId out = root.outputs[0];
        if (g_.type(out).shape.size() != 4) return std::nullopt;
        // The root is the second product, or a reshape of its [B*H, S, D] result to 4-D.
        const Node* pv = &root;
        if (root.op == "ttnn.reshape") {
            pv = single_use_producer(first_operand(root));
            if (!pv || !same_trailing(g_.type(pv->outputs[0]), g_.type(out))) return std::nullopt;
        }
        if (!plain_matmul(*pv)) return std::nullopt;
        Match m;
        m.v = look_through(operand(*pv, 1));
        const Node* softmax = single_use_producer(look_through_single(operand(*pv, 0)));
        if (!softmax || softmax->op != "ttnn.softmax" || !last_dim_softmax(*softmax)) return std::nullopt;
        ValueId s = look_through_single(first_operand(*softmax));
        const Node* n = single_use_producer(s);
        if (n && n->op == "ttnn.add" && n->kwargs.empty() && n->args.size() == 2) {
            const ValueId a = operand(*n, 0), b = operand(*n, 1);
            if (a == kNoValue || b == kNoValue || a == b) return std::nullopt;
            // The scores are the operand the chain computes (a scaled product, or a product);
            // the other one is the mask.
            auto computes_scores = [&](ValueId x) {
                const Node* p = single_use_producer(look_through_single(x));
                return p && (p->op == "ttnn.matmul" || p->op == "ttnn.multiply" || p->op == "ttnn.divide");
            };
            const bool scores_first = computes_scores(a) && g_.type(a).shape == g_.type(n->outputs[0]).shape;
            if (!scores_first && !(computes_scores(b) && g_.type(b).shape == g_.type(n->outputs[0]).shape))
                return std::nullopt;
            m.mask = scores_first ? b : a;
            if (!mask_fits(g_.type(m.mask), g_.type(n->outputs[0]))) return std::nullopt;
            s = look_through_single(scores_first ? a : b);
            n = single_use_producer(s);
        }
        if (n && (n->op == "ttnn.multiply" || n->op == "ttnn.divide") && n->kwargs.empty() && n->args.size() == 2) {
            const std::optional<double> c = scalar(n->args[1]);
            if (!c || *c == 0.0) return std::nullopt;
            m.scale = n->op == "ttnn.multiply" ? *c : 1.0 / *c;
            s = look_through_single(first_operand(*n));
            n = single_use_producer(s);
        }
        if (!n || n->op != "ttnn.matmul") return std::nullopt;
        const bool transpose_b = n->kwarg("transpose_b") && std::holds_alternative<bool>(*n->kwarg("transpose_b")) &&
                                 std::get<bool>(*n->kwarg("transpose_b"));
        if (!plain_matmul(*n, /*allow_transpose_b=*/true)) return std::nullopt;
        m.first_matmul = n;
        m.q = look_through(operand(*n, 0));
        if (transpose_b) {
            m.k = look_through(operand(*n, 1));
        } else {
            const Node* t = single_use_producer(look_through_single(operand(*n, 1)));
            if (!t || t->op != "ttnn.permute" || !swaps_last_two(*t)) return std::nullopt;
            m.k = look_through(first_operand(*t));
        }
        if (!shapes_fit(m, g_.type(out))) return std::nullopt;
        return m;
    }

private:
    static ValueId first_operand(const Node& node) { return operand(node, 0); }
    static ValueId operand(const Node& node, std::size_t i) {
        if (i >= node.args.size() || !std::holds_alternative<ValueRef>(node.args[i])) return kNoValue;
        return std::get<ValueRef>(node.args[i]).id;
    }
    const Node* producer(ValueId id) const {
        if (id == kNoValue) return nullptr;
        const Value& v = g_.value(id);
        return v.kind == Value::Kind::node ? &g_.nodes()[static_cast<std::size_t>(v.producer)] : nullptr;
    }
    // The producer of a value only the chain reads.
    const Node* single_use_producer(ValueId id) const {
        if (id == kNoValue || uses_[id] != 1) return nullptr;
        const Node* p = producer(id);
        return p && p->outputs.size() == 1 ? p : nullptr;
    }
    // Same last two dims (a reshape between [B, H, S, D] and [B*H, S, D]).
    static bool same_trailing(const ValueType& a, const ValueType& b) {
        return a.shape.size() >= 2 && b.shape.size() >= 2 && a.shape[a.shape.size() - 1] == b.shape[b.shape.size() - 1] &&
               a.shape[a.shape.size() - 2] == b.shape[b.shape.size() - 2];
    }
    const Node* batch_reshape(ValueId id) const {
        const Node* p = producer(id);
        if (!p || p->op != "ttnn.reshape" || p->outputs.size() != 1) return nullptr;
        return same_trailing(g_.type(first_operand(*p)), g_.type(id)) ? p : nullptr;
    }
    // Through batch reshapes that only the chain reads (intermediate values).
    ValueId look_through_single(ValueId id) const {
        while (id != kNoValue && uses_[id] == 1) {
            const Node* p = batch_reshape(id);
            if (!p) break;
            id = first_operand(*p);
        }
        return id;
    }
    // Through batch reshapes to the 4-D value (q, k, v: the reshapes may be shared, they stay).
    ValueId look_through(ValueId id) const {
        while (id != kNoValue && g_.type(id).shape.size() != 4) {
            const Node* p = batch_reshape(id);
            if (!p) break;
            id = first_operand(*p);
        }
        return id;
    }
    static bool plain_matmul(const Node& n, bool allow_transpose_b = false) {
        if (n.op != "ttnn.matmul" || n.args.size() != 2 || n.outputs.size() != 1) return false;
        for (const auto& [key, arg] : n.kwargs) {
            if (key == "math_fidelity" || key == "fp32_dest_acc_en") continue;
            if (key == "transpose_b" && allow_transpose_b) continue;
            if ((key == "transpose_a" || key == "transpose_b") && std::holds_alternative<bool>(arg) && !std::get<bool>(arg))
                continue;
            return false;
        }
        return true;
    }
    bool last_dim_softmax(const Node& n) const {
        const auto rank = static_cast<std::int64_t>(g_.type(n.outputs[0]).shape.size());
        for (const auto& [key, arg] : n.kwargs) {
            if (key == "numeric_stable") continue;
            if (key != "dim" || !std::holds_alternative<std::int64_t>(arg)) return false;
            const std::int64_t d = std::get<std::int64_t>(arg);
            if (d != -1 && d != rank - 1) return false;
        }
        return n.kwarg("dim") != nullptr && n.args.size() == 1;
    }
    bool swaps_last_two(const Node& t) const {
        const Arg* a = t.kwarg("dims");
        const auto* dims = a ? std::get_if<IntList>(a) : nullptr;
        if (!dims) return false;
        const auto rank = static_cast<std::int64_t>(dims->size());
        if (rank < 2) return false;
        for (std::int64_t i = 0; i < rank; ++i) {
            std::int64_t d = (*dims)[static_cast<std::size_t>(i)];
            if (d < 0) d += rank;
            const std::int64_t want = i == rank - 1 ? rank - 2 : i == rank - 2 ? rank - 1 : i;
            if (d != want) return false;
        }
        return true;
    }
    std::optional<double> scalar(const Arg& a) const {
        if (const auto* d = std::get_if<double>(&a)) return *d;
        if (const auto* i = std::get_if<std::int64_t>(&a)) return static_cast<double>(*i);
        const auto* r = std::get_if<ValueRef>(&a);
        if (!r || r->id == kNoValue || !g_.is_constant(r->id) || g_.type(r->id).numel() != 1) return std::nullopt;
        float v = 0;
        const Tensor& t = g_.constant_data(r->id);
        copy_to_host_array(t, 0, HostArray{&v, HostElement::F32, t.logical_shape()}, "fuse-attention");
        return v;
    }
    // The scores [.., s_q, s_k] (rank 3 or 4) + mask: the mask must be [b|1, h|1, s_q, s_k] once
    // left-padded to rank 4; on [B*H, s_q, s_k] scores only a mask shared by all heads fits.
    static bool mask_fits(const ValueType& mask, const ValueType& scores) {
        const auto& m = mask.shape;
        const auto& s = scores.shape;
        if (!is_floating(mask.dtype) || m.size() < 2 || m.size() > s.size() || s.size() < 3) return false;
        if (m[m.size() - 1] != s.back() || m[m.size() - 2] != s[s.size() - 2]) return false;
        for (std::size_t i = 0; i + 2 < m.size(); ++i) {
            const std::size_t si = s.size() - m.size() + i;
            if (m[i] != 1 && (s.size() != 4 || m[i] != s[si])) return false;
        }
        return true;
    }
    bool shapes_fit(const Match& m, const ValueType& out) const {
        if (m.q == kNoValue || m.k == kNoValue || m.v == kNoValue) return false;
        const auto& q = g_.type(m.q).shape;
        const auto& k = g_.type(m.k).shape;
        const auto& v = g_.type(m.v).shape;
        if (q.size() != 4 || k.size() != 4 || v.size() != 4) return false;
        if (k[0] != q[0] || v[0] != q[0] || k[3] != q[3] || v[1] != k[1] || v[2] != k[2]) return false;
        if (k[1] == 0 || q[1] % k[1] != 0) return false;
        if (v[3] != q[3]) return false;
        const auto& o = out.shape;
        if (o != std::vector<std::int64_t>{q[0], q[1], q[2], v[3]}) return false;
        if (m.mask != kNoValue && g_.type(m.mask).shape.size() == 4) {
            const auto& mk = g_.type(m.mask).shape;
            if ((mk[0] != 1 && mk[0] != q[0]) || (mk[1] != 1 && mk[1] != q[1])) return false;
        }
        return g_.type(m.q).dtype == out.dtype && g_.type(m.k).dtype == out.dtype && g_.type(m.v).dtype == out.dtype;
    }

    const Graph& g_;
    std::vector<int> uses_;
};

}  // namespace

Graph fuse_attention(const Graph& graph, const PassOptions& options) {
    if (KernelTable::instance().find(kSdpa) == nullptr) return graph;
    const Matcher matcher(graph);
    Graph out;
    std::vector<ValueId> map = copy_inputs_and_constants(graph, out);
    map.resize(graph.num_values(), kNoValue);
    bool changed = false;
    for (const Node& node : graph.nodes()) {
        if (const std::optional<Match> m = matcher.match(node)) {
            const ValueType& type = graph.type(node.outputs[0]);
            std::map<std::string, Arg> kwargs{{"is_causal", false}, {"scale", m->scale}};
            for (const char* key : {"math_fidelity", "fp32_dest_acc_en"})
                if (const Arg* a = m->first_matmul->kwarg(key)) kwargs[key] = *a;
            if (m->mask != kNoValue) {
                ValueId mask = map[m->mask];
                ValueType t = graph.type(m->mask);
                if (t.shape.size() < 4) {
                    t.shape.insert(t.shape.begin(), 4 - t.shape.size(), 1);
                    mask = out.add_node1("ttnn.reshape", {ValueRef{mask}}, {{"shape", t.shape}}, t, node.name);
                }
                kwargs["attn_mask"] = ValueRef{mask};
            }
            map[node.outputs[0]] = out.add_node1(std::string(kSdpa), {ValueRef{map[m->q]}, ValueRef{map[m->k]}, ValueRef{map[m->v]}},
                                                 std::move(kwargs), type, node.name);
            changed = true;
            continue;
        }
        copy_node(graph, node, out, map);
    }
    if (!changed) return graph;
    copy_outputs(graph, out, map);
    return eliminate_dead_code(out, options);
}

}  // namespace ttnn::graph
