#pragma once
#include <memory>
#include <string>
#include <string_view>

struct psl_ctx_st;

namespace impostor::domain {

struct SuffixSplit {
  std::string registrable;      // shortest registrable domain; empty when the host is itself a suffix
  std::string public_suffix;    // longest public suffix of the host
  bool private_suffix = false;  // from the PSL's private section: third parties hand out names under it
};

// The public-suffix list through libpsl, private suffixes included, so that
// zoom-setup.web.app is a user's site under web.app, not web.app itself. Loaded once
// from the system's data (Debian's publicsuffix package), shared read-only.
class PublicSuffixes {
 public:
  // Loads `dafsa_or_dat`, falling back to libpsl's newest of built-in and distribution data.
  // The default is the package's DAFSA, the same list compiled (private section included):
  // the text form costs ~10 ms of parsing at every start of every command.
  explicit PublicSuffixes(const std::string& dafsa_or_dat = "/usr/share/publicsuffix/public_suffix_list.dafsa");
  ~PublicSuffixes();
  PublicSuffixes(const PublicSuffixes&) = delete;
  PublicSuffixes& operator=(const PublicSuffixes&) = delete;

  // `host` must be lowercase ASCII (A-labels).
  SuffixSplit split(std::string_view host) const;
  std::string source() const { return source_; }

 private:
  psl_ctx_st* psl_ = nullptr;
  bool owned_ = false;
  std::string source_;
};

}  // namespace impostor::domain
