// What a ref update brings, in the terms of the trust model (README, "The trust model"):
//   - the new commits: reachable from the new tip and from none of the trusted tips (the ref's
//     own history, what its rule's `from` branches hold, the baseline, tips the server recorded
//     accepting under a rule at least as strict);
//   - among them the mainline: the first-parent chain from the tip, the commits that move the
//     ref; every other new commit is a contribution;
//   - for the default branch, the commits whose arrival on its first-parent line changes the
//     policy in force, which only [governance] may do.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "auths/types.h"
#include "git/repo_view.h"

namespace auths::engine {

struct NewHistory {
  std::vector<Oid> commits;                   // new commits, children before parents
  std::unordered_set<Oid, OidHash> mainline;  // those on the first-parent chain from the tip
};

/// The new commits of `tip` given the `trusted` tips. A commit that cannot be parsed ends the
/// first-parent chain (it is judged, and refused, as malformed where it stands).
Result<NewHistory> new_history(const git::RepoView& repo, const Oid& tip, std::span<const Oid> trusted);

/// What a default-branch update from `old_tip` to `new_tip` does to the policy in force.
struct PolicyChanges {
  /// Commits joining the first-parent line whose governed files (`.auths/` and the files the
  /// policy names) differ from their first parent's, to something other than what is in force
  /// now: each must be signed by [governance]. Oldest first.
  std::vector<Oid> changing;
  /// The new tip's governed files differ from the old tip's.
  bool changed = false;
  /// `changed`, but no commit of the line introduces the new state (the line starts from an
  /// older base whose policy it carries: a rollback): refused on the tip.
  bool unattributed = false;
};

/// `named_files` are the files outside `.auths/` the policy names (in force, or at the new tip).
Result<PolicyChanges> review_policy_changes(const git::RepoView& repo, const Oid& old_tip, const Oid& new_tip,
                                            const std::vector<std::string>& named_files);

}  // namespace auths::engine
