// fluent-ct: keeps commercetools inventory in step with Fluent.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "app/serve.h"
#include "app/services.h"
#include "runtime/plugins.h"
#include "runtime/config.h"
#include "runtime/handler.h"

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

int fatal(const std::string& message) {
  spdlog::error("{}", message);
  return 2;
}

struct RunArgs {
  std::string job;
  std::string account;
  std::string retailer;
  std::string config;
  std::string data_dir;
  bool dry_run = false;
  bool json = false;
  bool insecure_tls = false;
};

// connector.yml, then its plugins, then the check that every route's handler exists.
fct::Result<fct::ConnectorConfig> load_checked_config(const std::string& path) {
  FCT_ASSIGN_OR_RETURN(auto config, fct::load_config(path));
  FCT_RETURN_IF_ERROR(fct::load_plugins(config.plugins, config.file));
  FCT_RETURN_IF_ERROR(fct::HandlerRegistry::global().check_routes(config));
  return config;
}

std::string data_dir_or_default(const std::string& arg) {
  return arg.empty() ? env_or("FLUENT_CT_DATA_DIR", ".fluent-ct") : arg;
}

int run_job(const RunArgs& args) {
  auto config = load_checked_config(args.config);
  if (!config.ok()) return fatal(config.error().message);
  const fct::Route* route = config->route(args.job);
  if (!route) {
    std::string names;
    for (const auto& r : config->routes) names += (names.empty() ? "" : ", ") + r.name;
    return fatal("unknown job \"" + args.job + "\" in " + config->file + " (routes: " + names + ")");
  }
  fct::LiveServicesOptions opts;
  opts.data_dir = data_dir_or_default(args.data_dir);
  opts.verify_tls = !args.insecure_tls;
  auto live = fct::LiveServices::create(*config, opts);
  if (!live.ok()) return fatal(live.error().message);
  fct::JobRequest request;
  request.job = args.job;
  request.account = args.account.empty() ? (*live)->fluent_credentials().account : args.account;
  request.retailer = args.retailer.empty() ? (*live)->fluent_credentials().retailer_id : args.retailer;
  request.dry_run = args.dry_run;
  if (request.account.empty()) return fatal("no account: pass --account or set FLUENT_ACCOUNT");
  if (request.retailer.empty()) return fatal("no retailer: pass --retailer or set FLUENT_RETAILER_ID");

  auto& svc = (*live)->services();
  int64_t run_id = 0;
  if (svc.store) {
    auto id = svc.store->begin_run(fct::RunRecord{0, request.job, request.account, request.retailer, "", "", "", ""});
    if (!id.ok()) return fatal(id.error().message);
    run_id = *id;
  }
  auto handler = fct::HandlerRegistry::global().find(route->handler)->factory();
  spdlog::info("{} {}/{}: starting ({} via {})", request.job, request.account, request.retailer, route->handler,
               config->file);
  fct::JobSummary summary = handler->handle(request, *route, svc);
  if (svc.store) {
    if (auto st = svc.store->finish_run(run_id, summary.status, summary.to_json().dump()); !st.ok()) {
      spdlog::error("{}", st.error().message);
    }
  }
  if (args.json) {
    std::cout << summary.to_json().dump(2) << std::endl;
  } else {
    std::cout << summary.to_text() << std::flush;
  }
  return summary.ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("fluent-ct");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(spdlog::level::from_str(env_or("FCT_LOG_LEVEL", "info")));

  CLI::App app{"fluent-ct: keeps commercetools inventory in step with Fluent Order Management"};
  app.require_subcommand(1);
  std::string log_level;
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error (env FCT_LOG_LEVEL)");

  RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "Run one job synchronously, e.g. batch-inventory-sync");
  run_cmd->add_option("job", run.job, "Job (route) name")->required();
  run_cmd->add_option("--account", run.account, "Fluent account (default: FLUENT_ACCOUNT)");
  run_cmd->add_option("--retailer", run.retailer, "Fluent retailer id (default: FLUENT_RETAILER_ID)");
  run_cmd->add_option("--config", run.config, "connector.yml (default: built in)");
  run_cmd->add_option("--data-dir", run.data_dir, "Embedded store directory (default: FLUENT_CT_DATA_DIR or .fluent-ct)");
  run_cmd->add_flag("--dry-run", run.dry_run, "Read and diff, write nothing, print what would change");
  run_cmd->add_flag("--json", run.json, "Print the summary as JSON");
  run_cmd->add_flag("--insecure-skip-tls-verify", run.insecure_tls,
                    "Do not verify TLS certificates (local simulators only)");

  fct::ServeArgs serve;
  auto* serve_cmd = app.add_subcommand("serve", "Run the connector: HTTP intake, queues, workers, scheduler");
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to listen on (PORT 0: any free port)");
  serve_cmd->add_option("--config", serve.config, "connector.yml (default: built in)");
  serve_cmd->add_option("--data-dir", serve.data_dir, "Embedded store directory (default: FLUENT_CT_DATA_DIR or .fluent-ct)");
  serve_cmd->add_flag("--insecure-no-auth", serve.insecure_no_auth,
                      "Accept triggers without FLUENT_CT_API_KEY and webhooks without signatures (local use only)");
  serve_cmd->add_flag("--insecure-skip-tls-verify", serve.insecure_tls,
                      "Do not verify TLS certificates (local simulators only)");
  serve_cmd->add_option("--shutdown-timeout", serve.shutdown_timeout_s, "Seconds to let running work finish on SIGTERM");
  serve_cmd->add_option("--max-attempts", serve.max_attempts, "Deliveries of a message before it is dead-lettered");
  serve_cmd->add_option("--retry-backoff-ms", serve.retry_backoff_ms, "First redelivery delay (doubles per attempt)");
  serve_cmd->add_option("--http-max-attempts", serve.http_max_attempts, "Attempts per HTTP request on 5xx/429/timeouts");

  std::string dlq_dir;
  std::string dlq_id;
  bool dlq_all = false;
  auto* dlq_cmd = app.add_subcommand("dlq", "Inspect and replay the dead-letter store");
  dlq_cmd->require_subcommand(1);
  auto* dlq_list = dlq_cmd->add_subcommand("list", "List dead messages (msg-N) and parked items (item-N)");
  auto* dlq_replay = dlq_cmd->add_subcommand("replay", "Re-queue one dead entry by id, or all with --all");
  for (auto* sub : {dlq_cmd, dlq_list, dlq_replay}) {
    sub->add_option("--data-dir", dlq_dir, "Embedded store directory (default: FLUENT_CT_DATA_DIR or .fluent-ct)");
  }
  dlq_replay->add_option("id", dlq_id, "msg-N or item-N");
  dlq_replay->add_flag("--all", dlq_all, "Replay every dead message and parked item");

  std::string check_config;
  auto* validate_cmd = app.add_subcommand("validate-config", "Check connector.yml, its handlers and documents");
  validate_cmd->add_option("--config", check_config, "connector.yml (default: built in)");

  app.add_subcommand("handlers", "List registered handlers");

  CLI11_PARSE(app, argc, argv);
  if (!log_level.empty()) spdlog::set_level(spdlog::level::from_str(log_level));

  if (*run_cmd) return run_job(run);
  if (*serve_cmd) {
    auto config = load_checked_config(serve.config);
    if (!config.ok()) return fatal(config.error().message);
    serve.data_dir = data_dir_or_default(serve.data_dir);
    return fct::serve_main(*config, serve);
  }
  if (*dlq_cmd) {
    if (*dlq_list) return fct::dlq_list(data_dir_or_default(dlq_dir));
    if (dlq_id.empty() && !dlq_all) return fatal("dlq replay: give an id (msg-N or item-N) or --all");
    return fct::dlq_replay(data_dir_or_default(dlq_dir), dlq_id, dlq_all);
  }
  if (*validate_cmd) {
    auto config = load_checked_config(check_config);
    if (!config.ok()) return fatal(config.error().message);
    std::cout << config->file << ": " << config->routes.size() << " route(s) OK\n";
    return 0;
  }
  for (const auto& e : fct::HandlerRegistry::global().entries()) {
    std::cout << e.name << " (priority " << e.priority << "): " << e.description << "\n";
  }
  return 0;
}
