// Commits the forge makes itself (policy [forge]; README.md, "Merges made by the forge"): a
// merge made in Gitea's or GitLab's web UI, a file edited there, signed with the forge's own
// key. The forge's key is nobody's signer: such a commit is judged under what the rule of the
// ref states, never exempt.
//
//   - A mainline commit whose good signature is by a [forge] key (and not by a signer of the
//     rule: a key listed there signs as any signer does) is refused, forge-commit-not-allowed,
//     unless the rule's `forge_commits` lists its kind: "merge" (two parents or more), "edit"
//     (one parent or none).
//   - "merge": its first parent is the ref's tip before the push, or a new commit of the
//     ref's first-parent line (the merge lands on the target, it does not carry the target in
//     as a side branch); every new commit it brings in is judged as the rule's own commits
//     (its signers, conditions and quorum: nobody else vouches for them); each merged-in head
//     has `require_approvals` approvals (registry/approval.h) by distinct signers of the rule,
//     not counting the head's own signer (quorum-not-met otherwise).
//   - "edit": only when the push was made by the forge itself (Settings::forge_push, from the
//     forge's environment markers): the hook then trusts the forge's authentication of the web
//     user, and the audit records the pusher the forge names.
//   - Either kind meets the rule's conditions as a key listed directly does (paths and
//     expression apply; max_ttl and require_log = "witness" refuse it), and a forge commit that
//     changes the policy needs [governance] as any other does.
// Planned before the verification batch (engine/judge.h): which mainline commits name a forge
// key (a cheap parse, no verification), their parents, what a merge brings in, and the
// signatures of the merged-in heads (whose signer is not an approval of itself).
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "auths/types.h"
#include "engine/commit_index.h"
#include "engine/history.h"
#include "engine/signature_check.h"
#include "git/repo_view.h"
#include "policy/policy.h"

namespace auths::engine {

/// A mainline commit whose signature names a key of the rule's [forge].
struct ForgeCommit {
  Oid commit;
  size_t parents = 0;
  /// A merge: its first parent is the ref's old tip or a new commit of the first-parent line.
  bool lands = false;
  /// A merge: the parents after the first, their checked signatures and committer times.
  std::vector<Oid> heads;
  std::vector<SignatureCheck> head_checks;
  std::vector<int64_t> head_times;
  /// A merge: the new commits it brings in (from the heads, not from the first parent).
  std::vector<Oid> brought_in;
  /// The push was made by the forge itself (Settings::forge_push).
  bool forge_push = false;

  bool is_merge() const { return parents >= 2; }
};

/// Plans the forge commits among `history`'s mainline, under `rule` (which holds the policy's
/// [forge]; nothing when it has none or is open). `old_tip` is the ref's commit before the push
/// (nullopt for a creation); `trusted` the tips whose history is already verified; `stop` the
/// server's time budget (budget.h), asked by the walks over merged-in commits (CommitIndex's,
/// which end where only known commits are left: libgit2's read the whole history behind).
Result<std::vector<ForgeCommit>> plan_forge_commits(CommitIndex& index, const policy::Rule& rule,
                                                    const NewHistory& history, std::span<const Oid> trusted,
                                                    const std::optional<Oid>& old_tip, bool forge_push,
                                                    const git::Stop& stop);

}  // namespace auths::engine
