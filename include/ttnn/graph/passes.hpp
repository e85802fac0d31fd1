// Compiler passes: each a named pure function Graph -> Graph, one file each in
// src/graph/passes/<name>.cpp, listed in pipeline order in graph/pass_list.def. `run_pipeline`
// runs them, verifies the graph after each pass (always in debug builds, or when asked), and can
// dump the text IR / Graphviz after each pass.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ttnn/graph/ir.hpp"
#include "ttnn/graph/kernel_table.hpp"
#include "ttnn/lower/rule_table.hpp"

namespace ttnn::graph {

// What passes may depend on.
struct PassOptions {
    lower::LowerOptions lower;
    ExecTarget target;
    int data_parallel = 1;     // >1: split the batch over the mesh's devices
    bool fuse = true;
    bool constant_fold = true;
};

using PassFn = std::function<Graph(const Graph&, const PassOptions&)>;
struct Pass {
    std::string name;   // "fuse-conv-bn" (file fuse_conv_bn.cpp, function fuse_conv_bn)
    std::string level;  // "aten" (before lowering) or "ttnn" (after)
    PassFn fn;
};

// Declarations of every pass (defined in src/graph/passes/<name>.cpp).
#define TTNN_PASS(level, name, dashed) Graph name(const Graph& graph, const PassOptions& options);
#include "ttnn/graph/pass_list.def"
#undef TTNN_PASS

const std::vector<Pass>& pipeline();

// Checks SSA (each value defined once, before use), operand ids, output types and, for TT-NN-level
// graphs, that every op has a kernel. Throws InvalidState naming the pass that broke it.
void verify(const Graph& graph, const std::string& after_pass, bool ttnn_level);

struct PipelineTrace {
    std::vector<std::pair<std::string, std::string>> text_after;  // pass name -> IR text (if asked)
    std::vector<std::pair<std::string, std::string>> dot_after;   // pass name -> Graphviz (if asked)
};
struct PipelineOptions {
    bool verify = false;       // forced on in debug builds
    bool keep_text = false;    // fill trace.text_after
    bool keep_dot = false;     // fill trace.dot_after
};
// ATen graph -> (aten passes) -> lower -> (ttnn passes) -> TT-NN graph ready for Program.
Graph compile_graph(const Graph& aten, const PassOptions& options, const PipelineOptions& pipeline_options,
                    PipelineTrace* trace = nullptr);

std::string to_dot(const Graph& graph, const std::string& title = {});

}  // namespace ttnn::graph
