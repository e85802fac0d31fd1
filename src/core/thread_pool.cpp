#include "ttnn/core/thread_pool.hpp"

#include <algorithm>

namespace ttnn {

namespace {
thread_local bool t_inside_pool_chunk = false;
}

ThreadPool::ThreadPool(std::size_t num_threads) {
    const std::size_t workers = num_threads > 1 ? num_threads - 1 : 0;
    workers_.reserve(workers);
    for (std::size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
}

void ThreadPool::run_chunks(Job& job) {
    const bool was_inside = t_inside_pool_chunk;
    t_inside_pool_chunk = true;
    for (;;) {
        const std::size_t c = job.next.fetch_add(1, std::memory_order_relaxed);
        if (c >= job.num_chunks) break;
        const std::size_t begin = c * job.chunk;
        const std::size_t end = std::min(job.n, begin + job.chunk);
        try {
            (*job.fn)(begin, end);
        } catch (...) {
            std::lock_guard lock(job.error_mutex);
            if (!job.error) job.error = std::current_exception();
        }
        if (job.done.fetch_add(1, std::memory_order_acq_rel) + 1 == job.num_chunks) {
            std::lock_guard lock(mutex_);
            finished_.notify_all();
        }
    }
    t_inside_pool_chunk = was_inside;
}

void ThreadPool::worker_loop() {
    std::size_t seen = 0;
    for (;;) {
        Job* job = nullptr;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || (job_ != nullptr && generation_ != seen); });
            if (stopping_) return;
            seen = generation_;
            job = job_;
            ++active_workers_;
        }
        run_chunks(*job);
        {
            // The job lives on the submitter's stack: it may return only once no worker holds it.
            std::lock_guard lock(mutex_);
            --active_workers_;
        }
        finished_.notify_all();
    }
}

void ThreadPool::parallel_for(std::size_t n, std::size_t grain,
                              const std::function<void(std::size_t, std::size_t)>& fn) {
    if (n == 0) return;
    grain = std::max<std::size_t>(grain, 1);
    const std::size_t threads = num_threads();
    if (threads == 1 || n <= grain || t_inside_pool_chunk) {
        fn(0, n);
        return;
    }
    // A few chunks per thread balance uneven chunks without much counter traffic.
    const std::size_t wanted_chunks = std::min((n + grain - 1) / grain, threads * 4);
    Job job;
    job.fn = &fn;
    job.n = n;
    job.chunk = (n + wanted_chunks - 1) / wanted_chunks;
    job.num_chunks = (n + job.chunk - 1) / job.chunk;

    std::lock_guard submit(submit_mutex_);
    {
        std::lock_guard lock(mutex_);
        job_ = &job;
        ++generation_;
    }
    wake_.notify_all();
    run_chunks(job);
    {
        std::unique_lock lock(mutex_);
        finished_.wait(lock, [&] {
            return job.done.load(std::memory_order_acquire) == job.num_chunks && active_workers_ == 0;
        });
        job_ = nullptr;
    }
    if (job.error) std::rethrow_exception(job.error);
}

ThreadPool& host_thread_pool() {
    static ThreadPool pool(std::max(1u, std::thread::hardware_concurrency()));
    return pool;
}

}  // namespace ttnn
