#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "domain/host_input.hpp"
#include "domain/public_suffixes.hpp"

namespace impostor::domain {

// A host name in every form the classifier needs, computed once.
struct HostName {
  std::string ascii;    // lowercase A-label form, no trailing dot (what DNS and the PSL see)
  std::string unicode;  // U-label form (what a victim reads, and what skeletons are made of)
  SuffixSplit suffix;   // registrable domain and public suffix, both in A-label form
  bool ip_literal = false;
  std::string ip;  // canonical address text when ip_literal

  // Labels of `unicode` left of the registrable domain (www, cdn, zoom in zoom.evil.com).
  std::vector<std::string_view> subdomain_labels() const;
  // The registrable domain's own label in U-label form ("zoom-download" for zoom-download.com).
  std::string_view registrable_label() const;
};

struct HostNameResult {
  HostInput input;
  HostName host;
  std::string error;  // non-empty: the input could not be read as a host, and why
  bool ok() const { return error.empty(); }
};

// Normalises case, trailing dot, ideographic full stops and IDNA2008 (libidn2, UTS #46
// non-transitional) to both A- and U-labels; checks lengths (253/63); splits off the
// public suffix. Reentrant; share one across threads.
class HostNormalizer {
 public:
  explicit HostNormalizer(const PublicSuffixes& suffixes) : suffixes_(suffixes) {}
  HostNameResult normalize(std::string_view text) const;
  HostNameResult normalize(HostInput input) const;

 private:
  const PublicSuffixes& suffixes_;
};

}  // namespace impostor::domain
