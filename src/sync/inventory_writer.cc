#include "sync/inventory_writer.h"

#include <algorithm>

#include "api/reply_decoders.h"
#include "common/encoding.h"

namespace fct {
namespace {

const char* kind_name(int kind) {
  switch (kind) {
    case 0: return "ct.inventoryEntries";
    case 1: return "ct.createInventoryEntry";
    default: return "ct.updateInventoryEntry";
  }
}

std::string alias(size_t i) { return "u" + std::to_string(i); }

}  // namespace

InventoryWriter::InventoryWriter(GraphQLClient& ct, InventoryDocuments documents, std::string channel_id,
                                 const WriterOptions& options)
    : ct_(ct), docs_(std::move(documents)), channel_id_(std::move(channel_id)), options_(options) {
  options_.lookup_batch = std::clamp<size_t>(options_.lookup_batch, 1, 500);
  options_.write_batch = std::max<size_t>(options_.write_batch, 1);
  options_.concurrency = std::max<size_t>(options_.concurrency, 1);
}

InventoryWriter::~InventoryWriter() {
  // Callbacks capture `this`: wait for every request still in flight.
  std::unique_lock lock(mu_);
  size_t outstanding = calls_.size();
  while (outstanding > 0) {
    cv_.wait(lock, [&] { return !done_.empty(); });
    outstanding -= std::min(outstanding, done_.size());
    done_.clear();
  }
}

void InventoryWriter::add(std::vector<DesiredQuantity> items, int page) {
  if (!items.empty()) outstanding_[page] += items.size();
  for (auto& d : items) {
    // One item per SKU in the pipeline at a time, so an older quantity can never
    // land after a newer one; a later add() for a busy SKU waits its turn.
    auto [it, inserted] = active_.try_emplace(d.sku);
    if (!inserted) {
      if (it->second) done_with_page(it->second->second);  // an even newer one replaces it
      it->second = std::make_pair(d.quantity, page);
      continue;
    }
    lookups_.push_back(Item{std::move(d.sku), d.quantity, 0, 0, {}, 0, page});
  }
  pump(false);
}

void InventoryWriter::done_with_page(int page) {
  auto it = outstanding_.find(page);
  if (it != outstanding_.end() && --it->second == 0) outstanding_.erase(it);
}

int InventoryWriter::completed_through(int last_added) const {
  return outstanding_.empty() ? last_added : std::min(last_added, outstanding_.begin()->first - 1);
}

void InventoryWriter::complete(const Item& item) {
  done_with_page(item.page);
  auto it = active_.find(item.sku);
  if (it == active_.end()) return;
  if (it->second) {
    lookups_.push_back(Item{item.sku, it->second->first, 0, 0, {}, 0, it->second->second});
    it->second.reset();
  } else {
    active_.erase(it);
  }
}

void InventoryWriter::finish() { pump(true); }

void InventoryWriter::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void InventoryWriter::work_until(const std::function<bool()>& ready) {
  for (;;) {
    std::deque<std::pair<uint64_t, net::HttpResponse>> replies;
    {
      std::lock_guard lock(mu_);
      replies.swap(done_);
      woken_ = false;
    }
    for (auto& [id, response] : replies) handle(id, response);
    while (calls_.size() < options_.concurrency && submit_one(false)) {
    }
    if (ready()) return;
    std::unique_lock lock(mu_);
    // ready() became true before we took the lock: wake() set woken_ (the
    // caller's notifier runs after the state ready() reads is set).
    cv_.wait(lock, [&] { return !done_.empty() || woken_; });
  }
}

void InventoryWriter::pump(bool finishing) {
  // Bound on queued items before add() blocks: enough to keep every
  // connection busy while the next Fluent page arrives.
  const size_t max_backlog = 2 * options_.concurrency * std::max(options_.lookup_batch, options_.write_batch);
  for (;;) {
    // Handle what has completed, then fill free slots.
    std::deque<std::pair<uint64_t, net::HttpResponse>> ready;
    {
      std::lock_guard lock(mu_);
      ready.swap(done_);
    }
    for (auto& [id, response] : ready) handle(id, response);
    while (calls_.size() < options_.concurrency && submit_one(finishing)) {
    }
    if (calls_.empty()) {
      if (backlog() == 0 || !finishing) return;
      continue;  // finishing: submit_one flushes partial batches next round
    }
    if (!finishing && backlog() <= max_backlog) return;
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !done_.empty(); });
  }
}

