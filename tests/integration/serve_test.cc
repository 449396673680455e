// `fluent-ct serve` end to end over HTTP against the simulators.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <set>

#include "harness.h"
#include "runtime/signature.h"

namespace fct::itest {
namespace {

const std::string kTrigger = "/api/v1/fluent-connect/scheduler/add/ACME/1/batch-inventory-sync";

Service::Reply wait_job(const Service& service, int64_t id) {
  return service.request("GET", "/api/v1/fluent-connect/jobs/" + std::to_string(id) + "?wait=60");
}

struct Keys {
  std::string private_pem;
  std::string public_pem;
};
const Keys& keys() {
  static Keys k = [] {
    auto pair = generate_rsa_keypair_pem();
    EXPECT_TRUE(pair.ok());
    return Keys{pair->first, pair->second};
  }();
  return k;
}

std::map<std::string, std::string> webhook_env() { return {{"FLUENT_WEBHOOK_PUBLIC_KEY", keys().public_pem}}; }

Service::Reply post_event(const Service& service, const nlohmann::json& event, const std::string& signature_header,
                          bool sign = true) {
  std::string body = event.dump();
  std::map<std::string, std::string> headers;
  if (sign) {
    auto sig = signature_header == "flex.signature" ? sign_md5_base64(body, keys().private_pem)
                                                    : sign_sha512_base64(body, keys().private_pem);
    EXPECT_TRUE(sig.ok());
    headers[signature_header] = *sig;
  }
  return service.request("POST", "/api/v1/fluent-connect/webhook", body, headers, /*with_api_key=*/false);
}

TEST(Serve, TriggerFlowsThroughQueueRouterAndHandler) {
  Simulator sim({"--positions", "300"});
  TempDir dir;
  Service service(sim, dir.path() + "/data");
  auto reply = service.request("PUT", kTrigger);
  ASSERT_EQ(reply.status, 202) << reply.body.dump() << service.log();
  int64_t id = reply.body["id"];
  auto job = wait_job(service, id);
  ASSERT_EQ(job.status, 200);
  EXPECT_EQ(job.body["state"], "SUCCESSFUL") << job.body.dump(2) << service.log();
  EXPECT_EQ(job.body["summary"]["created"], 300);
  EXPECT_EQ(entries_by_channel(sim.state()).size(), 300u);
  EXPECT_EQ(service.request("GET", "/healthz", "", {}, false).status, 200);
  EXPECT_EQ(service.request("GET", "/readyz", "", {}, false).status, 200);
  EXPECT_EQ(service.terminate(), 0) << service.log();
}

TEST(Serve, TriggerErrors) {
  Simulator sim({"--positions", "5"});
  TempDir dir;
  Service service(sim, dir.path() + "/data");
  EXPECT_EQ(service.request("PUT", kTrigger, "", {}, /*with_api_key=*/false).status, 401);
  EXPECT_EQ(service.request("PUT", kTrigger, "", {{"Authorization", "Bearer wrong"}}, false).status, 401);
  auto unknown_job = service.request("PUT", "/api/v1/fluent-connect/scheduler/add/ACME/1/no-such-job");
  EXPECT_EQ(unknown_job.status, 404);
  EXPECT_NE(unknown_job.body["error"].get<std::string>().find("no-such-job"), std::string::npos);
  EXPECT_EQ(service.request("PUT", "/api/v1/fluent-connect/scheduler/add/OTHER/1/batch-inventory-sync").status, 404);
  EXPECT_EQ(service.request("PUT", "/api/v1/fluent-connect/scheduler/add/ACME/99/batch-inventory-sync").status, 404);
  EXPECT_EQ(service.request("GET", "/api/v1/fluent-connect/jobs/12345").status, 404);
  EXPECT_EQ(service.request("GET", "/api/v1/fluent-connect/jobs/1", "", {}, false).status, 401);
}

TEST(Serve, RefusesToStartWithoutApiKey) {
  Simulator sim;
  TempDir dir;
  auto env = sim.connector_env(dir.path());
  auto result = run_process({FCT_BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir", dir.path()}, env);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("FLUENT_CT_API_KEY"), std::string::npos) << result.err;
}

TEST(Serve, WebhooksAreVerifiedThenHandled) {
  Simulator sim({"--positions", "20"});
  TempDir dir;
  Service service(sim, dir.path() + "/data", {}, webhook_env());
  // A full run first, so the event path updates an existing entry.
  ASSERT_EQ(wait_job(service, service.request("PUT", kTrigger).body["id"]).body["state"], "SUCCESSFUL");
  sim.post("/_sim/positions/touch", {{"productRefs", {"SKU-000003"}}, {"quantity", 4242}});

  nlohmann::json event = {{"id", "e-1"}, {"name", "StockUpdated"}, {"accountId", "ACME"}, {"retailerId", "1"},
                          {"entityType", "PRODUCT"}, {"entityRef", "SKU-000003"}};
  auto unsigned_reply = post_event(service, event, "fluent-signature", /*sign=*/false);
  EXPECT_EQ(unsigned_reply.status, 401);
  std::string body = event.dump();
  auto bad = service.request("POST", "/api/v1/fluent-connect/webhook", body, {{"fluent-signature", "AAAA"}}, false);
  EXPECT_EQ(bad.status, 401);
  auto tampered_sig = sign_sha512_base64(body + " ", keys().private_pem);
  EXPECT_EQ(service.request("POST", "/api/v1/fluent-connect/webhook", body, {{"fluent-signature", *tampered_sig}}, false)
                .status,
            401);
  EXPECT_EQ(entries_by_channel(sim.state())["ct-fluent-channel/SKU-000003"] == 4242, false);

  auto ok = post_event(service, event, "fluent-signature");
  ASSERT_EQ(ok.status, 202) << ok.body.dump();
  auto job = wait_job(service, ok.body["id"]);
  EXPECT_EQ(job.body["state"], "SUCCESSFUL") << job.body.dump(2);
  EXPECT_EQ(entries_by_channel(sim.state())["ct-fluent-channel/SKU-000003"], 4242);

  // The older flex.signature (MD5withRSA) is accepted when it is the only one; duplicates are harmless.
  auto flex = post_event(service, event, "flex.signature");
  ASSERT_EQ(flex.status, 202) << flex.body.dump();
  auto dup = wait_job(service, flex.body["id"]);
  EXPECT_EQ(dup.body["state"], "SUCCESSFUL");
  EXPECT_EQ(dup.body["summary"]["updated"], 0);
  EXPECT_EQ(dup.body["summary"]["unchanged"], 1);

  // Not about stock: acknowledged and skipped with the reason.
  auto other = post_event(service, {{"name", "OrderCreated"}, {"entityType", "ORDER"}, {"entityRef", "O-1"},
                                    {"accountId", "ACME"}, {"retailerId", "1"}},
                          "fluent-signature");
  ASSERT_EQ(other.status, 202);
  auto skipped = wait_job(service, other.body["id"]);
  EXPECT_EQ(skipped.body["state"], "SUCCESSFUL");
  EXPECT_NE(skipped.body["summary"]["reason"].get<std::string>().find("skipped"), std::string::npos);

  // Malformed and oversized bodies.
  auto garbage = "{not json";
  auto garbage_sig = sign_sha512_base64(garbage, keys().private_pem);
  EXPECT_EQ(service.request("POST", "/api/v1/fluent-connect/webhook", garbage, {{"fluent-signature", *garbage_sig}}, false)
                .status,
            400);
  std::string huge(2 << 20, 'x');
  EXPECT_EQ(service.request("POST", "/api/v1/fluent-connect/webhook", huge, {}, false).status, 413);
}

TEST(Serve, QueuedJobSurvivesKill9AndRunsAfterRestart) {
  Simulator sim({"--positions", "100"});
  TempDir dir;
  int64_t id;
  {
    Service service(sim, dir.path() + "/data");
    auto reply = service.request("PUT", kTrigger);
    ASSERT_EQ(reply.status, 202);
    id = reply.body["id"];
    service.kill9();
  }
  Service restarted(sim, dir.path() + "/data");
  auto job = wait_job(restarted, id);
  EXPECT_EQ(job.body["state"], "SUCCESSFUL") << job.body.dump(2) << restarted.log();
  EXPECT_EQ(entries_by_channel(sim.state()).size(), 100u);
}

TEST(Serve, SecondOwnerOfTheDataDirIsRefused) {
  Simulator sim;
  TempDir dir;
  Service first(sim, dir.path() + "/data");
  EXPECT_THROW(Service(sim, dir.path() + "/data"), std::runtime_error);
}

TEST(Serve, DeadLetterAndReplay) {
  Simulator sim({"--positions", "10"});
  TempDir dir;
  std::string data = dir.path() + "/data";
  int64_t id;
  {
    Service service(sim, data, {"--max-attempts", "2", "--retry-backoff-ms", "10", "--http-max-attempts", "1"});
    sim.post("/_sim/faults", {{"fluent", {{"http503", 1.0}}}});
    auto reply = service.request("PUT", kTrigger);
    ASSERT_EQ(reply.status, 202);
    id = reply.body["id"];
    auto job = wait_job(service, id);
    EXPECT_EQ(job.body["state"], "FAILED") << job.body.dump(2);
    EXPECT_EQ(job.body["deadLettered"], true);
    EXPECT_EQ(job.body["attempts"], 2);
    EXPECT_EQ(service.terminate(), 0);
  }
  auto env = sim.connector_env(data);
  auto list = run_process({FCT_BIN, "dlq", "list", "--data-dir", data}, env);
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("msg-" + std::to_string(id)), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("503"), std::string::npos) << list.out;
  auto replay = run_process({FCT_BIN, "dlq", "replay", "msg-" + std::to_string(id), "--data-dir", data}, env);
  EXPECT_EQ(replay.exit_code, 0) << replay.err;
  sim.post("/_sim/faults", {{"fluent", nlohmann::json::object()}});
  Service service(sim, data);
  auto job = wait_job(service, id);
  EXPECT_EQ(job.body["state"], "SUCCESSFUL") << job.body.dump(2) << service.log();
  EXPECT_EQ(entries_by_channel(sim.state()).size(), 10u);
  auto after = run_process({FCT_BIN, "dlq", "list", "--data-dir", data}, env);
  EXPECT_NE(after.exit_code, 0);  // the service owns the data dir
  EXPECT_NE(after.err.find("in use"), std::string::npos) << after.err;
}

TEST(Serve, PluginOverridesTheDefaultUpsertHandler) {
  Simulator sim({"--positions", "10"});
  TempDir dir;
  std::string config = dir.path() + "/connector.yml";
  {
    std::ofstream out(config);
    out << "plugins:\n  - " << FCT_PLUGIN << "\n"
        << "routes:\n  - name: commercetools.connect.inventory.upsert\n    handler: InventoryUpsertHandler\n"
        << "    props:\n      safety-stock: 2\n";
  }
  Service service(sim, dir.path() + "/data", {"--config", config}, webhook_env());
  sim.post("/_sim/positions/touch", {{"productRefs", {"SKU-000001"}}, {"quantity", 10}});
  auto reply = post_event(service, {{"name", "AnyName"}, {"entityType", "PRODUCT"}, {"entityRef", "SKU-000001"},
                                    {"accountId", "ACME"}, {"retailerId", "1"}},
                          "fluent-signature");
  ASSERT_EQ(reply.status, 202);
  auto job = wait_job(service, reply.body["id"]);
  EXPECT_EQ(job.body["state"], "SUCCESSFUL") << job.body.dump(2) << service.log();
  EXPECT_NE(job.body["summary"].value("reason", "").find("safety stock 2"), std::string::npos) << job.body.dump(2);
  EXPECT_EQ(entries_by_channel(sim.state())["ct-fluent-channel/SKU-000001"], 8);
}

TEST(Serve, TenConcurrentTriggersGiveOneRunPlusAtMostOneFollowUp) {
  Simulator sim({"--positions", "3000", "--latency-ms", "100"});
  TempDir dir;
  Service service(sim, dir.path() + "/data");
  std::vector<std::future<Service::Reply>> replies;
  for (int i = 0; i < 10; ++i) {
    replies.push_back(std::async(std::launch::async, [&] { return service.request("PUT", kTrigger); }));
  }
  std::set<int64_t> ids;
  for (auto& r : replies) {
    auto reply = r.get();
    ASSERT_EQ(reply.status, 202);
    ids.insert(reply.body["id"].get<int64_t>());
  }
  EXPECT_LE(ids.size(), 2u);
  for (auto id : ids) EXPECT_EQ(wait_job(service, id).body["state"], "SUCCESSFUL");
  // Each run reads the job setting once.
  EXPECT_EQ(sim.stats().value("fluent.graphql.settings", 0), static_cast<int>(ids.size()));
}

}  // namespace
}  // namespace fct::itest

namespace fct::itest {
namespace {

TEST(Serve, BuiltInSchedulerRunsConfiguredJobs) {
  Simulator sim({"--positions", "30"});
  TempDir dir;
  std::string config = dir.path() + "/connector.yml";
  {
    std::ofstream out(config);
    out << "schedules:\n  - job: batch-inventory-sync\n    cron: \"@every 1s\"\n";
  }
  Service service(sim, dir.path() + "/data", {"--config", config});
  auto job = wait_job(service, 1);  // the first message the scheduler queues
  EXPECT_EQ(job.body["state"], "SUCCESSFUL") << job.body.dump(2) << service.log();
  EXPECT_EQ(entries_by_channel(sim.state()).size(), 30u);
  EXPECT_NE(service.log().find("scheduler: batch-inventory-sync"), std::string::npos);
}

// Starts `serve` with a connector.yml holding `yaml`; it must refuse to start.
ProcessResult serve_refusing(const std::string& yaml, std::string* config_path) {
  Simulator sim;
  TempDir dir;
  *config_path = dir.path() + "/connector.yml";
  std::ofstream(*config_path) << yaml;
  auto env = sim.connector_env(dir.path());
  env["FLUENT_CT_API_KEY"] = "k";
  return run_process({FCT_BIN, "serve", "--listen", "127.0.0.1:0", "--config", *config_path}, env);
}

TEST(Serve, BadScheduleFailsAtStartNamingFileAndLine) {
  std::string config;
  auto result = serve_refusing("schedules:\n  - job: batch-inventory-sync\n    cron: \"*/0 * * * *\"\n", &config);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(config + ":2"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("minute field"), std::string::npos) << result.err;
}

TEST(Serve, UnknownHandlerFailsAtStartNamingFileAndLine) {
  std::string config;
  auto result = serve_refusing("routes:\n  - name: my-job\n    handler: NoSuchHandler\n", &config);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(config + ":2"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("NoSuchHandler"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace fct::itest
