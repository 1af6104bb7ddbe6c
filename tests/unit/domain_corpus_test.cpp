#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "test_context.hpp"

using impostor::core::Severity;
using impostor::core::Verdict;
using impostor::test::judge;

namespace {

std::vector<std::string> read_names(const std::filesystem::path& file, bool tsv) {
  std::ifstream in(file);
  REQUIRE_MESSAGE(in, file.string());
  std::vector<std::string> out;
  std::string line;
  bool header = tsv;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    out.push_back(tsv ? line.substr(0, line.find('\t')) : line);
  }
  return out;
}

}  // namespace

// ../shared/data/reported-lookalikes.tsv: real lookalikes from public threat reports. The
// figure is in the closing note of the foundation issue; this guards against regressions.
TEST_CASE("recall on reported lookalikes stays at or above 90%") {
  const auto path = std::filesystem::path(IMPOSTOR_SHARED_DIR) / "data/reported-lookalikes.tsv";
  if (!std::filesystem::exists(path)) {
    MESSAGE("skipped: " << path.string() << " not present");
    return;
  }
  const auto names = read_names(path, true);
  REQUIRE(names.size() > 600);
  size_t flagged = 0;
  for (const auto& n : names) {
    const auto r = judge(n);
    if (r.verdict == Verdict::suspicious || r.verdict == Verdict::malicious) ++flagged;
  }
  const double recall = static_cast<double>(flagged) / static_cast<double>(names.size());
  MESSAGE("recall " << flagged << "/" << names.size() << " = " << recall);
  CHECK(recall >= 0.90);
}

// tests/data/benign-domains.txt: 400+ real popular domains with brand letters in them and
// none in top-domains.list, judged with and without the established-domain list.
TEST_CASE("no false positive above low on the benign popular-domain list") {
  const auto names = read_names(impostor::test::source_dir() / "tests/data/benign-domains.txt", false);
  REQUIRE(names.size() >= 300);
  for (bool established : {true, false}) {
    for (const auto& n : names) {
      const auto r = judge(n, established);
      INFO(n, " established-list=", established);
      CHECK(r.verdict == Verdict::unknown);
      for (const auto& f : r.findings) CHECK_MESSAGE(f.severity <= Severity::low, f.id);
    }
  }
}

TEST_CASE("the established list itself is never flagged") {
  const auto names = read_names(impostor::test::source_dir() / "data/top-domains.list", false);
  REQUIRE(names.size() > 4000);
  size_t flagged = 0;
  for (const auto& n : names) {
    if (n.rfind("###", 0) == 0) continue;
    const auto r = judge(n);
    if (r.verdict == Verdict::suspicious || r.verdict == Verdict::malicious) {
      ++flagged;
      MESSAGE("flagged: " << n);
    }
  }
  CHECK(flagged == 0);
}
