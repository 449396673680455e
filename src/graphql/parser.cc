// parse(): the executable-document parser, plus small AST helpers.
#include <set>

#include "graphql/graphql.h"
#include "graphql/parser.h"

namespace fct::graphql {

std::string TypeRef::to_string() const {
  std::string out;
  if (of) {
    out = "[" + of->to_string() + "]";
  } else {
    out = name;
  }
  if (non_null) out += '!';
  return out;
}

Result<const Operation*> Document::operation(std::string_view name) const {
  if (name.empty()) {
    if (operations.empty()) return make_error(ErrorCode::kInvalidArgument, "Must provide an operation.");
    if (operations.size() > 1) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Must provide operation name if query contains multiple operations.");
    }
    return &operations.front();
  }
  for (const Operation& op : operations) {
    if (op.name == name) return &op;
  }
  return make_error(ErrorCode::kInvalidArgument, "Unknown operation named \"" + std::string(name) + "\".");
}

namespace internal {

Location ParserBase::expect(Tok kind) {
  if (tok_.kind != kind) {
    fail(tok_.loc, "Expected " + describe_kind(kind) + ", found " + describe(tok_) + ".");
  }
  Location loc = tok_.loc;
  advance();
  return loc;
}

void ParserBase::expect_keyword(std::string_view word) {
  if (!peek_keyword(word)) {
    fail(tok_.loc, "Expected \"" + std::string(word) + "\", found " + describe(tok_) + ".");
  }
  advance();
}

std::string ParserBase::expect_name(Location* loc) {
  if (tok_.kind != Tok::kName) {
    fail(tok_.loc, "Expected Name, found " + describe(tok_) + ".");
  }
  if (loc) *loc = tok_.loc;
  std::string name(tok_.raw);
  advance();
  return name;
}

void ParserBase::unexpected() const { fail(tok_.loc, "Unexpected " + describe(tok_) + "."); }

void ParserBase::fail(Location loc, const std::string& message) const {
  throw SyntaxError{syntax_error(loc, message)};
}

void ParserBase::enter(Location loc) {
  if (++depth_ > kMaxDepth) {
    fail(loc, "Document nesting depth exceeds the maximum of " + std::to_string(kMaxDepth) + ".");
  }
}

Value ParserBase::parse_value(bool is_const) {
  Value v;
  v.loc = tok_.loc;
  switch (tok_.kind) {
    case Tok::kBracketL: {
      enter(v.loc);
      advance();
      v.kind = Value::Kind::kList;
      while (!skip(Tok::kBracketR)) {
        if (peek(Tok::kEof)) unexpected();
        v.list.push_back(parse_value(is_const));
      }
      leave();
      return v;
    }
    case Tok::kBraceL: {
      enter(v.loc);
      advance();
      v.kind = Value::Kind::kObject;
      while (!skip(Tok::kBraceR)) {
        std::string name = expect_name();
        expect(Tok::kColon);
        v.fields.emplace_back(std::move(name), parse_value(is_const));
      }
      leave();
      return v;
    }
    case Tok::kInt:
      v.kind = Value::Kind::kInt;
      v.text = std::string(tok_.raw);
      advance();
      return v;
    case Tok::kFloat:
      v.kind = Value::Kind::kFloat;
      v.text = std::string(tok_.raw);
      advance();
      return v;
    case Tok::kString:
    case Tok::kBlockString:
      v.kind = Value::Kind::kString;
      v.text = std::move(tok_.value);
      advance();
      return v;
    case Tok::kName:
      if (tok_.raw == "true" || tok_.raw == "false") {
        v.kind = Value::Kind::kBoolean;
        v.boolean = tok_.raw == "true";
      } else if (tok_.raw == "null") {
        v.kind = Value::Kind::kNull;
      } else {
        v.kind = Value::Kind::kEnum;
        v.text = std::string(tok_.raw);
      }
      advance();
      return v;
    case Tok::kDollar:
      if (!is_const) {
        advance();
        v.kind = Value::Kind::kVariable;
        v.text = expect_name();
        return v;
      }
      advance();
      if (peek(Tok::kName)) fail(v.loc, "Unexpected variable \"$" + std::string(tok_.raw) + "\" in constant value.");
      unexpected();
    default:
      unexpected();
  }
}

TypeRef ParserBase::parse_type() {
  TypeRef t;
  Location start = tok_.loc;
  if (skip(Tok::kBracketL)) {
    enter(start);
    t.of = std::make_shared<TypeRef>(parse_type());
    expect(Tok::kBracketR);
    leave();
  } else {
    t.name = expect_name();
  }
  if (skip(Tok::kBang)) t.non_null = true;
  return t;
}

std::vector<Argument> ParserBase::parse_arguments(bool is_const) {
  std::vector<Argument> args;
  if (!skip(Tok::kParenL)) return args;
  do {
    Argument a;
    a.name = expect_name(&a.loc);
    expect(Tok::kColon);
    a.value = parse_value(is_const);
    args.push_back(std::move(a));
  } while (!skip(Tok::kParenR));
  return args;
}

std::vector<Directive> ParserBase::parse_directives(bool is_const) {
  std::vector<Directive> out;
  while (peek(Tok::kAt)) {
    Directive d;
    d.loc = tok_.loc;
    advance();
    d.name = expect_name();
    d.arguments = parse_arguments(is_const);
    out.push_back(std::move(d));
  }
  return out;
}

namespace {

class DocumentParser : public ParserBase {
 public:
  using ParserBase::ParserBase;

