#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "allowlist/vendor.hpp"
#include "core/report.hpp"
#include "core/worker_pool.hpp"
#include "scan/content_scan_memo.hpp"
#include "scan/hash_list.hpp"
#include "scan/yara_rules.hpp"
#include "scan/yara_scanner.hpp"
#include "sign/trust_store.hpp"
#include "unpack/format_reader.hpp"
#include "unpack/walk_limits.hpp"

namespace impostor::analyze {

// What signature checks need: the vendors (who may sign what) and the roots a signer
// must chain to. Without both, signatures are not checked.
struct SignatureChecks {
  std::shared_ptr<const allowlist::Allowlist> allowlist;
  std::shared_ptr<const sign::TrustStore> trust;
  bool enabled() const { return allowlist && trust; }
};

// The SHA-256 of a file `examine` walked: the walk's own digest of it (its depth-0
// member), or one pass over `blob` when the walk ended before that digest.
std::string examined_sha256(const core::Report& examined, const unpack::Blob& blob);

// The digests a file's members get besides SHA-256.
struct DigestChoice {
  bool md5 = false;  // in the report (`file --md5`); computed anyway when a rule reads `md5`
};

// Everything a file analysis needs, loaded once and shared: formats, limits, compiled
// rules, hash lists, the worker pool and one YARA scanner per worker.

class FileScanner {
 public:
  FileScanner(const unpack::FormatRegistry& formats, const unpack::WalkLimits& limits,
              std::shared_ptr<scan::YaraRules> rules, scan::HashList known_good, scan::HashList known_bad,
              size_t threads, SignatureChecks signatures = {}, DigestChoice digests = {});

  // `impostor file PATH`: unpack recursively, scan every member on the pool while the
  // walk goes on, and judge. "-" reads standard input. Never throws for bad input: an
  // unreadable path becomes a report with verdict `error`.
  core::Report analyze(const std::string& path);

  // The same for bytes already in hand (a download): walks, scans and adds findings,
  // members (as artifacts) and details to `report`; the caller applies the policy.
  // Safe to call from several threads; files are examined one at a time.
  void examine(const std::string& name, const std::shared_ptr<unpack::Blob>& blob, core::Report& report);

  // YARA over bytes that are not a file to unpack (a page, a script), with findings
  // located at `location`. Content scanned before in this run is not scanned again
  // (ContentScanMemo). Safe from several threads (one scanner, taken in turn).
  std::vector<core::Finding> scan_content(std::span<const uint8_t> bytes, const std::string& name,
                                          const std::string& type, const std::string& location);

 private:
  std::mutex examine_mutex_;
  std::mutex content_mutex_;
  std::unique_ptr<scan::YaraScanner> content_scanner_;
  scan::ContentScanMemo content_memo_;
  const unpack::FormatRegistry& formats_;
  unpack::WalkLimits limits_;
  std::shared_ptr<scan::YaraRules> rules_;
  scan::HashList known_good_, known_bad_;
  SignatureChecks signatures_;
  bool md5_;
  core::WorkerPool pool_;
  std::vector<std::unique_ptr<scan::YaraScanner>> scanners_;  // one per worker
};

}  // namespace impostor::analyze
