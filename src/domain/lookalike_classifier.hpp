#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "allowlist/vendor.hpp"
#include "core/finding.hpp"
#include "domain/confusable_skeleton.hpp"
#include "domain/established_domains.hpp"
#include "domain/host_name.hpp"
#include "domain/string_map.hpp"

namespace impostor::domain {

struct Classification {
  std::vector<core::Finding> findings;
  std::string vendor;  // vendor the host belongs to or imitates most strongly; empty if none
};

// Judges one normalised host against every vendor of the allowlist: official, another
// business, established, or a lookalike (homoglyph, typo, TLD swap, combosquat, brand in
// a subdomain, brand on shared hosting), each finding with its evidence. Built once from
// the allowlist, which must outlive it; classify() is const and safe to call from many
// threads (each keeps its own scratch buffers).
class LookalikeClassifier {
 public:
  // How much of each finding classify() fills in: all of it, or only the id and the
  // severity (no summary, evidence or location) for callers that show one line per name
  // (the bulk table), where building the evidence was most of the cost. Findings,
  // verdicts and the vendor are the same either way.
  enum class Detail { full, ids };

  LookalikeClassifier(const allowlist::Allowlist& allowlist, EstablishedDomains established);
  Classification classify(const HostName& host, Detail detail = Detail::full) const;

  // An official domain or brand token written inside free text (a URL's userinfo, say);
  // returns the vendor id and what was found, or nullopt.
  std::optional<std::pair<std::string, std::string>> brand_in_text(std::string_view text) const;

 private:
  enum class RefKind { token, distinctive };
  struct Reference {
    size_t vendor;
    std::string text;      // zoom, anydesk, zoomgov
    std::string skeleton;  // its confusable skeleton
    RefKind kind;
    bool official_label;        // also the label of an official registrable domain
    uint64_t letters;           // letter_mask(text), for the pre-filters
    uint64_t skeleton_letters;  // letter_mask(skeleton)
    int typo_edits;             // typo_edit_limit(text)
  };
  struct LabelMatch;
  struct Scratch;

  void match_label(std::string_view label, Scratch& scratch, std::vector<LabelMatch>& out) const;

  const allowlist::Allowlist& allowlist_;
  EstablishedDomains established_;
  ConfusableSkeleton skeleton_;
  std::vector<Reference> references_;
  StringMap<size_t> official_;                                           // official domain -> vendor
  StringMap<std::vector<std::pair<size_t, std::string>>> other_owners_;  // domain -> (vendor, owner)
  StringMap<std::pair<size_t, std::string>> official_skeletons_;         // skeleton -> (vendor, domain)
  std::vector<std::pair<size_t, std::string>> branded_official_;         // (vendor, zoom.us), ...
  std::vector<std::string> official_tlds_;  // last labels of the official domains (us, com, ms)
};

}  // namespace impostor::domain
