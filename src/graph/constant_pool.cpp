// The pool behind intern_constant: content hash -> weak references to the storages of live device
// constants. Weak, so a weight is freed with the last program that uses it; a hash hit is checked
// byte for byte before two constants are merged.
#include "ttnn/graph/constant_pool.hpp"

#include <cstdint>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "ttnn/core/buffer.hpp"

namespace ttnn::graph {
namespace {

// Below this a constant costs less to keep twice than to hash and compare (scalars, small biases).
constexpr std::size_t kMinBytes = 4096;

struct Entry {
    TensorSpec spec;
    std::weak_ptr<Storage> storage;
};

struct Pool {
    std::mutex mutex;
    std::unordered_multimap<std::uint64_t, Entry> entries;
    std::size_t hits = 0, bytes_saved = 0, inserts_since_sweep = 0;

    void sweep() {  // drop entries whose programs are all gone
        for (auto it = entries.begin(); it != entries.end();) it = it->second.storage.expired() ? entries.erase(it) : ++it;
        inserts_since_sweep = 0;
    }
};

Pool& pool() {
    static Pool p;
    return p;
}

// Four independent multiply-xorshift lanes over 8-byte words (so the multiplies overlap), folded at
// the end; a hit is always confirmed with memcmp, so this only has to spread, not resist attacks.
std::uint64_t hash_bytes(const std::byte* data, std::size_t n, std::uint64_t seed) {
    constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;
    std::uint64_t lane[4] = {seed ^ 0x243F6A8885A308D3ull, seed ^ 0x13198A2E03707344ull,
                             seed ^ 0xA4093822299F31D0ull, seed ^ 0x082EFA98EC4E6C89ull};
    auto mix = [](std::uint64_t h, std::uint64_t w) {
        h = (h ^ w) * kMul;
        return h ^ (h >> 29);
    };
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        std::uint64_t w[4];
        std::memcpy(w, data + i, 32);
        for (int k = 0; k < 4; ++k) lane[k] = mix(lane[k], w[k]);
    }
    std::uint64_t tail = 0;
    for (std::size_t k = 0; i < n; ++i, ++k) tail ^= static_cast<std::uint64_t>(data[i]) << (8 * (k % 8));
    std::uint64_t h = mix(lane[0], tail);
    for (int k = 1; k < 4; ++k) h = mix(h, lane[k]);
    return mix(h, n);
}

std::uint64_t hash_of(const Tensor& t) {
    std::uint64_t h = std::hash<std::string>{}(t.spec().to_string());
    for (const auto& buffer : t.storage().buffers) h = hash_bytes(buffer->data("intern_constant"), buffer->size(), h);
    return h;
}

bool same_placement(const Storage& a, const Storage& b) {
    return a.device == b.device && a.mesh == b.mesh && a.distribution.kind == b.distribution.kind &&
           a.distribution.dim == b.distribution.dim && a.buffers.size() == b.buffers.size();
}

bool same_bytes(const Storage& a, const Storage& b) {
    for (std::size_t i = 0; i < a.buffers.size(); ++i) {
        const Buffer& x = *a.buffers[i];
        const Buffer& y = *b.buffers[i];
        if (x.size() != y.size() || std::memcmp(x.data("intern_constant"), y.data("intern_constant"), x.size()) != 0)
            return false;
    }
    return true;
}

std::size_t bytes_of(const Storage& s) {
    std::size_t n = 0;
    for (const auto& b : s.buffers) n += b->size();
    return n;
}

bool internable(const Tensor& t) {
    const StorageType type = t.storage_type();
    if (type != StorageType::DEVICE && !t.mesh_device()) return false;
    return t.is_allocated() && bytes_of(t.storage()) >= kMinBytes;
}

}  // namespace

Tensor intern_constant(const Tensor& t) {
    if (!internable(t)) return t;
    const std::uint64_t h = hash_of(t);  // outside the lock: the bytes are only read
    Pool& p = pool();
    std::lock_guard<std::mutex> lock(p.mutex);
    auto [first, last] = p.entries.equal_range(h);
    for (auto it = first; it != last; ++it) {
        std::shared_ptr<Storage> live = it->second.storage.lock();
        if (!live || live == t.storage_ptr()) {
            if (live) return t;
            continue;
        }
        if (it->second.spec == t.spec() && same_placement(*live, t.storage()) && same_bytes(*live, t.storage())) {
            ++p.hits;
            p.bytes_saved += bytes_of(*live);
            return Tensor(it->second.spec, std::move(live));
        }
    }
    p.entries.emplace(h, Entry{t.spec(), t.storage_ptr()});
    if (++p.inserts_since_sweep >= 1024) p.sweep();
    return t;
}

ConstantPoolStats constant_pool_stats() {
    Pool& p = pool();
    std::lock_guard<std::mutex> lock(p.mutex);
    p.sweep();
    return {p.entries.size(), p.hits, p.bytes_saved};
}

}  // namespace ttnn::graph
