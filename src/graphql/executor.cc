// Executor: parse (cached), validate (cached), coerce variables, run root
// resolvers and project their JSON onto the selection set.
#include <algorithm>
#include <cstdio>
#include <list>
#include <set>
#include <mutex>
#include <unordered_map>

#include "graphql/coerce.h"
#include "graphql/schema_impl.h"
#include "graphql/validate.h"

namespace fct::graphql {

using nlohmann::json;

namespace internal {
namespace {

constexpr size_t kCacheCapacity = 256;
constexpr size_t kMaxCachedQueryBytes = 64 * 1024;
// Selections with up to this many response keys are searched without a hash map.
constexpr size_t kLinearKeySearch = 16;

// A parsed and validated document. Immutable once built.
struct Prepared {
  std::optional<Document> document;  // absent after a syntax error
  json errors = json::array();       // syntax or validation errors
  std::map<std::string, const FragmentDefinition*, std::less<>> fragments;
};

// Splits "<message> (line L, column C)" as produced by the parsers.
json error_from_status(const Error& error) {
  const std::string& m = error.message;
  size_t at = m.rfind(" (line ");
  int line = 0, column = 0;
  if (at != std::string::npos && std::sscanf(m.c_str() + at, " (line %d, column %d)", &line, &column) == 2) {
    return make_error_json(m.substr(0, at), {Location{line, column}});
  }
  return make_error_json(m, {});
}

std::shared_ptr<const Prepared> prepare(const Schema::Impl& schema, const std::string& query) {
  auto prepared = std::make_shared<Prepared>();
  Result<Document> doc = parse(query);
  if (!doc.ok()) {
    prepared->errors.push_back(error_from_status(doc.error()));
    return prepared;
  }
  prepared->document = std::move(doc).value();
  prepared->errors = validate(schema, *prepared->document);
  for (const FragmentDefinition& frag : prepared->document->fragments) {
    prepared->fragments.emplace(frag.name, &frag);
  }
  return prepared;
}

struct PathElement {
  const std::string* key = nullptr;  // null for a list index
  size_t index = 0;
};

// Fields of one selection set grouped by response key (CollectFields).
struct CollectedField {
  const std::string* key = nullptr;
  std::vector<const Field*> nodes;
  const FieldDef* def = nullptr;  // null for __typename (and unknown fields)
  bool is_typename = false;
  bool shared_source = false;  // another response key reads the same source field: copy, don't move
};
using Collected = std::vector<CollectedField>;

// A field's merged sub-selection for one runtime type.
struct SubSelection {
  Collected fields;
  bool in_place = false;               // every field is selected under its own name
  std::vector<std::string_view> names;  // sorted field names (in_place only)
};

class Execution {
 public:
  Execution(const Schema::Impl& schema, const Prepared& prepared, const json& variables)
      : schema_(schema), prepared_(prepared), variables_(variables) {}

  json errors = json::array();

  void add_error(const std::string& message, Location loc, const json* extensions = nullptr) {
    json error = make_error_json(message, {loc});
    json path = json::array();
    for (const PathElement& p : path_) {
      if (p.key) {
        path.push_back(*p.key);
      } else {
        path.push_back(p.index);
      }
    }
    error["path"] = std::move(path);
    if (extensions && !extensions->is_null() && !(extensions->is_object() && extensions->empty())) {
      error["extensions"] = *extensions;
    }
    errors.push_back(std::move(error));
  }

  // Collects the root fields of an operation.
  Collected collect_root(const TypeDef& type, const std::vector<Selection>& set) {
    Collected out;
    std::set<std::string_view> visited;
    std::unordered_map<std::string_view, size_t> index;
    collect(type, set, out, visited, index);
    finish(out);
    return out;
  }

  void push_key(const std::string* key) { path_.push_back(PathElement{key, 0}); }
  void pop() { path_.pop_back(); }

  // CompleteValue. Transforms `v` in place; returns false when a null must
  // propagate to the parent (the error is already recorded).
  bool complete(const TypeRef& type, const CollectedField& cf, const TypeDef& parent, json& v) {
    if (type.non_null) {
      if (!complete_nullable(type, cf, parent, v)) return false;
      if (v.is_null()) {
        add_error("Cannot return null for non-nullable field " + parent.name + "." + cf.nodes.front()->name + ".",
                  cf.nodes.front()->loc);
        return false;
      }
      return true;
    }
    if (!complete_nullable(type, cf, parent, v)) v = nullptr;
    return true;
  }

