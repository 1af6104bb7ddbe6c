#include "analyze/download_memo.hpp"

#include "net/fetcher.hpp"

namespace impostor::analyze {

std::string DownloadMemo::key(const DownloadCandidate& candidate, const std::string& referer,
                              const std::string& user_agent) {
  const auto page = net::check_fetchable(referer);
  const std::string origin = page.ok() ? page.scheme + "://" + page.host + ":" + std::to_string(page.port) : referer;
  // Length-prefixed parts: no two different triples give one key.
  std::string out;
  for (const std::string_view part :
       {std::string_view(candidate.url), std::string_view(origin), std::string_view(user_agent)})
    out.append(std::to_string(part.size())).append(":").append(part);
  out += candidate.by_extension ? "E" : "P";
  return out;
}

std::shared_ptr<const DownloadMemo::Answer> DownloadMemo::get(const std::string& key, const std::string& page,
                                                              const std::function<DownloadOutcome()>& fetch,
                                                              bool& reused) {
  std::promise<std::shared_ptr<const Answer>> promise;
  uint64_t id = 0;
  {
    std::unique_lock lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (const auto it = entries_.find(key); it != entries_.end() && now - it->second.at <= kLifetime) {
      auto pending = it->second.answer;
      lock.unlock();
      auto answer = pending.get();
      // A transport failure is the fetching page's own; this page asks for itself.
      if (!answer->outcome.transient) {
        reused = true;
        return answer;
      }
      lock.lock();
    }
    if (entries_.size() >= kMaxEntries) entries_.clear();
    id = ++next_id_;
    entries_.insert_or_assign(key, Entry{promise.get_future().share(), now, id});
  }
  reused = false;
  try {
    auto answer = std::make_shared<const Answer>(Answer{fetch(), page});
    promise.set_value(answer);
    if (answer->outcome.transient) forget(key, id);
    return answer;
  } catch (...) {
    promise.set_exception(std::current_exception());
    forget(key, id);
    throw;
  }
}

void DownloadMemo::forget(const std::string& key, uint64_t id) {
  const std::lock_guard lock(mutex_);
  if (const auto it = entries_.find(key); it != entries_.end() && it->second.id == id) entries_.erase(it);
}

}  // namespace impostor::analyze
