#include "analyze/file_analysis.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>

#include "analyze/signature_check.hpp"
#include "core/verdict_policy.hpp"
#include "scan/digest.hpp"
#include "unpack/archive_walker.hpp"

namespace impostor::analyze {

namespace {

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd > 2) ::close(fd);
  }
};

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

// Reads the whole input into a blob (spilling past the in-memory cap) through one
// descriptor, so a file swapped or truncated meanwhile cannot change what is judged.
std::shared_ptr<unpack::Blob> read_input(const std::string& path, const unpack::WalkLimits& limits, std::string& error,
                                         bool& truncated) {
  const bool stdin_input = path == "-";
  const int fd = stdin_input ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    error = "cannot open: " + std::string(std::strerror(errno));
    return nullptr;
  }
  FdCloser closer{fd};
  uint64_t input_size = 0;
  if (!stdin_input) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      error = "cannot stat: " + std::string(std::strerror(errno));
      return nullptr;
    }
    if (!S_ISREG(st.st_mode)) {
      error = std::string("not scanned: ") + kind_of(st.st_mode);
      return nullptr;
    }
    input_size = static_cast<uint64_t>(st.st_size);
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  }
  // A large input goes straight to an unlinked temporary copy: the walk reads it through
  // a mapping whose pages it gives back as it goes, instead of holding all of it in
  // memory beside the members it expands into (a 61 MB .deb held 61 MB for the whole walk).
  constexpr uint64_t kInputInMemory = uint64_t{8} << 20;
  auto blob = std::make_shared<unpack::Blob>(input_size > kInputInMemory ? 0 : limits.spill_at);
  std::array<uint8_t, 1 << 16> buffer{};
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      error = "read failed: " + std::string(std::strerror(errno));
      return nullptr;
    }
    if (blob->size() + static_cast<uint64_t>(n) > limits.max_member_bytes) {
      truncated = true;
      break;
    }
    if (!blob->append(std::span(buffer.data(), static_cast<size_t>(n)))) {
      error = blob->error();
      return nullptr;
    }
  }
  blob->seal();
  return blob;
}

std::string lower_extension(const std::string& name) {
  const size_t slash = name.find_last_of("/\\");
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
  std::string ext = name.substr(dot + 1);
  for (char& c : ext)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return ext;
}

struct MemberResult {
  unpack::Member member;  // blob released once scanned
  std::string sha256, md5;
  bool scanned_through_members = false;  // a covered archive: hashed, its members scanned
  std::vector<core::Finding> findings;
  std::optional<SignedFile> signature;  // for the types that carry one
  // An archive is digested while the walker reads it, and judged once both are done.
  bool digested = false, read = false;
  uint64_t held_bytes = 0;                             // of the in-memory budget, until the blob is let go
  std::unique_ptr<scan::Digester> digester = nullptr;  // a streaming archive's digests, on the way
};

// Hands each member to the pool; results land in a deque (stable addresses) by visit order.
class ScanningVisitor final : public unpack::MemberVisitor {
 public:
  ScanningVisitor(core::WorkerPool& pool, std::vector<std::unique_ptr<scan::YaraScanner>>& scanners,
                  const scan::HashList& good, const scan::HashList& bad, const sign::TrustStore* trust, bool md5)
      : pool_(pool), scanners_(scanners), good_(good), bad_(bad), trust_(trust), md5_(md5) {}

  void visit(const unpack::Member& member) override {
    MemberResult* slot = nullptr;
    {
      std::unique_lock lock(mutex_);
      // Members wait in memory for a worker; bounding how many only by count would let
      // six 64 MiB members sit there at once. The walker waits here for room instead.
      // Archives are not counted: the walk needs them until it has read them, and waiting
      // on them would wait on itself. Spilled members are file pages given back as read.
      const uint64_t weight = member.archive || member.blob->spilled() ? 0 : member.blob->size();
      room_.wait(lock, [&] { return held_bytes_ == 0 || held_bytes_ + weight <= kHeldBudget; });
      held_bytes_ += weight;
      results_.push_back({member, {}, {}, {}, {}, {}});
      slot = &results_.back();
      slot->held_bytes = weight;
      if (member.streaming) slot->digester = std::make_unique<scan::Digester>(md5_);
      // An archive's YARA pass waits until the walker has read it: if its members covered
      // it, a pass over its own bytes would only scan the same bytes again (or compressed
      // noise). Its digest need not wait: it runs beside the walk instead of after it.
      if (member.archive) pending_[member.blob.get()] = slot;
    }
    // A streaming archive's bytes are still arriving: digested and judged at archive_read.
    if (!member.streaming) submit(slot, member.archive ? Step::digest : Step::whole);
  }

