#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/report.hpp"

struct sqlite3;

namespace impostor::store {

// How a result compares with the last scan of the same URL.
enum class Change { new_url, changed, same };
std::string_view to_string(Change c);

struct ScanInfo {
  int64_t id = 0;
  std::string started_at;   // ISO 8601 UTC
  std::string finished_at;  // empty while running (or killed)
  std::string input;
  std::string shard;  // "I/N" or empty
  int64_t results = 0;
  int64_t flagged = 0;
};

struct DiffRow {
  std::string url;
  std::string before;  // verdict in the older scan, empty when absent
  std::string after;   // verdict in the newer scan, empty when absent
  std::vector<std::string> findings_added;
  std::vector<std::string> findings_removed;
};

// Every crawl and every result, in one SQLite file (WAL). One result is committed per URL
// before it is written out, so a crawl killed at any moment (kill -9 included) resumes
// with exactly the URLs that have no committed result. Not thread-safe: one writer.
class ScanHistory {
 public:
  // Opens or creates the database. Throws std::runtime_error with SQLite's message for a
  // file that is not a database, read-only, or from a newer schema than this build knows.
  explicit ScanHistory(const std::string& path);
  ~ScanHistory();
  ScanHistory(const ScanHistory&) = delete;
  ScanHistory& operator=(const ScanHistory&) = delete;

  // A new scan, or with `resume` the latest unfinished scan of the same input (a new one
  // when there is none). Returns its id.
  int64_t begin_scan(const std::string& input, const std::string& shard, bool resume);
  // URLs that already have a committed result in `scan`: skipped on resume.
  std::unordered_set<std::string> done_urls(int64_t scan);
  // How `report` compares with the URL's result in the latest earlier scan: read before the
  // report is rendered, so the rendered report can say it.
  Change change_since_last(int64_t scan, const std::string& url, const core::Report& report);
  // Records one result with its change mark, and updates first/last seen of the URL, its
  // final host and every downloaded file hash. Commits before return. `report_json` is the
  // rendered report, kept whole for later reading.
  void record(int64_t scan, const std::string& url, const core::Report& report, Change change,
              const std::string& report_json, const std::string& final_host,
              const std::vector<std::string>& file_hashes);
  void finish_scan(int64_t scan);

  std::vector<ScanInfo> scans(size_t limit = 50);
  // What changed between two scans, URL by URL.
  std::vector<DiffRow> diff(int64_t older, int64_t newer);

  static constexpr int kSchemaVersion = 1;

 private:
  void exec(const char* sql);
  sqlite3* db_ = nullptr;
};

// The stable text a result is compared by: its verdict and sorted "id@location" findings.
std::vector<std::string> finding_keys(const core::Report& report);

}  // namespace impostor::store
