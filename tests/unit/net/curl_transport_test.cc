// The libcurl transport against an in-process cpp-httplib server on loopback.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <dirent.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "net/http.h"
#include "net/testing.h"

namespace fct::net {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// cpp-httplib 0.11 listens with a backlog of 5 (compiled into Debian's
// library): when more connections open at once, SYNs are dropped and the
// client retransmits after 1 s. Raise the backlog of our listening socket
// (Linux updates it when listen() is called again).
void raise_backlog(int port) {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return;
  while (dirent* entry = ::readdir(dir)) {
    int fd = std::atoi(entry->d_name);
    if (fd <= 2 || fd == ::dirfd(dir)) continue;
    int listening = 0;
    socklen_t optlen = sizeof listening;
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) != 0 || !listening) continue;
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0 && addr.sin_family == AF_INET &&
        ntohs(addr.sin_port) == port) {
      ::listen(fd, 1024);
    }
  }
  ::closedir(dir);
}

// A server whose handlers are registered first, then start() listens on an
// ephemeral port. gate() blocks handlers until open_gate() (or a timeout), so
// tests can hold requests in flight without sleeping.
class LoopbackServer {
 public:
  LoopbackServer() {
    server_.new_task_queue = [] { return new httplib::ThreadPool(64); };
    server_.set_tcp_nodelay(true);  // else Nagle + delayed ACK add ~40 ms per reply
    server_.set_keep_alive_max_count(100000);  // default 5: reconnect every 5 requests
  }
  ~LoopbackServer() {
    open_gate();
    if (thread_.joinable()) {
      server_.stop();
      thread_.join();
    }
  }

  httplib::Server& server() { return server_; }

  void start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    raise_backlog(port_);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  // Called from handlers: counts the arrival, tracks concurrency, then waits
  // until the gate opens or `at_most` passes.
  void gate(milliseconds at_most) {
    std::unique_lock lock(mu_);
    ++arrived_;
    ++in_flight_;
    peak_ = std::max(peak_, in_flight_);
    cv_.notify_all();
    cv_.wait_for(lock, at_most, [&] { return open_ || (gate_count_ > 0 && arrived_ >= gate_count_); });
    --in_flight_;
  }
  // The gate opens by itself once `n` requests have arrived.
  void open_after(int n) {
    std::lock_guard lock(mu_);
    gate_count_ = n;
  }
  void open_gate() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool wait_arrived(int n, milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return arrived_ >= n; });
  }
  int peak() {
    std::lock_guard lock(mu_);
    return peak_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  int arrived_ = 0, in_flight_ = 0, peak_ = 0, gate_count_ = 0;
  bool open_ = false;
};

// Collects callbacks; wait() blocks until `n` arrived (with a timeout).
class Collector {
 public:
  HttpTransport::Callback callback() {
    return [this](HttpResponse r) {
      std::lock_guard lock(mu_);
      responses_.push_back(std::move(r));
      cv_.notify_all();
    };
  }
  bool wait(size_t n, milliseconds timeout = seconds(8)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return responses_.size() >= n; });
  }
  std::vector<HttpResponse> responses() {
    std::lock_guard lock(mu_);
    return responses_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<HttpResponse> responses_;
};

TransportOptions local_options() {
  TransportOptions o;
  o.verify_tls = false;
  o.connect_timeout = milliseconds(2000);
  return o;
}

TEST(CurlTransportTest, GetAndPostRoundTrip) {
  LoopbackServer srv;
  srv.server().Get("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Reply", "yes");
    res.set_content("GET q=" + req.get_param_value("q") + " h=" + req.get_header_value("X-Test") +
                        " ua=" + req.get_header_value("User-Agent"),
                    "text/plain");
  });
  srv.server().Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.status = 201;
    res.set_content(req.body + "|" + req.get_header_value("Content-Type"), "application/json");
  });
  srv.server().Get("/missing", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content("nope", "text/plain");
  });
  srv.start();
  auto t = make_curl_transport(local_options());

  HttpRequest get;
  get.method = "GET";
  get.url = srv.url("/echo?q=42");
  get.headers = {{"X-Test", "abc"}};
  HttpResponse r = t->perform(get);
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.body, "GET q=42 h=abc ua=fluent-ct");
  EXPECT_EQ(r.header("x-reply"), "yes");
  EXPECT_EQ(r.header("content-type"), "text/plain");
  for (const auto& [name, value] : r.headers) {
    for (char c : name) EXPECT_FALSE(c >= 'A' && c <= 'Z') << name;
  }

  HttpRequest post;
  post.url = srv.url("/echo");
  post.body = R"({"query":"{ a }"})";
  post.headers = {{"Content-Type", "application/json"}, {"X-Empty", ""}};
  r = t->perform(post);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"query":"{ a }"}|application/json)");

  // A large body (past libcurl's Expect: 100-continue threshold).
  post.body.assign(2 << 20, 'x');
  r = t->perform(post);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body.size(), (2u << 20) + 1 + 16);

  get.url = srv.url("/missing");
  r = t->submit(get).get();
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "nope");
  EXPECT_FALSE(r.error);

  auto s = t->stats();
  EXPECT_EQ(s.requests, 4u);
  EXPECT_EQ(s.failures, 0u);
}

