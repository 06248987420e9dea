#include "engine/forge.h"

#include <unordered_set>

#include "git/objects.h"
#include "git/trees.h"
#include "sshsig/sshsig.h"

namespace auths::engine {

namespace {

/// Does the signature of `commit` name a key of `forge` (parsed, not verified: the batch
/// verifies it, and a bad one is refused there)?
bool names_forge_key(const git::CommitInfo& commit, const policy::ForgeSet& forge) {
  if (git::signature_format(commit.signature) != git::SignatureFormat::kSsh) return false;
  auto parsed = sshsig::parse_armored(commit.signature);
  return parsed && !forge.signers.find(parsed->public_key).empty();
}

}  // namespace

Result<std::vector<ForgeCommit>> plan_forge_commits(CommitIndex& index, const policy::Rule& rule,
                                                    const NewHistory& history, std::span<const Oid> trusted,
                                                    const std::optional<Oid>& old_tip, bool forge_push,
                                                    const git::Stop& stop) {
  const git::RepoView& repo = index.repo();
  std::vector<ForgeCommit> out;
  if (!rule.forge || rule.open) return out;
  for (const Oid& c : history.commits) {
    if (history.mainline.count(c) == 0) continue;
    auto info = git::read_commit(repo, c);
    if (!info) {
      if (info.error().code == ErrorCode::kCorrupt) continue;  // refused as malformed by the batch
      return info.error();
    }
    if (!names_forge_key(*info, *rule.forge)) continue;
    ForgeCommit plan;
    plan.commit = c;
    plan.parents = info->parents.size();
    plan.forge_push = forge_push;
    if (plan.is_merge()) {
      const Oid& first = info->parents.front();
      plan.lands = (old_tip && first == *old_tip) || history.mainline.count(first) != 0;
      std::unordered_set<Oid, OidHash> seen;
      std::vector<Oid> hidden(trusted.begin(), trusted.end());
      hidden.push_back(first);
      for (size_t i = 1; i < info->parents.size(); ++i) {
        const Oid& head = info->parents[i];
        plan.heads.push_back(head);
        auto head_info = git::read_commit(repo, head);
        if (head_info) {
          plan.head_checks.push_back(check_signature(head_info->payload, head_info->signature));
          plan.head_times.push_back(head_info->committer_time);
        } else if (head_info.error().code == ErrorCode::kCorrupt) {
          plan.head_checks.emplace_back();  // unsigned as far as approvals go; refused as malformed when new
          plan.head_times.push_back(0);
        } else {
          return head_info.error();
        }
        auto brought = index.walk(head, hidden, stop);
        if (!brought) return brought.error();
        for (const Oid& b : *brought) {
          if (seen.insert(b).second) plan.brought_in.push_back(b);
        }
      }
    }
    out.push_back(std::move(plan));
  }
  return out;
}

}  // namespace auths::engine