bool InventoryWriter::submit_one(bool finishing) {
  auto take = [](std::deque<Item>& queue, size_t n) {
    std::vector<Item> batch;
    n = std::min(n, queue.size());
    batch.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(queue.front()));
      queue.pop_front();
    }
    return batch;
  };
  // Writes first: they free memory and finish items.
  if (updates_.size() >= options_.write_batch || (finishing && !updates_.empty() && lookups_.empty())) {
    submit(CallKind::kUpdate, take(updates_, options_.write_batch));
    return true;
  }
  if (creates_.size() >= options_.write_batch || (finishing && !creates_.empty() && lookups_.empty())) {
    submit(CallKind::kCreate, take(creates_, options_.write_batch));
    return true;
  }
  if (lookups_.size() >= options_.lookup_batch || (!lookups_.empty() && (finishing || calls_.empty()))) {
    submit(CallKind::kLookup, take(lookups_, options_.lookup_batch));
    return true;
  }
  // Finishing with lookups in flight: their results may fill a batch; wait for them
  // unless nothing else can arrive.
  if (finishing && calls_.empty() && (!updates_.empty() || !creates_.empty())) {
    auto& queue = !updates_.empty() ? updates_ : creates_;
    submit(&queue == &updates_ ? CallKind::kUpdate : CallKind::kCreate, take(queue, options_.write_batch));
    return true;
  }
  return false;
}

const std::string& InventoryWriter::batch_document(CallKind kind, size_t count) {
  auto key = std::make_pair(static_cast<int>(kind), count);
  auto it = batch_documents_.find(key);
  if (it != batch_documents_.end()) return it->second;
  const auto& doc = kind == CallKind::kCreate ? docs_.create : docs_.update;
  const graphql::Operation* op = doc.operations.empty() ? nullptr : &doc.operations.front();
  return batch_documents_[key] = op ? graphql::batch(doc, *op, count, "u") : std::string();
}

void InventoryWriter::submit(CallKind kind, std::vector<Item> items) {
  // The variables are written straight into JSON text: this runs for every
  // item, and a DOM per request cost more than the rest of the request.
  std::string variables = "{";
  const std::string* document = &docs_.lookup;
  if (kind == CallKind::kLookup) {
    // "where": "sku in (\"A\", \"B\") and supplyChannel(id=\"…\")", written as JSON directly.
    variables.reserve(96 + items.size() * (items.empty() ? 0 : items.front().sku.size() + 6));
    variables += "\"where\":\"sku in (";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) variables += ", ";
      append_predicate_string_json(variables, items[i].sku);
    }
    variables += ") and supplyChannel(id=";
    append_predicate_string_json(variables, channel_id_);
    variables += ")\",\"limit\":" + std::to_string(items.size());
  } else {
    // Aliased copies u0, u1, … of the mutation, their variables suffixed _0, _1, …
    auto add = [&variables](const char* name, size_t i) {
      if (variables.size() > 1) variables += ',';
      variables += '"';
      variables += name;
      variables += '_';
      variables += std::to_string(i);
      variables += "\":";
    };
    for (size_t i = 0; i < items.size(); ++i) {
      if (kind == CallKind::kCreate) {
        add("sku", i);
        append_json_string(variables, items[i].sku);
        add("quantity", i);
        variables += std::to_string(items[i].quantity);
        add("channelId", i);
        append_json_string(variables, channel_id_);
      } else {
        add("id", i);
        append_json_string(variables, items[i].entry_id);
        add("version", i);
        variables += std::to_string(items[i].version);
        add("quantity", i);
        variables += std::to_string(items[i].quantity);
      }
    }
    document = &batch_document(kind, items.size());
  }
  variables += '}';
  std::string token;
  auto request = ct_.request_serialized(*document, variables, &token);
  if (!request.ok()) {
    for (auto& item : items) retry_or_fail(std::move(item), kind, request.error());
    return;
  }
  ct_.counts().add(kind_name(static_cast<int>(kind)));
  uint64_t id = next_call_id_++;
  calls_.emplace(id, Call{kind, std::move(items), std::move(token)});
  ct_.transport().start(std::move(request).value(), [this, id](net::HttpResponse response) {
    {
      std::lock_guard lock(mu_);
      done_.emplace_back(id, std::move(response));
    }
    cv_.notify_one();
  });
}

