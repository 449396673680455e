// Readers for coerced GraphQL argument values (nlohmann::json) that never
// throw: a missing key and an explicit null both read as "not given".
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fct::sim {

// The value under `name`, or nullptr when absent or null.
inline const nlohmann::json* arg(const nlohmann::json& args, const char* name) {
  if (!args.is_object()) return nullptr;
  auto it = args.find(name);
  if (it == args.end() || it->is_null()) return nullptr;
  return &*it;
}

inline bool has_key(const nlohmann::json& args, const char* name) { return args.is_object() && args.contains(name); }

inline std::optional<std::string> string_arg(const nlohmann::json& args, const char* name) {
  const auto* v = arg(args, name);
  if (!v || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

// Integers, integral floats and decimal strings (IDs arrive as strings).
inline std::optional<int64_t> as_int(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.2e18) return static_cast<int64_t>(d);
    return std::nullopt;
  }
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s.empty() || s.size() > 18) return std::nullopt;
    size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size()) return std::nullopt;
    for (size_t k = i; k < s.size(); ++k) {
      if (s[k] < '0' || s[k] > '9') return std::nullopt;
    }
    return std::stoll(s);
  }
  return std::nullopt;
}

inline std::optional<int64_t> int_arg(const nlohmann::json& args, const char* name) {
  const auto* v = arg(args, name);
  if (!v) return std::nullopt;
  return as_int(*v);
}

// A list of strings; null items are skipped. A single string counts as a list of one.
inline std::vector<std::string> string_list_arg(const nlohmann::json& args, const char* name) {
  std::vector<std::string> out;
  const auto* v = arg(args, name);
  if (!v) return out;
  if (v->is_string()) {
    out.push_back(v->get<std::string>());
    return out;
  }
  if (!v->is_array()) return out;
  for (const auto& item : *v) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

inline std::vector<int64_t> int_list_arg(const nlohmann::json& args, const char* name) {
  std::vector<int64_t> out;
  const auto* v = arg(args, name);
  if (!v) return out;
  if (!v->is_array()) {
    if (auto i = as_int(*v)) out.push_back(*i);
    return out;
  }
  for (const auto& item : *v) {
    if (auto i = as_int(item)) out.push_back(*i);
  }
  return out;
}

}  // namespace fct::sim
