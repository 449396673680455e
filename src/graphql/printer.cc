// print(): a compact, deterministic printer. parse(print(d)) == d.
#include "graphql/printer.h"

#include "graphql/lexer.h"

namespace fct::graphql {
namespace internal {

void print_value(std::string& out, const Value& value) {
  switch (value.kind) {
    case Value::Kind::kNull: out += "null"; return;
    case Value::Kind::kInt:
    case Value::Kind::kFloat:
    case Value::Kind::kEnum: out += value.text; return;
    case Value::Kind::kString: append_quoted(out, value.text); return;
    case Value::Kind::kBoolean: out += value.boolean ? "true" : "false"; return;
    case Value::Kind::kVariable:
      out += '$';
      out += value.text;
      return;
    case Value::Kind::kList: {
      out += '[';
      bool first = true;
      for (const Value& item : value.list) {
        if (!first) out += ", ";
        first = false;
        print_value(out, item);
      }
      out += ']';
      return;
    }
    case Value::Kind::kObject: {
      out += '{';
      bool first = true;
      for (const auto& [name, field] : value.fields) {
        if (!first) out += ", ";
        first = false;
        out += name;
        out += ": ";
        print_value(out, field);
      }
      out += '}';
      return;
    }
  }
}

std::string print_value(const Value& value) {
  std::string out;
  print_value(out, value);
  return out;
}

namespace {

void print_arguments(std::string& out, const std::vector<Argument>& args) {
  if (args.empty()) return;
  out += '(';
  bool first = true;
  for (const Argument& a : args) {
    if (!first) out += ", ";
    first = false;
    out += a.name;
    out += ": ";
    print_value(out, a.value);
  }
  out += ')';
}

void print_directives(std::string& out, const std::vector<Directive>& directives) {
  for (const Directive& d : directives) {
    out += " @";
    out += d.name;
    print_arguments(out, d.arguments);
  }
}

void print_selection_set(std::string& out, const std::vector<Selection>& set) {
  out += '{';
  for (const Selection& sel : set) {
    out += ' ';
    if (sel.field) {
      const Field& f = *sel.field;
      if (!f.alias.empty()) {
        out += f.alias;
        out += ": ";
      }
      out += f.name;
      print_arguments(out, f.arguments);
      print_directives(out, f.directives);
      if (!f.selection_set.empty()) {
        out += ' ';
        print_selection_set(out, f.selection_set);
      }
    } else if (sel.spread) {
      out += "...";
      out += sel.spread->name;
      print_directives(out, sel.spread->directives);
    } else if (sel.inline_fragment) {
      const InlineFragment& frag = *sel.inline_fragment;
      out += "...";
      if (!frag.type_condition.empty()) {
        out += " on ";
        out += frag.type_condition;
      }
      print_directives(out, frag.directives);
      out += ' ';
      print_selection_set(out, frag.selection_set);
    }
  }
  out += " }";
}

void print_operation(std::string& out, const Operation& op) {
  bool shorthand = op.type == OperationType::kQuery && op.name.empty() && op.variables.empty();
  if (!shorthand) {
    out += op.type == OperationType::kMutation ? "mutation" : "query";
    if (!op.name.empty()) {
      out += ' ';
      out += op.name;
    }
    if (!op.variables.empty()) {
      out += '(';
      bool first = true;
      for (const VariableDefinition& v : op.variables) {
        if (!first) out += ", ";
        first = false;
        out += '$';
        out += v.name;
        out += ": ";
        out += v.type.to_string();
        if (v.default_value) {
          out += " = ";
          print_value(out, *v.default_value);
        }
      }
      out += ')';
    }
    out += ' ';
  }
  print_selection_set(out, op.selection_set);
}

}  // namespace
}  // namespace internal

std::string print(const Document& document) {
  std::string out;
  for (const Operation& op : document.operations) {
    if (!out.empty()) out += ' ';
    internal::print_operation(out, op);
  }
  for (const FragmentDefinition& frag : document.fragments) {
    if (!out.empty()) out += ' ';
    out += "fragment ";
    out += frag.name;
    out += " on ";
    out += frag.type_condition;
    out += ' ';
    internal::print_selection_set(out, frag.selection_set);
  }
  return out;
}

}  // namespace fct::graphql
