#include "allowlist/allowlist_loader.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace impostor::allowlist {

const Vendor* Allowlist::find(std::string_view id) const {
  for (const auto& v : vendors)
    if (v.id == id) return &v;
  return nullptr;
}

std::string AllowlistProblem::to_string() const {
  std::ostringstream out;
  out << file;
  if (line > 0) out << ':' << line << ':' << column;
  out << ": " << message;
  return out.str();
}

bool is_valid_domain_syntax(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  size_t labels = 0;
  size_t start = 0;
  while (start <= name.size()) {
    const size_t dot = std::min(name.find('.', start), name.size());
    const std::string_view label = name.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (const char c : label)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    ++labels;
    start = dot + 1;
  }
  return labels >= 2;
}

namespace {

// Collects problems for one file while walking its TOML tree. Every check knows the node
// it is about, so each problem points at a line and column.
class VendorFileReader {
 public:
  VendorFileReader(std::string file, std::vector<AllowlistProblem>& problems)
      : file_(std::move(file)), problems_(problems) {}

  void problem(const toml::source_region& where, std::string message) {
    problems_.push_back(
        {file_, static_cast<long>(where.begin.line), static_cast<long>(where.begin.column), std::move(message)});
  }

  // Rejects keys not in `allowed`, pointing at the key itself.
  void check_keys(const toml::table& table, std::initializer_list<std::string_view> allowed, std::string_view where) {
    for (auto&& [key, node] : table) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        problem(key.source(),
                "unknown key '" + std::string(key.str()) + "' in " + std::string(where) + " (allowed: " + list + ")");
      }
    }
  }

  std::optional<std::string> string_at(const toml::table& table, std::string_view key, bool required,
                                       std::string_view where) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (required) problem(table.source(), "missing key '" + std::string(key) + "' in " + std::string(where));
      return std::nullopt;
    }
    if (const auto* s = node->as_string()) {
      if (s->get().empty()) problem(node->source(), "'" + std::string(key) + "' must not be empty");
      return s->get();
    }
    problem(node->source(), "'" + std::string(key) + "' must be a string, not " + type_name(*node));
    return std::nullopt;
  }

  std::vector<std::string> strings_at(const toml::table& table, std::string_view key, bool required,
                                      std::string_view where, bool (*valid)(std::string_view) = nullptr,
                                      std::string_view what = {}) {
    std::vector<std::string> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (required) problem(table.source(), "missing key '" + std::string(key) + "' in " + std::string(where));
      return out;
    }
    const auto* array = node->as_array();
    if (array == nullptr) {
      problem(node->source(), "'" + std::string(key) + "' must be an array of strings, not " + type_name(*node));
      return out;
    }
    for (const auto& element : *array) {
      const auto* s = element.as_string();
      if (s == nullptr) {
        problem(element.source(), "'" + std::string(key) + "' must hold only strings, found " + type_name(element));
        continue;
      }
      if (valid != nullptr && !valid(s->get())) {
        problem(element.source(), "invalid " + std::string(what) + " '" + s->get() + "' in '" + std::string(key) + "'");
        continue;
      }
      if (std::find(out.begin(), out.end(), s->get()) != out.end()) {
        problem(element.source(), "duplicate '" + s->get() + "' in '" + std::string(key) + "'");
        continue;
      }
      out.push_back(s->get());
    }
    return out;
  }

  // Shodan favicon hashes are signed 32-bit integers.
  std::vector<int32_t> int32s_at(const toml::table& table, std::string_view key, std::string_view where) {
    std::vector<int32_t> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) return out;
    const auto* array = node->as_array();
    if (array == nullptr) {
      problem(node->source(), "'" + std::string(key) + "' in " + std::string(where) +
                                  " must be an array of integers, not " + type_name(*node));
      return out;
    }
    for (const auto& element : *array) {
      const auto* i = element.as_integer();
      if (i == nullptr || i->get() < INT32_MIN || i->get() > INT32_MAX) {
        problem(element.source(), "'" + std::string(key) + "' must hold only 32-bit signed integers");
        continue;
      }
      out.push_back(static_cast<int32_t>(i->get()));
    }
    return out;
  }

  const toml::table* table_at(const toml::table& table, std::string_view key) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return nullptr;
    if (const auto* t = node->as_table()) return t;
    problem(node->source(), "'" + std::string(key) + "' must be a table, not " + type_name(*node));
    return nullptr;
  }

  // Arrays of inline tables (other_owners, revoked_certificates).
  std::vector<const toml::table*> tables_at(const toml::table& table, std::string_view key) {
    std::vector<const toml::table*> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) return out;
    const auto* array = node->as_array();
    if (array == nullptr) {
      problem(node->source(), "'" + std::string(key) + "' must be an array of tables, not " + type_name(*node));
      return out;
    }
    for (const auto& element : *array) {
      if (const auto* t = element.as_table())
        out.push_back(t);
      else
        problem(element.source(), "'" + std::string(key) + "' must hold only tables, found " + type_name(element));
    }
    return out;
  }

  static std::string type_name(const toml::node& node) {
    switch (node.type()) {
      case toml::node_type::table: return "a table";
      case toml::node_type::array: return "an array";
      case toml::node_type::string: return "a string";
      case toml::node_type::integer: return "an integer";
      case toml::node_type::floating_point: return "a float";
      case toml::node_type::boolean: return "a boolean";
      default: return "a date or time";
    }
  }

 private:
  std::string file_;
  std::vector<AllowlistProblem>& problems_;
};

