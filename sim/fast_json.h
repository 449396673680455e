// Faster JSON reading and writing for the simulator's request and reply
// bodies, with exactly nlohmann::json's results.
//
// parse_json() handles the common case itself (ASCII strings with simple
// escapes, integers, literals, objects, arrays) and hands anything else
// (\u escapes, non-ASCII text, fractions, exponents, huge integers, deep
// nesting, syntax errors) to nlohmann::json::parse, so its result, including
// the "discarded" value for invalid text, is always what nlohmann returns.
//
// dump_json() writes what nlohmann::json::dump() writes with its defaults
// (compact, UTF-8 kept, invalid UTF-8 throws type_error 316); strings that
// need escaping and floats are written by nlohmann itself.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fct::sim {

// Same as nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false).
nlohmann::json parse_json(std::string_view text);

// Same as value.dump().
std::string dump_json(const nlohmann::json& value);

}  // namespace fct::sim
