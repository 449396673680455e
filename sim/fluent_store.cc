#include "sim/fluent_store.h"

#include <algorithm>
#include <numeric>

namespace fct::sim {

namespace {

template <typename T>
bool contains(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

// ---------------------------------------------------------------------------
// PositionStore

const std::string* PositionStore::intern(const std::string& s) { return &*interned_.insert(s).first; }

void PositionStore::clear() {
  std::unique_lock lock(mu_);
  catalogues_.clear();
}

Status PositionStore::put(PositionRecord position) {
  std::unique_lock lock(mu_);
  return put_locked(std::move(position));
}

Status PositionStore::put_locked(PositionRecord r) {
  if (r.ref.empty()) return make_error(ErrorCode::kInvalidArgument, "position without ref");
  if (r.catalogue_ref.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "position " + r.ref + " without catalogueRef");
  }
  auto [cit, created] = catalogues_.try_emplace(r.catalogue_ref);
  Catalogue& c = cit->second;
  if (created) c.ref = r.catalogue_ref;
  auto existing = c.by_ref.find(r.ref);
  if (existing != c.by_ref.end()) {
    Position& p = c.positions[existing->second];
    if (p.product_ref != r.product_ref) {
      auto range = c.by_product.equal_range(p.product_ref);
      for (auto it = range.first; it != range.second; ++it) {
        if (it->second == existing->second) {
          c.by_product.erase(it);
          break;
        }
      }
      c.by_product.emplace(r.product_ref, existing->second);
      p.product_ref = std::move(r.product_ref);
    }
    p.type = intern(r.type);
    p.status = intern(r.status);
    p.group_ref = r.group_ref ? intern(*r.group_ref) : nullptr;
    p.quantity = r.quantity;
    p.created_on = r.created_on;
    p.updated_on = r.updated_on;
    return ok_status();
  }
  const auto index = static_cast<uint32_t>(c.positions.size());
  Position p{next_seq_++,       r.ref,        r.product_ref, intern(r.type), intern(r.status),
             r.group_ref ? intern(*r.group_ref) : nullptr, r.quantity, r.created_on, r.updated_on};
  c.by_ref.emplace(r.ref, index);
  c.by_product.emplace(r.product_ref, index);
  c.positions.push_back(std::move(p));
  return ok_status();
}

Status PositionStore::replace_all(std::vector<PositionRecord> positions) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& p : positions) {
    if (p.ref.empty()) return make_error(ErrorCode::kInvalidArgument, "position without ref");
    if (p.catalogue_ref.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "position " + p.ref + " without catalogueRef");
    }
    if (!seen.emplace(p.catalogue_ref, p.ref).second) {
      return make_error(ErrorCode::kInvalidArgument,
                        "duplicate position ref " + p.ref + " in catalogue " + p.catalogue_ref);
    }
  }
  std::unique_lock lock(mu_);
  catalogues_.clear();
  for (auto& p : positions) FCT_RETURN_IF_ERROR(put_locked(std::move(p)));
  return ok_status();
}

PositionRecord PositionStore::to_record(const Catalogue& c, const Position& p) const {
  PositionRecord r;
  r.seq = p.seq;
  r.ref = p.ref;
  r.catalogue_ref = c.ref;
  r.product_ref = p.product_ref;
  r.type = *p.type;
  r.status = *p.status;
  if (p.group_ref) r.group_ref = *p.group_ref;
  r.quantity = p.quantity;
  r.created_on = p.created_on;
  r.updated_on = p.updated_on;
  return r;
}

bool PositionStore::matches(const PositionFilter& f, const Position& p) {
  if (f.updated_from && p.updated_on < *f.updated_from) return false;
  if (f.updated_to && p.updated_on > *f.updated_to) return false;
  if (f.created_from && p.created_on < *f.created_from) return false;
  if (f.created_to && p.created_on > *f.created_to) return false;
  if (!f.statuses.empty() && !contains(f.statuses, *p.status)) return false;
  if (!f.types.empty() && !contains(f.types, *p.type)) return false;
  if (!f.quantities.empty() && !contains(f.quantities, p.quantity)) return false;
  if (!f.group_refs.empty() && (!p.group_ref || !contains(f.group_refs, *p.group_ref))) return false;
  return true;
}

