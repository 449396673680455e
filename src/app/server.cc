#include "app/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>

namespace fct {
namespace {

void json_reply(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void error_reply(httplib::Response& res, int status, const std::string& message) {
  json_reply(res, status, {{"error", message}, {"status", status}});
}

int status_for(const Error& e) {
  switch (e.code) {
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    default: return 503;
  }
}

nlohmann::json job_json(const QueueMessage& m) {
  std::string state = m.state == "dead" ? "FAILED" : m.state;
  nlohmann::json j = {{"id", m.id},          {"queue", m.queue},         {"job", m.kind},
                      {"account", m.account}, {"retailer", m.retailer},   {"state", state},
                      {"attempts", m.attempts}, {"createdAt", m.created_at}, {"updatedAt", m.updated_at}};
  if (m.state == "dead") j["deadLettered"] = true;
  if (!m.last_error.empty()) j["lastError"] = m.last_error;
  if (!m.summary.empty()) {
    auto s = nlohmann::json::parse(m.summary, nullptr, false);
    if (!s.is_discarded()) j["summary"] = s;
  }
  return j;
}

// Access to the listening socket: Debian's cpp-httplib 0.11 listens with a
// backlog of 5, so a burst of connections would wait for SYN retransmits (1 s).
class HttpServer : public httplib::Server {
 public:
  int listening_socket() const { return svr_sock_; }
};

}  // namespace

struct ApiServer::Impl {
  Connector& connector;
  MessageQueue& queue;
  ServerOptions options;
  std::function<Status()> ready;
  HttpServer server;

  bool authorized(const httplib::Request& req, httplib::Response& res) {
    if (options.insecure_no_auth) return true;
    auto header = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (header.rfind(prefix, 0) == 0 && constant_time_equals(header.substr(prefix.size()), options.api_key)) return true;
    error_reply(res, 401, "missing or invalid API key (Authorization: Bearer $FLUENT_CT_API_KEY)");
    return false;
  }

  void routes() {
    server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { json_reply(res, 200, {{"status", "ok"}}); });
    server.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
      auto st = ready();
      if (st.ok()) {
        json_reply(res, 200, {{"status", "ready"}});
      } else {
        json_reply(res, 503, {{"status", "not ready"}, {"error", st.error().message}});
      }
    });
    server.Put(R"(/api/v1/fluent-connect/scheduler/add/([^/]+)/([^/]+)/([^/]+))",
               [this](const httplib::Request& req, httplib::Response& res) {
                 if (!authorized(req, res)) return;
                 auto r = connector.trigger(req.matches[1], req.matches[2], req.matches[3]);
                 if (!r.ok()) return error_reply(res, status_for(r.error()), r.error().message);
                 json_reply(res, 202, {{"id", r->id}, {"job", std::string(req.matches[3])}, {"state", "queued"},
                                       {"coalesced", r->coalesced}});
               });
    server.Get(R"(/api/v1/fluent-connect/jobs/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      if (!authorized(req, res)) return;
      // ?wait=S long-polls up to S seconds (at most 60) for a final state.
      int wait_s = req.has_param("wait") ? std::clamp(std::atoi(req.get_param_value("wait").c_str()), 0, 60) : 0;
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_s);
      for (;;) {
        auto m = queue.get(std::stoll(req.matches[1]));
        if (!m.ok()) return error_reply(res, 503, m.error().message);
        auto left = deadline - std::chrono::steady_clock::now();
        if (!m->has_value()) {
          // Ids are sequential: with ?wait, a job about to be queued (e.g. by the scheduler) is waited for too.
          if (left <= std::chrono::seconds(0)) return error_reply(res, 404, "no job " + std::string(req.matches[1]));
        } else {
          const auto& state = (*m)->state;
          bool final = state == "SUCCESSFUL" || state == "FAILED" || state == "dead";
          if (final || left <= std::chrono::seconds(0)) return json_reply(res, 200, job_json(**m));
        }
        connector.wait_for_change(std::min(std::chrono::duration_cast<std::chrono::milliseconds>(left),
                                           std::chrono::milliseconds(1000)));
      }
    });
    server.Post("/api/v1/fluent-connect/webhook", [this](const httplib::Request& req, httplib::Response& res) {
      if (req.body.size() > options.max_webhook_bytes) {
        return error_reply(res, 413, "webhook body of " + std::to_string(req.body.size()) + " bytes exceeds " +
                                         std::to_string(options.max_webhook_bytes));
      }
      if (options.verifier) {
        auto st = options.verifier->verify(req.body, [&](std::string_view name) {
          return req.get_header_value(std::string(name).c_str());
        });
        if (!st.ok()) {
          spdlog::warn("webhook rejected: {}", st.error().message);
          return error_reply(res, 401, st.error().message);
        }
      } else if (!options.insecure_no_auth) {
        return error_reply(res, 401, "webhook signature key not configured (FLUENT_WEBHOOK_PUBLIC_KEY)");
      }
      auto event = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
      if (event.is_discarded()) return error_reply(res, 400, "webhook body is not valid JSON");
      auto r = connector.accept_event(event);
      if (!r.ok()) return error_reply(res, status_for(r.error()), r.error().message);
      json_reply(res, 202, {{"id", r->id}, {"state", "queued"}});
    });
  }
};

ApiServer::ApiServer(Connector& connector, MessageQueue& queue, ServerOptions options, std::function<Status()> ready)
    : impl_(new Impl{connector, queue, std::move(options), std::move(ready), {}}) {
  auto& s = impl_->server;
  s.set_payload_max_length(impl_->options.max_webhook_bytes + 1);
  s.set_keep_alive_max_count(1000);
  s.set_tcp_nodelay(true);
  s.new_task_queue = [] { return new httplib::ThreadPool(16); };
  impl_->routes();
}

ApiServer::~ApiServer() { stop(); }

Result<int> ApiServer::bind() {
  auto& s = impl_->server;
  int port = impl_->options.port;
  if (port == 0) {
    port = s.bind_to_any_port(impl_->options.host.c_str());
    if (port < 0) return make_error(ErrorCode::kUnavailable, "cannot listen on " + impl_->options.host);
  } else if (!s.bind_to_port(impl_->options.host.c_str(), port)) {
    return make_error(ErrorCode::kUnavailable,
                      "cannot listen on " + impl_->options.host + ":" + std::to_string(port) + " (in use?)");
  }
  ::listen(s.listening_socket(), 1024);  // raise the backlog; the socket already listens
  return port;
}

void ApiServer::serve() { impl_->server.listen_after_bind(); }

void ApiServer::stop() {
  if (impl_->server.is_running()) impl_->server.stop();
}

}  // namespace fct
