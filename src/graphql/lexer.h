// Private: the GraphQL lexer shared by the document parser and the SDL parser.
#pragma once

#include <string>
#include <string_view>

#include "graphql/graphql.h"

namespace fct::graphql::internal {

enum class Tok {
  kEof,
  kBang,
  kDollar,
  kAmp,
  kParenL,
  kParenR,
  kSpread,
  kColon,
  kEquals,
  kAt,
  kBracketL,
  kBracketR,
  kBraceL,
  kPipe,
  kBraceR,
  kName,
  kInt,
  kFloat,
  kString,
  kBlockString,
};

struct Token {
  Tok kind = Tok::kEof;
  std::string_view raw;  // the token's source text (names and numbers)
  std::string value;     // decoded contents of String / BlockString
  Location loc;
};

// Thrown inside the library only; parse() entry points catch it.
struct SyntaxError {
  Error error;
};

// "Syntax Error: <message> (line L, column C)"
Error syntax_error(Location loc, const std::string& message);

// graphql-js style token descriptions: `Name "foo"`, `"{"`, `<EOF>`.
std::string describe_kind(Tok kind);
std::string describe(const Token& token);

class Lexer {
 public:
  explicit Lexer(std::string_view source);
  // Reads the next significant token into `out`; throws SyntaxError.
  void next(Token& out);

 private:
  Location location_at(size_t pos);
  [[noreturn]] void fail(size_t pos, const std::string& message);
  void read_number(Token& out, size_t start);
  void read_string(Token& out, size_t start);
  void read_block_string(Token& out, size_t start);
  void newline_at(size_t pos_after);  // pos_after: offset just after the line terminator
  void append_validated_utf8(std::string& out, size_t& pos);

  std::string_view src_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  // Incremental column computation (columns count code points, not bytes).
  int col_line_ = 1;
  size_t col_pos_ = 0;
  int col_ = 1;
};

// Escapes `s` as a GraphQL string literal, including the quotes.
void append_quoted(std::string& out, std::string_view s);

}  // namespace fct::graphql::internal
