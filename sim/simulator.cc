#include "sim/simulator.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>

#include <httplib.h>

#include "sim/fast_json.h"
#include "sim/graphql_apis.h"
#include "sim/json_args.h"
#include "sim/tokens.h"

namespace fct::sim {

namespace {

using json = nlohmann::json;

constexpr const char* kJson = "application/json; charset=utf-8";

// httplib::Server with access to the listening socket, to raise the listen
// backlog (Debian's library is built with a backlog of 5).
class Server : public httplib::Server {
 public:
  int listening_socket() const { return svr_sock_; }
};

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content("", 0, kJson);  // the Content-Type header; the body is moved in, not copied
  res.body = dump_json(body);
}

// Parameters from the query string and, for form posts, the body.
std::map<std::string, std::string> request_params(const httplib::Request& req) {
  std::map<std::string, std::string> params;
  for (const auto& [name, value] : req.params) params.emplace(name, value);
  if (req.get_header_value("Content-Type").find("application/x-www-form-urlencoded") == 0) {
    for (auto& [name, value] : parse_form(req.body)) params.emplace(name, value);
  }
  return params;
}

// arg() for a value the caller moves out of `body` (which it does not read again).
json* take_arg(json& body, const char* name) { return const_cast<json*>(arg(body, name)); }

std::string param(const std::map<std::string, std::string>& params, const char* name) {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

// Finds the socket of the connection `req` arrived on (by its local and peer
// ports) and shuts it down with SO_LINGER 0, so the client sees the
// connection drop without a response. False if the socket was not found.
bool reset_connection(const httplib::Request& req) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return false;
  bool done = false;
  while (dirent* entry = readdir(dir)) {
    const int fd = std::atoi(entry->d_name);
    if (fd <= 2) continue;
    sockaddr_storage local{}, peer{};
    socklen_t llen = sizeof(local), plen = sizeof(peer);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen) != 0) continue;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) != 0) continue;
    auto port_of = [](const sockaddr_storage& a) -> int {
      if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
      if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
      return -1;
    };
    if (port_of(local) != req.local_port || port_of(peer) != req.remote_port) continue;
    linger l{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    shutdown(fd, SHUT_RDWR);
    done = true;
    break;
  }
  closedir(dir);
  return done;
}

Status write_port_file(const std::string& path, int port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return make_error(ErrorCode::kInternal, "cannot write " + tmp);
    out << port << "\n";
    if (!out.flush()) return make_error(ErrorCode::kInternal, "cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return make_error(ErrorCode::kInternal, "cannot rename " + tmp);
  return ok_status();
}

}  // namespace

struct Simulator::Impl {
  explicit Impl(SimulatorOptions o)
      : options(std::move(o)),
        state(options.seed),
        fluent_tokens(hash_combine(options.seed, 11)),
        ct_tokens(hash_combine(options.seed, 12)) {}

  SimulatorOptions options;
  SimState state;
  Stats stats;
  FaultInjector faults;
  TokenStore fluent_tokens;
  TokenStore ct_tokens;
  std::unique_ptr<FluentGraphQL> fluent;
  std::unique_ptr<CtGraphQL> ct;
  std::atomic<uint64_t> touch_counter{0};

  Server server;
  std::thread thread;
  std::atomic<bool> listen_returned{false};
  int port = -1;
  bool started = false;

  Millis now() const { return options.clock(); }
  void routes();

  // Shared steps of every API request. Returns true when the request was
  // answered here (an injected HTTP error); `decision` says what else to do.
  bool prelude(Api api, httplib::Response& res, FaultDecision& decision);
  // Applies the response-side faults (reset, invalidJson, truncate).
  void epilogue(Api api, const FaultDecision& decision, const httplib::Request& req, httplib::Response& res);

  void fluent_token(const httplib::Request& req, httplib::Response& res);
  void fluent_graphql(const httplib::Request& req, httplib::Response& res);
  void ct_token(const httplib::Request& req, httplib::Response& res);
  void ct_graphql(const httplib::Request& req, httplib::Response& res);
  void touch(const httplib::Request& req, httplib::Response& res);
};

