// Process exit codes, defined once for hooks and the CLI.
#pragma once

namespace auths {

inline constexpr int kExitAccepted = 0;   // every check passed
inline constexpr int kExitRejected = 1;   // rejected by policy (violations were printed)
inline constexpr int kExitUndecided = 2;  // could not decide: fail closed (the reason was printed)
inline constexpr int kExitUsage = 64;     // CLI only: bad command line

}  // namespace auths
