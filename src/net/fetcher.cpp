#include "net/fetcher.hpp"

#include <curl/curl.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/ascii_text.hpp"
#include "core/text_safety.hpp"
#include "net/dns_cache.hpp"
#include "net/host_throttle.hpp"

namespace impostor::net {
namespace {

struct UrlFree {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct EasyFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct CurlString {
  void operator()(char* p) const { curl_free(p); }
};
using UrlPtr = std::unique_ptr<CURLU, UrlFree>;
using SlistPtr = std::unique_ptr<curl_slist, SlistFree>;

std::string url_part(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(u, part, &raw, flags) != CURLUE_OK || raw == nullptr) return {};
  std::unique_ptr<char, CurlString> owned(raw);
  return raw;
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The response headers an analyst needs; others are not kept.
bool selected_header(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "location",         "content-type", "content-disposition",      "server", "content-length",
      "content-encoding", "refresh",      "strict-transport-security"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

// Resolution with a deadline: getaddrinfo cannot be cancelled, so it runs on its own
// detached thread and the caller stops waiting at the connect timeout.
struct Lookup {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  int status = 0;
  std::vector<sockaddr_storage> addresses;
  std::vector<socklen_t> lengths;
};

std::string resolve_host(const std::string& host, long timeout_ms, std::vector<sockaddr_storage>& addresses,
                         std::vector<socklen_t>& lengths) {
  auto lookup = std::make_shared<Lookup>();
  std::thread([lookup, host] {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* result = nullptr;
    const int status = getaddrinfo(host.c_str(), nullptr, &hints, &result);
    std::lock_guard lock(lookup->mutex);
    lookup->status = status;
    for (addrinfo* ai = result; ai != nullptr && lookup->addresses.size() < 32; ai = ai->ai_next) {
      if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
      sockaddr_storage s{};
      std::memcpy(&s, ai->ai_addr, ai->ai_addrlen);
      lookup->addresses.push_back(s);
      lookup->lengths.push_back(ai->ai_addrlen);
    }
    if (result != nullptr) freeaddrinfo(result);
    lookup->done = true;
    lookup->done_cv.notify_all();
  }).detach();
  std::unique_lock lock(lookup->mutex);
  if (!lookup->done_cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return lookup->done; }))
    return "DNS lookup of " + host + " timed out";
  if (lookup->status != 0) return "DNS lookup of " + host + " failed: " + gai_strerror(lookup->status);
  if (lookup->addresses.empty()) return "DNS lookup of " + host + " returned no address";
  addresses = lookup->addresses;
  lengths = lookup->lengths;
  return {};
}

struct Transfer {
  FetchRequest request;
  Hop hop;
  std::promise<Hop> promise;
  std::unique_ptr<CURL, EasyFree> easy;
  SlistPtr headers;
  SlistPtr resolve;
  std::string host;
  const TrustStore* trust = nullptr;
  bool check_addresses = true;
  uint64_t max_header_bytes = 0;
  bool header_overflow = false;
  bool guard_stopped = false;
  HostThrottle* throttle = nullptr;  // set while the transfer holds a slot of its host
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  t->hop.header_bytes += n;
  if (t->hop.header_bytes > t->max_header_bytes) {
    t->header_overflow = true;
    return 0;
  }
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    t->hop.headers.clear();  // a new response (after 100 Continue or a proxy CONNECT)
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  const std::string name = core::ascii_lower(std::string(line.substr(0, colon)));
  if (!selected_header(name)) return n;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  constexpr size_t kMaxValue = 4096;
  t->hop.headers[name] = core::to_valid_utf8(value.substr(0, kMaxValue));
  return n;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  // Counted here, whatever Content-Length says: what is counted is the decoded
  // (gunzipped, unbrotlied) size, and the first max_body_bytes are kept either way.
  const uint64_t room = t->request.max_body_bytes - std::min(t->request.max_body_bytes, t->hop.body_bytes);
  const size_t take = static_cast<size_t>(std::min<uint64_t>(room, n));
  if (take > 0) {
    const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(data), take);
    if (t->request.body_sink) {
      if (!t->request.body_sink(bytes)) {
        t->hop.body_truncated = true;
        return 0;
      }
    } else {
      t->hop.body.append(data, take);
    }
    t->hop.body_bytes += take;
  }
  if (take < n) {
    t->hop.body_truncated = true;
    return 0;
  }
  return n;
}

curl_socket_t on_open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  if (purpose == CURLSOCKTYPE_IPCXN && t->check_addresses) {
    if (auto refusal = refuse_address(&address->addr, address->addrlen)) {
      t->hop.refused = *refusal;
      t->guard_stopped = true;
      return CURL_SOCKET_BAD;
    }
  }
  return socket(address->family, address->socktype, address->protocol);
}