  bool include(const std::vector<Directive>& directives) const {
    for (const Directive& d : directives) {
      bool value = false;
      for (const Argument& a : d.arguments) {
        if (a.name != "if") continue;
        if (a.value.kind == Value::Kind::kBoolean) {
          value = a.value.boolean;
        } else if (a.value.kind == Value::Kind::kVariable) {
          auto it = variables_.find(a.value.text);
          value = it != variables_.end() && it->is_boolean() && it->get<bool>();
        }
      }
      if (d.name == "skip" && value) return false;
      if (d.name == "include" && !value) return false;
    }
    return true;
  }

 private:
  bool complete_nullable(const TypeRef& type, const CollectedField& cf, const TypeDef& parent, json& v) {
    if (v.is_null()) return true;
    if (type.of) {
      if (!v.is_array()) {
        add_error("Expected Iterable, but did not find one for field \"" + parent.name + "." +
                      cf.nodes.front()->name + "\".",
                  cf.nodes.front()->loc);
        return false;
      }
      for (size_t i = 0; i < v.size(); ++i) {
        path_.push_back(PathElement{nullptr, i});
        bool ok = complete(*type.of, cf, parent, v[i]);
        path_.pop_back();
        if (!ok) return false;
      }
      return true;
    }
    const TypeDef* named = cf.def ? cf.def->named : nullptr;
    if (!named || named->is_leaf()) return true;  // scalars and enums: as the resolver gave them
    if (!v.is_object()) {
      add_error("Expected a JSON object for field \"" + parent.name + "." + cf.nodes.front()->name +
                    "\" of type \"" + named->name + "\".",
                cf.nodes.front()->loc);
      return false;
    }
    const TypeDef* runtime = named;
    if (named->is_abstract()) {
      runtime = nullptr;
      auto tn = v.find("__typename");
      if (tn != v.end() && tn->is_string()) {
        const TypeDef* t = schema_.type(tn->get_ref<const std::string&>());
        if (t && t->kind == TypeKind::kObject && named->possible_types.count(t->name)) runtime = t;
      }
      if (!runtime && named->possible_types.size() == 1) runtime = schema_.type(*named->possible_types.begin());
      if (!runtime && named->kind == TypeKind::kInterface) runtime = named;  // best effort: interface fields
      if (!runtime) {
        add_error("Abstract type \"" + named->name + "\" must resolve to an Object type at runtime for field \"" +
                      parent.name + "." + cf.nodes.front()->name +
                      "\": the resolver's JSON needs a \"__typename\" naming one of its possible types.",
                  cf.nodes.front()->loc);
        return false;
      }
    }
    const SubSelection& sub = collect_sub(*runtime, cf);
    if (sub.in_place) {
      // Fast path (no aliases, no __typename): drop unselected keys and
      // complete the selected values where they are, without copying.
      auto& obj = v.get_ref<json::object_t&>();
      // One pass over the keys and the names (both sorted the same way):
      // drop unselected keys and notice selected ones the resolver left out.
      bool all_present = true;
      size_t i = 0;
      for (auto it = obj.begin(); it != obj.end();) {
        const int c = i == sub.names.size() ? -1 : std::string_view(it->first).compare(sub.names[i]);
        if (c < 0) {
          it = obj.erase(it);
        } else if (c == 0) {
          ++it;
          ++i;
        } else {
          all_present = false;
          ++i;
        }
      }
      if (i < sub.names.size()) all_present = false;
      for (const CollectedField& f : sub.fields) {
        const TypeRef& t = f.def->type;
        // complete() leaves a present nullable scalar as it is.
        if (all_present && !t.non_null && !t.of && (!f.def->named || f.def->named->is_leaf())) continue;
        auto it = obj.find(f.def->name);  // find first: emplace would allocate a node even for a present key
        json& value = it != obj.end() ? it->second : obj.emplace(f.def->name, nullptr).first->second;
        push_key(f.key);
        bool ok = complete(t, f, *runtime, value);
        pop();
        if (!ok) return false;
      }
      return true;
    }
    json out = json::object();
    for (const CollectedField& f : sub.fields) {
      if (f.is_typename) {
        out[*f.key] = runtime->name;
        continue;
      }
      json value;
      if (f.def) {
        auto it = v.find(f.def->name);
        if (it != v.end()) {
          if (f.shared_source) {
            value = *it;
          } else {
            value = std::move(*it);
          }
        }
        push_key(f.key);
        bool ok = complete(f.def->type, f, *runtime, value);
        pop();
        if (!ok) return false;
      }
      out[*f.key] = std::move(value);
    }
    v = std::move(out);
    return true;
  }

