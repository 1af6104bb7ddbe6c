#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "analyze/crawl_input.hpp"
#include "cli/commands.hpp"
#include "cli/report_writer.hpp"
#include "cli/site_options.hpp"
#include "core/text_safety.hpp"
#include "net/fetcher.hpp"
#include "report/json_report.hpp"
#include "store/scan_history.hpp"

namespace impostor::cli {

namespace {

struct CrawlOptions {
  std::string input;
  SiteOptions site;
  size_t concurrency = 32;
  size_t per_host = 4;
  long per_host_delay_ms = 0;
  std::string shard;
  std::string db;
  bool resume = false;
};

// Reads items one at a time for many worker threads; never holds the whole list.
class CrawlFeed {
 public:
  CrawlFeed(std::istream& in, std::optional<std::pair<size_t, size_t>> shard,
            std::unordered_set<std::string> already_done)
      : in_(in), shard_(shard), done_(std::move(already_done)) {}

  // The next item to scan, with its key (the URL as it will be fetched), or nullopt at the end.
  std::optional<std::pair<analyze::CrawlItem, std::string>> next() {
    std::lock_guard lock(mutex_);
    std::string line;
    while (std::getline(in_, line)) {
      ++line_number_;
      std::string error;
      auto item = analyze::parse_crawl_line(line, line_number_, error);
      if (!item) {
        if (!error.empty()) {
          ++junk_;
          if (junk_ <= 10) std::cerr << "impostor: crawl input line " << line_number_ << " skipped: " << error << '\n';
        }
        continue;
      }
      // Duplicates are scanned once: the key is the URL as it will be fetched.
      const auto fetchable = net::check_fetchable(item->url);
      std::string key = fetchable.ok() ? fetchable.url : item->url;
      if (shard_ && analyze::shard_of(key, shard_->second) != shard_->first) continue;
      if (!seen_.insert(std::hash<std::string>{}(key)).second) {
        ++duplicates_;
        continue;
      }
      if (done_.count(key) != 0) {
        ++resumed_;
        continue;
      }
      return std::make_pair(std::move(*item), std::move(key));
    }
    return std::nullopt;
  }

  size_t junk() const { return junk_; }
  size_t duplicates() const { return duplicates_; }
  size_t resumed() const { return resumed_; }

 private:
  std::istream& in_;
  std::optional<std::pair<size_t, size_t>> shard_;
  std::unordered_set<std::string> done_;
  std::unordered_set<size_t> seen_;  // hashes: 1M URLs cost ~40 MiB, not their text
  std::mutex mutex_;
  size_t line_number_ = 0;
  size_t junk_ = 0, duplicates_ = 0, resumed_ = 0;
};

// done/total, rate, flagged and ETA on one redrawn stderr line, only on a terminal.
class Progress {
 public:
  explicit Progress(size_t total) : total_(total), on_(isatty(STDERR_FILENO) == 1), started_(clock::now()) {}
  void tick(bool flagged) {
    ++done_;
    if (flagged) ++flagged_;
    if (!on_) return;
    const double secs = std::chrono::duration<double>(clock::now() - started_).count();
    const double rate = secs > 0 ? static_cast<double>(done_) / secs : 0;
    std::cerr << "\r" << done_;
    if (total_ > 0) std::cerr << "/" << total_;
    std::cerr << "  " << static_cast<int>(rate) << " URL/s  flagged " << flagged_;
    if (total_ > done_ && rate > 0)
      std::cerr << "  ETA " << static_cast<int>(static_cast<double>(total_ - done_) / rate) << " s";
    std::cerr << "   " << std::flush;
  }
  void finish() {
    if (on_) std::cerr << '\n';
  }

 private:
  using clock = std::chrono::steady_clock;
  size_t total_;
  bool on_;
  clock::time_point started_;
  size_t done_ = 0, flagged_ = 0;
};

size_t count_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  size_t n = 0;
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos && line[first] != '#') ++n;
  }
  return n;
}

