// Time as the hooks show it: unix seconds and RFC 3339 UTC ("2026-11-23T10:00:00Z").
#pragma once

#include <cstdint>
#include <string>

namespace auths::util {

/// RFC 3339 UTC with second precision, e.g. "2026-11-23T10:00:00Z".
std::string format_utc(int64_t unix_seconds);
/// The current time in unix seconds.
int64_t now_unix();

}  // namespace auths::util