int on_prereq(void* user, char* primary_ip, char* /*local_ip*/, int primary_port, int /*local_port*/) {
  auto* t = static_cast<Transfer*>(user);
  t->hop.ip = primary_ip != nullptr ? primary_ip : "";
  t->hop.port = primary_port;
  // A reused connection skips the socket callback: check the connected address again.
  if (t->check_addresses) {
    sockaddr_storage s{};
    socklen_t len = 0;
    if (!parse_address(t->hop.ip, s, len)) {
      t->hop.refused = AddressRefusal{"not-ip", t->hop.ip};
      t->guard_stopped = true;
      return CURL_PREREQFUNC_ABORT;
    }
    if (auto refusal = refuse_address(reinterpret_cast<const sockaddr*>(&s), len)) {
      t->hop.refused = *refusal;
      t->guard_stopped = true;
      return CURL_PREREQFUNC_ABORT;
    }
  }
  // Read here, where every connection (new, reused or resumed) still has its SSL*.
  curl_tlssessioninfo* info = nullptr;
  if (curl_easy_getinfo(t->easy.get(), CURLINFO_TLS_SSL_PTR, &info) == CURLE_OK && info != nullptr &&
      info->backend == CURLSSLBACKEND_OPENSSL && info->internals != nullptr) {
    t->hop.tls = inspect_tls_once(static_cast<SSL*>(info->internals), t->host, *t->trust, now_seconds());
  }
  return CURL_PREREQFUNC_OK;
}

double info_ms(CURL* easy, CURLINFO what) {
  curl_off_t us = 0;
  curl_easy_getinfo(easy, what, &us);
  return static_cast<double>(us) / 1000.0;
}

FetchableUrl check_fetchable_once(std::string_view url) {
  FetchableUrl out;
  constexpr size_t kMaxUrl = size_t{64} * 1024;
  if (url.size() > kMaxUrl) {
    out.error = "URL longer than 64 KiB";
    return out;
  }
  if (url.find('\0') != std::string_view::npos) {
    out.error = "URL contains a NUL byte";
    return out;
  }
  UrlPtr u(curl_url());
  const std::string text(url);
  const auto rc = curl_url_set(u.get(), CURLUPART_URL, text.c_str(),
                               CURLU_NON_SUPPORT_SCHEME | CURLU_DEFAULT_SCHEME | CURLU_URLENCODE);
  if (rc != CURLUE_OK) {
    // A scheme-only form such as "javascript:alert(1)" or "data:..." fails to parse as a
    // URL with a host; name the scheme when there is one so the refusal is clear.
    const auto colon = text.find(':');
    if (colon != std::string::npos && colon > 0 && text.compare(colon, 3, "://") != 0) {
      out.error = "unsupported scheme '" +
                  core::to_valid_utf8(core::ascii_lower(text.substr(0, std::min<size_t>(colon, 32)))) +
                  "': only http and https are fetched";
    } else {
      out.error = std::string("malformed URL: ") + curl_url_strerror(rc);
    }
    return out;
  }
  out.scheme = core::ascii_lower(url_part(u.get(), CURLUPART_SCHEME));
  if (out.scheme != "http" && out.scheme != "https") {
    out.error = "unsupported scheme '" + core::to_valid_utf8(out.scheme) + "': only http and https are fetched";
    return out;
  }
  // Credentials in the URL are a phishing trick, never something to send.
  curl_url_set(u.get(), CURLUPART_USER, nullptr, 0);
  curl_url_set(u.get(), CURLUPART_PASSWORD, nullptr, 0);
  curl_url_set(u.get(), CURLUPART_FRAGMENT, nullptr, 0);
  out.host = core::ascii_lower(url_part(u.get(), CURLUPART_HOST));
  if (out.host.size() > 2 && out.host.front() == '[') out.host = out.host.substr(1, out.host.size() - 2);
  if (out.host.empty()) {
    out.error = "URL has no host";
    return out;
  }
  const std::string port = url_part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  out.port = port.empty() ? 0 : std::strtol(port.c_str(), nullptr, 10);
  out.url = url_part(u.get(), CURLUPART_URL);
  return out;
}

