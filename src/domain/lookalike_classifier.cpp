#include "domain/lookalike_classifier.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <stdexcept>

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
    if (!right.empty() && !is_combo_word(needle.substr(0, needle.size() - 1))) {
      // needle's last letter is the one just left of `right` in `hay`.
      if (splits_into_combo_words(hay.substr(p + needle.size() - 1))) return true;
    }
  }
  return false;
}

// The evidence of one finding, gathered as key/value pairs and made into the JSON object
// in one go: sorted by key first, so that each key goes in at the end of nlohmann's
// std::map without a search, and each value is made once, in its node. A key given
// twice keeps its last value, as assignment would. Values are views of strings that
// outlive the finding (the host, the allowlist), except temporaries, which are kept here
// and found by index (a view into a short string would not survive moving the Evidence).
class Evidence {
 public:
  Evidence& put(std::string_view key, std::string_view text) {
    add(key, Kind::text).text = text;
    return *this;
  }
  Evidence& put(std::string_view key, const char* text) { return put(key, std::string_view(text)); }
  Evidence& put(std::string_view key, const std::string& text) { return put(key, std::string_view(text)); }
  Evidence& put(std::string_view key, std::string&& text) {
    if (owned_count_ == owned_.size()) throw std::logic_error("finding evidence has too many owned fields");
    add(key, Kind::owned).number = owned_count_;
    owned_[owned_count_++] = std::move(text);
    return *this;
  }
  Evidence& put(std::string_view key, size_t number) {
    add(key, Kind::number).number = number;
    return *this;
  }
  Evidence& put(std::string_view key, const std::vector<std::string>& list) {
    add(key, Kind::list).list = &list;
    return *this;
  }

  nlohmann::json take() {
    // Insertion sort: a handful of items, and stable. Keys mostly differ in their first letter.
    const auto less = [](std::string_view a, std::string_view b) { return a[0] != b[0] ? a[0] < b[0] : a < b; };
    for (size_t i = 1; i < size_; ++i)
      for (size_t j = i; j > 0 && less(items_[j].key, items_[j - 1].key); --j) std::swap(items_[j], items_[j - 1]);
    nlohmann::json object(nlohmann::json::value_t::object);
    auto& map = object.get_ref<nlohmann::json::object_t&>();
    for (size_t i = 0; i < size_; ++i) {
      const Item& item = items_[i];
      if (i + 1 < size_ && items_[i + 1].key == item.key) continue;
      auto& value = map.emplace_hint(map.end(), std::piecewise_construct, std::forward_as_tuple(item.key),
                                     std::forward_as_tuple())
                        ->second;
      switch (item.kind) {
        case Kind::text: value = item.text; break;
        case Kind::owned: value = std::move(owned_[item.number]); break;
        case Kind::number: value = item.number; break;
        case Kind::list: value = *item.list; break;
      }
    }
    return object;
  }

 private:
  enum class Kind : uint8_t { text, owned, number, list };
  struct Item {
    std::string_view key;
    Kind kind;
    std::string_view text;                           // text
    size_t number;                                   // number; owned: index into owned_
    const std::vector<std::string>* list = nullptr;  // list
  };
  Item& add(std::string_view key, Kind kind) {
    if (size_ == items_.size() || key.empty()) throw std::logic_error("finding evidence has too many fields");
    Item& item = items_[size_++];
    item.key = key;
    item.kind = kind;
    return item;
  }
  std::array<Item, 12> items_;
  size_t size_ = 0;
  std::array<std::string, 2> owned_;
  size_t owned_count_ = 0;
};

void put(Evidence& /*evidence*/) {}

template <typename Value, typename... Rest>
void put(Evidence& evidence, const char* key, Value&& value, Rest&&... rest) {
  evidence.put(key, std::forward<Value>(value));
  put(evidence, std::forward<Rest>(rest)...);
}

// Evidence as key, value, key, value...
template <typename... Args>
Evidence fields(Args&&... args) {
  Evidence evidence;
  put(evidence, std::forward<Args>(args)...);
  return evidence;
}

// One string from its parts with one allocation: summaries are built for every finding.
template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::string out;
  out.reserve((std::string_view(parts).size() + ...));
  (out.append(std::string_view(parts)), ...);
  return out;
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

