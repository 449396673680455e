#include "runtime/plugins.h"

#include <dlfcn.h>

#include <filesystem>

namespace fct {

Status load_plugins(const std::vector<std::string>& paths, const std::string& config_file) {
  for (const auto& path : paths) {
    if (!std::filesystem::exists(path)) {
      return make_error(ErrorCode::kNotFound, config_file + ": plugin " + path + " does not exist");
    }
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
    if (!handle) {
      const char* why = dlerror();
      return make_error(ErrorCode::kInvalidArgument,
                        config_file + ": cannot load plugin " + path + ": " + (why ? why : "unknown error"));
    }
  }
  return ok_status();
}

}  // namespace fct
