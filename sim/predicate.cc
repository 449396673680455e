#include "sim/predicate.h"

#include <cctype>
#include <cstdlib>

#include "sim/util.h"

namespace fct::sim {

namespace {

// An in-list this long gets a hash set of its strings (Predicate::string_set).
constexpr size_t kMinValuesForSet = 8;

struct Token {
  enum class Kind { kEnd, kIdent, kString, kNumber, kOp, kLParen, kRParen, kComma };
  Kind kind = Kind::kEnd;
  std::string text;  // identifier, decoded string, number text or operator
  int column = 0;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Predicate> run() {
    if (!advance()) return error_;
    auto expr = parse_or("");
    if (!expr.ok()) return expr.error();
    if (tok_.kind != Token::Kind::kEnd) return fail("Expected 'and', 'or' or end of input but found " + describe(tok_));
    return std::move(expr).value();
  }

 private:
  Error fail(const std::string& what, int column = -1) {
    return make_error(ErrorCode::kInvalidArgument, "Syntax error while parsing 'where'. " + what + " (line 1, column " +
                                                       std::to_string(column < 0 ? tok_.column : column) + ")");
  }

  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Token::Kind::kEnd: return "end of input";
      case Token::Kind::kString: return "string \"" + t.text + "\"";
      case Token::Kind::kLParen: return "'('";
      case Token::Kind::kRParen: return "')'";
      case Token::Kind::kComma: return "','";
      default: return "'" + t.text + "'";
    }
  }

  bool is_keyword(const char* kw) const { return tok_.kind == Token::Kind::kIdent && lower(tok_.text) == kw; }

  // Reads the next token into tok_. Returns false (with error_ set) on a lexical error.
  bool advance() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    tok_ = Token{};
    tok_.column = static_cast<int>(pos_) + 1;
    if (pos_ >= text_.size()) return true;
    const char c = text_[pos_];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const size_t start = pos_;
      while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
        ++pos_;
      }
      tok_.kind = Token::Kind::kIdent;
      tok_.text = std::string(text_.substr(start, pos_ - start));
      return true;
    }
    if (c == '"') return lex_string();
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '-' && pos_ + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
      const size_t start = pos_++;
      while (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.')) {
        ++pos_;
      }
      tok_.kind = Token::Kind::kNumber;
      tok_.text = std::string(text_.substr(start, pos_ - start));
      char* end = nullptr;
      std::strtod(tok_.text.c_str(), &end);
      if (end != tok_.text.c_str() + tok_.text.size()) {
        error_ = fail("Invalid number '" + tok_.text + "'");
        return false;
      }
      return true;
    }
    if (c == '(' || c == ')' || c == ',') {
      ++pos_;
      tok_.kind = c == '(' ? Token::Kind::kLParen : c == ')' ? Token::Kind::kRParen : Token::Kind::kComma;
      tok_.text.assign(1, c);
      return true;
    }
    static const char* kOps[] = {"!=", "<>", "<=", ">=", "=", "<", ">"};
    for (const char* op : kOps) {
      const std::string_view sv(op);
      if (text_.substr(pos_, sv.size()) == sv) {
        pos_ += sv.size();
        tok_.kind = Token::Kind::kOp;
        tok_.text.assign(sv.data(), sv.size());
        return true;
      }
    }
    error_ = fail(std::string("Unexpected character '") + c + "'");
    return false;
  }

  bool lex_string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) {
        error_ = fail("Unterminated string");
        return false;
      }
      const char c = text_[pos_++];
      if (c == '"') break;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) {
        error_ = fail("Unterminated string");
        return false;
      }
      const char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          if (pos_ + 4 > text_.size()) {
            error_ = fail("Invalid unicode escape");
            return false;
          }
          unsigned cp = 0;
          for (int i = 0; i < 4; ++i) {
            const char h = text_[pos_++];
            cp <<= 4;
            if (h >= '0' && h <= '9') cp |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f') cp |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') cp |= static_cast<unsigned>(h - 'A' + 10);
            else {
              error_ = fail("Invalid unicode escape");
              return false;
            }
          }
          // UTF-8 encode (surrogate pairs are passed through as separate code points).
          if (cp < 0x80) {
            out += static_cast<char>(cp);
          } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
          } else {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
          }
          break;
        }
        default:
          error_ = fail(std::string("Invalid escape '\\") + e + "'");
          return false;
      }
    }
    tok_.kind = Token::Kind::kString;
    tok_.text = std::move(out);
    return true;
  }