// Each edit takes away at most one of the reference's characters, so a candidate within
// `edits` of the reference lacks at most that many of its distinct characters (letters
// folded together by letter_mask only make this looser, never wrong).
bool may_be_typo(uint64_t reference_letters, uint64_t candidate_letters, int edits) {
  // popcount(missing) <= edits, clearing the lowest bit once per edit: the baseline
  // x86-64 target has no POPCNT, and std::popcount became a library call in this loop.
  uint64_t missing = reference_letters & ~candidate_letters;
  for (int i = 0; i < edits && missing != 0; ++i) missing &= missing - 1;
  return missing == 0;
}

// typo_technique(candidate, reference) for a candidate with a hyphen, when only the
// hyphen-insertion answer matters: the candidate is the reference with hyphens added.
bool is_hyphen_insertion(std::string_view candidate, std::string_view reference) {
  if (candidate == reference || reference.empty()) return false;
  size_t r = 0;
  bool hyphen = false;
  for (const char c : candidate) {
    if (c == '-') {
      hyphen = true;
      continue;
    }
    if (r == reference.size() || reference[r] != c) return false;
    ++r;
  }
  return hyphen && r == reference.size();
}

std::string_view tld_of(std::string_view ascii) {
  const size_t dot = ascii.rfind('.');
  return dot == std::string_view::npos ? ascii : ascii.substr(dot + 1);
}

}  // namespace

// How one label relates to one brand reference. `piece` points into the label, which
// outlives the match; `technique` is a static string.
struct LookalikeClassifier::LabelMatch {
  enum class Kind { exact, combo, mention, homoglyph, typo };
  Kind kind;
  const Reference* ref;
  std::string_view piece;      // the segment that matched
  const char* technique = "";  // for typo and homoglyph
};