bool Simulator::Impl::prelude(Api api, httplib::Response& res, FaultDecision& d) {
  d = faults.next_request(api);
  int delay = options.latency_ms + d.slow_ms;
  if (options.latency_jitter_ms > 0) {
    thread_local std::mt19937 rng(std::random_device{}());
    delay += std::uniform_int_distribution<int>(0, options.latency_jitter_ms)(rng);
  }
  if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  const char* api_name = api == Api::kFluent ? "fluent" : "ct";
  if (d.slow_ms > 0) stats.add(std::string("faults.") + api_name + ".slow");
  int status = 0;
  switch (d.kind) {
    case FaultDecision::Kind::kHttp500: status = 500; break;
    case FaultDecision::Kind::kHttp502: status = 502; break;
    case FaultDecision::Kind::kHttp503: status = 503; break;
    case FaultDecision::Kind::kHttp504: status = 504; break;
    case FaultDecision::Kind::kHttp429: status = 429; break;
    default: return false;
  }
  stats.add(std::string("faults.") + api_name + "." + fault_name(d.kind));
  if (status == 429 || status == 503) res.set_header("Retry-After", std::to_string(d.retry_after_s));
  if (api == Api::kFluent) {
    static const std::map<int, std::string> kText = {{500, "Internal Server Error"},
                                                     {502, "Bad Gateway"},
                                                     {503, "Service Unavailable"},
                                                     {504, "Gateway Timeout"},
                                                     {429, "Too Many Requests"}};
    reply(res, status, {{"message", kText.at(status)}});
  } else {
    static const std::map<int, std::pair<std::string, std::string>> kCt = {
        {500, {"General", "Internal Server Error"}},
        {502, {"BadGateway", "Bad Gateway"}},
        {503, {"OverCapacity", "The service is temporarily over capacity. Please retry."}},
        {504, {"GatewayTimeout", "Gateway Timeout"}},
        {429, {"TooManyRequests", "Too many requests. Please retry later."}}};
    const auto& [code, message] = kCt.at(status);
    reply(res, status,
          {{"statusCode", status}, {"message", message}, {"errors", {{{"code", code}, {"message", message}}}}});
  }
  return true;
}

void Simulator::Impl::epilogue(Api api, const FaultDecision& d, const httplib::Request& req,
                               httplib::Response& res) {
  const std::string prefix = std::string("faults.") + (api == Api::kFluent ? "fluent." : "ct.");
  switch (d.kind) {
    case FaultDecision::Kind::kReset:
      stats.add(prefix + "reset");
      if (!reset_connection(req)) {
        // Fallback: promise a body and never send it; the connection closes mid-response.
        res.set_content_provider(
            1024, "application/json", [](size_t, size_t, httplib::DataSink&) { return false; });
      }
      break;
    case FaultDecision::Kind::kInvalidJson:
      stats.add(prefix + "invalidJson");
      res.status = 200;
      res.set_content("<html><body><h1>Service temporarily unavailable</h1></body></html>", kJson);
      break;
    case FaultDecision::Kind::kTruncate:
      stats.add(prefix + "truncate");
      res.set_content(res.body.substr(0, res.body.size() / 2), kJson);
      break;
    default: break;
  }
}

// --- Fluent

void Simulator::Impl::fluent_token(const httplib::Request& req, httplib::Response& res) {
  stats.add("fluent.token");
  FaultDecision d;
  if (prelude(Api::kFluent, res, d)) return;
  const auto params = request_params(req);
  std::string client_id = param(params, "client_id");
  std::string client_secret = param(params, "client_secret");
  if (client_id.empty()) {
    if (auto basic = parse_basic_auth(req.get_header_value("Authorization"))) {
      client_id = basic->first;
      client_secret = basic->second;
    }
  }
  const std::string grant = param(params, "grant_type");
  bool ok = client_id == options.fluent_client_id && client_secret == options.fluent_client_secret;
  if (grant == "password") {
    ok = ok && param(params, "username") == options.fluent_username &&
         param(params, "password") == options.fluent_password;
  } else if (grant != "client_credentials") {
    reply(res, 400,
          {{"error", "unsupported_grant_type"}, {"error_description", "Unsupported grant type: " + grant}});
    epilogue(Api::kFluent, d, req, res);
    return;
  }
  if (!ok) {
    stats.add("fluent.token.rejected");
    reply(res, 401, {{"error", "unauthorized"}, {"error_description", "Bad credentials"}});
    epilogue(Api::kFluent, d, req, res);
    return;
  }
  const std::string token = fluent_tokens.issue(now(), options.token_ttl_s * 1000);
  reply(res, 200,
        {{"access_token", token},
         {"token_type", "bearer"},
         {"expires_in", options.token_ttl_s},
         {"scope", "api"},
         {"Retailer_id", std::to_string(options.retailer)}});
  epilogue(Api::kFluent, d, req, res);
}

