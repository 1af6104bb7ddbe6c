// The shortcuts bulk classification takes must answer exactly as the slow paths they stand
// in for: the ASCII skeleton table against ICU, a row-only classification against the
// full one, the flat established-domain table against plain look-ups.
#include <doctest/doctest.h>

#include <fstream>
#include <random>
#include <string>

#include "domain/confusable_skeleton.hpp"
#include "domain/established_domains.hpp"
#include "test_context.hpp"

using impostor::domain::ConfusableSkeleton;
using impostor::domain::LookalikeClassifier;

namespace {

// Every text up to `length` characters over `alphabet`, appended to `out`.
void all_texts(std::string_view alphabet, size_t length, const std::string& prefix, std::vector<std::string>& out) {
  out.push_back(prefix);
  if (prefix.size() == length) return;
  for (const char c : alphabet) all_texts(alphabet, length, prefix + c, out);
}

std::vector<std::string> lines_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  REQUIRE_MESSAGE(in, file.string());
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') out.push_back(line.substr(0, line.find('\t')));
  return out;
}

}  // namespace

// Host labels of every short shape, the characters the folds look at, long random
// texts over all of ASCII, and real names.
TEST_CASE("the ASCII skeleton table agrees with ICU on every ASCII text tried") {
  const ConfusableSkeleton sk;
  std::vector<std::string> texts;
  all_texts("abcdefghijklmnopqrstuvwxyz0123456789-_", 3, "", texts);
  all_texts("rnmvwiIl10o|%\"`", 4, "", texts);
  std::mt19937 rnd(20201);
  for (int i = 0; i < 20000; ++i) {
    std::string s(1 + rnd() % 63, ' ');
    for (char& c : s) c = static_cast<char>(rnd() % 128);
    texts.push_back(s);
  }
  for (const auto& l : lines_of(impostor::test::source_dir() / "data/top-domains.list")) texts.push_back(l);
  texts.push_back(std::string(300, 'm'));  // longer than the stack buffer
  size_t differ = 0;
  for (const auto& t : texts) {
    if (sk.of(t) == sk.of_with_icu(t)) continue;
    if (++differ <= 10) MESSAGE("differs: '" << t << "': " << sk.of(t) << " vs ICU " << sk.of_with_icu(t));
  }
  CHECK(texts.size() > 100000);
  CHECK(differ == 0);
}

TEST_CASE("skeletons fold the pairs left to right") {
  const ConfusableSkeleton sk;
  CHECK(sk.of("rnrn") == "mm");
  CHECK(sk.of("rrn") == "rm");
  CHECK(sk.of("vvv") == "wv");
  CHECK(sk.of("m") == "m");
  CHECK(sk.of("").empty());
  std::string buffer = "left over";
  sk.of("Z00M", buffer);
  CHECK(buffer == "zoom");
}

// The table rows of bulk runs come from Detail::ids: same findings (ids and severities,
// in order) and the same vendor as the full classification, only without evidence.
TEST_CASE("a row-only classification finds what the full one finds") {
  std::vector<std::string> names;
  const auto shared = std::filesystem::path(IMPOSTOR_SHARED_DIR) / "data/reported-lookalikes.tsv";
  if (std::filesystem::exists(shared))
    for (const auto& n : lines_of(shared)) names.push_back(n);
  for (const auto& n : lines_of(impostor::test::source_dir() / "tests/data/benign-domains.txt")) names.push_back(n);
  for (const char* n : {"zoom.us", "z\xD0\xBE\xD0\xBEm.us", "zoom.us.download-center.xyz", "sidezoom.us", "127.0.0.1",
                        "zoom-setup.web.app", "zoominfo.com", "teamviewer-qs.top", "co.uk", "zo-om.com"})
    names.emplace_back(n);
  const auto& classifier = impostor::test::classifier();
  size_t compared = 0;
  for (const auto& n : names) {
    const auto h = impostor::test::normalizer().normalize(n);
    if (!h.ok()) continue;
    const auto full = classifier.classify(h.host);
    const auto ids = classifier.classify(h.host, LookalikeClassifier::Detail::ids);
    INFO(n);
    CHECK(full.vendor == ids.vendor);
    REQUIRE(full.findings.size() == ids.findings.size());
    for (size_t i = 0; i < full.findings.size(); ++i) {
      CHECK(full.findings[i].id == ids.findings[i].id);
      CHECK(full.findings[i].severity == ids.findings[i].severity);
      CHECK(ids.findings[i].evidence.empty());
    }
    ++compared;
  }
  CHECK(compared > 400);
}

TEST_CASE("the established-domain table finds what was added and nothing else") {
  impostor::domain::EstablishedDomains list;
  std::vector<std::string> added;
  for (int i = 0; i < 3000; ++i) added.push_back("site" + std::to_string(i) + ".example");
  for (const auto& d : added) list.add(d);
  list.add(added.front());  // again: still one entry
  CHECK(list.size() == added.size());
  for (const auto& d : added) CHECK(list.contains(d));
  for (int i = 3000; i < 6000; ++i) CHECK(!list.contains("site" + std::to_string(i) + ".example"));
  CHECK(!list.contains(""));
  CHECK(!list.contains("site1.exampl"));
  CHECK(!impostor::domain::EstablishedDomains{}.contains("zoom.us"));
}
