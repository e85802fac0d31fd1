// The fork-join pool every conversion runs on: each index exactly once whatever the split, the first
// exception reaches the caller (and the pool survives it), nested calls run inline instead of
// deadlocking on the one-job-at-a-time pool.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "ttnn/core/thread_pool.hpp"

using namespace ttnn;

TEST(ThreadPool, CoversEveryIndexExactlyOnce) {
    for (std::size_t threads : {1u, 2u, 5u}) {
        ThreadPool pool(threads);
        EXPECT_EQ(pool.num_threads(), threads);
        for (std::size_t n : {0u, 1u, 7u, 64u, 1000u, 100003u}) {
            for (std::size_t grain : {0u, 1u, 3u, 64u, 200000u}) {
                std::vector<std::atomic<int>> hits(n);
                std::atomic<std::size_t> calls{0};
                pool.parallel_for(n, grain, [&](std::size_t begin, std::size_t end) {
                    ASSERT_LT(begin, end);
                    ASSERT_LE(end, n);
                    calls.fetch_add(1);
                    for (std::size_t i = begin; i < end; ++i) hits[i].fetch_add(1);
                });
                for (std::size_t i = 0; i < n; ++i) {
                    ASSERT_EQ(hits[i].load(), 1) << "index " << i << " n " << n << " grain " << grain;
                }
                if (n == 0) {
                    EXPECT_EQ(calls.load(), 0u);
                } else if (n <= std::max<std::size_t>(grain, 1)) {
                    EXPECT_EQ(calls.load(), 1u);  // too small to split
                }
            }
        }
    }
}

TEST(ThreadPool, UsesTheWorkersOnLargeRanges) {
    ThreadPool pool(4);
    std::mutex m;
    std::condition_variable cv;
    std::vector<std::thread::id> seen;
    // Each chunk records its thread and then waits (bounded) until a second thread has shown up:
    // while the caller is held in its chunk, only a worker can take the next one. A pool that never
    // hands work to its workers fails after the timeout instead of hanging.
    pool.parallel_for(16, 1, [&](std::size_t, std::size_t) {
        std::unique_lock lock(m);
        if (std::find(seen.begin(), seen.end(), std::this_thread::get_id()) == seen.end()) {
            seen.push_back(std::this_thread::get_id());
        }
        cv.notify_all();
        cv.wait_for(lock, std::chrono::seconds(10), [&] { return seen.size() >= 2; });
    });
    EXPECT_GE(seen.size(), 2u);
}

TEST(ThreadPool, ExceptionsPropagateAndThePoolSurvives) {
    ThreadPool pool(3);
    std::atomic<std::size_t> ran{0};
    EXPECT_THROW(pool.parallel_for(1000, 10,
                                   [&](std::size_t begin, std::size_t end) {
                                       ran.fetch_add(end - begin);
                                       if (begin <= 500 && 500 < end) throw std::runtime_error("chunk holding 500");
                                   }),
                 std::runtime_error);
    // The call returns only once every chunk is over (they capture the caller's stack).
    EXPECT_EQ(ran.load(), 1000u);
    // The pool is usable after.
    std::atomic<std::size_t> covered{0};
    pool.parallel_for(1000, 10, [&](std::size_t b, std::size_t e) { covered.fetch_add(e - b); });
    EXPECT_EQ(covered.load(), 1000u);
    // A single-thread pool throws straight through too.
    ThreadPool serial(1);
    EXPECT_THROW(serial.parallel_for(10, 1, [](std::size_t, std::size_t) { throw std::logic_error("x"); }),
                 std::logic_error);
}

TEST(ThreadPool, NestedParallelForRunsSeriallyInline) {
    ThreadPool pool(4);
    std::atomic<int> nested_calls{0};
    std::atomic<int> wrong{0};
    std::vector<std::atomic<int>> hits(64 * 50);
    pool.parallel_for(64, 1, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            const auto outer = std::this_thread::get_id();
            pool.parallel_for(50, 1, [&](std::size_t b, std::size_t e) {
                nested_calls.fetch_add(1);
                if (b != 0 || e != 50 || std::this_thread::get_id() != outer) wrong.fetch_add(1);
                for (std::size_t k = b; k < e; ++k) hits[i * 50 + k].fetch_add(1);
            });
        }
    });
    EXPECT_EQ(nested_calls.load(), 64);  // one call of the whole range per outer index
    EXPECT_EQ(wrong.load(), 0);
    for (auto& h : hits) ASSERT_EQ(h.load(), 1);
    // An exception thrown from a nested call reaches the outermost caller.
    EXPECT_THROW(pool.parallel_for(8, 1,
                                   [&](std::size_t, std::size_t) {
                                       pool.parallel_for(4, 1, [](std::size_t, std::size_t) {
                                           throw std::runtime_error("nested");
                                       });
                                   }),
                 std::runtime_error);
}

TEST(ThreadPool, HostPoolHasOneThreadPerCore) {
    EXPECT_EQ(host_thread_pool().num_threads(), std::max(1u, std::thread::hardware_concurrency()));
}
