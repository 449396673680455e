// InventoryBatchHandler: the seed's batch job. Reads the job setting, pages
// through the virtual positions changed in the window, writes them into the
// commercetools channel and records the run back in the setting.
#include <spdlog/spdlog.h>

#include "fluent/position_pager.h"
#include "fluent/settings.h"
#include "handlers/inventory_common.h"
#include "runtime/handler.h"
#include "sync/batch_setting.h"
#include "sync/seen_products.h"
#include "sync/synced_tail.h"

namespace fct {
namespace {

// Loads the checkpoint of an interrupted run of this same window, if any; a
// checkpoint for another window is stale and dropped.
std::optional<Checkpoint> load_resumable_checkpoint(Services& svc, const JobRequest& request, const SyncWindow& window) {
  if (!svc.store || request.dry_run) return std::nullopt;
  auto c = svc.store->load_checkpoint(request.job, request.account, request.retailer);
  if (!c.ok()) {
    spdlog::warn("{}: cannot read checkpoint: {}", request.job, c.error().message);
    return std::nullopt;
  }
  if (!c->has_value()) return std::nullopt;
  std::string from = window.from ? format_timestamp_utc(*window.from) : "";
  if ((*c)->window_from == from && parse_timestamp((*c)->window_to).ok()) return **c;
  (void)svc.store->clear_checkpoint(request.job, request.account, request.retailer);
  return std::nullopt;
}

// Gives `tail` the tail the previous successful run saved, if that run's
// window ended at `previous_end` (where this window's overlap begins).
void load_previous_tail(Services& svc, const JobRequest& request, const std::optional<Timestamp>& previous_end,
                        SyncedTail& tail) {
  if (!svc.store || !previous_end || !tail.enabled()) return;
  auto saved = svc.store->load_synced_tail(request.job, request.account, request.retailer);
  if (!saved.ok()) {
    spdlog::warn("{}: cannot read the synced tail: {}", request.job, saved.error().message);
    return;
  }
  if (saved->has_value() && (*saved)->window_to == format_timestamp_utc(*previous_end)) {
    tail.use_previous(std::move((*saved)->positions));
  }
}

// Saves this run's tail for the next window, once previousEndDate has moved
// to `window_to`. A tail that outgrew its limit is saved empty.
void save_tail(Services& svc, const JobRequest& request, Timestamp window_to, SyncedTail& tail) {
  if (!svc.store || request.dry_run) return;
  SyncedTailRecord record{format_timestamp_utc(window_to), tail.complete() ? tail.take() : std::vector<SyncedPosition>{}};
  if (auto st = svc.store->save_synced_tail(request.job, request.account, request.retailer, record); !st.ok()) {
    spdlog::warn("{}: cannot save the synced tail: {}", request.job, st.error().message);
  }
}

// The newest position of each product, read afresh from Fluent.
Result<std::vector<VirtualPosition>> reread_products(GraphQLClient& fluent, const std::string& document,
                                                     const std::string& catalogue_ref, std::vector<std::string> refs) {
  std::vector<VirtualPosition> positions;
  PositionQuery q{catalogue_ref, std::nullopt, std::nullopt, std::move(refs), {}, 1000, ""};
  PositionPager pager(fluent, document, std::move(q));
  for (;;) {
    auto page = pager.next();
    if (!page.ok()) return page.error().context("re-reading repeated productRefs");
    if (!page->has_value()) break;
    for (auto& p : (*page)->positions) positions.push_back(std::move(p));
  }
  return newest_per_product(std::move(positions));
}

// Saves how far every item has been written: after the first page, then at
// most once per kCheckpointInterval (each save is a durable SQLite commit,
// an fsync), and always when a run stops early. A crash redoes at most that
// interval's pages; redoing them is safe (absolute writes).
constexpr auto kCheckpointInterval = std::chrono::seconds(1);

class CheckpointWriter {
 public:
  CheckpointWriter(Services& svc, const JobRequest& request, const SyncWindow& window,
                   const std::optional<Checkpoint>& resumed)
      : svc_(svc),
        enabled_(svc.store && !request.dry_run),
        base_(resumed.value_or(Checkpoint{request.job, request.account, request.retailer,
                                          window.from ? format_timestamp_utc(*window.from) : "",
                                          format_timestamp_utc(window.to), "", 0, 0, 0})) {}
  void read(const PositionPage& page) {
    pages_[page.number] = {page.end_cursor, page.positions.size() + page.invalid.size()};
    last_read_ = page.number;
  }
  int last_read() const { return last_read_; }
  // Every item of pages ≤ completed is done; `failed` items failed so far.
  // `now` throttles the saves; a run that stops early passes `force`.
  void progress(int completed, size_t failed, std::chrono::steady_clock::time_point now, bool force = false) {
    failed_ = std::max(failed_, failed);
    if (!enabled_ || completed <= saved_) return;
    if (!force && saved_ > 0 && now - last_save_ < kCheckpointInterval) return;
    Checkpoint c = base_;
    for (auto it = pages_.begin(); it != pages_.end() && it->first <= completed;) {
      c.cursor = it->second.first;
      positions_ += static_cast<int64_t>(it->second.second);
      it = pages_.erase(it);
    }
    if (c.cursor.empty()) return;  // the last page: nothing left to resume
    c.pages = base_.pages + completed;
    c.positions = base_.positions + positions_;
    c.failed = base_.failed + static_cast<int64_t>(failed_);
    saved_ = completed;
    last_save_ = now;
    if (auto st = svc_.store->save_checkpoint(c); !st.ok()) spdlog::warn("checkpoint: {}", st.error().message);
  }
  void clear() {
    if (enabled_) (void)svc_.store->clear_checkpoint(base_.job, base_.account, base_.retailer);
  }

