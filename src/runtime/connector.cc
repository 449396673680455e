#include "runtime/connector.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "runtime/cron.h"

namespace fct {
namespace {

constexpr const char* kBatchQueue = "batch";
constexpr const char* kEventQueue = "event";

std::string scalar_string(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number()) return j.dump();
  return "";
}

}  // namespace

Connector::Connector(const ConnectorConfig& config, Services& services, MessageQueue& queue, ConnectorOptions options)
    : config_(config), services_(services), queue_(queue), options_(std::move(options)) {}

Connector::~Connector() { stop(std::chrono::seconds(0)); }

Status Connector::check() const {
  FCT_RETURN_IF_ERROR(HandlerRegistry::global().check_routes(config_));
  if (!config_.route(config_.default_event_route)) {
    return make_error(ErrorCode::kInvalidArgument, config_.file + ": events.default-route names route \"" +
                                                       config_.default_event_route + "\", which does not exist");
  }
  for (const auto& s : config_.schedules) {
    if (!config_.route(s.job)) {
      return make_error(ErrorCode::kInvalidArgument, s.where + ": schedule names job \"" + s.job + "\", which has no route");
    }
    auto cron = CronSchedule::parse(s.cron);
    if (!cron.ok()) return cron.error().context(s.where);
  }
  return ok_status();
}

