#include "analyze/url_analysis.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "analyze/hop_judgement.hpp"
#include "core/text_safety.hpp"
#include "core/verdict_policy.hpp"
#include "net/browser_profile.hpp"
#include "net/hop_json.hpp"
#include "net/redirect_chain.hpp"

namespace impostor::analyze {
namespace {

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
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

  // The URL's own tricks (https://zoom.us@evil.example/) are judged as `impostor domain` does.
  for (auto& f : analyze_domain(context.domain, input).findings)
    if (f.id == "domain.userinfo-trick") report.findings.push_back(std::move(f));

  HopJudge judge(context.domain, context.allowlist, context.settings.fresh_certificate_days, now);
  net::RedirectChain chain(context.fetcher, request_for(context.settings, context.settings.profile),
                           context.settings.max_redirects);
  const net::Hop* last = chain.follow(target.url);
  judge.judge_chain(chain, report);
  for (const auto& hop : chain.hops()) report.hops.push_back(net::to_json(hop, now));
  if (last == nullptr || last->status == 0) {
    const std::string why = chain.stop_detail().empty() ? "nothing was fetched" : chain.stop_detail();
    if (std::find(report.errors.begin(), report.errors.end(), why) == report.errors.end()) report.errors.push_back(why);
    return finish();
  }
  report.target.details["final_url"] = core::to_valid_utf8(last->url);
  report.target.details["final_status"] = last->status;

  if (context.settings.cloaking_probe && chain.can_continue()) {
    net::RedirectChain probe(context.fetcher, request_for(context.settings, "plain"), context.settings.max_redirects);
    probe.follow(target.url);
    judge.compare_for_cloaking(chain, probe, report);
  }
  return finish();
}

}  // namespace impostor::analyze
