#include "store/scan_history.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>
#include <stdexcept>

namespace impostor::store {
namespace {

struct StmtFree {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFree>;

std::string now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string column_text(sqlite3_stmt* s, int i) {
  const auto* text = sqlite3_column_text(s, i);
  return text == nullptr
             ? std::string()
             : std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(s, i)));
}

std::string joined(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) {
    out += k;
    out += '\n';
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string_view to_string(Change c) {
  switch (c) {
    case Change::new_url: return "new";
    case Change::changed: return "changed";
    case Change::same: return "same";
  }
  return "new";
}

std::vector<std::string> finding_keys(const core::Report& report) {
  std::set<std::string> keys;
  for (const auto& f : report.findings) keys.insert(f.id + "@" + f.location);
  return {keys.begin(), keys.end()};
}

ScanHistory::ScanHistory(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open history database " + path + ": " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
  try {
    // A file that is not a database fails here, on the first read.
    Stmt s;
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &raw, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(db_));
    s.reset(raw);
    if (sqlite3_step(s.get()) != SQLITE_ROW) throw std::runtime_error(sqlite3_errmsg(db_));
    const int version = sqlite3_column_int(s.get(), 0);
    s.reset();
    if (version > kSchemaVersion)
      throw std::runtime_error("schema version " + std::to_string(version) + " is newer than this build's (" +
                               std::to_string(kSchemaVersion) + "); use a newer impostor");
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec("PRAGMA foreign_keys=ON");
    if (version == 0) {
      exec("BEGIN IMMEDIATE");
      exec(R"(CREATE TABLE IF NOT EXISTS scans(
               id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT,
               input TEXT NOT NULL, shard TEXT NOT NULL DEFAULT ''))");
      exec(R"(CREATE TABLE IF NOT EXISTS results(
               scan_id INTEGER NOT NULL REFERENCES scans(id), url TEXT NOT NULL,
               verdict TEXT NOT NULL, score INTEGER NOT NULL, findings TEXT NOT NULL,
               change TEXT NOT NULL, final_host TEXT NOT NULL, recorded_at TEXT NOT NULL,
               report TEXT NOT NULL, PRIMARY KEY(scan_id, url)))");
      exec("CREATE INDEX IF NOT EXISTS results_by_url ON results(url, scan_id)");
      exec(R"(CREATE TABLE IF NOT EXISTS seen(
               kind TEXT NOT NULL, value TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
               first_scan INTEGER NOT NULL, last_scan INTEGER NOT NULL, PRIMARY KEY(kind, value)))");
      exec("PRAGMA user_version=1");
      exec("COMMIT");
    }
  } catch (const std::exception& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("history database " + path + ": " + e.what());
  }
}

ScanHistory::~ScanHistory() { sqlite3_close(db_); }

void ScanHistory::exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string why = error != nullptr ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw std::runtime_error(why);
  }
}

namespace {

Stmt prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db));
  return Stmt(raw);
}

void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

void step_done(sqlite3* db, sqlite3_stmt* s) {
  if (sqlite3_step(s) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
}

}  // namespace

int64_t ScanHistory::begin_scan(const std::string& input, const std::string& shard, bool resume) {
  if (resume) {
    auto s = prepare(db_,
                     "SELECT id FROM scans WHERE finished_at IS NULL AND input=?1 AND shard=?2 "
                     "ORDER BY id DESC LIMIT 1");
    bind_text(s.get(), 1, input);
    bind_text(s.get(), 2, shard);
    if (sqlite3_step(s.get()) == SQLITE_ROW) return sqlite3_column_int64(s.get(), 0);
  }
  auto s = prepare(db_, "INSERT INTO scans(started_at, input, shard) VALUES(?1, ?2, ?3)");
  bind_text(s.get(), 1, now_iso());
  bind_text(s.get(), 2, input);
  bind_text(s.get(), 3, shard);
  step_done(db_, s.get());
  return sqlite3_last_insert_rowid(db_);
}

std::unordered_set<std::string> ScanHistory::done_urls(int64_t scan) {
  std::unordered_set<std::string> out;
  auto s = prepare(db_, "SELECT url FROM results WHERE scan_id=?1");
  sqlite3_bind_int64(s.get(), 1, scan);
  while (sqlite3_step(s.get()) == SQLITE_ROW) out.insert(column_text(s.get(), 0));
  return out;
}

Change ScanHistory::change_since_last(int64_t scan, const std::string& url, const core::Report& report) {
  auto s = prepare(db_,
                   "SELECT verdict, findings FROM results WHERE url=?1 AND scan_id<?2 "
                   "ORDER BY scan_id DESC LIMIT 1");
  bind_text(s.get(), 1, url);
  sqlite3_bind_int64(s.get(), 2, scan);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return Change::new_url;
  const bool same = column_text(s.get(), 0) == core::to_string(report.verdict) &&
                    column_text(s.get(), 1) == joined(finding_keys(report));
  return same ? Change::same : Change::changed;
}