  void archive_read(const unpack::Member& member, bool covered) override {
    MemberResult* slot = nullptr;
    {
      std::lock_guard lock(mutex_);
      const auto it = pending_.find(member.blob.get());
      if (it == pending_.end()) return;
      slot = it->second;
      pending_.erase(it);
      slot->scanned_through_members = covered;
      slot->read = true;
      if (slot->member.streaming) {
        slot->member = member;  // complete now: its size, its sealed blob
        // Digested as it streamed past (streamed()); what is left is the judgement.
        record_digests(*slot, slot->digester->finish());
        slot->digester.reset();
        slot->digested = true;
      } else if (!slot->digested) {
        return;  // the digest task finishes the member
      }
    }
    submit(slot, Step::judge);
  }

  void streamed(const unpack::Member& member, std::span<const uint8_t> bytes) override {
    scan::Digester* digester = nullptr;
    {
      std::lock_guard lock(mutex_);
      const auto it = pending_.find(member.blob.get());
      if (it == pending_.end() || !it->second->digester) return;
      digester = it->second->digester.get();
    }
    digester->update(bytes);  // only this (the walker's) thread touches it until archive_read
  }

  std::deque<MemberResult>& results() { return results_; }

 private:
  enum class Step { whole, digest, judge };

  void submit(MemberResult* slot, Step step) {
    pool_.submit([this, slot, step](size_t worker) {
      // A failure on one member is a finding on that member; the rest of the scan goes on.
      try {
        if (step != Step::judge) digest(*slot);
        bool judge_now = step != Step::digest;
        if (step == Step::digest) {
          std::lock_guard lock(mutex_);
          slot->digested = true;
          judge_now = slot->read;
        }
        if (judge_now) judge(*slot, worker);
      } catch (const std::exception& e) {
        std::unique_lock lock(mutex_);
        slot->findings.push_back({"scan.error",
                                  core::Severity::low,
                                  std::string("Scanning failed: ") + e.what(),
                                  {{"member", slot->member.path}},
                                  slot->member.path});
        // A failed digest still lets the walk settle the archive: archive_read then
        // judges it; if the walk already has, there is nothing left to wait for.
        if (step == Step::digest) slot->digested = true;
        if (step != Step::digest || slot->read) let_go(*slot, lock);
      }
    });
  }

  static scan::PageRelease releaser(const MemberResult& r) {
    if (!r.member.blob->spilled()) return {};
    return [blob = r.member.blob.get()](std::span<const uint8_t> part) { blob->release(part); };
  }

  void digest(MemberResult& r) { record_digests(r, scan::digest(r.member.blob->bytes(), releaser(r), md5_)); }

  void record_digests(MemberResult& r, const scan::Digests& d) {
    r.sha256 = d.sha256;
    r.md5 = d.md5;
    if (const auto* bad = bad_.find(d.sha256))
      r.findings.push_back({"hash.known-bad",
                            core::Severity::critical,
                            "Known malicious file: " + bad->description,
                            {{"sha256", d.sha256}, {"list", bad->source}},
                            r.member.path});
    if (const auto* good = good_.find(d.sha256))
      r.findings.push_back({"hash.known-good",
                            core::Severity::info,
                            "Known genuine file: " + good->description,
                            {{"sha256", d.sha256}, {"list", good->source}},
                            r.member.path});
  }