int run_crawl(const CommonOptions& given, CrawlOptions& options) {
  CommonOptions common = given;
  if (!common.format_given) common.format = OutputFormat::jsonl;
  std::optional<std::pair<size_t, size_t>> shard;
  if (!options.shard.empty()) {
    shard = analyze::parse_shard(options.shard);
    if (!shard) throw std::runtime_error("--shard wants I/N with 0 <= I < N, got '" + options.shard + "'");
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  if (options.input != "-") {
    file.open(options.input, std::ios::binary);
    if (!file) throw std::runtime_error("cannot read " + options.input);
    in = &file;
  }
  std::unique_ptr<store::ScanHistory> history;
  int64_t scan = 0;
  std::unordered_set<std::string> done;
  if (!options.db.empty()) {
    history = std::make_unique<store::ScanHistory>(options.db);
    scan = history->begin_scan(options.input, options.shard, options.resume);
    if (options.resume) done = history->done_urls(scan);
  } else if (options.resume) {
    throw std::runtime_error("--resume needs --db");
  }

  options.site.fetch.per_host_limit = options.per_host;
  options.site.fetch.per_host_delay_ms = options.per_host_delay_ms;
  // TLS handshakes (~1.8 ms of CPU each here) and libcurl's work per request are the fetch
  // side's cost: across distinct hosts one network thread tops out at a few hundred a second.
  options.site.fetch.network_threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
  SiteScanSetup setup(common, options.site);
  const auto& context = setup.context();

  CrawlFeed feed(*in, shard, std::move(done));
  Progress progress(options.input != "-" && isatty(STDERR_FILENO) == 1 ? count_lines(options.input) : 0);
  ReportWriter writer(common, /*flush_each=*/true);
  std::mutex out_mutex;
  std::atomic<bool> failed{false};
  std::string failure;

  auto worker = [&] {
    while (!failed) {
      auto next = feed.next();
      if (!next) return;
      auto& [item, key] = *next;
      auto report = analyze::analyze_url(context, item.url);
      auto& details = report.target.details;
      if (!item.query.empty()) details["query"] = item.query;
      if (item.rank) details["rank"] = *item.rank;
      if (!item.source.empty()) details["source"] = item.source;
      if (shard) details["shard"] = options.shard;
      store::Change change = store::Change::new_url;
      if (history) {
        try {
          std::lock_guard lock(out_mutex);
          change = history->change_since_last(scan, key, report);
        } catch (const std::exception& e) {
          std::lock_guard lock(out_mutex);
          failed = true;
          failure = e.what();
          return;
        }
        details["change"] = std::string(store::to_string(change));
        details["scan"] = scan;
      }
      // What the history indexes besides the URL; nothing to work out without one.
      std::string final_host;
      std::vector<std::string> hashes;
      if (history) {
        if (const auto final_url = details.find("final_url"); final_url != details.end() && final_url->is_string())
          final_host = net::check_fetchable(final_url->get_ref<const std::string&>()).host;
        for (const auto& a : report.artifacts)
          if (a.contains("sha256") && a["sha256"].is_string()) hashes.push_back(a["sha256"].get<std::string>());
      }
      // Rendered once, here on this worker, so the lock below only covers the commit and the write.
      const std::string line = report::compact_json(report);
      std::lock_guard lock(out_mutex);
      try {
        // Committed before it is written out: a kill between the two loses no result
        // from the history, and --resume never scans it again.
        if (history) history->record(scan, key, report, change, line, final_host, hashes);
        const bool flagged = report.verdict == core::Verdict::suspicious || report.verdict == core::Verdict::malicious;
        writer.add(std::move(report), line);
        progress.tick(flagged);
      } catch (const std::exception& e) {
        failed = true;
        failure = e.what();
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t i = 0; i < std::max<size_t>(1, options.concurrency); ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  progress.finish();
  if (failed) {
    std::cerr << "impostor: crawl stopped: " << core::for_terminal(failure) << '\n';
    writer.finish();
    return kExitError;
  }
  if (history) history->finish_scan(scan);
  writer.finish();
  if (feed.junk() > 0) std::cerr << "impostor: " << feed.junk() << " junk input line(s) skipped\n";
  if (feed.resumed() > 0)
    std::cerr << "impostor: " << feed.resumed() << " URL(s) already done in scan " << scan << '\n';
  return writer.exit_code();
}

}  // namespace

void add_crawl_command(CLI::App& app, const CommonOptions& common, Action& action) {
  auto options = std::make_shared<CrawlOptions>();
  auto* sub = app.add_subcommand("crawl", "Scan a list of links (search results, ads) with history and reports");
  sub->fallthrough();
  sub->add_option("--input", options->input, "One URL a line, or JSON Lines with url/query/rank/source; '-' is stdin")
      ->required();
  add_site_options(*sub, options->site);
  sub->add_option("--concurrency", options->concurrency, "URLs analysed at once (default 32)")
      ->check(CLI::Range(1, 1024));
  sub->add_option("--per-host", options->per_host, "Requests in flight per host (default 4; 0: no limit)");
  sub->add_option("--per-host-delay", options->per_host_delay_ms, "Milliseconds between requests to one host");
  sub->add_option("--shard", options->shard, "I/N: scan only the URLs whose stable hash falls in shard I of N");
  sub->add_option("--db", options->db, "SQLite history: every scan and result, new/changed/same marks");
  sub->add_flag("--resume", options->resume, "Finish the last unfinished scan of this input in --db");
  sub->callback([&common, &action, options] { action = [&common, options] { return run_crawl(common, *options); }; });
}

}  // namespace impostor::cli