#define FCT_ADVANCE()          \
  do {                         \
    if (!advance()) return error_; \
  } while (0)

  Result<Predicate> parse_or(const std::string& prefix) {
    auto first = parse_and(prefix);
    if (!first.ok()) return first;
    if (!is_keyword("or")) return first;
    Predicate node;
    node.op = Predicate::Op::kOr;
    node.column = first->column;
    node.children.push_back(std::move(first).value());
    while (is_keyword("or")) {
      FCT_ADVANCE();
      auto next = parse_and(prefix);
      if (!next.ok()) return next;
      node.children.push_back(std::move(next).value());
    }
    return node;
  }

  Result<Predicate> parse_and(const std::string& prefix) {
    auto first = parse_unary(prefix);
    if (!first.ok()) return first;
    if (!is_keyword("and")) return first;
    Predicate node;
    node.op = Predicate::Op::kAnd;
    node.column = first->column;
    node.children.push_back(std::move(first).value());
    while (is_keyword("and")) {
      FCT_ADVANCE();
      auto next = parse_unary(prefix);
      if (!next.ok()) return next;
      node.children.push_back(std::move(next).value());
    }
    return node;
  }

  Result<Predicate> parse_unary(const std::string& prefix) {
    const int column = tok_.column;
    if (is_keyword("not")) {
      FCT_ADVANCE();
      if (tok_.kind != Token::Kind::kLParen) return fail("Expected '(' after 'not' but found " + describe(tok_));
      FCT_ADVANCE();
      auto inner = parse_or(prefix);
      if (!inner.ok()) return inner;
      if (tok_.kind != Token::Kind::kRParen) return fail("Expected ')' but found " + describe(tok_));
      FCT_ADVANCE();
      Predicate node;
      node.op = Predicate::Op::kNot;
      node.column = column;
      node.children.push_back(std::move(inner).value());
      return node;
    }
    if (tok_.kind == Token::Kind::kLParen) {
      FCT_ADVANCE();
      auto inner = parse_or(prefix);
      if (!inner.ok()) return inner;
      if (tok_.kind != Token::Kind::kRParen) return fail("Expected ')' but found " + describe(tok_));
      FCT_ADVANCE();
      return inner;
    }
    if (tok_.kind != Token::Kind::kIdent) return fail("Expected a field name but found " + describe(tok_));
    return parse_field(prefix);
  }

  Result<PredicateValue> parse_value() {
    PredicateValue v;
    if (tok_.kind == Token::Kind::kString) {
      v = PredicateValue::string(tok_.text);
    } else if (tok_.kind == Token::Kind::kNumber) {
      v = PredicateValue::num(std::strtod(tok_.text.c_str(), nullptr));
    } else if (is_keyword("true") || is_keyword("false")) {
      v = PredicateValue::boolean_value(is_keyword("true"));
    } else {
      return fail("Expected a value but found " + describe(tok_));
    }
    FCT_ADVANCE();
    return v;
  }

  Result<Predicate> parse_field(const std::string& prefix) {
    Predicate node;
    node.column = tok_.column;
    node.path = prefix + tok_.text;
    FCT_ADVANCE();
    if (tok_.kind == Token::Kind::kLParen) {  // nested: field(expr)
      FCT_ADVANCE();
      auto inner = parse_or(node.path + ".");
      if (!inner.ok()) return inner;
      if (tok_.kind != Token::Kind::kRParen) return fail("Expected ')' but found " + describe(tok_));
      FCT_ADVANCE();
      return inner;
    }
    if (tok_.kind == Token::Kind::kOp) {
      const std::string op = tok_.text;
      if (op == "=") node.op = Predicate::Op::kEq;
      else if (op == "!=" || op == "<>") node.op = Predicate::Op::kNe;
      else if (op == "<") node.op = Predicate::Op::kLt;
      else if (op == "<=") node.op = Predicate::Op::kLe;
      else if (op == ">") node.op = Predicate::Op::kGt;
      else node.op = Predicate::Op::kGe;
      FCT_ADVANCE();
      auto value = parse_value();
      if (!value.ok()) return value.error();
      node.values.push_back(std::move(value).value());
      return node;
    }
    bool negated = false;
    if (is_keyword("not")) {
      negated = true;
      FCT_ADVANCE();
      if (!is_keyword("in")) return fail("Expected 'in' after 'not' but found " + describe(tok_));
    }
    if (is_keyword("in")) {
      node.op = negated ? Predicate::Op::kNotIn : Predicate::Op::kIn;
      FCT_ADVANCE();
      if (tok_.kind != Token::Kind::kLParen) return fail("Expected '(' after 'in' but found " + describe(tok_));
      FCT_ADVANCE();
      while (true) {
        auto value = parse_value();
        if (!value.ok()) return value.error();
        node.values.push_back(std::move(value).value());
        if (tok_.kind == Token::Kind::kComma) {
          FCT_ADVANCE();
          continue;
        }
        if (tok_.kind == Token::Kind::kRParen) break;
        return fail("Expected ',' or ')' but found " + describe(tok_));
      }
      FCT_ADVANCE();
      if (node.values.size() >= kMinValuesForSet) {
        auto set = std::make_shared<std::unordered_set<std::string>>();
        set->reserve(node.values.size());
        for (const auto& v : node.values) {
          if (v.kind == PredicateValue::Kind::kString) set->insert(v.text);
        }
        node.string_set = std::move(set);
      }
      return node;
    }
    if (is_keyword("is")) {
      FCT_ADVANCE();
      bool is_not = false;
      if (is_keyword("not")) {
        is_not = true;
        FCT_ADVANCE();
      }
      if (!is_keyword("defined")) return fail("Expected 'defined' but found " + describe(tok_));
      FCT_ADVANCE();
      node.op = is_not ? Predicate::Op::kNotDefined : Predicate::Op::kDefined;
      return node;
    }
    if (is_keyword("contains") || is_keyword("within")) {
      return fail("The operator '" + lower(tok_.text) + "' is not supported by the simulator");
    }
    return fail("Expected an operator (=, !=, <, <=, >, >=, in, not in, is defined) but found " + describe(tok_));
  }
