// Installing hooks into a repository without clobbering anybody else's.
#pragma once

#include <string>

#include "auths/result.h"

namespace auths {

/// Where a server's hooks live: plain git (`hooks/<hook>`), Gitea/Forgejo (`hooks/<hook>.d/`,
/// run by Gitea's own delegating hook) or GitLab/Gitaly (`custom_hooks/<hook>.d/`).
enum class HookLayout { kPlain, kGitea, kGitLab };
Result<HookLayout> parse_hook_layout(const std::string& name);

/// The marker line that identifies a hook file as ours (and so safe to replace).
inline constexpr const char* kInstallMarker = "# installed by auths hook install";

/// Writes a small sh wrapper that execs `binary` for `hook` ("pre-receive", "update",
/// "pre-push", "commit-msg") in the repository at `repo` (a bare repository or a work tree).
/// Refuses (kInvalidArgument) to replace a file that lacks kInstallMarker. Returns the path written.
Result<std::string> install_hook(const std::string& repo, HookLayout layout, const std::string& hook,
                                 const std::string& binary);

}  // namespace auths
