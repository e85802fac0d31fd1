// The convolution engine: fidelity emulation and the split of a convolution over the device's
// threads.
//
// Threads: Debian's oneDNN runs its parallel regions on OpenMP, which cannot use our ThreadPool,
// and whose spinning barriers make a two-thread call tens of times slower as soon as the machine
// is shared (measured: 0.25 ms alone, 9-17 ms with other builds running). So the engine splits a
// convolution into independent sub-problems (whole images, bands of output rows, or slices of
// output channels when the weights outweigh the activations), runs each with a single-threaded
// oneDNN primitive (OpenMP team of one), and hands them to the device's ThreadPool, whose threads
// take them from a shared counter. A 1x2 mesh gives each device one thread: each runs its
// convolution on its own thread, concurrently.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_map>

#include "conv_engine.hpp"
#include "onednn.hpp"
#include "ttnn/core/error.hpp"

namespace ttnn::ops::conv_detail {

namespace {

using dnnl::memory;

// One independent piece of a convolution.
struct SubProblem {
    ConvProblem p;               // its own shape (batch, rows, padding, output channels)
    std::size_t src_offset = 0;  // floats into the NHWC activations
    std::size_t dst_offset = 0;  // floats into the output (unless temp_dst)
    std::int64_t oc_begin = 0;   // first output channel (weights, bias)
    bool temp_dst = false;       // a slice of output channels: computed densely, then scattered
};

std::vector<SubProblem> image_chunks(const ConvProblem& p, std::int64_t per_chunk) {
    std::vector<SubProblem> plan;
    const std::size_t in_image = static_cast<std::size_t>(p.ih * p.iw * p.ic);
    const std::size_t out_image = static_cast<std::size_t>(p.oh * p.ow * p.oc);
    for (std::int64_t i = 0; i < p.n; i += per_chunk) {
        SubProblem s{p};
        s.p.n = std::min(per_chunk, p.n - i);
        s.src_offset = static_cast<std::size_t>(i) * in_image;
        s.dst_offset = static_cast<std::size_t>(i) * out_image;
        plan.push_back(s);
    }
    return plan;
}

std::vector<SubProblem> channel_chunks(const ConvProblem& p, std::int64_t chunks) {
    std::vector<SubProblem> plan;
    const std::int64_t step = ((p.oc + chunks - 1) / chunks + 15) & ~std::int64_t{15};  // whole vector blocks
    for (std::int64_t o = 0; o < p.oc; o += step) {
        SubProblem s{p};
        s.p.oc = std::min(step, p.oc - o);
        s.oc_begin = o;
        s.temp_dst = true;
        plan.push_back(s);
    }
    return plan;
}

// Bands of output rows of each image: each band reads the input rows its windows cover, with the
// image's padding only at its top and bottom edges. Empty if a band would see padding only.
std::vector<SubProblem> row_chunks(const ConvProblem& p, std::int64_t bands) {
    std::vector<SubProblem> plan;
    const std::int64_t span = (p.kh - 1) * p.dh + 1;
    for (std::int64_t img = 0; img < p.n; ++img) {
        for (std::int64_t b = 0; b < bands; ++b) {
            const std::int64_t r0 = p.oh * b / bands, r1 = p.oh * (b + 1) / bands;
            if (r1 == r0) continue;
            const std::int64_t top = r0 * p.sh - p.pt, bottom = (r1 - 1) * p.sh - p.pt + span;
            const std::int64_t y0 = std::max<std::int64_t>(top, 0), y1 = std::min(bottom, p.ih);
            if (y1 <= y0) return {};
            SubProblem s{p};
            s.p.n = 1;
            s.p.ih = y1 - y0;
            s.p.pt = y0 - top;
            s.p.pb = bottom - y1;
            s.p.oh = r1 - r0;
            s.src_offset = static_cast<std::size_t>((img * p.ih + y0) * p.iw * p.ic);
            s.dst_offset = static_cast<std::size_t>((img * p.oh + r0) * p.ow * p.oc);
            plan.push_back(s);
        }
    }
    return plan;
}

// About two pieces per thread, so that a thread slowed by other work on the machine leaves more
// to the others; pieces large enough that oneDNN runs each near full speed.
std::vector<SubProblem> make_plan(const ConvProblem& p, std::int64_t threads) {
    if (threads <= 1) return {SubProblem{p}};
    if (p.n % threads == 0) return image_chunks(p, std::max<std::int64_t>(1, p.n / (2 * threads)));
    const std::int64_t weights = p.oc * (p.ic / p.groups) * p.kh * p.kw;
    const std::int64_t activations = p.n * (p.ih * p.iw * p.ic + p.oh * p.ow * p.oc);
    const bool can_slice_channels = p.groups == 1 && p.oc >= 32 * threads;
    if (can_slice_channels && (weights > 2 * activations || p.transposed)) return channel_chunks(p, threads);
    if (!p.transposed) {
        auto plan = row_chunks(p, std::min(p.oh, (2 * threads + p.n - 1) / p.n));
        if (!plan.empty()) return plan;
    }
    return image_chunks(p, 1);
}

// What one piece needs, prepared before the threads start: a primitive per fidelity term and
// the packed weights of each.
struct Prepared {
    std::vector<std::shared_ptr<const ConvPrimitive>> primitives;
    std::vector<std::shared_ptr<const PackedWeights>> weights;
};

}  // namespace

std::string ConvProblem::key() const {
    std::string k = transposed ? "T" : "C";
    for (std::int64_t v : {n, ih, iw, ic, oc, oh, ow, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups, oph, opw}) {
        k += std::to_string(v);
        k += ',';
    }
    return k;
}

Activation parse_activation(std::string_view name, std::string_view op) {
    std::string s(name);
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (s.empty() || s == "none") return Activation::NONE;
    if (s == "relu") return Activation::RELU;
    if (s == "relu6") return Activation::RELU6;
    if (s == "silu" || s == "swish") return Activation::SILU;
    if (s == "gelu") return Activation::GELU;
    if (s == "sigmoid") return Activation::SIGMOID;
    if (s == "tanh") return Activation::TANH;
    if (s == "hardswish") return Activation::HARDSWISH;
    if (s == "mish") return Activation::MISH;
    throw InvalidArgument(op, "activation=\"" + std::string(name) +
                                  "\" is not supported; use \"\", relu, relu6, silu, gelu, sigmoid, tanh, hardswish "
                                  "or mish");
}

void run_conv(const ConvProblem& p, ActivationValues& input, float* output, const Tensor& weight,
              const Tensor* weight_alias, const std::optional<Tensor>& bias, Activation activation,
              const ConvNumerics& numerics, ThreadPool& pool, std::string_view op, const RowsDone* rows_done) {
    const std::vector<FidelityTerm> terms =
        numerics.faithful ? fidelity_terms(numerics.fidelity) : std::vector<FidelityTerm>{{}};
    const bool needs_hi = std::any_of(terms.begin(), terms.end(), [](auto& t) { return t.weight == OperandPart::HI; });
    const OperandMasks masks = numerics.faithful ? operand_masks(numerics.input_is_fp32, numerics.weight_is_fp32,
                                                                 numerics.fp32_dest_acc)
                                                 : OperandMasks{};

    // Activation parts: FULL is the input as the registers hold it; HI/LO its fidelity split.
    const std::size_t in_count = static_cast<std::size_t>(p.n * p.ih * p.iw * p.ic);
    const bool wants_hi = std::any_of(terms.begin(), terms.end(), [](auto& t) { return t.activation == OperandPart::HI; });
    const bool wants_lo = std::any_of(terms.begin(), terms.end(), [](auto& t) { return t.activation == OperandPart::LO; });
    if ((masks.activation_full != kKeepAll || wants_hi) && input.owned.data() == nullptr) {
        input.owned = F32Array(Shape{static_cast<std::int64_t>(in_count)});
        std::memcpy(input.owned.data(), input.data, in_count * sizeof(float));
        input.data = input.owned.data();
    }
    float* values = input.owned.data();  // null when borrowed (then nothing is masked)
    if (masks.activation_full != kKeepAll) apply_mask(values, values, in_count, masks.activation_full, pool);
    F32Array hi_storage;
    const float* parts[3] = {input.data, nullptr, nullptr};  // by OperandPart
    if (wants_lo) {
        hi_storage = F32Array(Shape{static_cast<std::int64_t>(in_count)});
        apply_mask(values, hi_storage.data(), in_count, masks.activation_hi, pool);
        low_part(values, hi_storage.data(), values, in_count, pool);
        parts[static_cast<int>(OperandPart::HI)] = hi_storage.data();
        parts[static_cast<int>(OperandPart::LO)] = values;
    } else if (wants_hi) {
        apply_mask(values, values, in_count, masks.activation_hi, pool);
        parts[static_cast<int>(OperandPart::HI)] = values;
    }

    std::optional<F32Array> bias_values;
    if (bias) {
        bias_values = read_f32(*bias, op);
        if (bias_values->size() != static_cast<std::size_t>(p.oc)) {
            throw InvalidArgument(op, "bias_tensor has " + std::to_string(bias_values->size()) +
                                          " values, expected out_channels=" + std::to_string(p.oc));
        }
    }

    const std::vector<SubProblem> plan = make_plan(p, static_cast<std::int64_t>(pool.num_threads()));
    try {
        // Primitives and packed weights for every distinct piece, on this thread.
        std::vector<std::size_t> kind_of(plan.size());
        std::vector<Prepared> kinds;
        {
            OmpTeamSize team(1);
            WeightSource weights(p, numerics, masks, needs_hi, weight, weight_alias, pool, op);
            std::unordered_map<std::string, std::size_t> index;
            for (std::size_t c = 0; c < plan.size(); ++c) {
                const std::string key = plan[c].p.key() + "|" + std::to_string(plan[c].oc_begin);
                auto [it, added] = index.emplace(key, kinds.size());
                kind_of[c] = it->second;
                if (!added) continue;
                Prepared prepared;
                for (std::size_t t = 0; t < terms.size(); ++t) {
                    const bool last = t + 1 == terms.size();
                    auto prim = get_primitive(plan[c].p, last ? activation : Activation::NONE, t > 0,
                                              last && bias.has_value());
                    prepared.weights.push_back(weights.get(plan[c].p, plan[c].oc_begin, prim->weights_md));
                    prepared.primitives.push_back(std::move(prim));
                }
                kinds.push_back(std::move(prepared));
            }
        }

        auto run_piece = [&](const SubProblem& s, const Prepared& prepared, dnnl::stream& stream) {
            const memory::desc user_src_md = nhwc_src_md(s.p), user_dst_md = nhwc_dst_md(s.p);
            const std::size_t dst_count = static_cast<std::size_t>(s.p.n * s.p.oh * s.p.ow * s.p.oc);
            std::optional<Scratch> dense;
            float* dst = output + s.dst_offset;
            if (s.temp_dst) {
                dense.emplace(dst_count * sizeof(float));
                dst = static_cast<float*>(dense->data());
            }
            memory user_dst(user_dst_md, cpu_engine(), dst);
            // Blocked activations (depthwise): reordered at the borders through warm scratch memory.
            std::optional<Scratch> blocked_src_storage, blocked_dst_storage;
            std::optional<memory> blocked_src, blocked_dst;
            for (std::size_t t = 0; t < terms.size(); ++t) {
                const ConvPrimitive& prim = *prepared.primitives[t];
                const PackedWeights& w = *prepared.weights[t];
                const float* src = parts[static_cast<int>(terms[t].activation)] + s.src_offset;
                memory src_mem(user_src_md, cpu_engine(), const_cast<float*>(src));
                if (prim.src_md != user_src_md) {
                    if (!blocked_src) {
                        blocked_src_storage.emplace(prim.src_md.get_size());
                        blocked_src = memory(prim.src_md, cpu_engine(), blocked_src_storage->data());
                    }
                    dnnl::reorder(src_mem, *blocked_src).execute(stream, src_mem, *blocked_src);
                    src_mem = *blocked_src;
                }
                memory dst_mem = user_dst;
                if (prim.dst_md != user_dst_md) {
                    if (!blocked_dst) {
                        blocked_dst_storage.emplace(prim.dst_md.get_size());
                        blocked_dst = memory(prim.dst_md, cpu_engine(), blocked_dst_storage->data());
                    }
                    dst_mem = *blocked_dst;
                }
                Scratch scratch(prim.scratchpad_md.get_size());
                std::unordered_map<int, memory> args{
                    {DNNL_ARG_SRC, src_mem},
                    {DNNL_ARG_WEIGHTS, terms[t].weight == OperandPart::HI ? *w.hi : *w.full},
                    {DNNL_ARG_DST, dst_mem},
                    {DNNL_ARG_SCRATCHPAD, memory(prim.scratchpad_md, cpu_engine(), scratch.data())}};
                if (t + 1 == terms.size() && bias_values) {
                    args.emplace(DNNL_ARG_BIAS, memory(memory::desc({s.p.oc}, memory::data_type::f32,
                                                                    memory::format_tag::x),
                                                       cpu_engine(), bias_values->data() + s.oc_begin));
                }
                prim.primitive.execute(stream, args);
            }
            if (blocked_dst) dnnl::reorder(*blocked_dst, user_dst).execute(stream, *blocked_dst, user_dst);
            stream.wait();
            const std::size_t pixels = static_cast<std::size_t>(s.p.n * s.p.oh * s.p.ow);
            if (s.temp_dst) {
                const std::size_t width = static_cast<std::size_t>(s.p.oc);
                for (std::size_t px = 0; px < pixels; ++px) {
                    std::memcpy(output + px * p.oc + s.oc_begin, dst + px * width, width * sizeof(float));
                }
            } else if (rows_done) {
                const std::size_t first = s.dst_offset / static_cast<std::size_t>(p.oc);
                (*rows_done)(first, first + pixels);
            }
        };

        pool.parallel_for(plan.size(), 1, [&](std::size_t b, std::size_t e) {
            OmpTeamSize team(1);
            dnnl::stream stream(cpu_engine());
            for (std::size_t c = b; c < e; ++c) run_piece(plan[c], kinds[kind_of[c]], stream);
        });
        // Output-channel slices finish no row on their own: report the rows once all are done.
        if (rows_done && plan.front().temp_dst) {
            const std::size_t rows = static_cast<std::size_t>(p.n * p.oh * p.ow);
            pool.parallel_for(rows, 64, [&](std::size_t b, std::size_t e) { (*rows_done)(b, e); });
        }
    } catch (const dnnl::error& e) {
        throw Error(op, std::string("oneDNN failed for ") + p.key() + ": " + e.what());
    }
}

}  // namespace ttnn::ops::conv_detail