 private:
  Services& svc_;
  bool enabled_;
  Checkpoint base_;
  std::map<int, std::pair<std::string, size_t>> pages_;  // page -> (end cursor, positions)
  int last_read_ = 0;
  int saved_ = 0;
  std::chrono::steady_clock::time_point last_save_{};
  int64_t positions_ = 0;
  size_t failed_ = 0;
};

// Adds a follow-on pass to a run's summary: counts add up, the window and
// the outcome are the later pass's.
void merge_into(JobSummary& first, const JobSummary& next) {
  first.status = next.status;
  first.reason = next.reason;
  first.retryable = next.retryable;
  first.window_to = next.window_to;
  first.previous_end_after = next.previous_end_after;
  first.positions_read += next.positions_read;
  first.positions_superseded += next.positions_superseded;
  first.positions_already_synced += next.positions_already_synced;
  first.writes.created += next.writes.created;
  first.writes.updated += next.writes.updated;
  first.writes.unchanged += next.writes.unchanged;
  first.writes.failed += next.writes.failed;
  first.writes.conflicts_resolved += next.writes.conflicts_resolved;
  first.http_requests += next.http_requests;
  first.http_retries += next.http_retries;
  for (const auto& [kind, n] : next.requests_by_kind) first.requests_by_kind[kind] += n;
  first.duration_s += next.duration_s;
  first.planned.insert(first.planned.end(), next.planned.begin(), next.planned.end());
  for (const auto& f : next.failures) {
    if (first.failures.size() < JobSummary::kMaxReportedFailures) first.failures.push_back(f);
  }
}

class InventoryBatchHandler : public MessageHandler {
 public:
  JobSummary handle(const JobRequest& request, const Route& route, Services& svc) override {
    auto body = [&](JobSummary& summary) { run(request, route, svc, summary); };
    JobSummary summary = metered_run(request, svc, body);
    if (summary.ok() && summary.resumed_after_page > 0) {
      // A resumed window ends where the interrupted run started; its success moved
      // previousEndDate there. Catch up to now in the same run.
      JobSummary rest = metered_run(request, svc, body);
      merge_into(summary, rest);
    }
    return summary;
  }

