// batch(): one document that runs `count` aliased copies of an operation.
//
// Copy i renames every variable $v to $v_i (in arguments, nested list/object
// values and directives). Root fields get the alias "<prefix><i>" or
// "<prefix><i>_<key>". Root-level fragment spreads are turned into inline
// fragments so that the fields inside them can be aliased per copy too.
// Fragments that (transitively) use variables are emitted once per copy as
// "<name>_<i>"; all other fragments are emitted once.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "graphql/graphql.h"
#include "graphql/printer.h"

namespace fct::graphql {
namespace {

constexpr int kMaxRootDepth = 64;
constexpr long kShared = -1;  // copy index for fragments emitted once

bool value_uses_variables(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kVariable: return true;
    case Value::Kind::kList:
      for (const Value& item : v.list) {
        if (value_uses_variables(item)) return true;
      }
      return false;
    case Value::Kind::kObject:
      for (const auto& [name, field] : v.fields) {
        if (value_uses_variables(field)) return true;
      }
      return false;
    default: return false;
  }
}

bool args_use_variables(const std::vector<Argument>& args) {
  for (const Argument& a : args) {
    if (value_uses_variables(a.value)) return true;
  }
  return false;
}

bool directives_use_variables(const std::vector<Directive>& ds) {
  for (const Directive& d : ds) {
    if (args_use_variables(d.arguments)) return true;
  }
  return false;
}

// Whether the selection set uses variables directly; collects spread names.
bool set_uses_variables(const std::vector<Selection>& set, std::vector<std::string>& spreads) {
  bool uses = false;
  for (const Selection& sel : set) {
    if (sel.field) {
      uses |= args_use_variables(sel.field->arguments) || directives_use_variables(sel.field->directives);
      uses |= set_uses_variables(sel.field->selection_set, spreads);
    } else if (sel.spread) {
      uses |= directives_use_variables(sel.spread->directives);
      spreads.push_back(sel.spread->name);
    } else if (sel.inline_fragment) {
      uses |= directives_use_variables(sel.inline_fragment->directives);
      uses |= set_uses_variables(sel.inline_fragment->selection_set, spreads);
    }
  }
  return uses;
}

class Batcher {
 public:
  Batcher(const Document& doc, std::string_view prefix) : doc_(doc), prefix_(prefix) {
    for (const FragmentDefinition& f : doc.fragments) fragments_.emplace(f.name, &f);
    // Which fragments use variables, directly or through nested spreads.
    std::map<const FragmentDefinition*, std::vector<std::string>> spreads;
    for (const FragmentDefinition& f : doc.fragments) {
      uses_vars_[&f] = set_uses_variables(f.selection_set, spreads[&f]);
    }
    for (bool changed = true; changed;) {
      changed = false;
      for (const FragmentDefinition& f : doc.fragments) {
        if (uses_vars_[&f]) continue;
        for (const std::string& name : spreads[&f]) {
          const FragmentDefinition* target = find(name);
          if (target && uses_vars_[target]) {
            uses_vars_[&f] = true;
            changed = true;
            break;
          }
        }
      }
    }
  }

  std::string run(const Operation& op, size_t count) {
    Operation out;
    out.type = op.type;
    out.name = (op.name.empty() ? std::string("Op") : op.name) + "Batch" + std::to_string(count);
    size_t root_fields = count_root_fields(op.selection_set, 0);
    single_ = root_fields == 1;
    for (size_t i = 0; i < count; ++i) {
      for (const VariableDefinition& v : op.variables) {
        VariableDefinition copy = v;
        copy.name = v.name + "_" + std::to_string(i);
        out.variables.push_back(std::move(copy));
      }
    }
    for (size_t i = 0; i < count; ++i) {
      root_set(op.selection_set, static_cast<long>(i), out.selection_set, 0);
    }
    // Build the fragments the new operation needs (this may discover more).
    std::map<std::pair<const FragmentDefinition*, long>, FragmentDefinition> built;
    while (!pending_.empty()) {
      auto [frag, copy] = pending_.back();
      pending_.pop_back();
      FragmentDefinition def;
      def.name = fragment_name(*frag, copy);
      def.type_condition = frag->type_condition;
      def.loc = frag->loc;
      def.selection_set = copy_set(frag->selection_set, copy);
      built.emplace(std::make_pair(frag, copy), std::move(def));
    }
    Document result;
    result.operations.push_back(std::move(out));
    for (const FragmentDefinition& f : doc_.fragments) {
      for (auto it = built.lower_bound({&f, kShared}); it != built.end() && it->first.first == &f; ++it) {
        result.fragments.push_back(std::move(it->second));
      }
    }
    return print(result);
  }

 private:
  const FragmentDefinition* find(const std::string& name) const {
    auto it = fragments_.find(name);
    return it == fragments_.end() ? nullptr : it->second;
  }

  static std::string suffix(long copy) { return "_" + std::to_string(copy); }

  std::string fragment_name(const FragmentDefinition& frag, long copy) const {
    return copy == kShared ? frag.name : frag.name + suffix(copy);
  }

  Value rename(const Value& v, long copy) const {
    Value out = v;
    rename_in_place(out, copy);
    return out;
  }

