// Placeholder until the fuse_attention pass lands: returns the graph unchanged.
#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {

Graph fuse_attention(const Graph& graph, const PassOptions& /*options*/) { return graph; }

}  // namespace ttnn::graph
