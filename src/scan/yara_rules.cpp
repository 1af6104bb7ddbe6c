#include "scan/yara_rules.hpp"

#include <unistd.h>
#include <yara.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "scan/digest.hpp"

namespace impostor::scan {

namespace fs = std::filesystem;

YaraLibrary::YaraLibrary() {
  if (yr_initialize() != ERROR_SUCCESS) throw std::runtime_error("libyara failed to initialise");
}
YaraLibrary::~YaraLibrary() { yr_finalize(); }

std::string RuleProblem::to_string() const {
  std::ostringstream out;
  out << file;
  if (line > 0) out << ':' << line;
  out << (warning ? ": warning: " : ": error: ") << message;
  return out.str();
}

YaraRules::~YaraRules() {
  if (rules_ != nullptr) yr_rules_destroy(rules_);
}

size_t YaraRules::rule_count() const {
  size_t n = 0;
  const YR_RULE* rule = nullptr;
  yr_rules_foreach(rules_, rule) { ++n; }
  return n;
}

namespace {

struct CompilerDeleter {
  void operator()(YR_COMPILER* c) const { yr_compiler_destroy(c); }
};

struct ProblemSink {
  std::vector<RuleProblem>* problems;
  std::string current_file;
};

void on_compiler_message(int level, const char* file, int line, const YR_RULE* /*rule*/, const char* message,
                         void* user) {
  auto* sink = static_cast<ProblemSink*>(user);
  sink->problems->push_back({file != nullptr ? file : sink->current_file, line, message != nullptr ? message : "",
                             level == YARA_ERROR_LEVEL_WARNING});
}

std::vector<fs::path> rule_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       it != end && !ec; it.increment(ec)) {
    if (it->is_regular_file() && (it->path().extension() == ".yar" || it->path().extension() == ".yara"))
      files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path cache_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");  // NOLINT(concurrency-mt-unsafe): startup only
  if (xdg != nullptr && *xdg != '\0') return fs::path(xdg) / "impostor";
  const char* home = std::getenv("HOME");  // NOLINT(concurrency-mt-unsafe)
  if (home != nullptr && *home != '\0') return fs::path(home) / ".cache" / "impostor";
  return {};
}

using Sources = std::vector<std::pair<fs::path, std::string>>;

// Cache key: SHA-256 over the libyara version, the externals and every (path, source),
// each length-prefixed so no two different sets of files give the same bytes. "md5-probed"
// keys the caches that record whether the rules read `md5` (in the file name) apart from
// older ones, which do not.
std::string sources_key(const Sources& sources) {
  std::string material = std::string(YR_VERSION) + "|md5-probed";
  for (const char* e : kStringExternals) material += std::string("\0", 1) + e;
  for (const auto& [path, text] : sources) {
    const std::string p = path.string();
    material += "\n" + std::to_string(p.size()) + ":" + p + std::to_string(text.size()) + ":";
    material += text;
  }
  return digest({reinterpret_cast<const uint8_t*>(material.data()), material.size()}, {}, /*md5=*/false).sha256;
}

// Adds every source to `compiler` with the externals declared, except `without`; the
// number of errors (libyara refuses further sources after the first).
int add_sources(YR_COMPILER* compiler, const Sources& sources, ProblemSink* sink, std::string_view without = {}) {
  for (const char* e : kStringExternals)
    if (e != without) yr_compiler_define_string_variable(compiler, e, "");
  for (const char* e : kIntegerExternals) yr_compiler_define_integer_variable(compiler, e, 0);
  int errors = 0;
  for (const auto& [path, text] : sources) {
    if (sink != nullptr) sink->current_file = path.string();
    // Namespace per file keeps equal rule names in two families apart.
    errors += yr_compiler_add_string(compiler, text.c_str(), path.stem().c_str());
    if (errors > 0) break;
  }
  return errors;
}

// libyara cannot list the identifiers a rule uses; its own compiler can tell whether the
// rules compile with `md5` left undeclared, which they do exactly when none reads it
// (`hash.md5(...)` is the hash module's, not the external). Any doubt counts as reading.
bool sources_read_md5(const Sources& sources) {
  YR_COMPILER* raw = nullptr;
  if (yr_compiler_create(&raw) != ERROR_SUCCESS) return true;
  const std::unique_ptr<YR_COMPILER, CompilerDeleter> compiler(raw);
  return add_sources(compiler.get(), sources, nullptr, "md5") > 0;
}

// Whether any source spells `word` at all, comments and strings included: a cheap answer
// that errs only towards "reads it" (the md5 probe above needs a second compile, worth it
// there because the answer saves hashing every member).
bool sources_mention(const Sources& sources, std::string_view word) {
  return std::any_of(sources.begin(), sources.end(),
                     [&](const auto& source) { return source.second.find(word) != std::string::npos; });
}

// Every change of the rules leaves a compiled file keyed by the old sources: caches no run
// has loaded for kStaleAfter go when a new one is written (a load refreshes its file's
// time), so the folder does not grow with every signature update.
constexpr auto kStaleAfter = std::chrono::hours(24 * 14);

void prune_stale(const fs::path& dir, const fs::path& keep) {
  std::error_code ec;
  const auto cutoff = fs::file_time_type::clock::now() - kStaleAfter;
  for (fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->path() == keep || name.rfind("rules-", 0) != 0 || name.find(".yarc") == std::string::npos) continue;
    std::error_code entry_ec;
    if (!it->is_regular_file(entry_ec) || it->last_write_time(entry_ec) > cutoff || entry_ec) continue;
    fs::remove(it->path(), entry_ec);
  }
}

}  // namespace