void Simulator::Impl::fluent_graphql(const httplib::Request& req, httplib::Response& res) {
  stats.add("fluent.graphql.requests");
  FaultDecision d;
  if (prelude(Api::kFluent, res, d)) return;
  auto unauthorized = [&](const std::string& description) {
    stats.add("fluent.graphql.unauthorized");
    res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"" + description + "\"");
    reply(res, 401, {{"error", "invalid_token"}, {"error_description", description}});
  };
  if (req.body.size() > options.max_fluent_body) {
    reply(res, 413,
          {{"errors", {{{"message", "Request body of " + std::to_string(req.body.size()) +
                                        " bytes exceeds the limit of " + std::to_string(options.max_fluent_body) +
                                        " bytes"}}}}});
    return;
  }
  const std::string token = parse_bearer(req.get_header_value("Authorization"));
  if (token.empty()) return unauthorized("Full authentication is required to access this resource");
  switch (fluent_tokens.check(token, now())) {
    case TokenStore::Check::kUnknown: return unauthorized("Invalid access token: " + token);
    case TokenStore::Check::kExpired: return unauthorized("Access token expired: " + token);
    case TokenStore::Check::kValid: break;
  }
  if (d.kind == FaultDecision::Kind::kExpireToken) {
    stats.add("faults.fluent.expireToken");
    fluent_tokens.revoke(token);
    return unauthorized("Access token expired: " + token);
  }
  json body = parse_json(req.body);
  if (body.is_discarded() || !body.is_object()) {
    reply(res, 400, {{"errors", {{{"message", "Invalid JSON in request body"}}}}});
    return;
  }
  graphql::Request request;
  if (json* q = take_arg(body, "query"); q && q->is_string()) request.query = std::move(q->get_ref<std::string&>());
  if (request.query.empty()) {
    reply(res, 400, {{"errors", {{{"message", "Must provide query string."}}}}});
    return;
  }
  if (json* v = take_arg(body, "variables")) request.variables = std::move(*v);
  if (auto name = string_arg(body, "operationName")) request.operation_name = *name;
  if (d.kind == FaultDecision::Kind::kGraphqlError) {
    stats.add("faults.fluent.graphqlError");
    reply(res, 200,
          {{"data", nullptr},
           {"errors",
            {{{"message", "[T0001E] Temporary failure of a downstream service; please retry"},
              {"extensions", {{"code", "T0001E"}}}}}}});
    return;
  }
  graphql::Response response = fluent->execute(std::move(request));
  if (response.request_error) stats.add("fluent.graphql.requestErrors");
  reply(res, 200, response.body);  // Fluent answers GraphQL errors with 200
  epilogue(Api::kFluent, d, req, res);
}

// --- commercetools

void Simulator::Impl::ct_token(const httplib::Request& req, httplib::Response& res) {
  stats.add("ct.token");
  FaultDecision d;
  if (prelude(Api::kCt, res, d)) return;
  auto error = [&](int status, const std::string& code, const std::string& message) {
    reply(res, status,
          {{"statusCode", status},
           {"message", message},
           {"errors", {{{"code", code}, {"message", message}}}},
           {"error", code},
           {"error_description", message}});
    epilogue(Api::kCt, d, req, res);
  };
  const auto basic = parse_basic_auth(req.get_header_value("Authorization"));
  if (!basic || basic->first != options.ct_client_id || basic->second != options.ct_client_secret) {
    stats.add("ct.token.rejected");
    return error(401, "invalid_client", "Please provide valid client credentials using HTTP Basic Authentication.");
  }
  const auto params = request_params(req);
  const std::string grant = param(params, "grant_type");
  if (grant != "client_credentials") {
    return error(400, "unsupported_grant_type", "Invalid grant type: '" + grant + "'.");
  }
  std::string scope = param(params, "scope");
  if (scope.empty()) {
    scope = "manage_project:" + options.ct_project_key;
  } else {
    // Every requested scope must name this project.
    size_t start = 0;
    while (start < scope.size()) {
      size_t end = scope.find(' ', start);
      if (end == std::string::npos) end = scope.size();
      const std::string one = scope.substr(start, end - start);
      const size_t colon = one.find(':');
      if (!one.empty() && (colon == std::string::npos || one.substr(colon + 1) != options.ct_project_key)) {
        return error(400, "invalid_scope", "Invalid scope: " + one + ".");
      }
      start = end + 1;
    }
  }
  const std::string token = ct_tokens.issue(now(), options.ct_token_ttl_s * 1000);
  reply(res, 200,
        {{"access_token", token}, {"token_type", "Bearer"}, {"expires_in", options.ct_token_ttl_s}, {"scope", scope}});
  epilogue(Api::kCt, d, req, res);
}

