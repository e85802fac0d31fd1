// oneDNN for the convolution engine: primitives, packed weights and their caches, backend info.
//
// Symbols: libtorch links its own oneDNN (3.x) with hidden visibility, so the dnnl_* symbols we
// call resolve to Debian's libdnnl.so.2 whichever is imported first; both share the one
// libgomp.so.1 (same soname) loaded first. conv_backend_info() reports where our calls were bound
// and tests/ttnn/ops/test_conv.py checks both import orders.
#include "onednn.hpp"

#include <dlfcn.h>
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <unordered_map>

#include "ttnn/core/error.hpp"
#include "ttnn/core/host_allocator.hpp"
#include "ttnn/core/tensor_ops.hpp"

namespace ttnn::ops::conv_detail {

using dnnl::memory;
using Tag = memory::format_tag;
using Dt = memory::data_type;

dnnl::engine& cpu_engine() {
    static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    return engine;
}

OmpTeamSize::OmpTeamSize(int threads) : saved_(omp_get_max_threads()) {
    if (threads != saved_) omp_set_num_threads(threads);
}

OmpTeamSize::~OmpTeamSize() {
    if (omp_get_max_threads() != saved_) omp_set_num_threads(saved_);
}

Scratch::Scratch(std::size_t bytes) : bytes_(bytes), data_(bytes ? host_memory::allocate(bytes) : nullptr) {}

Scratch::~Scratch() {
    if (data_) host_memory::release(data_, bytes_);
}

namespace {

std::string describe(const memory::desc& md) {
    const dnnl_memory_desc_t& d = md.data;
    std::string s = std::to_string(static_cast<int>(d.format_kind)) + ":";
    for (int i = 0; i < d.ndims; ++i) s += std::to_string(d.dims[i]) + "/" + std::to_string(d.padded_dims[i]) + ",";
    if (d.format_kind == dnnl_blocked) {
        const auto& b = d.format_desc.blocking;
        s += "s";
        for (int i = 0; i < d.ndims; ++i) s += std::to_string(b.strides[i]) + ",";
        s += "b";
        for (int i = 0; i < b.inner_nblks; ++i) {
            s += std::to_string(b.inner_idxs[i]) + "x" + std::to_string(b.inner_blks[i]) + ",";
        }
    }
    return s + "e" + std::to_string(d.extra.flags);
}

memory::dims weight_dims(const ConvProblem& p) {
    if (p.groups > 1) return {p.groups, p.oc / p.groups, p.ic / p.groups, p.kh, p.kw};
    return {p.oc, p.ic, p.kh, p.kw};
}

// Torch's layouts: OIHW for a convolution, IOHW for a transposed one.
Tag user_weight_tag(const ConvProblem& p) {
    if (p.transposed) return p.groups > 1 ? Tag::giohw : Tag::iohw;
    return p.groups > 1 ? Tag::goihw : Tag::oihw;
}

// NHWC in and out (oneDNN's brgconv kernels run on it directly), except depthwise convolutions,
// whose kernels are faster on the blocked layout oneDNN picks (reordered at the borders).
// TTNN_CONV_LAYOUT=nhwc|blocked forces one for every convolution.
bool blocked_activations(const ConvProblem& p) {
    static const int forced = [] {
        const char* v = std::getenv("TTNN_CONV_LAYOUT");
        if (!v) return -1;
        return std::string_view(v) == "blocked" ? 1 : 0;
    }();
    if (forced >= 0) return forced == 1;
    return p.groups > 1 && p.groups == p.ic && p.groups == p.oc;
}

void append_activation(dnnl::post_ops& ops, Activation a) {
    using A = dnnl::algorithm;
    switch (a) {
        case Activation::NONE: return;
        case Activation::RELU: ops.append_eltwise(1.f, A::eltwise_relu, 0.f, 0.f); return;
        case Activation::RELU6: ops.append_eltwise(1.f, A::eltwise_clip, 0.f, 6.f); return;
        case Activation::SILU: ops.append_eltwise(1.f, A::eltwise_swish, 1.f, 0.f); return;
        case Activation::GELU: ops.append_eltwise(1.f, A::eltwise_gelu_erf, 0.f, 0.f); return;
        case Activation::SIGMOID: ops.append_eltwise(1.f, A::eltwise_logistic, 0.f, 0.f); return;
        case Activation::TANH: ops.append_eltwise(1.f, A::eltwise_tanh, 0.f, 0.f); return;
        case Activation::HARDSWISH: ops.append_eltwise(1.f, A::eltwise_hardswish, 1.f / 6.f, 0.5f); return;
        case Activation::MISH: ops.append_eltwise(1.f, A::eltwise_mish, 0.f, 0.f); return;
    }
}

template <class PrimitiveDesc>
void fill(ConvPrimitive& out, const PrimitiveDesc& pd) {
    out.src_md = pd.src_desc();
    out.weights_md = pd.weights_desc();
    out.dst_md = pd.dst_desc();
    out.scratchpad_md = pd.scratchpad_desc();
}

std::shared_ptr<const ConvPrimitive> create_primitive(const ConvProblem& p, Activation act, bool accumulate,
                                                      bool with_bias) {
    const Tag act_tag = blocked_activations(p) ? Tag::any : Tag::nhwc;
    const memory::desc src_md({p.n, p.ic, p.ih, p.iw}, Dt::f32, act_tag);
    const memory::desc dst_md({p.n, p.oc, p.oh, p.ow}, Dt::f32, act_tag);
    const memory::desc w_md(weight_dims(p), Dt::f32, Tag::any);
    const memory::desc b_md = with_bias ? memory::desc({p.oc}, Dt::f32, Tag::x) : memory::desc();
    const memory::dims strides{p.sh, p.sw};
    const memory::dims dilates{p.dh - 1, p.dw - 1};
    const memory::dims pad_l{p.pt, p.pl};
    // A transposed convolution's right padding is what makes its output size come out: the
    // output padding adds rows at the bottom/right (oneDNN takes a negative value).
    const memory::dims pad_r = p.transposed ? memory::dims{p.pb - p.oph, p.pr - p.opw} : memory::dims{p.pb, p.pr};

    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);  // scratch per call: primitives run concurrently
    dnnl::post_ops ops;
    if (accumulate) ops.append_sum(1.f);
    append_activation(ops, act);
    attr.set_post_ops(ops);

