#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "allowlist/vendor.hpp"

namespace impostor::allowlist {

struct AllowlistProblem {
  std::string file;
  long line = 0;  // 1-based; 0 when the problem is about the file as a whole
  long column = 0;
  std::string message;
  std::string to_string() const;  // "file:line:column: message"
};

struct AllowlistLoad {
  Allowlist allowlist;
  std::vector<AllowlistProblem> problems;  // empty means every file loaded cleanly
  bool ok() const { return problems.empty(); }
};

// Loads every *.toml directly inside `dir`, one vendor per file, sorted by name.
// Reports unknown keys, wrong types, invalid domains and domains claimed by two vendors.
AllowlistLoad load_allowlist_dir(const std::filesystem::path& dir);

// Parses one vendor file's text; `source_name` is used in problems and must end in
// "<id>.toml" for the id check. Exposed for tests and fuzzing.
AllowlistLoad parse_vendor_file(std::string_view text, const std::string& source_name);

// True when `name` is a syntactically valid lowercase ASCII domain (A-labels for IDNs),
// with at least two labels. Shared with the classifier's tests.
bool is_valid_domain_syntax(std::string_view name);

}  // namespace impostor::allowlist
