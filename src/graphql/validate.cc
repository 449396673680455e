// validate(): the spec's validation rules that matter for the simulators,
// with graphql-js's messages.
#include "graphql/validate.h"

#include <functional>
#include <map>
#include <set>

#include "graphql/coerce.h"

namespace fct::graphql::internal {

using nlohmann::json;

json make_error_json(const std::string& message, const std::vector<Location>& locations) {
  json error = json::object();
  error["message"] = message;
  if (!locations.empty()) {
    json locs = json::array();
    for (const Location& l : locations) locs.push_back(json{{"line", l.line}, {"column", l.column}});
    error["locations"] = std::move(locs);
  }
  return error;
}

namespace {

const TypeRef& boolean_non_null() {
  static const TypeRef type = [] {
    TypeRef t;
    t.name = "Boolean";
    t.non_null = true;
    return t;
  }();
  return type;
}

const TypeRef& string_non_null() {
  static const TypeRef type = [] {
    TypeRef t;
    t.name = "String";
    t.non_null = true;
    return t;
  }();
  return type;
}

// Whether a value of type a may flow into a position of type b (ignoring the
// outer non-null markers given by a_nn / b_nn).
bool is_subtype(const TypeRef& a, bool a_nn, const TypeRef& b, bool b_nn) {
  if (b_nn) return a_nn && is_subtype(a, false, b, false);
  if (a_nn) return is_subtype(a, false, b, false);
  if (b.of) return a.of && is_subtype(*a.of, a.of->non_null, *b.of, b.of->non_null);
  if (a.of) return false;
  return a.name == b.name;
}

struct UsageRecord {
  std::string name;
  Location loc;
  const TypeRef* expected;
  bool location_has_default;
};

struct DefinitionInfo {
  std::vector<UsageRecord> usages;
  std::vector<std::pair<std::string, Location>> spreads;
};

class Validator {
 public:
  Validator(const Schema::Impl& schema, const Document& doc) : schema_(schema), doc_(doc) {}

  json run() {
    check_names();
    for (const FragmentDefinition& frag : doc_.fragments) {
      DefinitionInfo& info = fragment_info_[&frag];
      const TypeDef* type = schema_.type(frag.type_condition);
      if (!type) {
        error("Unknown type \"" + frag.type_condition + "\".", {frag.loc});
      } else if (!type->is_composite()) {
        error("Fragment \"" + frag.name + "\" cannot condition on non composite type \"" + frag.type_condition + "\".",
              {frag.loc});
        type = nullptr;
      }
      visit(type, frag.selection_set, info);
    }
    check_fragment_cycles();
    for (const Operation& op : doc_.operations) check_operation(op);
    return std::move(errors_);
  }

 private:
  void error(const std::string& message, const std::vector<Location>& locations) {
    errors_.push_back(make_error_json(message, locations));
  }

  const FragmentDefinition* fragment(const std::string& name) const {
    auto it = fragments_.find(name);
    return it == fragments_.end() ? nullptr : it->second;
  }

  void check_names() {
    size_t anonymous = 0;
    std::map<std::string, Location> op_names;
    for (const Operation& op : doc_.operations) {
      if (op.name.empty()) {
        ++anonymous;
        continue;
      }
      auto [it, inserted] = op_names.emplace(op.name, op.loc);
      if (!inserted) error("There can be only one operation named \"" + op.name + "\".", {it->second, op.loc});
    }
    if (anonymous > 0 && doc_.operations.size() > 1) {
      for (const Operation& op : doc_.operations) {
        if (op.name.empty()) error("This anonymous operation must be the only defined operation.", {op.loc});
      }
    }
    for (const FragmentDefinition& frag : doc_.fragments) {
      auto [it, inserted] = fragments_.emplace(frag.name, &frag);
      if (!inserted) {
        error("There can be only one fragment named \"" + frag.name + "\".", {it->second->loc, frag.loc});
      }
    }
  }

  // NoFragmentCycles, plus a cap on how deeply spreads may nest.
  void check_fragment_cycles() {
    std::set<const FragmentDefinition*> visited;
    std::map<std::string, size_t> index_in_path;
    std::vector<std::pair<std::string, Location>> path;
    bool too_deep = false;
    std::function<void(const FragmentDefinition*)> dfs = [&](const FragmentDefinition* frag) {
      if (!visited.insert(frag).second) return;
      const DefinitionInfo& info = fragment_info_[frag];
      if (info.spreads.empty()) return;
      if (path.size() >= kMaxFragmentDepth) {
        if (!too_deep) {
          error("Fragment spreads are nested too deeply (maximum " + std::to_string(kMaxFragmentDepth) + ").",
                {frag->loc});
        }
        too_deep = true;
        return;
      }
      index_in_path[frag->name] = path.size();
      for (const auto& [name, loc] : info.spreads) {
        auto cycle = index_in_path.find(name);
        path.emplace_back(name, loc);
        if (cycle == index_in_path.end()) {
          if (const FragmentDefinition* target = fragment(name)) dfs(target);
        } else {
          std::string via;
          std::vector<Location> locs;
          for (size_t i = cycle->second; i < path.size(); ++i) {
            locs.push_back(path[i].second);
            if (i + 1 < path.size()) via += (via.empty() ? "\"" : ", \"") + path[i].first + "\"";
          }
          error("Cannot spread fragment \"" + name + "\" within itself" + (via.empty() ? "." : " via " + via + "."),
                locs);
        }
        path.pop_back();
      }
      index_in_path.erase(frag->name);
    };
    for (const FragmentDefinition& frag : doc_.fragments) dfs(&frag);
  }

