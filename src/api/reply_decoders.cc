#include "api/reply_decoders.h"

#include <simdjson.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string_view>

namespace fct::decode {
namespace {

namespace od = simdjson::ondemand;

// Bails out of the decoder (to the general path) on any simdjson error.
#define FCT_SCAN(expr)                                   \
  do {                                                   \
    if ((expr) != simdjson::SUCCESS) return std::nullopt; \
  } while (0)

// Parsers keep their buffers between replies. Replies are decoded on
// whichever thread fetched them (a pager's fetcher, a job thread, the
// transport's callbacks), and pagers come and go with their runs: parsers are
// lent from a small pool rather than kept per thread.
class ParserPool {
 public:
  struct Lease {
    ParserPool* pool;
    std::unique_ptr<od::parser> parser;
    Lease(ParserPool* p, std::unique_ptr<od::parser> q) : pool(p), parser(std::move(q)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool->give_back(std::move(parser)); }
    od::parser& operator*() { return *parser; }
  };
  Lease lend() {
    std::lock_guard lock(mu_);
    if (free_.empty()) return Lease(this, std::make_unique<od::parser>());
    auto p = std::move(free_.back());
    free_.pop_back();
    return Lease(this, std::move(p));
  }

 private:
  void give_back(std::unique_ptr<od::parser> p) {
    std::lock_guard lock(mu_);
    if (free_.size() < kKeep) free_.push_back(std::move(p));
  }
  static constexpr size_t kKeep = 4;
  std::mutex mu_;
  std::vector<std::unique_ptr<od::parser>> free_;
};

ParserPool& pool() {
  static ParserPool* p = new ParserPool();  // never destroyed: safe from any thread at exit
  return *p;
}

simdjson::padded_string_view padded(std::string& body) {
  if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING) body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  return simdjson::padded_string_view(body.data(), body.size(), body.capacity());
}

bool is_null(od::value& v) {
  od::json_type t;
  return v.type().get(t) == simdjson::SUCCESS && t == od::json_type::null;
}

// Walks {"data": {...}, ...} and hands the data object to `on_data`; nullopt
// when there are errors or no data, or anything fails to parse.
template <typename OnData>
std::optional<bool> with_data(od::document& doc, OnData&& on_data) {
  od::object root;
  FCT_SCAN(doc.get_object().get(root));
  bool seen = false;
  for (auto field : root) {
    std::string_view key;
    FCT_SCAN(field.unescaped_key().get(key));
    if (key == "errors") return std::nullopt;
    if (key != "data") continue;
    od::object data;
    FCT_SCAN(field.value().get_object().get(data));
    if (!on_data(data)) return std::nullopt;
    seen = true;
  }
  // Nothing may follow the root object (a reply with trailing bytes is garbled).
  if (!seen || doc.current_location().error() != simdjson::OUT_OF_BOUNDS) return std::nullopt;
  return true;
}

// One node, with parse_virtual_position()'s rules; nullopt for anything it
// would reject or that needs its wording.
std::optional<VirtualPosition> position(od::object node) {
  VirtualPosition p;
  bool has_product = false;
  bool has_quantity = false;
  for (auto field : node) {
    std::string_view key;
    FCT_SCAN(field.unescaped_key().get(key));
    od::value v;
    FCT_SCAN(field.value().get(v));
    std::string_view s;
    if (key == "ref") {
      FCT_SCAN(v.get_string().get(s));
      p.ref.assign(s);
    } else if (key == "productRef") {
      FCT_SCAN(v.get_string().get(s));
      if (s.empty() || s.size() > kMaxSkuLength) return std::nullopt;
      p.product_ref.assign(s);
      has_product = true;
    } else if (key == "quantity") {
      FCT_SCAN(v.get_int64().get(p.quantity));
      if (p.quantity < 0) return std::nullopt;
      has_quantity = true;
    } else if (key == "status") {
      FCT_SCAN(v.get_string().get(s));
      p.status.assign(s);
    } else if (key == "updatedOn") {
      if (is_null(v)) continue;
      FCT_SCAN(v.get_string().get(s));
      auto t = parse_timestamp(s);
      if (!t.ok()) return std::nullopt;
      p.updated_on = *t;
    }
  }
  if (!has_product || !has_quantity) return std::nullopt;
  return p;
}

}  // namespace

