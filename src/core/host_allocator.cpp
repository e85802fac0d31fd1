#include "ttnn/core/host_allocator.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <vector>

#include "ttnn/core/error.hpp"
#include "ttnn/core/shape.hpp"

namespace ttnn::host_memory {

namespace {

constexpr std::size_t kAlignment = 64;
constexpr std::size_t kLargeBlock = std::size_t{1} << 20;  // below this, malloc serves well
constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::size_t block_size(std::size_t bytes) { return round_up(bytes, kHugePage); }

std::size_t default_limit() {
    if (const char* env = std::getenv("TTNN_HOST_CACHE_BYTES")) return std::strtoull(env, nullptr, 10);
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page = sysconf(_SC_PAGE_SIZE);
    const std::size_t ram = pages > 0 && page > 0 ? static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) : 0;
    return std::min(ram / 8, std::size_t{4} << 30);
}

struct Cache {
    std::mutex mutex;
    std::multimap<std::size_t, void*> free_blocks;  // block size -> block
    std::size_t bytes = 0;
    const std::size_t limit = default_limit();
};

Cache& cache() {
    static Cache* c = new Cache();  // never destroyed: buffers may be released during static destruction
    return *c;
}

void* map_block(std::size_t size) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    madvise(p, size, MADV_HUGEPAGE);  // fewer faults and TLB misses; a hint only
    return p;
}

}  // namespace

void* allocate(std::size_t bytes) {
    if (bytes < kLargeBlock) {
        void* p = std::aligned_alloc(kAlignment, round_up(std::max<std::size_t>(bytes, 1), kAlignment));
        if (p == nullptr) throw OutOfMemory("ttnn host memory", "could not allocate " + format_bytes(bytes));
        return p;
    }
    const std::size_t size = block_size(bytes);
    Cache& c = cache();
    {
        std::lock_guard lock(c.mutex);
        if (auto it = c.free_blocks.find(size); it != c.free_blocks.end()) {
            void* p = it->second;
            c.free_blocks.erase(it);
            c.bytes -= size;
            return p;
        }
    }
    void* p = map_block(size);
    if (p == nullptr) {
        trim();  // cached blocks of other sizes may be what stands in the way
        p = map_block(size);
    }
    if (p == nullptr) throw OutOfMemory("ttnn host memory", "could not map " + format_bytes(bytes));
    return p;
}

void release(void* data, std::size_t bytes) noexcept {
    if (data == nullptr) return;
    if (bytes < kLargeBlock) {
        std::free(data);
        return;
    }
    const std::size_t size = block_size(bytes);
    Cache& c = cache();
    {
        std::lock_guard lock(c.mutex);
        if (c.bytes + size <= c.limit) {
            c.free_blocks.emplace(size, data);
            c.bytes += size;
            return;
        }
    }
    munmap(data, size);
}

std::size_t cached_bytes() {
    std::lock_guard lock(cache().mutex);
    return cache().bytes;
}

std::size_t cache_limit() { return cache().limit; }

void trim() {
    std::vector<std::pair<std::size_t, void*>> blocks;
    {
        std::lock_guard lock(cache().mutex);
        blocks.assign(cache().free_blocks.begin(), cache().free_blocks.end());
        cache().free_blocks.clear();
        cache().bytes = 0;
    }
    for (auto [size, p] : blocks) munmap(p, size);
}

}  // namespace ttnn::host_memory
