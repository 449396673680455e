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

namespace fct {
namespace {

class InventoryBatchHandler : public MessageHandler {
 public:
  JobSummary handle(const JobRequest& request, const Route& route, Services& svc) override {
    JobSummary summary;
    summary.job = request.job;
    summary.account = request.account;
    summary.retailer = request.retailer;
    summary.dry_run = request.dry_run;
    RunMeter meter(svc);
    run(request, route, svc, summary);
    meter.finish(summary);
    return summary;
  }

 private:
  void run(const JobRequest& request, const Route& route, Services& svc, JobSummary& summary) {
    auto fail = [&](const Error& e) {
      summary.status = "FAILED";
      summary.reason = e.message;
      summary.retryable = e.retryable() || e.code == ErrorCode::kUnauthenticated;
    };
    const Timestamp job_start = std::chrono::time_point_cast<std::chrono::nanoseconds>(svc.clock.now());

    // Route props and documents.
    auto options = inventory_options(route);
    if (!options.ok()) return fail(options.error());
    options->dry_run = request.dry_run;
    auto overlap = route.props.get_int("overlap-seconds", 300, 0, 7 * 24 * 3600);
    auto page_size = route.props.get_int("page-size", 1000, 1, 100000);
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
    summary.window_from = window.from;
    summary.window_to = window.to;
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
    std::unique_ptr<InventoryWriter> writer;
    PositionPager pager(svc.fluent, *positions_doc,
                        PositionQuery{setting->props.catalogue_ref, window.from, window.to, {}, {},
                                      static_cast<int>(*page_size)});
    SeenProducts seen;
    std::vector<ItemFailure> invalid;
    std::optional<Error> page_error;
    for (;;) {
      auto page = pager.next();
      if (!page.ok()) {
        page_error = page.error();
        break;
      }
      if (!page->has_value()) break;
      auto& p = **page;
      summary.positions_read += p.positions.size() + p.invalid.size();
      for (auto& bad : p.invalid) {
        spdlog::warn("{}: skipped: {}", request.job, bad.reason);
        invalid.push_back(ItemFailure{bad.ref, 0, bad.reason});
      }
      std::vector<DesiredQuantity> desired;
      desired.reserve(p.positions.size());
      for (auto& position : newest_per_product(std::move(p.positions))) {
        if (!seen.offer(position.product_ref, position.updated_on)) {
          summary.positions_superseded++;
          continue;
        }
        desired.push_back({position.product_ref, desired_quantity(position, options->inactive_quantity)});
      }
      if (desired.empty()) continue;
      if (!writer) {
        auto channel_id = resolve_channel(svc.ct, docs->channel, setting->props.channel_key);
        if (!channel_id.ok()) {
          fail(channel_id.error());
          return record(false);
        }
        writer = std::make_unique<InventoryWriter>(svc.ct, std::move(docs->writer), *channel_id, *options);
      }
      writer->add(std::move(desired));
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
    summary.writes.failed += invalid.size();
    failures.insert(failures.end(), invalid.begin(), invalid.end());
    park_failures(svc, request, failures);
    for (size_t i = 0; i < failures.size() && i < JobSummary::kMaxReportedFailures; ++i) {
      summary.failures.push_back(failures[i]);
    }

    if (page_error) {
      fail(*page_error);
    } else if (!failures.empty()) {
      fail(make_error(ErrorCode::kInternal, std::to_string(failures.size()) +
                                                " item(s) failed and were parked in the dead-letter store; first: " +
                                                failures.front().sku + ": " + failures.front().reason));
    }
    record(summary.ok());
  }
};

FCT_REGISTER_HANDLER(InventoryBatchHandler, "InventoryBatchHandler", 0,
                     "Batch delta sync of aggregate virtual positions into a commercetools channel");

}  // namespace
}  // namespace fct
