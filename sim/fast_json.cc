#include "sim/fast_json.h"

#include <charconv>
#include <cstdint>

namespace fct::sim {

namespace {

using json = nlohmann::json;

// Deeper documents go to nlohmann, which does not recurse.
constexpr int kMaxDepth = 64;

// A recursive-descent parser for the common subset of JSON. Any false return
// means "not handled here": the caller re-parses the whole text with nlohmann.
class FastParser {
 public:
  explicit FastParser(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool parse(json& out) {
    skip_ws();
    if (!value(out, 0)) return false;
    skip_ws();
    return p_ == end_;
  }

 private:
  void skip_ws() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  bool value(json& out, int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{': return object(out, depth);
      case '[': return array(out, depth);
      case '"': {
        std::string s;
        if (!string(s)) return false;
        out = std::move(s);
        return true;
      }
      case 't':
        if (!literal("true")) return false;
        out = true;
        return true;
      case 'f':
        if (!literal("false")) return false;
        out = false;
        return true;
      case 'n':
        if (!literal("null")) return false;
        out = nullptr;
        return true;
      default: return number(out);
    }
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

  bool object(json& out, int depth) {
    if (depth >= kMaxDepth) return false;
    ++p_;  // '{'
    out = json::object();
    auto& obj = out.get_ref<json::object_t&>();
    skip_ws();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      skip_ws();
      if (p_ == end_ || *p_ != '"') return false;
      std::string key;
      if (!string(key)) return false;
      skip_ws();
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      skip_ws();
      json v;
      if (!value(v, depth + 1)) return false;
      obj[std::move(key)] = std::move(v);  // a repeated key: the last value wins, as in nlohmann
      skip_ws();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ == '}') {
        ++p_;
        return true;
      }
      return false;
    }
  }

  bool array(json& out, int depth) {
    if (depth >= kMaxDepth) return false;
    ++p_;  // '['
    out = json::array();
    auto& arr = out.get_ref<json::array_t&>();
    skip_ws();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      skip_ws();
      arr.emplace_back();
      if (!value(arr.back(), depth + 1)) return false;
      skip_ws();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ == ']') {
        ++p_;
        return true;
      }
      return false;
    }
  }

  // ASCII text (0x20..0x7F) with the two-character escapes; \u escapes,
  // control characters and non-ASCII bytes are left to nlohmann.
  bool string(std::string& out) {
    ++p_;  // '"'
    for (;;) {
      const char* run = p_;
      while (p_ != end_) {
        const auto c = static_cast<unsigned char>(*p_);
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
        ++p_;
      }
      out.append(run, static_cast<size_t>(p_ - run));
      if (p_ == end_) return false;
      const char c = *p_;
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c != '\\' || p_ + 1 == end_) return false;
      switch (p_[1]) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        default: return false;
      }
      p_ += 2;
    }
  }

  // Integers of up to 18 digits: non-negative ones are unsigned and negative
  // ones signed, as nlohmann stores them. Fractions and exponents are left
  // to nlohmann.
  bool number(json& out) {
    bool negative = false;
    if (*p_ == '-') {
      negative = true;
      ++p_;
    }
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    if (*p_ == '0' && p_ + 1 != end_ && p_[1] >= '0' && p_[1] <= '9') return false;  // leading zero
    uint64_t v = 0;
    int digits = 0;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
      if (++digits > 18) return false;
      v = v * 10 + static_cast<uint64_t>(*p_ - '0');
      ++p_;
    }
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    if (negative) {
      out = -static_cast<int64_t>(v);
    } else {
      out = v;
    }
    return true;
  }

  const char* p_;
  const char* end_;
};

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
  json out;
  if (FastParser(text).parse(out)) return out;
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

std::string dump_json(const json& value) {
  std::string out;
  dump_value(value, out);
  return out;
}

}  // namespace fct::sim
