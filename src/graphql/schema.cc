// Schema::parse(): the SDL subset the simulators need.
#include <memory>

#include "graphql/coerce.h"
#include "graphql/parser.h"
#include "graphql/schema_impl.h"

namespace fct::graphql {
namespace internal {
namespace {

// A type name mentioned somewhere, checked once every definition is known.
struct TypeMention {
  std::string name;
  Location loc;
  bool input;  // needs an input type (argument, input field) or an output type
};

class SdlParser : public ParserBase {
 public:
  SdlParser(std::string_view source, Schema::Impl& impl) : ParserBase(source), impl_(impl) {}

  void parse_document() {
    while (!peek(Tok::kEof)) parse_definition();
  }

  // Resolves references, fills possible types and root types, coerces defaults.
  void finish() {
    for (const TypeMention& m : mentions_) {
      const TypeDef* t = impl_.type(m.name);
      if (!t) fail_plain(m.loc, "Unknown type \"" + m.name + "\".");
      if (m.input && !t->is_input()) {
        fail_plain(m.loc, "The type of an argument or input field must be an input type, but \"" + m.name +
                              "\" is not.");
      }
      if (!m.input && !t->is_output()) {
        fail_plain(m.loc, "The type of a field must be an output type, but \"" + m.name + "\" is not.");
      }
    }
    for (auto& [name, type] : impl_.types) {
      for (FieldDef& f : type.fields) f.named = impl_.type(named_type(f.type));
      for (const std::string& iface : type.interfaces) {
        auto it = impl_.types.find(iface);
        if (it == impl_.types.end()) fail_plain(type.loc, "Unknown type \"" + iface + "\".");
        if (it->second.kind != TypeKind::kInterface) {
          fail_plain(type.loc, "Type \"" + name + "\" must only implement Interface types, it cannot implement " +
                                   iface + ".");
        }
        if (type.kind == TypeKind::kObject) it->second.possible_types.insert(name);
      }
      for (const std::string& member : type.members) {
        const TypeDef* m = impl_.type(member);
        if (!m) fail_plain(type.loc, "Unknown type \"" + member + "\".");
        if (m->kind != TypeKind::kObject) {
          fail_plain(type.loc, "Union type \"" + name + "\" can only include Object types, it cannot include " +
                                   member + ".");
        }
        type.possible_types.insert(member);
      }
    }
    // Interfaces implemented by interfaces: objects of the inner one belong to the outer one.
    for (bool changed = true; changed;) {
      changed = false;
      for (auto& [name, type] : impl_.types) {
        if (type.kind != TypeKind::kInterface) continue;
        for (const std::string& iface : type.interfaces) {
          TypeDef& outer = impl_.types.find(iface)->second;
          for (const std::string& obj : type.possible_types) {
            if (outer.possible_types.insert(obj).second) changed = true;
          }
        }
      }
    }
    if (impl_.query_type.empty()) impl_.query_type = "Query";
    const TypeDef* q = impl_.type(impl_.query_type);
    if (!q) fail_plain(Location{1, 1}, "Query root type \"" + impl_.query_type + "\" is not defined.");
    if (q->kind != TypeKind::kObject) fail_plain(q->loc, "Query root type must be Object type.");
    if (explicit_mutation_) {
      const TypeDef* m = impl_.type(impl_.mutation_type);
      if (!m) fail_plain(Location{1, 1}, "Mutation root type \"" + impl_.mutation_type + "\" is not defined.");
      if (m->kind != TypeKind::kObject) fail_plain(m->loc, "Mutation root type must be Object type.");
    } else if (const TypeDef* m = impl_.type("Mutation"); m && m->kind == TypeKind::kObject) {
      impl_.mutation_type = "Mutation";
    }
    for (auto& [name, type] : impl_.types) {
      for (FieldDef& f : type.fields) {
        for (InputValueDef& a : f.args) coerce_default(a, "argument \"" + name + "." + f.name + "(" + a.name + ":)\"");
      }
    }
    // Input object defaults may refer to other input objects' defaults; a few passes settle them.
    for (int pass = 0; pass < 2; ++pass) {
      for (auto& [name, type] : impl_.types) {
        for (InputValueDef& f : type.input_fields) {
          coerce_default(f, "input field \"" + name + "." + f.name + "\"");
        }
      }
    }
  }

