// Installing hooks into a repository without clobbering anybody else's, where git will
// really run them, and telling an admin where they are and whether git runs them.
#pragma once

#include <string>
#include <vector>

#include "auths/result.h"

namespace auths::client {

/// Where a server's hooks live: plain git (`hooks/<hook>`, or `core.hooksPath`), Gitea/Forgejo
/// (`hooks/<hook>.d/`, run by Gitea's own delegating hook), GitLab/Gitaly
/// (`custom_hooks/<hook>.d/`) or gitolite (`hooks/<hook>`, a link gitolite makes to its common
/// hooks directory).
enum class HookLayout { kPlain, kGitea, kGitLab, kGitolite };
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
/// The state of the server hooks (pre-receive, update, post-receive) in `layout`. With
/// `global_dir` (GitLab: Gitaly's custom_hooks_dir), a hook the project lacks is looked for there.
Result<std::vector<HookState>> server_hooks(const std::string& repo, HookLayout layout,
                                            const std::string& global_dir = "");

/// Every git repository under `dir`, sorted: bare ones (a directory with HEAD, objects/ and
/// refs/) and work trees (a directory with .git), `dir` itself included. Never enters a
/// repository it found (no nested .git internals, no custom_hooks/) nor follows a symbolic link.
Result<std::vector<std::string>> find_repositories(const std::string& dir);

/// What install or uninstall did with one hook file (or one repository's core.hooksPath).
struct HookChange {
  enum class Kind {
    kInstalled,         // written
    kAlreadyInstalled,  // ours, already exactly this
    kSkippedForeign,    // a file auths did not write is there: left alone
    kRemoved,           // ours, removed
    kAbsent,            // nothing of ours there
    kFailed,            // note says why
  };
  std::string hook;  // "pre-receive", or "core.hooksPath"
  std::string path;
  Kind kind = Kind::kAbsent;
  std::string note;
};
std::string to_string(HookChange::Kind kind);  // "installed", "already installed", ...

/// The wrapper `install_hook` writes: a sh script with kInstallMarker that execs `binary`.
std::string hook_script(const std::string& binary);

/// Writes `script` at `path` unless a file auths did not write is there (kSkippedForeign) or the
/// same script is (kAlreadyInstalled).
HookChange install_hook_file(const std::string& hook, const std::string& path, const std::string& script);
/// Whether something auths did not write is at `path` (a file without kInstallMarker, a link).
bool foreign_hook_at(const std::string& path);
/// Removes `path` when auths wrote it (kRemoved); a foreign file stays (kSkippedForeign).
HookChange remove_hook_file(const std::string& hook, const std::string& path);

/// Where the hooks of `layout` go in the repository `repo` (a layout's own place; the plain
/// layout honours core.hooksPath). kGitolite: hooks/<hook>, where gitolite links them.
Result<std::string> hook_target(const std::string& repo, HookLayout layout, const std::string& hook);

/// A shared hooks directory as every repository's core.hooksPath. `use_hooks_path` sets
/// core.hooksPath = `dir` (and auths.hooksPath, which says auths set it) in the repository's own
/// configuration, refusing (kSkippedForeign) when core.hooksPath already names another directory
/// or when the repository has hooks of its own in hooks/ that git would then stop running;
/// `drop_hooks_path` unsets both, only when auths set core.hooksPath to what it still is.
HookChange use_hooks_path(const std::string& repo, const std::string& dir);
HookChange drop_hooks_path(const std::string& repo);

/// gitolite: where its common hooks go and where its repositories are, as `gitolite query-rc`
/// tells for the gitolite user whose HOME is `home` (empty: this process's HOME).
struct GitoliteSite {
  std::string home;
  std::string hooks_dir;       // LOCAL_CODE/hooks/common when the rc sets LOCAL_CODE, else ~/.gitolite/hooks/common
  std::string repo_base;       // GL_REPO_BASE
  std::string local_code;      // LOCAL_CODE, or empty
  bool repo_specific = false;  // the rc enables 'repo-specific-hooks' (and sets LOCAL_CODE)
};
Result<GitoliteSite> gitolite_site(const std::string& home);
/// The script installed as a gitolite hook: runs `binary`, except for the gitolite-admin
/// repository (gitolite's own configuration, pushed by its admin).
std::string gitolite_hook_script(const std::string& binary);
/// `gitolite setup --hooks-only` (gitolite links its common hooks into every repository), or
/// without `hooks_only` a whole `gitolite setup`, as a push to gitolite-admin runs it (its
/// triggers link the repository-specific hooks gitolite.conf names).
Status gitolite_setup(const GitoliteSite& site, bool hooks_only);
/// Removes the links gitolite made in the hooks/ of the repositories under the site to
/// `hook_file` (after it was removed, so that no repository keeps a dangling hook).
std::vector<HookChange> gitolite_unlink(const GitoliteSite& site, const std::string& hook,
                                        const std::string& hook_file);
/// Whether hooks/ of `repo` has a link to `hook_file` (hooks/<hook>, or hooks/<hook>.hNN-<name>
/// for a repository-specific hook).
bool gitolite_linked(const std::string& repo, const std::string& hook_file);

}  // namespace auths::client
