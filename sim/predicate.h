// A parser and evaluator for the subset of commercetools query predicates
// ("where") the simulator serves:
//
//   sku = "A"            sku != "A"          quantityOnStock >= 10
//   sku in ("A", "B")    sku not in ("A")    key is defined / key is not defined
//   supplyChannel(id = "c1")                 supplyChannel is defined
//   not (…), (…), and, or                    keywords are case-insensitive
//
// Strings use double quotes with JSON-style escapes (\" \\ \n \t \uXXXX).
// A nested form `field(expr)` prefixes the fields inside with "field.", so
// `supplyChannel(id = "c1")` compares the path "supplyChannel.id".
//
// Parsing is independent of the resource; which paths exist and their types
// are checked by the caller (see CtStore).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/result.h"

namespace fct::sim {

struct PredicateValue {
  enum class Kind { kString, kNumber, kBoolean };
  Kind kind = Kind::kString;
  std::string text;     // kString
  double number = 0;    // kNumber
  bool boolean = false; // kBoolean

  static PredicateValue string(std::string s) { return {Kind::kString, std::move(s), 0, false}; }
  static PredicateValue num(double n) { return {Kind::kNumber, {}, n, false}; }
  static PredicateValue boolean_value(bool b) { return {Kind::kBoolean, {}, 0, b}; }
};

struct Predicate {
  enum class Op { kAnd, kOr, kNot, kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn, kDefined, kNotDefined };
  Op op = Op::kAnd;
  std::string path;                   // comparison ops: "sku", "supplyChannel.id"
  std::vector<PredicateValue> values; // one for comparisons, several for in / not in
  std::vector<Predicate> children;    // kAnd, kOr (two or more), kNot (one)
  int column = 0;                     // 1-based position in the text, for messages
  // kIn / kNotIn with many values: the text of every string value, so that
  // evaluate() can test a (non-date) string by hashing instead of scanning.
  std::shared_ptr<const std::unordered_set<std::string>> string_set;
};

// Parses a predicate. On a syntax error returns kInvalidArgument with a message
// like "Syntax error while parsing 'where'. Expected a value but found ')' (line 1, column 8)".
Result<Predicate> parse_predicate(std::string_view text);

// Looks up a path on the resource being tested; nullopt = not defined.
using FieldLookup = std::function<std::optional<PredicateValue>(const std::string& path)>;

// Evaluates a (validated) predicate. Comparisons with an undefined field are
// false, except != and not in, which are true.
bool evaluate(const Predicate& predicate, const FieldLookup& lookup);

}  // namespace fct::sim
