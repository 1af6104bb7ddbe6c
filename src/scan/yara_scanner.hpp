#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/finding.hpp"
#include "scan/page_release.hpp"
#include "scan/yara_rules.hpp"

struct YR_SCAN_CONTEXT;  // libyara's YR_SCANNER is a typedef of it

namespace impostor::scan {

// What a scan knows about the bytes, passed to rules as externals.
struct ScanContext {
  std::string filename;   // last path component
  std::string filepath;   // nested path
  std::string extension;  // lower case, no dot
  std::string filetype;   // detect_file_type()
  std::string md5;
  std::string owner;
  std::string vendor;  // the vendor the file claims to be, when known
  int64_t depth = 0;
};

// One libyara scanner over shared rules: create one per worker thread (libyara allows
// at most 32 at once). Each match becomes a `yara.<rule>` finding whose severity,
// summary and evidence come from the rule's meta and matched strings (bounded).
class YaraScanner {
 public:
  // `in_memory`: the bytes scanned are always in process memory, never a mapped file, so
  // no read can fault (SIGBUS on a file cut short): libyara's per-scan signal handling
  // (a dozen sigaction calls a scan) is left out.
  explicit YaraScanner(const YaraRules& rules, int timeout_seconds = 60, bool in_memory = false);
  ~YaraScanner();
  YaraScanner(const YaraScanner&) = delete;
  YaraScanner& operator=(const YaraScanner&) = delete;

  // Findings for `bytes`; a scan error (timeout, too many matches) becomes a
  // `scan.error` finding rather than an exception. With `release`, input larger than
  // two windows is scanned window by window (libyara's block scan; windows overlap so a
  // string up to the overlap long is not cut) and each window is released once passed.
  // Rules that import a module (pe, elf) then see the first window only.
  std::vector<core::Finding> scan(std::span<const uint8_t> bytes, const ScanContext& context,
                                  const PageRelease& release = {});

 private:
  YR_SCAN_CONTEXT* scanner_ = nullptr;
};

}  // namespace impostor::scan
