// Placeholder until the cancel_transfers pass lands: returns the graph unchanged.
#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {

Graph cancel_transfers(const Graph& graph, const PassOptions& /*options*/) { return graph; }

}  // namespace ttnn::graph
