// A minimal in-memory commercetools GraphQL responder for writer unit tests:
// it understands the connector's own lookup/create/update documents (by the
// variables they carry), enforces versions and the one-entry-per-SKU rule,
// and lets a test inject per-SKU errors. The full simulator is in sim/.
#pragma once

#include <map>
#include <regex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "api/token_source.h"
#include "net/testing.h"

namespace fct::testing {

class StaticTokens : public TokenSource {
 public:
  Result<std::string> token() override { return std::string("test-token"); }
  void invalidate(const std::string&) override { ++invalidations; }
  int invalidations = 0;
};

struct FakeEntry {
  std::string id;
  int64_t version = 1;
  int64_t quantity = 0;
};

class FakeCt {
 public:
  std::map<std::string, FakeEntry> entries;     // by sku, in the target channel
  std::map<std::string, int> lookups_of;        // sku -> how often looked up
  std::set<std::string> reject;                 // skus whose writes fail with InvalidInput
  std::set<std::string> race_create;            // skus another writer creates just before our create
  std::set<std::string> race_update;            // skus another writer bumps just before our update
  int next_id = 1;

  net::HttpResponse answer(const net::HttpRequest& req) {
    auto body = nlohmann::json::parse(req.body);
    const auto& vars = body["variables"];
    const std::string query = body["query"];
    nlohmann::json data = nlohmann::json::object();
    nlohmann::json errors = nlohmann::json::array();
    if (query.find("inventoryEntries") != std::string::npos) {
      std::string where = vars["where"];
      nlohmann::json results = nlohmann::json::array();
      std::regex quoted("\"([^\"]*)\"");
      for (auto it = std::sregex_iterator(where.begin(), where.end(), quoted); it != std::sregex_iterator(); ++it) {
        std::string sku = (*it)[1];
        lookups_of[sku]++;
        auto e = entries.find(sku);
        if (e != entries.end()) results.push_back(to_json(sku, e->second));
      }
      data["inventoryEntries"] = {{"results", results}};
    } else {
      bool create = query.find("createInventoryEntry") != std::string::npos;
      for (size_t i = 0;; ++i) {
        auto s = "_" + std::to_string(i);
        auto alias = "u" + std::to_string(i);
        if (!vars.contains("quantity" + s)) break;
        int64_t quantity = vars["quantity" + s];
        if (create) {
          std::string sku = vars["sku" + s];
          if (race_create.erase(sku)) entries[sku] = FakeEntry{"other-" + sku, 1, 999};
          if (reject.count(sku)) {
            errors.push_back(error(alias, "InvalidInput", "rejected " + sku));
          } else if (entries.count(sku)) {
            errors.push_back(error(alias, "DuplicateField", "duplicate sku " + sku));
          } else {
            entries[sku] = FakeEntry{"id-" + std::to_string(next_id++), 1, quantity};
            data[alias] = to_json(sku, entries[sku]);
          }
        } else {
          std::string id = vars["id" + s];
          int64_t version = vars["version" + s];
          std::string sku = sku_of(id);
          if (race_update.erase(sku)) {
            entries[sku].version++;
            entries[sku].quantity = 12345;
          }
          if (sku.empty()) {
            errors.push_back(error(alias, "ResourceNotFound", "no entry " + id));
          } else if (reject.count(sku)) {
            errors.push_back(error(alias, "InvalidInput", "rejected " + sku));
          } else if (entries[sku].version != version) {
            auto e = error(alias, "ConcurrentModification", "version mismatch");
            e["extensions"]["currentVersion"] = entries[sku].version;
            errors.push_back(e);
          } else {
            entries[sku].version++;
            entries[sku].quantity = quantity;
            data[alias] = to_json(sku, entries[sku]);
          }
        }
        if (!data.contains(alias)) data[alias] = nullptr;
      }
    }
    nlohmann::json reply = {{"data", data}};
    if (!errors.empty()) reply["errors"] = errors;
    return net::make_response(200, reply.dump());
  }

 private:
  std::string sku_of(const std::string& id) const {
    for (const auto& [sku, e] : entries) {
      if (e.id == id) return sku;
    }
    return "";
  }
  static nlohmann::json to_json(const std::string& sku, const FakeEntry& e) {
    return {{"id", e.id}, {"version", e.version}, {"sku", sku}, {"quantityOnStock", e.quantity}};
  }
  static nlohmann::json error(const std::string& alias, const std::string& code, const std::string& message) {
    return {{"message", message}, {"path", {alias}}, {"extensions", {{"code", code}}}};
  }
};

}  // namespace fct::testing