  bool applies(const std::string& condition, const TypeDef& type) const {
    if (condition.empty()) return true;
    const TypeDef* cond = schema_.type(condition);
    if (!cond) return false;
    if (type.is_abstract()) return cond == &type;  // unknown concrete type: only its own fragments apply
    return schema_.applies(*cond, type);
  }

  void collect(const TypeDef& type, const std::vector<Selection>& set, Collected& out,
               std::set<std::string_view>& visited, std::unordered_map<std::string_view, size_t>& index) {
    for (const Selection& sel : set) {
      if (sel.field) {
        const Field& f = *sel.field;
        if (!include(f.directives)) continue;
        const std::string& key = f.response_key();
        if (CollectedField* seen = find_key(out, index, key)) {
          seen->nodes.push_back(&f);
          continue;
        }
        if (!index.empty() || out.size() >= kLinearKeySearch) {
          if (index.empty()) {
            for (size_t i = 0; i < out.size(); ++i) index.emplace(*out[i].key, i);
          }
          index.emplace(key, out.size());
        }
        CollectedField cf;
        cf.key = &key;
        cf.nodes.push_back(&f);
        cf.is_typename = f.name == "__typename";
        if (!cf.is_typename) cf.def = type.field(f.name);
        out.push_back(std::move(cf));
      } else if (sel.spread) {
        if (!include(sel.spread->directives)) continue;
        if (!visited.insert(sel.spread->name).second) continue;
        auto it = prepared_.fragments.find(sel.spread->name);
        if (it == prepared_.fragments.end()) continue;
        if (!applies(it->second->type_condition, type)) continue;
        collect(type, it->second->selection_set, out, visited, index);
      } else if (sel.inline_fragment) {
        if (!include(sel.inline_fragment->directives)) continue;
        if (!applies(sel.inline_fragment->type_condition, type)) continue;
        collect(type, sel.inline_fragment->selection_set, out, visited, index);
      }
    }
  }

  // The collected field with response key `key`, or null. Small selections
  // are searched directly; larger ones through `index` (filled on demand).
  static CollectedField* find_key(Collected& out, const std::unordered_map<std::string_view, size_t>& index,
                                  const std::string& key) {
    if (!index.empty()) {
      auto it = index.find(key);
      return it == index.end() ? nullptr : &out[it->second];
    }
    for (CollectedField& cf : out) {
      if (*cf.key == key) return &cf;
    }
    return nullptr;
  }

  static void finish(Collected& out) {
    if (out.size() < 2) return;
    if (out.size() <= kLinearKeySearch) {
      for (size_t i = 0; i < out.size(); ++i) {
        if (!out[i].def) continue;
        for (size_t j = i + 1; j < out.size(); ++j) {
          if (out[j].def && out[j].def->name == out[i].def->name) {
            out[i].shared_source = true;
            out[j].shared_source = true;
          }
        }
      }
      return;
    }
    std::unordered_map<std::string_view, int> uses;
    for (const CollectedField& f : out) {
      if (f.def) ++uses[f.def->name];
    }
    for (CollectedField& f : out) {
      if (f.def && uses[f.def->name] > 1) f.shared_source = true;
    }
  }

  // The merged sub-selection of a field for a runtime type, memoized per
  // execution (variables are fixed, so the result is too).
  const SubSelection& collect_sub(const TypeDef& type, const CollectedField& cf) {
    auto key = std::make_pair(&type, &cf);
    auto it = memo_.find(key);
    if (it != memo_.end()) return *it->second;
    auto sub = std::make_unique<SubSelection>();
    std::set<std::string_view> visited;
    std::unordered_map<std::string_view, size_t> index;
    for (const Field* node : cf.nodes) collect(type, node->selection_set, sub->fields, visited, index);
    finish(sub->fields);
    sub->in_place = true;
    for (const CollectedField& f : sub->fields) {
      if (f.is_typename || !f.def || *f.key != f.def->name) {
        sub->in_place = false;
        break;
      }
      sub->names.push_back(f.def->name);
    }
    if (sub->in_place) {
      std::sort(sub->names.begin(), sub->names.end());
    } else {
      sub->names.clear();
    }
    const SubSelection& ref = *sub;
    memo_.emplace(key, std::move(sub));
    return ref;
  }