void ScanHistory::record(int64_t scan, const std::string& url, const core::Report& report, Change change,
                         const std::string& report_json, const std::string& final_host,
                         const std::vector<std::string>& file_hashes) {
  const std::string verdict(core::to_string(report.verdict));
  const std::string findings = joined(finding_keys(report));
  const std::string now = now_iso();
  exec("BEGIN IMMEDIATE");
  try {
    auto s = prepare(db_,
                     "INSERT OR REPLACE INTO results(scan_id, url, verdict, score, findings, change, "
                     "final_host, recorded_at, report) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
    sqlite3_bind_int64(s.get(), 1, scan);
    bind_text(s.get(), 2, url);
    bind_text(s.get(), 3, verdict);
    sqlite3_bind_int(s.get(), 4, report.score);
    bind_text(s.get(), 5, findings);
    bind_text(s.get(), 6, std::string(to_string(change)));
    bind_text(s.get(), 7, final_host);
    bind_text(s.get(), 8, now);
    bind_text(s.get(), 9, report_json);
    step_done(db_, s.get());
    auto seen = prepare(db_,
                        "INSERT INTO seen(kind, value, first_seen, last_seen, first_scan, last_scan) "
                        "VALUES(?1, ?2, ?3, ?3, ?4, ?4) ON CONFLICT(kind, value) DO UPDATE SET "
                        "last_seen=excluded.last_seen, last_scan=excluded.last_scan");
    auto mark = [&](const char* kind, const std::string& value) {
      if (value.empty()) return;
      sqlite3_reset(seen.get());
      bind_text(seen.get(), 1, kind);
      bind_text(seen.get(), 2, value);
      bind_text(seen.get(), 3, now);
      sqlite3_bind_int64(seen.get(), 4, scan);
      step_done(db_, seen.get());
    };
    mark("url", url);
    mark("host", final_host);
    for (const auto& h : file_hashes) mark("file", h);
    exec("COMMIT");
  } catch (...) {
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void ScanHistory::finish_scan(int64_t scan) {
  auto s = prepare(db_, "UPDATE scans SET finished_at=?1 WHERE id=?2");
  bind_text(s.get(), 1, now_iso());
  sqlite3_bind_int64(s.get(), 2, scan);
  step_done(db_, s.get());
}

std::vector<ScanInfo> ScanHistory::scans(size_t limit) {
  std::vector<ScanInfo> out;
  auto s = prepare(db_, R"(SELECT s.id, s.started_at, COALESCE(s.finished_at, ''), s.input, s.shard,
                                  COUNT(r.url), COALESCE(SUM(r.verdict IN ('suspicious', 'malicious')), 0)
                           FROM scans s LEFT JOIN results r ON r.scan_id = s.id
                           GROUP BY s.id ORDER BY s.id DESC LIMIT ?1)");
  sqlite3_bind_int64(s.get(), 1, static_cast<sqlite3_int64>(limit));
  while (sqlite3_step(s.get()) == SQLITE_ROW)
    out.push_back({sqlite3_column_int64(s.get(), 0), column_text(s.get(), 1), column_text(s.get(), 2),
                   column_text(s.get(), 3), column_text(s.get(), 4), sqlite3_column_int64(s.get(), 5),
                   sqlite3_column_int64(s.get(), 6)});
  return out;
}

std::vector<DiffRow> ScanHistory::diff(int64_t older, int64_t newer) {
  std::vector<DiffRow> out;
  // Both sides of a full outer join (SQLite 3.39+ has it; Debian 12 ships 3.40).
  auto s = prepare(db_, R"(SELECT COALESCE(a.url, b.url), COALESCE(a.verdict, ''), COALESCE(b.verdict, ''),
                                  COALESCE(a.findings, ''), COALESCE(b.findings, '')
                           FROM (SELECT * FROM results WHERE scan_id=?1) a
                           FULL OUTER JOIN (SELECT * FROM results WHERE scan_id=?2) b ON a.url = b.url
                           ORDER BY 1)");
  sqlite3_bind_int64(s.get(), 1, older);
  sqlite3_bind_int64(s.get(), 2, newer);
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    DiffRow row{column_text(s.get(), 0), column_text(s.get(), 1), column_text(s.get(), 2), {}, {}};
    const auto before = split_lines(column_text(s.get(), 3));
    const auto after = split_lines(column_text(s.get(), 4));
    for (const auto& k : after)
      if (std::find(before.begin(), before.end(), k) == before.end()) row.findings_added.push_back(k);
    for (const auto& k : before)
      if (std::find(after.begin(), after.end(), k) == after.end()) row.findings_removed.push_back(k);
    if (row.before != row.after || !row.findings_added.empty() || !row.findings_removed.empty())
      out.push_back(std::move(row));
  }
  return out;
}

}  // namespace impostor::store
