#include "runtime/handler.h"

#include <cstdio>

namespace fct {

HandlerRegistry& HandlerRegistry::global() {
  static HandlerRegistry* registry = new HandlerRegistry();  // never destroyed: registrations run before main
  return *registry;
}

void HandlerRegistry::add(Entry entry) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(entry.name);
  if (it == entries_.end() || entry.priority >= it->second.priority) entries_[entry.name] = std::move(entry);
}

std::optional<HandlerRegistry::Entry> HandlerRegistry::find(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(name);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

std::vector<HandlerRegistry::Entry> HandlerRegistry::entries() const {
  std::lock_guard lock(mu_);
  std::vector<Entry> out;
  for (const auto& [name, e] : entries_) out.push_back(e);
  return out;
}

Status HandlerRegistry::check_routes(const ConnectorConfig& config) const {
  for (const auto& route : config.routes) {
    if (!find(route.handler)) {
      std::string known;
      for (const auto& e : entries()) known += (known.empty() ? "" : ", ") + e.name;
      return make_error(ErrorCode::kInvalidArgument, route.where() + ": route " + route.name + " names handler \"" +
                                                         route.handler + "\", which is not registered (known: " +
                                                         known + ")");
    }
  }
  return ok_status();
}

nlohmann::json JobSummary::to_json() const {
  nlohmann::json j = {{"job", job},
                      {"account", account},
                      {"retailer", retailer},
                      {"status", status},
                      {"dryRun", dry_run},
                      {"positionsRead", positions_read},
                      {"positionsSuperseded", positions_superseded},
                      {"positionsAlreadySynced", positions_already_synced},
                      {"created", writes.created},
                      {"updated", writes.updated},
                      {"unchanged", writes.unchanged},
                      {"failed", writes.failed},
                      {"conflictsResolved", writes.conflicts_resolved},
                      {"httpRequests", http_requests},
                      {"httpRetries", http_retries},
                      {"requestsByKind", requests_by_kind},
                      {"durationSeconds", duration_s}};
  if (!reason.empty()) j["reason"] = reason;
  if (!ok()) j["retryable"] = retryable;
  j["window"] = {{"from", window_from ? nlohmann::json(format_timestamp_utc(*window_from)) : nlohmann::json()},
                 {"to", window_to ? nlohmann::json(format_timestamp_utc(*window_to)) : nlohmann::json()}};
  if (previous_end_after) j["previousEndDate"] = format_timestamp_utc(*previous_end_after);
  if (resumed_after_page > 0) j["resumedAfterPage"] = resumed_after_page;
  if (!failures.empty()) {
    auto& f = j["failures"] = nlohmann::json::array();
    for (const auto& x : failures) f.push_back({{"sku", x.sku}, {"quantity", x.quantity}, {"reason", x.reason}});
  }
  if (dry_run) {
    auto& p = j["planned"] = nlohmann::json::array();
    for (const auto& w : planned) {
      p.push_back({{"action", w.kind == WriteKind::kCreate ? "create" : "update"}, {"sku", w.sku}, {"quantity", w.quantity}});
    }
  }
  return j;
}

std::string JobSummary::to_text() const {
  char buf[512];
  std::string out = job + " " + account + "/" + retailer + ": " + status + (dry_run ? " (dry run: nothing written)" : "") + "\n";
  if (!reason.empty()) out += "  reason      " + reason + "\n";
  out += "  window      " + (window_from ? format_timestamp_utc(*window_from) : std::string("(whole catalogue)")) +
         " .. " + (window_to ? format_timestamp_utc(*window_to) : std::string("-")) + "\n";
  std::snprintf(buf, sizeof buf, "  positions   %llu read, %llu repeated productRef(s) re-read, %llu already synced\n",
                (unsigned long long)positions_read, (unsigned long long)positions_superseded,
                (unsigned long long)positions_already_synced);
  out += buf;
  if (resumed_after_page > 0) {
    out += "  resumed     after page " + std::to_string(resumed_after_page) + " of an interrupted run\n";
  }
  std::snprintf(buf, sizeof buf, "  entries     %s%llu created, %llu updated, %llu unchanged, %llu failed\n",
                dry_run ? "would be: " : "", (unsigned long long)writes.created, (unsigned long long)writes.updated,
                (unsigned long long)writes.unchanged, (unsigned long long)writes.failed);
  out += buf;
  std::string kinds;
  for (const auto& [k, v] : requests_by_kind) kinds += (kinds.empty() ? "" : ", ") + k + " " + std::to_string(v);
  std::snprintf(buf, sizeof buf, "  requests    %llu HTTP, %llu retried (%s)\n", (unsigned long long)http_requests,
                (unsigned long long)http_retries, kinds.c_str());
  out += buf;
  std::snprintf(buf, sizeof buf, "  duration    %.3f s\n", duration_s);
  out += buf;
  for (size_t i = 0; i < failures.size() && i < 20; ++i) {
    out += "  failed      " + failures[i].sku + ": " + failures[i].reason + "\n";
  }
  if (dry_run) {
    for (size_t i = 0; i < planned.size() && i < 20; ++i) {
      out += std::string("  would ") + (planned[i].kind == WriteKind::kCreate ? "create " : "update ") + planned[i].sku +
             " = " + std::to_string(planned[i].quantity) + "\n";
    }
    if (planned.size() > 20) out += "  … and " + std::to_string(planned.size() - 20) + " more (see --json)\n";
  }
  return out;
}

}  // namespace fct
