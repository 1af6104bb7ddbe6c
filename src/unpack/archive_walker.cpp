#include "unpack/archive_walker.hpp"

#include <map>
#include <set>

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
    if (static_cast<unsigned char>(c) < 0x20) return "control character";
  return {};
}

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

  void limit(const std::string& id, const std::string& summary, nlohmann::json evidence, const std::string& where) {
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
};

class ContainerSink final : public MemberSink {
 public:
  ContainerSink(WalkState& state, std::string parent, int depth)
      : state_(state), parent_(std::move(parent)), depth_(depth) {}

  std::shared_ptr<Blob> begin(const MemberHeader& header) override {
    const std::string path = parent_ + "!/" + header.name;
    if (auto reason = unsafe_name_reason(header.name); !reason.empty())
      state_.outcome.findings.push_back({"unpack.unsafe-name",
                                         Severity::low,
                                         "Member name with an " + reason + " (nothing is extracted to disk)",
                                         {{"name", header.name}, {"reason", reason}},
                                         path});
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
    return true;
  }

  void end(const MemberHeader& header, std::shared_ptr<Blob> blob) override {
    if (!blob) return;
    blob->seal();
    state_.walk(parent_ + "!/" + header.name, header.name, blob, depth_ + 1);
  }

  bool stopped() const override { return state_.stopped; }

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

  // One finding per container that declared metadata, so it reaches every report
  // (info: a claim, not a judgement; the vendor-claim checks weigh it).
  void report_properties() {
    if (properties_.empty()) return;
    state_.outcome.findings.push_back({"unpack.metadata", Severity::info,
                                       "The container declares its product and publisher", nlohmann::json(properties_),
                                       parent_});
  }

 private:
  WalkState& state_;
  std::string parent_;
  int depth_;
  uint64_t member_bytes_ = 0;
  std::map<std::string, std::string> properties_;
  std::set<std::string> unsupported_;
};

void WalkState::walk(const std::string& path, const std::string& name, const std::shared_ptr<Blob>& blob, int depth) {
  const auto bytes = blob->bytes();
  Member member{path, name, std::string(detect_file_type(bytes)), blob->size(), depth, blob};
  ++outcome.members;
  visitor.visit(member);
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
  ContainerSink sink(*this, path, depth);
  const ReadResult result = reader->read(bytes, member.type, name, sink);
  sink.report_properties();
  if (result.corrupt) corrupt(path, member.type, std::string(reader->name()), result.error, result.members);
}

// Medium, so a damaged file is at least suspicious: what lies past the damage went
// unscanned, and malformed archives that the user's unpacker still opens are a known way
// past scanners.
void WalkState::corrupt(const std::string& path, const std::string& format, std::string reader, std::string error,
                        size_t members_read) {
  outcome.findings.push_back({"unpack.corrupt",
                              Severity::medium,
                              "Damaged " + format + "; what was read before the damage was scanned, the rest was not",
                              {{"format", format},
                               {"reader", std::move(reader)},
                               {"error", std::move(error)},
                               {"members_read", members_read}},
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
                  {}};
  state.walk(name, name, top, 0);
  return outcome;
}

}  // namespace impostor::unpack
