// Host memory for tensor data. Large blocks come from mmap with transparent huge pages and are
// kept in a bounded cache when freed, so that a steady loop of same-shaped tensors (every
// inference step) reuses warm pages instead of paying the kernel's page faults and zeroing again.
#pragma once

#include <cstddef>

namespace ttnn::host_memory {

// 64-byte aligned, uninitialized. Throws OutOfMemory (naming `bytes`) if the host has none.
void* allocate(std::size_t bytes);
// `bytes` must be what was passed to allocate().
void release(void* data, std::size_t bytes) noexcept;

// Bytes held in the cache now, and its limit (TTNN_HOST_CACHE_BYTES, default 1/8 of RAM up to 4 GiB).
std::size_t cached_bytes();
std::size_t cache_limit();
// Returns every cached block to the operating system.
void trim();

}  // namespace ttnn::host_memory
