// The decision of a whole push, from two interfaces only: what the repository holds
// (git::RepoView) and what the server remembers (state::Records). No file, no process, no
// clock: the facade (push_check.cpp's check_push) opens the real ones, the unit tests pass
// fakes (tests/support/).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auths/types.h"
#include "auths/verify.h"
#include "git/repo_view.h"
#include "state/records.h"

namespace auths::policy {
struct Policy;
}

namespace auths::registry {
class RecordSource;
class State;
}  // namespace auths::registry

namespace auths::engine {

struct Settings {
  CheckMode mode = CheckMode::kServer;
  std::string remote;            // kLocal: whose remote-tracking refs describe the remote
  bool bootstrap_allow = false;  // `git config auths.bootstrap allow`, hooks.yaml `bootstrap: allow`
  /// hooks.yaml `bootstrap: <file>`: the server's default policy, in force (kServer) while the
  /// default branch has no .auths/policy.toml; `default_policy_source` names it in reports.
  std::shared_ptr<const policy::Policy> default_policy;
  std::string default_policy_source;
  int64_t now = 0;       // unix seconds
  unsigned threads = 1;  // signature verification threads
  /// The repository's project path ("group/project"), for project-scoped org roles: `git config
  /// auths.repo`, else GL_PROJECT_PATH, else GITEA_REPO_USER_NAME/GITEA_REPO_NAME; "" = unknown
  /// (then only org-wide memberships count).
  std::string project;
  /// The server's memory of the registry (state/store.h, "The registry as the hook last verified
  /// it"): `verified_registry` gives what it kept for a registry tip (nullptr: nothing), and
  /// `remember_registry` is told of each registry this check loaded and verified in full. Unset
  /// (pre-push, tests): every check loads the registry in full.
  std::function<std::shared_ptr<const registry::RecordSource>(const Oid& tip)> verified_registry;
  std::function<void(const Oid& tip, const registry::State& state)> remember_registry;
  /// Told, once the push is decided (also when refused), of the signatures this check verified
  /// good itself (not those state::Records::good_signatures knew), for the server to keep when
  /// the push is accepted (state/store.h, "Signature checks"). Unset: not told.
  std::function<void(std::vector<state::GoodSignature> good)> verified_signatures;

  /// Server limits from hooks.yaml (src/core/config): unset or empty = none.
  /// Past `deadline`, the push is refused with time-budget-exceeded (never half-checked).
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// More new commits than this in one push: push-too-large (0 = no limit).
  size_t max_push_commits = 0;
  /// did:keri identities and orgs the policy's [governance] and `org` must be among
  /// (trust-root-mismatch otherwise); empty = the policy chooses its own roots.
  std::vector<std::string> trust_roots;
  /// The witnesses the server trusts (did:key); set: a policy's [witness] key counts only
  /// when it is one of these.
  std::optional<std::vector<std::string>> witness_keys;
  /// The push was made by the forge itself (GITEA_INTERNAL_PUSH=true, GL_PROTOCOL=web), as the
  /// hook's environment says: only then can a forge-signed edit pass (see [forge]).
  bool forge_push = false;
};

/// Decides a push. Problems with one ref (a policy that does not load, an unreadable object)
/// are violations that make the outcome kUndecided; an Error means nothing could be decided
/// (the refs cannot be listed).
Result<Decision> judge_push(const git::RepoView& repo, const state::Records& records, const Settings& settings,
                            const std::vector<RefUpdate>& updates);

}  // namespace auths::engine