  void rename_in_place(Value& v, long copy) const {
    if (copy == kShared) return;
    switch (v.kind) {
      case Value::Kind::kVariable: v.text += suffix(copy); break;
      case Value::Kind::kList:
        for (Value& item : v.list) rename_in_place(item, copy);
        break;
      case Value::Kind::kObject:
        for (auto& [name, field] : v.fields) rename_in_place(field, copy);
        break;
      default: break;
    }
  }

  std::vector<Argument> rename_args(const std::vector<Argument>& args, long copy) const {
    std::vector<Argument> out = args;
    for (Argument& a : out) rename_in_place(a.value, copy);
    return out;
  }

  std::vector<Directive> rename_directives(const std::vector<Directive>& ds, long copy) const {
    std::vector<Directive> out = ds;
    for (Directive& d : out) {
      for (Argument& a : d.arguments) rename_in_place(a.value, copy);
    }
    return out;
  }

  // The spread target's name for this copy; schedules the fragment for output.
  std::string use_fragment(const std::string& name, long copy) {
    const FragmentDefinition* frag = find(name);
    if (!frag) return name;  // unknown fragment: left as is (a server will report it)
    long frag_copy = uses_vars_[frag] ? copy : kShared;
    if (scheduled_.insert({frag, frag_copy}).second) pending_.emplace_back(frag, frag_copy);
    return fragment_name(*frag, frag_copy);
  }

  std::vector<Selection> copy_set(const std::vector<Selection>& set, long copy) {
    std::vector<Selection> out;
    out.reserve(set.size());
    for (const Selection& sel : set) {
      Selection s;
      if (sel.field) {
        Field f;
        f.alias = sel.field->alias;
        f.name = sel.field->name;
        f.loc = sel.field->loc;
        f.arguments = rename_args(sel.field->arguments, copy);
        f.directives = rename_directives(sel.field->directives, copy);
        f.selection_set = copy_set(sel.field->selection_set, copy);
        s.field = std::move(f);
      } else if (sel.spread) {
        FragmentSpread sp;
        sp.loc = sel.spread->loc;
        sp.name = use_fragment(sel.spread->name, copy);
        sp.directives = rename_directives(sel.spread->directives, copy);
        s.spread = std::move(sp);
      } else if (sel.inline_fragment) {
        InlineFragment frag;
        frag.loc = sel.inline_fragment->loc;
        frag.type_condition = sel.inline_fragment->type_condition;
        frag.directives = rename_directives(sel.inline_fragment->directives, copy);
        frag.selection_set = copy_set(sel.inline_fragment->selection_set, copy);
        s.inline_fragment = std::move(frag);
      }
      out.push_back(std::move(s));
    }
    return out;
  }

  size_t count_root_fields(const std::vector<Selection>& set, int depth) const {
    if (depth > kMaxRootDepth) return 0;
    size_t n = 0;
    for (const Selection& sel : set) {
      if (sel.field) {
        ++n;
      } else if (sel.inline_fragment) {
        n += count_root_fields(sel.inline_fragment->selection_set, depth + 1);
      } else if (sel.spread) {
        if (const FragmentDefinition* frag = find(sel.spread->name)) {
          n += count_root_fields(frag->selection_set, depth + 1);
        } else {
          ++n;
        }
      }
    }
    return n;
  }

  // Copies a root-level selection set for copy `copy`, aliasing root fields.
  void root_set(const std::vector<Selection>& set, long copy, std::vector<Selection>& out, int depth) {
    for (const Selection& sel : set) {
      if (sel.field) {
        std::vector<Selection> one = copy_set({sel}, copy);
        Field& f = *one.front().field;
        std::string alias = std::string(prefix_) + std::to_string(copy);
        if (!single_) alias += "_" + sel.field->response_key();
        f.alias = std::move(alias);
        out.push_back(std::move(one.front()));
      } else if (sel.inline_fragment && depth < kMaxRootDepth) {
        Selection s;
        InlineFragment frag;
        frag.loc = sel.inline_fragment->loc;
        frag.type_condition = sel.inline_fragment->type_condition;
        frag.directives = rename_directives(sel.inline_fragment->directives, copy);
        root_set(sel.inline_fragment->selection_set, copy, frag.selection_set, depth + 1);
        s.inline_fragment = std::move(frag);
        out.push_back(std::move(s));
      } else if (sel.spread && find(sel.spread->name) && depth < kMaxRootDepth) {
        const FragmentDefinition* def = find(sel.spread->name);
        Selection s;
        InlineFragment frag;
        frag.loc = sel.spread->loc;
        frag.type_condition = def->type_condition;
        frag.directives = rename_directives(sel.spread->directives, copy);
        root_set(def->selection_set, copy, frag.selection_set, depth + 1);
        s.inline_fragment = std::move(frag);
        out.push_back(std::move(s));
      } else {
        std::vector<Selection> one = copy_set({sel}, copy);
        out.push_back(std::move(one.front()));
      }
    }
  }

  const Document& doc_;
  std::string_view prefix_;
  bool single_ = true;
  std::map<std::string, const FragmentDefinition*> fragments_;
  std::map<const FragmentDefinition*, bool> uses_vars_;
  std::set<std::pair<const FragmentDefinition*, long>> scheduled_;
  std::vector<std::pair<const FragmentDefinition*, long>> pending_;
};

}  // namespace

std::string batch(const Document& document, const Operation& op, size_t count, std::string_view alias_prefix) {
  if (count == 0) return {};
  Batcher batcher(document, alias_prefix);
  return batcher.run(op, count);
}

}  // namespace fct::graphql
