#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "pe/pe_image.hpp"
#include "signed_fixtures.hpp"

using impostor::pe::PeImage;
using Bytes = std::vector<uint8_t>;

namespace {

uint16_t t_le16(const Bytes& b, size_t at) { return static_cast<uint16_t>(b[at] | (b[at + 1] << 8)); }

void put16(Bytes& b, size_t at, uint16_t v) {
  if (b.size() < at + 2) b.resize(at + 2);
  b[at] = static_cast<uint8_t>(v);
  b[at + 1] = static_cast<uint8_t>(v >> 8);
}

void put32(Bytes& b, size_t at, uint32_t v) {
  if (b.size() < at + 4) b.resize(at + 4);
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

void put(Bytes& b, size_t at, const Bytes& data) {
  if (b.size() < at + data.size()) b.resize(at + data.size());
  std::copy(data.begin(), data.end(), b.begin() + static_cast<ptrdiff_t>(at));
}

struct SectionSpec {
  std::string name;
  uint32_t va, vsize, raw_offset, raw_size;
};

// A PE32+ laid out like a linker would: DOS header, e_lfanew 0x40, 16 directories,
// section table right after, headers padded to 0x400.
constexpr size_t kLfanew = 0x40;
constexpr size_t kOpt = kLfanew + 24;
constexpr size_t kDirs = kOpt + 112;
constexpr size_t kTable = kOpt + 240;

Bytes make_pe(const std::vector<SectionSpec>& sections, size_t file_size = 0x1000) {
  Bytes b(file_size, 0);
  b[0] = 'M';
  b[1] = 'Z';
  put32(b, 0x3C, kLfanew);
  put(b, kLfanew, {'P', 'E', 0, 0});
  put16(b, kLfanew + 4, 0x8664);
  put16(b, kLfanew + 6, static_cast<uint16_t>(sections.size()));
  put32(b, kLfanew + 8, 0x5E83C000);
  put16(b, kLfanew + 20, 240);
  put16(b, kLfanew + 22, 0x22);
  put16(b, kOpt, 0x20B);
  put32(b, kOpt + 16, 0x1010);  // entry point
  put32(b, kOpt + 60, 0x400);   // SizeOfHeaders
  put16(b, kOpt + 68, 2);       // GUI
  put32(b, kOpt + 108, 16);
  for (size_t i = 0; i < sections.size(); ++i) {
    const size_t at = kTable + i * 40;
    for (size_t k = 0; k < sections[i].name.size() && k < 8; ++k) b[at + k] = static_cast<uint8_t>(sections[i].name[k]);
    put32(b, at + 8, sections[i].vsize);
    put32(b, at + 12, sections[i].va);
    put32(b, at + 16, sections[i].raw_size);
    put32(b, at + 20, sections[i].raw_offset);
  }
  b.resize(file_size);
  return b;
}

void set_directory(Bytes& b, unsigned index, uint32_t rva, uint32_t size) {
  put32(b, kDirs + size_t{index} * 8, rva);
  put32(b, kDirs + size_t{index} * 8 + 4, size);
}

Bytes utf16(const std::u16string& s, bool terminate = true) {
  Bytes out;
  for (const char16_t c : s) {
    out.push_back(static_cast<uint8_t>(c));
    out.push_back(static_cast<uint8_t>(c >> 8));
  }
  if (terminate) out.insert(out.end(), {0, 0});
  return out;
}

void pad4(Bytes& b) {
  while (b.size() % 4) b.push_back(0);
}

// One VS_VERSIONINFO node: header, key, padding, value, padding, children.
Bytes vnode(const std::u16string& key, const Bytes& value, uint16_t value_length, uint16_t type,
            const std::vector<Bytes>& children = {}) {
  Bytes n(6, 0);
  const Bytes k = utf16(key);
  n.insert(n.end(), k.begin(), k.end());
  pad4(n);
  n.insert(n.end(), value.begin(), value.end());
  for (const auto& c : children) {
    pad4(n);
    n.insert(n.end(), c.begin(), c.end());
  }
  put16(n, 0, static_cast<uint16_t>(n.size()));
  put16(n, 2, value_length);
  put16(n, 4, type);
  return n;
}

Bytes vstring(const std::u16string& key, const std::u16string& value) {
  return vnode(key, utf16(value), static_cast<uint16_t>(value.size() + 1), 1);
}

Bytes version_blob(const std::vector<Bytes>& strings) {
  const Bytes fixed(52, 0);
  const Bytes table = vnode(u"040904b0", {}, 0, 1, strings);
  const Bytes sfi = vnode(u"StringFileInfo", {}, 0, 1, {table});
  return vnode(u"VS_VERSION_INFO", fixed, 52, 0, {sfi});
}

// A resource section at VA 0x2000 / file 0x600 with one tree: type -> name -> language
// -> data (`blob`, placed at offset 0x60 in the section).
Bytes pe_with_resource(uint32_t type, uint32_t name, const Bytes& blob) {
  const uint32_t raw_size = 0x60 + static_cast<uint32_t>(blob.size());
  Bytes b =
      make_pe({{".text", 0x1000, 0x100, 0x400, 0x200}, {".rsrc", 0x2000, raw_size, 0x600, raw_size}}, 0x600 + raw_size);
  set_directory(b, 2, 0x2000, raw_size);
  const size_t r = 0x600;
  put16(b, r + 14, 1);  // root: one id entry
  put32(b, r + 16, type);
  put32(b, r + 20, 0x80000000U | 0x18);
  put16(b, r + 0x18 + 14, 1);
  put32(b, r + 0x18 + 16, name);
  put32(b, r + 0x18 + 20, 0x80000000U | 0x30);
  put16(b, r + 0x30 + 14, 1);
  put32(b, r + 0x30 + 16, 0x409);
  put32(b, r + 0x30 + 20, 0x48);  // leaf: data entry
  put32(b, r + 0x48, 0x2060);
  put32(b, r + 0x4C, static_cast<uint32_t>(blob.size()));
  put(b, r + 0x60, blob);
  return b;
}

// Every accessor on a parsed image; ASan and UBSan judge whether any of them reads out of bounds.
size_t exercise(const PeImage& pe) {
  size_t n = pe.sections().size() + pe.resources().size() + pe.version_strings().size();
  for (unsigned i = 0; i < 20; ++i) n += pe.directory(i).has_value();
  for (const auto& s : pe.sections()) {
    n += pe.rva_to_offset(s.virtual_address).value_or(0) != 0;
    n += pe.section_data(s).has_value();
  }
  n += pe.resource(16, 1).has_value() + pe.resource(10, 11111).has_value();
  n += pe.overlay().size + pe.image_end() + pe.certificate_table().has_value();
  return n;
}

}  // namespace

TEST_CASE("PE: the mingw-built fixture's headers, sections and version resource") {
  const Bytes b = fx::read(fx::dir() / "unsigned.exe");
  std::string error;
  const auto pe = PeImage::parse(b, &error);
  REQUIRE_MESSAGE(pe, error);
  CHECK(pe->pe32_plus());
  CHECK(pe->machine() == 0x8664);
  CHECK(pe->subsystem() == 3);  // console
  const uint32_t lfanew = b[0x3C] | (b[0x3D] << 8);
  CHECK(pe->checksum_offset() == lfanew + 24 + 64);
  CHECK(pe->security_directory_offset() == lfanew + 24 + 112 + 4 * 8);
  CHECK(pe->number_of_rva_and_sizes() == 16);
  REQUIRE(pe->find_section(".text"));
  REQUIRE(pe->find_section(".rsrc"));
  // The entry point is code: it maps into .text's bytes on disk.
  const auto entry = pe->rva_to_offset(pe->entry_point_rva());
  REQUIRE(entry);
  const auto text = pe->section_data(*pe->find_section(".text"));
  REQUIRE(text);
  CHECK(*entry >= text->offset);
  CHECK(*entry < text->offset + text->size);
  CHECK_FALSE(pe->certificate_table());
  CHECK(pe->certificate_table_error().empty());
  CHECK(pe->image_end() == b.size());
  CHECK(pe->overlay().size == 0);

  const auto version = pe->resource(16, 1);
  REQUIRE(version);
  CHECK(version->size > 100);
  const auto strings = pe->version_strings();
  CHECK(strings.at("CompanyName") == "Zoom Video Communications, Inc.");
  CHECK(strings.at("ProductName") == "Zoom");
  CHECK(strings.at("OriginalFilename") == "ZoomInstaller.exe");
  CHECK(strings.at("FileVersion") == "5.4.9.0");
  CHECK(strings.at("ProductVersion") == "5.4.9.0");
  CHECK(strings.size() == 6);
}

TEST_CASE("PE: certificate table and overlay of signed and appended-to files") {
  const Bytes signed_pe = fx::read(fx::dir() / "zoom-signed.exe");
  const Bytes unsigned_pe = fx::read(fx::dir() / "unsigned.exe");
  const auto pe = PeImage::parse(signed_pe);
  REQUIRE(pe);
  const auto table = pe->certificate_table();
  REQUIRE(table);
  CHECK(table->offset == unsigned_pe.size());  // osslsigncode appends the table to the 8-aligned image
  CHECK(table->offset + table->size == signed_pe.size());
  CHECK(pe->directory(4)->rva == table->offset);
  CHECK(pe->overlay().size == 0);  // the certificate table is not an overlay

  SUBCASE("payload appended to an unsigned PE is the overlay") {
    Bytes b = unsigned_pe;
    const Bytes payload(1000, 0x7A);
    b.insert(b.end(), payload.begin(), payload.end());
    const auto p = PeImage::parse(b);
    REQUIRE(p);
    CHECK(p->overlay().offset == unsigned_pe.size());
    CHECK(p->overlay().size == 1000);
  }
  SUBCASE("payload after the certificate table is the overlay") {
    Bytes b = signed_pe;
    b.insert(b.end(), 512, 0x7A);
    const auto p = PeImage::parse(b);
    REQUIRE(p);
    CHECK(p->overlay().offset == signed_pe.size());
    CHECK(p->overlay().size == 512);
  }
  SUBCASE("payload between the image and the certificate table is the overlay") {
    Bytes b = unsigned_pe;
    b.insert(b.end(), 256, 0x7A);
    const uint32_t at = static_cast<uint32_t>(b.size());
    b.insert(b.end(), signed_pe.begin() + static_cast<ptrdiff_t>(table->offset), signed_pe.end());
    put32(b, pe->security_directory_offset(), at);
    put32(b, pe->security_directory_offset() + 4, static_cast<uint32_t>(table->size));
    const auto p = PeImage::parse(b);
    REQUIRE(p);
    CHECK(p->certificate_table()->offset == at);
    CHECK(p->overlay().offset == unsigned_pe.size());
    CHECK(p->overlay().size == 256);
  }
  SUBCASE("a certificate table outside the file is reported, not returned") {
    for (const auto& [offset, size] :
         std::vector<std::pair<uint32_t, uint32_t>>{{static_cast<uint32_t>(signed_pe.size()) + 16, 64},
                                                    {static_cast<uint32_t>(table->offset), table->size + 1},
                                                    {0xFFFFFFF0U, 0x20},
                                                    {16, 0xFFFFFFFFU}}) {
      Bytes b = signed_pe;
      put32(b, pe->security_directory_offset(), offset);
      put32(b, pe->security_directory_offset() + 4, size);
      const auto p = PeImage::parse(b);
      REQUIRE(p);
      CHECK_FALSE(p->certificate_table());
      CHECK(p->certificate_table_error().find("outside the file") != std::string::npos);
    }
  }
}

TEST_CASE("PE: hand-built layout, RVA mapping and section edge cases") {
  Bytes b = make_pe({{".text", 0x1000, 0x300, 0x400, 0x200},    // virtual tail past the raw data
                     {".bss", 0x2000, 0x1000, 0, 0},            // no bytes on disk
                     {".data", 0x3000, 0, 0x600, 0x200},        // VirtualSize 0: the raw size counts
                     {"12345678", 0x4000, 0x10, 0x800, 0x10}},  // a name using all 8 bytes, no NUL
                    0x810);
  const auto pe = PeImage::parse(b);
  REQUIRE(pe);
  REQUIRE(pe->sections().size() == 4);
  CHECK(pe->sections()[3].name == "12345678");
  CHECK(pe->size_of_headers() == 0x400);
  CHECK(pe->time_date_stamp() == 0x5E83C000);
  CHECK(pe->rva_to_offset(0x1000) == 0x400);
  CHECK(pe->rva_to_offset(0x11FF) == 0x5FF);
  CHECK_FALSE(pe->rva_to_offset(0x1200));  // in the section, but zero-filled by the loader
  CHECK_FALSE(pe->rva_to_offset(0x2010));
  CHECK(pe->rva_to_offset(0x3100) == 0x700);
  CHECK(pe->rva_to_offset(0x10) == 0x10);  // headers map onto themselves
  CHECK_FALSE(pe->rva_to_offset(0x9000));
  CHECK_FALSE(pe->rva_to_offset(0xFFFFFFFF));
  CHECK(pe->image_end() == 0x810);
  CHECK_FALSE(pe->section_data(pe->sections()[1]));

  SUBCASE("a section whose raw data runs past the end is clamped") {
    Bytes t = make_pe({{".text", 0x1000, 0x1000, 0x400, 0x10000}}, 0x500);
    const auto p = PeImage::parse(t);
    REQUIRE(p);
    CHECK(p->image_end() == 0x500);
    CHECK(p->section_data(p->sections()[0])->size == 0x100);
    CHECK_FALSE(p->rva_to_offset(0x1100));  // inside the section's declared raw size, past the file
  }
  SUBCASE("PE32 (not PE32+) directories sit at offset 96") {
    Bytes t = make_pe({}, 0x400);
    put16(t, kOpt, 0x10B);
    put16(t, kLfanew + 20, 224);
    put32(t, kOpt + 92, 16);
    put32(t, kOpt + 96 + size_t{2} * 8, 0x1234);
    const auto p = PeImage::parse(t);
    REQUIRE(p);
    CHECK_FALSE(p->pe32_plus());
    CHECK(p->directory(2)->rva == 0x1234);
    CHECK(p->security_directory_offset() == kOpt + 96 + 32);
  }
}

TEST_CASE("PE: hostile headers are rejected with a reason") {
  const Bytes good = make_pe({{".text", 0x1000, 0x100, 0x400, 0x100}}, 0x500);
  REQUIRE(PeImage::parse(good));
  auto reason = [](const Bytes& b) {
    std::string error;
    CHECK_FALSE(PeImage::parse(b, &error));
    return error;
  };

  CHECK(reason({}).find("too small") != std::string::npos);
  CHECK(reason(Bytes(63, 'M')).find("too small") != std::string::npos);
  Bytes b = good;
  b[0] = 'Z';
  CHECK(reason(b).find("MZ") != std::string::npos);
  for (const uint32_t lfanew : {0xFFFFFFFFU, 0xFFFFFFF0U, 0x80000000U, 0x500U, 0x4F0U}) {
    b = good;
    put32(b, 0x3C, lfanew);
    CHECK(reason(b).find("e_lfanew") != std::string::npos);
  }
  b = good;
  b[kLfanew + 1] = 'X';
  CHECK(reason(b).find("PE signature") != std::string::npos);
  b = good;
  put16(b, kOpt, 0x107);  // a ROM image
  CHECK(reason(b).find("magic") != std::string::npos);
  b = good;
  put16(b, kLfanew + 20, 8);
  CHECK(reason(b).find("SizeOfOptionalHeader") != std::string::npos);
  b = good;
  put16(b, kLfanew + 6, 0xFFFF);  // 65535 sections: a table 2.6 MB long in a 1.3 KB file
  CHECK(reason(b).find("section table") != std::string::npos);
  b = good;
  put16(b, kLfanew + 20, 0xFFFF);  // SizeOfOptionalHeader pushes the section table past the end
  CHECK(reason(b).find("section table") != std::string::npos);
  b = Bytes(good.begin(), good.begin() + static_cast<ptrdiff_t>(kOpt + 50));
  CHECK(reason(b).find("optional header") != std::string::npos);

  SUBCASE("NumberOfRvaAndSizes huge or zero") {
    b = good;
    put32(b, kOpt + 108, 0xFFFFFFFFU);
    auto pe = PeImage::parse(b);
    REQUIRE(pe);
    CHECK(pe->number_of_rva_and_sizes() == 0xFFFFFFFFU);
    CHECK(pe->directory(15));
    CHECK_FALSE(pe->directory(16));  // never more than the 16 the format has
    put32(b, kOpt + 108, 0);
    pe = PeImage::parse(b);
    REQUIRE(pe);
    CHECK_FALSE(pe->directory(0));
    CHECK(pe->security_directory_offset() == 0);
    CHECK_FALSE(pe->certificate_table());
    // A header that declares 16 directories but only has room for 3 gets 3.
    b = good;
    put16(b, kLfanew + 20, 112 + 3 * 8);
    pe = PeImage::parse(b);
    REQUIRE(pe);
    CHECK(pe->directory(2));
    CHECK_FALSE(pe->directory(3));
  }
}

TEST_CASE("PE: resources, version info and hostile resource trees") {
  const Bytes blob = version_blob({vstring(u"CompanyName", u"Zoom Video Communications, Inc."),
                                   vstring(u"ProductName", u"Z\u043e\u043em \u2122"),  // Cyrillic o's and a TM sign
                                   vstring(u"FileVersion", u"5.4.9"), vstring(u"Emoji", u"\U0001F600"),
                                   vstring(u"Broken", std::u16string(1, u'\xD800') + u"x")});
  Bytes b = pe_with_resource(16, 1, blob);
  auto pe = PeImage::parse(b);
  REQUIRE(pe);
  const auto all = pe->resources();
  REQUIRE(all.size() == 1);
  CHECK(all[0].type_id == 16);
  CHECK(all[0].name_id == 1);
  CHECK(all[0].language == 0x409);
  CHECK(all[0].data.offset == 0x660);
  CHECK(all[0].data.size == blob.size());
  CHECK(pe->resource(16, 1)->offset == 0x660);
  CHECK_FALSE(pe->resource(16, 2));
  CHECK_FALSE(pe->resource(10, 1));
  auto strings = pe->version_strings();
  CHECK(strings.at("CompanyName") == "Zoom Video Communications, Inc.");
  CHECK(strings.at("ProductName") == "Z\xD0\xBE\xD0\xBEm \xE2\x84\xA2");
  CHECK(strings.at("FileVersion") == "5.4.9");
  CHECK(strings.at("Emoji") == "\xF0\x9F\x98\x80");
  CHECK(strings.at("Broken") == "\xEF\xBF\xBDx");  // an unpaired surrogate becomes U+FFFD

  SUBCASE("an Inno-style RCDATA 11111 resource is found by id") {
    const Bytes loader = {'r', 'D', 'l', 'P', 't', 'S', '0', '2'};
    const Bytes t = pe_with_resource(10, 11111, loader);  // the image views these bytes: they must outlive it
    const auto p = PeImage::parse(t);
    REQUIRE(p);
    const auto r = p->resource(10, 11111);
    REQUIRE(r);
    CHECK(r->size == loader.size());
    CHECK(p->version_strings().empty());
  }
  SUBCASE("directory cycles and huge entry counts cost bounded work") {
    Bytes t = b;
    put32(t, 0x600 + 20, 0x80000000U);  // the type entry points back at the root
    auto p = PeImage::parse(t);
    REQUIRE(p);
    CHECK(p->resources().empty());
    CHECK(p->version_strings().empty());
    t = b;
    put32(t, 0x600 + 0x18 + 20, 0x80000000U | 0x18);  // the name level points at itself
    p = PeImage::parse(t);
    REQUIRE(p);
    CHECK(p->resources().empty());
    t = b;
    put16(t, 0x600 + 12, 0xFFFF);  // 131070 entries claimed, most of them past the section
    put16(t, 0x600 + 14, 0xFFFF);
    p = PeImage::parse(t);
    REQUIRE(p);
    CHECK(p->resources().size() <= 1);
    t = b;
    put32(t, 0x600 + 0x30 + 20, 0x80000000U | 0x30);  // a fourth level: not a resource
    p = PeImage::parse(t);
    REQUIRE(p);
    CHECK(p->resources().empty());
  }
  SUBCASE("data entries that lie") {
    Bytes t = b;
    put32(t, 0x600 + 0x4C, 0xFFFFFFF0U);  // size far past the file: clamped
    auto p = PeImage::parse(t);
    REQUIRE(p);
    REQUIRE(p->resource(16, 1));
    CHECK(p->resource(16, 1)->offset + p->resource(16, 1)->size == t.size());
    CHECK(p->version_strings().at("CompanyName") == "Zoom Video Communications, Inc.");
    put32(t, 0x600 + 0x48, 0x7FFFFFF0U);  // data RVA nowhere
    p = PeImage::parse(t);
    REQUIRE(p);
    CHECK_FALSE(p->resource(16, 1));
    t = b;
    set_directory(t, 2, 0xFFFFFFF0U, 0x100);  // the root itself is nowhere
    p = PeImage::parse(t);
    REQUIRE(p);
    CHECK(p->resources().empty());
  }
  SUBCASE("version-info lengths that lie") {
    const size_t v = 0x660;
    const size_t sfi = v + 92;  // VS_VERSION_INFO header+key (40), padding, 52 bytes of fixed info
    REQUIRE(t_le16(b, sfi + 6) == 'S');
    for (const auto& [at, value] : std::vector<std::pair<size_t, uint16_t>>{
             {v, 0xFFFF},       // the root claims more than the blob
             {v, 3},            // shorter than its own header
             {v, 0},            // zero
             {sfi, 0xFFFF},     // StringFileInfo longer than its parent
             {sfi, 0},          // StringFileInfo of length 0
             {v + 2, 0xFFFF},   // fixed-info length past the end
             {sfi + 2, 0xFFFF}  // a text value length past the end
         }) {
      Bytes t = b;
      put16(t, at, value);
      const auto p = PeImage::parse(t);
      REQUIRE(p);
      const auto s = p->version_strings();  // partial or empty; never out of bounds
      CHECK(s.size() <= 5);
    }
    // Every string's length set to 0xFFFF, one at a time and all at once.
    Bytes all_lying = b;
    for (size_t at = sfi; at + 1 < b.size(); at += 2) {
      Bytes t = b;
      put16(t, at, 0xFFFF);
      put16(all_lying, at, 0xFFFF);
      const auto p = PeImage::parse(t);
      REQUIRE(p);
      CHECK(p->version_strings().size() <= 5);
    }
    const auto p = PeImage::parse(all_lying);
    REQUIRE(p);
    CHECK(p->version_strings().size() <= 5);
  }
}

TEST_CASE("PE: truncated at every offset and bit-flipped, never out of bounds") {
  const Bytes b = fx::read(fx::dir() / "zoom-signed.exe");
  const auto whole = PeImage::parse(b);
  REQUIRE(whole);
  const size_t table_end = kTable + whole->sections().size() * 40;  // not exact for mingw, only a lower bound
  size_t rejected = 0, parsed = 0;
  for (size_t n = 0; n < b.size(); n += (n < 0x800 ? 1 : 61)) {
    const Bytes cut(b.begin(), b.begin() + static_cast<ptrdiff_t>(n));
    std::string error;
    const auto pe = PeImage::parse(cut, &error);
    if (!pe) {
      CHECK_FALSE(error.empty());
      ++rejected;
      continue;
    }
    ++parsed;
    CHECK(pe->image_end() <= n);
    CHECK(pe->overlay().offset + pe->overlay().size <= n);
    CHECK_FALSE(pe->certificate_table());  // it started at the old end of the file
    exercise(*pe);
  }
  CHECK(rejected >= table_end);  // every cut inside the headers is refused
  CHECK(parsed > 100);

  std::mt19937 rng(0x1A905702);
  size_t survived = 0;
  for (int round = 0; round < 3000; ++round) {
    Bytes t = b;
    // Mostly in the headers and the resource section, where the parser reads.
    const size_t limit = round % 2 ? 0x400 : t.size();
    for (int k = 0; k < 4; ++k) t[rng() % limit] ^= static_cast<uint8_t>(1U << (rng() % 8));
    if (const auto pe = PeImage::parse(t)) {
      exercise(*pe);
      ++survived;
    }
  }
  CHECK(survived > 0);
}

TEST_CASE("PE: real Debian EFI binaries") {
  const Bytes shim = fx::read(fx::efi_dir() / "shimx64.efi.signed");
  const Bytes grub = fx::read(fx::efi_dir() / "grubx64.efi.signed");
  std::string error;
  const auto s = PeImage::parse(shim, &error);
  REQUIRE_MESSAGE(s, error);
  CHECK(s->pe32_plus());
  CHECK(s->subsystem() == 10);  // EFI application
  const auto table = s->certificate_table();
  REQUIRE(table);
  CHECK(table->offset + table->size == shim.size());
  // ".vendor_cert" is longer than 8 bytes: the header stores "/N", an offset into the
  // COFF string table, which gives the full name.
  const auto* vendor = s->find_section(".vendor_cert");
  REQUIRE(vendor);
  CHECK(vendor->name.front() == '/');
  CHECK(vendor->long_name == ".vendor_cert");
  CHECK(s->section_data(*vendor)->size >= vendor->virtual_size);
  const auto g = PeImage::parse(grub, &error);
  REQUIRE_MESSAGE(g, error);
  CHECK(g->subsystem() == 10);
  CHECK(g->certificate_table());
  CHECK(g->find_section(".text"));
  exercise(*s);
  exercise(*g);
}
