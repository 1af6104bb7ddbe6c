#include "analyze/crawl_input.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/text_safety.hpp"

namespace impostor::analyze {

std::optional<CrawlItem> parse_crawl_line(std::string_view line, size_t line_number, std::string& error) {
  error.clear();
  constexpr size_t kMaxLine = size_t{64} * 1024;
  if (line.size() > kMaxLine) {
    error = "line longer than 64 KiB";
    return std::nullopt;
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' ' || line.back() == '\t'))
    line.remove_suffix(1);
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  if (line.size() >= 3 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // a BOM on the first line
  if (line.empty() || line.front() == '#') return std::nullopt;

  CrawlItem item;
  item.line = line_number;
  if (line.front() != '{') {
    if (line.find_first_of(" \t") != std::string_view::npos || line.find('\0') != std::string_view::npos) {
      error = "not a URL (contains spaces or NUL)";
      return std::nullopt;
    }
    item.url = core::to_valid_utf8(line);
    return item;
  }
  const auto json = nlohmann::json::parse(line, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    error = "not valid JSON";
    return std::nullopt;
  }
  const auto url = json.find("url");
  if (url == json.end() || !url->is_string() || url->get_ref<const std::string&>().empty()) {
    error = "JSON line without a \"url\" string";
    return std::nullopt;
  }
  item.url = core::to_valid_utf8(url->get_ref<const std::string&>());
  auto text = [&](const char* key) -> std::string {
    const auto it = json.find(key);
    if (it == json.end()) return {};
    if (it->is_string()) return core::to_valid_utf8(it->get_ref<const std::string&>().substr(0, 1024));
    if (it->is_number()) return it->dump();
    return {};
  };
  item.query = text("query");
  item.source = text("source");
  if (const auto rank = json.find("rank"); rank != json.end()) {
    if (rank->is_number_integer()) {
      item.rank = rank->get<int64_t>();
    } else if (rank->is_string()) {
      int64_t value = 0;
      const auto& s = rank->get_ref<const std::string&>();
      if (std::from_chars(s.data(), s.data() + s.size(), value).ec == std::errc()) item.rank = value;
    }
  }
  return item;
}

size_t shard_of(std::string_view url, size_t count) {
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : url) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return count == 0 ? 0 : static_cast<size_t>(hash % count);
}

std::optional<std::pair<size_t, size_t>> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  size_t index = 0;
  size_t count = 0;
  const auto a = text.substr(0, slash);
  const auto b = text.substr(slash + 1);
  auto whole = [](std::string_view s, size_t& out) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
  };
  if (!whole(a, index) || !whole(b, count)) return std::nullopt;
  if (count == 0 || index >= count) return std::nullopt;
  return std::make_pair(index, count);
}

}  // namespace impostor::analyze