  Document parse_document() {
    Document doc;
    do {
      parse_definition(doc);
    } while (!peek(Tok::kEof));
    return doc;
  }

 private:
  [[noreturn]] void fail_plain(Location loc, const std::string& message) const {
    throw SyntaxError{make_error(ErrorCode::kInvalidArgument, message + " (line " + std::to_string(loc.line) +
                                                                  ", column " + std::to_string(loc.column) + ")")};
  }

  // Executable directives: only @skip and @include, on fields and fragments.
  std::vector<Directive> directives(const char* location_name) {
    std::vector<Directive> ds = parse_directives(false);
    std::set<std::string> seen;
    for (const Directive& d : ds) {
      if (d.name != "skip" && d.name != "include") fail_plain(d.loc, "Unknown directive \"@" + d.name + "\".");
      if (location_name) {
        fail_plain(d.loc, "Directive \"@" + d.name + "\" may not be used on " + location_name + ".");
      }
      if (!seen.insert(d.name).second) {
        fail_plain(d.loc, "The directive \"@" + d.name + "\" can only be used once at this location.");
      }
    }
    return ds;
  }

  void parse_definition(Document& doc) {
    if (peek(Tok::kBraceL)) {
      Operation op;
      op.loc = tok_.loc;
      op.selection_set = parse_selection_set();
      doc.operations.push_back(std::move(op));
      return;
    }
    if (peek(Tok::kName)) {
      if (tok_.raw == "query" || tok_.raw == "mutation") {
        doc.operations.push_back(parse_operation());
        return;
      }
      if (tok_.raw == "subscription") {
        fail_plain(tok_.loc, "Subscriptions are not supported.");
      }
      if (tok_.raw == "fragment") {
        doc.fragments.push_back(parse_fragment_definition());
        return;
      }
    }
    unexpected();
  }

  Operation parse_operation() {
    Operation op;
    op.loc = tok_.loc;
    op.type = tok_.raw == "mutation" ? OperationType::kMutation : OperationType::kQuery;
    advance();
    if (peek(Tok::kName)) op.name = expect_name();
    if (skip(Tok::kParenL)) {
      do {
        VariableDefinition var;
        var.loc = expect(Tok::kDollar);
        var.name = expect_name();
        expect(Tok::kColon);
        var.type = parse_type();
        if (skip(Tok::kEquals)) var.default_value = parse_value(true);
        directives("VARIABLE_DEFINITION");
        op.variables.push_back(std::move(var));
      } while (!skip(Tok::kParenR));
    }
    directives(op.type == OperationType::kMutation ? "MUTATION" : "QUERY");
    op.selection_set = parse_selection_set();
    return op;
  }

  FragmentDefinition parse_fragment_definition() {
    FragmentDefinition frag;
    frag.loc = tok_.loc;
    advance();  // "fragment"
    if (peek_keyword("on")) unexpected();
    frag.name = expect_name();
    expect_keyword("on");
    frag.type_condition = expect_name();
    directives("FRAGMENT_DEFINITION");
    frag.selection_set = parse_selection_set();
    return frag;
  }

  std::vector<Selection> parse_selection_set() {
    Location loc = tok_.loc;
    expect(Tok::kBraceL);
    enter(loc);
    std::vector<Selection> set;
    do {
      set.push_back(parse_selection());
    } while (!skip(Tok::kBraceR));
    leave();
    return set;
  }

  Selection parse_selection() {
    Selection sel;
    if (peek(Tok::kSpread)) {
      Location loc = tok_.loc;
      advance();
      if (peek(Tok::kName) && tok_.raw != "on") {
        FragmentSpread spread;
        spread.loc = loc;
        spread.name = expect_name();
        spread.directives = directives(nullptr);
        sel.spread = std::move(spread);
        return sel;
      }
      InlineFragment frag;
      frag.loc = loc;
      if (peek_keyword("on")) {
        advance();
        frag.type_condition = expect_name();
      }
      frag.directives = directives(nullptr);
      frag.selection_set = parse_selection_set();
      sel.inline_fragment = std::move(frag);
      return sel;
    }
    Field field;
    field.loc = tok_.loc;
    std::string name = expect_name();
    if (skip(Tok::kColon)) {
      field.alias = std::move(name);
      field.name = expect_name();
    } else {
      field.name = std::move(name);
    }
    field.arguments = parse_arguments(false);
    field.directives = directives(nullptr);
    if (peek(Tok::kBraceL)) field.selection_set = parse_selection_set();
    sel.field = std::move(field);
    return sel;
  }
};

}  // namespace
}  // namespace internal

Result<Document> parse(std::string_view source) {
  try {
    internal::DocumentParser parser(source);
    return parser.parse_document();
  } catch (internal::SyntaxError& e) {
    return std::move(e.error);
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kInternal, "Out of memory while parsing the document");
  }
}

}  // namespace fct::graphql
