// split-data-parallel: runs a program traced at the per-device batch over the whole batch on a
// mesh (options.data_parallel > 1, options.target.mesh).
//
// The graph comes in at the per-device batch (torch_ttnn traces the model on batch / N samples).
// Batch-major graph inputs (dim 0 equal to the first graph input's dim 0, the per-device batch)
// become global: their type's dim 0 is multiplied by N and their ttnn.to_device gets
// mesh_mapper="shard", dim=0, so device i receives samples [i*b, (i+1)*b). Constants keep the
// default replication (fold-constants places them on every device once, at compile time). Graph
// outputs' ttnn.from_device get mesh_composer="concat", dim=0 and a global type. Every other node
// is unchanged: all shapes inside the graph are per device, and every op runs on each device of
// the mesh, concurrently, on that device's threads.
//
// An output that is not batch-major (a reduction over the batch, a constant) has no meaningful
// concatenation and raises InvalidArgument naming it, as does a batch-major input read on the host
// by anything other than ttnn.to_device.
#include <set>
#include <string>

#include "ttnn/core/error.hpp"
#include "ttnn/graph/passes.hpp"

namespace ttnn::graph {
namespace {

std::string describe_output(const Graph& graph, std::size_t index, ValueId id) {
    const Value& v = graph.value(id);
    std::string where = v.name;
    if (where.empty() && v.producer >= 0) where = graph.nodes()[v.producer].name;
    if (where.empty() && v.producer >= 0) where = graph.nodes()[v.producer].op;
    return "output " + std::to_string(index) + " (%" + std::to_string(id) + (where.empty() ? "" : " '" + where + "'") +
           ", " + graph.type(id).to_string() + ")";
}

}  // namespace

Graph split_data_parallel(const Graph& graph, const PassOptions& options) {
    const int n = options.data_parallel;
    if (n <= 1) return graph;
    const std::string pass = "split-data-parallel: ";
    if (!options.target.mesh)
        throw InvalidArgument(pass + "data_parallel=" + std::to_string(n) + " needs a MeshDevice target, got a single device");
    if (options.target.mesh->num_devices() != static_cast<std::size_t>(n))
        throw InvalidArgument(pass + "data_parallel=" + std::to_string(n) + " but the mesh " +
                              options.target.mesh->shape().to_string() + " has " +
                              std::to_string(options.target.mesh->num_devices()) + " devices");
    if (graph.inputs().empty() || graph.type(graph.inputs().front()).shape.empty())
        throw InvalidArgument(pass + "the first graph input must be a batched tensor (dim 0 = the per-device batch)");
    const std::int64_t batch = graph.type(graph.inputs().front()).shape.front();

    auto batch_major = [&](const ValueType& t) { return !t.shape.empty() && t.shape.front() == batch; };

    Graph out = graph;
    std::set<ValueId> split_inputs;
    for (ValueId id : graph.inputs())
        if (batch_major(graph.type(id))) split_inputs.insert(id);

    std::set<ValueId> outputs(graph.outputs().begin(), graph.outputs().end());
    auto& nodes = out.mutable_nodes();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        Node& node = nodes[i];
        for (ValueId id : node.operands()) {
            if (!split_inputs.count(id)) continue;
            if (node.op != "ttnn.to_device" || node.operands().size() != 1)
                throw InvalidArgument(pass + "batch-major input %" + std::to_string(id) + " '" + graph.value(id).name +
                                      "' is read on the host by " + node.op + "; only ttnn.to_device can shard it");
            node.kwargs["mesh_mapper"] = std::string("shard");
            node.kwargs["dim"] = std::int64_t{0};
        }
    }
    for (ValueId id : split_inputs) out.mutable_value(id).type.shape.front() *= n;

    std::set<int> composed;
    for (std::size_t k = 0; k < graph.outputs().size(); ++k) {
        const ValueId id = graph.outputs()[k];
        if (split_inputs.count(id)) continue;  // an input handed back as is: already global
        const Value& v = graph.value(id);
        if (v.kind != Value::Kind::node || graph.nodes()[v.producer].op != "ttnn.from_device")
            throw InvalidArgument(pass + describe_output(graph, k, id) +
                                  " is not computed per device (not a ttnn.from_device result); data parallelism "
                                  "cannot assemble it from the devices' batches");
        const Node& producer = graph.nodes()[v.producer];
        const ValueType& device_type = graph.type(producer.operands().front());
        if (!batch_major(device_type) || !batch_major(v.type))
            throw InvalidArgument(pass + describe_output(graph, k, id) + " is not batch-major (dim 0 is not the per-device batch " +
                                  std::to_string(batch) +
                                  "): data parallelism concatenates outputs along dim 0 and cannot assemble it; "
                                  "return per-sample results (reduce over the batch outside the compiled model)");
        if (!composed.insert(v.producer).second) continue;
        Node& node = nodes[v.producer];
        node.kwargs["mesh_composer"] = std::string("concat");
        node.kwargs["dim"] = std::int64_t{0};
        out.mutable_value(id).type.shape.front() *= n;
    }
    return out;
}

}  // namespace ttnn::graph
