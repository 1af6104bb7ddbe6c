#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "analyze/download_memo.hpp"

using impostor::analyze::DownloadCandidate;
using impostor::analyze::DownloadMemo;
using impostor::analyze::DownloadOutcome;

namespace {

DownloadOutcome answer(const std::string& sha256, bool transient = false) {
  DownloadOutcome out;
  out.artifact = {{"sha256", sha256}};
  out.transient = transient;
  return out;
}

}  // namespace

TEST_CASE("a download memo's key: the URL, the linking page's origin, the agent, the probe") {
  const DownloadCandidate exe{"https://a.example/setup.exe", {}, true, "a"};
  const auto k = DownloadMemo::key(exe, "https://site.example/p?n=1", "UA");
  CHECK(k == DownloadMemo::key(exe, "https://site.example:443/other#x", "UA"));  // same origin
  CHECK(k != DownloadMemo::key(exe, "https://other.example/p?n=1", "UA"));
  CHECK(k != DownloadMemo::key(exe, "http://site.example/p?n=1", "UA"));
  CHECK(k != DownloadMemo::key(exe, "https://site.example:8443/p?n=1", "UA"));
  CHECK(k != DownloadMemo::key(exe, "https://site.example/p?n=1", "UA2"));
  DownloadCandidate probed = exe;
  probed.by_extension = false;
  CHECK(k != DownloadMemo::key(probed, "https://site.example/p?n=1", "UA"));
  // Parts are length-prefixed: moving a character from one part to the next changes the key.
  CHECK(DownloadMemo::key({"ab", {}, true, ""}, "c", "d") != DownloadMemo::key({"a", {}, true, ""}, "bc", "d"));
}

TEST_CASE("concurrent asks for one download share one fetch") {
  DownloadMemo memo;
  std::atomic<int> fetches{0};
  std::atomic<int> reused_count{0};
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      bool reused = false;
      const auto got = memo.get(
          "k", "page" + std::to_string(i),
          [&] {
            ++fetches;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));  // others arrive meanwhile
            return answer("aa");
          },
          reused);
      CHECK(got->outcome.artifact["sha256"] == "aa");
      if (reused) {
        ++reused_count;
        CHECK(got->first_page != "page" + std::to_string(i));
      }
    });
  for (auto& t : threads) t.join();
  CHECK(fetches == 1);
  CHECK(reused_count == 7);
}

TEST_CASE("transport failures and exceptions are not kept") {
  DownloadMemo memo;
  int fetches = 0;
  const auto counted = [&fetches](const std::string& sha256, bool transient = false) {
    return [&fetches, sha256, transient] {
      ++fetches;
      return answer(sha256, transient);
    };
  };
  bool reused = true;
  memo.get("k", "p1", counted("", true), reused);
  CHECK_FALSE(reused);
  memo.get("k", "p2", counted("bb"), reused);
  CHECK_FALSE(reused);
  CHECK(fetches == 2);
  const auto kept = memo.get("k", "p3", counted("cc"), reused);
  CHECK(reused);
  CHECK(fetches == 2);
  CHECK(kept->outcome.artifact["sha256"] == "bb");
  CHECK(kept->first_page == "p2");

  CHECK_THROWS_AS(memo.get(
                      "t", "p1", []() -> DownloadOutcome { throw std::runtime_error("boom"); }, reused),
                  std::runtime_error);
  memo.get("t", "p2", counted("dd"), reused);
  CHECK_FALSE(reused);
  CHECK(fetches == 3);
}

TEST_CASE("a download memo stays bounded") {
  DownloadMemo memo;
  bool reused = false;
  for (size_t i = 0; i <= DownloadMemo::kMaxEntries; ++i)
    memo.get(
        "k" + std::to_string(i), "p", [] { return answer("x"); }, reused);
  // The table started over when full: the first key is fetched again.
  int fetches = 0;
  memo.get(
      "k0", "p",
      [&fetches] {
        ++fetches;
        return answer("x");
      },
      reused);
  CHECK(fetches == 1);
  CHECK_FALSE(reused);
}