 private:
  [[noreturn]] void fail_plain(Location loc, const std::string& message) const {
    throw SyntaxError{make_error(ErrorCode::kInvalidArgument, message + " (line " + std::to_string(loc.line) +
                                                                  ", column " + std::to_string(loc.column) + ")")};
  }

  void coerce_default(InputValueDef& def, const std::string& what) {
    if (!def.default_value) return;
    nlohmann::json out;
    bool absent = false;
    std::string error;
    if (!value_from_ast(impl_, def.type, *def.default_value, nlohmann::json::object(), out, absent, error)) {
      fail_plain(def.default_value->loc, "Invalid default value for " + what + ": " + error);
    }
    def.default_json = std::move(out);
  }

  void skip_description() {
    if (peek(Tok::kString) || peek(Tok::kBlockString)) advance();
  }

  void mention(const TypeRef& t, Location loc, bool input) {
    mentions_.push_back(TypeMention{named_type(t), loc, input});
  }

  TypeDef& define(const std::string& name, TypeKind kind, Location loc, bool extend) {
    auto it = impl_.types.find(name);
    if (extend) {
      if (it == impl_.types.end()) fail_plain(loc, "Cannot extend type \"" + name + "\" because it is not defined.");
      if (it->second.kind != kind || it->second.builtin) {
        fail_plain(loc, "Cannot extend type \"" + name + "\" with a different kind of definition.");
      }
      return it->second;
    }
    if (it != impl_.types.end()) {
      fail_plain(loc, it->second.builtin ? "Type \"" + name + "\" already exists in the schema."
                                         : "There can be only one type named \"" + name + "\".");
    }
    TypeDef& t = impl_.types[name];
    t.name = name;
    t.kind = kind;
    t.loc = loc;
    return t;
  }

  void parse_definition() {
    skip_description();
    bool extend = false;
    if (peek_keyword("extend")) {
      extend = true;
      advance();
    }
    if (!peek(Tok::kName)) unexpected();
    std::string keyword(tok_.raw);
    if (keyword == "schema") {
      advance();
      parse_directives(true);
      expect(Tok::kBraceL);
      while (!skip(Tok::kBraceR)) {
        Location op_loc;
        std::string op = expect_name(&op_loc);
        expect(Tok::kColon);
        std::string type = expect_name();
        if (op == "query") {
          impl_.query_type = type;
        } else if (op == "mutation") {
          impl_.mutation_type = type;
          explicit_mutation_ = true;
        } else if (op != "subscription") {
          fail_plain(op_loc, "Unexpected Name \"" + op + "\".");
        }
      }
      return;
    }
    if (keyword == "scalar") {
      advance();
      Location name_loc;
      std::string name = expect_name(&name_loc);
      if (!extend) define(name, TypeKind::kScalar, name_loc, false);
      parse_directives(true);
      return;
    }
    if (keyword == "type" || keyword == "interface") {
      advance();
      Location name_loc;
      std::string name = expect_name(&name_loc);
      TypeDef& t = define(name, keyword == "type" ? TypeKind::kObject : TypeKind::kInterface, name_loc, extend);
      if (peek_keyword("implements")) {
        advance();
        skip(Tok::kAmp);
        do {
          t.interfaces.push_back(expect_name());
        } while (skip(Tok::kAmp));
      }
      parse_directives(true);
      if (skip(Tok::kBraceL)) {
        while (!skip(Tok::kBraceR)) parse_field(t);
      }
      return;
    }
    if (keyword == "union") {
      advance();
      Location name_loc;
      std::string name = expect_name(&name_loc);
      TypeDef& t = define(name, TypeKind::kUnion, name_loc, extend);
      parse_directives(true);
      if (skip(Tok::kEquals)) {
        skip(Tok::kPipe);
        do {
          t.members.push_back(expect_name());
        } while (skip(Tok::kPipe));
      }
      return;
    }
    if (keyword == "enum") {
      advance();
      Location name_loc;
      std::string name = expect_name(&name_loc);
      TypeDef& t = define(name, TypeKind::kEnum, name_loc, extend);
      parse_directives(true);
      if (skip(Tok::kBraceL)) {
        while (!skip(Tok::kBraceR)) {
          skip_description();
          Location value_loc = tok_.loc;
          std::string value = expect_name();
          if (value == "true" || value == "false" || value == "null") {
            fail_plain(value_loc, "Name \"" + value + "\" is reserved and cannot be used for an enum value.");
          }
          if (!t.enum_values.insert(value).second) {
            fail_plain(value_loc, "Enum value \"" + name + "." + value + "\" can only be defined once.");
          }
          parse_directives(true);
        }
      }
      return;
    }
    if (keyword == "input") {
      advance();
      Location name_loc;
      std::string name = expect_name(&name_loc);
      TypeDef& t = define(name, TypeKind::kInputObject, name_loc, extend);
      parse_directives(true);
      if (skip(Tok::kBraceL)) {
        while (!skip(Tok::kBraceR)) {
          InputValueDef f = parse_input_value();
          if (t.input_field(f.name)) {
            fail_plain(f.loc, "Field \"" + name + "." + f.name + "\" can only be defined once.");
          }
          t.input_fields.push_back(std::move(f));
        }
      }
      return;
    }
    if (keyword == "directive" && !extend) {
      advance();
      expect(Tok::kAt);
      expect_name();
      if (skip(Tok::kParenL)) {
        while (!skip(Tok::kParenR)) parse_input_value();
      }
      if (peek_keyword("repeatable")) advance();
      expect_keyword("on");
      skip(Tok::kPipe);
      do {
        expect_name();
      } while (skip(Tok::kPipe));
      return;
    }
    unexpected();
  }