    auto result = std::make_shared<ConvPrimitive>();
    if (p.transposed) {
        dnnl::deconvolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct,
                                            src_md, w_md, b_md, dst_md, strides, dilates, pad_l, pad_r);
        dnnl::deconvolution_forward::primitive_desc pd(d, attr, cpu_engine());
        result->primitive = dnnl::deconvolution_forward(pd);
        fill(*result, pd);
    } else {
        // Direct, never Winograd: Winograd changes the numerics.
        dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                          src_md, w_md, b_md, dst_md, strides, dilates, pad_l, pad_r);
        dnnl::convolution_forward::primitive_desc pd(d, attr, cpu_engine());
        result->primitive = dnnl::convolution_forward(pd);
        fill(*result, pd);
    }
    return result;
}

// ---- weights -------------------------------------------------------------------------------

std::size_t weight_count(const ConvProblem& p) {
    return static_cast<std::size_t>(p.oc) * static_cast<std::size_t>(p.ic / p.groups) * p.kh * p.kw;
}

// Rounds fp32 weights (torch layout) to `dtype` the way TT-NN stores prepared weights: bf16
// element by element; block floats share an exponent over 16 consecutive output channels of one
// (input channel, ky, kx) row of the [kh*kw*in, out] weight matrix (grouped weights are
// block-diagonal in it; the other groups' zeros do not change a block's exponent).
void round_weights(float* w, const ConvProblem& p, DataType dtype, std::string_view op) {
    const std::size_t count = weight_count(p);
    if (dtype == DataType::FLOAT32) return;
    if (dtype == DataType::BFLOAT16) {
        const HostArray array{w, HostElement::F32, Shape{static_cast<std::int64_t>(count)}};
        Tensor t = tensor_from_host_array(array, dtype, Layout::ROW_MAJOR, 0.f, nullptr, op);
        copy_to_host_array(t, 0, array, op);
        return;
    }
    if (!is_block_float(dtype)) {
        throw InvalidArgument(op, "weights_dtype " + std::string(to_string(dtype)) +
                                      " is not a floating-point dtype; use BFLOAT16, FLOAT32, BFLOAT8_B or BFLOAT4_B");
    }
    const std::int64_t icg = p.ic / p.groups, ocg = p.oc / p.groups, khw = p.kh * p.kw;
    F32Array m(Shape{p.ic * khw, p.oc});
    std::fill(m.data(), m.data() + m.size(), 0.f);
    // Index of weight (output channel o, input channel ig, tap k) in the torch layout.
    auto index = [&](std::int64_t o, std::int64_t ig, std::int64_t k) -> std::size_t {
        const std::int64_t g = ig / icg;
        if (p.transposed) return static_cast<std::size_t>((ig * ocg + (o - g * ocg)) * khw + k);
        return static_cast<std::size_t>((o * icg + (ig - g * icg)) * khw + k);
    };
    auto for_each = [&](auto&& fn) {
        for (std::int64_t ig = 0; ig < p.ic; ++ig) {
            const std::int64_t g = ig / icg;
            for (std::int64_t k = 0; k < khw; ++k) {
                float* row = m.data() + (ig * khw + k) * p.oc;
                for (std::int64_t o = g * ocg; o < (g + 1) * ocg; ++o) fn(row[o], w[index(o, ig, k)]);
            }
        }
    };
    for_each([](float& cell, float& value) { cell = value; });
    const HostArray array{m.data(), HostElement::F32, m.shape()};
    Tensor t = tensor_from_host_array(array, dtype, Layout::TILE, 0.f, nullptr, op);
    copy_to_host_array(t, 0, array, op);
    for_each([](float& cell, float& value) { value = cell; });
}

