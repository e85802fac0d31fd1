// Device constants shared between Programs.
//
// Every compiled program owns its weights on the device (fold-constants converts and places them).
// Programs compiled from one model share most of them: dynamo compiles one program per sequence
// length while a transformer generates, and each would otherwise hold its own copy of every weight
// until the device's DRAM is full. intern_constant returns, for a device constant, a tensor
// already held by a live program when one has the same spec, placement and bytes, so the model's
// weights stay on the device once however many programs use them.
#pragma once

#include <cstddef>

#include "ttnn/core/tensor.hpp"

namespace ttnn::graph {

// `t` itself when it is a host tensor, too small to be worth comparing, or the first of its
// content; else the live tensor with identical spec, device, distribution and bytes.
Tensor intern_constant(const Tensor& t);

struct ConstantPoolStats {
    std::size_t entries = 0;        // live constants the pool can hand out
    std::size_t hits = 0;           // constants replaced by a shared one (since start)
    std::size_t bytes_saved = 0;    // device bytes those replacements did not keep
};
ConstantPoolStats constant_pool_stats();

}  // namespace ttnn::graph
