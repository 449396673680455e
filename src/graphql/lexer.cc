#include "graphql/lexer.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace fct::graphql::internal {

Error syntax_error(Location loc, const std::string& message) {
  return make_error(ErrorCode::kInvalidArgument, "Syntax Error: " + message + " (line " +
                                                     std::to_string(loc.line) + ", column " +
                                                     std::to_string(loc.column) + ")");
}

std::string describe_kind(Tok kind) {
  switch (kind) {
    case Tok::kEof: return "<EOF>";
    case Tok::kBang: return "\"!\"";
    case Tok::kDollar: return "\"$\"";
    case Tok::kAmp: return "\"&\"";
    case Tok::kParenL: return "\"(\"";
    case Tok::kParenR: return "\")\"";
    case Tok::kSpread: return "\"...\"";
    case Tok::kColon: return "\":\"";
    case Tok::kEquals: return "\"=\"";
    case Tok::kAt: return "\"@\"";
    case Tok::kBracketL: return "\"[\"";
    case Tok::kBracketR: return "\"]\"";
    case Tok::kBraceL: return "\"{\"";
    case Tok::kPipe: return "\"|\"";
    case Tok::kBraceR: return "\"}\"";
    case Tok::kName: return "Name";
    case Tok::kInt: return "Int";
    case Tok::kFloat: return "Float";
    case Tok::kString: return "String";
    case Tok::kBlockString: return "BlockString";
  }
  return "<unknown>";
}

std::string describe(const Token& token) {
  std::string out = describe_kind(token.kind);
  switch (token.kind) {
    case Tok::kName:
    case Tok::kInt:
    case Tok::kFloat:
      out += " \"";
      out += token.raw;
      out += '"';
      break;
    case Tok::kString:
    case Tok::kBlockString:
      out += ' ';
      append_quoted(out, token.value);
      break;
    default:
      break;
  }
  return out;
}

