// Changing the policy (README, "The trust model"): only the default branch carries the policy
// in force, so only its first-parent line needs [governance]. A commit joining that line whose
// governed files (`.auths/` and the files the policy names) differ from its *first* parent's,
// to something other than what is in force, must be signed by [governance]; a line whose tip
// changes the policy without any commit of the line introducing the change (it starts from an
// older base that carries an older policy: a rollback) is refused on its tip.
#pragma once

#include <string>
#include <vector>

#include "auths/types.h"
#include "engine/commit_index.h"
#include "git/repo_view.h"

namespace auths::engine {

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
/// `stop` (the time budget) ends a long review with an Error.
Result<PolicyChanges> review_policy_changes(CommitIndex& index, const Oid& old_tip, const Oid& new_tip,
                                            const std::vector<std::string>& named_files, const git::Stop& stop = {});

}  // namespace auths::engine
