// fuse-conv-bn (ATen level, before lowering): an inference batch norm that is the only reader of a
// convolution's output is folded into the convolution's weight and bias at compile time:
//     scale = gamma / sqrt(running_var + eps)
//     W'[c, ...] = W[c, ...] * scale[c]        b'[c] = (b[c] - running_mean[c]) * scale[c] + beta[c]
// computed in fp32 from the constants' host data. Only constant parameters are folded (weights
// that are graph inputs stay a convolution followed by a batch norm), only non-transposed
// convolutions (their weight is [C_out, C_in/groups, ...]) and only when the batch norm's saved
// mean/invstd outputs are unused (they always are in inference graphs).
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {
namespace {

constexpr std::string_view kConv = "aten::convolution.default";
constexpr std::string_view kBatchNorm = "aten::_native_batch_norm_legit_no_training.default";

// aten::convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups)
// aten::_native_batch_norm_legit_no_training(input, weight, bias, running_mean, running_var, momentum, eps)
enum : std::size_t { kConvInput = 0, kConvWeight = 1, kConvBias = 2, kConvTransposed = 6 };
enum : std::size_t { kBnInput = 0, kBnWeight = 1, kBnBias = 2, kBnMean = 3, kBnVar = 4, kBnEps = 6 };

// The tensor an argument names, kNoValue for None (and for anything that is not a tensor).
ValueId tensor_at(const Node& node, std::size_t i) {
    if (i >= node.args.size()) return kNoValue;
    if (const auto* r = std::get_if<ValueRef>(&node.args[i])) return r->id;
    return kNoValue;
}

bool is_none(const Node& node, std::size_t i) {
    return i >= node.args.size() || std::holds_alternative<std::monostate>(node.args[i]) ||
           (std::holds_alternative<ValueRef>(node.args[i]) && std::get<ValueRef>(node.args[i]).id == kNoValue);
}

std::optional<double> number_at(const Node& node, std::size_t i) {
    if (i >= node.args.size()) return std::nullopt;
    if (const auto* d = std::get_if<double>(&node.args[i])) return *d;
    if (const auto* n = std::get_if<std::int64_t>(&node.args[i])) return static_cast<double>(*n);
    return std::nullopt;
}

// A floating-point constant of `numel` values (or None, when `optional`).
bool constant_param(const Graph& g, const Node& node, std::size_t i, std::int64_t numel, bool optional) {
    if (is_none(node, i)) return optional;
    const ValueId id = tensor_at(node, i);
    if (id == kNoValue || !g.is_constant(id) || !is_floating(g.type(id).dtype)) return false;
    return g.type(id).numel() == numel;
}

std::vector<float> host_values(const Graph& g, ValueId id) {
    const Tensor& t = g.constant_data(id);
    std::vector<float> values(static_cast<std::size_t>(t.logical_shape().volume()));
    copy_to_host_array(t, 0, HostArray{values.data(), HostElement::F32, t.logical_shape()}, "fuse-conv-bn");
    return values;
}

Tensor host_tensor(std::vector<float> values, const std::vector<std::int64_t>& shape) {
    auto owned = std::make_shared<std::vector<float>>(std::move(values));
    return tensor_from_host_array(HostArray{owned->data(), HostElement::F32, Shape(shape, "fuse-conv-bn")},
                                  DataType::FLOAT32, Layout::ROW_MAJOR, 0.0f, owned, "fuse-conv-bn");
}

// The batch norm to fold into convolution `conv`, or -1.
int foldable_batch_norm(const Graph& g, const Node& conv, const std::vector<int>& uses,
                        const std::vector<int>& reader) {
    if (conv.op != kConv || conv.outputs.size() != 1) return -1;
    const ValueId out = conv.outputs[0];
    if (uses[out] != 1 || reader[out] < 0) return -1;
    const Node& bn = g.nodes()[static_cast<std::size_t>(reader[out])];
    if (bn.op != kBatchNorm || tensor_at(bn, kBnInput) != out || bn.outputs.empty()) return -1;
    for (std::size_t i = 1; i < bn.outputs.size(); ++i)
        if (uses[bn.outputs[i]] != 0) return -1;
    // Transposed convolutions keep the output channels in weight dim 1; they are left alone.
    if (kConvTransposed >= conv.args.size()) return -1;
    const Arg& transposed = conv.args[kConvTransposed];
    if (!std::holds_alternative<bool>(transposed) || std::get<bool>(transposed)) return -1;
    const ValueId weight = tensor_at(conv, kConvWeight);
    if (weight == kNoValue || !g.is_constant(weight) || !is_floating(g.type(weight).dtype)) return -1;
    const auto& wshape = g.type(weight).shape;
    const auto& oshape = g.type(out).shape;
    if (wshape.size() < 2 || oshape.size() < 2 || wshape[0] != oshape[1] || wshape[0] <= 0) return -1;
    const std::int64_t channels = wshape[0];
    if (!constant_param(g, conv, kConvBias, channels, true) || !constant_param(g, bn, kBnWeight, channels, true) ||
        !constant_param(g, bn, kBnBias, channels, true) || !constant_param(g, bn, kBnMean, channels, false) ||
        !constant_param(g, bn, kBnVar, channels, false) || !number_at(bn, kBnEps))
        return -1;
    return reader[out];
}

}  // namespace

Graph fuse_conv_bn(const Graph& graph, const PassOptions& options) {
    const auto& nodes = graph.nodes();
    const std::vector<int> uses = graph.use_counts();
    // The (last) node reading each value: with a use count of 1, the only one.
    std::vector<int> reader(graph.num_values(), -1);
    for (std::size_t i = 0; i < nodes.size(); ++i)
        for (ValueId id : nodes[i].operands()) reader[id] = static_cast<int>(i);

    Graph out;
    std::vector<ValueId> map = copy_inputs_and_constants(graph, out);
    map.resize(graph.num_values(), kNoValue);
    std::vector<bool> skip(nodes.size(), false);
    bool changed = false;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (skip[i]) continue;
        const Node& node = nodes[i];
        const int bn_index = foldable_batch_norm(graph, node, uses, reader);
        if (bn_index >= 0) {
            const Node& bn = nodes[static_cast<std::size_t>(bn_index)];
            const ValueId weight = tensor_at(node, kConvWeight);
            const ValueType& wtype = graph.type(weight);
            const auto channels = static_cast<std::size_t>(wtype.shape[0]);
            const double eps = *number_at(bn, kBnEps);
            auto param = [&](const Node& n, std::size_t a, float fallback) {
                return is_none(n, a) ? std::vector<float>(channels, fallback) : host_values(graph, tensor_at(n, a));
            };
            const std::vector<float> gamma = param(bn, kBnWeight, 1.0f), beta = param(bn, kBnBias, 0.0f),
                                     mean = param(bn, kBnMean, 0.0f), var = param(bn, kBnVar, 1.0f),
                                     bias = param(node, kConvBias, 0.0f);
            std::vector<float> w = host_values(graph, weight);
            std::vector<float> new_bias(channels);
            const std::size_t per_channel = w.size() / channels;
            for (std::size_t c = 0; c < channels; ++c) {
                const float scale = static_cast<float>(static_cast<double>(gamma[c]) /
                                                       std::sqrt(static_cast<double>(var[c]) + eps));
                for (std::size_t k = 0; k < per_channel; ++k) w[c * per_channel + k] *= scale;
                new_bias[c] = (bias[c] - mean[c]) * scale + beta[c];
            }
            ValueType btype = is_none(node, kConvBias) ? ValueType{{wtype.shape[0]}, wtype.dtype, {}, {}}
                                                       : graph.type(tensor_at(node, kConvBias));
            const std::string base = node.name.empty() ? std::string("conv") : node.name;
            std::vector<Arg> args = node.args;
            remap_args(args, map);
            args[kConvWeight] = ValueRef{out.add_constant(host_tensor(std::move(w), wtype.shape), wtype,
                                                          base + ".weight_bn")};
            args[kConvBias] = ValueRef{out.add_constant(host_tensor(std::move(new_bias), btype.shape), btype,
                                                        base + ".bias_bn")};
            map[bn.outputs[0]] = out.add_node1(node.op, std::move(args), {}, graph.type(bn.outputs[0]), node.name);
            skip[static_cast<std::size_t>(bn_index)] = true;
            changed = true;
            continue;
        }
        copy_node(graph, node, out, map);
    }
    if (!changed) return graph;
    copy_outputs(graph, out, map);
    // The original parameters are no longer read.
    return eliminate_dead_code_aten(out, options);
}

}  // namespace ttnn::graph
