#include "runtime/config.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "runtime/embedded.h"

namespace fct {
namespace {

int line_of(const YAML::Node& node) { return node.Mark().line + 1; }

Error config_error(const std::string& file, int line, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, file + ":" + std::to_string(line) + ": " + what);
}

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, "cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

std::optional<std::string> RouteProps::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second.value;
}

std::string RouteProps::get_or(const std::string& name, const std::string& fallback) const {
  auto v = get(name);
  return v ? *v : fallback;
}

std::string RouteProps::where(const std::string& name) const {
  auto it = values_.find(name);
  std::string at = it == values_.end() ? file_
                                       : (it->second.file.empty() ? file_ : it->second.file) + ":" +
                                             std::to_string(it->second.line);
  return at + ": route " + route_ + " prop " + name;
}

Result<int64_t> RouteProps::get_int(const std::string& name, int64_t fallback, int64_t min, int64_t max) const {
  auto v = get(name);
  if (!v) return fallback;
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || ptr != v->data() + v->size() || out < min || out > max) {
    return make_error(ErrorCode::kInvalidArgument, where(name) + ": expected an integer from " + std::to_string(min) +
                                                       " to " + std::to_string(max) + ", got \"" + *v + "\"");
  }
  return out;
}

const Route* ConnectorConfig::route(const std::string& name) const {
  for (const auto& r : routes) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

Result<std::string> ConnectorConfig::document(const Route& route, const std::string& prop) const {
  auto name = route.props.get(prop);
  if (!name || name->empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      route.where() + ": route " + route.name + " has no prop " + prop + " (a GraphQL document file)");
  }
  if (!dir.empty()) {
    auto path = dir / *name;
    if (std::filesystem::exists(path)) return read_file(path);
  }
  const auto& builtin = embedded_files();
  auto it = builtin.find(std::filesystem::path(*name).filename().string());
  if (it != builtin.end() && std::filesystem::path(*name).filename() == *name) return std::string(it->second);
  return make_error(ErrorCode::kNotFound, route.props.where(prop) + ": document " + *name + " not found" +
                                              (dir.empty() ? "" : " in " + dir.string()) + " nor built in");
}

Result<ConnectorConfig> parse_config(const std::string& text, const std::string& file, const std::filesystem::path& dir) {
  ConnectorConfig config;
  config.file = file;
  config.dir = dir;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return config_error(file, e.mark.line + 1, "invalid YAML: " + e.msg);
  }
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);  // an empty file: the defaults
  if (!root.IsMap()) return config_error(file, 1, "expected a mapping (routes:, plugins:, schedules:, events:)");
  try {
    for (auto it = root.begin(); it != root.end(); ++it) {
      auto key = it->first.as<std::string>();
      if (key != "routes" && key != "plugins" && key != "schedules" && key != "events") {
        return config_error(file, line_of(it->first), "unknown top-level key \"" + key + "\"");
      }
    }
    const YAML::Node routes = root["routes"] ? root["routes"] : YAML::Node(YAML::NodeType::Sequence);
    if (!routes.IsSequence()) return config_error(file, line_of(routes), "routes: must be a list");
    for (const auto& node : routes) {
      if (!node.IsMap()) return config_error(file, line_of(node), "a route must be a mapping with name, handler, props");
      Route route;
      route.file = file;
      route.line = line_of(node);
      if (!node["name"] || !node["name"].IsScalar()) return config_error(file, route.line, "route without a name");
      if (!node["handler"] || !node["handler"].IsScalar()) {
        return config_error(file, route.line, "route " + node["name"].as<std::string>() + " has no handler");
      }
      route.name = node["name"].as<std::string>();
      route.handler = node["handler"].as<std::string>();
      if (config.route(route.name)) return config_error(file, route.line, "route " + route.name + " is defined twice");
      std::map<std::string, PropValue> props;
      if (const auto p = node["props"]) {
        if (!p.IsMap()) return config_error(file, line_of(p), "props of route " + route.name + " must be a mapping");
        for (auto pit = p.begin(); pit != p.end(); ++pit) {
          if (!pit->second.IsScalar()) {
            return config_error(file, line_of(pit->second),
                                "prop " + pit->first.as<std::string>() + " of route " + route.name + " must be a scalar");
          }
          props[pit->first.as<std::string>()] = PropValue{pit->second.as<std::string>(), line_of(pit->second), {}};
        }
      }
      route.props = RouteProps(file, route.name, std::move(props));
      config.routes.push_back(std::move(route));
    }
    if (const auto plugins = root["plugins"]) {
      if (!plugins.IsSequence()) return config_error(file, line_of(plugins), "plugins: must be a list of paths");
      for (const auto& p : plugins) {
        auto path = std::filesystem::path(p.as<std::string>());
        if (path.is_relative() && !dir.empty()) path = dir / path;
        config.plugins.push_back(path.string());
      }
    }
    if (const auto schedules = root["schedules"]) {
      if (!schedules.IsSequence()) return config_error(file, line_of(schedules), "schedules: must be a list");
      for (const auto& node : schedules) {
        ScheduleSpec spec;
        spec.where = file + ":" + std::to_string(line_of(node));
        if (!node.IsMap() || !node["job"] || !node["cron"]) {
          return config_error(file, line_of(node), "a schedule needs job: and cron:");
        }
        spec.job = node["job"].as<std::string>();
        spec.cron = node["cron"].as<std::string>();
        if (node["account"]) spec.account = node["account"].as<std::string>();
        if (node["retailer"]) spec.retailer = node["retailer"].as<std::string>();
        config.schedules.push_back(std::move(spec));
      }
    }
    if (const auto events = root["events"]) {
      if (!events.IsMap()) return config_error(file, line_of(events), "events: must be a mapping");
      if (events["default-route"]) config.default_event_route = events["default-route"].as<std::string>();
    }
  } catch (const YAML::Exception& e) {
    return config_error(file, e.mark.line + 1, e.msg);
  }
  return config;
}

Result<ConnectorConfig> load_config(const std::string& path) {
  const std::string builtin_file = "<built-in>/connector.yml";
  FCT_ASSIGN_OR_RETURN(auto builtin, parse_config(std::string(embedded_files().at("connector.yml")), builtin_file, {}));
  if (path.empty()) return builtin;
  auto text = read_file(path);
  if (!text.ok()) return make_error(ErrorCode::kNotFound, "configuration file " + path + " cannot be read");
  auto dir = std::filesystem::absolute(path).parent_path();
  FCT_ASSIGN_OR_RETURN(auto user, parse_config(*text, path, dir));
  for (auto& route : user.routes) {
    const Route* base = builtin.route(route.name);
    if (!base) continue;
    auto props = base->props.values();
    for (auto& [name, value] : props) value.file = builtin_file;
    for (const auto& [name, value] : route.props.values()) props[name] = value;
    route.props = RouteProps(path, route.name, std::move(props));
  }
  for (const auto& route : builtin.routes) {
    if (!user.route(route.name)) user.routes.push_back(route);
  }
  return user;
}

}  // namespace fct
