#include "analyze/vendor_claim.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "core/ascii_text.hpp"

namespace impostor::analyze {

namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_lower(c) || is_upper(c) || is_digit(c); }

// Letters and digits only, lowercase: "Zoom Video Communications, Inc." → "zoomvideocommunicationsinc".
std::string folded(std::string_view s) {
  std::string out;
  for (char c : s)
    if (is_alnum(c)) out.push_back(is_upper(c) ? static_cast<char>(c + 32) : c);
  return out;
}

// Words separated by single spaces, lowercase, for phrase matching on word boundaries.
std::string spaced_words(std::string_view s) {
  std::string out;
  for (const auto& t : name_tokens(s)) out += (out.empty() ? "" : " ") + t;
  return out;
}

bool contains_phrase(const std::string& words, const std::string& phrase) {
  if (phrase.empty()) return false;
  size_t at = 0;
  while ((at = words.find(phrase, at)) != std::string::npos) {
    const bool start = at == 0 || words[at - 1] == ' ';
    const bool end = at + phrase.size() == words.size() || words[at + phrase.size()] == ' ';
    if (start && end) return true;
    ++at;
  }
  return false;
}

bool claims(const allowlist::Vendor& v, std::string_view text) {
  if (text.empty()) return false;
  const auto tokens = name_tokens(text);
  for (const auto& b : v.brand_tokens)
    if (std::find(tokens.begin(), tokens.end(), core::ascii_lower(b)) != tokens.end()) return true;
  const std::string lower = core::ascii_lower(text);
  for (const auto& d : v.distinctive_tokens)
    if (!d.empty() &&
        (lower.find(core::ascii_lower(d)) != std::string::npos || folded(text).find(folded(d)) != std::string::npos))
      return true;
  const std::string words = spaced_words(text);
  auto phrase = [&](const std::string& p) { return contains_phrase(words, spaced_words(p)); };
  return std::any_of(v.product_names.begin(), v.product_names.end(), phrase) ||
         std::any_of(v.authenticode_publishers.begin(), v.authenticode_publishers.end(), phrase) ||
         (!v.company.empty() && phrase(v.company)) || (!v.name.empty() && phrase(v.name));
}

// Strongest first: who the file says published it, then what it says it is, then its name.
constexpr std::array<std::string_view, 5> kVersionKeys = {"CompanyName", "ProductName", "OriginalFilename",
                                                          "InternalName", "FileDescription"};
constexpr std::array<std::string_view, 4> kPropertyKeys = {"Manufacturer", "ProductName", "identifier", "title"};

}  // namespace

std::vector<std::string> name_tokens(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  char prev = 0;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  for (char c : text) {
    if (!is_alnum(c)) {
      flush();
    } else {
      const bool boundary = (is_upper(c) && is_lower(prev)) || (is_digit(c) != is_digit(prev) && is_alnum(prev));
      if (boundary) flush();
      cur.push_back(is_upper(c) ? static_cast<char>(c + 32) : c);
    }
    prev = c;
    if (out.size() > 256) break;  // names are short; a long one need not be read to the end
  }
  flush();
  return out;
}

bool is_vendor_publisher(const allowlist::Vendor& vendor, std::string_view publisher) {
  const std::string p = folded(publisher);
  if (p.empty()) return false;
  return std::any_of(vendor.authenticode_publishers.begin(), vendor.authenticode_publishers.end(),
                     [&](const std::string& known) { return folded(known) == p; });
}

std::vector<VendorClaim> find_vendor_claims(const allowlist::Allowlist& allowlist, const ClaimSources& sources) {
  std::vector<VendorClaim> out;
  for (const auto& v : allowlist.vendors) {
    auto found = [&]() -> std::optional<VendorClaim> {
      for (auto key : kPropertyKeys)
        if (auto it = sources.properties.find(std::string(key));
            it != sources.properties.end() && claims(v, it->second))
          return VendorClaim{&v, it->first, it->second};
      for (auto key : kVersionKeys)
        if (auto it = sources.version_strings.find(std::string(key));
            it != sources.version_strings.end() && claims(v, it->second))
          return VendorClaim{&v, it->first, it->second};
      // The name without its extension: "zoom.exe" is a Zoom claim, ".exe" carries no word.
      if (claims(v, sources.file_name)) return VendorClaim{&v, "file name", sources.file_name};
      return std::nullopt;
    }();
    if (found) out.push_back(std::move(*found));
  }
  return out;
}

}  // namespace impostor::analyze
