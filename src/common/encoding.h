// Encodings the HTTP APIs need.
#pragma once

#include <string>
#include <string_view>

namespace fct {

std::string base64_encode(std::string_view data);
// Percent-encodes for application/x-www-form-urlencoded values.
std::string form_encode(std::string_view value);
// Quotes a string for a commercetools query predicate: "a\"b".
std::string predicate_string(std::string_view value);
void append_predicate_string(std::string& out, std::string_view value);
// Appends a JSON string literal (RFC 8259 escapes, quotes included) of UTF-8
// text. For hot paths that build a request body piece by piece; everything
// else serialises with nlohmann::json.
void append_json_string(std::string& out, std::string_view value);
// The same without the quotes: for a literal assembled from several pieces.
void append_json_escaped(std::string& out, std::string_view value);
// A predicate string inside a JSON string literal: \"value\", the value's own
// quotes and backslashes escaped for the predicate, then everything for JSON.
void append_predicate_string_json(std::string& out, std::string_view value);

}  // namespace fct