  const Schema::Impl& schema_;
  const Prepared& prepared_;
  const json& variables_;
  std::vector<PathElement> path_;
  std::map<std::pair<const TypeDef*, const CollectedField*>, std::unique_ptr<SubSelection>> memo_;
};

Response request_error(json errors) {
  Response r;
  r.body = json::object();
  r.body["errors"] = std::move(errors);
  r.request_error = true;
  return r;
}

Response request_error_message(const std::string& message) {
  json errors = json::array();
  errors.push_back(make_error_json(message, {}));
  return request_error(std::move(errors));
}

// CoerceVariableValues. Returns the errors (empty on success).
// With `move_input`, values are moved out of `input` (which the caller owns
// and does not read again) instead of copied.
json coerce_variables(const Schema::Impl& schema, const Operation& op, const json& input, bool move_input,
                      json& out) {
  json errors = json::array();
  out = json::object();
  for (const VariableDefinition& var : op.variables) {
    auto it = input.find(var.name);
    if (it == input.end()) {
      if (var.default_value) {
        json value;
        bool absent = false;
        std::string error;
        if (value_from_ast(schema, var.type, *var.default_value, json::object(), value, absent, error)) {
          out[var.name] = std::move(value);
        } else {
          errors.push_back(make_error_json("Variable \"$" + var.name + "\" has invalid default value: " + error,
                                           {var.loc}));
        }
      } else if (var.type.non_null) {
        errors.push_back(make_error_json("Variable \"$" + var.name + "\" of required type \"" +
                                             var.type.to_string() + "\" was not provided.",
                                         {var.loc}));
      }
      continue;
    }
    if (it->is_null() && var.type.non_null) {
      errors.push_back(make_error_json(
          "Variable \"$" + var.name + "\" of non-null type \"" + var.type.to_string() + "\" must not be null.",
          {var.loc}));
      continue;
    }
    json value = move_input ? std::move(const_cast<json&>(*it)) : *it;
    InputError error;
    if (!coerce_json(schema, var.type, value, error)) {
      std::string message = "Variable \"$" + var.name + "\" got invalid value " + inspect(error.value);
      if (!error.path.empty()) message += " at \"" + var.name + error.path + "\"";
      message += "; " + error.message;
      errors.push_back(make_error_json(message, {var.loc}));
      continue;
    }
    out.get_ref<json::object_t&>().insert_or_assign(var.name, std::move(value));
  }
  return errors;
}

// CoerceArgumentValues for a root field. Returns false with `error` set.
bool coerce_arguments(const Schema::Impl& schema, const FieldDef& def, const Field& field, const json& variables,
                      json& out, std::string& error) {
  out = json::object();
  for (const InputValueDef& arg : def.args) {
    const Argument* given = nullptr;
    for (const Argument& a : field.arguments) {
      if (a.name == arg.name) {
        given = &a;
        break;
      }
    }
    bool absent = given == nullptr;
    if (given) {
      json value;
      std::string message;
      if (!value_from_ast(schema, arg.type, given->value, variables, value, absent, message)) {
        if (given->value.kind == Value::Kind::kVariable) {
          error = "Argument \"" + arg.name + "\" of non-null type \"" + arg.type.to_string() + "\" must not be null.";
        } else {
          error = "Argument \"" + arg.name + "\" has invalid value: " + message;
        }
        return false;
      }
      if (!absent) out[arg.name] = std::move(value);
    }
    if (absent) {
      if (arg.default_json) {
        out[arg.name] = *arg.default_json;
      } else if (arg.type.non_null) {
        if (given) {
          error = "Argument \"" + arg.name + "\" of required type \"" + arg.type.to_string() +
                  "\" was provided the variable \"$" + given->value.text + "\" which was not provided a runtime value.";
        } else {
          error = "Argument \"" + arg.name + "\" of required type \"" + arg.type.to_string() + "\" was not provided.";
        }
        return false;
      }
    }
  }
  return true;
}

}  // namespace
}  // namespace internal

struct Executor::Cache {
  using Entry = std::pair<std::string, std::shared_ptr<const internal::Prepared>>;
  std::mutex mu;
  std::list<Entry> lru;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index;

  std::shared_ptr<const internal::Prepared> get(const std::string& query) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = index.find(query);
    if (it == index.end()) return nullptr;
    lru.splice(lru.begin(), lru, it->second);
    return it->second->second;
  }

  void put(const std::string& query, std::shared_ptr<const internal::Prepared> prepared) {
    if (query.size() > internal::kMaxCachedQueryBytes) return;
    std::lock_guard<std::mutex> lock(mu);
    if (index.count(query)) return;
    lru.emplace_front(query, std::move(prepared));
    index.emplace(lru.front().first, lru.begin());
    if (lru.size() > internal::kCacheCapacity) {
      index.erase(lru.back().first);
      lru.pop_back();
    }
  }
};

