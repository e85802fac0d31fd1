// Placeholder until the split_data_parallel pass lands: returns the graph unchanged.
#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {

Graph split_data_parallel(const Graph& graph, const PassOptions& /*options*/) { return graph; }

}  // namespace ttnn::graph
