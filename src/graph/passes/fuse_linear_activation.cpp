// Placeholder until the fuse_linear_activation pass lands: returns the graph unchanged.
#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {

Graph fuse_linear_activation(const Graph& graph, const PassOptions& /*options*/) { return graph; }

}  // namespace ttnn::graph
