#pragma once
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace impostor::analyze {

// Answers the URLs of one run share, worked out once per key: an ask for a key whose answer
// is on its way waits for it rather than asking the site again. An answer lasts `lifetime`,
// so a long crawl sees a site that changes; a transient one (a transport failure, the
// asker's own bad luck) is handed to those already waiting but not kept. Bounded: starts
// over when full. Thread-safe. The memos of downloads and of cloaking probes are this.
template <typename Answer>
class SharedAnswers {
 public:
  SharedAnswers(size_t max_entries, std::chrono::seconds lifetime, std::function<bool(const Answer&)> transient)
      : max_entries_(max_entries), lifetime_(lifetime), transient_(std::move(transient)) {}

  // The answer for `key`: known, on its way, or worked out now by `compute`. `reused` says
  // whether it came from another ask. What `compute` throws is thrown to every ask
  // waiting for it, and nothing is kept.
  std::shared_ptr<const Answer> get(const std::string& key, const std::function<Answer()>& compute, bool& reused) {
    std::promise<std::shared_ptr<const Answer>> promise;
    uint64_t id = 0;
    {
      std::unique_lock lock(mutex_);
      const auto now = std::chrono::steady_clock::now();
      if (const auto it = entries_.find(key); it != entries_.end() && now - it->second.at <= lifetime_) {
        auto pending = it->second.answer;
        lock.unlock();
        auto answer = pending.get();
        if (!transient_(*answer)) {
          reused = true;
          return answer;
        }
        lock.lock();  // the one who asked first had bad luck: this ask tries for itself
      }
      if (entries_.size() >= max_entries_) entries_.clear();
      id = ++next_id_;
      entries_.insert_or_assign(key, Entry{promise.get_future().share(), now, id});
    }
    reused = false;
    try {
      auto answer = std::make_shared<const Answer>(compute());
      promise.set_value(answer);
      if (transient_(*answer)) forget(key, id);
      return answer;
    } catch (...) {
      promise.set_exception(std::current_exception());
      forget(key, id);
      throw;
    }
  }

 private:
  struct Entry {
    std::shared_future<std::shared_ptr<const Answer>> answer;
    std::chrono::steady_clock::time_point at;
    uint64_t id = 0;
  };

  void forget(const std::string& key, uint64_t id) {
    const std::lock_guard lock(mutex_);
    if (const auto it = entries_.find(key); it != entries_.end() && it->second.id == id) entries_.erase(it);
  }

  size_t max_entries_;
  std::chrono::seconds lifetime_;
  std::function<bool(const Answer&)> transient_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  uint64_t next_id_ = 0;
};

}  // namespace impostor::analyze
