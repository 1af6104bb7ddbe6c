#include "domain/host_name.hpp"

#include "core/ascii_text.hpp"

#include <arpa/inet.h>
#include <idn2.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace impostor::domain {

namespace {

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }  // NOLINT: libidn2 allocates with malloc
};
using IdnString = std::unique_ptr<char, FreeDeleter>;

// U+3002 IDEOGRAPHIC FULL STOP, U+FF0E FULLWIDTH FULL STOP, U+FF61 HALFWIDTH IDEOGRAPHIC
// FULL STOP: UTS #46 maps them to '.', and browsers split labels on them.
std::string map_label_separators(std::string_view s) {
  static constexpr std::string_view kDots[] = {"\xE3\x80\x82", "\xEF\xBC\x8E", "\xEF\xBD\xA1"};
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    bool mapped = false;
    for (auto dot : kDots) {
      if (s.substr(i, dot.size()) == dot) {
        out += '.';
        i += dot.size();
        mapped = true;
        break;
      }
    }
    if (!mapped) out += s[i++];
  }
  return out;
}

bool has_alabel(std::string_view ascii) {
  for (size_t pos = 0; pos < ascii.size();) {
    if (ascii.substr(pos, 4) == "xn--") return true;
    const size_t dot = ascii.find('.', pos);
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return false;
}

// Length rules of RFC 1035 on the A-label form; the first problem found, or "".
std::string check_lengths(std::string_view ascii) {
  if (ascii.size() > 253) return "name is " + std::to_string(ascii.size()) + " bytes long; DNS allows 253";
  size_t start = 0;
  while (start <= ascii.size()) {
    const size_t dot = std::min(ascii.find('.', start), ascii.size());
    const size_t len = dot - start;
    if (len == 0) return "empty label at byte " + std::to_string(start);
    if (len > 63)
      return "label '" + std::string(ascii.substr(start, 20)) + "...' is " + std::to_string(len) +
             " bytes long; DNS allows 63";
    start = dot + 1;
  }
  return {};
}

std::string check_characters(std::string_view ascii) {
  for (size_t i = 0; i < ascii.size(); ++i) {
    const char c = ascii[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'))
      return std::string("character '") + c + "' at byte " + std::to_string(i) + " is not allowed in a host name";
  }
  return {};
}

// inet_pton() reads IPv4 from digits and dots alone, and no IPv6 text lacks a colon: the
// test spares names, nearly all of them, the two parses.
bool may_be_ip_literal(std::string_view host) {
  return host.find(':') != std::string_view::npos || host.find_first_not_of("0123456789.") == std::string_view::npos;
}

}  // namespace

std::vector<std::string_view> HostName::subdomain_labels() const {
  std::vector<std::string_view> out;
  if (ip_literal) return out;
  // Count registrable labels in the ASCII form; the Unicode form has the same label count.
  const auto count_labels = [](std::string_view s) {
    return s.empty() ? 0 : 1 + static_cast<size_t>(std::count(s.begin(), s.end(), '.'));
  };
  const size_t total = count_labels(unicode);
  const size_t keep =
      suffix.registrable.empty() ? count_labels(suffix.public_suffix) : count_labels(suffix.registrable);
  std::string_view rest = unicode;
  for (size_t i = 0; i + keep < total; ++i) {
    const size_t dot = rest.find('.');
    out.push_back(rest.substr(0, dot));
    rest.remove_prefix(dot + 1);
  }
  return out;
}

std::string_view HostName::registrable_label() const {
  if (ip_literal || suffix.registrable.empty()) return {};
  // The Unicode form has as many labels as the ASCII one: skip the subdomain labels.
  const auto dots = [](std::string_view s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '.')); };
  std::string_view rest = unicode;
  for (size_t skip = dots(unicode) - dots(suffix.registrable); skip > 0; --skip) rest.remove_prefix(rest.find('.') + 1);
  return rest.substr(0, rest.find('.'));
}

HostNameResult HostNormalizer::normalize(std::string_view text) const {
  auto parsed = parse_host_input(text);
  if (!parsed.input) {
    HostNameResult r;
    r.error = parsed.error;
    return r;
  }
  return normalize(std::move(*parsed.input));
}

HostNameResult HostNormalizer::normalize(HostInput input) const {
  HostNameResult r;
  r.input = std::move(input);
  std::string mapped;
  std::string_view host = r.input.host;
  if (!core::is_ascii(host)) {
    mapped = map_label_separators(host);
    host = mapped;
  }
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty()) {
    r.error = "empty host name";
    return r;
  }

  // IP literals: libcurl has already canonicalised every IPv4 spelling; IPv6 comes bracketed.
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (may_be_ip_literal(host)) {
    const std::string text(host);
    unsigned char buf[16];
    if (inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1) {
      r.host.ip_literal = true;
      r.host.ip = core::ascii_lower(host);
      r.host.ascii = r.host.unicode = r.host.ip;
      return r;
    }
  }

  // For ASCII names without A-labels, UTS #46 processing is exactly lower-casing, so skip
  // libidn2 there (it costs ~7 µs a name); every other name goes through libidn2.
  std::string lower = core::ascii_lower(host);
  if (core::is_ascii(host) && !has_alabel(lower)) {
    r.host.ascii = std::move(lower);
    r.host.unicode = r.host.ascii;
  } else {
    const std::string text(host);
    char* out = nullptr;
    int rc = idn2_to_ascii_8z(text.c_str(), &out, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    IdnString ascii(out);
    if (rc != IDN2_OK) {
      r.error = std::string("not a valid internationalised name: ") + idn2_strerror(rc);
      return r;
    }
    r.host.ascii = ascii.get();
    char* uout = nullptr;
    rc = idn2_to_unicode_8z8z(r.host.ascii.c_str(), &uout, 0);
    IdnString unicode(uout);
    if (rc != IDN2_OK) {
      r.error = std::string("cannot convert to Unicode: ") + idn2_strerror(rc);
      return r;
    }
    r.host.unicode = unicode.get();
  }
  if (auto e = check_lengths(r.host.ascii); !e.empty()) {
    r.error = e;
    return r;
  }
  if (auto e = check_characters(r.host.ascii); !e.empty()) {
    r.error = e;
    return r;
  }
  r.host.suffix = suffixes_.split(r.host.ascii);
  return r;
}

}  // namespace impostor::domain
