#include "unpack/archive_walker.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/text_safety.hpp"
#include "unpack/file_type.hpp"
#include "unpack/layout_check.hpp"

namespace impostor::unpack {

using core::Finding;
using core::Severity;

namespace {

// A member name that would escape an extraction directory or hide what it is. Nothing
// is ever written under a member's name; the finding tells the analyst the archive tried.
std::string unsafe_name_reason(std::string_view name) {
  if (name.empty()) return {};
  if (name.front() == '/' || name.front() == '\\' || (name.size() > 1 && name[1] == ':')) return "absolute path";
  for (size_t p = 0; (p = name.find("..", p)) != std::string_view::npos; p += 2) {
    const bool left = p == 0 || name[p - 1] == '/' || name[p - 1] == '\\';
    const bool right = p + 2 == name.size() || name[p + 2] == '/' || name[p + 2] == '\\';
    if (left && right) return "parent-directory component (..)";
  }
  for (const char c : name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return "control character";
  // Bidirectional controls reorder what is shown: "invoice\u202Etxt.exe" displays as
  // "invoiceexe.txt". U+200E/F, U+202A-E, U+2066-9 in UTF-8.
  for (size_t i = 0; i + 2 < name.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(name[i]);
    const auto b1 = static_cast<unsigned char>(name[i + 1]);
    const auto b2 = static_cast<unsigned char>(name[i + 2]);
    if (b0 == 0xE2 && ((b1 == 0x80 && (b2 == 0x8E || b2 == 0x8F || (b2 >= 0xAA && b2 <= 0xAE))) ||
                       (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9)))
      return "bidirectional control character (disguises the extension)";
  }
  // No installer needs these; extractors fail or truncate on them (PATH_MAX, MAX_PATH).
  constexpr size_t kMaxNameBytes = 1024;
  constexpr size_t kMaxComponents = 128;
  if (name.size() > kMaxNameBytes) return "name longer than 1,024 bytes";
  if (static_cast<size_t>(std::count(name.begin(), name.end(), '/')) >= kMaxComponents)
    return "path nested more than 128 directories deep";
  return {};
}

// Where `target` of a link stored at `link` resolves inside the archive, or nullopt when
// it climbs above the archive root. Absolute targets are handled by the caller.
std::optional<std::string> resolve_link(std::string_view link, std::string_view target) {
  std::vector<std::string_view> parts;
  const auto push = [&parts](std::string_view path) {
    for (size_t start = 0; start <= path.size();) {
      size_t slash = path.find('/', start);
      if (slash == std::string_view::npos) slash = path.size();
      const auto part = path.substr(start, slash - start);
      start = slash + 1;
      if (part.empty() || part == ".") continue;
      if (part == "..") {
        if (parts.empty()) return false;
        parts.pop_back();
      } else {
        parts.push_back(part);
      }
    }
    return true;
  };
  const size_t slash = link.rfind('/');
  if (!push(slash == std::string_view::npos ? std::string_view() : link.substr(0, slash)) || !push(target))
    return std::nullopt;
  std::string out;
  for (const auto part : parts) out += (out.empty() ? "" : "/") + std::string(part);
  return out;
}

// Formats whose bytes are their members plus structure. Not here: rpm (its header
// carries install scriptlets outside the payload), xar (the TOC), iso9660 (a boot area),
// rar (recovery records and comments), and everything executable.
bool is_pure_archive(std::string_view type) {
  static constexpr std::array<std::string_view, 13> kPure = {"tar",  "cpio", "ar",    "deb",  "zip", "7z",  "cab",
                                                             "gzip", "xz",   "bzip2", "zstd", "lz4", "lzma"};
  return std::find(kPure.begin(), kPure.end(), type) != kPure.end();
}

std::string strip_dot_slash(std::string_view name) {
  while (name.starts_with("./")) name.remove_prefix(2);
  while (name.ends_with('/')) name.remove_suffix(1);
  return std::string(name);
}

class ContainerSink;

// State of one top-level walk, shared by the nested sinks.
struct WalkState {
  const FormatRegistry& formats;
  const WalkLimits& limits;
  MemberVisitor& visitor;
  WalkOutcome& outcome;
  uint64_t top_size;
  std::chrono::steady_clock::time_point deadline;
  bool stopped = false;
  std::set<std::string> limits_reported;
  size_t limit_hits = 0;  // every hit, also of a limit already reported

  void limit(const std::string& id, const std::string& summary, nlohmann::json evidence, const std::string& where) {
    ++limit_hits;
    if (!limits_reported.insert(id).second) return;
    outcome.findings.push_back({id, Severity::medium, summary, std::move(evidence), where});
  }
  bool out_of_time(const std::string& where) {
    if (std::chrono::steady_clock::now() < deadline) return false;
    limit("limits.time", "Stopped after the time limit; the rest of the file was not examined",
          {{"seconds", limits.max_seconds}}, where);
    stopped = true;
    return true;
  }
  void walk(const std::string& path, const std::string& name, const std::shared_ptr<Blob>& blob, int depth);
  void corrupt(const std::string& path, const std::string& format, std::string reader, std::string error,
               size_t members_read);
  // After a container's read, streamed or not: what its sink gathered becomes findings,
  // and whether its members covered it (read whole, no damage, no limit since it began).
  bool settle_read(ContainerSink& sink, const std::string& path, const std::string& type, std::string_view reader,
                   const ReadResult& result, size_t limits_before);
};

class ContainerSink final : public MemberSink {
 public:
  ContainerSink(WalkState& state, std::string parent, int depth, const Blob& container)
      : state_(state), parent_(std::move(parent)), depth_(depth), container_(container) {}

  void consumed(std::span<const uint8_t> part) override { container_.release(part); }

  std::shared_ptr<Blob> begin(const MemberHeader& header) override {
    const std::string path = parent_ + "!/" + header.name;
    const std::string reason =
        header.name_unreadable ? "stored name that is not valid text (invalid UTF-8)" : unsafe_name_reason(header.name);
    if (!reason.empty()) unsafe_name(path, core::to_valid_utf8(header.name), reason);
    check_through_link(path, header.name);
    if (header.encrypted) {
      state_.outcome.findings.push_back({"unpack.encrypted",
                                         Severity::medium,
                                         "Encrypted member: its content cannot be scanned",
                                         {{"name", header.name}},
                                         path});
      return nullptr;
    }
    if (header.symlink) {
      state_.outcome.findings.push_back({"unpack.symlink",
                                         Severity::info,
                                         "Symbolic link member (not followed)",
                                         {{"name", header.name}, {"target", header.link_target}},
                                         path});
      link(header.name, header.link_target);
      return nullptr;
    }
    if (state_.outcome.members >= state_.limits.max_members) {
      state_.limit("limits.members", "Stopped at the member limit; later members were not examined",
                   {{"max_members", state_.limits.max_members}}, path);
      state_.stopped = true;
      return nullptr;
    }
    member_bytes_ = 0;
    return std::make_shared<Blob>(state_.limits.spill_at);
  }

  bool data(Blob& blob, std::span<const uint8_t> bytes) override {
    const std::string where = parent_ + "!/…";
    if (state_.out_of_time(where)) return false;
    member_bytes_ += bytes.size();
    state_.outcome.expanded_bytes += bytes.size();
    if (member_bytes_ > state_.limits.max_member_bytes) {
      state_.limit("limits.member-bytes", "A member is larger than the per-member limit; the rest was not read",
                   {{"max_member_bytes", state_.limits.max_member_bytes}}, where);
      return false;
    }
    if (state_.outcome.expanded_bytes > state_.limits.max_total_bytes) {
      state_.limit("limits.total-bytes", "Expanded more than the total limit; the rest was not examined",
                   {{"max_total_bytes", state_.limits.max_total_bytes}}, where);
      state_.stopped = true;
      return false;
    }
    if (state_.outcome.expanded_bytes > state_.limits.ratio_grace_bytes &&
        state_.outcome.expanded_bytes / std::max<uint64_t>(state_.top_size, 1) > state_.limits.max_ratio) {
      state_.limit("limits.ratio",
                   "Expands more than " + std::to_string(state_.limits.max_ratio) +
                       " times its own size: a decompression bomb; the rest was not examined",
                   {{"max_ratio", state_.limits.max_ratio},
                    {"file_bytes", state_.top_size},
                    {"expanded_bytes", state_.outcome.expanded_bytes}},
                   where);
      state_.stopped = true;
      return false;
    }
    if (!blob.append(bytes)) {
      state_.outcome.findings.push_back(
          {"unpack.error", Severity::low, "Could not hold a member: " + blob.error(), {}, where});
      return false;
    }
    if (inner_ && &blob == streamed_.blob.get()) state_.visitor.streamed(streamed_, bytes);
    return true;
  }

  void end(const MemberHeader& header, std::shared_ptr<Blob> blob) override {
    if (!blob) return;
    blob->seal();
    state_.walk(parent_ + "!/" + header.name, header.name, blob, depth_ + 1);
  }

  bool stopped() const override { return state_.stopped; }

  MemberSink* open_streamed(const MemberHeader& header, std::string_view type,
                            const std::shared_ptr<Blob>& blob) override {
    // At the depth limit the member is had whole, so that the walk names the limit.
    if (state_.stopped || depth_ + 1 >= state_.limits.max_depth) return nullptr;
    // Its own bytes are read again only once complete (digest, and YARA if its members
    // did not cover it): they wait on disk, not in memory beside the members in flight.
    if (!blob->spill()) return nullptr;
    streamed_ = Member{parent_ + "!/" + header.name, header.name, std::string(type), 0, depth_ + 1, blob};
    streamed_.archive = true;
    streamed_.streaming = true;
    ++state_.outcome.members;
    state_.visitor.visit(streamed_);
    streamed_limits_before_ = state_.limit_hits;
    inner_ = std::make_unique<ContainerSink>(state_, streamed_.path, depth_ + 1, *blob);
    return inner_.get();
  }

  void close_streamed(const MemberHeader& /*header*/, const std::shared_ptr<Blob>& blob,
                      const ReadResult& inner) override {
    if (!inner_) return;
    blob->seal();
    streamed_.size = blob->size();
    streamed_.streaming = false;
    const bool covered =
        state_.settle_read(*inner_, streamed_.path, streamed_.type, "libarchive", inner, streamed_limits_before_);
    state_.visitor.archive_read(streamed_, covered);
    inner_.reset();
    streamed_.blob.reset();
  }

  void property(std::string_view key, std::string_view value) override {
    if (properties_.size() >= WalkOutcome::kMaxPropertiesPerContainer ||
        state_.outcome.properties.size() >= WalkOutcome::kMaxProperties)
      return;
    // Cut on bytes, then repair: a cut inside a UTF-8 sequence becomes U+FFFD.
    const auto bounded = [](std::string_view text, size_t max) {
      return core::to_valid_utf8(text.substr(0, std::min(text.size(), max)));
    };
    ContainerProperty p{parent_, bounded(key, 64), bounded(value, WalkOutcome::kMaxPropertyBytes)};
    properties_[p.key] = p.value;
    state_.outcome.properties.push_back(std::move(p));
  }

  void unsupported(std::string_view what) override {
    // One finding per method and container, a few methods at most: attacker-chosen counts.
    std::string method = core::to_valid_utf8(what.substr(0, std::min<size_t>(what.size(), 128)));
    if (unsupported_.size() >= 8 || !unsupported_.insert(method).second) return;
    state_.outcome.findings.push_back(
        {"unpack.unsupported",
         Severity::low,
         "Part of the container uses a method impostor cannot decode; it was not examined",
         {{"method", method}},
         parent_});
  }

  void hidden_name(std::string_view shown, std::string_view reason) override {
    unsafe_name(parent_ + "!/" + std::string(shown), std::string(shown), std::string(reason));
  }

  // Links that point back at themselves or at a directory above them: extracted, they
  // make a tree without end for every tool that follows links (find -L, a backup, an
  // indexer). Resolved at the container's end, when every link is known, with the
  // kernel's bound of 40 steps per lookup.
  void report_link_loops() {
    constexpr int kMaxSteps = 40;
    size_t reported = 0;
    for (const auto& [name, target] : links_) {
      std::string at = name;
      std::set<std::string> seen{at};
      bool loop = false;
      for (int step = 0; step < kMaxSteps && !loop; ++step) {
        const auto it = links_.find(at);
        if (it == links_.end()) break;
        const auto next = resolve_link(it->first, it->second);
        if (!next) break;  // leaves the archive: judged by what is stored through it
        loop = !seen.insert(*next).second || next->empty() || (name + "/").starts_with(*next + "/");
        at = *next;
      }
      if (!loop) continue;
      if (++reported > kMaxLinkFindings) break;
      state_.outcome.findings.push_back(
          {"unpack.unsafe-link",
           Severity::medium,
           "Symbolic link that loops back on itself or on a directory above it",
           {{"name", core::to_valid_utf8(name)}, {"target", core::to_valid_utf8(target)}, {"reason", "loop"}},
           parent_ + "!/" + name});
    }
  }

  // One finding per container that declared metadata, so it reaches every report
  // (info: a claim, not a judgement; the vendor-claim checks weigh it).
  void report_properties() {
    if (properties_.empty()) return;
    state_.outcome.findings.push_back({"unpack.metadata", Severity::info,
                                       "The container declares its product and publisher", nlohmann::json(properties_),
                                       parent_});
  }

 private:
  static constexpr size_t kMaxLinks = 10'000;
  static constexpr size_t kMaxLinkFindings = 64;

  void unsafe_name(const std::string& path, const std::string& name, const std::string& reason) {
    state_.outcome.findings.push_back({"unpack.unsafe-name",
                                       Severity::medium,
                                       "Unsafe member name: " + reason + " (nothing is extracted to disk)",
                                       {{"name", name}, {"reason", reason}},
                                       path});
  }

  // A link out of the archive is ordinary in packages (usr/bin/x -> /etc/alternatives/x);
  // the attack is a member stored *through* it ("x -> /etc", then "x/cron.d/job"), which
  // an extractor writes outside its directory. So outward links are remembered and judged
  // by the members under them.
  void link(const std::string& name, const std::string& target) {
    const std::string key = strip_dot_slash(name);
    const bool absolute =
        target.starts_with('/') || target.starts_with('\\') || (target.size() > 1 && target[1] == ':');
    if (absolute || !resolve_link(key, target)) {
      if (outward_.size() < kMaxLinks) outward_.emplace(key, target);
    } else if (links_.size() < kMaxLinks) {
      links_.emplace(key, target);
    }
  }

  void check_through_link(const std::string& path, const std::string& name) {
    if (outward_.empty() || through_link_findings_ >= kMaxLinkFindings) return;
    const std::string key = strip_dot_slash(name);
    for (size_t slash = key.find('/'); slash != std::string::npos; slash = key.find('/', slash + 1)) {
      const auto it = outward_.find(key.substr(0, slash));
      if (it == outward_.end()) continue;
      ++through_link_findings_;
      state_.outcome.findings.push_back({"unpack.unsafe-link",
                                         Severity::medium,
                                         "Member stored through a symbolic link that points outside the archive: an "
                                         "extractor writes it elsewhere on the system",
                                         {{"name", core::to_valid_utf8(name)},
                                          {"link", core::to_valid_utf8(it->first)},
                                          {"target", core::to_valid_utf8(it->second)},
                                          {"reason", "written through an outward link"}},
                                         path});
      return;
    }
  }

  WalkState& state_;
  std::string parent_;
  int depth_;
  const Blob& container_;
  std::map<std::string, std::string> links_;    // links that stay inside, for loops
  std::map<std::string, std::string> outward_;  // links that leave the archive
  size_t through_link_findings_ = 0;
  uint64_t member_bytes_ = 0;
  std::map<std::string, std::string> properties_;
  std::set<std::string> unsupported_;
  Member streamed_;                       // the member read as it is decoded, if any
  std::unique_ptr<ContainerSink> inner_;  // and the sink for its members
  size_t streamed_limits_before_ = 0;
};

void WalkState::walk(const std::string& path, const std::string& name, const std::shared_ptr<Blob>& blob, int depth) {
  const auto bytes = blob->bytes();
  Member member{path, name, std::string(detect_file_type(bytes)), blob->size(), depth, blob};
  member.archive = is_pure_archive(member.type);
  ++outcome.members;
  visitor.visit(member);
  bool covered = false;
  // Every way out of here settles the archive with the visitor, covered or not.
  class Settle {
   public:
    Settle(MemberVisitor& v, const Member& m, const bool& c) : visitor_(v), member_(m), covered_(c) {}
    Settle(const Settle&) = delete;
    Settle& operator=(const Settle&) = delete;
    ~Settle() {
      if (member_.archive) visitor_.archive_read(member_, covered_);
    }

   private:
    MemberVisitor& visitor_;
    const Member& member_;
    const bool& covered_;
  } settle(visitor, member, covered);
  if (auto damage = layout_damage(member.type, name, bytes))
    corrupt(path, member.type, "layout", std::move(*damage), 0);
  if (stopped || out_of_time(path)) return;
  const FormatReader* reader = formats.choose(member.type, bytes);
  if (reader == nullptr) return;
  if (depth >= limits.max_depth) {
    limit("limits.depth", "Containers nested deeper than the depth limit were not opened",
          {{"max_depth", limits.max_depth}}, path);
    return;
  }
  const size_t limits_before = limit_hits;
  ContainerSink sink(*this, path, depth, *blob);
  const ReadResult result = reader->read(bytes, member.type, name, sink);
  covered = settle_read(sink, path, member.type, reader->name(), result, limits_before);
}

bool WalkState::settle_read(ContainerSink& sink, const std::string& path, const std::string& type,
                            std::string_view reader, const ReadResult& result, size_t limits_before) {
  sink.report_properties();
  sink.report_link_loops();
  if (result.corrupt) corrupt(path, type, std::string(reader), result.error, result.members);
  return result.covered && !result.corrupt && !stopped && limit_hits == limits_before;
}

// Medium, so a damaged file is at least suspicious: what lies past the damage went
// unscanned, and malformed archives that the user's unpacker still opens are a known way
// past scanners.
void WalkState::corrupt(const std::string& path, const std::string& format, std::string reader, std::string error,
                        size_t members_read) {
  outcome.findings.push_back(
      {"unpack.corrupt",
       Severity::medium,
       "Damaged " + format + "; what was read before the damage was scanned, the rest was not",
       {{"format", format}, {"reader", std::move(reader)}, {"error", std::move(error)}, {"members_read", members_read}},
       path});
}

}  // namespace

WalkOutcome ArchiveWalker::walk(const std::string& name, const std::shared_ptr<Blob>& top,
                                MemberVisitor& visitor) const {
  WalkOutcome outcome;
  WalkState state{formats_,
                  limits_,
                  visitor,
                  outcome,
                  top->size(),
                  std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                         std::chrono::duration<double>(limits_.max_seconds)),
                  false,
                  {},
                  0};
  state.walk(name, name, top, 0);
  return outcome;
}

}  // namespace impostor::unpack
