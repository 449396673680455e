#include "graphql/coerce.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>

#include "graphql/printer.h"

namespace fct::graphql::internal {

using nlohmann::json;

namespace {

constexpr int kMaxInputDepth = 128;

bool is_builtin_scalar(std::string_view name) {
  return name == "Int" || name == "Float" || name == "String" || name == "Boolean" || name == "ID";
}

// Parses an Int literal's digits. Returns false when it does not fit int64.
bool parse_int64(const std::string& text, int64_t& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool parse_double(const std::string& text, double& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(out);
}

// Literal of a number as JSON: int64, then uint64, then double.
json number_literal(const Value& v) {
  if (v.kind == Value::Kind::kInt) {
    int64_t i = 0;
    if (parse_int64(v.text, i)) return i;
    uint64_t u = 0;
    auto [ptr, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), u);
    if (ec == std::errc() && ptr == v.text.data() + v.text.size()) return u;
  }
  double d = 0;
  if (parse_double(v.text, d)) return d;
  return nullptr;
}

// Converts any literal to JSON without a type (custom scalars).
json untyped_literal(const Value& v, const json& variables, int depth) {
  if (depth > kMaxInputDepth) return nullptr;
  switch (v.kind) {
    case Value::Kind::kNull: return nullptr;
    case Value::Kind::kInt:
    case Value::Kind::kFloat: return number_literal(v);
    case Value::Kind::kString:
    case Value::Kind::kEnum: return v.text;
    case Value::Kind::kBoolean: return v.boolean;
    case Value::Kind::kVariable: {
      auto it = variables.find(v.text);
      return it == variables.end() ? json(nullptr) : *it;
    }
    case Value::Kind::kList: {
      json out = json::array();
      for (const Value& item : v.list) out.push_back(untyped_literal(item, variables, depth + 1));
      return out;
    }
    case Value::Kind::kObject: {
      json out = json::object();
      for (const auto& [name, field] : v.fields) out[name] = untyped_literal(field, variables, depth + 1);
      return out;
    }
  }
  return nullptr;
}

// JSON input coercion of a built-in scalar, an enum or a custom scalar.
bool coerce_leaf_json(const TypeDef& type, json& v, std::string& message) {
  if (type.kind == TypeKind::kEnum) {
    if (!v.is_string()) {
      message = "Enum \"" + type.name + "\" cannot represent non-string value: " + inspect(v) + ".";
      return false;
    }
    if (!type.enum_values.count(v.get_ref<const std::string&>())) {
      message = "Value \"" + v.get_ref<const std::string&>() + "\" does not exist in \"" + type.name + "\" enum.";
      return false;
    }
    return true;
  }
  const std::string& name = type.name;
  if (name == "Int") {
    if (v.is_number_integer()) {
      bool fits = v.is_number_unsigned()
                      ? v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max())
                      : (v.get<int64_t>() >= std::numeric_limits<int32_t>::min() &&
                         v.get<int64_t>() <= std::numeric_limits<int32_t>::max());
      if (!fits) {
        message = "Int cannot represent non 32-bit signed integer value: " + inspect(v);
        return false;
      }
      return true;
    }
    if (v.is_number_float()) {
      double d = v.get<double>();
      if (std::isfinite(d) && std::floor(d) == d) {
        if (d < std::numeric_limits<int32_t>::min() || d > std::numeric_limits<int32_t>::max()) {
          message = "Int cannot represent non 32-bit signed integer value: " + inspect(v);
          return false;
        }
        v = static_cast<int64_t>(d);
        return true;
      }
    }
    message = "Int cannot represent non-integer value: " + inspect(v);
    return false;
  }
  if (name == "Float") {
    if (v.is_number()) return true;
    message = "Float cannot represent non numeric value: " + inspect(v);
    return false;
  }
  if (name == "String") {
    if (v.is_string()) return true;
    message = "String cannot represent a non string value: " + inspect(v);
    return false;
  }
  if (name == "Boolean") {
    if (v.is_boolean()) return true;
    message = "Boolean cannot represent a non boolean value: " + inspect(v);
    return false;
  }
  if (name == "ID") {
    if (v.is_string()) return true;
    if (v.is_number_integer()) {
      v = v.dump();
      return true;
    }
    message = "ID cannot represent value: " + inspect(v);
    return false;
  }
  return true;  // custom scalar: any JSON value
}

bool coerce(const Schema::Impl& schema, const TypeRef& type, json& v, InputError& error, std::string& path,
            int depth) {
  auto fail = [&](std::string message) {
    error.message = std::move(message);
    error.path = path;
    error.value = v;
    return false;
  };
  if (depth > kMaxInputDepth) return fail("Input value is nested too deeply.");
  if (v.is_null()) {
    if (type.non_null) return fail("Expected non-nullable type \"" + type.to_string() + "\" not to be null.");
    return true;
  }
  if (type.of) {
    if (v.is_array()) {
      size_t base = path.size();
      for (size_t i = 0; i < v.size(); ++i) {
        path += "[" + std::to_string(i) + "]";
        if (!coerce(schema, *type.of, v[i], error, path, depth + 1)) return false;
        path.resize(base);
      }
      return true;
    }
    if (!coerce(schema, *type.of, v, error, path, depth + 1)) return false;
    json wrapped = json::array();
    wrapped.push_back(std::move(v));
    v = std::move(wrapped);
    return true;
  }
  const TypeDef* def = schema.type(type.name);
  if (!def) return fail("Unknown type \"" + type.name + "\".");
  if (def->kind == TypeKind::kInputObject) {
    if (!v.is_object()) return fail("Expected type \"" + def->name + "\" to be an object.");
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!def->input_field(it.key())) {
        return fail("Field \"" + it.key() + "\" is not defined by type \"" + def->name + "\".");
      }
    }
    for (const InputValueDef& field : def->input_fields) {
      auto it = v.find(field.name);
      if (it == v.end()) {
        if (field.default_json) {
          v[field.name] = *field.default_json;
        } else if (field.type.non_null) {
          return fail("Field \"" + field.name + "\" of required type \"" + field.type.to_string() +
                      "\" was not provided.");
        }
        continue;
      }
      size_t base = path.size();
      path += "." + field.name;
      if (!coerce(schema, field.type, *it, error, path, depth + 1)) return false;
      path.resize(base);
    }
    return true;
  }
  if (!def->is_leaf()) return fail("Type \"" + def->name + "\" is not an input type.");
  std::string message;
  if (!coerce_leaf_json(*def, v, message)) return fail(std::move(message));
  return true;
}

