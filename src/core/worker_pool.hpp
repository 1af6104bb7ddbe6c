#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace impostor::core {

// A fixed pool of worker threads for CPU work (decompression runs on the caller's thread,
// scanning here). Tasks receive their worker's index so each worker can own per-thread
// objects such as a YARA scanner. submit() blocks while `max_queued` tasks wait, which
// bounds the memory that queued work holds.
class WorkerPool {
 public:
  using Task = std::function<void(size_t worker)>;
  explicit WorkerPool(size_t threads, size_t max_queued = 64);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(Task task);
  void wait_idle();  // until every submitted task has finished
  size_t size() const { return threads_.size(); }

 private:
  void run(size_t worker);
  std::mutex mutex_;
  std::condition_variable work_ready_, space_ready_, idle_;
  std::deque<Task> queue_;
  size_t max_queued_;
  size_t busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace impostor::core
