// Placeholder until the legalize_layouts pass lands: returns the graph unchanged.
#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {

Graph legalize_layouts(const Graph& graph, const PassOptions& /*options*/) { return graph; }

}  // namespace ttnn::graph
