#include "walk_harness.hpp"

#include <cstdlib>
#include <string>

#include "fuzz_checks.hpp"
#include "unpack/file_type.hpp"

namespace impostor::fuzz {
namespace {

// Reads every member's first and last byte, so a blob whose span points at freed or
// foreign memory is seen by ASan, and checks the size it was announced with.
class CheckingVisitor final : public unpack::MemberVisitor {
 public:
  void visit(const unpack::Member& member) override {
    if (member.depth < 0 || member.path.empty()) std::abort();
    // A streaming member (a tar read while its stream decodes) has no bytes to read yet:
    // it is checked whole at archive_read.
    if (member.streaming) {
      if (!member.archive || member.size != 0) std::abort();
      return;
    }
    check(member);
  }

  void archive_read(const unpack::Member& member, bool /*covered*/) override {
    if (member.streaming) std::abort();  // handed over complete
    check(member);
  }

 private:
  void check(const unpack::Member& member) {
    if (!member.blob) return;
    const auto bytes = member.blob->bytes();
    if (bytes.size() != member.size) std::abort();
    if (!bytes.empty()) sum_ += bytes.front() + bytes.back();
    if (member.type != unpack::detect_file_type(bytes)) std::abort();
    (void)dump_like_report(member.path);
  }

  uint64_t sum_ = 0;
};

unpack::WalkLimits small_limits() {
  unpack::WalkLimits limits;
  limits.max_depth = 4;
  limits.max_members = 256;
  limits.max_total_bytes = uint64_t{16} << 20;
  limits.max_member_bytes = uint64_t{4} << 20;
  limits.max_ratio = 200;
  limits.ratio_grace_bytes = uint64_t{256} << 10;
  limits.max_seconds = 10;
  // Small enough that the unlinked-temporary-file path is exercised now and then.
  limits.spill_at = uint64_t{2} << 20;
  return limits;
}

}  // namespace

void walk_bytes(const unpack::FormatRegistry& formats, std::span<const uint8_t> bytes) {
  const unpack::ArchiveWalker walker(formats, small_limits());
  CheckingVisitor visitor;
  const auto outcome = walker.walk("sample", unpack::Blob::from_bytes(bytes), visitor);
  check_findings(outcome.findings);
  if (outcome.members == 0) std::abort();  // the top-level file itself is always a member
  // The walker repairs property keys and values itself (valid UTF-8, bounded): checked
  // strictly. The container is a path of raw member names, rendered as the report does.
  for (const auto& property : outcome.properties) {
    if (property.value.size() > unpack::WalkOutcome::kMaxPropertyBytes + 3) std::abort();
    (void)nlohmann::json({property.key, property.value}).dump();
    (void)dump_like_report(property.container);
  }
}

}  // namespace impostor::fuzz