bool Connector::known(const std::vector<std::string>& list, const std::string& value) const {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Result<EnqueueResult> Connector::trigger(const std::string& account, const std::string& retailer,
                                         const std::string& job) {
  if (!config_.route(job)) return make_error(ErrorCode::kNotFound, "unknown job \"" + job + "\"");
  if (!known(options_.accounts, account)) return make_error(ErrorCode::kNotFound, "unknown account \"" + account + "\"");
  if (!known(options_.retailers, retailer)) {
    return make_error(ErrorCode::kNotFound, "unknown retailer \"" + retailer + "\" for account " + account);
  }
  return queue_.enqueue(kBatchQueue, job, account, retailer, "{}", /*coalesce=*/true);
}

Result<EnqueueResult> Connector::accept_event(const nlohmann::json& event) {
  if (!event.is_object()) return make_error(ErrorCode::kInvalidArgument, "event is not a JSON object");
  std::string name = event.contains("name") ? scalar_string(event["name"]) : "";
  if (name.empty()) return make_error(ErrorCode::kInvalidArgument, "event has no name");
  std::string account = event.contains("accountId") ? scalar_string(event["accountId"]) : "";
  std::string retailer = event.contains("retailerId") ? scalar_string(event["retailerId"]) : "";
  if (account.empty() && !options_.accounts.empty()) account = options_.accounts.front();
  if (retailer.empty() && !options_.retailers.empty()) retailer = options_.retailers.front();
  return queue_.enqueue(kEventQueue, name, account, retailer, event.dump(), /*coalesce=*/false);
}

const Route* Connector::route_for(const QueueMessage& message) const {
  if (const Route* r = config_.route(message.kind)) return r;
  if (message.queue == kEventQueue) return config_.route(config_.default_event_route);
  return nullptr;
}

JobSummary Connector::dispatch(const QueueMessage& message) {
  JobRequest request;
  request.job = message.kind;
  request.account = message.account;
  request.retailer = message.retailer;
  request.params = nlohmann::json::parse(message.payload, nullptr, /*allow_exceptions=*/false);
  if (request.params.is_discarded()) request.params = nlohmann::json::object();
  const Route* route = route_for(message);
  auto entry = route ? HandlerRegistry::global().find(route->handler) : std::nullopt;
  if (!route || !entry) {
    JobSummary s;
    s.job = message.kind;
    s.status = "FAILED";
    s.reason = route ? "handler " + route->handler + " is not registered" : "no route for " + message.kind;
    return s;
  }
  auto handler = entry->factory();
  spdlog::info("{} #{} {} {}/{}: {} (attempt {})", message.queue, message.id, message.kind, message.account,
               message.retailer, route->handler, message.attempts);
  return handler->handle(request, *route, services_);
}

void Connector::wait_for_change(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  uint64_t seen = finished_;
  cv_.wait_for(lock, timeout, [&] { return finished_ != seen || stopping_.load(); });
}

void Connector::start() {
  stopping_ = false;
  threads_.emplace_back([this] { worker(kBatchQueue); });
  threads_.emplace_back([this] { worker(kEventQueue); });
  if (!config_.schedules.empty()) threads_.emplace_back([this] { scheduler(); });
}

bool Connector::stop(std::chrono::milliseconds timeout) {
  if (threads_.empty()) return true;
  stopping_ = true;
  queue_.shutdown();
  cv_.notify_all();
  bool drained;
  {
    std::unique_lock lock(mu_);
    drained = cv_.wait_for(lock, timeout, [&] { return busy_ == 0; });
  }
  if (!drained) {
    spdlog::warn("shutdown: {} message(s) still running after {} ms; they will be redelivered after a restart", busy_,
                 timeout.count());
    for (auto& t : threads_) t.detach();
  } else {
    for (auto& t : threads_) t.join();
  }
  threads_.clear();
  return drained;
}

void Connector::worker(const std::string& queue) {
  while (!stopping_) {
    uint64_t generation = queue_.work_generation();  // taken before lease(): no lost wakeup
    auto leased = queue_.lease(queue);
    if (!leased.ok()) {
      spdlog::error("{} queue: {}", queue, leased.error().message);
      queue_.wait_for_work(std::chrono::seconds(1));
      continue;
    }
    if (!leased->has_value()) {
      auto next = queue_.next_available_in(queue);
      auto wait = std::chrono::milliseconds(1000);
      if (next.ok() && next->has_value()) wait = std::clamp(**next, std::chrono::milliseconds(1), wait);
      queue_.wait_for_work(wait, generation);
      continue;
    }
    QueueMessage message = std::move(**leased);
    {
      std::lock_guard lock(mu_);
      ++busy_;
    }
    JobSummary summary = dispatch(message);
    auto json = summary.to_json().dump();
    Status st = ok_status();
    if (summary.ok()) {
      st = queue_.complete(message.id, "SUCCESSFUL", json);
      spdlog::info("{} #{} {}: SUCCESSFUL{}", queue, message.id, message.kind,
                   summary.reason.empty() ? "" : " (" + summary.reason + ")");
    } else if (!summary.retryable) {
      // Failed for a reason a retry will not fix (configuration, bad data: parked
      // items are in the dead-letter store already): record it and move on.
      st = queue_.complete(message.id, "FAILED", json);
      spdlog::warn("{} #{} {}: FAILED: {}", queue, message.id, message.kind, summary.reason);
    } else {
      auto state = queue_.fail(message.id, summary.reason, /*retryable=*/true, json);
      spdlog::warn("{} #{} {}: FAILED: {} -> {}", queue, message.id, message.kind, summary.reason,
                   state.ok() ? *state : state.error().message);
    }
    if (!st.ok()) spdlog::error("{} #{}: {}", queue, message.id, st.error().message);
    {
      std::lock_guard lock(mu_);
      --busy_;
      ++finished_;
    }
    cv_.notify_all();
  }
}

void Connector::scheduler() {
  struct Entry {
    const ScheduleSpec* spec;
    CronSchedule cron;
    std::chrono::system_clock::time_point next;
  };
  std::vector<Entry> entries;
  auto now = services_.clock.now();
  for (const auto& s : config_.schedules) {
    auto cron = CronSchedule::parse(s.cron);
    if (!cron.ok()) continue;  // check() reported it
    auto next = cron->next_after(now);
    if (next) entries.push_back(Entry{&s, std::move(cron).value(), *next});
  }
  while (!stopping_ && !entries.empty()) {
    auto it = std::min_element(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.next < b.next; });
    {
      std::unique_lock lock(mu_);
      auto wait = it->next - services_.clock.now();
      if (wait > std::chrono::seconds(0) && cv_.wait_for(lock, wait, [&] { return stopping_.load(); })) break;
      if (services_.clock.now() < it->next) continue;
    }
    const auto& spec = *it->spec;
    auto account = spec.account.empty() && !options_.accounts.empty() ? options_.accounts.front() : spec.account;
    std::vector<std::string> retailers = spec.retailer.empty() ? options_.retailers : std::vector{spec.retailer};
    for (const auto& retailer : retailers) {
      auto r = trigger(account, retailer, spec.job);
      if (r.ok()) {
        spdlog::info("scheduler: {} for {}/{} ({}): #{}{}", spec.job, account, retailer, spec.cron, r->id,
                     r->coalesced ? " (coalesced)" : "");
      } else {
        spdlog::error("scheduler: {} ({}): {}", spec.job, spec.where, r.error().message);
      }
    }
    auto next = it->cron.next_after(std::max(services_.clock.now(), it->next));
    if (next) {
      it->next = *next;
    } else {
      entries.erase(it);
    }
  }
}

}  // namespace fct