void Simulator::Impl::ct_graphql(const httplib::Request& req, httplib::Response& res) {
  stats.add("ct.graphql.requests");
  FaultDecision d;
  if (prelude(Api::kCt, res, d)) return;
  auto unauthorized = [&](const std::string& message) {
    stats.add("ct.graphql.unauthorized");
    res.set_header("WWW-Authenticate", "Bearer");
    reply(res, 401,
          {{"statusCode", 401},
           {"message", message},
           {"errors", {{{"code", "invalid_token"}, {"message", message}}}},
           {"error", "invalid_token"},
           {"error_description", message}});
  };
  const std::string token = parse_bearer(req.get_header_value("Authorization"));
  if (token.empty()) return unauthorized("This endpoint requires an access token.");
  switch (ct_tokens.check(token, now())) {
    case TokenStore::Check::kUnknown:
      return unauthorized("invalid_token");
    case TokenStore::Check::kExpired:
      return unauthorized("The access token has expired.");
    case TokenStore::Check::kValid: break;
  }
  if (d.kind == FaultDecision::Kind::kExpireToken) {
    stats.add("faults.ct.expireToken");
    ct_tokens.revoke(token);
    return unauthorized("The access token has expired.");
  }
  const std::string project = req.matches.size() > 1 ? std::string(req.matches[1]) : std::string();
  if (project != options.ct_project_key) {
    const std::string message = "The Resource with key '" + project + "' was not found.";
    reply(res, 404,
          {{"statusCode", 404}, {"message", message}, {"errors", {{{"code", "ResourceNotFound"}, {"message", message}}}}});
    return;
  }
  auto bad_request = [&](const std::string& code, const std::string& message) {
    reply(res, 400, {{"statusCode", 400}, {"message", message}, {"errors", {{{"code", code}, {"message", message}}}}});
  };
  json body = parse_json(req.body);
  if (body.is_discarded() || !body.is_object()) {
    return bad_request("InvalidJsonInput", "Request body does not contain valid JSON.");
  }
  graphql::Request request;
  if (json* q = take_arg(body, "query"); q && q->is_string()) request.query = std::move(q->get_ref<std::string&>());
  if (request.query.empty()) return bad_request("InvalidInput", "Must provide query string.");
  if (json* v = take_arg(body, "variables")) request.variables = std::move(*v);
  if (auto name = string_arg(body, "operationName")) request.operation_name = *name;
  if (d.kind == FaultDecision::Kind::kGraphqlError) {
    stats.add("faults.ct.graphqlError");
    reply(res, 200,
          {{"data", nullptr},
           {"errors", {{{"message", "Internal Server Error"}, {"extensions", {{"code", "General"}}}}}}});
    return;
  }
  graphql::Response response = ct->execute(std::move(request));
  if (response.request_error) {
    // commercetools answers syntax and validation errors with 400.
    stats.add("ct.graphql.requestErrors");
    json out = response.body;
    if (out.contains("errors")) {
      for (auto& e : out["errors"]) {
        if (!e.contains("extensions")) e["extensions"] = {{"code", "GraphQLError"}};
      }
    }
    reply(res, 400, out);
  } else {
    reply(res, 200, response.body);
  }
  epilogue(Api::kCt, d, req, res);
}

// --- control

