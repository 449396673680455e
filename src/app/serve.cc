#include "app/serve.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <thread>

#include "app/server.h"
#include "app/services.h"
#include "runtime/connector.h"
#include "runtime/signature.h"
#include "store/queue.h"

namespace fct {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

int fail(const std::string& message) {
  spdlog::error("{}", message);
  return 2;
}

}  // namespace

int serve_main(const ConnectorConfig& config, const ServeArgs& args) {
  // Signals are taken by sigwait below: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ServerOptions server_options;
  auto colon = args.listen.rfind(':');
  if (colon == std::string::npos) return fail("--listen " + args.listen + ": expected HOST:PORT");
  server_options.host = args.listen.substr(0, colon);
  server_options.port = std::atoi(args.listen.c_str() + colon + 1);
  server_options.api_key = env("FLUENT_CT_API_KEY");
  server_options.insecure_no_auth = args.insecure_no_auth;
  if (server_options.api_key.empty() && !args.insecure_no_auth) {
    return fail("FLUENT_CT_API_KEY is not set: set it, or pass --insecure-no-auth for local use");
  }
  if (auto key = env("FLUENT_WEBHOOK_PUBLIC_KEY"); !key.empty()) {
    auto verifier = WebhookVerifier::from_key(key);
    if (!verifier.ok()) return fail("FLUENT_WEBHOOK_PUBLIC_KEY: " + verifier.error().message);
    server_options.verifier = std::move(verifier).value();
  } else if (!args.insecure_no_auth) {
    spdlog::warn("FLUENT_WEBHOOK_PUBLIC_KEY is not set: webhooks will be refused");
  }

  QueueOptions queue_options;
  queue_options.max_attempts = args.max_attempts;
  queue_options.initial_backoff = std::chrono::milliseconds(args.retry_backoff_ms);
  auto queue = MessageQueue::open(args.data_dir, queue_options);
  if (!queue.ok()) return fail(queue.error().message);
  LiveServicesOptions live_options;
  live_options.retry.max_attempts = args.http_max_attempts;
  live_options.data_dir = args.data_dir;
  live_options.verify_tls = !args.insecure_tls;
  auto live = LiveServices::create(config, live_options);
  if (!live.ok()) return fail(live.error().message);

  ConnectorOptions options;
  options.accounts = split((*live)->fluent_credentials().account);
  options.retailers = split((*live)->fluent_credentials().retailer_id);
  if (options.accounts.empty() || options.retailers.empty()) {
    return fail("FLUENT_ACCOUNT and FLUENT_RETAILER_ID (comma-separated for several retailers) must be set");
  }
  Connector connector(config, (*live)->services(), **queue, options);
  if (auto st = connector.check(); !st.ok()) return fail(st.error().message);

  ApiServer server(connector, **queue, server_options, [&]() -> Status { return connector.check(); });
  auto port = server.bind();
  if (!port.ok()) return fail(port.error().message);
  std::cout << "fluent-ct listening on http://" << server_options.host << ":" << *port << std::endl;
  spdlog::info("serving {} route(s) from {}, data in {}, {} schedule(s)", config.routes.size(), config.file,
               args.data_dir, config.schedules.size());
  connector.start();
  std::thread http([&] { server.serve(); });

  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("signal {}: stopping intake, letting running work finish (up to {} s)", sig, args.shutdown_timeout_s);
  server.stop();
  http.join();
  bool drained = connector.stop(std::chrono::seconds(args.shutdown_timeout_s));
  spdlog::info("stopped{}", drained ? "" : " with work still running (it will be redelivered)");
  if (!drained) std::_Exit(0);  // detached workers may still hold the queue: leave without destructors
  return 0;
}

int dlq_list(const std::string& data_dir) {
  auto queue = MessageQueue::open(data_dir, QueueOptions{});
  if (!queue.ok()) return fail(queue.error().message);
  auto dead = (*queue)->dead(1000);
  if (!dead.ok()) return fail(dead.error().message);
  auto store = open_sqlite_store(data_dir);
  if (!store.ok()) return fail(store.error().message);
  auto items = (*store)->dead_letters(10000);
  if (!items.ok()) return fail(items.error().message);
  for (const auto& m : *dead) {
    std::cout << "msg-" << m.id << "  " << m.queue << " " << m.kind << " " << m.account << "/" << m.retailer
              << "  attempts " << m.attempts << "  " << m.last_error << "\n";
  }
  for (const auto& d : *items) {
    std::cout << "item-" << d.id << "  " << d.job << " " << d.key << "  parked " << d.parked_at << "  " << d.reason
              << "\n";
  }
  std::cout << dead->size() << " dead message(s), " << items->size() << " parked item(s)\n";
  return 0;
}

int dlq_replay(const std::string& data_dir, const std::string& id, bool all) {
  auto queue = MessageQueue::open(data_dir, QueueOptions{});
  if (!queue.ok()) return fail(queue.error().message);
  auto store = open_sqlite_store(data_dir);
  if (!store.ok()) return fail(store.error().message);
  int replayed = 0;
  if (all || id.rfind("msg-", 0) == 0) {
    std::optional<int64_t> which;
    if (!all) which = std::stoll(id.substr(4));
    auto n = (*queue)->replay(which);
    if (!n.ok()) return fail(n.error().message);
    replayed += *n;
  }
  if (all || id.rfind("item-", 0) == 0) {
    auto items = (*store)->dead_letters(100000);
    if (!items.ok()) return fail(items.error().message);
    for (const auto& d : *items) {
      if (!all && "item-" + std::to_string(d.id) != id) continue;
      // A parked SKU goes back through the event path: re-read from Fluent, write at once.
      auto payload = nlohmann::json::parse(d.payload, nullptr, false);
      nlohmann::json event = {{"name", "fluent-ct.dlq.replay"},
                              {"entityType", "PRODUCT"},
                              {"entityRef", d.key},
                              {"accountId", payload.is_object() ? payload.value("account", "") : ""},
                              {"retailerId", payload.is_object() ? payload.value("retailer", "") : ""}};
      auto r = (*queue)->enqueue("event", "fluent-ct.dlq.replay", event["accountId"], event["retailerId"], event.dump(),
                                 false);
      if (!r.ok()) return fail(r.error().message);
      if (auto st = (*store)->remove_dead_letter(d.id); !st.ok()) return fail(st.error().message);
      ++replayed;
    }
  }
  if (replayed == 0 && !all) return fail("no dead entry " + id);
  std::cout << "replayed " << replayed << " entr" << (replayed == 1 ? "y" : "ies") << "\n";
  return 0;
}

}  // namespace fct
