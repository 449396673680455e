#include "sim/ct_store.h"

#include <algorithm>
#include <mutex>
#include <set>

namespace fct::sim {

namespace {

CtError invalid_input(std::string message) { return CtError{"InvalidInput", std::move(message), {}}; }

CtError not_found(const ResourceRef& ref) {
  if (ref.id) return CtError{"ResourceNotFound", "The InventoryEntry with ID '" + *ref.id + "' was not found.", {}};
  return CtError{"ResourceNotFound", "The InventoryEntry with key '" + ref.key.value_or("") + "' was not found.", {}};
}

CtError concurrent_modification(const std::string& id, int64_t expected, int64_t actual) {
  return CtError{"ConcurrentModification",
                 "Object " + id + " has a different version than expected. Expected: " + std::to_string(expected) +
                     " - Actual: " + std::to_string(actual) + ".",
                 {{"currentVersion", actual}}};
}

// The channel id, or "" for none, without copying it.
const std::string& channel_or_empty(const std::optional<std::string>& channel_id) {
  static const std::string kNone;
  return channel_id ? *channel_id : kNone;
}

enum class FieldType { kString, kNumber, kReference };

// The InventoryEntry paths a `where` may use, and their types.
std::optional<FieldType> entry_field_type(const std::string& path) {
  static const std::map<std::string, FieldType> kFields = {
      {"id", FieldType::kString},
      {"key", FieldType::kString},
      {"sku", FieldType::kString},
      {"expectedDelivery", FieldType::kString},
      {"createdAt", FieldType::kString},
      {"lastModifiedAt", FieldType::kString},
      {"supplyChannel.id", FieldType::kString},
      {"supplyChannel.typeId", FieldType::kString},
      {"version", FieldType::kNumber},
      {"quantityOnStock", FieldType::kNumber},
      {"availableQuantity", FieldType::kNumber},
      {"restockableInDays", FieldType::kNumber},
      {"supplyChannel", FieldType::kReference},
  };
  auto it = kFields.find(path);
  if (it == kFields.end()) return std::nullopt;
  return it->second;
}

std::optional<CtError> validate(const Predicate& p) {
  using Op = Predicate::Op;
  if (p.op == Op::kAnd || p.op == Op::kOr || p.op == Op::kNot) {
    for (const auto& c : p.children) {
      if (auto e = validate(c)) return e;
    }
    return std::nullopt;
  }
  const std::string where = " (line 1, column " + std::to_string(p.column) + ")";
  const auto type = entry_field_type(p.path);
  if (!type) return invalid_input("Malformed parameter: where: Unknown field '" + p.path + "'" + where);
  if (p.op == Op::kDefined || p.op == Op::kNotDefined) return std::nullopt;
  if (*type == FieldType::kReference) {
    return invalid_input("Malformed parameter: where: '" + p.path +
                         "' is a reference; use " + p.path + "(id = \"…\") or '" + p.path + " is defined'" + where);
  }
  const auto want = *type == FieldType::kNumber ? PredicateValue::Kind::kNumber : PredicateValue::Kind::kString;
  for (const auto& v : p.values) {
    if (v.kind != want) {
      return invalid_input("Malformed parameter: where: The field '" + p.path + "' expects a " +
                           (want == PredicateValue::Kind::kNumber ? "number" : "string") + " value" + where);
    }
  }
  return std::nullopt;
}

std::optional<PredicateValue> entry_field(const InventoryEntryRecord& e, const std::string& path) {
  switch (path.empty() ? ' ' : path[0]) {
    case 'a':
      if (path == "availableQuantity") return PredicateValue::num(static_cast<double>(e.available_quantity));
      break;
    case 'c':
      if (path == "createdAt") return PredicateValue::string(format_iso8601(e.created_at));
      break;
    case 'e':
      if (path == "expectedDelivery" && e.expected_delivery) return PredicateValue::string(*e.expected_delivery);
      break;
    case 'i':
      if (path == "id") return PredicateValue::string(e.id);
      break;
    case 'k':
      if (path == "key" && e.key) return PredicateValue::string(*e.key);
      break;
    case 'l':
      if (path == "lastModifiedAt") return PredicateValue::string(format_iso8601(e.last_modified_at));
      break;
    case 'q':
      if (path == "quantityOnStock") return PredicateValue::num(static_cast<double>(e.quantity_on_stock));
      break;
    case 'r':
      if (path == "restockableInDays" && e.restockable_in_days) {
        return PredicateValue::num(static_cast<double>(*e.restockable_in_days));
      }
      break;
    case 's':
      if (path == "sku") return PredicateValue::string(e.sku);
      if (!e.supply_channel_id) break;
      if (path == "supplyChannel.id") return PredicateValue::string(*e.supply_channel_id);
      if (path == "supplyChannel.typeId") return PredicateValue::string("channel");
      if (path == "supplyChannel") return PredicateValue::string(*e.supply_channel_id);
      break;
    case 'v':
      if (path == "version") return PredicateValue::num(static_cast<double>(e.version));
      break;
    default: break;
  }
  return std::nullopt;
}

struct SortKey {
  std::string field;
  bool descending = false;
};

std::optional<CtError> parse_sort(const std::vector<std::string>& specs, std::vector<SortKey>& out) {
  static const std::set<std::string> kSortable = {"id",      "key",      "sku",       "version",
                                                  "quantityOnStock", "availableQuantity", "createdAt",
                                                  "lastModifiedAt", "restockableInDays"};
  for (const auto& spec : specs) {
    SortKey key;
    const size_t space = spec.find(' ');
    key.field = spec.substr(0, space);
    std::string dir = space == std::string::npos ? "asc" : spec.substr(space + 1);
    while (!dir.empty() && dir.front() == ' ') dir.erase(dir.begin());
    if (dir == "desc") {
      key.descending = true;
    } else if (dir != "asc") {
      return invalid_input("Malformed parameter: sort: Invalid sort direction in '" + spec + "'");
    }
    if (!kSortable.count(key.field)) {
      return invalid_input("Malformed parameter: sort: Unknown field '" + key.field + "'");
    }
    out.push_back(key);
  }
  return std::nullopt;
}

// -1, 0, 1 comparing one sort field; undefined values sort last.
int compare_field(const InventoryEntryRecord& a, const InventoryEntryRecord& b, const std::string& field) {
  auto cmp = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  auto cmp_opt = [&](const auto& x, const auto& y) {
    if (x && y) return cmp(*x, *y);
    if (x) return -1;
    if (y) return 1;
    return 0;
  };
  if (field == "id") return cmp(a.id, b.id);
  if (field == "key") return cmp_opt(a.key, b.key);
  if (field == "sku") return cmp(a.sku, b.sku);
  if (field == "version") return cmp(a.version, b.version);
  if (field == "quantityOnStock") return cmp(a.quantity_on_stock, b.quantity_on_stock);
  if (field == "availableQuantity") return cmp(a.available_quantity, b.available_quantity);
  if (field == "createdAt") return cmp(a.created_at, b.created_at);
  if (field == "lastModifiedAt") return cmp(a.last_modified_at, b.last_modified_at);
  if (field == "restockableInDays") return cmp_opt(a.restockable_in_days, b.restockable_in_days);
  return 0;
}

}  // namespace

void CtStore::reserve(size_t entries) {
  std::unique_lock lock(mu_);
  by_id_.reserve(entries);
  by_sku_.reserve(entries);
}

// ---------------------------------------------------------------------------
// Channels

Status CtStore::replace_channels(std::vector<ChannelRecord> channels) {
  std::set<std::string> ids, keys;
  for (auto& c : channels) {
    if (c.key.empty()) return make_error(ErrorCode::kInvalidArgument, "channel without key");
    if (!keys.insert(c.key).second) return make_error(ErrorCode::kInvalidArgument, "duplicate channel key " + c.key);
  }
  std::unique_lock lock(mu_);
  for (auto& c : channels) {
    if (c.id.empty()) c.id = next_id();
    if (!ids.insert(c.id).second) return make_error(ErrorCode::kInvalidArgument, "duplicate channel id " + c.id);
  }
  channels_ = std::move(channels);
  return ok_status();
}

Result<ChannelRecord> CtStore::add_channel(ChannelRecord channel) {
  std::unique_lock lock(mu_);
  if (channel.id.empty()) channel.id = next_id();
  for (const auto& c : channels_) {
    if (c.id == channel.id || c.key == channel.key) {
      return make_error(ErrorCode::kDuplicate, "channel " + channel.key + " exists");
    }
  }
  channels_.push_back(channel);
  return channel;
}

std::optional<ChannelRecord> CtStore::channel_by_id(const std::string& id) const {
  std::shared_lock lock(mu_);
  for (const auto& c : channels_) {
    if (c.id == id) return c;
  }
  return std::nullopt;
}

std::optional<ChannelRecord> CtStore::channel_by_key(const std::string& key) const {
  std::shared_lock lock(mu_);
  for (const auto& c : channels_) {
    if (c.key == key) return c;
  }
  return std::nullopt;
}

std::vector<ChannelRecord> CtStore::channels() const {
  std::shared_lock lock(mu_);
  return channels_;
}

CtResult<std::string> CtStore::resolve_channel(const ResourceRef& ref) const {
  if (!ref.id && !ref.key) return invalid_input("A ResourceIdentifier requires an 'id' or a 'key'.");
  for (const auto& c : channels_) {
    if ((ref.id && c.id == *ref.id) || (!ref.id && ref.key && c.key == *ref.key)) return c.id;
  }
  nlohmann::json extra = {{"typeId", "channel"}};
  std::string ident;
  if (ref.id) {
    extra["id"] = *ref.id;
    ident = "with identifier '" + *ref.id + "'";
  } else {
    extra["key"] = *ref.key;
    ident = "with key '" + *ref.key + "'";
  }
  return CtError{"ReferencedResourceNotFound",
                 "The referenced object of type 'channel' " + ident +
                     " was not found. It either doesn't exist, or it can't be accessed from this endpoint.",
                 extra};
}

// ---------------------------------------------------------------------------
// Entries: storage

std::string CtStore::next_id() { return uuid_like(hash_combine(id_seed_, ++id_counter_)); }

uint64_t CtStore::insert_locked(InventoryEntryRecord record) {
  const uint64_t seq = next_seq_++;
  by_id_[record.id] = seq;
  if (record.key) by_key_[*record.key] = seq;
  by_sku_[record.sku].push_back(seq);
  entries_.emplace(seq, Entry{seq, std::move(record)});
  return seq;
}

void CtStore::erase_locked(uint64_t seq) {
  auto it = entries_.find(seq);
  if (it == entries_.end()) return;
  const auto& r = it->second.record;
  by_id_.erase(r.id);
  if (r.key) by_key_.erase(*r.key);
  auto sku = by_sku_.find(r.sku);
  if (sku != by_sku_.end()) {
    auto& v = sku->second;
    v.erase(std::remove(v.begin(), v.end(), seq), v.end());
    if (v.empty()) by_sku_.erase(sku);
  }
  entries_.erase(it);
}

std::optional<uint64_t> CtStore::find_seq(const ResourceRef& ref) const {
  if (ref.id) {
    auto it = by_id_.find(*ref.id);
    if (it != by_id_.end()) return it->second;
    return std::nullopt;
  }
  if (ref.key) {
    auto it = by_key_.find(*ref.key);
    if (it != by_key_.end()) return it->second;
  }
  return std::nullopt;
}

std::optional<uint64_t> CtStore::find_by_sku_channel(const std::string& sku, const std::string& channel_id) const {
  auto it = by_sku_.find(sku);
  if (it == by_sku_.end()) return std::nullopt;
  for (uint64_t seq : it->second) {
    const auto& r = entries_.at(seq).record;
    if ((r.supply_channel_id ? std::string_view(*r.supply_channel_id) : std::string_view()) == channel_id) return seq;
  }
  return std::nullopt;
}

Status CtStore::replace_entries(std::vector<InventoryEntryRecord> entries) {
  std::unique_lock lock(mu_);
  std::set<std::string> ids, keys;
  std::set<std::pair<std::string, std::string>> sku_channels;
  for (auto& e : entries) {
    if (e.sku.empty()) return make_error(ErrorCode::kInvalidArgument, "inventory entry without sku");
    if (e.id.empty()) e.id = next_id();
    if (!ids.insert(e.id).second) return make_error(ErrorCode::kInvalidArgument, "duplicate entry id " + e.id);
    if (e.key && !keys.insert(*e.key).second) {
      return make_error(ErrorCode::kInvalidArgument, "duplicate entry key " + *e.key);
    }
    if (e.supply_channel_id) {
      // Accept a channel id or, for hand-written files, a channel key.
      const ChannelRecord* found = nullptr;
      for (const auto& c : channels_) {
        if (c.id == *e.supply_channel_id) found = &c;
      }
      if (!found) {
        for (const auto& c : channels_) {
          if (c.key == *e.supply_channel_id) found = &c;
        }
      }
      if (!found) {
        return make_error(ErrorCode::kInvalidArgument,
                          "entry " + e.sku + ": unknown supply channel " + *e.supply_channel_id);
      }
      e.supply_channel_id = found->id;
    }
    if (!sku_channels.emplace(e.sku, e.supply_channel_id.value_or("")).second) {
      return make_error(ErrorCode::kInvalidArgument,
                        "duplicate entry for sku " + e.sku + " and channel " + e.supply_channel_id.value_or("(none)"));
    }
  }
  entries_.clear();
  by_id_.clear();
  by_key_.clear();
  by_sku_.clear();
  for (auto& e : entries) insert_locked(std::move(e));
  return ok_status();
}

std::vector<InventoryEntryRecord> CtStore::entries() const {
  std::shared_lock lock(mu_);
  std::vector<InventoryEntryRecord> out;
  out.reserve(entries_.size());
  for (const auto& [seq, e] : entries_) out.push_back(e.record);
  return out;
}

size_t CtStore::entry_count() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

std::optional<InventoryEntryRecord> CtStore::entry(const ResourceRef& ref) const {
  std::shared_lock lock(mu_);
  auto seq = find_seq(ref);
  if (!seq) return std::nullopt;
  return entries_.at(*seq).record;
}

// ---------------------------------------------------------------------------
// Entries: queries

std::optional<std::vector<uint64_t>> CtStore::plan(const Predicate& p) const {
  using Op = Predicate::Op;
  auto lookup_values = [&](const std::vector<PredicateValue>& values) -> std::optional<std::vector<uint64_t>> {
    std::vector<uint64_t> out;
    for (const auto& v : values) {
      if (v.kind != PredicateValue::Kind::kString) continue;
      if (p.path == "sku") {
        auto it = by_sku_.find(v.text);
        if (it != by_sku_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
      } else if (p.path == "id" || p.path == "key") {
        const auto& index = p.path == "id" ? by_id_ : by_key_;
        auto it = index.find(v.text);
        if (it != index.end()) out.push_back(it->second);
      }
    }
    return out;
  };
  switch (p.op) {
    case Op::kEq:
    case Op::kIn:
      if (p.path == "sku" || p.path == "id" || p.path == "key") return lookup_values(p.values);
      return std::nullopt;
    case Op::kAnd: {
      std::optional<std::vector<uint64_t>> best;
      for (const auto& c : p.children) {
        auto cand = plan(c);
        if (cand && (!best || cand->size() < best->size())) best = std::move(cand);
      }
      return best;
    }
    case Op::kOr: {
      std::vector<uint64_t> all;
      for (const auto& c : p.children) {
        auto cand = plan(c);
        if (!cand) return std::nullopt;
        all.insert(all.end(), cand->begin(), cand->end());
      }
      return all;
    }
    default: return std::nullopt;
  }
}

CtResult<EntryPage> CtStore::query(const EntryQuery& q) const {
  if (q.limit < 0 || q.limit > kMaxQueryLimit) {
    return invalid_input("Malformed parameter: limit: The limit must be between 0 and " +
                         std::to_string(kMaxQueryLimit) + ", but was " + std::to_string(q.limit) + ".");
  }
  if (q.offset < 0 || q.offset > kMaxQueryOffset) {
    return invalid_input("Malformed parameter: offset: The offset must be between 0 and " +
                         std::to_string(kMaxQueryOffset) + ", but was " + std::to_string(q.offset) + ".");
  }
  std::optional<Predicate> predicate;
  if (q.where && !q.where->empty()) {
    auto parsed = parse_predicate(*q.where);
    if (!parsed.ok()) return invalid_input("Malformed parameter: where: " + parsed.error().message);
    if (auto e = validate(parsed.value())) return *e;
    predicate = std::move(parsed).value();
  }
  std::vector<SortKey> sort;
  if (auto e = parse_sort(q.sort, sort)) return *e;

  std::shared_lock lock(mu_);
  std::vector<const InventoryEntryRecord*> matches;
  const InventoryEntryRecord* current = nullptr;
  const FieldLookup lookup = [&current](const std::string& path) { return entry_field(*current, path); };
  auto consider = [&](const InventoryEntryRecord& r) {
    current = &r;
    if (!predicate || evaluate(*predicate, lookup)) matches.push_back(&r);
  };
  std::optional<std::vector<uint64_t>> candidates;
  if (predicate) candidates = plan(*predicate);
  if (candidates) {
    std::sort(candidates->begin(), candidates->end());
    candidates->erase(std::unique(candidates->begin(), candidates->end()), candidates->end());
    for (uint64_t seq : *candidates) consider(entries_.at(seq).record);
  } else {
    for (const auto& [seq, e] : entries_) consider(e.record);
  }
  if (!sort.empty()) {
    std::stable_sort(matches.begin(), matches.end(), [&](const auto* a, const auto* b) {
      for (const auto& key : sort) {
        const int c = compare_field(*a, *b, key.field);
        if (c != 0) return key.descending ? c > 0 : c < 0;
      }
      return false;
    });
  }
  EntryPage page;
  page.offset = q.offset;
  page.total = static_cast<int64_t>(matches.size());
  for (size_t i = static_cast<size_t>(q.offset); i < matches.size() && page.results.size() < static_cast<size_t>(q.limit);
       ++i) {
    page.results.push_back(*matches[i]);
  }
  return page;
}

// ---------------------------------------------------------------------------
// Entries: writes

CtResult<InventoryEntryRecord> CtStore::create(const EntryDraft& draft, Millis now) {
  if (draft.sku.empty()) return invalid_input("Request body does not contain valid JSON: sku must not be empty.");
  std::optional<std::string> expected;
  if (draft.expected_delivery) {
    auto t = parse_iso8601(*draft.expected_delivery);
    if (!t) return invalid_input("Invalid DateTime for expectedDelivery: '" + *draft.expected_delivery + "'.");
    expected = format_iso8601(*t);
  }
  std::unique_lock lock(mu_);
  std::optional<std::string> channel_id;
  if (draft.supply_channel) {
    auto resolved = resolve_channel(*draft.supply_channel);
    if (!resolved.ok()) return resolved.error();
    channel_id = std::move(resolved.value());
  }
  if (auto existing = find_by_sku_channel(draft.sku, channel_or_empty(channel_id))) {
    const auto& r = entries_.at(*existing).record;
    nlohmann::json value = draft.sku;
    return CtError{"DuplicateField",
                   "A duplicate value '\"" + draft.sku + "\"' exists for field 'sku'" +
                       (channel_id ? " in supply channel '" + *channel_id + "'." : " without supply channel."),
                   {{"field", "sku"},
                    {"duplicateValue", value},
                    {"conflictingResource", {{"typeId", "inventory-entry"}, {"id", r.id}}}}};
  }
  if (draft.key && by_key_.count(*draft.key)) {
    return CtError{"DuplicateField",
                   "A duplicate value '\"" + *draft.key + "\"' exists for field 'key'.",
                   {{"field", "key"}, {"duplicateValue", *draft.key}}};
  }
  InventoryEntryRecord r;
  r.id = next_id();
  r.key = draft.key;
  r.version = 1;
  r.sku = draft.sku;
  r.supply_channel_id = std::move(channel_id);
  r.quantity_on_stock = draft.quantity_on_stock;
  r.available_quantity = draft.quantity_on_stock;
  r.restockable_in_days = draft.restockable_in_days;
  r.expected_delivery = std::move(expected);
  r.created_at = now;
  r.last_modified_at = now;
  const uint64_t seq = insert_locked(std::move(r));
  return entries_.at(seq).record;
}

CtResult<InventoryEntryRecord> CtStore::update(const ResourceRef& ref, int64_t version,
                                               const std::vector<EntryAction>& actions, Millis now) {
  if (!ref.id && !ref.key) return invalid_input("Either 'id' or 'key' must be given to updateInventoryEntry.");
  if (actions.size() > kMaxUpdateActions) {
    return invalid_input("Too many update actions: " + std::to_string(actions.size()) + " (the maximum is " +
                         std::to_string(kMaxUpdateActions) + ").");
  }
  std::unique_lock lock(mu_);
  auto seq = find_seq(ref);
  if (!seq) return not_found(ref);
  InventoryEntryRecord r = entries_.at(*seq).record;
  if (r.version != version) return concurrent_modification(r.id, version, r.version);
  if (actions.empty()) return r;
  std::optional<std::string> new_key = r.key;
  for (const auto& a : actions) {
    switch (a.kind) {
      case EntryAction::Kind::kAddQuantity:
        r.quantity_on_stock += a.quantity;
        r.available_quantity += a.quantity;
        break;
      case EntryAction::Kind::kRemoveQuantity:
        r.quantity_on_stock -= a.quantity;
        r.available_quantity -= a.quantity;
        break;
      case EntryAction::Kind::kChangeQuantity: {
        // availableQuantity = quantityOnStock - reserved; keep `reserved` as it is.
        const int64_t reserved = r.quantity_on_stock - r.available_quantity;
        r.quantity_on_stock = a.quantity;
        r.available_quantity = a.quantity - reserved;
        break;
      }
      case EntryAction::Kind::kSetRestockableInDays: r.restockable_in_days = a.restockable_in_days; break;
      case EntryAction::Kind::kSetExpectedDelivery:
        if (a.text) {
          auto t = parse_iso8601(*a.text);
          if (!t) return invalid_input("Invalid DateTime for expectedDelivery: '" + *a.text + "'.");
          r.expected_delivery = format_iso8601(*t);
        } else {
          r.expected_delivery.reset();
        }
        break;
      case EntryAction::Kind::kSetSupplyChannel:
        if (a.supply_channel) {
          auto resolved = resolve_channel(*a.supply_channel);
          if (!resolved.ok()) return resolved.error();
          r.supply_channel_id = resolved.value();
        } else {
          r.supply_channel_id.reset();
        }
        break;
      case EntryAction::Kind::kSetKey: new_key = a.text; break;
    }
  }
  const auto& old = entries_.at(*seq).record;
  if (r.supply_channel_id != old.supply_channel_id) {
    auto other = find_by_sku_channel(r.sku, channel_or_empty(r.supply_channel_id));
    if (other && *other != *seq) {
      return CtError{"DuplicateField", "A duplicate value '\"" + r.sku + "\"' exists for field 'sku'.",
                     {{"field", "sku"}, {"duplicateValue", r.sku}}};
    }
  }
  if (new_key != old.key) {
    if (new_key && by_key_.count(*new_key)) {
      return CtError{"DuplicateField", "A duplicate value '\"" + *new_key + "\"' exists for field 'key'.",
                     {{"field", "key"}, {"duplicateValue", *new_key}}};
    }
    if (old.key) by_key_.erase(*old.key);
    if (new_key) by_key_[*new_key] = *seq;
    r.key = new_key;
  }
  r.version += 1;
  r.last_modified_at = now;
  entries_.at(*seq).record = r;
  return r;
}

CtResult<InventoryEntryRecord> CtStore::remove(const ResourceRef& ref, int64_t version) {
  if (!ref.id && !ref.key) return invalid_input("Either 'id' or 'key' must be given to deleteInventoryEntry.");
  std::unique_lock lock(mu_);
  auto seq = find_seq(ref);
  if (!seq) return not_found(ref);
  InventoryEntryRecord r = entries_.at(*seq).record;
  if (r.version != version) return concurrent_modification(r.id, version, r.version);
  erase_locked(*seq);
  return r;
}

bool CtStore::concurrent_write(const ResourceRef& ref, Millis now) {
  std::unique_lock lock(mu_);
  auto seq = find_seq(ref);
  if (!seq) return false;
  auto& r = entries_.at(*seq).record;
  r.version += 1;
  r.quantity_on_stock += 1;
  r.available_quantity += 1;
  r.last_modified_at = now;
  return true;
}

bool CtStore::create_racing_duplicate(const EntryDraft& draft, Millis now) {
  if (draft.sku.empty()) return false;
  std::unique_lock lock(mu_);
  std::optional<std::string> channel_id;
  if (draft.supply_channel) {
    auto resolved = resolve_channel(*draft.supply_channel);
    if (!resolved.ok()) return false;
    channel_id = resolved.value();
  }
  if (find_by_sku_channel(draft.sku, channel_or_empty(channel_id))) return false;
  InventoryEntryRecord r;
  r.id = next_id();
  r.sku = draft.sku;
  r.supply_channel_id = channel_id;
  r.quantity_on_stock = draft.quantity_on_stock + 1;
  r.available_quantity = r.quantity_on_stock;
  r.created_at = now;
  r.last_modified_at = now;
  insert_locked(std::move(r));
  return true;
}

}  // namespace fct::sim
