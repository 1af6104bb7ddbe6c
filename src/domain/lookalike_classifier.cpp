#include "domain/lookalike_classifier.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <bitset>
#include <set>
#include <tuple>

#include "core/ascii_text.hpp"
#include "domain/combo_words.hpp"
#include "domain/typo_technique.hpp"

namespace impostor::domain {

using core::Finding;
using core::Severity;

namespace {

// Cheap gTLDs that fill the threat reports (../shared/reference/vendors.md). A
// supporting signal: it only ever accompanies a brand finding.
constexpr std::array<std::string_view, 40> kRiskyTlds = {
    "bar",     "bid",     "buzz",   "cam",   "cf",    "cfd",  "click", "club", "cyou", "download",
    "fun",     "ga",      "gdn",    "gq",    "host",  "icu",  "lol",   "live", "loan", "ml",
    "monster", "mov",     "online", "pro",   "quest", "rest", "sbs",   "shop", "site", "space",
    "store",   "support", "tk",     "today", "top",   "vip",  "win",   "work", "xyz",  "zip",
};

bool is_risky_tld(std::string_view tld) {
  return std::find(kRiskyTlds.begin(), kRiskyTlds.end(), tld) != kRiskyTlds.end();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

// `needle` occurs in `hay` at a position where what stands left and right of it splits
// into combo words: "zoom" in "us05webzoom" or "zoomdownload", not in "zoomcar".
bool occurs_between_combo_words(std::string_view hay, std::string_view needle) {
  for (size_t p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1)) {
    if (!splits_into_combo_words(hay.substr(0, p))) continue;
    std::string_view right = hay.substr(p + needle.size());
    if (splits_into_combo_words(right)) return true;
    if (!right.empty() && right.front() == 's' && splits_into_combo_words(right.substr(1))) return true;  // zooms
    // The brand's last letter shared with the next word: zoomeeting, zoometing. Not when
    // the brand minus that letter is a word itself: teamsupport is team + support.
    if (!right.empty() && !is_combo_word(needle.substr(0, needle.size() - 1)) &&
        splits_into_combo_words(std::string(1, needle.back()) + std::string(right)))
      return true;
  }
  return false;
}

void put(nlohmann::json& /*object*/) {}

template <typename Value, typename... Rest>
void put(nlohmann::json& object, const char* key, Value&& value, Rest&&... rest) {
  object[key] = std::forward<Value>(value);
  put(object, std::forward<Rest>(rest)...);
}

// Evidence as key, value, key, value...: assigned one by one, which is several times
// cheaper than nlohmann's nested initializer lists on this hot path.
template <typename... Args>
nlohmann::json fields(Args&&... args) {
  nlohmann::json object = nlohmann::json::object();
  put(object, std::forward<Args>(args)...);
  return object;
}

// Which characters occur in `s`, one bit each (a-z, 0-9, '-', the rest folded together).
// A string within edit distance d of another lacks at most d of its distinct characters,
// so most (segment, brand) pairs are ruled out without computing a distance.
uint64_t letter_mask(std::string_view s) {
  uint64_t mask = 0;
  for (const char c : s) {
    if (c >= 'a' && c <= 'z')
      mask |= uint64_t{1} << (c - 'a');
    else if (c >= '0' && c <= '9')
      mask |= uint64_t{1} << (26 + c - '0');
    else
      mask |= uint64_t{1} << (36 + (static_cast<unsigned char>(c) % 28));
  }
  return mask;
}

bool may_be_typo(uint64_t reference_letters, uint64_t candidate_letters) {
  return std::popcount(reference_letters & ~candidate_letters) <= 2;
}

std::string_view tld_of(std::string_view ascii) {
  const size_t dot = ascii.rfind('.');
  return dot == std::string_view::npos ? ascii : ascii.substr(dot + 1);
}

}  // namespace

// How one label relates to one brand reference.
struct LookalikeClassifier::LabelMatch {
  enum class Kind { exact, combo, mention, homoglyph, typo };
  Kind kind;
  const Reference* ref;
  std::string piece;      // the segment that matched
  std::string technique;  // for typo and homoglyph
};

LookalikeClassifier::LookalikeClassifier(const allowlist::Allowlist& allowlist, EstablishedDomains established)
    : allowlist_(allowlist), established_(std::move(established)) {
  for (size_t v = 0; v < allowlist_.vendors.size(); ++v) {
    const auto& vendor = allowlist_.vendors[v];
    std::set<std::string> official_labels;
    for (const auto& d : vendor.official_domains) {
      official_.emplace(d, v);
      official_skeletons_.emplace(skeleton_.of(d), std::make_pair(v, d));
      official_labels.insert(d.substr(0, d.find('.')));
    }
    for (const auto& o : vendor.other_owners) other_owners_[o.domain].emplace_back(v, o.owner);

    auto add = [&](const std::string& text, RefKind kind) {
      for (const auto& r : references_)
        if (r.vendor == v && r.text == text) return;
      const std::string skeleton = skeleton_.of(text);
      references_.push_back(
          {v, text, skeleton, kind, official_labels.count(text) != 0, letter_mask(text), letter_mask(skeleton)});
    };
    for (const auto& t : vendor.distinctive_tokens) add(t, RefKind::distinctive);
    for (const auto& t : vendor.brand_tokens) add(t, RefKind::token);
    // Official labels that carry a brand (zoomgov of zoomgov.com) are references too;
    // generic ones (live of live.com, office of office.com) are not: their typos are words.
    for (const auto& label : official_labels) {
      if (label.find('-') != std::string::npos) continue;
      const bool branded = std::any_of(references_.begin(), references_.end(), [&](const Reference& r) {
        return r.vendor == v && label.find(r.text) != std::string::npos;
      });
      if (branded) add(label, RefKind::token);
    }
    // Official domains whose label is a brand (zoom.us, not live.com or office.net: a
    // name glued to those, like homeoffice.net, is an ordinary word).
    for (const auto& d : vendor.official_domains) {
      const std::string label = d.substr(0, d.find('.'));
      const bool branded = std::any_of(references_.begin(), references_.end(), [&](const Reference& r) {
        return r.vendor == v && r.official_label && r.text == label;
      });
      if (branded) branded_official_.emplace_back(v, d);
    }
  }
}

void LookalikeClassifier::match_label(std::string_view label, std::vector<LabelMatch>& out) const {
  const bool ascii = core::is_ascii(label);
  const std::string label_skeleton = skeleton_.of(label);
  const auto segments = split(label, '-');
  std::vector<std::string> segment_skeletons;
  segment_skeletons.reserve(segments.size());
  for (auto s : segments) segment_skeletons.push_back(segments.size() == 1 ? label_skeleton : skeleton_.of(s));
  std::vector<std::optional<ComboSplits>> splits(segments.size());  // computed on first need
  std::vector<uint64_t> segment_letters, skeleton_letters;
  segment_letters.reserve(segments.size());
  skeleton_letters.reserve(segments.size());
  for (size_t i = 0; i < segments.size(); ++i) {
    segment_letters.push_back(letter_mask(segments[i]));
    skeleton_letters.push_back(letter_mask(segment_skeletons[i]));
  }
  // A reference can only occur in a segment whose letters include all of its own.
  const auto may_contain = [](uint64_t haystack, uint64_t needle) { return (needle & ~haystack) == 0; };

  // Context: do the segments that carry no brand read as combo words (strong), or as
  // unrelated words (only a mention)?
  for (const auto& ref : references_) {
    const std::string_view text = ref.text;
    const LabelMatch* found = nullptr;
    std::bitset<64> carries;  // segments that carry this brand (a label has at most 32)
    for (size_t i = 0; i < segments.size(); ++i) {
      const std::string_view seg = segments[i];
      if (seg.empty()) continue;
      const std::string& seg_skel = segment_skeletons[i];
      const bool letters_in = may_contain(segment_letters[i], ref.letters);
      const bool skeleton_in = may_contain(skeleton_letters[i], ref.skeleton_letters);
      const bool typo_possible = ascii && may_be_typo(ref.letters, segment_letters[i]);
      if (!letters_in && !skeleton_in && !typo_possible) continue;
      if (seg == text) {
        out.push_back(
            {segments.size() == 1 ? LabelMatch::Kind::exact : LabelMatch::Kind::combo, &ref, std::string(seg), {}});
        carries[i] = true;
        found = &out.back();
        break;
      }
      const bool contains = letters_in && seg.find(text) != std::string_view::npos;
      if (contains && (ref.kind == RefKind::distinctive || occurs_between_combo_words(seg, text))) {
        out.push_back({LabelMatch::Kind::combo, &ref, std::string(seg), {}});
        carries[i] = true;
        found = &out.back();
        break;
      }
      if (!contains && skeleton_in && seg_skel.find(ref.skeleton) != std::string::npos &&
          (seg_skel == ref.skeleton || ref.kind == RefKind::distinctive ||
           occurs_between_combo_words(seg_skel, ref.skeleton))) {
        out.push_back({LabelMatch::Kind::homoglyph, &ref, std::string(seg),
                       ascii ? "look-alike letters or digits" : "confusable Unicode characters"});
        carries[i] = true;
        found = &out.back();
        break;
      }
      if (!typo_possible) continue;
      if (seg.size() + 2 >= text.size() && seg.size() <= text.size() + 2) {
        if (auto t = typo_technique(seg, text)) {
          out.push_back({LabelMatch::Kind::typo, &ref, std::string(seg), to_string(*t)});
          carries[i] = true;
          found = &out.back();
          break;
        }
      }
      // A typo glued to combo words: zooom-download is handled above per segment; here
      // zooomdownload, by cutting a combo-word prefix or suffix off.
      if (seg.size() > text.size() + 2 && seg.size() <= 64) {
        if (!splits[i]) splits[i] = combo_splits(seg);
        const auto& table = *splits[i];
        for (size_t cut = 1; cut < seg.size() && found == nullptr; ++cut) {
          const std::string_view left = seg.substr(0, cut), right = seg.substr(cut);
          std::optional<TypoTechnique> t;
          if (table.prefix[cut] && right.size() + 2 >= text.size() && right.size() <= text.size() + 2)
            t = typo_technique(right, text);
          if (!t && table.suffix[cut] && left.size() + 2 >= text.size() && left.size() <= text.size() + 2)
            t = typo_technique(left, text);
          if (t) {
            out.push_back({LabelMatch::Kind::typo, &ref, std::string(seg), to_string(*t)});
            carries[i] = true;
            found = &out.back();
          }
        }
        if (found != nullptr) break;
      }
    }
    if (!found && ascii && segments.size() > 1) {
      // Hyphen inserted inside the brand itself: zo-om, any-desk.
      if (auto t = typo_technique(label, text); t && *t == TypoTechnique::hyphen_insertion) {
        out.push_back({LabelMatch::Kind::typo, &ref, std::string(label), to_string(*t)});
        continue;
      }
    }
    if (!found || segments.size() == 1) continue;
    // Multi-segment label: strong only if the other segments are combo words (or if at
    // least one is, as in micrsoft-teams-download); otherwise a mere mention.
    bool any_word = false, any_unknown = false;
    for (size_t i = 0; i < segments.size(); ++i) {
      if (carries[i] || segments[i].empty()) continue;
      if (splits_into_combo_words(segments[i]) || is_near_combo_word(segments[i]))
        any_word = true;
      else
        any_unknown = true;
    }
    if (any_unknown && !any_word && ref.kind != RefKind::distinctive) {
      if (found->kind == LabelMatch::Kind::combo) {
        out.back().kind = LabelMatch::Kind::mention;
      } else if (found->kind == LabelMatch::Kind::typo) {
        out.pop_back();  // a typo-like word among unrelated words is just a word
      }
    }
  }
}

std::optional<std::pair<std::string, std::string>> LookalikeClassifier::brand_in_text(std::string_view text) const {
  const std::string lower = core::ascii_lower(text.substr(0, 512));
  for (const auto& [domain, v] : official_)
    if (lower.find(domain) != std::string::npos) return std::make_pair(allowlist_.vendors[v].id, domain);
  for (const auto& r : references_)
    if (lower.find(r.text) != std::string::npos) return std::make_pair(allowlist_.vendors[r.vendor].id, r.text);
  return std::nullopt;
}

Classification LookalikeClassifier::classify(const HostName& host) const {
  Classification result;
  auto& findings = result.findings;
  const auto vendor_id = [&](size_t v) { return allowlist_.vendors[v].id; };
  const std::string& location = host.ascii;
  // Every finding's evidence carries the host in its forms, added in place.
  const auto evidence = [&](nlohmann::json e) {
    e["host"] = host.ascii;
    if (host.unicode != host.ascii) e["host_unicode"] = host.unicode;
    if (!host.suffix.registrable.empty()) e["registrable_domain"] = host.suffix.registrable;
    return e;
  };

  if (host.ip_literal) {
    findings.push_back({"domain.ip-literal", Severity::low, "The host is a bare IP address, not a name",
                        evidence(fields("address", host.ip)), location});
    return result;
  }

  // Official: the host or one of its parents is an official domain.
  for (std::string_view h = host.ascii;;) {
    if (auto it = official_.find(h); it != official_.end()) {
      const auto& vendor = allowlist_.vendors[it->second];
      findings.push_back(
          {"domain.official", Severity::info, "Official domain of " + vendor.name + " (" + it->first + ")",
           evidence(fields("vendor", vendor.id, "official_domain", it->first, "allowlist", vendor.source_file)),
           location});
      result.vendor = vendor.id;
      return result;
    }
    const size_t dot = h.find('.');
    if (dot == std::string_view::npos) break;
    h.remove_prefix(dot + 1);
  }

  const std::string& reg = host.suffix.registrable;
  std::vector<bool> skip(allowlist_.vendors.size(), false);
  if (auto it = other_owners_.find(reg); it != other_owners_.end()) {
    for (const auto& [v, owner] : it->second) {
      skip[v] = true;
      findings.push_back({"domain.other-owner", Severity::info,
                          reg + " belongs to " + owner + ", not to " + allowlist_.vendors[v].name,
                          evidence(fields("vendor", vendor_id(v), "owner", owner)), location});
    }
  }
  if (established_.contains(reg) || established_.contains(host.ascii)) {
    findings.push_back({"domain.established", Severity::info,
                        reg + " is an established popular domain, not a lookalike",
                        evidence(fields("list", "data/top-domains.list")), location});
    return result;
  }
  if (reg.empty()) return result;  // the host is itself a public suffix

  // Which vendor each finding concerns, to pick the report's vendor and to dedupe.
  std::set<std::tuple<std::string, size_t, std::string>> seen;
  const auto add = [&](std::string id, Severity sev, size_t v, std::string summary, nlohmann::json extra) {
    if (!seen.emplace(id, v, extra.value("label", "")).second) return;
    extra["vendor"] = vendor_id(v);
    findings.push_back({std::move(id), sev, std::move(summary), evidence(std::move(extra)), location});
  };

  // Whole-name homoglyph: zоom.us, zoom.uѕ.
  if (auto it = official_skeletons_.find(skeleton_.of(host.unicode));
      it != official_skeletons_.end() && !skip[it->second.first]) {
    const auto& [v, domain] = it->second;
    add("domain.homoglyph", Severity::high, v,
        "Reads as " + domain + " but is a different name (" + allowlist_.vendors[v].name + ")",
        fields("imitates", domain, "technique", "confusable characters in the whole name", "skeleton",
               skeleton_.of(host.unicode), "label", host.unicode));
  }

  // The registrable label: zoom-download of zoom-download.com.
  const std::string_view label = host.registrable_label();
  const bool hosted = host.suffix.private_suffix;
  std::vector<LabelMatch> matches;
  match_label(label, matches);
  for (const auto& m : matches) {
    const size_t v = m.ref->vendor;
    if (skip[v]) continue;
    const auto& name = allowlist_.vendors[v].name;
    const std::string lbl(label);
    bool brand = true;
    switch (m.kind) {
      case LabelMatch::Kind::exact:
        if (!hosted)
          add("domain.tld-swap", Severity::medium, v,
              "The " + name + " name '" + m.ref->text + "' under another suffix (." + host.suffix.public_suffix + ")",
              fields("imitates", m.ref->text, "suffix", host.suffix.public_suffix, "official_domains",
                     allowlist_.vendors[v].official_domains, "label", lbl));
        break;
      case LabelMatch::Kind::combo:
        add("domain.combosquat", Severity::medium, v,
            "The " + name + " brand '" + m.ref->text + "' joined with other words in '" + lbl + "'",
            fields("imitates", m.ref->text, "technique", "brand plus words", "segment", m.piece, "label", lbl));
        break;
      case LabelMatch::Kind::mention:
        brand = false;
        add("domain.brand-mention", Severity::low, v,
            "The word '" + m.ref->text + "' stands among unrelated words in '" + lbl + "'",
            fields("imitates", m.ref->text, "segment", m.piece, "label", lbl));
        break;
      case LabelMatch::Kind::homoglyph:
        add("domain.homoglyph", Severity::high, v,
            "'" + m.piece + "' reads as the " + name + " brand '" + m.ref->text + "'",
            fields("imitates", m.ref->text, "technique", m.technique, "segment", m.piece, "skeleton",
                   skeleton_.of(m.piece), "label", lbl));
        break;
      case LabelMatch::Kind::typo:
        add("domain.typo", Severity::medium, v,
            "'" + m.piece + "' is a typo of the " + name + " brand '" + m.ref->text + "' (" + m.technique + ")",
            fields("imitates", m.ref->text, "technique", m.technique, "segment", m.piece, "distance",
                   bounded_osa_distance(m.piece, m.ref->text, 3), "label", lbl));
        break;
    }
    if (hosted && brand)
      add("domain.user-hosting", Severity::medium, v,
          "The " + name + " brand on shared hosting (" + host.suffix.public_suffix + ") where anyone can publish",
          fields("imitates", m.ref->text, "hosting_suffix", host.suffix.public_suffix, "label", lbl));
  }

  // Brand in a subdomain: zoom.us.download-center.xyz, zoom.ambneperu.com.
  const auto subdomains = host.subdomain_labels();
  for (const auto& [domain, v] : official_) {
    if (subdomains.empty()) break;
    if (skip[v]) continue;
    for (size_t p = host.ascii.find(domain); p != std::string::npos; p = host.ascii.find(domain, p + 1)) {
      const size_t end = p + domain.size();
      const bool starts_label = p == 0 || host.ascii[p - 1] == '.';
      const bool ends_cut = end < host.ascii.size() && (host.ascii[end] == '.' || host.ascii[end] == '-');
      if (starts_label && ends_cut) {
        add("domain.brand-in-subdomain", Severity::high, v,
            "Starts like the official " + domain + " but belongs to " + reg,
            fields("imitates", domain, "technique", "official domain as a prefix", "label", domain));
        break;
      }
    }
  }
  // Glued to an official domain: sidezoom.us, w03zoom.us read as "... zoom.us".
  for (const auto& [v, domain] : branded_official_) {
    if (skip[v] || reg.size() <= domain.size()) continue;
    if (reg.compare(reg.size() - domain.size(), domain.size(), domain) == 0)
      add("domain.combosquat", Severity::medium, v,
          reg + " ends with the official " + domain + " (" + allowlist_.vendors[v].name + ")",
          fields("imitates", domain, "technique", "glued to the official domain", "label", std::string(label)));
  }

  for (const auto sub : subdomains) {
    std::vector<LabelMatch> sub_matches;
    match_label(sub, sub_matches);
    for (const auto& m : sub_matches) {
      if (skip[m.ref->vendor] || m.kind == LabelMatch::Kind::mention) continue;
      add("domain.brand-in-subdomain", Severity::medium, m.ref->vendor,
          "The " + allowlist_.vendors[m.ref->vendor].name + " brand in the subdomain '" + std::string(sub) + "' of " +
              reg,
          fields("imitates", m.ref->text, "segment", m.piece, "technique",
                 m.kind == LabelMatch::Kind::typo        ? "typo: " + m.technique
                 : m.kind == LabelMatch::Kind::homoglyph ? "homoglyph: " + m.technique
                                                         : std::string("brand word"),
                 "label", std::string(sub)));
    }
  }

  // Mixed scripts in any label (Latin with Cyrillic and the like).
  if (!core::is_ascii(host.unicode)) {
    for (auto l : split(host.unicode, '.')) {
      if (!core::is_ascii(l) && skeleton_.is_mixed_script(l))
        findings.push_back({"domain.mixed-script", Severity::low,
                            "The label '" + std::string(l) + "' mixes writing systems",
                            evidence(fields("label", std::string(l))), location});
    }
  }

  // Pick the vendor of the strongest finding; add the supporting TLD signal.
  Severity worst = Severity::info;
  for (const auto& f : findings) {
    if (f.evidence.contains("vendor") && f.severity > worst) {
      worst = f.severity;
      result.vendor = f.evidence["vendor"].get<std::string>();
    }
  }
  if (worst >= Severity::medium && is_risky_tld(tld_of(host.ascii)))
    findings.push_back({"domain.risky-tld", Severity::low,
                        "." + std::string(tld_of(host.ascii)) + " is a cheap TLD common among lookalikes",
                        evidence(fields("tld", std::string(tld_of(host.ascii)))), location});
  return result;
}

}  // namespace impostor::domain
