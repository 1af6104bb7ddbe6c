#pragma once
#include <span>
#include <vector>

#include "allowlist/vendor.hpp"
#include "analyze/download_analysis.hpp"
#include "analyze/hop_judgement.hpp"
#include "core/report.hpp"
#include "page/page_analysis.hpp"

namespace impostor::analyze {

// The vendors as the page module looks for them, built once from the allowlist.
std::vector<page::BrandTerms> brand_terms(const allowlist::Allowlist& allowlist);

// Turns what the page shows and what its downloads turned out to be into the page.* and
// scam.* findings of the URL's report: brand impersonation on a host that is not the
// vendor's, a fake download (impersonation plus an installer), an installer served from a
// host that is not an official download host, and a tech-support scam page.
void judge_page(const page::PageAnalysis& analysis, const HostStanding& host, const allowlist::Allowlist& allowlist,
                std::span<const DownloadOutcome> downloads, core::Report& report);

}  // namespace impostor::analyze
