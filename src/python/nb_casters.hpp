// Every nanobind type caster the bindings use, included by every binding file (through
// bindings.hpp and ops/registry.hpp). A caster is a template: a file that calls
// nb::cast<std::string> without <nanobind/stl/string.h> instantiates a generic caster that always
// fails, and the linker may pick that instantiation for the whole module (one definition rule).
// Including them all everywhere makes every instantiation the same.
#pragma once

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/variant.h>
#include <nanobind/stl/vector.h>
