// Per-op wall-time profile (include/ttnn/graph/op_profile.hpp).
#include "ttnn/graph/op_profile.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <utility>

namespace ttnn::graph {
namespace {

struct Profile {
    std::mutex mutex;
    std::map<std::pair<std::string, std::string>, OpProfileEntry> entries;

    std::vector<OpProfileEntry> sorted() {
        std::lock_guard lock(mutex);
        std::vector<OpProfileEntry> out;
        out.reserve(entries.size());
        for (const auto& [key, e] : entries) out.push_back(e);
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.seconds > b.seconds; });
        return out;
    }

    // Printed when the process exits, so `TTNN_PROFILE=1 python run.py` needs no code change.
    ~Profile() {
        if (!op_profile_enabled()) return;
        const std::vector<OpProfileEntry> rows = sorted();
        double total = 0.0;
        for (const auto& e : rows) total += e.seconds;
        const char* top_env = std::getenv("TTNN_PROFILE_TOP");
        const std::size_t top = top_env ? static_cast<std::size_t>(std::max(1, std::atoi(top_env))) : 40;
        std::fprintf(stderr, "\n# TTNN_PROFILE: %.3f s in %zu (op, shapes) buckets\n", total, rows.size());
        std::fprintf(stderr, "# %8s %6s %8s %9s  %-22s %s\n", "ms", "%", "calls", "us/call", "op", "operands");
        for (std::size_t i = 0; i < rows.size() && i < top; ++i) {
            const auto& e = rows[i];
            std::fprintf(stderr, "  %8.1f %6.2f %8lld %9.1f  %-22s %s\n", e.seconds * 1e3,
                         total > 0 ? 100.0 * e.seconds / total : 0.0, static_cast<long long>(e.calls),
                         e.calls ? e.seconds * 1e6 / static_cast<double>(e.calls) : 0.0, e.op.c_str(), e.shapes.c_str());
        }
    }
};

Profile& profile() {
    static Profile p;
    return p;
}

}  // namespace

bool op_profile_enabled() {
    static const bool on = [] {
        const char* v = std::getenv("TTNN_PROFILE");
        return v && *v && std::string(v) != "0";
    }();
    return on;
}

void op_profile_add(const std::string& op, const std::string& shapes, double seconds) {
    Profile& p = profile();
    std::lock_guard lock(p.mutex);
    OpProfileEntry& e = p.entries[{op, shapes}];
    if (e.calls == 0) {
        e.op = op;
        e.shapes = shapes;
    }
    ++e.calls;
    e.seconds += seconds;
}

std::vector<OpProfileEntry> op_profile() { return profile().sorted(); }

void reset_op_profile() {
    Profile& p = profile();
    std::lock_guard lock(p.mutex);
    p.entries.clear();
}

}  // namespace ttnn::graph