PositionPage PositionStore::find(const PositionFilter& f, const PageRequest& page) const {
  PositionPage out;
  std::shared_lock lock(mu_);
  auto cit = catalogues_.find(f.catalogue_ref);
  if (cit == catalogues_.end()) return out;
  const Catalogue& c = cit->second;

  // Candidates from an index when the filter names refs or productRefs; the
  // other list (if both are given) is checked per candidate.
  std::vector<uint32_t> candidates;
  const bool use_candidates = !f.refs.empty() || !f.product_refs.empty();
  if (!f.refs.empty()) {
    for (const auto& ref : f.refs) {
      auto it = c.by_ref.find(ref);
      if (it == c.by_ref.end()) continue;
      if (!f.product_refs.empty() && !contains(f.product_refs, c.positions[it->second].product_ref)) continue;
      candidates.push_back(it->second);
    }
  } else if (!f.product_refs.empty()) {
    for (const auto& product : f.product_refs) {
      auto range = c.by_product.equal_range(product);
      for (auto it = range.first; it != range.second; ++it) candidates.push_back(it->second);
    }
  }
  if (use_candidates) {
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  }
  const size_t n = use_candidates ? candidates.size() : c.positions.size();
  auto at = [&](size_t i) -> const Position& { return c.positions[use_candidates ? candidates[i] : i]; };
  // First index whose seq is > s (strict) or >= s.
  auto bound = [&](uint64_t s, bool strict) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      const uint64_t v = at(mid).seq;
      if (strict ? v <= s : v < s) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  };
  const size_t begin = page.after ? bound(*page.after, true) : 0;
  const size_t end = page.before ? bound(*page.before, false) : n;
  if (!page.backward) {
    for (size_t i = begin; i < end; ++i) {
      const Position& p = at(i);
      if (!matches(f, p)) continue;
      if (out.items.size() == page.count) {
        out.has_next_page = true;
        break;
      }
      out.items.push_back(to_record(c, p));
    }
    out.has_previous_page = page.after.has_value();
  } else {
    for (size_t i = end; i > begin; --i) {
      const Position& p = at(i - 1);
      if (!matches(f, p)) continue;
      if (out.items.size() == page.count) {
        out.has_previous_page = true;
        break;
      }
      out.items.push_back(to_record(c, p));
    }
    std::reverse(out.items.begin(), out.items.end());
    out.has_next_page = page.before.has_value();
  }
  return out;
}

std::optional<PositionRecord> PositionStore::get(const std::string& catalogue_ref, const std::string& ref) const {
  std::shared_lock lock(mu_);
  auto cit = catalogues_.find(catalogue_ref);
  if (cit == catalogues_.end()) return std::nullopt;
  auto it = cit->second.by_ref.find(ref);
  if (it == cit->second.by_ref.end()) return std::nullopt;
  return to_record(cit->second, cit->second.positions[it->second]);
}

std::vector<PositionRecord> PositionStore::all() const {
  std::shared_lock lock(mu_);
  std::vector<PositionRecord> out;
  for (const auto& [ref, c] : catalogues_) {
    for (const auto& p : c.positions) out.push_back(to_record(c, p));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  return out;
}

void PositionStore::for_each(const std::function<void(const PositionRecord&)>& visit) const {
  std::shared_lock lock(mu_);
  for (const auto& [ref, c] : catalogues_) {
    for (const auto& p : c.positions) visit(to_record(c, p));
  }
}

size_t PositionStore::size() const {
  std::shared_lock lock(mu_);
  size_t n = 0;
  for (const auto& [ref, c] : catalogues_) n += c.positions.size();
  return n;
}

TouchedPosition PositionStore::apply_touch(Catalogue& c, uint32_t index, int64_t quantity,
                                           const std::optional<std::string>& status, Millis now) {
  Position& p = c.positions[index];
  p.quantity = quantity;
  if (status) p.status = intern(*status);
  p.updated_on = now;
  return TouchedPosition{p.ref, c.ref, p.product_ref, p.quantity};
}

std::vector<TouchedPosition> PositionStore::touch_random(size_t count, uint64_t seed,
                                                         const std::optional<std::string>& catalogue_ref,
                                                         const std::optional<int64_t>& quantity, Millis now) {
  std::unique_lock lock(mu_);
  std::vector<Catalogue*> pool;
  std::vector<size_t> starts;  // cumulative offsets into the pooled index space
  size_t total = 0;
  for (auto& [ref, c] : catalogues_) {
    if (catalogue_ref && ref != *catalogue_ref) continue;
    if (c.positions.empty()) continue;
    pool.push_back(&c);
    starts.push_back(total);
    total += c.positions.size();
  }
  std::vector<TouchedPosition> out;
  if (total == 0 || count == 0) return out;
  count = std::min(count, total);
  // Visit `count` distinct indexes: start + i * step (mod total) with step
  // coprime to total is a permutation of the index space.
  size_t g = mix64(seed) % total;
  size_t step = total == 1 ? 1 : 1 + mix64(seed ^ 0x5bd1e995ULL) % (total - 1);
  while (std::gcd(step, total) != 1) step = step % (total - 1) + 1;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const size_t k = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), g) - starts.begin()) - 1;
    Catalogue& c = *pool[k];
    const auto index = static_cast<uint32_t>(g - starts[k]);
    int64_t q = 0;
    if (quantity) {
      q = *quantity;
    } else {
      const int64_t old = c.positions[index].quantity;
      const int64_t base = old >= 0 && old <= 500 ? old : 0;
      q = (base + 1 + static_cast<int64_t>(mix64(hash_combine(seed, i)) % 500)) % 501;
    }
    out.push_back(apply_touch(c, index, q, std::nullopt, now));
    g = (g + step) % total;
  }
  return out;
}

