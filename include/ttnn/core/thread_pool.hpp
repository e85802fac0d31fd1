// A small fork-join pool: a device's "cores" mapped onto host threads. parallel_for splits a range
// into chunks that the pool's workers and the calling thread take from one atomic counter.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ttnn {

class ThreadPool {
public:
    // num_threads counts the caller: a pool of 2 runs one worker thread beside the caller.
    explicit ThreadPool(std::size_t num_threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    std::size_t num_threads() const { return workers_.size() + 1; }

    // Runs fn(begin, end) over [0, n) in chunks of at least `grain` items. Blocks until done and
    // rethrows the first exception a chunk threw. Called from inside a chunk it runs serially.
    void parallel_for(std::size_t n, std::size_t grain, const std::function<void(std::size_t, std::size_t)>& fn);

private:
    struct Job {
        const std::function<void(std::size_t, std::size_t)>* fn = nullptr;
        std::size_t n = 0;
        std::size_t chunk = 1;
        std::size_t num_chunks = 0;
        std::atomic<std::size_t> next{0};
        std::atomic<std::size_t> done{0};
        std::exception_ptr error;
        std::mutex error_mutex;
    };

    void worker_loop();
    void run_chunks(Job& job);

    std::vector<std::thread> workers_;
    std::mutex submit_mutex_;  // one job at a time
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable finished_;
    Job* job_ = nullptr;
    std::size_t generation_ = 0;
    std::size_t active_workers_ = 0;  // workers inside run_chunks of the current job
    bool stopping_ = false;
};

// The pool used for work not tied to a device (host tensors): one thread per host core.
ThreadPool& host_thread_pool();

}  // namespace ttnn