Executor::Executor(Schema schema, std::map<std::string, Resolver> resolvers)
    : schema_(std::move(schema)), resolvers_(std::move(resolvers)), cache_(std::make_shared<Cache>()) {}

Response Executor::execute(const Request& request, void* user) const { return run(request, false, user); }

Response Executor::execute(Request&& request, void* user) const { return run(request, true, user); }

Response Executor::run(const Request& request, bool move_variables, void* user) const {
  using internal::TypeDef;
  if (!schema_.impl) return internal::request_error_message("Schema is not initialized.");
  const Schema::Impl& schema = *schema_.impl;
  try {
    std::shared_ptr<const internal::Prepared> prepared = cache_ ? cache_->get(request.query) : nullptr;
    if (!prepared) {
      prepared = internal::prepare(schema, request.query);
      if (cache_) cache_->put(request.query, prepared);
    }
    if (!prepared->errors.empty()) return internal::request_error(prepared->errors);
    const Document& doc = *prepared->document;
    Result<const Operation*> op_result = doc.operation(request.operation_name);
    if (!op_result.ok()) return internal::request_error_message(op_result.error().message);
    const Operation& op = *op_result.value();

    static const json kNoVariables = json::object();
    const json& input = request.variables.is_null() ? kNoVariables : request.variables;
    if (!input.is_object()) {
      return internal::request_error_message(
          "Variables must be provided as an Object where each property is a variable value. Perhaps look to see "
          "if an unparsed JSON string was provided.");
    }
    json variables;
    json var_errors =
        internal::coerce_variables(schema, op, input, move_variables && &input == &request.variables, variables);
    if (!var_errors.empty()) return internal::request_error(std::move(var_errors));

    const bool mutation = op.type == OperationType::kMutation;
    const TypeDef* root = schema.type(mutation ? schema.mutation_type : schema.query_type);
    if (!root) return internal::request_error_message("Schema is not configured to execute this operation.");
    const std::string prefix = mutation ? "Mutation." : "Query.";

    thread_local std::string resolver_key;  // "Mutation.<field>", reused to avoid an allocation per field
    internal::Execution exec(schema, *prepared, variables);
    internal::Collected fields = exec.collect_root(*root, op.selection_set);
    json data = json::object();
    bool data_null = false;
    for (const internal::CollectedField& cf : fields) {
      if (cf.is_typename) {
        data[*cf.key] = root->name;
        continue;
      }
      if (!cf.def) continue;  // rejected by validation
      const Field& node = *cf.nodes.front();
      exec.push_key(cf.key);
      json value;
      bool resolved = false;
      ResolveContext ctx;
      ctx.field = &node;
      ctx.fields = &cf.nodes;
      ctx.operation_type = mutation ? "mutation" : "query";
      ctx.user = user;
      std::string arg_error;
      if (!internal::coerce_arguments(schema, *cf.def, node, variables, ctx.arguments, arg_error)) {
        exec.add_error(arg_error, node.loc);
      } else if (auto r = resolvers_.find(resolver_key.assign(prefix).append(cf.def->name));
                 r == resolvers_.end() || !r->second) {
        exec.add_error("No resolver is registered for field \"" + prefix + cf.def->name + "\".", node.loc);
      } else {
        try {
          value = r->second(ctx);
          resolved = true;
        } catch (const FieldError& e) {
          exec.add_error(e.message, node.loc, &e.extensions);
        } catch (const std::exception&) {
          exec.add_error("Internal error", node.loc);
        } catch (...) {
          exec.add_error("Internal error", node.loc);
        }
      }
      bool ok = true;
      if (resolved) {
        ok = exec.complete(cf.def->type, cf, *root, value);
      } else {
        ok = !cf.def->type.non_null;  // the error is already recorded
      }
      exec.pop();
      if (!ok) {
        data_null = true;  // a non-null root field failed: `data` is null and, as in graphql-js,
        break;             // the remaining root fields (mutations!) do not run
      }
      data[*cf.key] = std::move(value);
    }
    Response response;
    response.body = json::object();
    response.body["data"] = data_null ? json(nullptr) : std::move(data);
    if (!exec.errors.empty()) response.body["errors"] = std::move(exec.errors);
    return response;
  } catch (const std::exception&) {
    return internal::request_error_message("Internal error");
  }
}

}  // namespace fct::graphql
