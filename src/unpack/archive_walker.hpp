#pragma once
#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/finding.hpp"
#include "unpack/blob.hpp"
#include "unpack/format_reader.hpp"
#include "unpack/walk_limits.hpp"

namespace impostor::unpack {

// One file or member, as the walker hands it over.
struct Member {
  std::string path;  // nested: ZoomInstaller.msi!/Data1.cab!/bin/zoom.exe
  std::string name;  // last path component as the container spelled it
  std::string type;  // detect_file_type()
  uint64_t size = 0;
  int depth = 0;  // 0 for the top-level file
  std::shared_ptr<Blob> blob;
  // A pure archive (tar, zip, 7z, a gzip stream, …): its bytes hold only its members and
  // the format's own structure. The walker says after reading it whether its members
  // covered it (MemberVisitor::archive_read).
  bool archive = false;
  // An archive read while it is still being decoded (a tar inside a .tar.xz): visited
  // before its blob is complete, with size 0; archive_read hands it over whole.
  bool streaming = false;
};

class MemberVisitor {
 public:
  virtual ~MemberVisitor() = default;
  // Called once per member, top-level file first, parents before their children. The
  // visitor may keep the blob (to scan it on another thread); a `streaming` member's blob
  // is not readable until archive_read.
  virtual void visit(const Member& member) = 0;
  // For a member with `archive` set, once, after the walker read it: `covered` when it
  // was read to its end without damage or limit and no byte lies outside its members and
  // structure (no trailing data, no zip comment). Its content then needs no scan of its
  // own: every member was visited. A visitor that ignores this scans archives whole.
  // `member` is the final one: for a streaming member, with its size and sealed blob.
  virtual void archive_read(const Member& /*member*/, bool /*covered*/) {}
  // The bytes of a `streaming` member as they arrive, in order, all of them before
  // archive_read: a visitor can digest them on the way instead of after.
  virtual void streamed(const Member& /*member*/, std::span<const uint8_t> /*bytes*/) {}
};

// Metadata a container declared about itself (MemberSink::property), for the
// vendor-claim checks: an MSI's Manufacturer, ProductName, ProductVersion.
struct ContainerProperty {
  std::string container;  // nested path of the container that declared it
  std::string key;
  std::string value;  // valid UTF-8, at most kMaxPropertyBytes
};

struct WalkOutcome {
  static constexpr size_t kMaxProperties = 256;  // in the whole walk
  static constexpr size_t kMaxPropertiesPerContainer = 16;
  static constexpr size_t kMaxPropertyBytes = 512;
  std::vector<core::Finding> findings;  // limits.*, unpack.* (what the walk itself saw)
  std::vector<ContainerProperty> properties;
  uint64_t members = 0;  // members visited, the top-level file included
  uint64_t expanded_bytes = 0;
};

// Walks a file and every container inside it, recursively and in memory, through the
// format registry. Every limit of WalkLimits is enforced here; what was read before a
// limit or a damaged spot is still visited.
class ArchiveWalker {
 public:
  ArchiveWalker(const FormatRegistry& formats, const WalkLimits& limits) : formats_(formats), limits_(limits) {}
  WalkOutcome walk(const std::string& name, const std::shared_ptr<Blob>& top, MemberVisitor& visitor) const;

 private:
  const FormatRegistry& formats_;
  WalkLimits limits_;
};

}  // namespace impostor::unpack
