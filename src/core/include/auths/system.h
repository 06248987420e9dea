// What the CLI and the hooks take from the core about the system they run on: times as every
// message shows them, and the OS user running the process.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace auths {

/// RFC 3339 UTC with second precision, e.g. "2026-11-23T10:00:00Z" (src/core/util/time.h).
std::string format_utc(int64_t unix_seconds);

/// The name of the effective user running this process (the password database, never $USER:
/// the environment is the caller's to set); nullopt when it has no entry.
std::optional<std::string> os_user_name();

}  // namespace auths
