#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "analyze/probe_memo.hpp"

using impostor::analyze::CloakingComparison;
using impostor::analyze::ProbeMemo;
using impostor::net::Hop;

namespace {

Hop hop(const std::string& url, long status, const std::string& body = {}) {
  Hop h;
  h.url = url;
  h.status = status;
  h.body = body;
  return h;
}

std::string key_of(const std::string& input, const std::vector<Hop>& hops, const std::string& agent = "UA") {
  return ProbeMemo::key(input, hops, agent);
}

}  // namespace

TEST_CASE("a probe memo's key: one page's browser view, whatever its query says") {
  const std::vector<Hop> a = {hop("https://site.example/p?gclid=1", 200, "<title>Fake</title>")};
  const std::string k = key_of("https://site.example/p?gclid=1", a);
  REQUIRE_FALSE(k.empty());
  // Another click id, the same bytes shown: the same key.
  CHECK(k ==
        key_of("https://site.example/p?gclid=2", {hop("https://site.example/p?gclid=2", 200, "<title>Fake</title>")}));
  CHECK(k == key_of("https://site.example/p#top", {hop("https://site.example/p#top", 200, "<title>Fake</title>")}));
  // A different page, status, path, host, port, scheme, agent or chain: another key.
  CHECK(k !=
        key_of("https://site.example/p?gclid=2", {hop("https://site.example/p?gclid=2", 200, "<title>Real</title>")}));
  CHECK(k !=
        key_of("https://site.example/p?gclid=1", {hop("https://site.example/p?gclid=1", 404, "<title>Fake</title>")}));
  CHECK(k !=
        key_of("https://site.example/q?gclid=1", {hop("https://site.example/q?gclid=1", 200, "<title>Fake</title>")}));
  CHECK(k != key_of("https://other.example/p?gclid=1",
                    {hop("https://other.example/p?gclid=1", 200, "<title>Fake</title>")}));
  CHECK(k != key_of("https://site.example:8443/p", {hop("https://site.example:8443/p", 200, "<title>Fake</title>")}));
  CHECK(k !=
        key_of("http://site.example/p?gclid=1", {hop("http://site.example/p?gclid=1", 200, "<title>Fake</title>")}));
  CHECK(k != key_of("https://site.example/p?gclid=1", a, "UA2"));
  CHECK(k !=
        key_of("https://site.example/p?gclid=1", {hop("https://site.example/p?gclid=1", 302),
                                                  hop("https://site.example/p?gclid=1", 200, "<title>Fake</title>")}));
  Hop cut = a[0];
  cut.body_truncated = true;
  CHECK(k != key_of("https://site.example/p?gclid=1", {cut}));
  // Nothing to share: no hop, or a URL that does not parse.
  CHECK(key_of("https://site.example/p", {}).empty());
  CHECK(key_of("not a url", a).empty());
}

TEST_CASE("concurrent URLs of one page share one probe; a probe that failed in transport is not kept") {
  ProbeMemo memo;
  std::atomic<int> probes{0};
  std::atomic<int> shared_count{0};
  std::vector<std::thread> threads;
  threads.reserve(6);
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      bool shared = false;
      const auto got = memo.get(
          "k",
          [&] {
            ++probes;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the others arrive meanwhile
            CloakingComparison c;
            c.differences = {"content"};
            c.probed_url = "https://site.example/p?gclid=1";
            return c;
          },
          shared);
      CHECK(got->differences == std::vector<std::string>{"content"});
      if (shared) ++shared_count;
    });
  for (auto& t : threads) t.join();
  CHECK(probes == 1);
  CHECK(shared_count == 5);

  int failed_probes = 0;
  for (int i = 0; i < 2; ++i) {
    bool shared = true;
    memo.get(
        "down",
        [&] {
          ++failed_probes;
          CloakingComparison c;
          c.transient = true;
          return c;
        },
        shared);
    CHECK_FALSE(shared);
  }
  CHECK(failed_probes == 2);  // each URL tried for itself
}