// A transposed convolution's kernel given already mirrored: mirror it back.
void flip_kernel(float* w, const ConvProblem& p) {
    const std::int64_t khw = p.kh * p.kw;
    const std::size_t planes = weight_count(p) / static_cast<std::size_t>(khw);
    for (std::size_t q = 0; q < planes; ++q) std::reverse(w + q * khw, w + (q + 1) * khw);
}

struct WeightEntry {
    std::weak_ptr<Buffer> buffer;
    std::shared_ptr<const PackedWeights> packed;
    std::uint64_t last_use = 0;
};

// Packed weights by (weight buffer, problem's weights, slice, numerics, layout), least recently
// used first out beyond TTNN_CONV_WEIGHT_CACHE_BYTES (default 1 GiB). An entry dies with its buffer.
class WeightCache {
public:
    std::shared_ptr<const PackedWeights> find(const std::string& key, const std::shared_ptr<Buffer>& buffer) {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(key);
        if (it == entries_.end()) return nullptr;
        if (it->second.buffer.lock() != buffer || !buffer->is_allocated()) {
            drop(it);
            return nullptr;
        }
        it->second.last_use = ++clock_;
        return it->second.packed;
    }

    void insert(const std::string& key, const std::shared_ptr<Buffer>& buffer,
                std::shared_ptr<const PackedWeights> packed) {
        std::lock_guard lock(mutex_);
        for (auto it = entries_.begin(); it != entries_.end();) {
            auto next = std::next(it);
            auto b = it->second.buffer.lock();
            if (!b || !b->is_allocated()) drop(it);
            it = next;
        }
        auto existing = entries_.find(key);
        if (existing != entries_.end()) drop(existing);
        bytes_ += packed->bytes;
        entries_[key] = WeightEntry{buffer, std::move(packed), ++clock_};
        while (bytes_ > limit() && entries_.size() > 1) {
            auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
                return a.second.last_use < b.second.last_use;
            });
            drop(oldest);
        }
    }

    void clear() {
        std::lock_guard lock(mutex_);
        entries_.clear();
        bytes_ = 0;
    }

    std::pair<std::size_t, std::size_t> stats() {
        std::lock_guard lock(mutex_);
        return {bytes_, entries_.size()};
    }

private:
    using Map = std::map<std::string, WeightEntry>;
    void drop(Map::iterator it) {
        bytes_ -= it->second.packed->bytes;
        entries_.erase(it);
    }
    static std::size_t limit() {
        static const std::size_t bytes = [] {
            const char* v = std::getenv("TTNN_CONV_WEIGHT_CACHE_BYTES");
            return v ? static_cast<std::size_t>(std::strtoull(v, nullptr, 10)) : (std::size_t{1} << 30);
        }();
        return bytes;
    }

    std::mutex mutex_;
    Map entries_;
    std::size_t bytes_ = 0;
    std::uint64_t clock_ = 0;
};

