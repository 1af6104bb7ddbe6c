// The crawl's input lines (analyze::parse_crawl_line: a bare URL or a JSON object with
// url, query, rank and source, through nlohmann::json) and the shard helpers. The input
// is a whole input file: every line is parsed, as `impostor crawl --input` does.
#include <cstdlib>
#include <string>
#include <string_view>

#include "analyze/crawl_input.hpp"
#include "fuzz_target.hpp"

IMPOSTOR_FUZZ_TARGET(crawl_line) {
  using namespace impostor::analyze;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  size_t line_number = 0;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const auto line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    const auto item = parse_crawl_line(line, ++line_number, error);
    if (item && (item->url.empty() || !error.empty() || item->line != line_number)) std::abort();
    if (item && shard_of(item->url, 7) >= 7) std::abort();
    if (const auto shard = parse_shard(line); shard && (shard->second == 0 || shard->first >= shard->second))
      std::abort();
  }
  return 0;
}