  InputValueDef parse_input_value() {
    skip_description();
    InputValueDef def;
    def.name = expect_name(&def.loc);
    expect(Tok::kColon);
    Location type_loc = tok_.loc;
    def.type = parse_type();
    mention(def.type, type_loc, true);
    if (skip(Tok::kEquals)) def.default_value = parse_value(true);
    parse_directives(true);
    return def;
  }

  void parse_field(TypeDef& t) {
    skip_description();
    FieldDef f;
    f.name = expect_name(&f.loc);
    if (skip(Tok::kParenL)) {
      while (!skip(Tok::kParenR)) {
        InputValueDef arg = parse_input_value();
        if (f.arg(arg.name)) {
          fail_plain(arg.loc, "Argument \"" + t.name + "." + f.name + "(" + arg.name + ":)\" can only be defined once.");
        }
        f.args.push_back(std::move(arg));
      }
    }
    expect(Tok::kColon);
    Location type_loc = tok_.loc;
    f.type = parse_type();
    mention(f.type, type_loc, false);
    parse_directives(true);
    if (t.field_index.count(f.name)) {
      fail_plain(f.loc, "Field \"" + t.name + "." + f.name + "\" can only be defined once.");
    }
    t.field_index.emplace(f.name, t.fields.size());
    t.fields.push_back(std::move(f));
  }

  Schema::Impl& impl_;
  std::vector<TypeMention> mentions_;
  bool explicit_mutation_ = false;
};

}  // namespace
}  // namespace internal

Result<Schema> Schema::parse(std::string_view sdl) {
  using internal::TypeDef;
  using internal::TypeKind;
  auto impl = std::make_shared<Impl>();
  for (const char* name : {"Int", "Float", "String", "Boolean", "ID"}) {
    TypeDef& t = impl->types[name];
    t.name = name;
    t.kind = TypeKind::kScalar;
    t.builtin = true;
  }
  try {
    internal::SdlParser parser(sdl, *impl);
    parser.parse_document();
    parser.finish();
  } catch (internal::SyntaxError& e) {
    return std::move(e.error);
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kInternal, "Out of memory while parsing the schema");
  }
  Schema schema;
  schema.impl = std::move(impl);
  return schema;
}

}  // namespace fct::graphql
