// Private: printing helpers shared by print(), batch() and error messages.
#pragma once

#include <string>

#include "graphql/graphql.h"

namespace fct::graphql::internal {

void print_value(std::string& out, const Value& value);
std::string print_value(const Value& value);

}  // namespace fct::graphql::internal
