// HttpTransport on libcurl's multi interface, driven by one I/O thread.
//
// start() hands the request to the I/O thread through a mutex-guarded vector
// and wakes it with curl_multi_wakeup(). The I/O thread keeps a FIFO per host
// ("scheme://host:port") and admits at most options.max_connections requests
// per host into the multi handle, so a request's timeout starts when it is
// admitted, not while it waits behind others. Easy handles are pooled and
// reset between requests; connections live in the multi handle's cache and
// are reused across requests (keep-alive, or HTTP/2 multiplexing over TLS).
// Callbacks run on the I/O thread with no lock held.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "net/http.h"

namespace fct::net {
namespace {

constexpr size_t kMaxPooledHandles = 1024;
constexpr size_t kMaxBodyReserve = 64u << 20;

void curl_global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Splits a URL into [scheme://][userinfo@]authority and the rest.
struct UrlParts {
  std::string_view scheme_sep;  // "scheme://" or empty
  std::string_view authority;   // host[:port], userinfo removed
  std::string_view path;        // path, without query and fragment
};

UrlParts split_url(std::string_view url) {
  UrlParts parts;
  size_t pos = url.find("://");
  size_t auth_begin = 0;
  if (pos != std::string_view::npos) {
    parts.scheme_sep = url.substr(0, pos + 3);
    auth_begin = pos + 3;
  }
  size_t auth_end = url.find_first_of("/?#", auth_begin);
  if (auth_end == std::string_view::npos) auth_end = url.size();
  std::string_view authority = url.substr(auth_begin, auth_end - auth_begin);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  parts.authority = authority;
  size_t path_end = url.find_first_of("?#", auth_end);
  if (path_end == std::string_view::npos) path_end = url.size();
  parts.path = url.substr(auth_end, path_end - auth_end);
  return parts;
}

// The connection-limit key: lower-case scheme://host:port.
std::string host_key(std::string_view url) {
  UrlParts p = split_url(url);
  std::string key;
  key.reserve(p.scheme_sep.size() + p.authority.size());
  for (char c : p.scheme_sep) key.push_back(lower(c));
  for (char c : p.authority) key.push_back(lower(c));
  return key;
}

}  // namespace

// The URL as it may appear in messages and logs: no userinfo, no query string,
// no fragment (they may carry credentials).
std::string redact_url(std::string_view url) {
  UrlParts p = split_url(url);
  std::string out;
  out.reserve(p.scheme_sep.size() + p.authority.size() + p.path.size());
  out.append(p.scheme_sep).append(p.authority).append(p.path);
  return out;
}

namespace {

struct Job {
  HttpRequest request;
  HttpTransport::Callback done;
  HttpResponse response;
  std::string host;
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  char errbuf[CURL_ERROR_SIZE];

  ~Job() {
    if (header_list != nullptr) curl_slist_free_all(header_list);
  }
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* job = static_cast<Job*>(user);
  size_t n = size * count;
  job->response.body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* job = static_cast<Job*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.empty()) return n;
  if (line.size() >= 5 && line.substr(0, 5) == "HTTP/") {
    // A new status line (e.g. after "100 Continue"): headers start over.
    job->response.headers.clear();
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return n;  // obsolete folding or junk
  std::string name(line.substr(0, colon));
  for (char& c : name) c = lower(c);
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (name == "content-length") {
    size_t length = 0;
    bool digits = !value.empty() && value.size() < 19;
    for (char c : value) {
      if (c < '0' || c > '9') { digits = false; break; }
      length = length * 10 + static_cast<size_t>(c - '0');
    }
    // 64 bytes spare: in-place JSON parsers (api/reply_decoders) need that
    // much padding after the body and would otherwise copy it.
    if (digits && length <= kMaxBodyReserve) job->response.body.reserve(length + 64);
  }
  job->response.headers.emplace_back(std::move(name), std::string(value));
  return n;
}

Error transport_error(ErrorCode code, const HttpRequest& request, const std::string& what) {
  return make_error(code, request.method + " " + redact_url(request.url) + ": " + what);
}

// Everything the I/O thread touches. Shared between the CurlTransport and the
// I/O thread so that the transport may be destroyed on its own I/O thread
// (e.g. when a callback drops the last reference to it): the thread then
// finishes on its own and the engine dies with it.
class CurlEngine {
 public:
  using Callback = HttpTransport::Callback;