void InventoryWriter::handle(uint64_t id, net::HttpResponse& response) {
  auto node = calls_.extract(id);
  if (node.empty()) return;
  Call call = std::move(node.mapped());
  if (response.status == 401) ct_.tokens().invalidate(call.token);
  if (response.status == 200) {  // the plain success shapes, without a JSON tree
    if (call.kind == CallKind::kLookup) {
      Matcher match(call.items);
      if (decode::inventory_entries(response.body, [&](const InventoryEntryRef& e) { match.found(e); })) {
        match.route_all(*this);
        return;
      }
    } else if (decode::all_writes_succeeded(response.body, call.items.size())) {
      for (auto& item : call.items) {
        (call.kind == CallKind::kCreate ? stats_.created : stats_.updated)++;
        complete(item);
      }
      return;
    }
  }
  auto reply = ct_.interpret(response);
  if (!reply.ok()) {
    for (auto& item : call.items) retry_or_fail(std::move(item), call.kind, reply.error());
    return;
  }
  if (call.kind == CallKind::kLookup) {
    handle_lookup(call.items, *reply);
  } else {
    handle_writes(call.kind, call.items, *reply);
  }
}

void InventoryWriter::handle_lookup(std::vector<Item>& items, const GraphQLReply& reply) {
  const nlohmann::json* results = nullptr;
  if (reply.data.is_object() && reply.data.contains("inventoryEntries") && reply.data["inventoryEntries"].is_object()) {
    const auto& r = reply.data["inventoryEntries"];
    if (r.contains("results") && r["results"].is_array()) results = &r["results"];
  }
  if (!results) {
    Error e = reply.errors.empty()
                  ? make_error(ErrorCode::kProtocol, "inventoryEntries reply has no results array")
                  : classify_graphql_error(reply.errors[0], ct_.api());
    for (auto& item : items) retry_or_fail(std::move(item), CallKind::kLookup, e);
    return;
  }
  std::vector<InventoryEntry> entries;
  entries.reserve(results->size());
  for (const auto& node : *results) {
    auto entry = parse_inventory_entry(node);
    if (!entry.ok()) {
      for (auto& item : items) fail(item, entry.error().message);
      return;
    }
    entries.push_back(std::move(entry).value());
  }
  Matcher match(items);
  for (const auto& e : entries) match.found(InventoryEntryRef{e.id, e.version, e.sku, e.quantity_on_stock});
  match.route_all(*this);
}

InventoryWriter::Matcher::Matcher(std::vector<Item>& items)
    : items_(items), kinds_(items.size(), WriteKind::kCreate), matched_(items.size(), false), index_(items.size()) {
  for (size_t i = 0; i < items.size(); ++i) index_.try_emplace(items[i].sku, static_cast<uint32_t>(i));
}

void InventoryWriter::Matcher::found(const InventoryEntryRef& entry) {
  const uint32_t* at = index_.find(entry.sku);
  if (!at || matched_[*at]) return;  // not asked for, or a second entry for the SKU
  size_t i = *at;
  matched_[i] = true;
  kinds_[i] = decide_write(items_[i].quantity, &entry);
  if (kinds_[i] != WriteKind::kUnchanged) {
    items_[i].entry_id.assign(entry.id);  // the views die with the reply
    items_[i].version = entry.version;
  }
}

void InventoryWriter::Matcher::route_all(InventoryWriter& writer) {
  // index_ views the SKUs about to be moved: it is not used past here.
  for (size_t i = 0; i < items_.size(); ++i) writer.route(std::move(items_[i]), kinds_[i]);
}

