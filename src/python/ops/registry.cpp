#include "registry.hpp"

#include <map>
#include <string>

namespace ttnn::python {

namespace {
std::map<std::string, BindFunction>& binders() {
    static std::map<std::string, BindFunction> registered;
    return registered;
}
}  // namespace

OpBinder::OpBinder(const char* family, BindFunction bind) { binders()[family] = bind; }

void bind_registered_ops(nanobind::module_& ops) {
    for (const auto& [family, bind] : binders()) bind(ops);
}

}  // namespace ttnn::python
