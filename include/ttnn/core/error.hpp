// Exception types of the runtime. Every error names the call that failed and the value that made it
// fail, so the Python user can act on the message (the bindings map these to Python exceptions).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ttnn {

// Base error: "<op>: <message>". Bound to Python's RuntimeError subclass ttnn.TtnnError.
class Error : public std::runtime_error {
public:
    Error(std::string_view op, std::string_view message);
    // A message that already starts with "<op>: " (the compiler builds messages from IR names).
    explicit Error(std::string_view message);
    const std::string& op() const { return op_; }

private:
    std::string op_;
};

// A bad argument (wrong dtype, rank, shape, shard dim...). Bound to ValueError.
class InvalidArgument : public Error {
public:
    using Error::Error;
};

// An argument of the wrong kind (unknown dtype object, not a tensor...). Bound to TypeError.
class TypeMismatch : public Error {
public:
    using Error::Error;
};

// Use of a deallocated tensor or of a closed device. Bound to ttnn.TtnnError.
class InvalidState : public Error {
public:
    using Error::Error;
};

// A device allocation beyond its budget. Bound to MemoryError.
class OutOfMemory : public Error {
public:
    using Error::Error;
};

// "1.50 MiB" style sizes for messages.
std::string format_bytes(std::size_t bytes);

}  // namespace ttnn
