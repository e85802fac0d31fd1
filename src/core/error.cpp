#include <algorithm>
#include "ttnn/core/error.hpp"

#include <cstdio>

namespace ttnn {

Error::Error(std::string_view op, std::string_view message)
    : std::runtime_error(std::string(op) + ": " + std::string(message)), op_(op) {}

Error::Error(std::string_view message)
    : std::runtime_error(std::string(message)), op_(message.substr(0, std::min(message.find(": "), message.size()))) {}

std::string format_bytes(std::size_t bytes) {
    static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024.0 && unit < 4) {
        value /= 1024.0;
        ++unit;
    }
    char text[64];
    if (unit == 0) {
        std::snprintf(text, sizeof(text), "%zu B", bytes);
    } else {
        std::snprintf(text, sizeof(text), "%.2f %s", value, kUnits[unit]);
    }
    return text;
}

}  // namespace ttnn
