// What the convolution engine needs from oneDNN (Debian's libdnnl 2.x): single-threaded
// primitives for (sub-)problems, cached; packed weights, cached per weight buffer; and the
// OpenMP team size of the calling thread (oneDNN's threading runtime is OpenMP).
#pragma once

#include <memory>
#include <oneapi/dnnl/dnnl.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "conv_engine.hpp"
#include "fidelity.hpp"

namespace ttnn::ops::conv_detail {

dnnl::engine& cpu_engine();

// This thread's OpenMP team size while alive (restored afterwards, so torch's setting on the same
// thread is untouched). The engine runs every primitive with a team of one, inside the device's
// ThreadPool chunks.
class OmpTeamSize {
public:
    explicit OmpTeamSize(int threads);
    ~OmpTeamSize();
    OmpTeamSize(const OmpTeamSize&) = delete;
    OmpTeamSize& operator=(const OmpTeamSize&) = delete;

private:
    int saved_;
};

// Memory from the warm host cache for one call's temporaries, freed on scope exit.
class Scratch {
public:
    explicit Scratch(std::size_t bytes);
    ~Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    void* data() const { return data_; }

private:
    std::size_t bytes_;
    void* data_;
};

struct ConvPrimitive {
    dnnl::primitive primitive;
    dnnl::memory::desc src_md, weights_md, dst_md, scratchpad_md;
};

// A single-threaded primitive for `p` with these post-ops: `accumulate` adds into dst (a fidelity
// term after the first), then the activation. Cached by problem and post-ops.
std::shared_ptr<const ConvPrimitive> get_primitive(const ConvProblem& p, Activation activation, bool accumulate,
                                                   bool with_bias);

// The NHWC layout of a problem's activations (what the ttnn tensors hold).
dnnl::memory::desc nhwc_src_md(const ConvProblem& p);
dnnl::memory::desc nhwc_dst_md(const ConvProblem& p);

struct PackedWeights {
    std::optional<dnnl::memory> full;
    std::optional<dnnl::memory> hi;  // fidelity's SrcA high part, if a term needs it
    std::size_t bytes = 0;
};

// The packed weights of the sub-problems of one call. A sub-problem may cover output channels
// [oc_begin, oc_begin + sub.oc) of the whole problem. On a cache miss the whole weight tensor is
// read and prepared once per call (flipped, rounded to weights_dtype, masked to what the engine
// holds) and the slice is reordered into the primitive's layout.
class WeightSource {
public:
    WeightSource(const ConvProblem& whole, const ConvNumerics& numerics, const OperandMasks& masks, bool needs_hi,
                 const Tensor& weight, const Tensor* alias, ThreadPool& pool, std::string_view op);
    std::shared_ptr<const PackedWeights> get(const ConvProblem& sub, std::int64_t oc_begin,
                                             const dnnl::memory::desc& md);

private:
    std::string key(const ConvProblem& sub, std::int64_t oc_begin, const dnnl::memory::desc& md,
                    const Buffer* buffer) const;
    const F32Array& prepared();

    const ConvProblem& whole_;
    const ConvNumerics& numerics_;
    OperandMasks masks_;
    bool needs_hi_;
    const Tensor& weight_;
    const Tensor* alias_;
    ThreadPool& pool_;
    std::string_view op_;
    std::optional<F32Array> prepared_;
};

std::pair<std::size_t, std::size_t> weight_cache_stats();  // bytes, entries
void clear_weight_cache();

}  // namespace ttnn::ops::conv_detail