WeightCache& weight_cache() {
    static WeightCache cache;
    return cache;
}

}  // namespace

std::shared_ptr<const ConvPrimitive> get_primitive(const ConvProblem& p, Activation activation, bool accumulate,
                                                   bool with_bias) {
    // Creating a brgconv primitive costs far more than running a small one: keep them.
    static std::mutex mutex;
    static std::unordered_map<std::string, std::shared_ptr<const ConvPrimitive>> cache;
    const std::string key = p.key() + "|a" + std::to_string(static_cast<int>(activation)) + (accumulate ? "+" : "-") +
                            (with_bias ? "b" : "") + (blocked_activations(p) ? "B" : "");
    {
        std::lock_guard lock(mutex);
        auto it = cache.find(key);
        if (it != cache.end()) return it->second;
    }
    auto created = create_primitive(p, activation, accumulate, with_bias);
    std::lock_guard lock(mutex);
    if (cache.size() > 1024) cache.clear();  // a model has far fewer shapes; a sweep should not grow forever
    return cache.emplace(key, std::move(created)).first->second;
}

memory::desc nhwc_src_md(const ConvProblem& p) { return memory::desc({p.n, p.ic, p.ih, p.iw}, Dt::f32, Tag::nhwc); }
memory::desc nhwc_dst_md(const ConvProblem& p) { return memory::desc({p.n, p.oc, p.oh, p.ow}, Dt::f32, Tag::nhwc); }

WeightSource::WeightSource(const ConvProblem& whole, const ConvNumerics& numerics, const OperandMasks& masks,
                           bool needs_hi, const Tensor& weight, const Tensor* alias, ThreadPool& pool,
                           std::string_view op)
    : whole_(whole), numerics_(numerics), masks_(masks), needs_hi_(needs_hi), weight_(weight), alias_(alias),
      pool_(pool), op_(op) {}

std::string WeightSource::key(const ConvProblem& sub, std::int64_t oc_begin, const memory::desc& md,
                              const Buffer* buffer) const {
    const ConvProblem& p = whole_;
    std::string k = std::to_string(reinterpret_cast<std::uintptr_t>(buffer)) + "|" + (p.transposed ? "T" : "C");
    for (std::int64_t v : {p.oc, p.ic, p.kh, p.kw, p.groups, oc_begin, sub.oc}) k += std::to_string(v) + ",";
    if (p.flip_kernel) k += "m";
    if (numerics_.faithful) {
        k += "F" + std::to_string(masks_.weight_full) + "," + std::to_string(masks_.weight_hi);
        if (numerics_.weights_dtype) k += "d" + std::to_string(static_cast<int>(*numerics_.weights_dtype));
        if (needs_hi_) k += "h";
    }
    return k + "|" + describe(md);
}

const F32Array& WeightSource::prepared() {
    if (prepared_) return *prepared_;
    F32Array w = read_f32(weight_, op_);
    if (w.size() != weight_count(whole_)) {
        throw InvalidArgument(op_, "weight_tensor has " + std::to_string(w.size()) + " values, expected " +
                                       std::to_string(weight_count(whole_)));
    }
    if (whole_.flip_kernel) flip_kernel(w.data(), whole_);
    if (numerics_.faithful) {
        if (numerics_.weights_dtype) round_weights(w.data(), whole_, *numerics_.weights_dtype, op_);
        apply_mask(w.data(), w.data(), w.size(), masks_.weight_full, pool_);
    }
    prepared_ = std::move(w);
    return *prepared_;
}

