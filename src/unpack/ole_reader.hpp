#pragma once
#include <string>
#include <string_view>

#include "unpack/format_reader.hpp"

namespace impostor::unpack {

// OLE compound files (CFB) and the MSI packages built on them, through libgsf. Every
// stream is a member (storages nest with '/'); MSI stream names are decoded the way
// msitools shows them ("product.cab", "Binary.CustomAction", "!Property"), so an embedded
// cabinet and a Binary-table payload arrive as ordinary members that the walker opens in
// turn. The Property table's Manufacturer, ProductName and ProductVersion are reported
// through MemberSink::property.
//
// libgsf trusts the file's directory tree (it recurses over sibling links that may form
// a cycle) and sizes some buffers from the header, so a bounded structural check of our
// own (header, DIFAT, FAT and mini-FAT chains, directory tree) runs first and decides
// which streams libgsf may open; what it rejects is `unpack.corrupt`.
class OleReader final : public FormatReader {
 public:
  std::string_view name() const override { return "ole"; }
  int bid(std::string_view type, std::span<const uint8_t> bytes) const override;
  ReadResult read(std::span<const uint8_t> bytes, std::string_view type, std::string_view container_name,
                  MemberSink& sink) const override;
};

// An MSI stream name (UTF-8 as stored, with msitools' base64-like packing of two
// characters per code point in U+3800..U+47FF and '!' for table streams) made readable.
// Control characters become "[N]" ("\x05SummaryInformation" -> "[5]SummaryInformation").
std::string decode_msi_stream_name(std::string_view utf8);

}  // namespace impostor::unpack
