// The host allocator behind every owned buffer: alignment, and the warm-block cache for large
// blocks (reused by size class, bounded, emptied by trim). The cache is process-wide, so the checks
// use differences, not absolute numbers.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "ttnn/core/buffer.hpp"
#include "ttnn/core/host_allocator.hpp"

using namespace ttnn;

namespace {
constexpr std::size_t kMiB = std::size_t{1} << 20;
bool aligned64(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 64 == 0; }
}  // namespace

TEST(HostAllocator, SmallBlocksAreAlignedAndWritable) {
    for (std::size_t bytes : {std::size_t{0}, std::size_t{1}, std::size_t{100}, kMiB - 1}) {
        void* p = host_memory::allocate(bytes);
        ASSERT_NE(p, nullptr) << bytes;
        EXPECT_TRUE(aligned64(p)) << bytes;
        std::memset(p, 0xAB, bytes);
        host_memory::release(p, bytes);
    }
    host_memory::release(nullptr, 5);  // a no-op, as for free()
}

TEST(HostAllocator, LargeBlocksAreCachedAndReusedBySizeClass) {
    if (host_memory::cache_limit() < 8 * kMiB) GTEST_SKIP() << "cache limit too small on this host";
    host_memory::trim();
    ASSERT_EQ(host_memory::cached_bytes(), 0u);
    const std::size_t bytes = 3 * kMiB + 5;
    auto* p = static_cast<unsigned char*>(host_memory::allocate(bytes));
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(aligned64(p));
    std::memset(p, 0x5A, bytes);  // all of it is usable
    host_memory::release(p, bytes);
    EXPECT_EQ(host_memory::cached_bytes(), 4 * kMiB);  // kept whole, in 2 MiB huge-page units
    // Another request of the same class gets the warm block back; the cache empties.
    void* q = host_memory::allocate(4 * kMiB - 1);
    EXPECT_EQ(q, p);
    EXPECT_EQ(host_memory::cached_bytes(), 0u);
    // A different class does not take it.
    host_memory::release(q, 4 * kMiB - 1);
    void* r = host_memory::allocate(6 * kMiB);
    EXPECT_NE(r, q);
    EXPECT_EQ(host_memory::cached_bytes(), 4 * kMiB);
    host_memory::release(r, 6 * kMiB);
    EXPECT_EQ(host_memory::cached_bytes(), 10 * kMiB);
    host_memory::trim();
    EXPECT_EQ(host_memory::cached_bytes(), 0u);
}

TEST(HostAllocator, BuffersReturnTheirBlocks) {
    if (host_memory::cache_limit() < 8 * kMiB) GTEST_SKIP() << "cache limit too small on this host";
    host_memory::trim();
    auto b = Buffer::allocate_host(2 * kMiB);
    EXPECT_TRUE(aligned64(b->data("test")));
    b->deallocate();
    EXPECT_EQ(host_memory::cached_bytes(), 2 * kMiB);
    b.reset();  // the destructor must not release a second time
    EXPECT_EQ(host_memory::cached_bytes(), 2 * kMiB);
    host_memory::trim();
}