void append_quoted(std::string& out, std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

namespace {

bool is_name_start(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_name_continue(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Describes the character at `pos` the way graphql-js does: "x" or U+0001.
std::string describe_char(std::string_view src, size_t pos) {
  if (pos >= src.size()) return "<EOF>";
  unsigned char c = static_cast<unsigned char>(src[pos]);
  if (c >= 0x20 && c < 0x7f) {
    std::string out = "\"";
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else out += static_cast<char>(c);
    return out + "\"";
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

}  // namespace

Lexer::Lexer(std::string_view source) : src_(source) {
  // Skip a UTF-8 byte order mark.
  if (src_.size() >= 3 && static_cast<unsigned char>(src_[0]) == 0xEF &&
      static_cast<unsigned char>(src_[1]) == 0xBB && static_cast<unsigned char>(src_[2]) == 0xBF) {
    pos_ = 3;
    line_start_ = 3;
    col_pos_ = 3;
  }
}

Location Lexer::location_at(size_t pos) {
  if (col_line_ != line_ || col_pos_ > pos || col_pos_ < line_start_) {
    col_line_ = line_;
    col_pos_ = line_start_;
    col_ = 1;
  }
  for (; col_pos_ < pos && col_pos_ < src_.size(); ++col_pos_) {
    if ((static_cast<unsigned char>(src_[col_pos_]) & 0xC0) != 0x80) ++col_;
  }
  return Location{line_, col_};
}

void Lexer::fail(size_t pos, const std::string& message) {
  throw SyntaxError{syntax_error(location_at(pos), message)};
}

void Lexer::newline_at(size_t pos_after) {
  ++line_;
  line_start_ = pos_after;
}

void Lexer::next(Token& out) {
  out.value.clear();
  const size_t n = src_.size();
  // Skip ignored tokens.
  while (pos_ < n) {
    char c = src_[pos_];
    if (c == ' ' || c == '\t' || c == ',') {
      ++pos_;
    } else if (c == '\n') {
      ++pos_;
      newline_at(pos_);
    } else if (c == '\r') {
      ++pos_;
      if (pos_ < n && src_[pos_] == '\n') ++pos_;
      newline_at(pos_);
    } else if (c == '#') {
      while (pos_ < n && src_[pos_] != '\n' && src_[pos_] != '\r') ++pos_;
    } else if (static_cast<unsigned char>(c) == 0xEF && pos_ + 2 < n &&
               static_cast<unsigned char>(src_[pos_ + 1]) == 0xBB &&
               static_cast<unsigned char>(src_[pos_ + 2]) == 0xBF) {
      pos_ += 3;  // BOM is an ignored token anywhere
    } else {
      break;
    }
  }
  const size_t start = pos_;
  out.loc = location_at(start);
  if (pos_ >= n) {
    out.kind = Tok::kEof;
    out.raw = {};
    return;
  }
  char c = src_[pos_];
  auto punct = [&](Tok kind, size_t len) {
    out.kind = kind;
    out.raw = src_.substr(start, len);
    pos_ += len;
  };
  switch (c) {
    case '!': return punct(Tok::kBang, 1);
    case '$': return punct(Tok::kDollar, 1);
    case '&': return punct(Tok::kAmp, 1);
    case '(': return punct(Tok::kParenL, 1);
    case ')': return punct(Tok::kParenR, 1);
    case ':': return punct(Tok::kColon, 1);
    case '=': return punct(Tok::kEquals, 1);
    case '@': return punct(Tok::kAt, 1);
    case '[': return punct(Tok::kBracketL, 1);
    case ']': return punct(Tok::kBracketR, 1);
    case '{': return punct(Tok::kBraceL, 1);
    case '|': return punct(Tok::kPipe, 1);
    case '}': return punct(Tok::kBraceR, 1);
    case '.':
      if (pos_ + 2 < n && src_[pos_ + 1] == '.' && src_[pos_ + 2] == '.') return punct(Tok::kSpread, 3);
      fail(start, "Unexpected character: \".\".");
    case '"':
      if (pos_ + 2 < n && src_[pos_ + 1] == '"' && src_[pos_ + 2] == '"') {
        read_block_string(out, start);
      } else {
        read_string(out, start);
      }
      return;
    default:
      break;
  }
  if (is_name_start(c)) {
    while (pos_ < n && is_name_continue(src_[pos_])) ++pos_;
    out.kind = Tok::kName;
    out.raw = src_.substr(start, pos_ - start);
    return;
  }
  if (c == '-' || is_digit(c)) {
    read_number(out, start);
    return;
  }
  if (c == '\'') fail(start, "Unexpected single quote character ('), did you mean to use a double quote (\")?");
  fail(start, "Unexpected character: " + describe_char(src_, start) + ".");
}

void Lexer::read_number(Token& out, size_t start) {
  const size_t n = src_.size();
  bool is_float = false;
  auto read_digits = [&]() {
    if (pos_ >= n || !is_digit(src_[pos_])) {
      fail(pos_, "Invalid number, expected digit but got: " + describe_char(src_, pos_) + ".");
    }
    while (pos_ < n && is_digit(src_[pos_])) ++pos_;
  };
  if (src_[pos_] == '-') ++pos_;
  if (pos_ < n && src_[pos_] == '0') {
    ++pos_;
    if (pos_ < n && is_digit(src_[pos_])) {
      fail(pos_, "Invalid number, unexpected digit after 0: " + describe_char(src_, pos_) + ".");
    }
  } else {
    read_digits();
  }
  if (pos_ < n && src_[pos_] == '.') {
    is_float = true;
    ++pos_;
    read_digits();
  }
  if (pos_ < n && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
    is_float = true;
    ++pos_;
    if (pos_ < n && (src_[pos_] == '+' || src_[pos_] == '-')) ++pos_;
    read_digits();
  }
  if (pos_ < n && (src_[pos_] == '.' || is_name_start(src_[pos_]))) {
    fail(pos_, "Invalid number, expected digit but got: " + describe_char(src_, pos_) + ".");
  }
  out.kind = is_float ? Tok::kFloat : Tok::kInt;
  out.raw = src_.substr(start, pos_ - start);
}

// Copies one UTF-8 encoded code point starting at pos (a byte >= 0x80) after
// validating it; advances pos.
void Lexer::append_validated_utf8(std::string& out, size_t& pos) {
  const size_t n = src_.size();
  unsigned char c = static_cast<unsigned char>(src_[pos]);
  int len = 0;
  uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else {
    fail(pos, "Invalid UTF-8 sequence within String.");
  }
  if (pos + len > n) fail(pos, "Invalid UTF-8 sequence within String.");
  for (int i = 1; i < len; ++i) {
    unsigned char cc = static_cast<unsigned char>(src_[pos + i]);
    if ((cc & 0xC0) != 0x80) fail(pos, "Invalid UTF-8 sequence within String.");
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    fail(pos, "Invalid UTF-8 sequence within String.");
  }
  out.append(src_.data() + pos, len);
  pos += len;
}

void Lexer::read_string(Token& out, size_t start) {
  const size_t n = src_.size();
  pos_ = start + 1;
  std::string& value = out.value;
  while (pos_ < n) {
    unsigned char c = static_cast<unsigned char>(src_[pos_]);
    if (c == '"') {
      ++pos_;
      out.kind = Tok::kString;
      out.raw = src_.substr(start, pos_ - start);
      return;
    }
    if (c == '\n' || c == '\r') break;
    if (c == '\\') {
      size_t esc = pos_;
      if (pos_ + 1 >= n) break;
      char e = src_[pos_ + 1];
      pos_ += 2;
      switch (e) {
        case '"': value += '"'; break;
        case '\\': value += '\\'; break;
        case '/': value += '/'; break;
        case 'b': value += '\b'; break;
        case 'f': value += '\f'; break;
        case 'n': value += '\n'; break;
        case 'r': value += '\r'; break;
        case 't': value += '\t'; break;
        case 'u': {
          auto read_hex4 = [&](size_t at, uint32_t& cp) -> bool {
            if (at + 4 > n) return false;
            cp = 0;
            for (size_t i = 0; i < 4; ++i) {
              int h = hex_value(src_[at + i]);
              if (h < 0) return false;
              cp = cp * 16 + static_cast<uint32_t>(h);
            }
            return true;
          };
          auto bad = [&](size_t end) {
            std::string seq;  // printable ASCII only: the message ends up in JSON
            for (size_t i = esc; i < std::min(end, n); ++i) {
              unsigned char ch = static_cast<unsigned char>(src_[i]);
              if (ch < 0x20 || ch >= 0x7f || ch == '"') break;
              seq += static_cast<char>(ch);
            }
            fail(esc, "Invalid Unicode escape sequence: \"" + seq + "\".");
          };
          uint32_t cp = 0;
          if (pos_ < n && src_[pos_] == '{') {
            // \u{XXXXXX}
            size_t p = pos_ + 1;
            int digits = 0;
            while (p < n && src_[p] != '}' && digits <= 6) {
              int h = hex_value(src_[p]);
              if (h < 0) bad(p + 1);
              cp = cp * 16 + static_cast<uint32_t>(h);
              ++p;
              ++digits;
            }
            if (p >= n || src_[p] != '}' || digits == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
              bad(p + 1);
            }
            pos_ = p + 1;
          } else {
            if (!read_hex4(pos_, cp)) bad(pos_ + 4);
            pos_ += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              uint32_t lo = 0;
              if (pos_ + 1 < n && src_[pos_] == '\\' && src_[pos_ + 1] == 'u' && read_hex4(pos_ + 2, lo) &&
                  lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                pos_ += 6;
              } else {
                bad(pos_);
              }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
              bad(pos_);
            }
          }
          append_utf8(value, cp);
          break;
        }
        default: {
          std::string seq = "\\";
          unsigned char ue = static_cast<unsigned char>(e);
          if (ue >= 0x20 && ue < 0x7f) seq += e;
          fail(esc, "Invalid character escape sequence: \"" + (ue == '"' ? std::string("\\\"") : seq) + "\".");
        }
      }
      continue;
    }
    if (c < 0x20 && c != '\t') {
      fail(pos_, "Invalid character within String: " + describe_char(src_, pos_) + ".");
    }
    if (c >= 0x80) {
      append_validated_utf8(value, pos_);
      continue;
    }
    value += static_cast<char>(c);
    ++pos_;
  }
  fail(pos_, "Unterminated string.");
}

void Lexer::read_block_string(Token& out, size_t start) {
  const size_t n = src_.size();
  pos_ = start + 3;
  std::string raw;
  bool closed = false;
  while (pos_ < n) {
    unsigned char c = static_cast<unsigned char>(src_[pos_]);
    if (c == '"' && pos_ + 2 < n && src_[pos_ + 1] == '"' && src_[pos_ + 2] == '"') {
      pos_ += 3;
      closed = true;
      break;
    }
    if (c == '\\' && pos_ + 3 < n && src_[pos_ + 1] == '"' && src_[pos_ + 2] == '"' && src_[pos_ + 3] == '"') {
      raw += "\"\"\"";
      pos_ += 4;
      continue;
    }
    if (c == '\n') {
      raw += '\n';
      ++pos_;
      newline_at(pos_);
      continue;
    }
    if (c == '\r') {
      raw += '\n';
      ++pos_;
      if (pos_ < n && src_[pos_] == '\n') ++pos_;
      newline_at(pos_);
      continue;
    }
    if (c < 0x20 && c != '\t') {
      fail(pos_, "Invalid character within String: " + describe_char(src_, pos_) + ".");
    }
    if (c >= 0x80) {
      append_validated_utf8(raw, pos_);
      continue;
    }
    raw += static_cast<char>(c);
    ++pos_;
  }
  if (!closed) fail(pos_, "Unterminated string.");

  // BlockStringValue (spec 2.9.4): strip common indentation and blank edge lines.
  std::vector<std::string_view> lines;
  std::string_view rv(raw);
  size_t b = 0;
  while (true) {
    size_t e = rv.find('\n', b);
    if (e == std::string_view::npos) {
      lines.push_back(rv.substr(b));
      break;
    }
    lines.push_back(rv.substr(b, e - b));
    b = e + 1;
  }
  auto leading_ws = [](std::string_view l) {
    size_t i = 0;
    while (i < l.size() && (l[i] == ' ' || l[i] == '\t')) ++i;
    return i;
  };
  size_t common = std::string_view::npos;
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t ws = leading_ws(lines[i]);
    if (ws < lines[i].size() && ws < common) common = ws;
  }
  if (common != std::string_view::npos) {
    for (size_t i = 1; i < lines.size(); ++i) {
      lines[i].remove_prefix(std::min(common, lines[i].size()));
    }
  }
  size_t first = 0, last = lines.size();
  while (first < last && leading_ws(lines[first]) == lines[first].size()) ++first;
  while (last > first && leading_ws(lines[last - 1]) == lines[last - 1].size()) --last;
  std::string& value = out.value;
  for (size_t i = first; i < last; ++i) {
    if (i > first) value += '\n';
    value.append(lines[i]);
  }
  out.kind = Tok::kBlockString;
  out.raw = src_.substr(start, pos_ - start);
}

}  // namespace fct::graphql::internal
