#include "handlers/inventory_common.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "graphql/graphql.h"

namespace fct {

Result<InventoryOptions> inventory_options(const Route& route) {
  InventoryOptions o;
  FCT_ASSIGN_OR_RETURN(auto lookup, route.props.get_int("lookup-batch-size", 250, 1, 500));
  FCT_ASSIGN_OR_RETURN(auto write, route.props.get_int("write-batch-size", 50, 1, 500));
  FCT_ASSIGN_OR_RETURN(auto concurrency, route.props.get_int("concurrency", 8, 1, 256));
  FCT_ASSIGN_OR_RETURN(auto inactive, route.props.get_int("inactive-quantity", 0, 0, INT64_MAX));
  o.lookup_batch = static_cast<size_t>(lookup);
  o.write_batch = static_cast<size_t>(write);
  o.concurrency = static_cast<size_t>(concurrency);
  o.inactive_quantity = inactive;
  return o;
}

Result<std::string> load_document(const ConnectorConfig& config, const Route& route, const std::string& prop) {
  FCT_ASSIGN_OR_RETURN(auto text, config.document(route, prop));
  auto parsed = graphql::parse(text);
  if (!parsed.ok()) {
    return make_error(ErrorCode::kInvalidArgument,
                      route.props.where(prop) + ": document " + route.props.get_or(prop, "") + ": " + parsed.error().message);
  }
  return text;
}

Result<InventoryRouteDocuments> load_inventory_documents(const ConnectorConfig& config, const Route& route) {
  InventoryRouteDocuments d;
  FCT_ASSIGN_OR_RETURN(d.channel, load_document(config, route, "query-channel"));
  FCT_ASSIGN_OR_RETURN(d.writer.lookup, load_document(config, route, "query-inventories"));
  FCT_ASSIGN_OR_RETURN(auto create, load_document(config, route, "mutation-create-inventory"));
  FCT_ASSIGN_OR_RETURN(auto update, load_document(config, route, "mutation-update-inventory"));
  for (auto [text, out, prop] : {std::tuple{&create, &d.writer.create, "mutation-create-inventory"},
                                 std::tuple{&update, &d.writer.update, "mutation-update-inventory"}}) {
    auto doc = graphql::parse(*text);
    if (!doc.ok()) return doc.error();
    if (doc->operations.size() != 1 || doc->operations[0].type != graphql::OperationType::kMutation) {
      return make_error(ErrorCode::kInvalidArgument,
                        route.props.where(prop) + ": the document must hold exactly one mutation");
    }
    *out = std::move(doc).value();
  }
  return d;
}

Result<std::string> resolve_channel(GraphQLClient& ct, const std::string& document, const std::string& key) {
  auto data = ct.query("ct.channel", document, {{"key", key}});
  if (!data.ok()) return data.error().context("looking up channel " + key);
  if (!data->is_object() || !data->contains("channel") || (*data)["channel"].is_null()) {
    return make_error(ErrorCode::kNotFound, "commercetools channel with key \"" + key +
                                                "\" not found (setting props.ctChannelKey); create it in Merchant "
                                                "Center > Settings > Project settings > Channels");
  }
  const auto& channel = (*data)["channel"];
  if (!channel.is_object() || !channel.contains("id") || !channel["id"].is_string()) {
    return make_error(ErrorCode::kProtocol, "channel " + key + " reply has no id");
  }
  return channel["id"].get<std::string>();
}

Result<JobSetting> read_job_setting(Services& svc, const Route& route, const JobRequest& request) {
  FCT_ASSIGN_OR_RETURN(auto document, load_document(svc.config, route, "query-settings"));
  JobSetting out;
  out.key = SettingKey{route.props.get_or("setting-name", kBatchSettingName), "RETAILER", 0};
  const auto& r = request.retailer;
  auto [ptr, ec] = std::from_chars(r.data(), r.data() + r.size(), out.key.context_id);
  if (r.empty() || ec != std::errc() || ptr != r.data() + r.size()) {
    return make_error(ErrorCode::kInvalidArgument, "retailer \"" + r + "\" is not a numeric Fluent retailer id");
  }
  FCT_ASSIGN_OR_RETURN(auto node, find_setting(svc.fluent, document, out.key));
  FCT_ASSIGN_OR_RETURN(out.setting, parse_batch_setting(node, out.key.name));
  return out;
}

void park_failures(Services& svc, const JobRequest& request, const std::vector<ItemFailure>& failures) {
  if (failures.empty() || !svc.store) return;
  std::vector<DeadLetter> letters;
  letters.reserve(failures.size());
  for (const auto& f : failures) {
    nlohmann::json payload = {{"job", request.job},         {"account", request.account},
                              {"retailer", request.retailer}, {"sku", f.sku},
                              {"quantity", f.quantity}};
    letters.push_back(DeadLetter{0, 0, request.job, f.sku, payload.dump(), f.reason, ""});
  }
  auto st = svc.store->park(letters);
  if (!st.ok()) spdlog::error("could not park {} failed item(s): {}", failures.size(), st.error().message);
}

JobSummary metered_run(const JobRequest& request, Services& svc, const std::function<void(JobSummary&)>& body) {
  JobSummary summary;
  summary.job = request.job;
  summary.account = request.account;
  summary.retailer = request.retailer;
  summary.dry_run = request.dry_run;
  RunMeter meter(svc);
  body(summary);
  meter.finish(summary);
  return summary;
}

void mark_failed(JobSummary& summary, const Error& error) {
  summary.status = "FAILED";
  summary.reason = error.message;
  summary.retryable = error.retryable() || error.code == ErrorCode::kUnauthenticated;
}

RunMeter::RunMeter(Services& svc)
    : svc_(svc),
      started_(svc.clock.steady_now()),
      http_before_(svc.transport.stats().requests),
      retries_before_(svc.transport.stats().retries),
      kinds_before_(svc.counts.snapshot()) {}

void RunMeter::finish(JobSummary& summary) const {
  summary.duration_s = std::chrono::duration<double>(svc_.clock.steady_now() - started_).count();
  auto transport = svc_.transport.stats();
  summary.http_requests = transport.requests - http_before_;
  summary.http_retries = transport.retries - retries_before_;
  for (const auto& [kind, n] : svc_.counts.snapshot()) {
    auto it = kinds_before_.find(kind);
    uint64_t delta = n - (it == kinds_before_.end() ? 0 : it->second);
    if (delta) summary.requests_by_kind[kind] = delta;
  }
}

}  // namespace fct
