// Measures the domain pipeline stage by stage on one core: normalisation alone,
// normalisation + classification, and the full report with JSON serialisation.
// Used by tools/bench/domains; prints one "stage names/s" line per stage, by this
// thread's CPU time (what the stage costs, even on a busy machine) and by wall time.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "allowlist/allowlist_loader.hpp"
#include "analyze/domain_analysis.hpp"
#include "domain/host_name.hpp"
#include "domain/lookalike_classifier.hpp"
#include "domain/public_suffixes.hpp"
#include "report/json_report.hpp"

using namespace impostor;

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::cerr << "usage: domain_throughput ALLOWLIST_DIR TOP_DOMAINS NAMES_FILE [STAGE]\n";
    return 2;
  }
  const auto load = allowlist::load_allowlist_dir(argv[1]);
  if (!load.ok()) {
    std::cerr << load.problems.front().to_string() << "\n";
    return 2;
  }
  std::vector<std::string> names;
  {
    std::ifstream in(argv[3]);
    for (std::string line; std::getline(in, line);) names.push_back(line);
  }
  const domain::PublicSuffixes suffixes;
  const domain::HostNormalizer normalizer(suffixes);
  const domain::LookalikeClassifier classifier(load.allowlist, domain::EstablishedDomains::load(argv[2]));
  const analyze::DomainContext context{normalizer, classifier};

  const std::string only = argc == 5 ? argv[4] : "";
  const auto time = [&](const char* stage, auto&& fn) {
    if (!only.empty() && only != stage) return;
    size_t sink = 0;
    const double cpu_start = thread_cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    for (const auto& n : names) sink += fn(n);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = thread_cpu_seconds() - cpu_start;
    const auto count = static_cast<double>(names.size());
    std::printf("%-24s %10.0f names/s  (%.2f s cpu; wall %.2f s, %.0f names/s; checksum %zu)\n", stage, count / cpu,
                cpu, s, count / s, sink);
  };
  time("normalize", [&](const std::string& n) { return normalizer.normalize(n).host.ascii.size(); });
  time("normalize+classify", [&](const std::string& n) {
    const auto h = normalizer.normalize(n);
    return h.ok() ? classifier.classify(h.host).findings.size() : 0;
  });
  // What the text table's rows cost: findings without summaries or evidence.
  time("normalize+classify-ids", [&](const std::string& n) {
    const auto h = normalizer.normalize(n);
    return h.ok() ? classifier.classify(h.host, domain::LookalikeClassifier::Detail::ids).findings.size() : 0;
  });
  time("report", [&](const std::string& n) { return analyze::analyze_domain(context, n).findings.size(); });
  time("report+to_json",
       [&](const std::string& n) { return report::to_json(analyze::analyze_domain(context, n)).size(); });
  time("report+json", [&](const std::string& n) {
    return report::dump_json(report::to_json(analyze::analyze_domain(context, n)), -1).size();
  });
  // What --format jsonl does: the line written straight from the report.
  time("report+jsonl",
       [&](const std::string& n) { return report::compact_json(analyze::analyze_domain(context, n)).size(); });
  return 0;
}
