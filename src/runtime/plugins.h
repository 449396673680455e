// Partner plugins: shared libraries listed under `plugins:` in connector.yml.
// Loading one runs its static initialisers, which register handlers through
// FCT_REGISTER_HANDLER (runtime/handler.h) with the running binary's registry.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace fct {

// dlopen()s each path (RTLD_NOW | RTLD_GLOBAL). Errors name the file and dlerror().
// Libraries stay loaded for the life of the process.
Status load_plugins(const std::vector<std::string>& paths, const std::string& config_file);

}  // namespace fct