  void check_operation(const Operation& op) {
    DefinitionInfo info;
    const TypeDef* root = nullptr;
    if (op.type == OperationType::kMutation) {
      if (schema_.mutation_type.empty()) {
        error("Schema is not configured to execute mutation operation.", {op.loc});
      } else {
        root = schema_.type(schema_.mutation_type);
      }
    } else {
      root = schema_.type(schema_.query_type);
    }
    std::map<std::string, const VariableDefinition*> defined;
    for (const VariableDefinition& var : op.variables) {
      if (!defined.emplace(var.name, &var).second) {
        error("There can be only one variable named \"$" + var.name + "\".", {defined[var.name]->loc, var.loc});
        continue;
      }
      const std::string& type_name = named_type(var.type);
      const TypeDef* type = schema_.type(type_name);
      if (!type) {
        error("Unknown type \"" + type_name + "\".", {var.loc});
        continue;
      }
      if (!type->is_input()) {
        error("Variable \"$" + var.name + "\" cannot be non-input type \"" + var.type.to_string() + "\".", {var.loc});
        continue;
      }
      if (var.default_value) {
        check_literal(
            schema_, var.type, *var.default_value,
            [&](const std::string& message, Location loc) { error(message, {loc}); }, [](const VariableUsage&) {});
      }
    }
    if (root) visit(root, op.selection_set, info);

    // Variables used by the operation and by every fragment it reaches.
    std::vector<const DefinitionInfo*> reached = {&info};
    std::set<const FragmentDefinition*> seen;
    for (size_t i = 0; i < reached.size(); ++i) {
      for (const auto& [name, loc] : reached[i]->spreads) {
        const FragmentDefinition* frag = fragment(name);
        if (frag && seen.insert(frag).second) reached.push_back(&fragment_info_[frag]);
      }
    }
    for (const DefinitionInfo* def : reached) {
      for (const UsageRecord& usage : def->usages) {
        auto it = defined.find(usage.name);
        if (it == defined.end()) {
          if (op.name.empty()) {
            error("Variable \"$" + usage.name + "\" is not defined.", {usage.loc, op.loc});
          } else {
            error("Variable \"$" + usage.name + "\" is not defined by operation \"" + op.name + "\".",
                  {usage.loc, op.loc});
          }
          continue;
        }
        if (!usage.expected) continue;
        const VariableDefinition& var = *it->second;
        const TypeRef& location = *usage.expected;
        bool allowed;
        if (location.non_null && !var.type.non_null) {
          bool non_null_default = var.default_value && var.default_value->kind != Value::Kind::kNull;
          allowed = (non_null_default || usage.location_has_default) &&
                    is_subtype(var.type, false, location, false);
        } else {
          allowed = is_subtype(var.type, var.type.non_null, location, location.non_null);
        }
        if (!allowed) {
          error("Variable \"$" + usage.name + "\" of type \"" + var.type.to_string() +
                    "\" used in position expecting type \"" + location.to_string() + "\".",
                {var.loc, usage.loc});
        }
      }
    }
  }

  std::function<void(const VariableUsage&)> recorder(DefinitionInfo& info) {
    return [&info](const VariableUsage& u) {
      info.usages.push_back(UsageRecord{std::string(u.name), u.loc, u.expected, u.location_has_default});
    };
  }

  std::function<void(const std::string&, Location)> reporter() {
    return [this](const std::string& message, Location loc) { error(message, {loc}); };
  }

  void check_directives(const std::vector<Directive>& directives, DefinitionInfo& info) {
    for (const Directive& d : directives) {
      bool has_if = false;
      std::set<std::string> seen;
      for (const Argument& a : d.arguments) {
        if (!seen.insert(a.name).second) {
          error("There can be only one argument named \"" + a.name + "\".", {a.loc});
          continue;
        }
        if (a.name != "if") {
          error("Unknown argument \"" + a.name + "\" on directive \"@" + d.name + "\".", {a.loc});
          collect_variables(a.value, recorder(info));
          continue;
        }
        has_if = true;
        check_literal(schema_, boolean_non_null(), a.value, reporter(), recorder(info));
      }
      if (!has_if) {
        error("Directive \"@" + d.name + "\" argument \"if\" of type \"Boolean!\" is required, but it was not provided.",
              {d.loc});
      }
    }
  }

