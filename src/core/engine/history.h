// What a ref update brings, in the terms of the trust model (README, "The trust model"):
//   - the new commits: reachable from the new tip and from none of the trusted tips (the ref's
//     own history, what its rule's `from` branches hold, the baseline, tips the server recorded
//     accepting under a rule at least as strict);
//   - among them the mainline: the first-parent chain from the tip, the commits that move the
//     ref; every other new commit is a contribution.
// The trusted tips come from vouchers.h; what a default-branch update does to the policy from
// governance.h.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "auths/types.h"
#include "engine/commit_index.h"
#include "git/repo_view.h"

namespace auths::engine {

struct NewHistory {
  std::vector<Oid> commits;                   // new commits, children before parents
  std::unordered_set<Oid, OidHash> mainline;  // those on the first-parent chain from the tip
};

/// The new commits of `tip` given the `trusted` tips. A commit that cannot be parsed ends the
/// first-parent chain (it is judged, and refused, as malformed where it stands). `stop` (the
/// time budget) ends a long walk with an Error.
Result<NewHistory> new_history(CommitIndex& index, const Oid& tip, std::span<const Oid> trusted,
                               const git::Stop& stop = {});

}  // namespace auths::engine