// check_fetchable without its memory of recent answers.
FetchableUrl settle_fetchable(std::string_view url) {
  // libcurl percent-decodes a host when handing it out but normalises numeric IPv4 forms
  // only while parsing, so "http://%35/" comes out as host "5", which parses again as
  // 0.0.0.5 (found by fuzzing). Parse what we would fetch until it stops changing, so
  // the host judged is the host visited; two rounds settle every case seen, three bound it.
  auto out = check_fetchable_once(url);
  // Parsing is a function of the text: a URL that prints as it was given settles at once.
  if (!out.ok() || out.url == url) return out;
  for (int round = 0; round < 3 && out.ok(); ++round) {
    auto again = check_fetchable_once(out.url);
    if (!again.ok() || (again.url == out.url && again.host == out.host)) return again.ok() ? out : again;
    out = std::move(again);
  }
  if (out.ok()) {
    out = FetchableUrl{};
    out.error = "URL does not settle to one host when parsed again";
  }
  return out;
}

}  // namespace

FetchableUrl check_fetchable(std::string_view url) {
  // One URL is checked again and again on its way through an analysis (the chain, the
  // fetcher, the judge, the report), and the answer depends on its text alone: each thread
  // keeps its last few answers rather than have libcurl parse and print it again.
  struct Recent {
    bool used = false;
    std::string input;
    FetchableUrl answer;
  };
  constexpr size_t kRecent = 8;
  constexpr size_t kMaxKept = 2048;  // longer URLs are parsed every time, not kept
  thread_local std::array<Recent, kRecent> recent;
  thread_local size_t oldest = 0;
  for (const auto& r : recent)
    if (r.used && r.input == url) return r.answer;
  FetchableUrl answer = settle_fetchable(url);
  if (url.size() <= kMaxKept) {
    Recent& r = recent[oldest];
    oldest = (oldest + 1) % kRecent;
    r.used = true;
    r.input.assign(url);
    r.answer = answer;
  }
  return answer;
}

