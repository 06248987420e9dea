// Files of the identity home: whole-file reads with a size cap, and writes that a reader never
// sees half done. One helper per job for the key store, the identity home, auths-sign and the
// commit-msg hook.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "auths/result.h"

namespace auths::client {

/// strerror(err), for messages.
std::string errno_text(int err);

/// Writes all of `data` to `fd`, retrying short writes and EINTR. kIo ("cannot write: ...")
/// without context; callers add where.
[[nodiscard]] Status write_all(int fd, std::string_view data);

/// The whole file, at most `max_size` bytes. kNotFound when it does not exist, kCorrupt when it
/// is larger, kIo for anything else; the context is the path.
[[nodiscard]] Result<std::string> read_file(const std::filesystem::path& path, size_t max_size);

/// Writes `content` to `path` with `mode` through a temporary file in the same directory (made,
/// with missing parents, when absent), synced before it takes the name and the directory synced
/// after, so that a reader sees the old file or the new one, never half of one. With `replace`
/// the file is renamed over an existing one; otherwise link() puts it in place only if nothing
/// is there, atomically (kInvalidArgument "already exists" when something is).
[[nodiscard]] Status write_file(const std::filesystem::path& path, std::string_view content, mode_t mode, bool replace);

}  // namespace auths::client
