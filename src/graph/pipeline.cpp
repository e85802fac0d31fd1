// The pass pipeline: the pass list (graph/pass_list.def) as a table, and compile_graph, which runs
// the ATen passes, lowers, runs the TT-NN passes, verifies after each step (debug builds, or when
// asked) and records the IR after each step for dumps.
//
// TTNN_DUMP_IR=all (or a comma-separated list of pass names, "lower" included) prints the text IR
// after those steps to stderr.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {
namespace {

#ifdef NDEBUG
constexpr bool kDebugBuild = false;
#else
constexpr bool kDebugBuild = true;
#endif

// Passes that options turn off. Each pass also receives the options; this keeps the switches in
// one place for the passes that are whole optimizations.
bool enabled(const Pass& pass, const PassOptions& options) {
    if (!options.fuse && pass.name.starts_with("fuse-")) return false;
    if (!options.constant_fold && pass.name == "fold-constants") return false;
    return true;
}

bool dump_requested(std::string_view step) {
    const char* env = std::getenv("TTNN_DUMP_IR");
    if (env == nullptr || *env == '\0') return false;
    std::string_view list(env);
    if (list == "all" || list == "1") return true;
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        if (list.substr(0, comma) == step) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

class Runner {
public:
    Runner(const PipelineOptions& options, PipelineTrace* trace)
        : verify_(options.verify || kDebugBuild),
          keep_text_(options.keep_text && trace != nullptr),
          keep_dot_(options.keep_dot && trace != nullptr),
          trace_(trace) {}

    void after(const std::string& step, const Graph& graph, bool ttnn_level) {
        if (verify_) verify(graph, step, ttnn_level);
        const bool dump = dump_requested(step);
        if (keep_text_ || dump) {
            std::string text = graph.to_text();
            if (dump) std::fprintf(stderr, "// ---- IR after %s ----\n%s", step.c_str(), text.c_str());
            if (keep_text_) trace_->text_after.emplace_back(step, std::move(text));
        }
        if (keep_dot_) trace_->dot_after.emplace_back(step, to_dot(graph, "after " + step));
    }

private:
    bool verify_;
    bool keep_text_;
    bool keep_dot_;
    PipelineTrace* trace_;
};

}  // namespace

const std::vector<Pass>& pipeline() {
    static const std::vector<Pass> passes = {
#define TTNN_PASS(level, name, dashed) Pass{#dashed, #level, &name},
#include "ttnn/graph/pass_list.def"
#undef TTNN_PASS
    };
    return passes;
}

Graph compile_graph(const Graph& aten, const PassOptions& options, const PipelineOptions& pipeline_options,
                    PipelineTrace* trace) {
    Runner runner(pipeline_options, trace);
    if (pipeline_options.verify || kDebugBuild) verify(aten, "(input)", false);
    Graph graph = aten;
    for (const Pass& pass : pipeline()) {
        if (pass.level != "aten" || !enabled(pass, options)) continue;
        graph = pass.fn(graph, options);
        runner.after(pass.name, graph, false);
    }
    graph = lower::lower_graph(graph, options.lower);
    runner.after("lower", graph, true);
    for (const Pass& pass : pipeline()) {
        if (pass.level != "ttnn" || !enabled(pass, options)) continue;
        graph = pass.fn(graph, options);
        runner.after(pass.name, graph, true);
    }
    return graph;
}

}  // namespace ttnn::graph
