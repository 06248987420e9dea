// The facade hooks and the CLI call: parse hook input, decide a push, render the decision.
// Nothing here prints or exits; callers print the rendered lines and exit with
// exit_code(decision.outcome).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"
#include "auths/types.h"

namespace auths {

enum class CheckMode {
  kServer,  // pre-receive / update / hook run: the repository is the server's
  kLocal,   // pre-push: the repository is the developer's; the remote's state is its remote-tracking refs
};

/// Who and where, for messages and the audit log. `pusher` is informational only, never proof
/// of anything; `repo` also names the project for project-scoped org roles when the
/// repository's `git config auths.repo` does not (the forge sets it on the server).
struct HookContext {
  std::string pusher;         // who pushed, as the server names them (hook_context_from_env)
  std::string pusher_source;  // what named them: the variable (GL_USERNAME, ...) or "uid"
  std::string protocol;       // GL_PROTOCOL's value, else ssh, http, web (the forge itself) or local
  std::string repo;           // GL_PROJECT_PATH, GITEA_REPO_USER_NAME/GITEA_REPO_NAME, GL_REPO; "" = none
  bool gitlab = false;        // GL_ID is set: also print the summary as GL-HOOK-ERR:
  /// The markers of a push the forge made itself: GITEA_INTERNAL_PUSH=true (Gitea's or
  /// Forgejo's own merges and web edits), GL_PROTOCOL=web (GitLab's web UI and API). They count
  /// only for the forge hooks.yaml's `forge:` names (engine Settings.forge_push), and then only
  /// let a forge-signed edit pass under a rule whose forge_commits lists "edit": a marker alone
  /// accepts nothing, the forge's signature is always required.
  bool gitea_internal_push = false;
  bool gitlab_web = false;
};
/// The context from the variables the server sets for the hook. The pusher, from the first
/// that is set: GL_USERNAME (GitLab; GL_ID when only it is), GITEA_PUSHER_NAME (Gitea,
/// Forgejo), GL_USER without GL_ID (gitolite), AUTHS_PUSHER (`auths hook ssh-shell`, the forced
/// command of a plain ssh server), REMOTE_USER under CGI (smart HTTP behind a web server's
/// authentication); else "unix:<the effective user's name>" (never $USER, which a local caller
/// sets). Each names whoever the server authenticated; over a local path or file:// the caller
/// sets the whole environment, and `pusher_source` says which variable the name came from.
HookContext hook_context_from_env();

struct CheckRequest {
  std::string repo_path = ".";
  bool open_from_env = false;  // hooks: honour GIT_DIR and git's quarantine variables
  CheckMode mode = CheckMode::kServer;
  std::string remote;  // kLocal: the remote's name (remote-tracking refs refs/remotes/<remote>/)
  std::vector<RefUpdate> updates;
  int64_t now = 0;       // unix seconds; 0 = the current time
  unsigned threads = 0;  // signature verification threads; 0 = one per core
  /// The hooks: append one line per ref to the audit sink (hooks.yaml `audit:`, else `git config
  /// auths.auditLog`), record pending updates and the signatures verified good, and claim
  /// break-glass overrides. Off for dry runs.
  bool write_audit = false;
  HookContext context;
  /// kServer: the server configuration to read; "" = $AUTHS_HOOKS_CONFIG, else
  /// /etc/auths/hooks.yaml (auths/hooks_config.h, locate_and_load).
  std::string config_path;
};

/// Decides a whole push. An Error means nothing could be decided at all (the repository cannot
/// be opened); problems with one ref (malformed policy, corrupt object) are violations that
/// make the outcome kUndecided.
Result<Decision> check_push(const CheckRequest& request);

/// check_push for hook mains: an Error becomes an undecided Decision (fail closed) whose
/// summary says why. Sets request.context.gitlab as hooks.yaml's `messages:` says (gitlab,
/// plain; auto keeps it), so that the caller renders the messages with request.context.
Decision decide(CheckRequest& request);

/// post-receive: git applied `applied` (post-receive's stdin); records them as accepted (their
/// tips under the rule that judged them, the objects with the time) from the pending rows
/// pre-receive or update wrote when it accepted them. Returns how many were recorded.
Result<size_t> record_applied_updates(const std::string& repo_path, bool open_from_env,
                                      const std::vector<RefUpdate>& applied, int64_t now = 0);

/// Records the repository's refs as the baseline: history it had before the hooks judged
/// anything (`auths hook install` does this once). With `replace`, an existing baseline is
/// replaced. Returns false when a baseline existed and was kept.
Result<bool> record_baseline(const std::string& repo_path, bool replace = false);

/// What the server side of a repository looks like to the hooks (`auths hook status`).
struct ServerStatus {
  std::string git_dir;
  std::string default_branch;           // what HEAD names
  std::string policy_state;             // "in force", "none (bootstrap)", "invalid: ...", "default branch missing"
  bool default_branch_missing = false;  // HEAD names a branch that does not exist: every push fails closed

  std::string policy_source;  // "<commit>:.auths/policy.toml"
  std::string bootstrap;      // "deny" or "allow"
  bool has_records = false;   // state.sqlite exists
  size_t baseline_refs = 0;
  std::string baseline_recorded;  // UTC time of the first baseline row; "" when there is none
  size_t accepted_updates = 0;    // updates git applied that post-receive recorded
  size_t accepted_tips = 0;       // tips kept (a branch moving forward keeps one)
  size_t accepted_objects = 0;
  size_t pending = 0;
};
Result<ServerStatus> server_status(const std::string& repo_path);

/// Reads all of `fd` (stdin for hooks), refusing more than `max_bytes`.
Result<std::string> read_all(int fd, size_t max_bytes);
/// Hook input is small (one line per ref); anything larger is refused, fail closed.
inline constexpr size_t kMaxHookInput = 64u << 20;

/// pre-receive stdin: "<old-oid> SP <new-oid> SP <ref-name> LF" per ref.
Result<std::vector<RefUpdate>> parse_pre_receive_input(std::string_view text);
/// update hook arguments: <ref-name> <old-oid> <new-oid>.
Result<RefUpdate> parse_update_args(std::string_view ref_name, std::string_view old_hex, std::string_view new_hex);
/// pre-push stdin: "<local-ref> SP <local-oid> SP <remote-ref> SP <remote-oid> LF"; becomes
/// RefUpdate{old = remote oid, new = local oid, ref = remote ref}.
Result<std::vector<RefUpdate>> parse_pre_push_input(std::string_view text);

/// The lines a hook prints on stderr: one per violation (at most 20, then a count), at most one
/// hint, then the summary (twice with GitLab's GL-HOOK-ERR: prefix when context.gitlab).
std::vector<std::string> render_messages(const Decision& decision, const HookContext& context);
/// A per-ref, per-object account of the decision, for `auths hook run --explain`.
/// With `all_objects` false, only refused objects are listed.
std::string render_explain(const Decision& decision, bool all_objects = true);
/// One JSON document describing the decision, for `auths hook run --json`.
std::string render_json(const Decision& decision);

/// commit-msg: checks the syntax of Auths-* trailers (Auths-Id, Auths-Device,
/// Auths-Witness-Receipt). A message without them is fine; a malformed one is an Error naming
/// the trailer. Verification never trusts trailers; this only catches mistakes early.
Status check_commit_message(std::string_view message);

/// The one-line summary of a decision (also the first line of render_messages' tail).
std::string summary_line(const Decision& decision);

}  // namespace auths
