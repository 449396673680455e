// Faster JSON reading and writing for the simulator's request and reply
// bodies, with nlohmann::json's results.
//
// parse_json() reads the text with simdjson's DOM parser (the project's fast
// reader, as in src/api/reply_decoders.cc) and converts it to nlohmann::json;
// anything nlohmann would store differently (numbers with a fraction or an
// exponent) and anything simdjson rejects (syntax errors, very deep nesting,
// integers past 64 bits) is re-read by nlohmann::json::parse, so its result,
// including the "discarded" value for invalid text, is what nlohmann returns.
// One difference: an integer written -0 comes back as unsigned 0 where nlohmann
// stores a signed 0 (equal under ==, dumped the same).
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

// As nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false) (see above).
nlohmann::json parse_json(std::string_view text);

// Same as value.dump().
std::string dump_json(const nlohmann::json& value);

}  // namespace fct::sim
