// Running another program (git, gitolite) without a shell: its stdout kept, the first line of
// its stderr in the error when it fails.
#pragma once

#include <string>
#include <vector>

#include "auths/result.h"

namespace auths::client {

/// Runs `argv` (argv[0] found on PATH), stdin from /dev/null, with `extra_env` ("NAME=value")
/// added to (or replacing in) this process's environment. Returns what it printed on stdout
/// (at most 1 MiB); kIo "'<what>' failed: <first stderr line or exit status>" when it cannot
/// run or exits non-zero.
[[nodiscard]] Result<std::string> run_program(const std::vector<std::string>& argv, const std::string& what,
                                              const std::vector<std::string>& extra_env = {});

}  // namespace auths::client