std::string resolve_reference(std::string_view base, std::string_view reference) {
  UrlPtr u(curl_url());
  const std::string b(base);
  const std::string r(reference);
  if (curl_url_set(u.get(), CURLUPART_URL, b.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) return {};
  if (curl_url_set(u.get(), CURLUPART_URL, r.c_str(), CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE) != CURLUE_OK)
    return {};
  return url_part(u.get(), CURLUPART_URL);
}

struct Fetcher::Impl {
  FetchOptions options;
  TrustStore trust;
  HostThrottle throttle{options.per_host_limit, std::chrono::milliseconds(options.per_host_delay_ms)};
  // --resolve entries by "host:port": the addresses they pin.
  std::unordered_map<std::string, std::vector<std::string>> pinned;
  DnsCache dns;

  // One libcurl multi handle and its thread. A host's transfers all go to one loop, so its
  // connections are shared as with a single loop; a second loop takes libcurl's own work
  // per request (parsing, framing, TLS records) to a second core.
  struct Loop {
    CURLM* multi = nullptr;
    std::mutex mutex;
    std::deque<std::unique_ptr<Transfer>> queue;
    std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;
    // Set by the first submit since the loop last took the queue: the ones after it need not
    // wake the loop again (each wakeup is a syscall, and one more pass over every transfer).
    std::atomic<bool> wake_pending{false};
    std::thread thread;
  };
  std::vector<std::unique_ptr<Loop>> loops;
  std::atomic<bool> stopping{false};

  // Easy handles of finished transfers, reset, for the next ones: a new handle allocates
  // libcurl's whole per-transfer state and buffers again, once per request.
  static constexpr size_t kMaxPooled = 128;
  static constexpr long kIdleConnections = 128;
  std::mutex pool_mutex;
  std::vector<CURL*> pool;

  explicit Impl(FetchOptions o) : options(std::move(o)), trust(options.ca_files) {
    for (const auto& entry : options.resolve) {
      // HOST:PORT:ADDR[,ADDR]...; IPv6 addresses in brackets.
      const auto first = entry.find(':');
      const auto second = first == std::string::npos ? std::string::npos : entry.find(':', first + 1);
      if (second == std::string::npos)
        throw std::invalid_argument("--resolve needs HOST:PORT:ADDR, got '" + entry + "'");
      const std::string key = core::ascii_lower(entry.substr(0, second));
      std::string rest = entry.substr(second + 1);
      std::vector<std::string> addresses;
      size_t start = 0;
      while (start <= rest.size()) {
        const auto comma = rest.find(',', start);
        std::string a = rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        sockaddr_storage s{};
        socklen_t len = 0;
        if (!parse_address(a, s, len)) throw std::invalid_argument("--resolve: '" + a + "' is not an IP address");
        if (a.size() > 2 && a.front() == '[') a = a.substr(1, a.size() - 2);
        addresses.push_back(a);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      pinned[key] = std::move(addresses);
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);  // thread-safe in this libcurl ("threadsafe" feature)
    const size_t count = std::max<size_t>(1, options.network_threads);
    for (size_t i = 0; i < count; ++i) {
      auto loop = std::make_unique<Loop>();
      loop->multi = curl_multi_init();
      if (loop->multi == nullptr) {
        stop();
        throw std::runtime_error("cannot create a libcurl multi handle");
      }
      curl_multi_setopt(loop->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
      // libcurl keeps 4 idle connections per transfer in flight by default: with few URLs at
      // once and many hosts, a site's connection was closed before its next request (the
      // cloaking probe, the download, the favicon) and each paid a new TLS handshake.
      curl_multi_setopt(loop->multi, CURLMOPT_MAXCONNECTS, kIdleConnections);
      Loop& l = *loop;
      loops.push_back(std::move(loop));
      try {
        l.thread = std::thread([this, &l] { run(l); });
      } catch (...) {
        stop();  // the loops already running are joined before the error leaves
        throw;
      }
    }
  }

  ~Impl() { stop(); }

  void stop() {
    stopping = true;
    for (auto& l : loops) {
      curl_multi_wakeup(l->multi);
      if (l->thread.joinable()) l->thread.join();
    }
    for (CURL* e : pool) curl_easy_cleanup(e);
    pool.clear();
    for (auto& l : loops)
      if (l->multi != nullptr) curl_multi_cleanup(l->multi);
    loops.clear();
  }

  CURL* take_easy() {
    {
      std::lock_guard lock(pool_mutex);
      if (!pool.empty()) {
        CURL* e = pool.back();
        pool.pop_back();
        return e;
      }
    }
    return curl_easy_init();
  }

  // Called once the handle has left the multi; every option is set again by configure().
  void recycle(std::unique_ptr<CURL, EasyFree> easy) {
    if (!easy) return;
    curl_easy_reset(easy.get());
    std::lock_guard lock(pool_mutex);
    if (pool.size() < kMaxPooled) pool.push_back(easy.release());
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  static std::future<Hop> ready(Hop hop) {
    std::promise<Hop> p;
    p.set_value(std::move(hop));
    return p.get_future();
  }

  std::future<Hop> submit(FetchRequest request) {
    auto t = std::make_unique<Transfer>();
    t->hop.method = request.head ? "HEAD" : "GET";
    t->hop.url = request.url;
    const auto target = check_fetchable(request.url);
    if (!target.ok()) {
      t->hop.error = target.error;
      return ready(std::move(t->hop));
    }
    t->hop.url = target.url;
    t->host = target.host;
    t->trust = &trust;
    t->max_header_bytes = options.max_header_bytes;
    // Through a proxy the socket goes to the proxy, which resolves the origin: the user
    // chose that proxy, so its address is not judged.
    t->check_addresses = !options.allow_private_addresses && options.proxy.empty();

    std::vector<std::string> addresses;
    const std::string key = target.host + ":" + std::to_string(target.port);
    if (auto it = pinned.find(key); it != pinned.end()) {
      addresses = it->second;
    } else if (options.proxy.empty()) {
      sockaddr_storage s{};
      socklen_t len = 0;
      if (parse_address(target.host, s, len)) {
        addresses.push_back(target.host);
      } else if (auto known = dns.find(target.host)) {
        addresses = std::move(*known);
      } else {
        std::vector<sockaddr_storage> found;
        std::vector<socklen_t> lengths;
        if (auto error = resolve_host(target.host, options.connect_timeout_ms, found, lengths); !error.empty()) {
          t->hop.error = error;
          return ready(std::move(t->hop));
        }
        for (size_t i = 0; i < found.size(); ++i)
          addresses.push_back(address_text(reinterpret_cast<const sockaddr*>(&found[i]), lengths[i]));
        dns.remember(target.host, addresses);
      }
    }
    t->hop.resolved = addresses;
    std::vector<std::string> allowed;
    for (const auto& a : addresses) {
      sockaddr_storage s{};
      socklen_t len = 0;
      if (!parse_address(a, s, len)) continue;
      if (t->check_addresses) {
        if (auto refusal = refuse_address(reinterpret_cast<const sockaddr*>(&s), len)) {
          if (!t->hop.refused) t->hop.refused = refusal;
          continue;
        }
      }
      allowed.push_back(s.ss_family == AF_INET6 ? "[" + a + "]" : a);
    }
    if (!addresses.empty() && allowed.empty()) {
      t->hop.error = "refused: " + target.host + " resolves only to " + t->hop.refused->range + " address " +
                     t->hop.refused->address + " (use --allow-private-addresses to fetch it)";
      return ready(std::move(t->hop));
    }
    t->hop.refused.reset();
    if (!allowed.empty()) {
      // Pin what was checked, so libcurl connects to exactly these addresses.
      std::string pin = key + ":";
      for (size_t i = 0; i < allowed.size(); ++i) pin += (i ? "," : "") + allowed[i];
      t->resolve.reset(curl_slist_append(nullptr, pin.c_str()));
    }

    t->request = std::move(request);
    if (!configure(*t)) return ready(std::move(t->hop));
    throttle.acquire(t->host);
    t->throttle = &throttle;
    auto future = t->promise.get_future();
    Loop& loop = *loops[std::hash<std::string>{}(t->host) % loops.size()];
    {
      std::lock_guard lock(loop.mutex);
      loop.queue.push_back(std::move(t));
    }
    if (!loop.wake_pending.exchange(true)) curl_multi_wakeup(loop.multi);
    return future;
  }

  bool configure(Transfer& t) {
    t.easy.reset(take_easy());
    CURL* e = t.easy.get();
    if (e == nullptr) {
      t.hop.error = "cannot create a libcurl handle";
      return false;
    }
    curl_easy_setopt(e, CURLOPT_URL, t.hop.url.c_str());
    // A reused handle keeps its TLS session cache: every new connection still makes a full
    // handshake, as with a fresh handle, so each one presents its chain to inspect_tls().
    curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 0L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    // Requests to a host whose first connection is still being set up wait for it and share
    // it (HTTP/2) rather than each paying for a handshake of its own.
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every coding libcurl has (gzip, br, zstd)
    // The chain is verified by inspect_tls() and judged; the transfer goes on either way.
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, options.total_timeout_ms);
    // No CURLOPT_MAXFILESIZE: it refuses a body whose Content-Length is over the cap before
    // one byte is kept, so padding a fake page to 6 MiB would hide all of it. on_body keeps
    // the first max_body_bytes and cuts the transfer there.
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error_buffer.data());
    if (!t.request.user_agent.empty()) curl_easy_setopt(e, CURLOPT_USERAGENT, t.request.user_agent.c_str());
    curl_slist* list = nullptr;
    for (const auto& h : t.request.headers) list = curl_slist_append(list, h.c_str());
    t.headers.reset(list);
    if (list != nullptr) curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
    if (t.request.head) curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    std::string range;
    if (t.request.range) {
      range = std::to_string(t.request.range->first) + "-" + std::to_string(t.request.range->second);
      curl_easy_setopt(e, CURLOPT_RANGE, range.c_str());  // copied by libcurl
    }
    if (t.resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, t.resolve.get());
    if (!options.proxy.empty()) curl_easy_setopt(e, CURLOPT_PROXY, options.proxy.c_str());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &t);
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, &t);
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    return true;
  }

  static void settle(Transfer& t) {
    if (t.throttle != nullptr) t.throttle->release(t.host);
    t.throttle = nullptr;
    t.promise.set_value(std::move(t.hop));
  }

  void finish(Transfer& t, CURLcode result) {
    CURL* e = t.easy.get();
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    t.hop.status = status;
    long version = 0;
    curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &version);
    t.hop.http_version = version == CURL_HTTP_VERSION_2_0   ? "2"
                         : version == CURL_HTTP_VERSION_1_1 ? "1.1"
                         : version == CURL_HTTP_VERSION_1_0 ? "1.0"
                                                            : "";
    t.hop.timings = {info_ms(e, CURLINFO_NAMELOOKUP_TIME_T), info_ms(e, CURLINFO_CONNECT_TIME_T),
                     info_ms(e, CURLINFO_APPCONNECT_TIME_T), info_ms(e, CURLINFO_STARTTRANSFER_TIME_T),
                     info_ms(e, CURLINFO_TOTAL_TIME_T)};
    if (result != CURLE_OK) {
      if (t.guard_stopped && t.hop.refused) {
        t.hop.error = "refused: connection to " + t.hop.refused->range + " address " + t.hop.refused->address +
                      " (use --allow-private-addresses to fetch it)";
      } else if (t.header_overflow) {
        t.hop.error = "response headers exceed " + std::to_string(t.max_header_bytes) + " bytes";
      } else if (!(result == CURLE_WRITE_ERROR && t.hop.body_truncated) &&
                 !(result == CURLE_FILESIZE_EXCEEDED && t.hop.status != 0)) {
        const char* detail = t.error_buffer[0] != 0 ? t.error_buffer.data() : curl_easy_strerror(result);
        t.hop.error = core::to_valid_utf8(detail);
      }
      if (result == CURLE_FILESIZE_EXCEEDED) t.hop.body_truncated = true;
    }
    settle(t);
  }

  void run(Loop& loop) {
    while (true) {
      loop.wake_pending = false;  // before the queue is taken: a submit after this wakes the loop
      {
        std::lock_guard lock(loop.mutex);
        while (!loop.queue.empty()) {
          auto t = std::move(loop.queue.front());
          loop.queue.pop_front();
          CURL* e = t->easy.get();
          if (curl_multi_add_handle(loop.multi, e) != CURLM_OK) {
            t->hop.error = "cannot start the transfer";
            settle(*t);
            continue;
          }
          loop.active.emplace(e, std::move(t));
        }
      }
      if (stopping) break;
      int running = 0;
      curl_multi_perform(loop.multi, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(loop.multi, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL* e = msg->easy_handle;
        const CURLcode result = msg->data.result;
        curl_multi_remove_handle(loop.multi, e);
        auto it = loop.active.find(e);
        if (it == loop.active.end()) continue;
        auto t = std::move(it->second);
        loop.active.erase(it);
        finish(*t, result);
        recycle(std::move(t->easy));
      }
      curl_multi_poll(loop.multi, nullptr, 0, 1000, nullptr);
    }
    std::lock_guard lock(loop.mutex);
    for (auto& t : loop.queue) {
      t->hop.error = "the fetcher stopped before the transfer started";
      settle(*t);
    }
    loop.queue.clear();
    for (auto& [e, t] : loop.active) {
      curl_multi_remove_handle(loop.multi, e);
      t->hop.error = "the fetcher stopped before the transfer finished";
      settle(*t);
    }
    loop.active.clear();
  }
};

Fetcher::Fetcher(FetchOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Fetcher::~Fetcher() = default;
std::future<Hop> Fetcher::submit(FetchRequest request) { return impl_->submit(std::move(request)); }
const FetchOptions& Fetcher::options() const { return impl_->options; }
const TrustStore& Fetcher::trust() const { return impl_->trust; }

}  // namespace impostor::net
