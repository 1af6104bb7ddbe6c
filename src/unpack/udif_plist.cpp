#include "unpack/udif_plist.hpp"

#include <array>
#include <optional>

namespace impostor::unpack {

namespace {

constexpr size_t kMaxNameBytes = 256;

// Base64 with whitespace ignored (plists wrap it in lines and tabs); false on any other
// character outside the alphabet.
bool base64_decode(std::string_view text, std::vector<uint8_t>& out) {
  static const std::array<int8_t, 256> kValue = [] {
    std::array<int8_t, 256> v{};
    v.fill(-1);
    const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < alphabet.size(); ++i) v[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
    return v;
  }();
  out.reserve(text.size() / 4 * 3);  // bounded by text already in memory
  uint32_t acc = 0;
  int bits = 0;
  for (const char ch : text) {
    const auto c = static_cast<uint8_t>(ch);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '=') break;
    const int8_t v = kValue[c];
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  return true;
}

std::string decode_entities(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size() && out.size() < kMaxNameBytes; ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    static constexpr std::array<std::pair<std::string_view, char>, 5> kEntities = {
        {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}}};
    bool matched = false;
    for (const auto& [entity, c] : kEntities)
      if (s.substr(i, entity.size()) == entity) {
        out += c;
        i += entity.size() - 1;
        matched = true;
        break;
      }
    if (!matched) out += '&';
  }
  return out;
}

// The text between `open` and `close` that follows `key` inside `dict`, if any.
std::optional<std::string_view> value_after(std::string_view dict, std::string_view key, std::string_view open,
                                            std::string_view close) {
  const size_t k = dict.find(key);
  if (k == std::string_view::npos) return std::nullopt;
  const size_t o = dict.find(open, k + key.size());
  if (o == std::string_view::npos) return std::nullopt;
  // Only whitespace may separate a key from its value.
  for (size_t i = k + key.size(); i < o; ++i)
    if (dict[i] != ' ' && dict[i] != '\t' && dict[i] != '\n' && dict[i] != '\r') return std::nullopt;
  const size_t c = dict.find(close, o + open.size());
  if (c == std::string_view::npos) return std::nullopt;
  return dict.substr(o + open.size(), c - o - open.size());
}

}  // namespace

BlkxList parse_blkx_plist(std::string_view xml) {
  BlkxList list;
  const size_t key = xml.find("<key>blkx</key>");
  if (key == std::string_view::npos) {
    list.error = "the property list has no blkx entry";
    return list;
  }
  const size_t array = xml.find("<array>", key);
  const size_t array_end = array == std::string_view::npos ? array : xml.find("</array>", array);
  if (array_end == std::string_view::npos) {
    list.error = "the blkx array is not closed";
    return list;
  }
  const std::string_view items = xml.substr(array, array_end - array);
  size_t pos = 0;
  while (true) {
    const size_t d = items.find("<dict>", pos);
    if (d == std::string_view::npos) break;
    const size_t e = items.find("</dict>", d);
    if (e == std::string_view::npos) {
      list.error = "a blkx dict is not closed";
      break;
    }
    if (list.entries.size() >= kMaxUdifPartitions) {
      list.error = "more than " + std::to_string(kMaxUdifPartitions) + " partitions";
      break;
    }
    const std::string_view dict = items.substr(d, e - d);
    pos = e + 7;
    BlkxEntry entry;
    const auto data = value_after(dict, "<key>Data</key>", "<data>", "</data>");
    if (!data || !base64_decode(*data, entry.table)) {
      list.error = "a blkx dict without readable Data";
      break;
    }
    auto name = value_after(dict, "<key>Name</key>", "<string>", "</string>");
    if (!name) name = value_after(dict, "<key>CFName</key>", "<string>", "</string>");
    if (name) entry.name = decode_entities(*name);
    list.entries.push_back(std::move(entry));
  }
  if (list.entries.empty() && list.error.empty()) list.error = "the blkx array is empty";
  return list;
}

}  // namespace impostor::unpack
