#include "page/charset_decoder.hpp"

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucnv_err.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <array>
#include <memory>

#include "core/text_safety.hpp"
#include "page/text_util.hpp"

namespace impostor::page {

namespace {

constexpr size_t kMetaPrescanBytes = 4096;
constexpr size_t kMaxLabel = 40;
constexpr int32_t kMinDetectorConfidence = 50;

struct ConverterDeleter {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
using Converter = std::unique_ptr<UConverter, ConverterDeleter>;
struct DetectorDeleter {
  void operator()(UCharsetDetector* d) const { ucsdet_close(d); }
};

// WHATWG maps several labels to a superset encoding; ICU knows the labels but would pick
// the strict one. The rest of the labels go to ICU unchanged.
// Encoding labels are ASCII words (WHATWG); ICU's loose name matching would also open
// "utf\xF08" as UTF-8, and the raw label would then reach the report.
bool is_label(std::string_view label) {
  return !label.empty() && label.size() <= 64 &&
         std::all_of(label.begin(), label.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

std::string converter_name(std::string_view label) {
  std::string l = text::ascii_lower(text::trim(label));
  if (l == "iso-8859-1" || l == "latin1" || l == "l1" || l == "us-ascii" || l == "ascii" || l == "iso8859-1" ||
      l == "cp1252" || l == "x-cp1252" || l == "cp819" || l == "ibm819" || l == "iso-ir-100")
    return "windows-1252";
  if (l == "iso-8859-9" || l == "latin5") return "windows-1254";
  if (l == "tis-620" || l == "iso-8859-11") return "windows-874";
  if (l == "gb2312" || l == "x-gbk" || l == "gb_2312-80" || l == "chinese") return "GBK";
  if (l == "euc-kr" || l == "ks_c_5601-1987" || l == "korean") return "windows-949";
  if (l == "shift_jis" || l == "sjis" || l == "x-sjis" || l == "ms_kanji" || l == "csshiftjis" || l == "ms932" ||
      l == "windows-31j")
    return "Shift_JIS";
  if (l == "utf-16" || l == "utf-16le" || l == "unicode") return "UTF-16LE";
  if (l == "utf-16be") return "UTF-16BE";
  if (l == "utf-8" || l == "utf8" || l == "unicode-1-1-utf-8") return "UTF-8";
  return l;
}

bool is_utf16(std::string_view name) { return name.rfind("UTF-16", 0) == 0; }

Converter open_converter(const std::string& name) {
  if (name.empty() || name == "x-user-defined" || name == "replacement") return nullptr;
  UErrorCode status = U_ZERO_ERROR;
  Converter c(ucnv_open(name.c_str(), &status));
  if (U_FAILURE(status)) return nullptr;
  return c;
}

// Every ill-formed or unmappable input sequence becomes one U+FFFD and is counted.
void count_and_substitute(const void* context, UConverterToUnicodeArgs* args, const char* /*units*/, int32_t /*length*/,
                          UConverterCallbackReason reason, UErrorCode* status) {
  if (reason > UCNV_IRREGULAR) return;  // reset, close, clone
  *status = U_ZERO_ERROR;
  static constexpr UChar kReplacement = 0xFFFD;
  ucnv_cbToUWriteUChars(args, &kReplacement, 1, 0, status);
  ++*static_cast<size_t*>(const_cast<void*>(context));
}

bool convert(UConverter* from, std::string_view in, std::string& out, size_t& replaced) {
  UErrorCode status = U_ZERO_ERROR;
  ucnv_setToUCallBack(from, count_and_substitute, &replaced, nullptr, nullptr, &status);
  Converter to = open_converter("UTF-8");
  if (U_FAILURE(status) || !to) return false;
  // Not value-initialised: zeroing these 72 KiB cost more than decoding a small page.
  std::array<UChar, 4096> pivot;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  UChar* pivot_source = pivot.data();
  UChar* pivot_target = pivot.data();
  const char* source = in.data();
  const char* source_limit = in.data() + in.size();
  std::array<char, 1 << 16> chunk;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  out.reserve(in.size() + in.size() / 2);
  bool reset = true;
  for (;;) {
    char* target = chunk.data();
    status = U_ZERO_ERROR;
    ucnv_convertEx(to.get(), from, &target, chunk.data() + chunk.size(), &source, source_limit, pivot.data(),
                   &pivot_source, &pivot_target, pivot.data() + pivot.size(), reset, /*flush=*/true, &status);
    reset = false;
    out.append(chunk.data(), static_cast<size_t>(target - chunk.data()));
    if (status == U_BUFFER_OVERFLOW_ERROR) continue;
    return U_SUCCESS(status);
  }
}

std::optional<std::string> detect(std::string_view bytes) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, DetectorDeleter> det(ucsdet_open(&status));
  if (U_FAILURE(status)) return std::nullopt;
  const std::string_view sample = bytes.substr(0, 64 << 10);
  ucsdet_setText(det.get(), sample.data(), static_cast<int32_t>(sample.size()), &status);
  ucsdet_enableInputFilter(det.get(), true);  // ignore markup
  const UCharsetMatch* match = ucsdet_detect(det.get(), &status);
  if (U_FAILURE(status) || match == nullptr) return std::nullopt;
  const int32_t confidence = ucsdet_getConfidence(match, &status);
  const char* name = ucsdet_getName(match, &status);
  if (U_FAILURE(status) || name == nullptr || confidence < kMinDetectorConfidence) return std::nullopt;
  return std::string(name);
}

// Attribute scanner for the meta pre-scan: name and value of the next attribute in a tag.
struct Attribute {
  std::string name;
  std::string value;
};
std::optional<Attribute> next_attribute(std::string_view s, size_t& i) {
  while (i < s.size() && (text::is_space(s[i]) || s[i] == '/')) ++i;
  if (i >= s.size() || s[i] == '>') return std::nullopt;
  Attribute a;
  while (i < s.size() && !text::is_space(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/')
    a.name += text::lower(s[i++]);
  while (i < s.size() && text::is_space(s[i])) ++i;
  if (i >= s.size() || s[i] != '=') return a;
  ++i;
  while (i < s.size() && text::is_space(s[i])) ++i;
  if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
    const char quote = s[i++];
    const size_t end = s.find(quote, i);
    a.value = s.substr(i, (end == std::string_view::npos ? s.size() : end) - i);
    i = end == std::string_view::npos ? s.size() : end + 1;
  } else {
    while (i < s.size() && !text::is_space(s[i]) && s[i] != '>') a.value += s[i++];
  }
  return a;
}

}  // namespace

std::string_view to_string(CharsetSource s) {
  switch (s) {
    case CharsetSource::bom: return "bom";
    case CharsetSource::content_type: return "content-type";
    case CharsetSource::meta: return "meta";
    case CharsetSource::sniffed: return "sniffed";
    case CharsetSource::utf8_valid: return "utf8-valid";
    case CharsetSource::detected: return "detected";
    case CharsetSource::fallback: return "fallback";
  }
  return "fallback";
}

std::optional<std::string> charset_from_content_type(std::string_view content_type) {
  const std::string lowered = text::ascii_lower(content_type);
  size_t at = lowered.find("charset");
  while (at != std::string::npos) {
    size_t i = at + 7;
    while (i < lowered.size() && text::is_space(lowered[i])) ++i;
    if (i < lowered.size() && lowered[i] == '=') {
      ++i;
      while (i < lowered.size() && text::is_space(lowered[i])) ++i;
      if (i < lowered.size() && (lowered[i] == '"' || lowered[i] == '\'')) ++i;
      size_t end = i;
      while (end < lowered.size() && lowered[end] != ';' && lowered[end] != '"' && lowered[end] != '\'' &&
             !text::is_space(lowered[end]))
        ++end;
      if (end > i) return std::string(text::utf8_prefix(content_type.substr(i, end - i), kMaxLabel));
      return std::nullopt;
    }
    at = lowered.find("charset", at + 7);
  }
  return std::nullopt;
}

std::optional<std::string> charset_from_meta(std::string_view head) {
  head = head.substr(0, kMetaPrescanBytes);
  const std::string lowered = text::ascii_lower(head);
  size_t i = 0;
  while (i < lowered.size()) {
    const size_t lt = lowered.find('<', i);
    if (lt == std::string::npos) break;
    if (lowered.compare(lt, 4, "<!--") == 0) {
      const size_t end = lowered.find("-->", lt + 4);
      if (end == std::string::npos) break;
      i = end + 3;
      continue;
    }
    if (lowered.compare(lt, 5, "<meta") != 0 || lt + 5 >= lowered.size() ||
        !(text::is_space(lowered[lt + 5]) || lowered[lt + 5] == '/')) {
      i = lt + 1;
      continue;
    }
    i = lt + 5;
    bool http_equiv_content_type = false;
    std::optional<std::string> from_content;
    while (auto a = next_attribute(head, i)) {
      if (a->name == "charset" && !text::trim(a->value).empty())
        return std::string(text::utf8_prefix(text::trim(a->value), kMaxLabel));
      if (a->name == "http-equiv") http_equiv_content_type = text::ascii_lower(text::trim(a->value)) == "content-type";
      if (a->name == "content") from_content = charset_from_content_type(a->value);
    }
    if (http_equiv_content_type && from_content) return from_content;
  }
  return std::nullopt;
}

DecodedText decode_to_utf8(std::string_view bytes, std::string_view content_type, size_t max_input_bytes) {
  DecodedText out;
  out.input_bytes = bytes.size();
  if (bytes.size() > max_input_bytes) {
    bytes = bytes.substr(0, max_input_bytes);
    out.truncated = true;
  }

  // Candidates in WHATWG order; the first one ICU can open wins.
  struct Candidate {
    std::string label;
    CharsetSource source;
  };
  std::string_view body = bytes;
  std::optional<Candidate> chosen;
  const auto starts = [&](std::string_view prefix) { return body.substr(0, prefix.size()) == prefix; };
  if (starts("\xEF\xBB\xBF")) {
    chosen = Candidate{"UTF-8", CharsetSource::bom};
    body.remove_prefix(3);
  } else if (starts("\xFF\xFE")) {
    chosen = Candidate{"UTF-16LE", CharsetSource::bom};
    body.remove_prefix(2);
  } else if (starts("\xFE\xFF")) {
    chosen = Candidate{"UTF-16BE", CharsetSource::bom};
    body.remove_prefix(2);
  }
  if (!chosen) {
    if (auto label = charset_from_content_type(content_type);
        label && is_label(*label) && open_converter(converter_name(*label))) {
      out.declared = *label;
      chosen = Candidate{*label, CharsetSource::content_type};
    }
  }
  if (!chosen && body.size() >= 2) {
    if (body[0] == '<' && body[1] == '\0') chosen = Candidate{"UTF-16LE", CharsetSource::sniffed};
    if (body[0] == '\0' && body[1] == '<') chosen = Candidate{"UTF-16BE", CharsetSource::sniffed};
  }
  if (!chosen) {
    if (auto label = charset_from_meta(body); label && is_label(*label) && open_converter(converter_name(*label))) {
      out.declared = *label;
      // A page that says it is UTF-16 in ASCII-compatible bytes is not (WHATWG: use UTF-8).
      chosen = Candidate{is_utf16(converter_name(*label)) ? "UTF-8" : *label, CharsetSource::meta};
    }
  }
  if (!chosen && core::is_valid_utf8(body)) chosen = Candidate{"UTF-8", CharsetSource::utf8_valid};
  if (!chosen) {
    if (auto name = detect(body); name && open_converter(converter_name(*name)))
      chosen = Candidate{*name, CharsetSource::detected};
  }
  if (!chosen) chosen = Candidate{"windows-1252", CharsetSource::fallback};

  out.source = chosen->source;
  out.charset = converter_name(chosen->label);
  std::string utf8;
  if (out.charset == "UTF-8" && (chosen->source == CharsetSource::utf8_valid || core::is_valid_utf8(body))) {
    // Most pages: ICU's UTF-8 to UTF-8 conversion of well-formed input is the identity.
    utf8.assign(body);
  } else if (Converter from = open_converter(out.charset); !from || !convert(from.get(), body, utf8, out.replaced)) {
    out.charset = "UTF-8";
    utf8 = core::to_valid_utf8(body);
  }
  // U+0000 would end Gumbo's C strings early; the HTML tokenizer replaces it with U+FFFD too.
  if (utf8.find('\0') == std::string::npos) {
    out.utf8 = std::move(utf8);
  } else {
    out.utf8.reserve(utf8.size() + 16);
    for (char c : utf8) {
      if (c == '\0') {
        out.utf8 += "\xEF\xBF\xBD";
        ++out.nul_characters;
      } else {
        out.utf8 += c;
      }
    }
  }
  return out;
}

}  // namespace impostor::page