  // Fragment type condition checks shared by spreads and inline fragments.
  bool can_overlap(const TypeDef& a, const TypeDef& b) const {
    if (&a == &b) return true;
    auto possible = [](const TypeDef& t) {
      std::set<std::string_view> out;
      if (t.is_abstract()) {
        for (const std::string& name : t.possible_types) out.insert(name);
      } else {
        out.insert(t.name);
      }
      return out;
    };
    std::set<std::string_view> pa = possible(a);
    for (std::string_view name : possible(b)) {
      if (pa.count(name)) return true;
    }
    return false;
  }

  void visit(const TypeDef* parent, const std::vector<Selection>& set, DefinitionInfo& info) {
    for (const Selection& sel : set) {
      if (sel.field) {
        visit_field(parent, *sel.field, info);
      } else if (sel.spread) {
        const FragmentSpread& spread = *sel.spread;
        check_directives(spread.directives, info);
        info.spreads.emplace_back(spread.name, spread.loc);
        const FragmentDefinition* frag = fragment(spread.name);
        if (!frag) {
          error("Unknown fragment \"" + spread.name + "\".", {spread.loc});
          continue;
        }
        const TypeDef* type = schema_.type(frag->type_condition);
        if (parent && type && type->is_composite() && !can_overlap(*parent, *type)) {
          error("Fragment \"" + spread.name + "\" cannot be spread here as objects of type \"" + parent->name +
                    "\" can never be of type \"" + type->name + "\".",
                {spread.loc});
        }
      } else if (sel.inline_fragment) {
        const InlineFragment& frag = *sel.inline_fragment;
        check_directives(frag.directives, info);
        const TypeDef* type = parent;
        if (!frag.type_condition.empty()) {
          type = schema_.type(frag.type_condition);
          if (!type) {
            error("Unknown type \"" + frag.type_condition + "\".", {frag.loc});
          } else if (!type->is_composite()) {
            error("Fragment cannot condition on non composite type \"" + frag.type_condition + "\".", {frag.loc});
            type = nullptr;
          } else if (parent && !can_overlap(*parent, *type)) {
            error("Fragment cannot be spread here as objects of type \"" + parent->name +
                      "\" can never be of type \"" + type->name + "\".",
                  {frag.loc});
          }
        }
        visit(type, frag.selection_set, info);
      }
    }
  }

  void visit_field(const TypeDef* parent, const Field& field, DefinitionInfo& info) {
    check_directives(field.directives, info);
    auto unchecked = [&]() {
      for (const Argument& a : field.arguments) collect_variables(a.value, recorder(info));
      visit(nullptr, field.selection_set, info);
    };
    if (!parent) return unchecked();
    const TypeRef* type = nullptr;
    const TypeDef* named = nullptr;
    const FieldDef* def = nullptr;
    if (field.name == "__typename") {
      type = &string_non_null();
      named = schema_.type("String");
    } else {
      def = parent->field(field.name);
      if (!def) {
        error("Cannot query field \"" + field.name + "\" on type \"" + parent->name + "\".", {field.loc});
        return unchecked();
      }
      type = &def->type;
      named = def->named;
    }
    std::set<std::string> seen;
    for (const Argument& a : field.arguments) {
      if (!seen.insert(a.name).second) {
        error("There can be only one argument named \"" + a.name + "\".", {a.loc});
        continue;
      }
      const InputValueDef* arg = def ? def->arg(a.name) : nullptr;
      if (!arg) {
        error("Unknown argument \"" + a.name + "\" on field \"" + parent->name + "." + field.name + "\".", {a.loc});
        collect_variables(a.value, recorder(info));
        continue;
      }
      check_literal(schema_, arg->type, a.value, reporter(), recorder(info), arg->default_value.has_value());
    }
    if (def) {
      for (const InputValueDef& arg : def->args) {
        if (arg.type.non_null && !arg.default_value && !seen.count(arg.name)) {
          error("Field \"" + field.name + "\" argument \"" + arg.name + "\" of type \"" + arg.type.to_string() +
                    "\" is required, but it was not provided.",
                {field.loc});
        }
      }
    }
    if (!named) return unchecked();
    if (named->is_leaf()) {
      if (!field.selection_set.empty()) {
        error("Field \"" + field.name + "\" must not have a selection since type \"" + type->to_string() +
                  "\" has no subfields.",
              {field.loc});
        visit(nullptr, field.selection_set, info);
      }
      return;
    }
    if (field.selection_set.empty()) {
      error("Field \"" + field.name + "\" of type \"" + type->to_string() +
                "\" must have a selection of subfields. Did you mean \"" + field.name + " { ... }\"?",
            {field.loc});
      return;
    }
    visit(named, field.selection_set, info);
  }

  const Schema::Impl& schema_;
  const Document& doc_;
  json errors_ = json::array();
  std::map<std::string, const FragmentDefinition*> fragments_;
  std::map<const FragmentDefinition*, DefinitionInfo> fragment_info_;
};

}  // namespace

json validate(const Schema::Impl& schema, const Document& document) {
  Validator v(schema, document);
  return v.run();
}

}  // namespace fct::graphql::internal
