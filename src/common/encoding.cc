#include "common/encoding.h"

#include <openssl/evp.h>

namespace fct {

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string form_encode(std::string_view value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size() * 3);
  for (unsigned char c : value) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string predicate_string(std::string_view value) {
  std::string out;
  append_predicate_string(out, value);
  return out;
}

void append_predicate_string(std::string& out, std::string_view value) {
  out.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '"' && value[i] != '\\') continue;
    out.append(value.data() + run, i - run);
    out.push_back('\\');
    run = i;  // the quote or backslash itself goes with the next run
  }
  out.append(value.data() + run, value.size() - run);
  out.push_back('"');
}

void append_json_string(std::string& out, std::string_view value) {
  out.push_back('"');
  append_json_escaped(out, value);
  out.push_back('"');
}

void append_predicate_string_json(std::string& out, std::string_view value) {
  bool plain = true;
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  }
  if (plain) {  // the usual SKU: nothing inside needs escaping
    out += "\\\"";
    out += value;
    out += "\\\"";
    return;
  }
  append_json_escaped(out, predicate_string(value));
}

void append_json_escaped(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(value.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(value.data() + run, value.size() - run);
}

}  // namespace fct
