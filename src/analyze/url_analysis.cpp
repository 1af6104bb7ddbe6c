#include "analyze/url_analysis.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <optional>
#include <set>

#include "analyze/hop_judgement.hpp"
#include "analyze/page_judgement.hpp"
#include "core/text_safety.hpp"
#include "core/verdict_policy.hpp"
#include "net/browser_profile.hpp"
#include "net/hop_json.hpp"
#include "net/redirect_chain.hpp"
#include "page/page_analysis.hpp"
#include "page/page_json.hpp"
#include "unpack/file_type.hpp"

namespace impostor::analyze {
namespace {

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

net::FetchRequest request_for(const UrlSettings& s, std::string_view profile_name);

bool looks_like_html(const net::Hop& hop) {
  const auto it = hop.headers.find("content-type");
  if (it != hop.headers.end()) {
    const std::string& t = it->second;
    if (t.find("html") != std::string::npos || t.find("text/plain") != std::string::npos) return true;
    if (!t.empty()) return false;
  }
  const auto type = unpack::detect_file_type({reinterpret_cast<const uint8_t*>(hop.body.data()), hop.body.size()});
  return type == "html" || type == "text" || type == "xml";
}

bool readable_page(const net::Hop& hop) {
  return hop.status >= 200 && hop.status < 300 && !hop.body.empty() && looks_like_html(hop);
}

page::PageInput page_input(const UrlContext& context, const net::Hop& hop) {
  page::PageInput in;
  in.url = hop.url;
  in.body = hop.body;
  if (const auto ct = hop.headers.find("content-type"); ct != hop.headers.end()) in.content_type = ct->second;
  in.brands = context.brands;
  in.body_truncated = hop.body_truncated;
  return in;
}

std::optional<page::PageAnalysis> read_page(const UrlContext& context, const net::Hop& hop) {
  if (!readable_page(hop)) return std::nullopt;
  return page::analyze_page(page_input(context, hop));
}

// "Refresh: 0; url=https://..." as a header does what <meta http-equiv=refresh> does.
std::string refresh_header_target(const net::Hop& hop) {
  const auto it = hop.headers.find("refresh");
  if (it == hop.headers.end()) return {};
  const auto parsed = page::parse_meta_refresh(it->second);
  if (!parsed) return {};
  return net::resolve_reference(hop.url, parsed->url);
}

// A response a browser saves instead of showing: the page that led to it stays on screen.
bool serves_file(const net::Hop& hop) {
  if (hop.status < 200 || hop.status >= 300) return false;
  const auto header = [&](const char* name) {
    const auto it = hop.headers.find(name);
    return it == hop.headers.end() ? std::string() : it->second;
  };
  return is_installer_response(header("content-type"), header("content-disposition")) || !looks_like_html(hop);
}

// What a browser needs of a shown page to go on: whether it is a page at all, and where
// its <meta refresh> leads.
struct PageStep {
  bool page = false;
  std::string meta_refresh;
};

PageStep step_of(const std::optional<page::PageAnalysis>& analysis) {
  PageStep step;
  step.page = analysis.has_value();
  if (analysis && analysis->meta_refresh() != nullptr) step.meta_refresh = analysis->meta_refresh()->url;
  return step;
}

// The pages one view read, by their hop's index in its chain. A second view that got the
// very same response (the cloaking probe, on a site that does not cloak) takes the step
// from here: the page analysis is a function of the response, so parsing it again could
// only give the same answer.
struct ReadPages {
  const net::RedirectChain* chain = nullptr;
  std::vector<std::pair<size_t, PageStep>> steps;

