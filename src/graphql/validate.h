// Private: document validation against a schema (graphql-js rules and messages).
#pragma once

#include <nlohmann/json.hpp>

#include "graphql/graphql.h"
#include "graphql/schema_impl.h"

namespace fct::graphql::internal {

// Maximum chain of fragment spreads inside fragment spreads.
inline constexpr size_t kMaxFragmentDepth = 64;

// A GraphQL error object {"message", "locations"}.
nlohmann::json make_error_json(const std::string& message, const std::vector<Location>& locations);

// Validates every definition of the document. Returns the errors (an array,
// empty when the document is valid).
nlohmann::json validate(const Schema::Impl& schema, const Document& document);

}  // namespace fct::graphql::internal