TEST(CurlTransportTest, HundredConcurrentRequestsAllComplete) {
  LoopbackServer srv;
  srv.open_after(6);  // hold the first arrivals until several are in flight
  srv.server().Post("/graphql", [&srv](const httplib::Request& req, httplib::Response& res) {
    srv.gate(seconds(3));
    res.set_content("reply:" + req.body, "application/json");
  });
  srv.start();
  TransportOptions o = local_options();
  o.max_connections = 16;
  auto t = make_curl_transport(o);
  Collector c;
  constexpr int kN = 100;
  for (int i = 0; i < kN; ++i) {
    HttpRequest req;
    req.url = srv.url("/graphql");
    req.body = std::to_string(i);
    t->start(std::move(req), c.callback());
  }
  ASSERT_TRUE(c.wait(kN));
  auto responses = c.responses();
  ASSERT_EQ(responses.size(), static_cast<size_t>(kN));
  std::vector<bool> seen(kN);
  for (const auto& r : responses) {
    ASSERT_EQ(r.status, 200) << (r.error ? r.error->to_string() : "");
    int i = std::stoi(r.body.substr(6));
    ASSERT_FALSE(seen[i]);
    seen[i] = true;
  }
  EXPECT_GT(srv.peak(), 1);
  EXPECT_LE(srv.peak(), 16);  // the per-host limit holds
  EXPECT_EQ(t->stats().requests, static_cast<uint64_t>(kN));
}

TEST(CurlTransportTest, ConnectionRefusedIsUnavailable) {
  // A bound socket that does not listen: connecting to it is refused at once.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  int port = ntohs(addr.sin_port);

  auto t = make_curl_transport(local_options());
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/graphql?access_token=SECRET1";
  req.headers = {{"Authorization", "Bearer SECRET2"}};
  req.body = "SECRET3";
  HttpResponse r = t->perform(req);
  ::close(fd);
  EXPECT_EQ(r.status, 0);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kUnavailable);
  const std::string& m = r.error->message;
  EXPECT_NE(m.find("/graphql"), std::string::npos) << m;
  EXPECT_NE(m.find("curl error"), std::string::npos) << m;
  EXPECT_EQ(m.find("SECRET"), std::string::npos) << m;
  EXPECT_EQ(m.find("access_token"), std::string::npos) << m;
  EXPECT_EQ(t->stats().failures, 1u);
}

TEST(CurlTransportTest, TimeoutIsDeadlineExceeded) {
  LoopbackServer srv;
  srv.server().Get("/slow", [&srv](const httplib::Request&, httplib::Response& res) {
    srv.gate(seconds(5));  // released by the test (or the server's destructor)
    res.set_content("late", "text/plain");
  });
  srv.server().Get("/fast", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("fast", "text/plain");
  });
  srv.start();
  auto t = make_curl_transport(local_options());
  HttpRequest req;
  req.method = "GET";
  req.url = srv.url("/slow?sig=SECRET");
  req.timeout = milliseconds(200);
  auto before = std::chrono::steady_clock::now();
  HttpResponse r = t->perform(req);
  auto took = std::chrono::steady_clock::now() - before;
  srv.open_gate();
  EXPECT_EQ(r.status, 0);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kDeadlineExceeded) << r.error->message;
  EXPECT_EQ(r.error->message.find("SECRET"), std::string::npos);
  EXPECT_GE(took, milliseconds(190));
  EXPECT_LT(took, seconds(3));
  // The transport stays usable.
  req.url = srv.url("/fast");
  EXPECT_EQ(t->perform(req).body, "fast");
}

