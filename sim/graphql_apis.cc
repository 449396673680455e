// Helpers shared by the two simulated GraphQL APIs.
#include <functional>

#include "sim/graphql_apis.h"

namespace fct::sim {

std::optional<std::set<std::string>> selected_field_names(const graphql::Field& field) {
  std::set<std::string> names;
  bool complete = true;
  std::function<void(const std::vector<graphql::Selection>&)> walk = [&](const auto& selections) {
    for (const auto& s : selections) {
      if (s.field) {
        names.insert(s.field->name);
        walk(s.field->selection_set);
      } else if (s.inline_fragment) {
        walk(s.inline_fragment->selection_set);
      } else {
        complete = false;
      }
    }
  };
  walk(field.selection_set);
  if (!complete) return std::nullopt;
  return names;
}

}  // namespace fct::sim
