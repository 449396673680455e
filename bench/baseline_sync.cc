// fluent-ct-baseline: the naive per-SKU inventory sync the benchmark compares
// the connector against (issue 5). It has the shape of the seed's handler:
// page through the catalogue's virtual positions, and for each one
//   1. look up its entry:  inventoryEntries(where: "sku = \"X\" and supplyChannel(id=\"…\")", limit: 1)
//   2. create it (createInventoryEntry) when missing, or update it
//      (updateInventoryEntry changeQuantity) when the quantity differs.
// One request at a time by default (--concurrency 1), which is what the usual
// loops do. With --concurrency C, C workers each run the same lookup-then-write
// loop over a shared list of positions, C requests in flight.
//
// It is a fair baseline, not a straw man: connections are reused (libcurl
// multi, keep-alive, via fct::net::make_curl_transport), tokens are fetched
// once, and an entry whose quantity is already right is not written.
//
// Environment: the connector's (FLUENT_BASE_URL, FLUENT_CLIENT_ID/SECRET,
// FLUENT_USERNAME/PASSWORD, CTP_PROJECT_KEY, CTP_CLIENT_ID/SECRET,
// CTP_AUTH_URL, CTP_API_URL, CTP_SCOPES). Prints one JSON object on stdout.
//
//   fluent-ct-baseline [--limit N] [--concurrency C] [--page-size P]
//                      [--catalogue ATS:1] [--channel-key ct-fluent-channel]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/encoding.h"
#include "net/http.h"

namespace {

using nlohmann::json;

std::string env(const char* name, bool required = true) {
  const char* v = std::getenv(name);
  if (!v || !*v) {
    if (required) {
      std::fprintf(stderr, "fluent-ct-baseline: %s is not set\n", name);
      std::exit(2);
    }
    return "";
  }
  return v;
}

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "fluent-ct-baseline: %s\n", message.c_str());
  std::exit(1);
}

struct Counters {
  std::atomic<uint64_t> requests{0}, lookups{0}, creates{0}, updates{0}, unchanged{0}, failed{0};
};

class Client {
 public:
  Client(fct::net::HttpTransport& transport, Counters& counters) : transport_(transport), counters_(counters) {}

  json post_json(const std::string& url, const std::string& token, const json& body) {
    fct::net::HttpRequest req;
    req.url = url;
    req.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"},
                   {"Authorization", "Bearer " + token}};
    req.body = body.dump();
    return send(std::move(req));
  }

  json send(fct::net::HttpRequest req) {
    counters_.requests++;
    auto url = req.url;
    auto res = transport_.perform(std::move(req));
    if (res.status != 200) {
      die("POST " + fct::net::redact_url(url) + " -> " + std::to_string(res.status) + " " +
          (res.error ? res.error->message : res.body.substr(0, 300)));
    }
    auto j = json::parse(res.body, nullptr, false);
    if (j.is_discarded()) die("reply is not JSON: " + res.body.substr(0, 200));
    return j;
  }

 private:
  fct::net::HttpTransport& transport_;
  Counters& counters_;
};

struct Position {
  std::string sku;
  int64_t quantity;
};

}  // namespace

