// The areas of the nanobind module ttnn._C, one bind_<area>.cpp each.
#pragma once

#include "nb_casters.hpp"

namespace ttnn::python {

void bind_core(nanobind::module_& m);    // errors, dtypes, layouts, shapes, memory configs
void bind_device(nanobind::module_& m);  // devices and meshes
void bind_tensor(nanobind::module_& m);  // tensors and conversions
void bind_graph(nanobind::module_& m);   // the compiler: graph IR, lowering, passes, programs

}  // namespace ttnn::python
