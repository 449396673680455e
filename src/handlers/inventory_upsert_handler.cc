// InventoryUpsertHandler: the near-real-time path. For a Fluent event about
// stock it re-reads the named positions from Fluent (never trusting the
// event's own quantities) and writes them to commercetools at once. Absolute
// writes make duplicate deliveries harmless.
#include <spdlog/spdlog.h>

#include "fluent/position_pager.h"
#include "handlers/inventory_common.h"
#include "runtime/handler.h"
#include "sync/stock_event.h"

namespace fct {
namespace {

class InventoryUpsertHandler : public MessageHandler {
 public:
  JobSummary handle(const JobRequest& request, const Route& route, Services& svc) override {
    return metered_run(request, svc, [&](JobSummary& summary) { run(request, route, svc, summary); });
  }

 private:
  void run(const JobRequest& request, const Route& route, Services& svc, JobSummary& summary) {
    upsert_event_stock(request, route, svc, summary, {});
  }
};

}  // namespace

void upsert_event_stock(const JobRequest& request, const Route& route, Services& svc, JobSummary& summary,
                        const QuantityAdjuster& adjust) {
  auto fail = [&](const Error& e) { mark_failed(summary, e); };
  StockEventRefs refs = stock_event_refs(request.params);
  if (!refs.about_stock()) {
    spdlog::info("{}: skipped: {}", request.job, refs.skip_reason);
    summary.reason = "skipped: " + refs.skip_reason;
    return;
  }
  auto options = inventory_options(route);
  if (!options.ok()) return fail(options.error());
  options->dry_run = request.dry_run;
  auto docs = load_inventory_documents(svc.config, route);
  if (!docs.ok()) return fail(docs.error());
  auto positions_doc = load_document(svc.config, route, "query-virtual-positions");
  if (!positions_doc.ok()) return fail(positions_doc.error());
  auto job_setting = read_job_setting(svc, route, request);
  if (!job_setting.ok()) return fail(job_setting.error());
  const auto& props = job_setting->setting.props;

  std::vector<VirtualPosition> positions;
  std::vector<ItemFailure> failures;
  // Positions named by product and by position ref, read in one pass each.
  for (int pass = 0; pass < 2; ++pass) {
    PositionQuery q{props.catalogue_ref, std::nullopt, std::nullopt, {}, {}, 1000, ""};
    (pass == 0 ? q.product_refs : q.refs) = pass == 0 ? refs.product_refs : refs.position_refs;
    if ((pass == 0 ? q.product_refs : q.refs).empty()) continue;
    PositionPager pager(svc.fluent, *positions_doc, q);
    for (;;) {
      auto page = pager.next();
      if (!page.ok()) return fail(page.error());
      if (!page->has_value()) break;
      summary.positions_read += (*page)->positions.size() + (*page)->invalid.size();
      for (auto& p : (*page)->positions) positions.push_back(std::move(p));
      for (auto& bad : (*page)->invalid) failures.push_back(ItemFailure{bad.ref, 0, bad.reason});
    }
  }
  std::vector<DesiredQuantity> desired;
  for (auto& p : newest_per_product(std::move(positions))) {
    int64_t q = desired_quantity(p, options->inactive_quantity);
    desired.push_back({p.product_ref, adjust ? adjust(p, q, route) : q});
  }
  if (!desired.empty()) {
    auto channel_id = resolve_channel(svc.ct, docs->channel, props.channel_key);
    if (!channel_id.ok()) return fail(channel_id.error());
    InventoryWriter writer(svc.ct, std::move(docs->writer), *channel_id, *options);
    writer.add(std::move(desired));
    writer.finish();
    summary.writes = writer.stats();
    summary.planned = writer.planned();
    failures.insert(failures.end(), writer.failures().begin(), writer.failures().end());
  }
  summary.writes.failed = failures.size();
  park_failures(svc, request, failures);
  for (size_t i = 0; i < failures.size() && i < JobSummary::kMaxReportedFailures; ++i) {
    summary.failures.push_back(failures[i]);
  }
  if (!failures.empty()) {
    fail(make_error(ErrorCode::kInternal, std::to_string(failures.size()) +
                                              " item(s) failed and were parked; first: " + failures.front().sku +
                                              ": " + failures.front().reason));
  }
}

namespace {

FCT_REGISTER_HANDLER(InventoryUpsertHandler, "InventoryUpsertHandler", 0,
                     "Upsert the stock a Fluent event names into commercetools, at once");

}  // namespace
}  // namespace fct