YaraRules::Compiled YaraRules::compile_dir(const fs::path& dir, bool use_cache) {
  Compiled out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    out.problems.push_back({dir.string(), 0, "not a directory", false});
    return out;
  }
  const auto files = rule_files(dir);
  out.files = files.size();
  if (files.empty()) {
    out.problems.push_back({dir.string(), 0, "no *.yar files", false});
    return out;
  }
  Sources sources;
  sources.reserve(files.size());
  for (const auto& f : files) sources.emplace_back(f, read_text(f));

  // Two names for one key: whether the rules read `md5` is part of what was cached.
  const fs::path cache = use_cache ? cache_dir() : fs::path{};
  const std::string key = cache.empty() ? std::string() : sources_key(sources);
  const auto cache_file = [&](bool reads_md5) {
    return cache.empty() ? fs::path{} : cache / ("rules-" + key + (reads_md5 ? "-md5" : "") + ".yarc");
  };
  const bool reads_filepath = sources_mention(sources, "filepath");
  for (const bool reads_md5 : {true, false}) {
    const fs::path cached = cache_file(reads_md5);
    YR_RULES* rules = nullptr;
    if (!cached.empty() && fs::is_regular_file(cached, ec) && yr_rules_load(cached.c_str(), &rules) == ERROR_SUCCESS) {
      fs::last_write_time(cached, fs::file_time_type::clock::now(), ec);  // in use: not stale
      out.rules.reset(new YaraRules(rules, reads_md5, reads_filepath));
      out.from_cache = true;
      return out;
    }
  }

  YR_COMPILER* raw = nullptr;
  if (yr_compiler_create(&raw) != ERROR_SUCCESS) {
    out.problems.push_back({dir.string(), 0, "cannot create a YARA compiler", false});
    return out;
  }
  std::unique_ptr<YR_COMPILER, CompilerDeleter> compiler(raw);
  ProblemSink sink{&out.problems, {}};
  yr_compiler_set_callback(compiler.get(), on_compiler_message, &sink);
  const int errors = add_sources(compiler.get(), sources, &sink);
  for (auto& p : out.problems)
    if (p.file.empty() || p.file == "(null)") p.file = sink.current_file;
  if (errors > 0) return out;
  YR_RULES* rules = nullptr;
  if (yr_compiler_get_rules(compiler.get(), &rules) != ERROR_SUCCESS) {
    out.problems.push_back({dir.string(), 0, "cannot build the compiled rules", false});
    return out;
  }
  const bool reads_md5 = sources_read_md5(sources);
  out.rules.reset(new YaraRules(rules, reads_md5, reads_filepath));
  if (const fs::path cached = cache_file(reads_md5); !cached.empty()) {
    fs::create_directories(cache, ec);
    const fs::path tmp = cached.string() + ".tmp" + std::to_string(::getpid());
    if (!ec && yr_rules_save(rules, tmp.c_str()) == ERROR_SUCCESS) fs::rename(tmp, cached, ec);
    fs::remove(tmp, ec);
    prune_stale(cache, cached);
  }
  return out;
}

}  // namespace impostor::scan
