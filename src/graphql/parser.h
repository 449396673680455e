// Private: recursive-descent parser pieces shared by parse() and Schema::parse().
#pragma once

#include <string>
#include <string_view>

#include "graphql/graphql.h"
#include "graphql/lexer.h"

namespace fct::graphql::internal {

// Maximum nesting of selection sets, list/object values and list types.
inline constexpr int kMaxDepth = 64;

class ParserBase {
 public:
  explicit ParserBase(std::string_view source) : lexer_(source) { advance(); }

 protected:
  // Token helpers; all failures throw SyntaxError.
  void advance() { lexer_.next(tok_); }
  bool peek(Tok kind) const { return tok_.kind == kind; }
  bool peek_keyword(std::string_view word) const { return tok_.kind == Tok::kName && tok_.raw == word; }
  bool skip(Tok kind) {
    if (tok_.kind != kind) return false;
    advance();
    return true;
  }
  Location expect(Tok kind);  // returns the location of the consumed token
  void expect_keyword(std::string_view word);
  std::string expect_name(Location* loc = nullptr);
  [[noreturn]] void unexpected() const;
  [[noreturn]] void fail(Location loc, const std::string& message) const;

  void enter(Location loc);  // depth guard
  void leave() { --depth_; }

  Value parse_value(bool is_const);
  TypeRef parse_type();
  // Parses "@name(args)" repeatedly; the arguments are constant when is_const.
  std::vector<Directive> parse_directives(bool is_const);
  std::vector<Argument> parse_arguments(bool is_const);

  Lexer lexer_;
  Token tok_;
  int depth_ = 0;
};

}  // namespace fct::graphql::internal