  explicit CurlEngine(const TransportOptions& options) : options_(options) {
    if (options_.max_connections == 0) options_.max_connections = 1;
    curl_global_init_once();
    multi_ = curl_multi_init();
    long per_host = static_cast<long>(options_.max_connections);
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, per_host);
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, std::max(per_host * 4, 32L));
    curl_multi_setopt(multi_, CURLMOPT_PIPELINING, options_.http2 ? CURLPIPE_MULTIPLEX : CURLPIPE_NOTHING);
  }

  ~CurlEngine() {
    for (CURL* easy : pool_) curl_easy_cleanup(easy);
    curl_multi_cleanup(multi_);
  }

  static void run(std::shared_ptr<CurlEngine> self) {
    CurlEngine* engine = self.get();
    engine->io_ = std::thread([self = std::move(self)] { self->loop(); });
  }

  // Stops the I/O thread; requests not yet completed get kCancelled. Waits
  // for the thread unless called on it.
  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    curl_multi_wakeup(multi_);
    if (std::this_thread::get_id() == io_.get_id()) {
      io_.detach();  // the loop sees stopping_ once the current callback returns
    } else {
      io_.join();
    }
  }

  void start(HttpRequest request, Callback done) {
    requests_.fetch_add(1, std::memory_order_relaxed);
    auto job = std::make_unique<Job>();
    job->host = host_key(request.url);
    job->request = std::move(request);
    job->done = std::move(done);
    bool wake = false;
    {
      std::lock_guard lock(mu_);
      if (!stopping_) {
        // The I/O thread takes the whole vector at once, so a non-empty one
        // means a wakeup is already on its way.
        wake = incoming_.empty();
        incoming_.push_back(std::move(job));
      }
    }
    if (job) {  // not queued: the transport is shutting down
      cancel(*job);
      return;
    }
    if (wake) curl_multi_wakeup(multi_);
  }

  TransportStats stats() const {
    TransportStats s;
    s.requests = requests_.load(std::memory_order_relaxed);
    s.failures = failures_.load(std::memory_order_relaxed);
    return s;
  }

 private:
  struct Host {
    std::deque<std::unique_ptr<Job>> waiting;
    size_t active = 0;
  };

  void loop() {
    std::vector<std::unique_ptr<Job>> fresh;
    for (;;) {
      bool stop;
      {
        std::lock_guard lock(mu_);
        fresh.swap(incoming_);
        stop = stopping_;
      }
      if (stop) {
        shutdown(fresh);
        return;
      }
      for (auto& job : fresh) {
        Host& host = hosts_[job->host];
        host.waiting.push_back(std::move(job));
        if (host.active < options_.max_connections) admit_from(host);
      }
      fresh.clear();

      int running = 0;
      curl_multi_perform(multi_, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL* easy = msg->easy_handle;
        CURLcode result = msg->data.result;  // read before the handle is removed
        finish(easy, result);
      }
      curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    }
  }

  // Moves waiting jobs of `host` into the multi handle while under its limit.
  void admit_from(Host& host) {
    while (host.active < options_.max_connections && !host.waiting.empty()) {
      std::unique_ptr<Job> job = std::move(host.waiting.front());
      host.waiting.pop_front();
      CURL* easy = acquire_easy();
      if (easy == nullptr || !configure(easy, *job) || curl_multi_add_handle(multi_, easy) != CURLM_OK) {
        if (easy != nullptr) release_easy(easy);
        job->easy = nullptr;
        Error error = transport_error(ErrorCode::kUnavailable, job->request, "could not set up the libcurl request");
        complete(std::move(job), std::move(error));
        continue;
      }
      ++host.active;
      Job* raw = job.get();
      active_.emplace(raw, std::move(job));
    }
  }