  const PageStep* find(const net::Hop& hop) const {
    if (chain == nullptr) return nullptr;
    for (const auto& [index, step] : steps) {
      const net::Hop& seen = chain->hops()[index];
      if (seen.url == hop.url && seen.status == hop.status && seen.body_truncated == hop.body_truncated &&
          seen.headers == hop.headers && seen.body == hop.body)
        return &step;
    }
    return nullptr;
  }
};

// Where the browser's navigation settled: the page shown, its analysis, and the file a
// refresh of that page started downloading, if any.
struct PageLanding {
  const net::Hop* page = nullptr;
  std::optional<page::PageAnalysis> analysis;
  std::string refreshed_download;
  ReadPages read;  // every page read on the way, for a second view of the same chain
};

// Follows what a browser follows after the HTTP redirects: <meta refresh> and the Refresh
// header, each one more hop within the chain's redirect limit. `last` is the chain's last
// hop. Hops are held by index: following more of the chain moves them in memory.
// With `analyse`, the page landed on is analysed in full; without, each page is only read
// for where it leads (parsed, or taken from `known` when that view got the same response).
PageLanding follow_refreshes(const UrlContext& context, net::RedirectChain& chain, const net::Hop* last, bool analyse,
                             const ReadPages* known = nullptr) {
  PageLanding landing;
  landing.read.chain = &chain;
  if (last == nullptr || chain.hops().empty()) return landing;
  size_t page = static_cast<size_t>(last - chain.hops().data());
  while (true) {
    const net::Hop& shown = chain.hops()[page];
    PageStep step;
    if (analyse) {
      landing.analysis = read_page(context, shown);
      step = step_of(landing.analysis);
    } else if (const PageStep* same = known != nullptr ? known->find(shown) : nullptr) {
      step = *same;
    } else if (readable_page(shown)) {
      step = step_of(page::extract_page(page_input(context, shown)));
    }
    landing.read.steps.emplace_back(page, step);
    std::string next = step.meta_refresh;
    if (next.empty()) next = refresh_header_target(shown);
    if (next.empty() || !chain.can_continue()) break;
    const size_t before = chain.hops().size();
    const net::Hop* followed = chain.follow(next);
    if (followed == nullptr || chain.hops().size() == before || followed->status == 0) break;
    if (step.page && serves_file(*followed)) {
      // "Your download starts in a moment": the refresh starts a download. The victim still
      // sees the page; the file is one of its downloads.
      landing.refreshed_download = followed->url;
      break;
    }
    page = chain.hops().size() - 1;
  }
  landing.page = &chain.hops()[page];
  return landing;
}

// "/favicon.ico" on the page's origin. A hop's URL is as libcurl printed it (lower-case
// scheme, no userinfo, a path that starts with '/'), so the origin ends at the first '/'
// after the scheme; anything else goes through libcurl's resolver.
std::string default_favicon(const std::string& page_url) {
  for (const std::string_view scheme : {"https://", "http://"}) {
    if (page_url.compare(0, scheme.size(), scheme) != 0) continue;
    const size_t path = page_url.find('/', scheme.size());
    if (path != std::string::npos && page_url.find_first_of("?#@\\", scheme.size()) > path)
      return page_url.substr(0, path) + "/favicon.ico";
  }
  return net::resolve_reference(page_url, "/favicon.ico");
}

// Where the page's favicon is: its first <link rel=icon>, or /favicon.ico of its origin.
std::string favicon_url(const net::Hop& hop, const page::PageAnalysis& analysis) {
  if (const auto links = analysis.favicon_links(); !links.empty() && !links.front()->url.empty())
    return links.front()->url;
  return default_favicon(hop.url);
}

FaviconMemo::Answer fetch_favicon(const UrlContext& context, const std::string& url) {
  net::FetchRequest r = request_for(context.settings, context.settings.profile);
  r.url = url;
  r.max_body_bytes = context.settings.max_favicon_bytes;
  const net::Hop fetched = context.fetcher.submit(std::move(r)).get();
  FaviconMemo::Answer answer;
  answer.transient = fetched.status == 0;
  if (fetched.status >= 200 && fetched.status < 300 && !fetched.body.empty() && !fetched.body_truncated)
    answer.icon = page::hash_favicon({reinterpret_cast<const uint8_t*>(fetched.body.data()), fetched.body.size()});
  return answer;
}

// External scripts (scam kits keep their lock and phone number there) and the favicon,
// fetched through the same fetcher, bounded in count and size, all at once: the page
// waits for the slowest, not for the sum.
void enrich_page(const UrlContext& context, const net::Hop& hop, page::PageAnalysis& analysis) {
  const auto& s = context.settings;
  std::vector<std::pair<std::string, std::future<net::Hop>>> pending;
  for (const auto* link : analysis.script_links()) {
    if (pending.size() >= s.max_scripts) break;
    net::FetchRequest r = request_for(s, s.profile);
    r.url = link->url;
    r.max_body_bytes = s.max_script_bytes;
    r.headers.push_back("Referer: " + hop.url);
    pending.emplace_back(link->url, context.fetcher.submit(std::move(r)));
  }
  // The scripts are on their way: the favicon is fetched (or waited for) meanwhile.
  std::shared_ptr<const FaviconMemo::Answer> icon;
  if (const std::string icon_url = favicon_url(hop, analysis); !icon_url.empty()) {
    const auto fetch = [&] { return fetch_favicon(context, icon_url); };
    icon = context.favicons != nullptr ? context.favicons->get(icon_url, fetch)
                                       : std::make_shared<const FaviconMemo::Answer>(fetch());
  }
  std::vector<std::pair<std::string, std::string>> bodies;
  for (auto& [url, future] : pending) {
    auto fetched = future.get();
    if (fetched.status >= 200 && fetched.status < 300) bodies.emplace_back(url, std::move(fetched.body));
  }
  if (!bodies.empty()) {
    std::vector<page::ExternalScript> scripts;
    scripts.reserve(bodies.size());
    for (const auto& [url, body] : bodies) scripts.push_back({url, body});
    page::add_external_scripts(analysis, scripts, context.brands);
    if (context.files != nullptr) {
      for (const auto& [url, body] : bodies)
        for (auto& f : context.files->scan_content({reinterpret_cast<const uint8_t*>(body.data()), body.size()},
                                                   "script.js", "text", core::to_valid_utf8(url)))
          analysis.findings.push_back(std::move(f));
    }
  }
  if (icon && icon->icon) page::add_favicon(analysis, *icon->icon, context.brands);
}

std::string without_fragment(const std::string& url) { return url.substr(0, url.find('#')); }

// One candidate, fetched for this page or taken from the fetch another page of the same
// site made (the artifact then says whose); its hop findings join the report.
DownloadOutcome fetch_candidate(const UrlContext& context, const DownloadCandidate& candidate, const net::Hop& hop,
                                const std::string& user_agent, HopJudge& judge, core::Report& report) {
  const auto fetch = [&] {
    return fetch_download(context.fetcher, candidate, hop.url, user_agent, context.settings.downloads, context.files,
                          judge);
  };
  DownloadOutcome out;
  if (context.downloads == nullptr) {
    out = fetch();
  } else {
    bool reused = false;
    const auto answer =
        context.downloads->get(DownloadMemo::key(candidate, hop.url, user_agent), hop.url, fetch, reused);
    out = answer->outcome;
    if (reused) {
      // What this page says of the link is its own; what the link gave is shared.
      out.artifact["reasons"] = candidate.reasons;
      out.artifact["found_at"] = core::to_valid_utf8(candidate.where);
      out.artifact["fetched_for"] = core::to_valid_utf8(answer->first_page);
    }
  }
  for (auto& f : out.hop_findings) add_finding_once(report, std::move(f));
  out.hop_findings.clear();
  if (report.vendor.empty()) report.vendor = out.vendor;
  return out;
}

std::vector<DownloadOutcome> fetch_downloads(const UrlContext& context, const page::PageAnalysis& analysis,
                                             const std::string& refreshed_download, const net::Hop& hop,
                                             HopJudge& judge, core::Report& report) {
  std::vector<DownloadCandidate> candidates;
  // A refresh that landed on a file is a download whatever its URL looks like (a Refresh
  // header, or /get?id=3 served as an attachment): first, unless the page lists it already.
  if (!refreshed_download.empty() &&
      std::none_of(analysis.downloads.items.begin(), analysis.downloads.items.end(), [&](const auto& c) {
        return c.fetchable && without_fragment(c.url) == without_fragment(refreshed_download);
      }))
    candidates.push_back({refreshed_download, {"a refresh of the page lands on a file"}, true, "refresh"});
  for (const auto& c : analysis.downloads.items)
    if (c.fetchable) candidates.push_back({c.url, c.details, c.strong(), c.location});

  std::vector<DownloadOutcome> out;
  const auto* profile = net::find_profile(context.settings.profile);
  for (const auto& candidate : candidates) {
    if (out.size() >= context.settings.downloads.max_downloads) break;
    out.push_back(fetch_candidate(context, candidate, hop, profile != nullptr ? profile->user_agent : std::string(),
                                  judge, report));
  }
  return out;
}

net::FetchRequest request_for(const UrlSettings& s, std::string_view profile_name) {
  net::FetchRequest r;
  const net::BrowserProfile* profile = net::find_profile(profile_name);
  if (profile == nullptr) profile = net::find_profile("chrome-windows");
  r.user_agent = !s.user_agent.empty() && profile_name == s.profile ? s.user_agent : profile->user_agent;
  r.headers = profile->headers;
  r.max_body_bytes = s.max_page_bytes;
  return r;
}

// The report's "hops": every request of the chain, written as it will be printed.
core::RenderedJson render_hops(const net::RedirectChain& chain, std::int64_t now) {
  core::RenderedJson out;
  out.text.reserve(1024 * chain.hops().size());
  core::JsonWriter writer(out.text);
  writer.begin_array();
  for (const auto& hop : chain.hops()) net::write_json(writer, hop, now);
  writer.end_array();
  return out;
}

}  // namespace

core::Report analyze_url(const UrlContext& context, std::string_view input) {
  const auto started = std::chrono::steady_clock::now();
  const std::int64_t now = now_seconds();
  core::Report report;
  report.target = {core::TargetKind::url, std::string(input)};
  auto finish = [&] {
    core::apply_verdict_policy(report);
    report.elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    return std::move(report);
  };

  const auto target = net::check_fetchable(input);
  if (!target.ok()) {
    report.errors.push_back(target.error);
    return finish();
  }
  report.target.details["url"] = core::to_valid_utf8(target.url);

  // The URL's own tricks (https://zoom.us@evil.example/) are judged as `impostor domain` does;
  // without an '@' there is no userinfo, so nothing for it to find.
  if (input.find('@') != std::string_view::npos)
    for (auto& f : analyze_domain(context.domain, input).findings)
      if (f.id == "domain.userinfo-trick") report.findings.push_back(std::move(f));

  HopJudge judge(context.domain, context.allowlist, context.settings.fresh_certificate_days, now, context.judge_memo);
  const net::FetchRequest browser = request_for(context.settings, context.settings.profile);
  net::RedirectChain chain(context.fetcher, browser, context.settings.max_redirects);
  const net::Hop* last = chain.follow(target.url);
  if (last == nullptr || last->status == 0) {
    judge.judge_chain(chain, report);
    report.hops = render_hops(chain, now);
    const std::string why = chain.stop_detail().empty() ? "nothing was fetched" : chain.stop_detail();
    if (std::find(report.errors.begin(), report.errors.end(), why) == report.errors.end()) report.errors.push_back(why);
    return finish();
  }
  // The page: read it, follow a <meta refresh> (or Refresh header) as one more hop, and
  // read the page that leads to, within the same redirect limit.
  PageLanding landing = follow_refreshes(context, chain, last, true);
  last = landing.page;
  std::optional<page::PageAnalysis>& analysis = landing.analysis;
  judge.judge_chain(chain, report);
  report.hops = render_hops(chain, now);
  report.target.details["final_url"] = core::to_valid_utf8(last->url);
  report.target.details["final_status"] = last->status;

  std::vector<DownloadOutcome> downloads;
  if (analysis) {
    enrich_page(context, *last, *analysis);
    downloads = fetch_downloads(context, *analysis, landing.refreshed_download, *last, judge, report);
    judge_page(*analysis, judge.standing(last->url), context.allowlist, downloads, report);
    if (context.files != nullptr) {
      const auto* body = reinterpret_cast<const uint8_t*>(last->body.data());
      for (auto& f :
           context.files->scan_content({body, last->body.size()}, "index.html", "html", core::to_valid_utf8(last->url)))
        report.findings.push_back(std::move(f));
    }
    report.page = page::render_json(*analysis);
  } else if (last->status >= 200 && last->status < 300 && last->body_truncated && last->body.empty()) {
    // A page that declares a Content-Length beyond the cap is refused before any byte is
    // kept: nothing of it was analysed, which is itself worth saying.
    const auto length = last->headers.find("content-length");
    report.findings.push_back({"limits.page-input",
                               core::Severity::info,
                               "The page declares more than the page cap (" +
                                   std::to_string(context.settings.max_page_bytes) + " bytes): none of it was read",
                               {{"cap", context.settings.max_page_bytes},
                                {"content_length", length == last->headers.end() ? std::string() : length->second},
                                {"input_bytes", 0},
                                {"cut_by", "fetcher (declared length above the cap: nothing read)"}},
                               core::to_valid_utf8(last->url)});
  }
  for (auto& d : downloads) {
    for (auto& f : d.findings) report.findings.push_back(std::move(f));
    report.artifacts.push_back(std::move(d.artifact));
  }

  // The plain-client probe explains a view that shows something; a view with nothing to
  // explain is not fetched twice.
  const bool worth_probing = std::any_of(report.findings.begin(), report.findings.end(),
                                         [](const core::Finding& f) { return f.severity >= core::Severity::low; }) ||
                             (analysis && !analysis->downloads.items.empty());
  if (context.settings.cloaking_probe && worth_probing) {
    const auto probe_view = [&] {
      net::RedirectChain probe(context.fetcher, request_for(context.settings, "plain"), context.settings.max_redirects);
      // The plain client follows refreshes as the browser view did, so a meta refresh is
      // not taken for cloaking.
      if (const net::Hop* probed = probe.follow(target.url); probed != nullptr && probed->status != 0)
        follow_refreshes(context, probe, probed, false, &landing.read);
      return HopJudge::compare_views(chain, probe, target.url);
    };
    const std::string key =
        context.probes != nullptr ? ProbeMemo::key(target.url, chain.hops(), browser.user_agent) : std::string();
    if (key.empty()) {
      judge.report_cloaking(probe_view(), chain, false, report);
    } else {
      bool shared = false;
      const auto comparison = context.probes->get(key, probe_view, shared);
      judge.report_cloaking(*comparison, chain, shared, report);
    }
  }
  return finish();
}

}  // namespace impostor::analyze