 private:
  void run(const JobRequest& request, const Route& route, Services& svc, JobSummary& summary) {
    auto fail = [&](const Error& e) { mark_failed(summary, e); };
    const Timestamp job_start = std::chrono::time_point_cast<std::chrono::nanoseconds>(svc.clock.now());

    // Route props and documents.
    auto options = inventory_options(route);
    if (!options.ok()) return fail(options.error());
    options->dry_run = request.dry_run;
    constexpr int64_t kWeek = int64_t{7} * 24 * 3600;
    auto overlap = route.props.get_int("overlap-seconds", 300, 0, kWeek);
    auto page_size = route.props.get_int("page-size", 1000, 1, 100000);
    auto run_deadline = route.props.get_int("run-deadline-seconds", int64_t{4} * 3600, 1, kWeek);
    auto tail_limit = route.props.get_int("synced-tail-limit", 20000, 0, 1000000);
    if (!run_deadline.ok()) return fail(run_deadline.error());
    if (!tail_limit.ok()) return fail(tail_limit.error());
    if (!overlap.ok()) return fail(overlap.error());
    if (!page_size.ok()) return fail(page_size.error());
    auto docs = load_inventory_documents(svc.config, route);
    if (!docs.ok()) return fail(docs.error());
    auto update_setting_doc = load_document(svc.config, route, "mutation-update-setting");
    auto positions_doc = load_document(svc.config, route, "query-virtual-positions");
    for (const auto* d : {&update_setting_doc, &positions_doc}) {
      if (!d->ok()) return fail(d->error());
    }

    // 1. The job setting.
    auto job_setting = read_job_setting(svc, route, request);
    if (!job_setting.ok()) return fail(job_setting.error());
    const SettingKey& key = job_setting->key;
    const BatchSetting* setting = &job_setting->setting;

    SyncWindow window = plan_window(setting->previous_end, job_start, std::chrono::seconds(*overlap));
    // A run that was interrupted (crash, deadline, outage) over the same window
    // resumes after its last completed page instead of starting over.
    auto checkpoint = load_resumable_checkpoint(svc, request, window);
    if (checkpoint) {
      window.to = *parse_timestamp(checkpoint->window_to);
      summary.resumed_after_page = checkpoint->pages;
      summary.positions_read = static_cast<uint64_t>(checkpoint->positions);
      spdlog::info("{}: resuming window {} .. {} after page {}", request.job, checkpoint->window_from,
                   checkpoint->window_to, checkpoint->pages);
    }
    summary.window_from = window.from;
    summary.window_to = window.to;
    // Positions the previous run confirmed and that have not changed since need no lookup.
    SyncedTail tail(window.to - std::chrono::seconds(*overlap), static_cast<size_t>(*tail_limit));
    load_previous_tail(svc, request, setting->previous_end, tail);
    summary.previous_end_after = setting->previous_end;

    // Records the run in the setting. previousEndDate moves only on success.
    auto record = [&](bool success) {
      if (request.dry_run) return;
      LastRun last{window, setting->props, job_start,
                   std::chrono::time_point_cast<std::chrono::nanoseconds>(svc.clock.now()),
                   success ? "SUCCESSFUL" : "FAILED", summary.reason};
      std::optional<Timestamp> new_end;
      if (success) new_end = window.to;
      auto json = render_batch_setting(setting->document, new_end, last);
      auto st = update_setting(svc.fluent, *update_setting_doc, setting->id, key, json, setting->in_lob_value,
                               setting->value_type);
      if (!st.ok()) {
        summary.status = "FAILED";
        summary.reason += (summary.reason.empty() ? "" : "; ") + st.error().message;
        return;
      }
      if (success) summary.previous_end_after = window.to;
    };

    // 2–5. Page through positions; on the first one, resolve the channel (so a
    // window with no changes makes no commercetools call at all); look up, diff
    // and write in batches.
    // Declared before the pager: its fetching thread may still call the waker
    // while the pager's destructor waits for it.
    std::unique_ptr<InventoryWriter> writer;
    std::atomic<InventoryWriter*> waker{nullptr};
    PositionPager pager(svc.fluent, *positions_doc,
                        PositionQuery{setting->props.catalogue_ref, window.from, window.to, {}, {},
                                      static_cast<int>(*page_size), checkpoint ? checkpoint->cursor : ""});
    // While the next page is on its way, the writer keeps its connections busy.
    pager.on_ready([&waker] {
      if (auto* w = waker.load()) w->wake();
    });
    CheckpointWriter checkpoints(svc, request, window, checkpoint);
    const auto deadline = svc.clock.steady_now() + std::chrono::seconds(*run_deadline);
    SeenProducts seen;
    std::vector<uint64_t> keys;  // this page's SeenProducts keys
    std::vector<ItemFailure> invalid;
    std::optional<Error> page_error;
    for (;;) {
      if (svc.clock.steady_now() > deadline) {
        page_error = make_error(ErrorCode::kDeadlineExceeded,
                                "run deadline of " + std::to_string(*run_deadline) + " s (prop run-deadline-seconds) passed");
        break;
      }
      if (writer) writer->work_until([&pager] { return pager.ready(); });
      auto page = pager.next();
      if (!page.ok()) {
        page_error = page.error();
        break;
      }
      if (!page->has_value()) break;
      auto& p = **page;
      checkpoints.read(p);
      summary.positions_read += p.positions.size() + p.invalid.size();
      for (auto& bad : p.invalid) {
        spdlog::warn("{}: skipped: {}", request.job, bad.reason);
        invalid.push_back(ItemFailure{bad.ref, 0, bad.reason});
      }
      std::vector<DesiredQuantity> desired;
      desired.reserve(p.positions.size());
      auto want = [&](const VirtualPosition& position) {
        const int64_t quantity = desired_quantity(position, options->inactive_quantity);
        tail.remember(position.product_ref, position.updated_on, quantity);
        if (tail.confirmed(position.product_ref, position.updated_on, quantity)) {
          ++summary.positions_already_synced;
        } else {
          desired.push_back({position.product_ref, quantity});
        }
      };
      std::vector<std::string> repeats;  // productRefs that may have been read on an earlier page
      auto newest_on_page = newest_per_product(std::move(p.positions));
      // Hash the page's products and prefetch their filter blocks first, so
      // the cache misses overlap instead of coming one per position.
      keys.clear();
      for (const auto& position : newest_on_page) {
        keys.push_back(SeenProducts::key(position.product_ref));
        seen.prefetch(keys.back());
      }
      for (size_t i = 0; i < newest_on_page.size(); ++i) {
        auto& position = newest_on_page[i];
        if (seen.add_key(keys[i])) {
          repeats.push_back(std::move(position.product_ref));
          continue;
        }
        want(position);
      }
      if (!repeats.empty()) {
        // Read them again: the newest of all their positions wins, whatever page it was on.
        auto newest = reread_products(svc.fluent, *positions_doc, setting->props.catalogue_ref, std::move(repeats));
        if (!newest.ok()) {
          page_error = newest.error();
          break;
        }
        summary.positions_superseded += newest->size();
        for (const auto& position : *newest) want(position);
      }
      if (desired.empty()) {
        checkpoints.progress(writer ? writer->completed_through(p.number) : p.number, writer ? writer->failures().size() + invalid.size() : invalid.size(), svc.clock.steady_now());
        continue;
      }
      if (!writer) {
        auto channel_id = resolve_channel(svc.ct, docs->channel, setting->props.channel_key);
        if (!channel_id.ok()) {
          fail(channel_id.error());
          return record(false);
        }
        writer = std::make_unique<InventoryWriter>(svc.ct, std::move(docs->writer), *channel_id, *options);
        waker = writer.get();
      }
      writer->add(std::move(desired), p.number);
      checkpoints.progress(writer->completed_through(p.number), writer->failures().size() + invalid.size(),
                           svc.clock.steady_now());
    }
    WriterStats stats;
    std::vector<ItemFailure> failures;
    if (writer) {
      writer->finish();
      stats = writer->stats();
      summary.planned = writer->planned();
      failures = writer->failures();
    }
    summary.writes = stats;
    summary.writes.failed += invalid.size() + (checkpoint ? static_cast<uint64_t>(checkpoint->failed) : 0);
    failures.insert(failures.end(), invalid.begin(), invalid.end());
    park_failures(svc, request, failures);
    for (size_t i = 0; i < failures.size() && i < JobSummary::kMaxReportedFailures; ++i) {
      summary.failures.push_back(failures[i]);
    }

    if (page_error) {
      checkpoints.progress(writer ? writer->completed_through(checkpoints.last_read()) : checkpoints.last_read(),
                           failures.size(), svc.clock.steady_now(), /*force=*/true);
      fail(*page_error);
    } else if (summary.writes.failed > 0) {
      fail(make_error(ErrorCode::kInternal,
                      std::to_string(summary.writes.failed) +
                          " item(s) failed and were parked in the dead-letter store" +
                          (failures.empty() ? std::string(" (by the interrupted run this one resumed)")
                                            : "; first: " + failures.front().sku + ": " + failures.front().reason)));
    }
    // The window is done (either way) unless reading stopped early: a later run
    // starts it afresh or, after an interruption, resumes it.
    if (!page_error) checkpoints.clear();
    record(summary.ok());
    if (summary.ok()) save_tail(svc, request, window.to, tail);
  }
};

FCT_REGISTER_HANDLER(InventoryBatchHandler, "InventoryBatchHandler", 0,
                     "Batch delta sync of aggregate virtual positions into a commercetools channel");

}  // namespace
}  // namespace fct