void Simulator::Impl::touch(const httplib::Request& req, httplib::Response& res) {
  json body = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return reply(res, 400, {{"error", "expected a JSON object"}});
  const auto catalogue = string_arg(body, "catalogue");
  const auto quantity = int_arg(body, "quantity");
  const auto status = string_arg(body, "status");
  const Millis t = now();
  std::vector<TouchedPosition> changed;
  if (arg(body, "productRefs")) {
    changed = state.positions.touch_products(string_list_arg(body, "productRefs"), catalogue, quantity, status, t);
  } else if (auto count = int_arg(body, "count")) {
    if (*count < 0) return reply(res, 400, {{"error", "count must not be negative"}});
    const uint64_t seed = int_arg(body, "seed") ? static_cast<uint64_t>(*int_arg(body, "seed"))
                                                : hash_combine(options.seed, ++touch_counter);
    changed = state.positions.touch_random(static_cast<size_t>(*count), seed, catalogue, quantity, t);
  } else {
    return reply(res, 400, {{"error", "expected {\"count\": N, \"seed\": S} or {\"productRefs\": [...], \"quantity\": Q}"}});
  }
  json refs = json::array(), product_refs = json::array(), items = json::array();
  for (const auto& c : changed) {
    refs.push_back(c.ref);
    product_refs.push_back(c.product_ref);
    items.push_back({{"ref", c.ref}, {"productRef", c.product_ref}, {"catalogueRef", c.catalogue_ref},
                     {"quantity", c.quantity}});
  }
  reply(res, 200,
        {{"changed", items.size()},
         {"refs", std::move(refs)},
         {"productRefs", std::move(product_refs)},
         {"positions", std::move(items)},
         {"updatedOn", format_iso8601(t)}});
}

void Simulator::Impl::routes() {
  server.Post("/fluent/oauth/token", [this](const httplib::Request& req, httplib::Response& res) { fluent_token(req, res); });
  server.Post("/fluent/graphql", [this](const httplib::Request& req, httplib::Response& res) { fluent_graphql(req, res); });
  server.Post("/ct-auth/oauth/token", [this](const httplib::Request& req, httplib::Response& res) { ct_token(req, res); });
  server.Post(R"(/ct/([^/]+)/graphql)", [this](const httplib::Request& req, httplib::Response& res) { ct_graphql(req, res); });

  server.Get("/_sim/health", [this](const httplib::Request&, httplib::Response& res) {
    const std::string base = "http://" + options.host + ":" + std::to_string(port);
    reply(res, 200,
          {{"status", "ok"},
           {"positions", state.positions.size()},
           {"settings", state.settings.all().size()},
           {"channels", state.ct.channels().size()},
           {"entries", state.ct.entry_count()},
           {"account", options.account},
           {"retailer", options.retailer},
           {"fluentBaseUrl", base + "/fluent"},
           {"ctAuthUrl", base + "/ct-auth"},
           {"ctApiUrl", base + "/ct"},
           {"ctProjectKey", options.ct_project_key}});
  });
  server.Get("/_sim/stats", [this](const httplib::Request&, httplib::Response& res) { reply(res, 200, stats.snapshot()); });
  server.Post("/_sim/stats/reset", [this](const httplib::Request&, httplib::Response& res) {
    stats.reset();
    reply(res, 200, {{"ok", true}});
  });
  server.Get("/_sim/state", [this](const httplib::Request&, httplib::Response& res) {
    res.status = 200;
    res.set_content(dump_state_text(state), kJson);
  });
  server.Post("/_sim/load", [this](const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded()) return reply(res, 400, {{"error", "body is not valid JSON"}});
    auto data = parse_data(body, options.catalogue, now());
    if (!data.ok()) return reply(res, 400, {{"error", data.error().message}});
    auto applied = apply_data(std::move(data).value(), state);
    if (!applied.ok()) return reply(res, 400, {{"error", applied.error().message}});
    reply(res, 200,
          {{"ok", true},
           {"positions", state.positions.size()},
           {"settings", state.settings.all().size()},
           {"channels", state.ct.channels().size()},
           {"entries", state.ct.entry_count()}});
  });
  server.Post("/_sim/positions/touch", [this](const httplib::Request& req, httplib::Response& res) { touch(req, res); });
  server.Get("/_sim/faults", [this](const httplib::Request&, httplib::Response& res) { reply(res, 200, fault_config_to_json(faults.config())); });
  server.Post("/_sim/faults", [this](const httplib::Request& req, httplib::Response& res) {
    json body = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
    if (body.is_discarded()) return reply(res, 400, {{"error", "body is not valid JSON"}});
    auto config = parse_fault_config(body);
    if (!config.ok()) return reply(res, 400, {{"error", config.error().message}});
    faults.configure(config.value());
    reply(res, 200, fault_config_to_json(config.value()));
  });

  // Unknown routes and handlers that left the body empty get a JSON error.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string message = "HTTP " + std::to_string(res.status);
        if (res.status == 404) message = "No route for " + req.method + " " + req.path;
        if (res.status == 400) message = "Bad request (a POST needs a Content-Length or a chunked body)";
        if (res.status == 413) message = "Request body too large (form bodies: 8 kB; use application/json)";
        reply(res, res.status, {{"statusCode", res.status}, {"message", message}});
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    reply(res, 500, {{"statusCode", 500}, {"message", "Internal Server Error"}});
  });
}

