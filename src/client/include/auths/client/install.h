// Installing hooks into a repository without clobbering anybody else's, where git will
// really run them, and telling an admin where they are and whether git runs them.
#pragma once

#include <string>
#include <vector>

#include "auths/result.h"

namespace auths::client {

/// Where a server's hooks live: plain git (`hooks/<hook>`, or `core.hooksPath`), Gitea/Forgejo
/// (`hooks/<hook>.d/`, run by Gitea's own delegating hook) or GitLab/Gitaly
/// (`custom_hooks/<hook>.d/`).
enum class HookLayout { kPlain, kGitea, kGitLab };
Result<HookLayout> parse_hook_layout(const std::string& name);

/// The marker line that identifies a hook file as ours (and so safe to replace).
inline constexpr const char* kInstallMarker = "# installed by auths hook install";

/// Writes a small sh wrapper that execs `binary` for `hook` ("pre-receive", "update",
/// "post-receive", "pre-push", "commit-msg") where git runs it in the repository at `repo` (a
/// bare repository or a work tree). The plain layout honours `core.hooksPath` as git does (a
/// relative path is relative to the directory git runs the hook in: the git directory for the
/// server's hooks, the work tree for a developer's). Refuses (kInvalidArgument) to replace a
/// file that lacks kInstallMarker. Returns the path written.
Result<std::string> install_hook(const std::string& repo, HookLayout layout, const std::string& hook,
                                 const std::string& binary);

/// One hook as git will (or will not) run it.
struct HookState {
  std::string hook;  // "pre-receive"
  std::string path;  // where git looks for it in this layout
  bool exists = false;
  bool executable = false;
  bool ours = false;  // carries kInstallMarker
  bool git_runs = false;
  std::string note;  // why git does not run it, or how it is run
};
/// The state of the server hooks (pre-receive, update, post-receive) in `layout`.
Result<std::vector<HookState>> server_hooks(const std::string& repo, HookLayout layout);

}  // namespace auths::client