std::shared_ptr<const PackedWeights> WeightSource::get(const ConvProblem& sub, std::int64_t oc_begin,
                                                       const memory::desc& md) {
    weight_.check_usable(op_);
    const std::shared_ptr<Buffer>& buffer = weight_.shard(0);
    const std::string k = key(sub, oc_begin, md, buffer.get());
    auto packed = weight_cache().find(k, buffer);
    if (!packed) {
        const F32Array& all = prepared();
        // The sub-problem's slice of output channels, in the torch layout of its own shape.
        const std::size_t count = weight_count(sub);
        F32Array slice(Shape{static_cast<std::int64_t>(count)});
        const std::int64_t khw = sub.kh * sub.kw;
        if (!sub.transposed) {  // OIHW: output channels outermost
            const std::size_t per_oc = static_cast<std::size_t>(sub.ic / sub.groups * khw);
            std::copy_n(all.data() + oc_begin * per_oc, count, slice.data());
        } else {  // IOHW: [ic][oc/g][kh][kw], sliced only with groups == 1
            const std::int64_t ocg_whole = whole_.oc / whole_.groups, ocg = sub.oc / sub.groups;
            for (std::int64_t i = 0; i < sub.ic; ++i) {
                std::copy_n(all.data() + (i * ocg_whole + oc_begin) * khw, ocg * khw, slice.data() + i * ocg * khw);
            }
        }
        auto result = std::make_shared<PackedWeights>();
        const memory::desc user_md(weight_dims(sub), Dt::f32, user_weight_tag(sub));
        dnnl::stream stream(cpu_engine());
        auto pack = [&](float* values) {
            memory user(user_md, cpu_engine(), values);
            memory out(md, cpu_engine());
            dnnl::reorder(user, out).execute(stream, user, out);
            stream.wait();
            result->bytes += md.get_size();
            return out;
        };
        result->full = pack(slice.data());
        if (needs_hi_) {
            apply_mask(slice.data(), slice.data(), count, masks_.weight_hi, pool_);
            result->hi = pack(slice.data());
        }
        packed = result;
        weight_cache().insert(k, buffer, packed);
    }
    if (alias_ && alias_->num_shards() == 1 && alias_->shard(0) != buffer) {
        const std::string alias_key = key(sub, oc_begin, md, alias_->shard(0).get());
        if (!weight_cache().find(alias_key, alias_->shard(0))) weight_cache().insert(alias_key, alias_->shard(0), packed);
    }
    return packed;
}

std::pair<std::size_t, std::size_t> weight_cache_stats() { return weight_cache().stats(); }
void clear_weight_cache() { weight_cache().clear(); }

}  // namespace ttnn::ops::conv_detail

namespace ttnn::ops {

ConvBackendInfo conv_backend_info() {
    ConvBackendInfo info;
    const dnnl_version_t* v = dnnl_version();
    info.library = "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                   std::to_string(v->patch) + " (" + std::string(v->hash ? v->hash : "") + ")";
    switch (v->cpu_runtime) {
        case DNNL_RUNTIME_OMP: info.cpu_runtime = "OMP"; break;
        case DNNL_RUNTIME_TBB: info.cpu_runtime = "TBB"; break;
        case DNNL_RUNTIME_SEQ: info.cpu_runtime = "SEQ"; break;
        case DNNL_RUNTIME_THREADPOOL: info.cpu_runtime = "THREADPOOL"; break;
        default: info.cpu_runtime = std::to_string(v->cpu_runtime);
    }
    using I = dnnl::cpu_isa;
    switch (dnnl::get_effective_cpu_isa()) {
        case I::sse41: info.isa = "sse41"; break;
        case I::avx: info.isa = "avx"; break;
        case I::avx2: info.isa = "avx2"; break;
        case I::avx2_vnni: info.isa = "avx2_vnni"; break;
        case I::avx512_core: info.isa = "avx512_core"; break;
        case I::avx512_core_vnni: info.isa = "avx512_core_vnni"; break;
        case I::avx512_core_bf16: info.isa = "avx512_core_bf16"; break;
        case I::avx512_core_amx: info.isa = "avx512_core_amx"; break;
        default: info.isa = "other";
    }
    // Where the symbols this library calls were bound (libtorch's oneDNN and OpenMP live in the
    // same process): the dynamic linker's choice, as dladdr sees it.
    auto where = [](void* symbol) {
        Dl_info dl{};
        return dladdr(symbol, &dl) && dl.dli_fname ? std::string(dl.dli_fname) : std::string("?");
    };
    info.library_path = where(reinterpret_cast<void*>(&dnnl_primitive_execute));
    info.openmp_path = where(reinterpret_cast<void*>(&omp_set_num_threads));
    std::tie(info.cached_weight_bytes, info.cached_weight_entries) = conv_detail::weight_cache_stats();
    return info;
}

void clear_conv_weight_cache() { conv_detail::clear_weight_cache(); }

}  // namespace ttnn::ops
