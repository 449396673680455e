#include "sim/fast_json.h"

#include <charconv>
#include <cstdint>

#include <simdjson.h>

namespace fct::sim {

namespace {

using json = nlohmann::json;

// Converts a simdjson DOM value. Returns false for what nlohmann would store
// differently (floats, whose rounding is left to nlohmann's own reader), so the
// caller re-parses the whole text with nlohmann.
bool convert(simdjson::dom::element e, json& out) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::OBJECT: {
      out = json::object();
      auto& obj = out.get_ref<json::object_t&>();
      for (const auto field : simdjson::dom::object(e)) {
        json v;
        if (!convert(field.value, v)) return false;
        obj[std::string(field.key)] = std::move(v);  // a repeated key: the last value wins, as in nlohmann
      }
      return true;
    }
    case element_type::ARRAY: {
      out = json::array();
      auto& arr = out.get_ref<json::array_t&>();
      for (const auto item : simdjson::dom::array(e)) {
        arr.emplace_back();
        if (!convert(item, arr.back())) return false;
      }
      return true;
    }
    case element_type::STRING: out = std::string(std::string_view(e)); return true;
    case element_type::BOOL: out = bool(e); return true;
    case element_type::NULL_VALUE: out = nullptr; return true;
    case element_type::INT64: {
      // nlohmann keeps non-negative integers unsigned.
      const auto v = int64_t(e);
      if (v >= 0) {
        out = static_cast<uint64_t>(v);
      } else {
        out = v;
      }
      return true;
    }
    case element_type::UINT64: out = uint64_t(e); return true;
    default: return false;  // DOUBLE
  }
}

void dump_string(const std::string& s, std::string& out) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
      out += json(s).dump();  // escapes, UTF-8 checks and their exceptions: nlohmann's own
      return;
    }
  }
  out.push_back('"');
  out += s;
  out.push_back('"');
}

template <typename Int>
void dump_integer(Int v, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, static_cast<size_t>(end - buf));
}

void dump_value(const json& v, std::string& out) {
  switch (v.type()) {
    case json::value_t::object: {
      const auto& obj = v.get_ref<const json::object_t&>();
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : obj) {
        if (!first) out.push_back(',');
        first = false;
        dump_string(key, out);
        out.push_back(':');
        dump_value(item, out);
      }
      out.push_back('}');
      return;
    }
    case json::value_t::array: {
      const auto& arr = v.get_ref<const json::array_t&>();
      out.push_back('[');
      bool first = true;
      for (const auto& item : arr) {
        if (!first) out.push_back(',');
        first = false;
        dump_value(item, out);
      }
      out.push_back(']');
      return;
    }
    case json::value_t::string: dump_string(v.get_ref<const std::string&>(), out); return;
    case json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return;
    case json::value_t::null: out += "null"; return;
    case json::value_t::number_integer: dump_integer(v.get<int64_t>(), out); return;
    case json::value_t::number_unsigned: dump_integer(v.get<uint64_t>(), out); return;
    default: out += v.dump(); return;  // floats, binary, discarded
  }
}

}  // namespace

json parse_json(std::string_view text) {
  // One parser per thread: it keeps its buffers between requests.
  thread_local simdjson::dom::parser parser;
  json out;
  simdjson::dom::element root;
  // realloc_if_needed: request bodies carry no simdjson padding.
  if (parser.parse(text.data(), text.size(), /*realloc_if_needed=*/true).get(root) == simdjson::SUCCESS &&
      convert(root, out)) {
    return out;
  }
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

std::string dump_json(const json& value) {
  std::string out;
  dump_value(value, out);
  return out;
}

}  // namespace fct::sim
