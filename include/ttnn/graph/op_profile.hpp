// Per-op wall-time profile of Program execution, for finding where a compiled model's time goes.
//
// Off unless the environment sets TTNN_PROFILE=1 (read once). When on, every executed step adds
// its wall time to a bucket keyed by op and operand shapes; the table is printed to stderr at
// process exit, largest first (TTNN_PROFILE_TOP=N rows, default 40), and can be read or reset from
// Python (ttnn._C.graph.op_profile / reset_op_profile).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ttnn::graph {

struct OpProfileEntry {
    std::string op;        // TT-NN op name
    std::string shapes;    // operand signatures, e.g. "f32[1,128,768] f32[768,768]"
    std::int64_t calls = 0;
    double seconds = 0.0;
};

bool op_profile_enabled();
void op_profile_add(const std::string& op, const std::string& shapes, double seconds);
std::vector<OpProfileEntry> op_profile();  // largest total time first
void reset_op_profile();

}  // namespace ttnn::graph