  void judge(MemberResult& r, size_t worker) {
    const auto bytes = r.member.blob->bytes();
    if (worker < scanners_.size() && scanners_[worker] && !r.scanned_through_members) {
      const size_t slash = r.member.name.find_last_of("/\\");
      scan::ScanContext ctx{slash == std::string::npos ? r.member.name : r.member.name.substr(slash + 1),
                            r.member.path,
                            lower_extension(r.member.name),
                            r.member.type,
                            r.md5,
                            {},
                            {},
                            r.member.depth};
      auto found = scanners_[worker]->scan(bytes, ctx, releaser(r));
      r.findings.insert(r.findings.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    }
    if (trust_) {
      r.signature = check_signature(r.member.path, r.member.name, r.member.type, bytes, *trust_);
      if (r.signature) r.signature->depth = r.member.depth;
    }
    std::unique_lock lock(mutex_);
    let_go(r, lock);  // memory goes back as soon as the member is judged
  }

  void let_go(MemberResult& r, std::unique_lock<std::mutex>& /*held*/) {
    r.member.blob.reset();
    held_bytes_ -= r.held_bytes;
    r.held_bytes = 0;
    room_.notify_all();
  }

  core::WorkerPool& pool_;
  std::vector<std::unique_ptr<scan::YaraScanner>>& scanners_;
  const scan::HashList& good_;
  const scan::HashList& bad_;
  const sign::TrustStore* trust_;
  bool md5_;  // the rules read `md5`, or the report shows it
  static constexpr uint64_t kHeldBudget = uint64_t{64} << 20;
  std::mutex mutex_;
  std::condition_variable room_;
  uint64_t held_bytes_ = 0;
  std::deque<MemberResult> results_;
  std::map<const unpack::Blob*, MemberResult*> pending_;
};

}  // namespace

FileScanner::FileScanner(const unpack::FormatRegistry& formats, const unpack::WalkLimits& limits,
                         std::shared_ptr<scan::YaraRules> rules, scan::HashList known_good, scan::HashList known_bad,
                         size_t threads, SignatureChecks signatures, DigestChoice digests)
    : formats_(formats),
      limits_(limits),
      rules_(std::move(rules)),
      known_good_(std::move(known_good)),
      known_bad_(std::move(known_bad)),
      signatures_(std::move(signatures)),
      md5_(digests.md5 || (rules_ && rules_->reads_md5())),
      pool_(std::min<size_t>(std::max<size_t>(threads, 1), 32), 2 * std::max<size_t>(threads, 1)) {
  for (size_t i = 0; i < pool_.size(); ++i)
    scanners_.push_back(rules_ ? std::make_unique<scan::YaraScanner>(*rules_) : nullptr);
  if (rules_) content_scanner_ = std::make_unique<scan::YaraScanner>(*rules_, 60, /*in_memory=*/true);
}

std::string examined_sha256(const core::Report& examined, const unpack::Blob& blob) {
  const auto walked = examined.target.details.find("sha256");
  if (walked != examined.target.details.end() && walked->is_string() &&
      walked->get_ref<const std::string&>().size() == 64)
    return walked->get<std::string>();
  return scan::digest(blob.bytes(), {}, /*md5=*/false).sha256;
}

std::vector<core::Finding> FileScanner::scan_content(std::span<const uint8_t> bytes, const std::string& name,
                                                     const std::string& type, const std::string& location) {
  if (!content_scanner_) return {};
  const scan::Digests digests = scan::digest(bytes, {}, rules_->reads_md5());
  const scan::ScanContext ctx{name, location, lower_extension(name), type, digests.md5, {}, {}, 0};
  // Everything else the scan defines follows from these (or is empty for content).
  std::string key = digests.sha256 + '\n' + name + '\n' + type;
  if (rules_->reads_filepath()) key += '\n' + location;
  std::vector<core::Finding> found;
  if (auto known = content_memo_.find(key)) {
    found = std::move(*known);
  } else {
    {
      const std::lock_guard lock(content_mutex_);
      found = content_scanner_->scan(bytes, ctx);
    }
    // A scan that failed (a timeout on a busy machine) is not an answer to keep.
    if (std::none_of(found.begin(), found.end(), [](const core::Finding& f) { return f.id == "scan.error"; }))
      content_memo_.remember(key, found);
  }
  for (auto& f : found) {
    f.location = location;
    if (f.evidence.is_object() && f.evidence.contains("member")) f.evidence["member"] = location;
  }
  return found;
}

