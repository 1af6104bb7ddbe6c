#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

struct YR_RULES;

namespace impostor::scan {

// yr_initialize/yr_finalize, once per process, on the main thread (libyara's rule).
class YaraLibrary {
 public:
  YaraLibrary();
  ~YaraLibrary();
  YaraLibrary(const YaraLibrary&) = delete;
  YaraLibrary& operator=(const YaraLibrary&) = delete;
};

struct RuleProblem {
  std::string file;
  int line = 0;
  std::string message;
  bool warning = false;
  std::string to_string() const;  // "file:line: error: message"
};

// The external variables every scan defines (signature-base/Loki names, so community
// rules run unchanged), declared at compile time with neutral defaults.
inline constexpr const char* kStringExternals[] = {"filename", "filepath", "extension", "filetype",
                                                   "md5",      "owner",    "vendor"};
inline constexpr const char* kIntegerExternals[] = {"depth"};

// Every signatures/**/*.yar compiled once into one YR_RULES, shared read-only by every
// scanner. Compiled rules are cached under $XDG_CACHE_HOME/impostor (or ~/.cache), keyed
// by a SHA-256 of the sources, their paths and the libyara version.
class YaraRules {
 public:
  struct Compiled {
    std::shared_ptr<YaraRules> rules;  // null when there were errors
    std::vector<RuleProblem> problems;
    size_t files = 0;
    bool from_cache = false;
  };
  static Compiled compile_dir(const std::filesystem::path& dir, bool use_cache = true);

  ~YaraRules();
  YaraRules(const YaraRules&) = delete;
  YaraRules& operator=(const YaraRules&) = delete;
  YR_RULES* get() const { return rules_; }
  size_t rule_count() const;
  // Whether any rule reads the `md5` external: when none does, scans need not compute it.
  bool reads_md5() const { return reads_md5_; }
  // Whether a rule may read the `filepath` external: when none can, a scan's findings do
  // not depend on where the bytes came from (ContentScanMemo's key leaves it out).
  bool reads_filepath() const { return reads_filepath_; }

 private:
  YaraRules(YR_RULES* rules, bool reads_md5, bool reads_filepath)
      : rules_(rules), reads_md5_(reads_md5), reads_filepath_(reads_filepath) {}
  YR_RULES* rules_;
  bool reads_md5_;
  bool reads_filepath_;
};

}  // namespace impostor::scan