// The error a leaf literal gets, or empty when it is valid.
std::string check_leaf_literal(const TypeDef& type, const Value& v) {
  if (type.kind == TypeKind::kEnum) {
    if (v.kind != Value::Kind::kEnum) {
      return "Enum \"" + type.name + "\" cannot represent non-enum value: " + print_value(v) + ".";
    }
    if (!type.enum_values.count(v.text)) {
      return "Value \"" + v.text + "\" does not exist in \"" + type.name + "\" enum.";
    }
    return {};
  }
  const std::string& name = type.name;
  if (name == "Int") {
    if (v.kind != Value::Kind::kInt) return "Int cannot represent non-integer value: " + print_value(v);
    int64_t i = 0;
    if (!parse_int64(v.text, i) || i < std::numeric_limits<int32_t>::min() ||
        i > std::numeric_limits<int32_t>::max()) {
      return "Int cannot represent non 32-bit signed integer value: " + v.text;
    }
    return {};
  }
  if (name == "Float") {
    double d = 0;
    if ((v.kind != Value::Kind::kInt && v.kind != Value::Kind::kFloat) || !parse_double(v.text, d)) {
      return "Float cannot represent non numeric value: " + print_value(v);
    }
    return {};
  }
  if (name == "String") {
    if (v.kind != Value::Kind::kString) return "String cannot represent a non string value: " + print_value(v);
    return {};
  }
  if (name == "Boolean") {
    if (v.kind != Value::Kind::kBoolean) return "Boolean cannot represent a non boolean value: " + print_value(v);
    return {};
  }
  if (name == "ID") {
    if (v.kind != Value::Kind::kString && v.kind != Value::Kind::kInt) {
      return "ID cannot represent a non-string and non-integer value: " + print_value(v);
    }
    return {};
  }
  return {};  // custom scalar
}