bool is_token(std::string_view t) {
  if (t.size() < 3 || t.size() > 63) return false;
  return std::all_of(t.begin(), t.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

bool is_host(std::string_view h) { return is_valid_domain_syntax(h); }

bool is_https_prefix(std::string_view p) {
  constexpr std::string_view kScheme = "https://";
  if (p.substr(0, kScheme.size()) != kScheme) return false;
  const auto rest = p.substr(kScheme.size());
  return is_valid_domain_syntax(rest.substr(0, rest.find('/')));
}

bool is_team_id(std::string_view t) {
  return t.size() == 10 &&
         std::all_of(t.begin(), t.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

bool is_hex(std::string_view t, size_t min, size_t max) {
  return t.size() >= min && t.size() <= max &&
         std::all_of(t.begin(), t.end(), [](char c) { return (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9'); });
}

bool is_spki_pin(std::string_view t) { return is_hex(t, 64, 64); }

bool is_product_name(std::string_view t) {
  return t.size() >= 3 && t.size() <= 63 &&
         std::none_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

// Dotted decimal numbers (5.0.0, 15.0.2.6): the form vendors print in version info.
bool is_version(std::string_view t) {
  if (t.empty() || t.size() > 31 || t.front() == '.' || t.back() == '.') return false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '.' ? t[i - 1] == '.' : (t[i] < '0' || t[i] > '9')) return false;
  }
  return true;
}

std::string stem_of(const std::string& source_name) { return std::filesystem::path(source_name).stem().string(); }

}  // namespace

AllowlistLoad parse_vendor_file(std::string_view text, const std::string& source_name) {
  AllowlistLoad load;
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    load.problems.push_back({source_name, static_cast<long>(e.source().begin.line),
                             static_cast<long>(e.source().begin.column), std::string(e.description())});
    return load;
  }

  VendorFileReader r(source_name, load.problems);
  Vendor v;
  v.source_file = source_name;
  r.check_keys(root, {"id", "name", "company", "brand", "domains", "downloads", "tls", "signing", "versions"},
               "the file");
  v.id = r.string_at(root, "id", true, "the file").value_or("");
  if (!v.id.empty() && v.id != stem_of(source_name))
    r.problem(root.get("id")->source(), "id '" + v.id + "' must equal the file name '" + stem_of(source_name) + "'");
  v.name = r.string_at(root, "name", true, "the file").value_or("");
  v.company = r.string_at(root, "company", true, "the file").value_or("");

  if (const auto* brand = r.table_at(root, "brand")) {
    r.check_keys(*brand, {"tokens", "distinctive", "product_names", "favicon_mmh3", "favicon_sha256"}, "[brand]");
    v.brand_tokens = r.strings_at(*brand, "tokens", false, "[brand]", is_token, "token (3-63 of a-z0-9)");
    v.distinctive_tokens = r.strings_at(*brand, "distinctive", false, "[brand]", is_token, "token (3-63 of a-z0-9)");
    v.product_names = r.strings_at(*brand, "product_names", false, "[brand]", is_product_name,
                                   "product name (3-63 characters, no control characters)");
    v.favicon_mmh3 = r.int32s_at(*brand, "favicon_mmh3", "[brand]");
    v.favicon_sha256 =
        r.strings_at(*brand, "favicon_sha256", false, "[brand]", is_spki_pin, "SHA-256 (64 lowercase hex)");
    if (v.brand_tokens.empty() && v.distinctive_tokens.empty())
      r.problem(brand->source(), "[brand] needs at least one of 'tokens' or 'distinctive'");
  } else if (!root.contains("brand")) {
    r.problem(root.source(), "missing table [brand]");
  }

  if (const auto* domains = r.table_at(root, "domains")) {
    r.check_keys(*domains, {"official", "other_owners"}, "[domains]");
    v.official_domains = r.strings_at(*domains, "official", true, "[domains]", is_host, "domain");
    for (const auto* t : r.tables_at(*domains, "other_owners")) {
      r.check_keys(*t, {"domain", "owner"}, "other_owners");
      OtherOwner o{r.string_at(*t, "domain", true, "other_owners").value_or(""),
                   r.string_at(*t, "owner", true, "other_owners").value_or("")};
      if (!o.domain.empty() && !is_valid_domain_syntax(o.domain))
        r.problem(t->get("domain")->source(), "invalid domain '" + o.domain + "' in other_owners");
      else if (!o.domain.empty())
        v.other_owners.push_back(std::move(o));
    }
  } else if (!root.contains("domains")) {
    r.problem(root.source(), "missing table [domains]");
  }

  if (const auto* downloads = r.table_at(root, "downloads")) {
    r.check_keys(*downloads, {"hosts", "url_prefixes"}, "[downloads]");
    v.download_hosts = r.strings_at(*downloads, "hosts", false, "[downloads]", is_host, "host");
    v.download_url_prefixes =
        r.strings_at(*downloads, "url_prefixes", false, "[downloads]", is_https_prefix, "https URL prefix");
  }

  if (const auto* tls = r.table_at(root, "tls")) {
    r.check_keys(*tls, {"organization", "spki_sha256"}, "[tls]");
    v.tls_organization = r.string_at(*tls, "organization", false, "[tls]");
    v.tls_spki_sha256 = r.strings_at(*tls, "spki_sha256", false, "[tls]", is_spki_pin, "SPKI SHA-256 (64 hex)");
  }

  if (const auto* signing = r.table_at(root, "signing")) {
    r.check_keys(*signing, {"authenticode_publishers", "macos_team_ids", "revoked_certificates"}, "[signing]");
    v.authenticode_publishers = r.strings_at(*signing, "authenticode_publishers", false, "[signing]");
    v.macos_team_ids =
        r.strings_at(*signing, "macos_team_ids", false, "[signing]", is_team_id, "team id (10 of A-Z0-9)");
    for (const auto* t : r.tables_at(*signing, "revoked_certificates")) {
      r.check_keys(*t, {"publisher", "serial", "reason"}, "revoked_certificates");
      RevokedCertificate c{r.string_at(*t, "publisher", true, "revoked_certificates").value_or(""),
                           r.string_at(*t, "serial", true, "revoked_certificates").value_or(""),
                           r.string_at(*t, "reason", false, "revoked_certificates").value_or("")};
      if (!c.serial.empty() && !is_hex(c.serial, 2, 64))
        r.problem(t->get("serial")->source(), "serial '" + c.serial + "' must be lowercase hex");
      else
        v.revoked_certificates.push_back(std::move(c));
    }
  }

  if (const auto* versions = r.table_at(root, "versions")) {
    r.check_keys(*versions, {"minimum", "source"}, "[versions]");
    v.minimum_version = r.string_at(*versions, "minimum", true, "[versions]").value_or("");
    v.minimum_version_source = r.string_at(*versions, "source", true, "[versions]").value_or("");
    if (!v.minimum_version.empty() && !is_version(v.minimum_version))
      r.problem(versions->get("minimum")->source(),
                "minimum '" + v.minimum_version + "' must be dotted numbers such as 5.0.0");
  }

  if (load.problems.empty()) load.allowlist.vendors.push_back(std::move(v));
  return load;
}

namespace {

// Line and column of the first occurrence of `value` as a quoted string in the file, to
// point a cross-file conflict at the second claim (the parsed tree is gone by then).
std::pair<long, long> locate_quoted(const std::string& text, const std::string& value) {
  const std::string needle = '"' + value + '"';
  const size_t pos = text.find(needle);
  if (pos == std::string::npos) return {0, 0};
  const long line = 1 + static_cast<long>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
  const size_t line_start = text.rfind('\n', pos);
  const long column = static_cast<long>(pos - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
  return {line, column};
}

}  // namespace

AllowlistLoad load_allowlist_dir(const std::filesystem::path& dir) {
  AllowlistLoad load;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    load.problems.push_back({dir.string(), 0, 0, "not a directory"});
    return load;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry.path());
  if (ec) load.problems.push_back({dir.string(), 0, 0, "cannot list: " + ec.message()});
  std::sort(files.begin(), files.end());
  if (files.empty() && load.problems.empty()) load.problems.push_back({dir.string(), 0, 0, "no vendor *.toml files"});

  std::map<std::string, std::string> claimed;  // domain -> vendor id that claimed it first
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    constexpr std::streamsize kMaxFile = 1 << 20;  // an allowlist is a few KiB; refuse absurd files
    // Read in pieces up to one byte past the cap: a 1 MiB buffer zeroed for every small
    // file was most of the start-up time of every command.
    std::string text;
    std::array<char, 16384> chunk;  // NOLINT(cppcoreguidelines-pro-type-member-init)
    while (text.size() <= static_cast<size_t>(kMaxFile)) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      text.append(chunk.data(), static_cast<size_t>(in.gcount()));
      if (!in) break;
    }
    if (!in.eof() && in.fail()) {
      load.problems.push_back({path.string(), 0, 0, "cannot read"});
      continue;
    }
    if (text.size() > static_cast<size_t>(kMaxFile)) {
      load.problems.push_back({path.string(), 0, 0, "file larger than 1 MiB"});
      continue;
    }
    auto one = parse_vendor_file(text, path.string());
    load.problems.insert(load.problems.end(), one.problems.begin(), one.problems.end());
    for (auto& v : one.allowlist.vendors) {
      bool conflict = false;
      for (const auto& d : v.official_domains) {
        const auto [it, inserted] = claimed.emplace(d, v.id);
        if (!inserted) {
          const auto [line, column] = locate_quoted(text, d);
          load.problems.push_back(
              {path.string(), line, column, "domain '" + d + "' is already claimed by vendor '" + it->second + "'"});
          conflict = true;
        }
      }
      if (!conflict) load.allowlist.vendors.push_back(std::move(v));
    }
  }
  return load;
}

}  // namespace impostor::allowlist
