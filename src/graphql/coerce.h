// Private: input coercion (variables from JSON, literals from the document)
// and static checking of literals, with graphql-js messages.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "graphql/schema_impl.h"

namespace fct::graphql::internal {

// graphql-js style rendering of a JSON value inside a message.
std::string inspect(const nlohmann::json& value);

struct InputError {
  std::string message;   // e.g. `Int cannot represent non-integer value: "abc"`
  std::string path;      // ".field[2]" relative to the coerced value; empty at the top
  nlohmann::json value;  // the offending (sub)value
};

// Coerces a JSON value (e.g. a variable) to `type` in place: lists wrap single
// values, input object defaults are applied, IDs become strings. Returns
// false and fills `error` on the first problem.
bool coerce_json(const Schema::Impl& schema, const TypeRef& type, nlohmann::json& value, InputError& error);

// A variable found while checking a literal statically.
struct VariableUsage {
  std::string_view name;
  Location loc;
  const TypeRef* expected = nullptr;  // the type at the variable's position (null when unknown)
  bool location_has_default = false;
};

// Checks a literal against `type` (ValuesOfCorrectType). Variables are not
// checked; they are reported to `on_variable`. Errors go to `on_error`.
void check_literal(const Schema::Impl& schema, const TypeRef& type, const Value& value,
                   const std::function<void(const std::string&, Location)>& on_error,
                   const std::function<void(const VariableUsage&)>& on_variable, bool location_has_default = false);

// Reports every variable in a literal whose expected type is unknown.
void collect_variables(const Value& value, const std::function<void(const VariableUsage&)>& on_variable);

// Converts a literal to JSON for `type`, substituting coerced `variables`.
// Returns false with `error` set when the value cannot be coerced. Sets
// `absent` (and returns true) when the value is a variable that was not provided.
bool value_from_ast(const Schema::Impl& schema, const TypeRef& type, const Value& value,
                    const nlohmann::json& variables, nlohmann::json& out, bool& absent, std::string& error);

}  // namespace fct::graphql::internal
