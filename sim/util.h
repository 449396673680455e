// Small helpers shared by the simulator: time stamps, deterministic hashing,
// ids, base64 and form decoding. Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace fct::sim {

// Milliseconds since the Unix epoch, UTC.
using Millis = int64_t;

// The simulator's notion of "now". Tests inject their own.
using Clock = std::function<Millis()>;
Millis system_now();

// Parses ISO-8601 date-times as the APIs accept them:
//   2026-01-01T00:00:00Z, 2026-01-01T00:00:00.123Z, 2026-01-01T10:00:00+02:00,
//   2022-10-20T04:12:08.812570167 (no offset = UTC), 2026-01-01 (midnight UTC).
// Fractions beyond milliseconds are truncated. Returns nullopt when invalid.
std::optional<Millis> parse_iso8601(std::string_view text);

// Formats as 2026-01-01T00:00:00.000Z.
std::string format_iso8601(Millis t);

// SplitMix64: a fast, well-mixed deterministic hash of one 64-bit value.
uint64_t mix64(uint64_t x);
// Mixes several values; order matters.
uint64_t hash_combine(uint64_t a, uint64_t b);
uint64_t hash_string(std::string_view s);
// A double in [0, 1) from a hash.
double unit_interval(uint64_t h);

// A UUID-shaped id (8-4-4-4-12 lower-case hex) derived from a 64-bit value.
std::string uuid_like(uint64_t value);

std::string base64_encode(std::string_view data);
// Returns nullopt on characters outside the standard alphabet or bad padding.
std::optional<std::string> base64_decode(std::string_view data);

// Decodes application/x-www-form-urlencoded text into name → value (first wins).
std::map<std::string, std::string> parse_form(std::string_view body);
std::string url_decode(std::string_view text);

// Parses "Basic base64(user:password)". Returns nullopt when absent or malformed.
std::optional<std::pair<std::string, std::string>> parse_basic_auth(std::string_view header);

// Returns the token of "Bearer <token>" (case-insensitive scheme), or empty.
std::string parse_bearer(std::string_view header);

}  // namespace fct::sim
