// Bindings of the compiler: the graph IR (built by torch_ttnn's FX importer), the rule table's
// support answers, the pass pipeline and the Program executor.
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "../bindings.hpp"
#include "../nb_casters.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/graph/constant_pool.hpp"
#include "ttnn/graph/ir.hpp"
#include "ttnn/graph/op_profile.hpp"
#include "ttnn/graph/passes.hpp"
#include "ttnn/graph/program.hpp"
#include "ttnn/graph/text.hpp"
#include "ttnn/lower/rule_table.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ttnn::python {
namespace {

using namespace ttnn::graph;

// A reference to a graph value inside an argument list (Python: ttnn._C.graph.Ref(id)).
struct PyRef {
    ValueId id;
};

ElemType elem_type(const std::string& name) {
    auto t = parse_elem_type(name);
    if (!t) throw InvalidArgument("graph: unknown element type '" + name + "'");
    return *t;
}

ValueType value_type(const std::vector<std::int64_t>& shape, const std::string& dtype) {
    ValueType t;
    t.shape = shape;
    t.dtype = elem_type(dtype);
    return t;
}

// Python argument -> Arg. Lists: all Ref/None -> ValueList; any float -> FloatList; else IntList.
Arg to_arg(nb::handle obj) {
    if (obj.is_none()) return std::monostate{};
    if (nb::isinstance<PyRef>(obj)) return ValueRef{nb::cast<PyRef>(obj).id};
    if (nb::isinstance<nb::bool_>(obj)) return nb::cast<bool>(obj);
    if (nb::isinstance<nb::int_>(obj)) return nb::cast<std::int64_t>(obj);
    if (nb::isinstance<nb::float_>(obj)) return nb::cast<double>(obj);
    if (nb::isinstance<nb::str>(obj)) return nb::cast<std::string>(obj);
    if (nb::isinstance<nb::list>(obj) || nb::isinstance<nb::tuple>(obj)) {
        bool any_ref = false, any_float = false, all_refs = true;
        std::size_t n = 0;
        for (nb::handle item : obj) {
            ++n;
            const bool ref = nb::isinstance<PyRef>(item);
            any_ref |= ref;
            all_refs &= ref || item.is_none();
            any_float |= nb::isinstance<nb::float_>(item);
        }
        if (n && any_ref && all_refs) {
            ValueList list;
            for (nb::handle item : obj) list.ids.push_back(item.is_none() ? kNoValue : nb::cast<PyRef>(item).id);
            return list;
        }
        if (any_ref) throw InvalidArgument("graph: a list mixes tensors and scalars");
        if (any_float) {
            FloatList list;
            for (nb::handle item : obj) list.push_back(nb::cast<double>(item));
            return list;
        }
        IntList list;
        for (nb::handle item : obj) {
            if (!nb::isinstance<nb::int_>(item))
                throw InvalidArgument("graph: unsupported list element " + std::string(nb::str(item).c_str()));
            list.push_back(nb::cast<std::int64_t>(item));
        }
        return list;
    }
    throw InvalidArgument("graph: unsupported argument " + std::string(nb::str(nb::type_name(obj.type())).c_str()));
}

}  // namespace