std::optional<std::pair<PositionPage, std::string>> virtual_positions(std::string& body, int number,
                                                                      size_t expected) {
  auto parser = pool().lend();
  od::document doc;
  FCT_SCAN((*parser).iterate(padded(body)).get(doc));
  PositionPage page;
  page.number = number;
  page.positions.reserve(std::min<size_t>(expected, 10000));
  std::string_view cursor;  // the last edge's, in the parser's buffer
  std::optional<bool> has_next;
  auto on_data = [&](od::object& data) -> bool {
    bool seen = false;
    for (auto field : data) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return false;
      if (key != "virtualPositions") continue;
      if (seen) return false;
      seen = true;
      od::object conn;
      if (field.value().get_object().get(conn)) return false;
      bool edges_seen = false;
      for (auto cf : conn) {
        std::string_view ck;
        if (cf.unescaped_key().get(ck)) return false;
        if (ck == "edges" || ck == "virtualPositionEdge") {
          if (edges_seen) return false;  // both spellings: let the general path choose
          edges_seen = true;
          od::array edges;
          if (cf.value().get_array().get(edges)) return false;
          for (auto e : edges) {
            od::object edge;
            if (e.get_object().get(edge)) return false;
            bool node_seen = false;
            for (auto ef : edge) {
              std::string_view ek;
              if (ef.unescaped_key().get(ek)) return false;
              if (ek == "node" || ek == "virtualPositionNode") {
                if (node_seen) return false;
                node_seen = true;
                od::object node;
                if (ef.value().get_object().get(node)) return false;
                auto p = position(node);
                if (!p) return false;
                page.positions.push_back(std::move(*p));
              } else if (ek == "cursor") {
                if (ef.value().get_string().get(cursor)) return false;
              }
            }
            if (!node_seen) return false;
          }
        } else if (ck == "pageInfo") {
          od::object info;
          if (cf.value().get_object().get(info)) return false;
          for (auto inf : info) {
            std::string_view ik;
            if (inf.unescaped_key().get(ik)) return false;
            if (ik != "hasNextPage") continue;
            bool b = false;
            if (inf.value().get_bool().get(b)) return false;
            has_next = b;
          }
        }
      }
      if (!edges_seen) return false;
    }
    return seen;
  };
  if (!with_data(doc, on_data) || !has_next) return std::nullopt;
  if (*has_next && cursor.empty()) return std::nullopt;
  page.end_cursor.assign(cursor);
  std::string next = *has_next ? page.end_cursor : std::string();
  return std::make_pair(std::move(page), std::move(next));
}

bool inventory_entries(std::string& body, const std::function<void(const InventoryEntryRef&)>& each) {
  auto parser = pool().lend();
  od::document doc;
  if ((*parser).iterate(padded(body)).get(doc)) return false;
  std::vector<InventoryEntryRef> out;  // views into the parser's buffer, valid while it is lent
  auto on_data = [&](od::object& data) -> bool {
    bool seen = false;
    for (auto field : data) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return false;
      if (key != "inventoryEntries") continue;
      if (seen) return false;
      od::object conn;
      if (field.value().get_object().get(conn)) return false;
      for (auto cf : conn) {
        std::string_view ck;
        if (cf.unescaped_key().get(ck)) return false;
        if (ck != "results") continue;
        if (seen) return false;
        seen = true;
        od::array results;
        if (cf.value().get_array().get(results)) return false;
        for (auto r : results) {
          od::object obj;
          if (r.get_object().get(obj)) return false;
          InventoryEntryRef e;
          int fields = 0;
          for (auto f : obj) {
            std::string_view k;
            if (f.unescaped_key().get(k)) return false;
            if (k == "id") {
              if (f.value().get_string().get(e.id)) return false;
              fields |= 1;
            } else if (k == "version") {
              if (f.value().get_int64().get(e.version)) return false;
              fields |= 2;
            } else if (k == "sku") {
              if (f.value().get_string().get(e.sku)) return false;
              fields |= 4;
            } else if (k == "quantityOnStock") {
              if (f.value().get_int64().get(e.quantity_on_stock)) return false;
              fields |= 8;
            }
          }
          if (fields != 15) return false;
          out.push_back(e);
        }
      }
    }
    return seen;
  };
  if (!with_data(doc, on_data)) return false;
  for (const auto& e : out) each(e);
  return true;
}

bool all_writes_succeeded(std::string& body, size_t count) {
  auto parser = pool().lend();
  od::document doc;
  if ((*parser).iterate(padded(body)).get(doc)) return false;
  std::vector<bool> ok(count, false);
  size_t oks = 0;
  auto on_data = [&](od::object& data) -> bool {
    for (auto field : data) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return false;
      if (key.size() < 2 || key[0] != 'u') return false;
      size_t i = 0;
      for (char c : key.substr(1)) {
        if (c < '0' || c > '9' || i > count) return false;
        i = i * 10 + static_cast<size_t>(c - '0');
      }
      if (i >= count || ok[i]) return false;
      od::object result;
      if (field.value().get_object().get(result)) return false;  // null: that write failed
      ok[i] = true;
      ++oks;
    }
    return true;
  };
  auto r = with_data(doc, on_data);
  return r && oks == count;
}

#undef FCT_SCAN

}  // namespace fct::decode
