// connector.yml: routes that map job and event names to handlers and props.
//
//   routes:
//     - name: batch-inventory-sync
//       handler: InventoryBatchHandler
//       props: {page-size: 1000, query-channel: ct-channel.graphql, ...}
//
// The built-in file (config/connector.yml, compiled in) is used unless
// --config names another. Errors name the file and line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace fct {

struct PropValue {
  std::string value;
  int line = 0;
  std::string file;  // where it was set; empty: the route's file
};

class RouteProps {
 public:
  RouteProps() = default;
  RouteProps(std::string file, std::string route, std::map<std::string, PropValue> values)
      : file_(std::move(file)), route_(std::move(route)), values_(std::move(values)) {}

  std::optional<std::string> get(const std::string& name) const;
  std::string get_or(const std::string& name, const std::string& fallback) const;
  // An integer prop within [min, max], or `fallback` when absent.
  Result<int64_t> get_int(const std::string& name, int64_t fallback, int64_t min, int64_t max) const;
  // "file:line: route R prop P" for error messages.
  std::string where(const std::string& name) const;
  const std::map<std::string, PropValue>& values() const { return values_; }

 private:
  std::string file_;
  std::string route_;
  std::map<std::string, PropValue> values_;
};

struct Route {
  std::string name;
  std::string handler;
  RouteProps props;
  std::string file;
  int line = 0;
  std::string where() const { return file + ":" + std::to_string(line); }
};

// A built-in scheduler entry: run `job` for (account, retailer) on `cron` (UTC).
struct ScheduleSpec {
  std::string job;
  std::string cron;
  std::string account;   // empty: FLUENT_ACCOUNT
  std::string retailer;  // empty: every configured retailer
  std::string where;     // file:line
};

struct ConnectorConfig {
  std::string file;                // path, or "<built-in>/connector.yml"
  std::filesystem::path dir;       // where documents are looked up first; empty for built-in
  std::vector<Route> routes;
  std::vector<std::string> plugins;  // shared libraries to load at start
  std::vector<ScheduleSpec> schedules;  // none unless the file sets them
  // Events whose name matches no route go to this route.
  std::string default_event_route = "commercetools.connect.inventory.upsert";

  const Route* route(const std::string& name) const;
  // The text of a document named by a route prop: from `dir` if present there,
  // else built in. Errors name the prop and where it was set.
  Result<std::string> document(const Route& route, const std::string& prop) const;
};

Result<ConnectorConfig> parse_config(const std::string& text, const std::string& file, const std::filesystem::path& dir);
// Loads the built-in configuration, then `path` over it (when not empty): a
// route of the same name takes the file's handler and its props over the
// built-in ones, so a partner's file names only what it changes; other
// routes are added. Plugins come from the file.
Result<ConnectorConfig> load_config(const std::string& path);

}  // namespace fct
