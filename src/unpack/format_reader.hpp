#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "unpack/blob.hpp"

namespace impostor::unpack {

struct MemberHeader {
  std::string name;              // as the container spells it: attacker-chosen, never used as a file name
  bool name_unreadable = false;  // the stored name is not text (invalid UTF-8): `name` is a stand-in
  bool encrypted = false;
  bool symlink = false;
  std::string link_target;
  std::optional<uint64_t> declared_size;  // what the header claims; never trusted for allocation
};

struct ReadResult {
  bool corrupt = false;
  std::string error;   // libarchive's (or the reader's) message when corrupt
  size_t members = 0;  // members delivered before the end or the damage
  // Every byte of the container belongs to a member or to the format's structure, as far
  // as the reader can tell (no data after the end, no comment); false when unsure.
  bool covered = false;
};

// Where a reader delivers members. The walker implements it and enforces every limit.
class MemberSink {
 public:
  virtual ~MemberSink() = default;
  // A member starts. Returns the blob to fill, or nullptr when its data is not wanted
  // (encrypted, a link, or a limit already hit).
  virtual std::shared_ptr<Blob> begin(const MemberHeader& header) = 0;
  // More bytes of the current member. False: stop reading this member (a limit was hit).
  virtual bool data(Blob& blob, std::span<const uint8_t> bytes) = 0;
  // The member is complete (or was cut short by a limit or damage).
  virtual void end(const MemberHeader& header, std::shared_ptr<Blob> blob) = 0;
  // True once the whole walk must stop (member count, total bytes, ratio, time).
  virtual bool stopped() const = 0;
  // Metadata the container declares about itself (an MSI's Manufacturer, ProductName and
  // ProductVersion), kept for the vendor-claim checks. Attacker-chosen text: the walker
  // bounds how many are kept and how long each is.
  virtual void property(std::string_view /*key*/, std::string_view /*value*/) {}
  // Part of the container uses a method this build cannot decode (a DMG's LZFSE runs):
  // reported as `unpack.unsupported`, never skipped silently. `what` names the method.
  virtual void unsupported(std::string_view /*what*/) {}
  // A stored member name the reader saw but cannot hand over whole (a zip name with a NUL
  // byte, which every C string API cuts): reported as `unpack.unsafe-name`.
  virtual void hidden_name(std::string_view /*shown*/, std::string_view /*reason*/) {}
  // The member just begun is itself a container of `type` that the reader can parse as
  // it decodes (a tar inside a .tar.xz): the members of both are then read in one pass,
  // while the stream is still being decoded, instead of after it. Returns the sink for
  // the inner container's members, or nullptr to have the member whole, as usual. The
  // reader still fills `blob` with every byte, then calls close_streamed instead of end.
  virtual MemberSink* open_streamed(const MemberHeader& /*header*/, std::string_view /*type*/,
                                    const std::shared_ptr<Blob>& /*blob*/) {
    return nullptr;
  }
  // The streamed member is complete; `inner` says how reading its members went.
  virtual void close_streamed(const MemberHeader& /*header*/, const std::shared_ptr<Blob>& /*blob*/,
                              const ReadResult& /*inner*/) {}
  // The reader is done with this part of the container's bytes (a streaming read moved
  // past it): a container spilled to disk gives those pages back (Blob::release). The
  // one call that may come from a reader's own thread (ReadAheadDecoder): keep it free of
  // walk state.
  virtual void consumed(std::span<const uint8_t> /*part*/) {}
};

// One container format (the libarchive model: bid, read headers, read data). A new
// format is one new reader registered in format_registry.cpp.
class FormatReader {
 public:
  virtual ~FormatReader() = default;
  virtual std::string_view name() const = 0;
  // 0: cannot open; higher wins. `type` is detect_file_type() of the bytes.
  virtual int bid(std::string_view type, std::span<const uint8_t> bytes) const = 0;
  // Delivers every member to `sink`. `type` is the one bid() saw; `container_name`
  // names single-stream members (setup.exe.gz holds "setup.exe").
  virtual ReadResult read(std::span<const uint8_t> bytes, std::string_view type, std::string_view container_name,
                          MemberSink& sink) const = 0;
};

class FormatRegistry {
 public:
  // Every reader this build has.
  static const FormatRegistry& standard();
  void add(std::unique_ptr<FormatReader> reader) { readers_.push_back(std::move(reader)); }
  // The highest bidder, or nullptr.
  const FormatReader* choose(std::string_view type, std::span<const uint8_t> bytes) const;

 private:
  std::vector<std::unique_ptr<FormatReader>> readers_;
};

}  // namespace impostor::unpack