// Buffers that classify() and match_label() refill for every name, one set per thread:
// bulk runs classify hundreds of thousands of names, and allocating these afresh for
// each was among the largest costs in their profiles.
struct LookalikeClassifier::Scratch {
  // Cut points of one segment for typos glued to combo words: which prefixes and
  // suffixes split into combo words, and the letters of each prefix and suffix.
  struct Cuts {
    Cuts() {}  // the letter arrays are filled before use; value-initialising them cost a kilobyte of stores
    bool has_splits = false;
    ComboSplits splits;
    std::array<uint64_t, 65> prefix_letters;
    std::array<uint64_t, 65> suffix_letters;
  };
  std::vector<std::string_view> segments;
  std::vector<std::string> segment_skeletons;
  std::vector<uint64_t> segment_letters, skeleton_letters;
  std::vector<std::optional<Cuts>> cuts;  // computed on first need
  std::vector<LabelMatch> matches;
  std::string skeleton;  // of the whole name
  std::vector<char> skip;
  struct Seen {
    std::string_view id, label;
    size_t vendor;
  };
  std::vector<Seen> seen;
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
      const std::string tld(tld_of(d));
      if (std::find(official_tlds_.begin(), official_tlds_.end(), tld) == official_tlds_.end())
        official_tlds_.push_back(tld);
    }
    for (const auto& o : vendor.other_owners) other_owners_[o.domain].emplace_back(v, o.owner);

    auto add = [&](const std::string& text, RefKind kind) {
      for (const auto& r : references_)
        if (r.vendor == v && r.text == text) return;
      const std::string skeleton = skeleton_.of(text);
      references_.push_back({v, text, skeleton, kind, official_labels.count(text) != 0, letter_mask(text),
                             letter_mask(skeleton), static_cast<int>(typo_edit_limit(text))});
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

void LookalikeClassifier::match_label(std::string_view label, Scratch& scratch, std::vector<LabelMatch>& out) const {
  const bool ascii = core::is_ascii(label);
  auto& segments = scratch.segments;
  segments.clear();
  for (size_t start = 0;;) {
    const size_t pos = label.find('-', start);
    segments.push_back(label.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  const size_t n = segments.size();
  auto& segment_skeletons = scratch.segment_skeletons;
  if (segment_skeletons.size() < n) segment_skeletons.resize(n);
  scratch.segment_letters.resize(n);
  scratch.skeleton_letters.resize(n);
  scratch.cuts.assign(n, std::nullopt);
  for (size_t i = 0; i < n; ++i) {
    skeleton_.of(segments[i], segment_skeletons[i]);
    scratch.segment_letters[i] = letter_mask(segments[i]);
    scratch.skeleton_letters[i] = letter_mask(segment_skeletons[i]);
  }
  // A reference can only occur in a segment whose letters include all of its own.
  const auto may_contain = [](uint64_t haystack, uint64_t needle) { return (needle & ~haystack) == 0; };
  const auto near_length = [](size_t candidate, size_t reference) {
    return candidate + 2 >= reference && candidate <= reference + 2;
  };

  // Context: do the segments that carry no brand read as combo words (strong), or as
  // unrelated words (only a mention)?
  for (const auto& ref : references_) {
    const std::string_view text = ref.text;
    const LabelMatch* found = nullptr;
    size_t carrier = n;  // the segment that carries this brand; at most one does
    const auto match = [&](LabelMatch::Kind kind, std::string_view piece, const char* technique, size_t i) {
      out.push_back({kind, &ref, piece, technique});
      carrier = i;
      found = &out.back();
    };
    for (size_t i = 0; i < n; ++i) {
      const std::string_view seg = segments[i];
      if (seg.empty()) continue;
      const std::string& seg_skel = segment_skeletons[i];
      const bool letters_in = may_contain(scratch.segment_letters[i], ref.letters);
      const bool skeleton_in = may_contain(scratch.skeleton_letters[i], ref.skeleton_letters);
      // Segments hold no hyphen, so only typos within typo_edits are possible, in the
      // segment and in every piece cut from it (whose letters are a subset).
      const bool typo_possible = ascii && may_be_typo(ref.letters, scratch.segment_letters[i], ref.typo_edits);
      if (!letters_in && !skeleton_in && !typo_possible) continue;
      if (seg == text) {
        match(n == 1 ? LabelMatch::Kind::exact : LabelMatch::Kind::combo, seg, "", i);
        break;
      }
      const bool contains = letters_in && seg.find(text) != std::string_view::npos;
      if (contains && (ref.kind == RefKind::distinctive || occurs_between_combo_words(seg, text))) {
        match(LabelMatch::Kind::combo, seg, "", i);
        break;
      }
      if (!contains && skeleton_in && seg_skel.find(ref.skeleton) != std::string::npos &&
          (seg_skel == ref.skeleton || ref.kind == RefKind::distinctive ||
           occurs_between_combo_words(seg_skel, ref.skeleton))) {
        match(LabelMatch::Kind::homoglyph, seg,
              ascii ? "look-alike letters or digits" : "confusable Unicode characters", i);
        break;
      }
      if (!typo_possible) continue;
      if (near_length(seg.size(), text.size())) {
        if (auto t = typo_technique(seg, text)) {
          match(LabelMatch::Kind::typo, seg, to_string(*t), i);
          break;
        }
      }
      // A typo glued to combo words: zooom-download is handled above per segment; here
      // zooomdownload, by cutting a combo-word prefix or suffix off.
      if (seg.size() > text.size() + 2 && seg.size() <= 64) {
        auto& cuts = scratch.cuts[i];
        if (!cuts) {
          cuts.emplace();
          cuts->prefix_letters[0] = 0;
          for (size_t k = 0; k < seg.size(); ++k)
            cuts->prefix_letters[k + 1] = cuts->prefix_letters[k] | letter_mask(seg.substr(k, 1));
          cuts->suffix_letters[seg.size()] = 0;
          for (size_t k = seg.size(); k-- > 0;)
            cuts->suffix_letters[k] = cuts->suffix_letters[k + 1] | letter_mask(seg.substr(k, 1));
        }
        // The word-break table is the dear part: made only once a cut passes the cheap tests.
        const auto splits = [&]() -> const ComboSplits& {
          if (!cuts->has_splits) {
            cuts->splits = combo_splits(seg);
            cuts->has_splits = true;
          }
          return cuts->splits;
        };
        for (size_t cut = 1; cut < seg.size() && found == nullptr; ++cut) {
          const std::string_view left = seg.substr(0, cut), right = seg.substr(cut);
          std::optional<TypoTechnique> t;
          if (near_length(right.size(), text.size()) &&
              may_be_typo(ref.letters, cuts->suffix_letters[cut], ref.typo_edits) && splits().prefix[cut])
            t = typo_technique(right, text);
          if (!t && near_length(left.size(), text.size()) &&
              may_be_typo(ref.letters, cuts->prefix_letters[cut], ref.typo_edits) && splits().suffix[cut])
            t = typo_technique(left, text);
          if (t) match(LabelMatch::Kind::typo, seg, to_string(*t), i);
        }
        if (found != nullptr) break;
      }
    }
    if (!found && ascii && n > 1) {
      // Hyphen inserted inside the brand itself: zo-om, any-desk.
      if (is_hyphen_insertion(label, text)) {
        out.push_back({LabelMatch::Kind::typo, &ref, label, to_string(TypoTechnique::hyphen_insertion)});
        continue;
      }
    }
    if (!found || n == 1) continue;
    // Multi-segment label: strong only if the other segments are combo words (or if at
    // least one is, as in micrsoft-teams-download); otherwise a mere mention.
    bool any_word = false, any_unknown = false;
    for (size_t i = 0; i < n; ++i) {
      if (i == carrier || segments[i].empty()) continue;
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

Classification LookalikeClassifier::classify(const HostName& host, Detail detail) const {
  thread_local Scratch scratch;
  Classification result;
  auto& findings = result.findings;
  findings.reserve(4);  // most names get one to three findings; growing one by one cost more allocations
  const auto vendor_id = [&](size_t v) { return allowlist_.vendors[v].id; };
  const std::string& location = host.ascii;
  // A finding with its summary and evidence, both made only when asked for; every
  // finding's evidence carries the host in its forms.
  const auto push = [&](std::string_view id, Severity sev, auto&& summary, auto&& extra) {
    if (detail == Detail::ids) {
      findings.push_back({std::string(id), sev, {}, nlohmann::json::object(), {}});
      return;
    }
    Evidence e = extra();
    e.put("host", host.ascii);
    if (host.unicode != host.ascii) e.put("host_unicode", host.unicode);
    if (!host.suffix.registrable.empty()) e.put("registrable_domain", host.suffix.registrable);
    findings.push_back({std::string(id), sev, summary(), e.take(), location});
  };

  if (host.ip_literal) {
    push(
        "domain.ip-literal", Severity::low, [] { return std::string("The host is a bare IP address, not a name"); },
        [&] { return fields("address", host.ip); });
    return result;
  }

  // Official: the host or one of its parents is an official domain. All of them end in
  // the host's TLD, so a TLD no official domain has rules every look-up out.
  const std::string_view tld = tld_of(host.ascii);
  if (std::any_of(official_tlds_.begin(), official_tlds_.end(),
                  [&](const std::string& t) { return t.size() == tld.size() && t == tld; })) {
    for (std::string_view h = host.ascii;;) {
      if (auto it = official_.find(h); it != official_.end()) {
        const auto& vendor = allowlist_.vendors[it->second];
        push(
            "domain.official", Severity::info,
            [&] { return concat("Official domain of ", vendor.name, " (", it->first, ")"); },
            [&] { return fields("vendor", vendor.id, "official_domain", it->first, "allowlist", vendor.source_file); });
        result.vendor = vendor.id;
        return result;
      }
      const size_t dot = h.find('.');
      if (dot == std::string_view::npos) break;
      h.remove_prefix(dot + 1);
    }
  }

  const std::string& reg = host.suffix.registrable;
  auto& skip = scratch.skip;
  skip.assign(allowlist_.vendors.size(), 0);
  if (auto it = other_owners_.find(reg); it != other_owners_.end()) {
    // Named variables, not structured bindings, here and below: the lambdas capture them,
    // and clang before 16 cannot capture a structured binding.
    for (const auto& entry : it->second) {
      const size_t v = entry.first;
      const std::string& owner = entry.second;
      skip[v] = 1;
      push(
          "domain.other-owner", Severity::info,
          [&] { return concat(reg, " belongs to ", owner, ", not to ", allowlist_.vendors[v].name); },
          [&] { return fields("vendor", vendor_id(v), "owner", owner); });
    }
  }
  if (established_.contains(reg) || (host.ascii != reg && established_.contains(host.ascii))) {
    push(
        "domain.established", Severity::info,
        [&] { return concat(reg, " is an established popular domain, not a lookalike"); },
        [&] { return fields("list", "data/top-domains.list"); });
    return result;
  }
  if (reg.empty()) return result;  // the host is itself a public suffix

  // A finding per (id, vendor, label): the first one found is kept, later ones would
  // repeat it. Summary and evidence are built only for the kept ones. The strongest
  // finding names the report's vendor (the first of equal severity).
  auto& seen = scratch.seen;
  seen.clear();
  Severity worst = Severity::info;
  const auto add = [&](std::string_view id, Severity sev, size_t v, std::string_view label, auto&& summary,
                       auto&& extra) {
    for (const auto& s : seen)
      if (s.vendor == v && s.id == id && s.label == label) return;
    seen.push_back({id, label, v});
    push(id, sev, summary, [&] {
      Evidence e = extra();
      e.put("label", label);
      e.put("vendor", vendor_id(v));
      return e;
    });
    if (sev > worst) {
      worst = sev;
      result.vendor = vendor_id(v);
    }
  };

  // Whole-name homoglyph: zоom.us, zoom.uѕ.
  std::string& skeleton = scratch.skeleton;
  skeleton_.of(host.unicode, skeleton);
  if (auto it = official_skeletons_.find(skeleton); it != official_skeletons_.end() && !skip[it->second.first]) {
    const size_t v = it->second.first;
    const std::string& domain = it->second.second;
    add(
        "domain.homoglyph", Severity::high, v, host.unicode,
        [&] { return concat("Reads as ", domain, " but is a different name (", allowlist_.vendors[v].name, ")"); },
        [&] {
          return fields("imitates", domain, "technique", "confusable characters in the whole name", "skeleton",
                        skeleton);
        });
  }

  // The registrable label: zoom-download of zoom-download.com.
  const std::string_view label = host.registrable_label();
  const bool hosted = host.suffix.private_suffix;
  auto& matches = scratch.matches;
  matches.clear();
  match_label(label, scratch, matches);
  for (const auto& m : matches) {
    const size_t v = m.ref->vendor;
    if (skip[v]) continue;
    const auto& name = allowlist_.vendors[v].name;
    const std::string_view lbl = label;
    bool brand = true;
    switch (m.kind) {
      case LabelMatch::Kind::exact:
        if (!hosted)
          add(
              "domain.tld-swap", Severity::medium, v, lbl,
              [&] {
                return concat("The ", name, " name '", m.ref->text, "' under another suffix (.",
                              host.suffix.public_suffix, ")");
              },
              [&] {
                return fields("imitates", m.ref->text, "suffix", host.suffix.public_suffix, "official_domains",
                              allowlist_.vendors[v].official_domains);
              });
        break;
      case LabelMatch::Kind::combo:
        add(
            "domain.combosquat", Severity::medium, v, lbl,
            [&] { return concat("The ", name, " brand '", m.ref->text, "' joined with other words in '", lbl, "'"); },
            [&] { return fields("imitates", m.ref->text, "technique", "brand plus words", "segment", m.piece); });
        break;
      case LabelMatch::Kind::mention:
        brand = false;
        add(
            "domain.brand-mention", Severity::low, v, lbl,
            [&] { return concat("The word '", m.ref->text, "' stands among unrelated words in '", lbl, "'"); },
            [&] { return fields("imitates", m.ref->text, "segment", m.piece); });
        break;
      case LabelMatch::Kind::homoglyph:
        add(
            "domain.homoglyph", Severity::high, v, lbl,
            [&] { return concat("'", m.piece, "' reads as the ", name, " brand '", m.ref->text, "'"); },
            [&] {
              return fields("imitates", m.ref->text, "technique", m.technique, "segment", m.piece, "skeleton",
                            skeleton_.of(m.piece));
            });
        break;
      case LabelMatch::Kind::typo:
        add(
            "domain.typo", Severity::medium, v, lbl,
            [&] {
              return concat("'", m.piece, "' is a typo of the ", name, " brand '", m.ref->text, "' (", m.technique,
                            ")");
            },
            [&] {
              return fields("imitates", m.ref->text, "technique", m.technique, "segment", m.piece, "distance",
                            bounded_osa_distance(m.piece, m.ref->text, 3));
            });
        break;
    }
    if (hosted && brand)
      add(
          "domain.user-hosting", Severity::medium, v, lbl,
          [&] {
            return concat("The ", name, " brand on shared hosting (", host.suffix.public_suffix,
                          ") where anyone can publish");
          },
          [&] { return fields("imitates", m.ref->text, "hosting_suffix", host.suffix.public_suffix); });
  }

  // Brand in a subdomain: zoom.us.download-center.xyz, zoom.ambneperu.com.
  const auto subdomains = host.subdomain_labels();
  for (const auto& entry : official_) {
    if (subdomains.empty()) break;
    const std::string& domain = entry.first;
    const size_t v = entry.second;
    if (skip[v]) continue;
    for (size_t p = host.ascii.find(domain); p != std::string::npos; p = host.ascii.find(domain, p + 1)) {
      const size_t end = p + domain.size();
      const bool starts_label = p == 0 || host.ascii[p - 1] == '.';
      const bool ends_cut = end < host.ascii.size() && (host.ascii[end] == '.' || host.ascii[end] == '-');
      if (starts_label && ends_cut) {
        add(
            "domain.brand-in-subdomain", Severity::high, v, domain,
            [&] { return concat("Starts like the official ", domain, " but belongs to ", reg); },
            [&] { return fields("imitates", domain, "technique", "official domain as a prefix"); });
        break;
      }
    }
  }
  // Glued to an official domain: sidezoom.us, w03zoom.us read as "... zoom.us".
  for (const auto& entry : branded_official_) {
    const size_t v = entry.first;
    const std::string& domain = entry.second;
    if (skip[v] || reg.size() <= domain.size()) continue;
    if (reg.compare(reg.size() - domain.size(), domain.size(), domain) == 0)
      add(
          "domain.combosquat", Severity::medium, v, label,
          [&] { return concat(reg, " ends with the official ", domain, " (", allowlist_.vendors[v].name, ")"); },
          [&] { return fields("imitates", domain, "technique", "glued to the official domain"); });
  }

  for (const auto sub : subdomains) {
    matches.clear();
    match_label(sub, scratch, matches);
    for (const auto& m : matches) {
      if (skip[m.ref->vendor] || m.kind == LabelMatch::Kind::mention) continue;
      add(
          "domain.brand-in-subdomain", Severity::medium, m.ref->vendor, sub,
          [&] {
            return concat("The ", allowlist_.vendors[m.ref->vendor].name, " brand in the subdomain '", sub, "' of ",
                          reg);
          },
          [&] {
            return fields("imitates", m.ref->text, "segment", m.piece, "technique",
                          m.kind == LabelMatch::Kind::typo        ? concat("typo: ", m.technique)
                          : m.kind == LabelMatch::Kind::homoglyph ? concat("homoglyph: ", m.technique)
                                                                  : std::string("brand word"));
          });
    }
  }

  // Mixed scripts in any label (Latin with Cyrillic and the like).
  if (!core::is_ascii(host.unicode)) {
    for (auto l : split(host.unicode, '.')) {
      if (!core::is_ascii(l) && skeleton_.is_mixed_script(l))
        push(
            "domain.mixed-script", Severity::low, [&] { return concat("The label '", l, "' mixes writing systems"); },
            [&] { return fields("label", l); });
    }
  }

  // The supporting TLD signal, beside a brand finding of medium or more.
  if (worst >= Severity::medium && is_risky_tld(tld))
    push(
        "domain.risky-tld", Severity::low, [&] { return concat(".", tld, " is a cheap TLD common among lookalikes"); },
        [&] { return fields("tld", tld); });
  return result;
}

}  // namespace impostor::domain
