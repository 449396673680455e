// Private: the schema's internal representation (Schema::Impl).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "graphql/graphql.h"

namespace fct::graphql {

namespace internal {

enum class TypeKind { kScalar, kObject, kInterface, kUnion, kEnum, kInputObject };

struct TypeDef;

// An argument or an input object field.
struct InputValueDef {
  std::string name;
  TypeRef type;
  std::optional<Value> default_value;          // as written in the SDL
  std::optional<nlohmann::json> default_json;  // coerced once at schema parse time
  Location loc;
};

struct FieldDef {
  std::string name;
  std::vector<InputValueDef> args;
  TypeRef type;
  const TypeDef* named = nullptr;  // the innermost named type of `type`, resolved after parsing
  Location loc;

  const InputValueDef* arg(std::string_view arg_name) const {
    for (const InputValueDef& a : args) {
      if (a.name == arg_name) return &a;
    }
    return nullptr;
  }
};

struct TypeDef {
  std::string name;
  TypeKind kind = TypeKind::kScalar;
  bool builtin = false;
  Location loc;
  std::vector<FieldDef> fields;                        // object, interface
  std::map<std::string, size_t, std::less<>> field_index;
  std::vector<std::string> interfaces;                 // object, interface: implemented interfaces
  std::vector<std::string> members;                    // union members
  std::set<std::string, std::less<>> possible_types;   // abstract types: concrete object types
  std::vector<InputValueDef> input_fields;             // input object
  std::set<std::string, std::less<>> enum_values;      // enum

  const FieldDef* field(std::string_view field_name) const {
    auto it = field_index.find(field_name);
    return it == field_index.end() ? nullptr : &fields[it->second];
  }
  const InputValueDef* input_field(std::string_view field_name) const {
    for (const InputValueDef& f : input_fields) {
      if (f.name == field_name) return &f;
    }
    return nullptr;
  }
  bool is_leaf() const { return kind == TypeKind::kScalar || kind == TypeKind::kEnum; }
  bool is_composite() const {
    return kind == TypeKind::kObject || kind == TypeKind::kInterface || kind == TypeKind::kUnion;
  }
  bool is_abstract() const { return kind == TypeKind::kInterface || kind == TypeKind::kUnion; }
  bool is_input() const { return kind == TypeKind::kScalar || kind == TypeKind::kEnum || kind == TypeKind::kInputObject; }
  bool is_output() const { return kind != TypeKind::kInputObject; }
};

// The innermost named type of a type reference ("[String!]!" -> "String").
inline const std::string& named_type(const TypeRef& t) {
  const TypeRef* p = &t;
  while (p->of) p = p->of.get();
  return p->name;
}

}  // namespace internal

struct Schema::Impl {
  std::map<std::string, internal::TypeDef, std::less<>> types;
  std::string query_type;
  std::string mutation_type;  // empty when the schema has no mutations

  const internal::TypeDef* type(std::string_view name) const {
    auto it = types.find(name);
    return it == types.end() ? nullptr : &it->second;
  }
  // Whether object type `object` is (or belongs to) `type`.
  bool applies(const internal::TypeDef& type, const internal::TypeDef& object) const {
    return &type == &object || (type.is_abstract() && type.possible_types.count(object.name) > 0);
  }
};

}  // namespace fct::graphql
