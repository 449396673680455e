// Default configuration built into the binary: connector.yml and the GraphQL
// documents it names, keyed by file name.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace fct {

const std::map<std::string, std::string_view>& embedded_files();

}  // namespace fct
