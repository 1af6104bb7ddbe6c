#include "core/json_writer.hpp"

#include <array>
#include <cassert>
#include <charconv>
#include <cmath>

#include "core/ascii_text.hpp"
#include "core/text_safety.hpp"

namespace impostor::core {

namespace {

// A string that needs no escaping and cannot be invalid UTF-8: printable ASCII without
// quote and backslash, most of a report (URLs, ids, hashes, names).
bool plain_ascii(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    const std::uint64_t x = swar::load(s.data() + i);
    if (((x & swar::kHigh) | swar::has_below(x, 0x20) | swar::has_byte(x, '"') | swar::has_byte(x, '\\')) != 0)
      return false;
  }
  for (; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u < 0x20 || u >= 0x80 || u == '"' || u == '\\') return false;
  }
  return true;
}

void append_number(std::string& out, auto number) {
  std::array<char, 24> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), number).ptr;
  out.append(digits.data(), end);
}

std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_plain(std::string& out, std::string_view text) {
  out += '"';
  out += text;
  out += '"';
}

// nlohmann's escaping of well-formed UTF-8 (ensure_ascii off): the two-character escapes
// it knows, \u00xx in lower case for the other C0 controls, every other byte as it is.
void append_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out.append(text.substr(run, i - run));
    run = i + 1;
    switch (u) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[u >> 4];
        out += kHex[u & 0xF];
    }
  }
  out.append(text.substr(run));
  out += '"';
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  if (plain_ascii(text))
    append_plain(out, text);
  else if (is_valid_utf8(text))
    append_escaped(out, text);
  else
    out += dump(nlohmann::json(std::string(text)));  // U+FFFD where nlohmann's replace handler puts it
}

void append_json_integer(std::string& out, std::int64_t value) { append_number(out, value); }

// nlohmann's compact dump, byte for byte, without its per-byte UTF-8 state machine on the
// plain text that is most of a report (URLs, ids, hashes, names).
void append_json(std::string& out, const nlohmann::json& value) {
  using value_t = nlohmann::json::value_t;
  switch (value.type()) {
    case value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.get_ref<const nlohmann::json::object_t&>()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, key);
        out += ':';
        append_json(out, item);
      }
      out += '}';
      return;
    }
    case value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value.get_ref<const nlohmann::json::array_t&>()) {
        if (!first) out += ',';
        first = false;
        append_json(out, item);
      }
      out += ']';
      return;
    }
    case value_t::string: append_json_string(out, value.get_ref<const std::string&>()); return;
    case value_t::number_integer: append_number(out, value.get<std::int64_t>()); return;
    case value_t::number_unsigned: append_number(out, value.get<std::uint64_t>()); return;
    case value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
    case value_t::null: out += "null"; return;
    default: break;  // floating point, binary: as nlohmann writes them
  }
  out += dump(value);
}

void JsonWriter::begin_object() {
  separate();
  out_ += '{';
  comma_ = false;
#ifndef NDEBUG
  last_key_.emplace_back();
#endif
}

void JsonWriter::end_object() {
  out_ += '}';
  comma_ = true;
#ifndef NDEBUG
  last_key_.pop_back();
#endif
}

void JsonWriter::begin_array() {
  separate();
  out_ += '[';
  comma_ = false;
}

void JsonWriter::end_array() {
  out_ += ']';
  comma_ = true;
}

void JsonWriter::key(std::string_view name) {
#ifndef NDEBUG
  // A key out of std::map order would print differently from the tree of the same object.
  assert(!last_key_.empty() && (last_key_.back().empty() || last_key_.back() < name));
  last_key_.back() = name;
#endif
  separate();
  append_json_string(out_, name);
  out_ += ':';
  comma_ = false;
}

void JsonWriter::string(std::string_view text) {
  separate();
  append_json_string(out_, text);
  comma_ = true;
}

void JsonWriter::safe_string(std::string_view text) {
  separate();
  if (plain_ascii(text))
    append_plain(out_, text);
  else if (is_valid_utf8(text))
    append_escaped(out_, text);
  else
    append_escaped(out_, to_valid_utf8(text));
  comma_ = true;
}

void JsonWriter::boolean(bool value) {
  separate();
  out_ += value ? "true" : "false";
  comma_ = true;
}

void JsonWriter::number(double value) {
  separate();
  // What nlohmann's serializer does for a double: null when not finite, else its Grisu2
  // shortest form ("1.0", "1e-05"), without building a value and a string for each.
  if (!std::isfinite(value)) {
    out_ += "null";
  } else {
    std::array<char, 64> digits{};
    char* end = nlohmann::detail::to_chars(digits.data(), digits.data() + digits.size(), value);
    out_.append(digits.data(), static_cast<size_t>(end - digits.data()));
  }
  comma_ = true;
}

void JsonWriter::strings(const std::vector<std::string>& items) {
  begin_array();
  for (const auto& s : items) string(s);
  end_array();
}

void JsonWriter::append_integer(std::int64_t value) { append_number(out_, value); }
void JsonWriter::append_unsigned(std::uint64_t value) { append_number(out_, value); }

}  // namespace impostor::core
