// Op families register their bindings here (one src/python/ops/bind_<family>.cpp each), so that a
// family can be added without touching the module file:
//     static const ttnn::python::OpBinder binder("unary", &bind_unary);
#pragma once

#include "../nb_casters.hpp"

namespace ttnn::python {

using BindFunction = void (*)(nanobind::module_& ops);

struct OpBinder {
    OpBinder(const char* family, BindFunction bind);
};

// Calls every registered bind function on `ops` (in family-name order, for stable docs).
void bind_registered_ops(nanobind::module_& ops);

}  // namespace ttnn::python
