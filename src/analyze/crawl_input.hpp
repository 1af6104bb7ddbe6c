#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace impostor::analyze {

// One link to crawl, with where it came from (carried into its result).
struct CrawlItem {
  std::string url;
  std::string query;            // the search that showed it ("zoom download")
  std::optional<int64_t> rank;  // its position in the results
  std::string source;           // "search", "ad", "organic", an engine name: as given
  size_t line = 0;              // 1-based line of the input, for messages
};

// Reads one input line: a bare URL, or a JSON object with a "url" string and optional
// "query", "rank" and "source". Blank lines and '#' comments give nullopt with no error;
// junk gives nullopt and `error` says why (the crawl counts and reports such lines and
// goes on). Lines over 64 KiB are junk.
std::optional<CrawlItem> parse_crawl_line(std::string_view line, size_t line_number, std::string& error);

// The shard a URL belongs to: a stable 64-bit FNV-1a hash of the URL modulo `count`, the
// same on every machine and every run, so N machines split one list with no coordinator.
size_t shard_of(std::string_view url, size_t count);

// "I/N" with 0 <= I < N; nullopt when malformed.
std::optional<std::pair<size_t, size_t>> parse_shard(std::string_view text);

}  // namespace impostor::analyze
