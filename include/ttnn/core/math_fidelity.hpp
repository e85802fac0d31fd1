// The matrix engine's multiply fidelity (NUMERICS.md): how many passes over the operands' most- and
// least-significant mantissa parts a matmul or convolution makes. Values as tt-metal's MathFidelity.
#pragma once

#include <cstdint>
#include <string_view>

namespace ttnn {

enum class MathFidelity : std::uint8_t { LoFi = 0, HiFi2 = 2, HiFi3 = 3, HiFi4 = 4 };

constexpr std::string_view to_string(MathFidelity f) {
    switch (f) {
        case MathFidelity::LoFi: return "LoFi";
        case MathFidelity::HiFi2: return "HiFi2";
        case MathFidelity::HiFi3: return "HiFi3";
        case MathFidelity::HiFi4: return "HiFi4";
    }
    return "Invalid";
}

}  // namespace ttnn