void check(const Schema::Impl& schema, const TypeRef& type, const Value& value,
           const std::function<void(const std::string&, Location)>& on_error,
           const std::function<void(const VariableUsage&)>& on_variable, bool location_has_default, int depth) {
  if (depth > kMaxInputDepth) return;
  if (value.kind == Value::Kind::kVariable) {
    on_variable(VariableUsage{value.text, value.loc, &type, location_has_default});
    return;
  }
  if (value.kind == Value::Kind::kNull) {
    if (type.non_null) on_error("Expected value of type \"" + type.to_string() + "\", found null.", value.loc);
    return;
  }
  if (type.of) {
    if (value.kind == Value::Kind::kList) {
      for (const Value& item : value.list) check(schema, *type.of, item, on_error, on_variable, false, depth + 1);
    } else {
      check(schema, *type.of, value, on_error, on_variable, false, depth + 1);
    }
    return;
  }
  const TypeDef* def = schema.type(type.name);
  if (!def) {
    collect_variables(value, on_variable);
    return;
  }
  if (def->kind == TypeKind::kInputObject) {
    if (value.kind != Value::Kind::kObject) {
      on_error("Expected value of type \"" + type.to_string() + "\", found " + print_value(value) + ".", value.loc);
      collect_variables(value, on_variable);
      return;
    }
    std::set<std::string_view> seen;
    for (const auto& [name, field_value] : value.fields) {
      if (!seen.insert(name).second) {
        on_error("There can be only one input field named \"" + name + "\".", field_value.loc);
        continue;
      }
      const InputValueDef* field = def->input_field(name);
      if (!field) {
        on_error("Field \"" + name + "\" is not defined by type \"" + def->name + "\".", field_value.loc);
        collect_variables(field_value, on_variable);
        continue;
      }
      check(schema, field->type, field_value, on_error, on_variable, field->default_value.has_value(), depth + 1);
    }
    for (const InputValueDef& field : def->input_fields) {
      if (field.type.non_null && !field.default_value && !seen.count(field.name)) {
        on_error("Field \"" + def->name + "." + field.name + "\" of required type \"" + field.type.to_string() +
                     "\" was not provided.",
                 value.loc);
      }
    }
    return;
  }
  if (!def->is_leaf()) return;  // not an input type; reported elsewhere
  if (def->kind == TypeKind::kScalar && !is_builtin_scalar(def->name)) {
    collect_variables(value, on_variable);  // custom scalar: any literal
    return;
  }
  std::string message = check_leaf_literal(*def, value);
  if (!message.empty()) on_error(message, value.loc);
}

