// The DMG (UDIF) pieces on hand-made bytes: the ADC decoder, the blkx plist scan and the
// koly trailer bounds. Whole images built by tools/fixtures/make-dmg are walked in
// installer_formats_test.cpp.
#include <doctest/doctest.h>
#include <lzma.h>

#include <string>
#include <vector>

#include "unpack/adc_decoder.hpp"
#include "unpack/dmg_reader.hpp"
#include "unpack/file_type.hpp"
#include "unpack/stream_decoders.hpp"
#include "unpack/udif_plist.hpp"

using namespace impostor::unpack;

namespace {

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string adc(const std::string& in, DecodeResult* result = nullptr) {
  std::string out;
  const auto r = decode_adc(bytes_of(in), [&](std::span<const uint8_t> b) {
    out.append(reinterpret_cast<const char*>(b.data()), b.size());
    return true;
  });
  if (result != nullptr) *result = r;
  return out;
}

}  // namespace

TEST_CASE("dmg: ADC literals, two- and three-byte back-references, overlapping copies") {
  // "abc" literal; 2-byte copy of 3 from 3 back; 3-byte copy of 4 from 1 back (overlap).
  const std::string stream = std::string(
                                 "\x82"
                                 "abc",
                                 4) +
                             std::string("\x00\x02", 2) + std::string("\x40\x00\x00", 3);
  DecodeResult r;
  CHECK(adc(stream, &r) == "abcabccccc");
  CHECK(r.ok);
  CHECK(r.produced == 10);
}

TEST_CASE("dmg: ADC refuses references before the start and cut-short codes") {
  DecodeResult r;
  adc(std::string("\x81"
                  "ab"
                  "\x00\x05",
                  5),
      &r);
  CHECK_FALSE(r.ok);
  adc(std::string("\x85"
                  "ab",
                  3),
      &r);
  CHECK_FALSE(r.ok);
  adc(std::string("\x80"
                  "a"
                  "\x40\x00",
                  4),
      &r);
  CHECK_FALSE(r.ok);
}

TEST_CASE("dmg: ADC output is bounded by the window whatever the stream expands to") {
  // 10,000 three-byte codes of 67 bytes each: 670 KB from 30 KB, delivered in pieces.
  std::string stream = std::string(
      "\x80"
      "z",
      2);
  for (int i = 0; i < 10000; ++i) stream += std::string("\x7F\x00\x00", 3);
  size_t total = 0;
  size_t largest = 0;
  const auto r = decode_adc(bytes_of(stream), [&](std::span<const uint8_t> b) {
    total += b.size();
    largest = std::max(largest, b.size());
    return true;
  });
  CHECK(r.ok);
  CHECK(total == 1 + 670000);
  CHECK(largest <= 64 * 1024);
  // The consumer may stop it early.
  size_t calls = 0;
  const auto stopped = decode_adc(bytes_of(stream), [&](std::span<const uint8_t>) { return ++calls < 2; });
  CHECK(stopped.stopped);
  CHECK(calls == 2);
}

TEST_CASE("dmg: the blkx plist scan takes Data and Name, decodes entities and base64 across lines") {
  const std::string xml =
      "<plist><dict><key>resource-fork</key><dict><key>blkx</key><array>"
      "<dict><key>CFName</key><string>a</string><key>Data</key><data>\n\tbWlz\n\taA==\n</data>"
      "<key>Name</key><string>disk &amp; image</string></dict>"
      "<dict><key>Data</key><data>AAEC</data><key>CFName</key><string>second</string></dict>"
      "</array></dict></dict></plist>";
  const auto list = parse_blkx_plist(xml);
  CHECK(list.error.empty());
  REQUIRE(list.entries.size() == 2);
  CHECK(list.entries[0].name == "disk & image");
  CHECK(std::string(list.entries[0].table.begin(), list.entries[0].table.end()) == "mish");
  CHECK(list.entries[1].name == "second");
  CHECK(list.entries[1].table == std::vector<uint8_t>{0, 1, 2});

  CHECK_FALSE(parse_blkx_plist("<plist></plist>").error.empty());
  CHECK_FALSE(parse_blkx_plist("<key>blkx</key><array><dict><key>Data</key><data>AA").error.empty());
  const auto bad = parse_blkx_plist("<key>blkx</key><array><dict><key>Data</key><data>A*A</data></dict></array>");
  CHECK_FALSE(bad.error.empty());
  CHECK(bad.entries.empty());
}

TEST_CASE("dmg: only a version-4 koly trailer makes a file a DMG, whatever its first bytes") {
  std::string image(2048, '\0');
  image.replace(0, 3, "BZh");  // a UDBZ image starts with its first bzip2 run
  std::string koly(512, '\0');
  koly.replace(0, 12, std::string("koly\0\0\0\x04\0\0\x02\0", 12));
  CHECK(detect_file_type(bytes_of(image + koly)) == "dmg");
  CHECK(read_koly(bytes_of(image + koly)).has_value());
  std::string old = koly;
  old[7] = 3;
  CHECK(detect_file_type(bytes_of(image + old)) == "bzip2");
}

TEST_CASE("dmg: LZMA runs decode as xz streams; a cut stream is an error, not silence") {
  const std::string text(5000, 'x');
  std::vector<uint8_t> xz(text.size() + 1024);
  size_t used = 0;
  REQUIRE(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, nullptr, reinterpret_cast<const uint8_t*>(text.data()),
                                  text.size(), xz.data(), &used, xz.size()) == LZMA_OK);
  xz.resize(used);
  std::string out;
  const auto collect = [&](std::span<const uint8_t> b) {
    out.append(reinterpret_cast<const char*>(b.data()), b.size());
    return true;
  };
  CHECK(decode_xz(xz, collect).ok);
  CHECK(out == text);
  out.clear();
  const auto cut = decode_xz(std::span<const uint8_t>(xz).first(xz.size() - 8), collect);
  CHECK_FALSE(cut.ok);
}