// ---------------------------------------------------------------------------

Simulator::Simulator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Simulator::~Simulator() { stop(); }

Result<std::unique_ptr<Simulator>> Simulator::create(SimulatorOptions options) {
  if (!options.clock) options.clock = system_now;
  auto impl = std::make_unique<Impl>(std::move(options));
  const SimulatorOptions& o = impl->options;
  GeneratorOptions g;
  g.positions = o.positions;
  g.seed = o.seed;
  g.catalogue_ref = o.catalogue;
  g.channel_key = o.channel_key;
  g.retailer_id = o.retailer;
  g.now = o.clock();
  FCT_RETURN_IF_ERROR(generate(g, impl->state));
  impl->state.ct.reserve(o.positions);  // a full sync creates about one entry per position
  if (!o.data_file.empty()) FCT_RETURN_IF_ERROR(load_data_file(o.data_file, o.catalogue, g.now, impl->state));
  impl->faults.configure(o.faults);

  FluentApiOptions fluent_options;
  fluent_options.default_page_size = o.default_page_size;
  fluent_options.max_page_size = o.max_page_size;
  FCT_ASSIGN_OR_RETURN(impl->fluent, FluentGraphQL::create(impl->state, impl->stats, fluent_options, o.clock));
  FCT_ASSIGN_OR_RETURN(impl->ct, CtGraphQL::create(impl->state, impl->stats, impl->faults, o.clock));
  impl->routes();
  return std::unique_ptr<Simulator>(new Simulator(std::move(impl)));
}

Status Simulator::start() {
  Impl& s = *impl_;
  if (s.started) return make_error(ErrorCode::kInternal, "simulator already started");
  // Writes to connections the peer (or a reset fault) closed must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  const size_t threads = std::max<size_t>(1, s.options.threads);
  s.server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.server.set_keep_alive_max_count(1000000);
  s.server.set_keep_alive_timeout(30);
  s.server.set_payload_max_length(512ull * 1024 * 1024);
  s.server.set_tcp_nodelay(true);
  if (s.options.port == 0) {
    s.port = s.server.bind_to_any_port(s.options.host);
  } else {
    s.port = s.server.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1;
  }
  if (s.port <= 0) {
    return make_error(ErrorCode::kUnavailable,
                      "cannot listen on " + s.options.host + ":" + std::to_string(s.options.port));
  }
  ::listen(s.server.listening_socket(), 4096);  // raise the backlog; the socket already listens
  s.listen_returned = false;
  s.thread = std::thread([&s] {
    s.server.listen_after_bind();
    s.listen_returned = true;
  });
  // The socket accepts connections from bind on; wait until the accept loop runs
  // so that stop() cannot miss it.
  while (!s.server.is_running() && !s.listen_returned) std::this_thread::yield();
  if (!s.server.is_running()) {
    s.thread.join();
    return make_error(ErrorCode::kUnavailable, "the HTTP server stopped at once");
  }
  s.started = true;
  if (!s.options.port_file.empty()) FCT_RETURN_IF_ERROR(write_port_file(s.options.port_file, s.port));
  return ok_status();
}

void Simulator::stop() {
  if (!impl_ || !impl_->started) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->started = false;
}

int Simulator::port() const { return impl_->port; }
std::string Simulator::base_url() const { return "http://" + impl_->options.host + ":" + std::to_string(impl_->port); }
SimState& Simulator::state() { return impl_->state; }
Stats& Simulator::stats() { return impl_->stats; }
FaultInjector& Simulator::faults() { return impl_->faults; }
const SimulatorOptions& Simulator::options() const { return impl_->options; }

}  // namespace fct::sim
