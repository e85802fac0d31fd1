// ttnn._C: the compiled core of the `ttnn` Python package. Logic lives in the C++ library; these
// files only translate arguments and errors.
#include "bindings.hpp"
#include "ops/registry.hpp"

NB_MODULE(_C, m) {
    m.doc() = "TT-NN on the host CPU: the C++ core";
    ttnn::python::bind_core(m);
    ttnn::python::bind_device(m);
    ttnn::python::bind_tensor(m);
    nanobind::module_ ops = m.def_submodule("ops", "TT-NN ops, registered per family");
    ttnn::python::bind_registered_ops(ops);
}