#undef FCT_ADVANCE

  std::string_view text_;
  size_t pos_ = 0;
  Token tok_;
  Error error_;
};

// Date-times compare by instant (see compare()); other strings by text.
bool date_shaped(const std::string& text) { return text.size() >= 10 && text[4] == '-'; }

int compare(const PredicateValue& a, const PredicateValue& b, bool& comparable) {
  comparable = a.kind == b.kind;
  if (!comparable) return 0;
  switch (a.kind) {
    case PredicateValue::Kind::kNumber: return a.number < b.number ? -1 : (a.number > b.number ? 1 : 0);
    case PredicateValue::Kind::kBoolean: return static_cast<int>(a.boolean) - static_cast<int>(b.boolean);
    case PredicateValue::Kind::kString: {
      // Date-times compare by instant, whatever their textual form.
      if (date_shaped(a.text) && date_shaped(b.text)) {
        const auto ta = parse_iso8601(a.text), tb = parse_iso8601(b.text);
        if (ta && tb) return *ta < *tb ? -1 : (*ta > *tb ? 1 : 0);
      }
      const int c = a.text.compare(b.text);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
  }
  return 0;
}

}  // namespace

Result<Predicate> parse_predicate(std::string_view text) { return Parser(text).run(); }

bool evaluate(const Predicate& p, const FieldLookup& lookup) {
  using Op = Predicate::Op;
  switch (p.op) {
    case Op::kAnd:
      for (const auto& c : p.children) {
        if (!evaluate(c, lookup)) return false;
      }
      return true;
    case Op::kOr:
      for (const auto& c : p.children) {
        if (evaluate(c, lookup)) return true;
      }
      return false;
    case Op::kNot: return !evaluate(p.children.front(), lookup);
    case Op::kDefined: return lookup(p.path).has_value();
    case Op::kNotDefined: return !lookup(p.path).has_value();
    default: break;
  }
  const auto value = lookup(p.path);
  if (!value) return p.op == Op::kNe || p.op == Op::kNotIn;
  bool comparable = false;
  if (p.op == Op::kIn || p.op == Op::kNotIn) {
    if (p.string_set && value->kind == PredicateValue::Kind::kString && !date_shaped(value->text)) {
      // compare() is 0 exactly for string values with the same text here.
      const bool found = p.string_set->count(value->text) > 0;
      return p.op == Op::kIn ? found : !found;
    }
    bool found = false;
    for (const auto& v : p.values) {
      if (compare(*value, v, comparable) == 0 && comparable) {
        found = true;
        break;
      }
    }
    return p.op == Op::kIn ? found : !found;
  }
  const int c = compare(*value, p.values.front(), comparable);
  if (!comparable) return p.op == Op::kNe;
  switch (p.op) {
    case Op::kEq: return c == 0;
    case Op::kNe: return c != 0;
    case Op::kLt: return c < 0;
    case Op::kLe: return c <= 0;
    case Op::kGt: return c > 0;
    case Op::kGe: return c >= 0;
    default: return false;
  }
}

}  // namespace fct::sim