std::vector<TouchedPosition> PositionStore::touch_products(const std::vector<std::string>& product_refs,
                                                           const std::optional<std::string>& catalogue_ref,
                                                           const std::optional<int64_t>& quantity,
                                                           const std::optional<std::string>& status, Millis now) {
  std::unique_lock lock(mu_);
  std::vector<TouchedPosition> out;
  for (auto& [ref, c] : catalogues_) {
    if (catalogue_ref && ref != *catalogue_ref) continue;
    for (const auto& product : product_refs) {
      auto range = c.by_product.equal_range(product);
      for (auto it = range.first; it != range.second; ++it) {
        const int64_t q = quantity ? *quantity : c.positions[it->second].quantity;
        out.push_back(apply_touch(c, it->second, q, status, now));
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// SettingStore

namespace {
bool same_key(const SettingRecord& a, const SettingRecord& b) {
  return a.name == b.name && a.context == b.context && a.context_id == b.context_id;
}
}  // namespace

Result<SettingRecord> SettingStore::create(SettingRecord setting) {
  std::lock_guard lock(mu_);
  for (const auto& [id, s] : settings_) {
    if (same_key(s, setting)) {
      return make_error(ErrorCode::kDuplicate, "Setting '" + setting.name + "' already exists for context " +
                                                   setting.context + ":" + std::to_string(setting.context_id) +
                                                   " (id " + std::to_string(id) + ")");
    }
  }
  setting.id = next_id_++;
  settings_[setting.id] = setting;
  return setting;
}

Result<SettingRecord> SettingStore::update(int64_t id, const SettingPatch& patch) {
  std::lock_guard lock(mu_);
  auto it = settings_.find(id);
  if (it == settings_.end()) {
    return make_error(ErrorCode::kNotFound, "Setting with id " + std::to_string(id) + " not found");
  }
  SettingRecord updated = it->second;
  if (patch.name) updated.name = *patch.name;
  if (patch.value_type) updated.value_type = *patch.value_type;
  if (patch.value) updated.value = *patch.value;
  if (patch.lob_value) updated.lob_value = *patch.lob_value;
  if (patch.context) updated.context = *patch.context;
  if (patch.context_id) updated.context_id = *patch.context_id;
  for (const auto& [other_id, s] : settings_) {
    if (other_id != id && same_key(s, updated)) {
      return make_error(ErrorCode::kDuplicate, "Setting '" + updated.name + "' already exists for context " +
                                                   updated.context + ":" + std::to_string(updated.context_id));
    }
  }
  it->second = updated;
  return updated;
}

std::optional<SettingRecord> SettingStore::get(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = settings_.find(id);
  if (it == settings_.end()) return std::nullopt;
  return it->second;
}

std::vector<SettingRecord> SettingStore::find(const SettingFilter& f) const {
  std::lock_guard lock(mu_);
  std::vector<SettingRecord> out;
  for (const auto& [id, s] : settings_) {
    if (!f.names.empty() && !contains(f.names, s.name)) continue;
    if (!f.contexts.empty() && !contains(f.contexts, s.context)) continue;
    if (!f.context_ids.empty() && !contains(f.context_ids, s.context_id)) continue;
    if (!f.value_types.empty() && !contains(f.value_types, s.value_type)) continue;
    out.push_back(s);
  }
  return out;
}

Status SettingStore::replace_all(std::vector<SettingRecord> settings) {
  std::map<int64_t, SettingRecord> next;
  int64_t max_id = 0;
  for (const auto& s : settings) max_id = std::max(max_id, s.id);
  for (auto& s : settings) {
    if (s.name.empty()) return make_error(ErrorCode::kInvalidArgument, "setting without name");
    if (s.id <= 0) s.id = ++max_id;
    for (const auto& [id, other] : next) {
      if (same_key(other, s)) {
        return make_error(ErrorCode::kInvalidArgument, "duplicate setting " + s.name + " for context " + s.context +
                                                           ":" + std::to_string(s.context_id));
      }
    }
    if (!next.emplace(s.id, s).second) {
      return make_error(ErrorCode::kInvalidArgument, "duplicate setting id " + std::to_string(s.id));
    }
  }
  std::lock_guard lock(mu_);
  settings_ = std::move(next);
  next_id_ = max_id + 1;
  return ok_status();
}

std::vector<SettingRecord> SettingStore::all() const {
  std::lock_guard lock(mu_);
  std::vector<SettingRecord> out;
  for (const auto& [id, s] : settings_) out.push_back(s);
  return out;
}

}  // namespace fct::sim
