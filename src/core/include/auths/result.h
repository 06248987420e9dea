// Result<T>: a value or an Error. Errors are values: the checks could not run (unreadable
// policy, corrupt object, library failure). A rejection by policy is *not* an Error; it is a
// Decision (types.h). Member names follow std::expected so that the type can become an alias
// once the toolchain has it.
#pragma once

#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace auths {

enum class ErrorCode {
  kInvalidArgument,  // malformed input: a bad line on stdin, a bad key, a bad policy value
  kNotFound,         // a file, object, ref or key that is not there
  kCorrupt,          // an object or record whose bytes cannot be what they claim
  kUnsupported,      // understood but not supported (PGP signatures, SHA-256 repositories)
  kPolicy,           // the policy file cannot be loaded (syntax, unknown key, bad value)
  kIo,               // the file system or a process failed
  kGit,              // libgit2 failed
  kCrypto,           // the crypto library failed (not: a signature did not verify)
  kInternal,         // a bug or an exception nobody expected
};

const char* to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // one line, lowercase first word, no full stop (git style)
  std::string context;  // where: a file:line, a ref, an object id; may be empty

  static Error invalid_argument(std::string msg, std::string ctx = {}) {
    return {ErrorCode::kInvalidArgument, std::move(msg), std::move(ctx)};
  }
  static Error not_found(std::string msg, std::string ctx = {}) {
    return {ErrorCode::kNotFound, std::move(msg), std::move(ctx)};
  }
  static Error corrupt(std::string msg, std::string ctx = {}) {
    return {ErrorCode::kCorrupt, std::move(msg), std::move(ctx)};
  }
  static Error unsupported(std::string msg, std::string ctx = {}) {
    return {ErrorCode::kUnsupported, std::move(msg), std::move(ctx)};
  }
  static Error policy(std::string msg, std::string ctx = {}) {
    return {ErrorCode::kPolicy, std::move(msg), std::move(ctx)};
  }
  static Error io(std::string msg, std::string ctx = {}) { return {ErrorCode::kIo, std::move(msg), std::move(ctx)}; }
  static Error git(std::string msg, std::string ctx = {}) { return {ErrorCode::kGit, std::move(msg), std::move(ctx)}; }
  static Error crypto(std::string msg, std::string ctx = {}) {
    return {ErrorCode::kCrypto, std::move(msg), std::move(ctx)};
  }
  static Error internal(std::string msg, std::string ctx = {}) {
    return {ErrorCode::kInternal, std::move(msg), std::move(ctx)};
  }

  /// "context: message", or just the message when there is no context.
  std::string to_string() const { return context.empty() ? message : context + ": " + message; }
};

/// Broken invariants (bugs), never input validation: print where and abort.
[[noreturn]] void assert_fail(const char* expr, const char* file, int line);
#define AUTHS_ASSERT(expr) ((expr) ? static_cast<void>(0) : ::auths::assert_fail(#expr, __FILE__, __LINE__))

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return m_v.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    AUTHS_ASSERT(has_value());
    return std::get<0>(m_v);
  }
  const T& value() const& {
    AUTHS_ASSERT(has_value());
    return std::get<0>(m_v);
  }
  T&& value() && {
    AUTHS_ASSERT(has_value());
    return std::get<0>(std::move(m_v));
  }
  const Error& error() const {
    AUTHS_ASSERT(!has_value());
    return std::get<1>(m_v);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)), m_ok(false) {}  // NOLINT
  bool has_value() const { return m_ok; }
  explicit operator bool() const { return m_ok; }
  const Error& error() const {
    AUTHS_ASSERT(!m_ok);
    return m_error;
  }

 private:
  Error m_error;
  bool m_ok = true;
};

using Status = Result<void>;

}  // namespace auths
