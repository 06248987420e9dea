#include "engine/history.h"

#include <algorithm>

#include "git/trees.h"

namespace auths::engine {

namespace {

/// The first parent of `commit`, or nullopt for a root commit or one that cannot be parsed
/// (it is refused as malformed where it stands).
Result<std::optional<Oid>> first_parent(const git::RepoView& repo, const Oid& commit) {
  auto info = git::read_commit(repo, commit);
  if (!info) {
    if (info.error().code == ErrorCode::kCorrupt) return std::optional<Oid>{};
    return info.error();
  }
  if (info->parents.empty()) return std::optional<Oid>{};
  return std::optional<Oid>(info->parents.front());
}

}  // namespace

Result<NewHistory> new_history(const git::RepoView& repo, const Oid& tip, std::span<const Oid> trusted,
                               const git::Stop& stop) {
  NewHistory out;
  auto commits = repo.walk(tip, trusted, stop);
  if (!commits) return commits.error();
  out.commits = std::move(*commits);
  const std::unordered_set<Oid, OidHash> fresh(out.commits.begin(), out.commits.end());
  std::optional<Oid> cursor = tip;
  while (cursor && fresh.count(*cursor) != 0 && out.mainline.insert(*cursor).second) {
    if (stop && stop()) return Error::internal("listing the mainline stopped");
    auto parent = first_parent(repo, *cursor);
    if (!parent) return parent.error();
    cursor = *parent;
  }
  return out;
}

}  // namespace auths::engine
