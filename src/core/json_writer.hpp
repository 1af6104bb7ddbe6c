#pragma once
#include <concepts>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace impostor::core {

// Compact JSON written straight into a string: byte for byte what nlohmann's
// dump(-1, ' ', false, error_handler_t::replace) prints for the same value, provided each
// object's keys come in the order a std::map-backed nlohmann object keeps them (sorted by
// bytes; checked in builds with assertions). The parts of a report that every URL of a
// crawl carries (page, hops) are written with it instead of being built as a tree,
// printed, and torn down. nlohmann has no streaming writer; this is the small one it lacks.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view name);

  // Invalid UTF-8 becomes U+FFFD, as nlohmann's replace handler does.
  void string(std::string_view text);
  // The text made valid first (core::to_valid_utf8, one U+FFFD per bad byte), then written:
  // what building the tree from to_valid_utf8(text) printed.
  void safe_string(std::string_view text);
  void boolean(bool value);
  void number(double value);
  template <std::integral T>
  requires(!std::same_as<T, bool>) void number(T value) {
    separate();
    if constexpr (std::signed_integral<T>)
      append_integer(static_cast<std::int64_t>(value));
    else
      append_unsigned(static_cast<std::uint64_t>(value));
    comma_ = true;
  }
  void strings(const std::vector<std::string>& items);  // an array of strings

  void safe_field(std::string_view name, std::string_view text) {
    key(name);
    safe_string(text);
  }

  template <typename T>
  void field(std::string_view name, const T& value) {
    key(name);
    if constexpr (std::same_as<T, bool>)
      boolean(value);
    else if constexpr (std::integral<T> || std::floating_point<T>)
      number(value);
    else if constexpr (std::same_as<T, std::vector<std::string>>)
      strings(value);
    else
      string(value);
  }

 private:
  void separate() {
    if (comma_) out_ += ',';
  }
  void append_integer(std::int64_t value);
  void append_unsigned(std::uint64_t value);

  std::string& out_;
  bool comma_ = false;  // the next key or value follows another at the same level
#ifndef NDEBUG
  std::vector<std::string> last_key_;  // per open object, to check the order
#endif
};

// The same output for a string, an integer or a whole tree, appended to `out`.
void append_json_string(std::string& out, std::string_view text);
void append_json_integer(std::string& out, std::int64_t value);
void append_json(std::string& out, const nlohmann::json& value);

}  // namespace impostor::core
