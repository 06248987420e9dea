// JSON Canonicalization Scheme (RFC 8785): the bytes attestations are signed over, plus a
// strict JSON parser for signed records (size cap, depth cap, no duplicate keys).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "auths/result.h"

namespace auths::keri {

/// The largest integer magnitude a double (and so every JSON implementation) holds exactly:
/// 2^53. Larger integers are refused in signed JSON, where they could print differently.
inline constexpr uint64_t kMaxExactInteger = uint64_t{1} << 53;

/// The RFC 8785 form of `value`:
///   - object members sorted by their names as UTF-16 code units (section 3.2.3), recursively;
///   - no whitespace;
///   - strings with only '"', '\\' and U+0000..U+001F escaped, the latter as \b \t \n \f \r
///     or \u00xx (section 3.2.2.2), everything else as UTF-8;
///   - numbers as ECMAScript's Number.prototype.toString prints the IEEE-754 double
///     (section 3.2.2.3).
/// Errors: invalid UTF-8, NaN or infinity, and integers beyond +-2^53 (they would silently lose
/// precision as doubles, so two different documents could share one canonical form).
[[nodiscard]] Result<std::string> canonicalize(const nlohmann::json& value);
[[nodiscard]] Result<std::string> canonicalize(const nlohmann::ordered_json& value);

/// ECMAScript Number::toString for a finite double ("1e+21", "0.000001", "-0" prints "0").
[[nodiscard]] Result<std::string> format_es_number(double value);

/// Parses JSON text strictly: at most `max_bytes` bytes, nesting at most `max_depth` deep, no
/// duplicate member names, valid UTF-8, nothing after the value. kInvalidArgument otherwise.
[[nodiscard]] Result<nlohmann::json> parse_json_strict(std::string_view text, size_t max_bytes, size_t max_depth = 64);
/// The same, keeping members in document order.
[[nodiscard]] Result<nlohmann::ordered_json> parse_ordered_json_strict(std::string_view text, size_t max_bytes,
                                                                       size_t max_depth = 64);

}  // namespace auths::keri