  CURL* acquire_easy() {
    if (!pool_.empty()) {
      CURL* easy = pool_.back();
      pool_.pop_back();
      return easy;
    }
    return curl_easy_init();
  }

  void release_easy(CURL* easy) {
    curl_easy_reset(easy);
    if (pool_.size() < kMaxPooledHandles) {
      pool_.push_back(easy);
    } else {
      curl_easy_cleanup(easy);
    }
  }

  bool configure(CURL* easy, Job& job) {
    job.easy = easy;
    job.errbuf[0] = '\0';
    const HttpRequest& r = job.request;
    bool ok = true;
    auto set = [&](CURLoption option, auto value) { ok = ok && curl_easy_setopt(easy, option, value) == CURLE_OK; };
    set(CURLOPT_URL, r.url.c_str());
    set(CURLOPT_PROTOCOLS_STR, "http,https");
    set(CURLOPT_PRIVATE, static_cast<void*>(&job));
    set(CURLOPT_NOSIGNAL, 1L);
    set(CURLOPT_ERRORBUFFER, job.errbuf);
    set(CURLOPT_WRITEFUNCTION, &on_body);
    set(CURLOPT_WRITEDATA, static_cast<void*>(&job));
    set(CURLOPT_HEADERFUNCTION, &on_header);
    set(CURLOPT_HEADERDATA, static_cast<void*>(&job));
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(0, r.timeout.count())));
    set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::max<int64_t>(0, options_.connect_timeout.count())));
    set(CURLOPT_TCP_KEEPALIVE, 1L);
    set(CURLOPT_BUFFERSIZE, 65536L);
    set(CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    set(CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.user_agent.empty()) set(CURLOPT_USERAGENT, options_.user_agent.c_str());
    if (options_.http2) {
      set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
      // Over TLS, wait for a connection that may multiplex rather than open
      // another; plain http stays HTTP/1.1, where waiting only adds latency.
      if (job.host.rfind("https://", 0) == 0) set(CURLOPT_PIPEWAIT, 1L);
    } else {
      set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    }
    if (options_.accept_compressed) set(CURLOPT_ACCEPT_ENCODING, "");

    bool has_body = !r.body.empty();
    if (r.method == "GET" && !has_body) {
      set(CURLOPT_HTTPGET, 1L);
    } else if (r.method == "HEAD") {
      set(CURLOPT_NOBODY, 1L);
    } else {
      if (r.method != "POST") set(CURLOPT_CUSTOMREQUEST, r.method.c_str());
      if (has_body || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
        // No copy: the body lives in the job until the transfer is done.
        set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
        set(CURLOPT_POSTFIELDS, r.body.data());
      }
    }

    bool has_expect = false;
    std::string line;
    for (const auto& [name, value] : r.headers) {
      if (name.empty() || name.find_first_of(":\r\n") != std::string::npos ||
          value.find_first_of("\r\n") != std::string::npos) {
        continue;  // would corrupt the request; never echo it anywhere
      }
      if (name.size() == 6 && lower(name[0]) == 'e' && lower(name[5]) == 't') {
        std::string lowered = name;
        for (char& c : lowered) c = lower(c);
        has_expect = has_expect || lowered == "expect";
      }
      line.assign(name);
      if (value.empty()) {
        line.push_back(';');  // libcurl's syntax for a header with an empty value
      } else {
        line.append(": ").append(value);
      }
      if (curl_slist* next = curl_slist_append(job.header_list, line.c_str())) {
        job.header_list = next;
      } else {
        ok = false;
      }
    }
    if (has_body && !has_expect) {
      // No "Expect: 100-continue" round trip for large bodies.
      if (curl_slist* next = curl_slist_append(job.header_list, "Expect:")) job.header_list = next;
    }
    if (job.header_list != nullptr) set(CURLOPT_HTTPHEADER, job.header_list);
    return ok;
  }

  void finish(CURL* easy, CURLcode result) {
    void* priv = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
    Job* raw = static_cast<Job*>(priv);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_multi_remove_handle(multi_, easy);
    release_easy(easy);

    auto it = active_.find(raw);
    if (it == active_.end()) return;  // cannot happen
    std::unique_ptr<Job> job = std::move(it->second);
    active_.erase(it);
    job->easy = nullptr;

    auto host_it = hosts_.find(job->host);
    if (host_it != hosts_.end()) {
      Host& host = host_it->second;
      --host.active;
      admit_from(host);  // refill the slot before running the callback
      if (host.active == 0 && host.waiting.empty()) hosts_.erase(host_it);
    }

    if (result == CURLE_OK && status > 0) {
      job->response.status = static_cast<int>(status);
      complete(std::move(job), std::nullopt);
      return;
    }
    std::string what;
    if (result == CURLE_OK) {
      what = "no HTTP status in the reply";
    } else {
      what = "curl error " + std::to_string(static_cast<int>(result)) + " (" + curl_easy_strerror(result) + ")";
      if (job->errbuf[0] != '\0') what += ": " + std::string(job->errbuf);
    }
    ErrorCode code = result == CURLE_OPERATION_TIMEDOUT ? ErrorCode::kDeadlineExceeded : ErrorCode::kUnavailable;
    Error error = transport_error(code, job->request, what);
    complete(std::move(job), std::move(error));
  }

  // Runs the callback; no lock is held here. `error` turns the reply into a
  // transport error (status 0, no headers, no body).
  void complete(std::unique_ptr<Job> job, std::optional<Error> error) {
    HttpResponse response = std::move(job->response);
    if (error) {
      response.status = 0;
      response.headers.clear();
      response.body.clear();
      response.error = std::move(error);
      failures_.fetch_add(1, std::memory_order_relaxed);
    }
    Callback done = std::move(job->done);
    job.reset();  // free the request before running user code
    try {
      done(std::move(response));
    } catch (...) {
      // Callbacks must not throw; the I/O thread survives one that does.
    }
  }

  void cancel(Job& job) {
    HttpResponse response;
    response.error = transport_error(ErrorCode::kCancelled, job.request, "transport shut down");
    failures_.fetch_add(1, std::memory_order_relaxed);
    Callback done = std::move(job.done);
    try {
      done(std::move(response));
    } catch (...) {
    }
  }

  // I/O thread, on stop: every request not yet completed gets kCancelled.
  void shutdown(std::vector<std::unique_ptr<Job>>& fresh) {
    std::vector<std::unique_ptr<Job>> all;
    for (auto& [raw, job] : active_) {
      curl_multi_remove_handle(multi_, job->easy);
      curl_easy_cleanup(job->easy);
      job->easy = nullptr;
      all.push_back(std::move(job));
    }
    active_.clear();
    for (auto& [key, host] : hosts_) {
      for (auto& job : host.waiting) all.push_back(std::move(job));
    }
    hosts_.clear();
    for (auto& job : fresh) all.push_back(std::move(job));
    fresh.clear();
    for (auto& job : all) cancel(*job);
  }

  TransportOptions options_;
  CURLM* multi_ = nullptr;

  std::mutex mu_;
  std::vector<std::unique_ptr<Job>> incoming_;  // guarded by mu_
  bool stopping_ = false;                       // guarded by mu_

  // I/O thread only (and the destructor after join).
  std::unordered_map<std::string, Host> hosts_;
  std::unordered_map<Job*, std::unique_ptr<Job>> active_;
  std::vector<CURL*> pool_;

  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> failures_{0};
  std::thread io_;
};

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(const TransportOptions& options) : engine_(std::make_shared<CurlEngine>(options)) {
    CurlEngine::run(engine_);
  }
  ~CurlTransport() override { engine_->stop(); }

  void start(HttpRequest request, Callback done) override { engine_->start(std::move(request), std::move(done)); }
  TransportStats stats() const override { return engine_->stats(); }

 private:
  std::shared_ptr<CurlEngine> engine_;
};

}  // namespace

std::unique_ptr<HttpTransport> make_curl_transport(const TransportOptions& options) {
  return std::make_unique<CurlTransport>(options);
}

}  // namespace fct::net
