// ttnn._C: the compiled core of the `ttnn` Python package. Logic lives in the C++ library; these
// files only translate arguments and errors.
#include "bindings.hpp"
#include "ops/registry.hpp"

NB_MODULE(_C, m) {
    m.doc() = "TT-NN on the host CPU: the C++ core";
    // torch.compile caches (dynamo) keep devices alive until interpreter teardown, after the
    // module is gone; that is not a leak of ours, so nanobind's exit report would only mislead.
    nanobind::set_leak_warnings(false);
    ttnn::python::bind_core(m);
    ttnn::python::bind_device(m);
    ttnn::python::bind_tensor(m);
    nanobind::module_ ops = m.def_submodule("ops", "TT-NN ops, registered per family");
    ttnn::python::bind_registered_ops(ops);
    nanobind::module_ graph = m.def_submodule("graph", "The torch_ttnn compiler: graph IR, lowering, passes, programs");
    ttnn::python::bind_graph(graph);
}
