// The project's one error style: fallible calls return Status or Result<T>.
// No exception crosses a module boundary; code that calls a throwing library
// (nlohmann::json, yaml-cpp) catches at that boundary and returns an Error.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace fct {

enum class ErrorCode {
  kInvalidArgument,   // bad input: configuration, setting, position data, request
  kNotFound,          // a named thing does not exist (setting, channel, route)
  kUnauthenticated,   // 401 / token refused
  kPermissionDenied,  // 403
  kConflict,          // 409 ConcurrentModification
  kDuplicate,         // 400 DuplicateField
  kUnavailable,       // retryable: 5xx, 429, reset, timeout
  kDeadlineExceeded,  // a per-request or per-run deadline ran out
  kProtocol,          // the peer answered something we cannot understand
  kGraphQL,           // GraphQL errors array in an otherwise successful reply
  kInternal,          // a bug or an environment failure (disk, sqlite)
  kCancelled,
};

const char* to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // says what failed and where; never contains secrets

  // Prefixes context, e.g. Error{...}.context("setting fc.connect...").
  Error context(const std::string& where) const& { return Error{code, where + ": " + message}; }
  std::string to_string() const { return std::string(fct::to_string(code)) + ": " + message; }
  bool retryable() const {
    return code == ErrorCode::kUnavailable || code == ErrorCode::kDeadlineExceeded;
  }
};

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

// Result<T>: a value or an Error. Status is Result<void>.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { assert(!ok()); return *error_; }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;
inline Status ok_status() { return Status(); }

}  // namespace fct

// Propagates an error from an expression returning Result/Status.
#define FCT_RETURN_IF_ERROR(expr)                 \
  do {                                            \
    auto fct_status_ = (expr);                    \
    if (!fct_status_.ok()) return fct_status_.error(); \
  } while (0)

#define FCT_CONCAT_INNER_(a, b) a##b
#define FCT_CONCAT_(a, b) FCT_CONCAT_INNER_(a, b)
// FCT_ASSIGN_OR_RETURN(auto x, expr): declares x from a Result or returns its error.
#define FCT_ASSIGN_OR_RETURN(decl, expr) FCT_ASSIGN_OR_RETURN_IMPL_(FCT_CONCAT_(fct_result_, __LINE__), decl, expr)
#define FCT_ASSIGN_OR_RETURN_IMPL_(tmp, decl, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.error();                \
  decl = std::move(tmp).value()