void InventoryWriter::route(Item item, WriteKind kind) {
  if (kind == WriteKind::kUnchanged) {
    stats_.unchanged++;
    complete(item);
    return;
  }
  if (options_.dry_run) {
    (kind == WriteKind::kCreate ? stats_.created : stats_.updated)++;
    if (planned_.size() < kMaxPlanned) {
      planned_.push_back(PlannedWrite{kind, item.sku, item.quantity, item.entry_id, item.version});
    }
    complete(item);
    return;
  }
  (kind == WriteKind::kCreate ? creates_ : updates_).push_back(std::move(item));
}

void InventoryWriter::handle_writes(CallKind kind, std::vector<Item>& items, const GraphQLReply& reply) {
  // Index errors by the alias they belong to.
  std::unordered_map<std::string, const nlohmann::json*> error_of;
  for (const auto& e : reply.errors) {
    if (e.is_object() && e.contains("path") && e["path"].is_array() && !e["path"].empty() && e["path"][0].is_string()) {
      error_of.emplace(e["path"][0].get<std::string>(), &e);
    }
  }
  for (size_t i = 0; i < items.size(); ++i) {
    auto key = alias(i);
    Item& item = items[i];
    const nlohmann::json* value = nullptr;
    if (reply.data.is_object() && reply.data.contains(key) && reply.data[key].is_object()) value = &reply.data[key];
    if (value) {
      (kind == CallKind::kCreate ? stats_.created : stats_.updated)++;
      complete(item);
      continue;
    }
    auto eit = error_of.find(key);
    const nlohmann::json* err = eit != error_of.end() ? eit->second
                                : reply.errors.empty() ? nullptr
                                                       : &reply.errors[0];
    if (!err) {
      fail(item, "commercetools returned no result and no error for this entry");
      continue;
    }
    Error e = classify_graphql_error(*err, ct_.api());
    if (e.code == ErrorCode::kConflict && kind == CallKind::kUpdate) {
      stats_.conflicts_resolved++;
      const auto& ext = err->value("extensions", nlohmann::json::object());
      if (ext.contains("currentVersion") && ext["currentVersion"].is_number_integer() &&
          ++item.conflicts < options_.max_item_conflicts) {
        item.version = ext["currentVersion"].get<int64_t>();
        updates_.push_back(std::move(item));
      } else {
        retry_or_fail(std::move(item), CallKind::kLookup, e);
      }
    } else if ((e.code == ErrorCode::kDuplicate && kind == CallKind::kCreate) ||
               (e.code == ErrorCode::kNotFound && kind == CallKind::kUpdate)) {
      // Someone created (or deleted) the entry meanwhile: read it again and decide anew.
      stats_.conflicts_resolved++;
      retry_or_fail(std::move(item), CallKind::kLookup, e);
    } else {
      retry_or_fail(std::move(item), kind, e);
    }
  }
}

void InventoryWriter::retry_or_fail(Item item, CallKind queue, const Error& error) {
  // Two budgets: losing a race to another writer (409, DuplicateField, a
  // deleted entry) is resolved by re-reading and is not a fault; transient
  // faults (5xx, timeouts, garbled replies, 401) are. A hot SKU that another
  // writer keeps changing still ends after max_item_conflicts rounds.
  bool conflict = error.code == ErrorCode::kConflict || error.code == ErrorCode::kDuplicate ||
                  error.code == ErrorCode::kNotFound;
  // kProtocol: a reply cut short or garbled; the write may or may not have
  // happened, and replaying an absolute write (or a create, which then meets
  // DuplicateField and is re-read) is safe.
  bool transient = error.retryable() || error.code == ErrorCode::kUnauthenticated || error.code == ErrorCode::kProtocol;
  bool retry = conflict ? ++item.conflicts < options_.max_item_conflicts
                        : transient && ++item.attempts < options_.max_item_attempts;
  if (!retry) {
    fail(item, error.message);
    return;
  }
  switch (queue) {
    case CallKind::kLookup: lookups_.push_back(std::move(item)); break;
    case CallKind::kCreate: creates_.push_back(std::move(item)); break;
    case CallKind::kUpdate: updates_.push_back(std::move(item)); break;
  }
}

void InventoryWriter::fail(const Item& item, const std::string& reason) {
  stats_.failed++;
  failures_.push_back(ItemFailure{item.sku, item.quantity, reason});
  complete(item);
}

}  // namespace fct