core::Report FileScanner::analyze(const std::string& path) {
  const auto started = std::chrono::steady_clock::now();
  core::Report report;
  report.target = {core::TargetKind::file, path};
  std::string error;
  bool truncated = false;
  auto blob = read_input(path, limits_, error, truncated);
  if (!blob) {
    report.errors.push_back(error);
  } else {
    if (truncated)
      report.findings.push_back({"limits.member-bytes",
                                 core::Severity::medium,
                                 "The file is larger than the per-file limit; only its start was examined",
                                 {{"max_member_bytes", limits_.max_member_bytes}},
                                 path});
    examine(path == "-" ? "(stdin)" : path, blob, report);
  }
  core::apply_verdict_policy(report);
  report.elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  return report;
}

void FileScanner::examine(const std::string& name, const std::shared_ptr<unpack::Blob>& blob, core::Report& report) {
  // One file at a time: the pool's idle wait below is for this file's members only.
  const std::lock_guard lock(examine_mutex_);
  report.target.details["size"] = blob->size();
  ScanningVisitor visitor(pool_, scanners_, known_good_, known_bad_,
                          signatures_.enabled() ? signatures_.trust.get() : nullptr, md5_);
  const unpack::ArchiveWalker walker(formats_, limits_);
  auto outcome = walker.walk(name, blob, visitor);
  pool_.wait_idle();
  for (auto& f : outcome.findings) report.findings.push_back(std::move(f));

  // What containers declared about themselves (MSI Manufacturer, ProductName, …), by container.
  std::map<std::string, std::map<std::string, std::string>> declared;
  for (const auto& p : outcome.properties) declared[p.container][p.key] = p.value;
  if (!declared.empty()) report.target.details["properties"] = declared;

  // Signatures are judged once the walk is over: a container's properties and its
  // parents' signatures are known only then.
  std::vector<SignedFile> signed_files;
  for (auto& r : visitor.results()) {
    if (!r.signature) continue;
    if (const auto it = declared.find(r.member.path); it != declared.end()) {
      for (const auto& [k, v] : it->second) r.signature->claims.properties.emplace(k, v);
      if (const auto v = it->second.find("ProductVersion"); v != it->second.end() && r.signature->version.empty())
        r.signature->version = v->second;
    }
    signed_files.push_back(*r.signature);
  }
  std::map<std::string, std::vector<core::Finding>> sign_findings;
  if (signatures_.enabled())
    for (auto& f : judge_signatures(*signatures_.allowlist, signed_files))
      sign_findings[f.location].push_back(std::move(f));

  for (auto& r : visitor.results()) {
    if (auto it = sign_findings.find(r.member.path); it != sign_findings.end()) {
      for (auto& f : it->second) r.findings.push_back(std::move(f));
      sign_findings.erase(it);
    }
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& f : r.findings) ids.push_back(f.id);
    nlohmann::json artifact = {{"path", r.member.path},   {"type", r.member.type}, {"size", r.member.size},
                               {"depth", r.member.depth}, {"sha256", r.sha256},    {"findings", ids}};
    if (!r.md5.empty()) artifact["md5"] = r.md5;
    if (r.signature) artifact["signature"] = signature_summary(r.signature->signature);
    if (r.scanned_through_members) artifact["scanned"] = "through its members";
    report.artifacts.push_back(std::move(artifact));
    if (r.member.depth == 0) {
      report.target.details["sha256"] = r.sha256;
      report.target.details["type"] = r.member.type;
      if (r.signature) report.target.details["signature"] = std::string(sign::to_string(r.signature->signature.status));
    }
    for (auto& f : r.findings) report.findings.push_back(std::move(f));
  }
  report.target.details["members"] = outcome.members;
  report.target.details["expanded_bytes"] = outcome.expanded_bytes;
}

}  // namespace impostor::analyze
