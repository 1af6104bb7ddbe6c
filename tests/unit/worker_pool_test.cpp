#include <doctest/doctest.h>

#include <atomic>
#include <set>

#include "core/worker_pool.hpp"

TEST_CASE("the worker pool runs every task, on its own workers, and waits for them") {
  impostor::core::WorkerPool pool(3, 2);
  std::atomic<int> done{0};
  std::mutex m;
  std::set<size_t> workers;
  for (int i = 0; i < 200; ++i)
    pool.submit([&](size_t w) {
      ++done;
      std::lock_guard lock(m);
      workers.insert(w);
    });
  pool.wait_idle();
  CHECK(done == 200);
  for (auto w : workers) CHECK(w < 3);
  pool.wait_idle();  // idle twice is fine
}