bool from_ast(const Schema::Impl& schema, const TypeRef& type, const Value& value, const json& variables, json& out,
              bool& absent, std::string& error, int depth) {
  absent = false;
  if (depth > kMaxInputDepth) {
    error = "Input value is nested too deeply.";
    return false;
  }
  if (value.kind == Value::Kind::kVariable) {
    auto it = variables.find(value.text);
    if (it == variables.end()) {
      absent = true;
      return true;
    }
    if (it->is_null() && type.non_null) {
      error = "Expected non-nullable type \"" + type.to_string() + "\" not to be null.";
      return false;
    }
    out = *it;
    return true;
  }
  if (value.kind == Value::Kind::kNull) {
    if (type.non_null) {
      error = "Expected value of type \"" + type.to_string() + "\", found null.";
      return false;
    }
    out = nullptr;
    return true;
  }
  if (type.of) {
    if (value.kind == Value::Kind::kList) {
      out = json::array();
      for (const Value& item : value.list) {
        json item_json;
        bool item_absent = false;
        if (!from_ast(schema, *type.of, item, variables, item_json, item_absent, error, depth + 1)) return false;
        if (item_absent && type.of->non_null) {
          error = "Expected non-nullable type \"" + type.of->to_string() + "\" not to be null.";
          return false;
        }
        out.push_back(std::move(item_json));
      }
      return true;
    }
    json item_json;
    if (!from_ast(schema, *type.of, value, variables, item_json, absent, error, depth + 1)) return false;
    if (absent) return true;
    out = json::array();
    out.push_back(std::move(item_json));
    return true;
  }
  const TypeDef* def = schema.type(type.name);
  if (!def) {
    error = "Unknown type \"" + type.name + "\".";
    return false;
  }
  if (def->kind == TypeKind::kInputObject) {
    if (value.kind != Value::Kind::kObject) {
      error = "Expected value of type \"" + type.to_string() + "\", found " + print_value(value) + ".";
      return false;
    }
    out = json::object();
    for (const auto& [name, field_value] : value.fields) {
      if (!def->input_field(name)) {
        error = "Field \"" + name + "\" is not defined by type \"" + def->name + "\".";
        return false;
      }
    }
    for (const InputValueDef& field : def->input_fields) {
      const Value* literal = nullptr;
      for (const auto& [name, field_value] : value.fields) {
        if (name == field.name) {
          literal = &field_value;
          break;
        }
      }
      bool field_absent = true;
      if (literal) {
        json field_json;
        if (!from_ast(schema, field.type, *literal, variables, field_json, field_absent, error, depth + 1)) {
          return false;
        }
        if (!field_absent) out[field.name] = std::move(field_json);
      }
      if (field_absent) {
        if (field.default_json) {
          out[field.name] = *field.default_json;
        } else if (field.type.non_null) {
          error = "Field \"" + def->name + "." + field.name + "\" of required type \"" + field.type.to_string() +
                  "\" was not provided.";
          return false;
        }
      }
    }
    return true;
  }
  if (!def->is_leaf()) {
    error = "Type \"" + def->name + "\" is not an input type.";
    return false;
  }
  if (def->kind == TypeKind::kScalar && !is_builtin_scalar(def->name)) {
    out = untyped_literal(value, variables, depth);
    return true;
  }
  error = check_leaf_literal(*def, value);
  if (!error.empty()) return false;
  switch (value.kind) {
    case Value::Kind::kInt:
      if (def->name == "ID") {
        out = value.text;
      } else {
        out = number_literal(value);
      }
      return true;
    case Value::Kind::kFloat: out = number_literal(value); return true;
    case Value::Kind::kString:
    case Value::Kind::kEnum: out = value.text; return true;
    case Value::Kind::kBoolean: out = value.boolean; return true;
    default: out = untyped_literal(value, variables, depth); return true;
  }
}

}  // namespace

std::string inspect(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

bool coerce_json(const Schema::Impl& schema, const TypeRef& type, json& value, InputError& error) {
  std::string path;
  return coerce(schema, type, value, error, path, 0);
}

void collect_variables(const Value& value, const std::function<void(const VariableUsage&)>& on_variable) {
  switch (value.kind) {
    case Value::Kind::kVariable: on_variable(VariableUsage{value.text, value.loc, nullptr, false}); return;
    case Value::Kind::kList:
      for (const Value& item : value.list) collect_variables(item, on_variable);
      return;
    case Value::Kind::kObject:
      for (const auto& [name, field] : value.fields) collect_variables(field, on_variable);
      return;
    default: return;
  }
}

void check_literal(const Schema::Impl& schema, const TypeRef& type, const Value& value,
                   const std::function<void(const std::string&, Location)>& on_error,
                   const std::function<void(const VariableUsage&)>& on_variable, bool location_has_default) {
  check(schema, type, value, on_error, on_variable, location_has_default, 0);
}

bool value_from_ast(const Schema::Impl& schema, const TypeRef& type, const Value& value, const json& variables,
                    json& out, bool& absent, std::string& error) {
  return from_ast(schema, type, value, variables, out, absent, error, 0);
}

}  // namespace fct::graphql::internal