void bind_graph(nb::module_& m) {
    nb::class_<PyRef>(m, "Ref")
        .def(nb::init<ValueId>(), "id"_a)
        .def_ro("id", &PyRef::id)
        .def("__repr__", [](const PyRef& r) { return "%" + std::to_string(r.id); });

    nb::class_<Graph>(m, "Graph")
        .def(nb::init<>())
        .def("add_input", [](Graph& g, const std::vector<std::int64_t>& shape, const std::string& dtype,
                             const std::string& name) { return g.add_input(value_type(shape, dtype), name); },
             "shape"_a, "dtype"_a, "name"_a = "")
        .def("add_constant", [](Graph& g, const Tensor& data, const std::vector<std::int64_t>& shape,
                                const std::string& dtype, const std::string& name) {
                 return g.add_constant(data, value_type(shape, dtype), name);
             }, "data"_a, "shape"_a, "dtype"_a, "name"_a = "")
        .def("add_node", [](Graph& g, const std::string& op, nb::list args, nb::dict kwargs,
                            const std::vector<std::pair<std::vector<std::int64_t>, std::string>>& outputs,
                            const std::string& name) {
                 std::vector<Arg> a;
                 for (nb::handle h : args) a.push_back(to_arg(h));
                 std::map<std::string, Arg> k;
                 for (auto [key, value] : kwargs) k.emplace(nb::cast<std::string>(key), to_arg(value));
                 std::vector<ValueType> types;
                 for (const auto& [shape, dtype] : outputs) types.push_back(value_type(shape, dtype));
                 return g.add_node(op, std::move(a), std::move(k), std::move(types), name);
             }, "op"_a, "args"_a, "kwargs"_a, "outputs"_a, "name"_a = "")
        .def("set_outputs", &Graph::set_outputs, "outputs"_a)
        .def_prop_ro("num_nodes", [](const Graph& g) { return g.nodes().size(); })
        .def("node_ops", [](const Graph& g) {
            std::vector<std::string> ops;
            for (const auto& n : g.nodes()) ops.push_back(n.op);
            return ops;
        })
        .def("constant_tensors", [](const Graph& g) {
            std::map<ValueId, Tensor> out;
            for (ValueId id : g.constants()) out.emplace(id, g.constant_data(id));
            return out;
        })
        .def("to_text", &Graph::to_text)
        .def("to_dot", [](const Graph& g, const std::string& title) { return to_dot(g, title); }, "title"_a = "")
        .def("__str__", &Graph::to_text);
    m.def("parse_graph", [](const std::string& text) { return parse_graph(text); }, "text"_a);

    nb::class_<lower::LowerOptions>(m, "LowerOptions")
        .def("__init__", [](lower::LowerOptions* o, bool faithful, const std::string& activation_dtype,
                            const std::string& weight_dtype, MathFidelity fidelity, bool fp32_dest_acc_en) {
                 new (o) lower::LowerOptions{faithful, elem_type(activation_dtype), elem_type(weight_dtype), fidelity,
                                             fp32_dest_acc_en};
             },
             nb::kw_only(), "faithful"_a = true, "activation_dtype"_a = "bf16", "weight_dtype"_a = "bf16",
             "math_fidelity"_a = MathFidelity::HiFi4, "fp32_dest_acc_en"_a = true)
        .def_rw("faithful", &lower::LowerOptions::faithful)
        .def_rw("math_fidelity", &lower::LowerOptions::math_fidelity)
        .def_rw("fp32_dest_acc_en", &lower::LowerOptions::fp32_dest_acc_en);

    m.def("support_reasons", [](const Graph& g, const lower::LowerOptions& options) {
        std::vector<std::string> reasons;
        for (const auto& n : g.nodes()) reasons.push_back(lower::support_reason(g, n, options));
        return reasons;
    }, "graph"_a, "options"_a, "Per node: '' when C++ can lower it, else why not");
    m.def(
        "op_profile",
        [] {
            nb::list rows;
            for (const OpProfileEntry& e : op_profile()) rows.append(nb::make_tuple(e.op, e.shapes, e.calls, e.seconds));
            return rows;
        },
        "(op, operand shapes, calls, seconds) per bucket, largest first; recorded only under TTNN_PROFILE=1");
    m.def("reset_op_profile", &reset_op_profile);
    m.def(
        "constant_pool_stats",
        [] {
            const ConstantPoolStats s = constant_pool_stats();
            nb::dict d;
            d["entries"] = s.entries;
            d["hits"] = s.hits;
            d["bytes_saved"] = s.bytes_saved;
            return d;
        },
        "Device constants shared between programs: live entries, hits and bytes not duplicated");
    m.def("op_profile_enabled", &op_profile_enabled);
    m.def("rule_overloads", [] { return lower::RuleTable::instance().overloads(); });
    m.def("kernel_ops", [] { return KernelTable::instance().ops(); });
    m.def("pass_names", [] {
        std::vector<std::string> names;
        for (const auto& p : pipeline()) names.push_back(p.name);
        return names;
    });

    nb::class_<ProgramStats>(m, "ProgramStats")
        .def_ro("steps", &ProgramStats::steps)
        .def_ro("transfers_to_device", &ProgramStats::transfers_to_device)
        .def_ro("transfers_from_device", &ProgramStats::transfers_from_device)
        .def_ro("constant_bytes", &ProgramStats::constant_bytes)
        .def_ro("arena_bytes", &ProgramStats::arena_bytes)
        .def_ro("total_bytes", &ProgramStats::total_bytes);

    nb::class_<Program>(m, "Program")
        .def("run", [](const Program& p, const std::vector<Tensor>& inputs) {
                 nb::gil_scoped_release release;
                 return p.run(inputs);
             }, "inputs"_a, "Runs the whole program in C++ (the GIL is released; callable from many threads)")
        .def_prop_ro("graph", [](const Program& p) { return p.graph(); })
        .def("stats", &Program::stats)
        .def_prop_ro("runs", &Program::runs);

    m.def("compile", [](const Graph& aten, const lower::LowerOptions& options, nb::object device, int data_parallel,
                        bool keep_text, bool keep_dot, bool verify, bool fuse) {
             PassOptions po;
             po.lower = options;
             if (nb::isinstance<MeshDevice>(device)) {
                 po.target.mesh = nb::cast<std::shared_ptr<MeshDevice>>(device);
             } else {
                 po.target.device = nb::cast<std::shared_ptr<Device>>(device);
             }
             po.target.faithful = options.faithful;
             po.data_parallel = data_parallel;
             po.fuse = fuse;
             PipelineOptions pipe{verify, keep_text, keep_dot};
             PipelineTrace trace;
             ExecTarget target = po.target;
             std::unique_ptr<Program> program;
             {
                 nb::gil_scoped_release release;
                 Graph compiled = compile_graph(aten, po, pipe, &trace);
                 program = std::make_unique<Program>(std::move(compiled), target);
             }
             return std::make_pair(std::shared_ptr<Program>(std::move(program)), trace.text_after.empty() && trace.dot_after.empty()
                                                                                     ? nb::dict()
                                                                                     : [&] {
                                                                                           nb::dict d;
                                                                                           d["text"] = trace.text_after;
                                                                                           d["dot"] = trace.dot_after;
                                                                                           return d;
                                                                                       }());
         }, "aten"_a, "options"_a, "device"_a, "data_parallel"_a = 1, "keep_text"_a = false, "keep_dot"_a = false,
         "verify"_a = false, "fuse"_a = true,
         "ATen graph -> passes -> lowering -> passes -> Program. Returns (program, {'text': [...], 'dot': [...]})");
}

}  // namespace ttnn::python