int main(int argc, char** argv) {
  size_t limit = 0;  // 0: every position
  size_t concurrency = 1;
  int page_size = 1000;
  std::string catalogue = "ATS:1", channel_key = "ct-fluent-channel";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value for " + a);
      return argv[++i];
    };
    if (a == "--limit") limit = std::stoull(next());
    else if (a == "--concurrency") concurrency = std::max<size_t>(1, std::stoull(next()));
    else if (a == "--page-size") page_size = std::stoi(next());
    else if (a == "--catalogue") catalogue = next();
    else if (a == "--channel-key") channel_key = next();
    else die("unknown argument " + a);
  }
  const std::string fluent_base = env("FLUENT_BASE_URL"), ct_auth = env("CTP_AUTH_URL"), ct_api = env("CTP_API_URL");
  const std::string ct_graphql = ct_api + "/" + env("CTP_PROJECT_KEY") + "/graphql";
  const std::string fluent_graphql = fluent_base + "/graphql";

  fct::net::TransportOptions topts;
  topts.max_connections = concurrency + 1;
  topts.user_agent = "fluent-ct-baseline";
  auto transport = fct::net::make_curl_transport(topts);
  Counters counters;
  Client client(*transport, counters);
  const auto t0 = std::chrono::steady_clock::now();

  // Tokens, once each.
  std::string fluent_token, ct_token;
  {
    fct::net::HttpRequest req;
    req.url = fluent_base + "/oauth/token";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    std::string user = env("FLUENT_USERNAME", false);
    req.body = user.empty() ? "grant_type=client_credentials"
                            : "grant_type=password&username=" + fct::form_encode(user) +
                                  "&password=" + fct::form_encode(env("FLUENT_PASSWORD", false));
    req.body += "&client_id=" + fct::form_encode(env("FLUENT_CLIENT_ID")) +
                "&client_secret=" + fct::form_encode(env("FLUENT_CLIENT_SECRET")) + "&scope=api";
    fluent_token = client.send(std::move(req)).value("access_token", "");
  }
  {
    fct::net::HttpRequest req;
    req.url = ct_auth + "/oauth/token";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"},
                   {"Authorization", "Basic " + fct::base64_encode(env("CTP_CLIENT_ID") + ":" + env("CTP_CLIENT_SECRET"))}};
    req.body = "grant_type=client_credentials";
    auto scopes = env("CTP_SCOPES", false);
    if (!scopes.empty()) req.body += "&scope=" + fct::form_encode(scopes);
    ct_token = client.send(std::move(req)).value("access_token", "");
  }
  if (fluent_token.empty() || ct_token.empty()) die("no token");

  auto channel = client.post_json(ct_graphql, ct_token,
                                  {{"query", "query($key: String!) { channel(key: $key) { id } }"},
                                   {"variables", {{"key", channel_key}}}});
  if (!channel["data"]["channel"].is_object()) die("channel " + channel_key + " not found");
  const std::string channel_id = channel["data"]["channel"]["id"];

  static const char* kPositions =
      "query($after: String, $first: Int, $catalogueRef: String!) {"
      " virtualPositions(after: $after, first: $first, catalogue: {ref: $catalogueRef}) {"
      " edges { node { ref productRef quantity status } cursor } pageInfo { hasNextPage } } }";
  static const char* kLookup =
      "query($where: String!) { inventoryEntries(where: $where, limit: 1) { results { id version sku quantityOnStock } } }";
  static const char* kCreate =
      "mutation($sku: String!, $quantity: Long!, $channelId: String!) { createInventoryEntry(draft: {sku: $sku,"
      " quantityOnStock: $quantity, supplyChannel: {typeId: \"channel\", id: $channelId}}) { id version } }";
  static const char* kUpdate =
      "mutation($id: String!, $version: Long!, $quantity: Long!) { updateInventoryEntry(id: $id, version: $version,"
      " actions: [{changeQuantity: {quantity: $quantity}}]) { id version } }";

  auto sync_one = [&](const Position& p) {
    counters.lookups++;
    auto found = client.post_json(
        ct_graphql, ct_token,
        {{"query", kLookup},
         {"variables",
          {{"where", "sku = " + fct::predicate_string(p.sku) + " and supplyChannel(id=" +
                         fct::predicate_string(channel_id) + ")"}}}});
    const auto& results = found["data"]["inventoryEntries"]["results"];
    json reply;
    if (!results.is_array() || results.empty()) {
      counters.creates++;
      reply = client.post_json(ct_graphql, ct_token,
                               {{"query", kCreate},
                                {"variables", {{"sku", p.sku}, {"quantity", p.quantity}, {"channelId", channel_id}}}});
    } else if (results[0].value("quantityOnStock", int64_t{-1}) == p.quantity) {
      counters.unchanged++;
      return;
    } else {
      counters.updates++;
      reply = client.post_json(ct_graphql, ct_token,
                               {{"query", kUpdate},
                                {"variables", {{"id", results[0]["id"]}, {"version", results[0]["version"]},
                                               {"quantity", p.quantity}}}});
    }
    if (reply.contains("errors")) counters.failed++;
  };

  // Page, then sync the page's positions (sequentially, or with C workers).
  size_t positions = 0;
  std::string after;
  for (bool more = true; more && (limit == 0 || positions < limit);) {
    json vars = {{"catalogueRef", catalogue}, {"first", page_size}};
    if (!after.empty()) vars["after"] = after;
    auto page = client.post_json(fluent_graphql, fluent_token, {{"query", kPositions}, {"variables", vars}});
    const auto& conn = page["data"]["virtualPositions"];
    if (!conn.is_object()) die("virtualPositions failed: " + page.dump().substr(0, 300));
    more = conn["pageInfo"]["hasNextPage"].get<bool>();
    std::vector<Position> batch;
    for (const auto& e : conn["edges"]) {
      if (limit && positions + batch.size() >= limit) break;
      const auto& n = e["node"];
      int64_t q = n["status"] == "ACTIVE" ? n["quantity"].get<int64_t>() : 0;
      batch.push_back({n["productRef"].get<std::string>(), q});
      after = e["cursor"].get<std::string>();
    }
    positions += batch.size();
    if (concurrency == 1) {
      for (const auto& p : batch) sync_one(p);
    } else {
      std::atomic<size_t> next{0};
      std::vector<std::thread> workers;
      for (size_t w = 0; w < concurrency; ++w) {
        workers.emplace_back([&] {
          for (size_t i; (i = next++) < batch.size();) sync_one(batch[i]);
        });
      }
      for (auto& t : workers) t.join();
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  json out = {{"positions", positions},
              {"concurrency", concurrency},
              {"httpRequests", counters.requests.load()},
              {"lookups", counters.lookups.load()},
              {"created", counters.creates.load()},
              {"updated", counters.updates.load()},
              {"unchanged", counters.unchanged.load()},
              {"failed", counters.failed.load()},
              {"wallSeconds", wall}};
  std::cout << out.dump() << std::endl;
  return counters.failed.load() ? 1 : 0;
}