TEST(CurlTransportTest, DestructorCancelsRequestsInFlight) {
  LoopbackServer srv;
  srv.server().Get("/hang", [&srv](const httplib::Request&, httplib::Response& res) {
    srv.gate(seconds(5));
    res.set_content("too late", "text/plain");
  });
  srv.start();
  TransportOptions o = local_options();
  o.max_connections = 4;  // 4 in flight at the server, 4 waiting in the transport
  auto t = make_curl_transport(o);
  std::mutex mu;
  std::vector<int> calls(8, 0);
  std::vector<std::optional<Error>> errors(8);
  for (int i = 0; i < 8; ++i) {
    HttpRequest req;
    req.method = "GET";
    req.url = srv.url("/hang");
    t->start(std::move(req), [&, i](HttpResponse r) {
      std::lock_guard lock(mu);
      ++calls[i];
      errors[i] = r.error;
    });
  }
  ASSERT_TRUE(srv.wait_arrived(4, seconds(5)));
  t.reset();  // joins the I/O thread: every callback has run by now
  std::lock_guard lock(mu);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(calls[i], 1) << i;
    ASSERT_TRUE(errors[i]) << i;
    EXPECT_EQ(errors[i]->code, ErrorCode::kCancelled) << i;
  }
  EXPECT_LE(srv.peak(), 4);
}

TEST(CurlTransportTest, CallbackMayDropTheLastReference) {
  LoopbackServer srv;
  srv.server().Get("/hang", [&srv](const httplib::Request&, httplib::Response& res) {
    srv.gate(seconds(5));
    res.set_content("too late", "text/plain");
  });
  srv.server().Get("/fast", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("fast", "text/plain");
  });
  srv.start();
  std::shared_ptr<HttpTransport> owner = make_curl_transport(local_options());
  Collector c;
  HttpRequest hang;
  hang.method = "GET";
  hang.url = srv.url("/hang");
  owner->start(hang, c.callback());
  ASSERT_TRUE(srv.wait_arrived(1, seconds(5)));
  HttpRequest fast = hang;
  fast.url = srv.url("/fast");
  // From here only the callback touches `owner`: it destroys the transport
  // on the transport's own I/O thread.
  owner->start(fast, [&owner, cb = c.callback()](HttpResponse r) {
    owner.reset();
    cb(std::move(r));
  });
  ASSERT_TRUE(c.wait(2));
  auto rs = c.responses();
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].status, 200);
  EXPECT_EQ(rs[0].body, "fast");
  EXPECT_EQ(rs[1].status, 0);
  ASSERT_TRUE(rs[1].error);
  EXPECT_EQ(rs[1].error->code, ErrorCode::kCancelled);
}

TEST(CurlTransportTest, CallbackMayStartAnotherRequest) {
  LoopbackServer srv;
  srv.server().Get("/n", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.get_param_value("i"), "text/plain");
  });
  srv.start();
  auto t = make_curl_transport(local_options());
  Collector c;
  std::function<void(int)> chain = [&](int i) {
    HttpRequest req;
    req.method = "GET";
    req.url = srv.url("/n?i=" + std::to_string(i));
    t->start(std::move(req), [&, i](HttpResponse r) {
      if (i < 5) chain(i + 1);
      c.callback()(std::move(r));
    });
  };
  chain(1);
  ASSERT_TRUE(c.wait(5));
  auto rs = c.responses();
  ASSERT_EQ(rs.size(), 5u);
  for (const auto& r : rs) EXPECT_EQ(r.status, 200);
}

TEST(CurlTransportTest, RetryingOverCurlWithSystemClock) {
  LoopbackServer srv;
  std::atomic<int> hits{0};
  srv.server().Post("/flaky", [&hits](const httplib::Request&, httplib::Response& res) {
    if (hits.fetch_add(1) < 2) {
      res.status = 503;
      res.set_header("Retry-After", "0");
      return;
    }
    res.set_content("finally", "text/plain");
  });
  srv.start();
  std::shared_ptr<HttpTransport> curl = make_curl_transport(local_options());
  RetryPolicy policy;
  policy.initial_backoff = milliseconds(5);
  auto t = make_retrying_transport(curl, policy, system_clock(), 1);
  HttpRequest req;
  req.url = srv.url("/flaky");
  req.body = "{}";
  HttpResponse r = t->perform(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "finally");
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(t->stats().retries, 2u);
  EXPECT_EQ(curl->stats().requests, 3u);
}

}  // namespace
}  // namespace fct::net
