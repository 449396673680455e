// A small GraphQL library: parse executable documents, print them, batch an
// operation into one document of aliased copies, and (for the simulators)
// validate and execute requests against a schema written in SDL.
//
// It covers the subset of the GraphQL spec (October 2021) that the Fluent and
// commercetools APIs use: queries and mutations, variables with defaults,
// aliases, arguments of every literal kind, nested input objects and lists,
// fragments (named and inline), and __typename. Subscriptions and directives
// other than @skip/@include are rejected with a clear error.
//
// Thread safety: parsed documents and schemas are immutable values; an
// Executor is safe to call from many threads if its resolvers are.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace fct::graphql {

struct Location {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

// A literal or variable in a document. Kind kVariable holds the name in `text`.
struct Value {
  enum class Kind { kNull, kInt, kFloat, kString, kBoolean, kEnum, kList, kObject, kVariable };
  Kind kind = Kind::kNull;
  std::string text;                                      // Int/Float digits, String contents, Enum name, variable name
  bool boolean = false;                                  // kBoolean
  std::vector<Value> list;                               // kList
  std::vector<std::pair<std::string, Value>> fields;     // kObject, in document order
  Location loc;
};

struct TypeRef {
  // Named type ("String") or list type ([String!]!). For a list, `of` holds the item type.
  std::string name;                 // empty for a list
  std::shared_ptr<TypeRef> of;      // non-null for a list
  bool non_null = false;
  std::string to_string() const;    // "[String!]!"
};

struct Selection;

struct Argument {
  std::string name;
  Value value;
  Location loc;
};

// A directive on a field, fragment spread or inline fragment. Only @skip and
// @include are accepted by parse(); `name` is without the '@'.
struct Directive {
  std::string name;
  std::vector<Argument> arguments;
  Location loc;
};

struct Field {
  std::string alias;  // empty when none
  std::string name;
  std::vector<Argument> arguments;
  std::vector<Selection> selection_set;
  Location loc;
  std::vector<Directive> directives;  // @skip / @include, in document order
  const std::string& response_key() const { return alias.empty() ? name : alias; }
};

struct FragmentSpread {
  std::string name;
  Location loc;
  std::vector<Directive> directives;
};

struct InlineFragment {
  std::string type_condition;  // empty when none
  std::vector<Selection> selection_set;
  Location loc;
  std::vector<Directive> directives;
};

struct Selection {
  // Exactly one is set.
  std::optional<Field> field;
  std::optional<FragmentSpread> spread;
  std::optional<InlineFragment> inline_fragment;
};

struct VariableDefinition {
  std::string name;  // without '$'
  TypeRef type;
  std::optional<Value> default_value;
  Location loc;
};

enum class OperationType { kQuery, kMutation };

struct Operation {
  OperationType type = OperationType::kQuery;
  std::string name;  // empty for an anonymous operation
  std::vector<VariableDefinition> variables;
  std::vector<Selection> selection_set;
  Location loc;
};

struct FragmentDefinition {
  std::string name;
  std::string type_condition;
  std::vector<Selection> selection_set;
  Location loc;
};

struct Document {
  std::vector<Operation> operations;
  std::vector<FragmentDefinition> fragments;

  // The operation to run: the named one, or the only one when name is empty.
  Result<const Operation*> operation(std::string_view name = {}) const;
};

// Parses an executable document. A syntax error is kInvalidArgument with a
// message of the form "Syntax Error: Expected Name, found <EOF>. (line 3, column 1)".
Result<Document> parse(std::string_view source);

// Prints a document compactly and deterministically (single spaces, no
// comments). parse(print(d)) is equivalent to d.
std::string print(const Document& document);

// Builds one document that runs `count` copies of `op` (a query or mutation)
// in a single request. Copy i renames each variable $v to $v_i and gives each
// root field the alias "<alias_prefix><i>" (when op has one root field) or
// "<alias_prefix><i>_<response key>" (when it has several). Fragments the
// operation uses are carried over once. The new operation is named
// "<op name or Op>Batch<count>".
// Example: batch(update, 2, "u") turns
//   mutation U($id: String!) { updateInventoryEntry(id: $id) { id } }
// into
//   mutation UBatch2($id_0: String!, $id_1: String!) {
//     u0: updateInventoryEntry(id: $id_0) { id } u1: updateInventoryEntry(id: $id_1) { id } }
std::string batch(const Document& document, const Operation& op, size_t count, std::string_view alias_prefix);

// ---------------------------------------------------------------------------
// Schema and execution (used by the simulators).

// Parses SDL: schema, type, input, enum, scalar, interface (with implements),
// union, descriptions and directives on definitions (ignored), field
// arguments with defaults. Built-in scalars (Int, Float, String, Boolean, ID)
// are predefined.
class Schema {
 public:
  static Result<Schema> parse(std::string_view sdl);
  // Opaque to callers; defined in the .cc.
  struct Impl;
  std::shared_ptr<const Impl> impl;
};

// Thrown by a resolver to report a field error: the field becomes null and
// the error is added to the response with the field's path.
struct FieldError {
  std::string message;
  nlohmann::json extensions = nlohmann::json::object();  // e.g. {"code":"DuplicateField"}
};

struct ResolveContext {
  const Field* field = nullptr;          // the root field being resolved
  // Every node of the document merged into this root field's response key
  // (field is the first; more when the same key is selected twice, as in
  // `{ a: channel { id } a: channel { key } }`). Null when not known.
  const std::vector<const Field*>* fields = nullptr;
  nlohmann::json arguments;              // coerced argument values, variables substituted, defaults applied
  std::string operation_type;            // "query" or "mutation"
  void* user = nullptr;                  // passed through from execute()
};

// A root-field resolver returns the field's full value as JSON (objects with
// every field the schema declares, or a subset that covers what is selected).
// The executor projects it onto the selection set, applying aliases.
using Resolver = std::function<nlohmann::json(const ResolveContext&)>;

struct Request {
  std::string query;
  nlohmann::json variables = nlohmann::json::object();
  std::string operation_name;
};

struct Response {
  nlohmann::json body;        // {"data": …, "errors": […]} as a GraphQL server sends it
  bool request_error = false; // true when the request failed before execution (syntax,
                              // validation, variables): body has "errors" and no "data"
};

class Executor {
 public:
  // resolvers are keyed "Query.<field>" and "Mutation.<field>".
  Executor(Schema schema, std::map<std::string, Resolver> resolvers);

  // Parses, validates and executes. Validation follows the spec's rules
  // with graphql-js's messages, e.g.
  //   Cannot query field "foo" on type "Channel".
  //   Unknown argument "bar" on field "Query.channel".
  //   Variable "$id" of required type "String!" was not provided.
  //   Variable "$x" is not defined by operation "Q".
  //   Field "channel" argument "key" of type "String!" is required, but it was not provided.
  //   Field "channel" of type "Channel" must have a selection of subfields. Did you mean "channel { ... }"?
  // Each error carries "locations". Mutation root fields run serially, in order.
  Response execute(const Request& request, void* user = nullptr) const;
  // The same; may move variable values out of `request` instead of copying them.
  Response execute(Request&& request, void* user = nullptr) const;

 private:
  Response run(const Request& request, bool move_variables, void* user) const;

  Schema schema_;
  std::map<std::string, Resolver> resolvers_;
  struct Cache;                   // parsed + validated documents by query string (LRU)
  std::shared_ptr<Cache> cache_;  // shared by copies of this Executor
};

}  // namespace fct::graphql
