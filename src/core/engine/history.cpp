#include "engine/history.h"

namespace auths::engine {

Result<NewHistory> new_history(CommitIndex& index, const Oid& tip, std::span<const Oid> trusted,
                               const git::Stop& stop) {
  NewHistory out;
  auto commits = index.walk(tip, trusted, stop);
  if (!commits) return commits.error();
  out.commits = std::move(*commits);
  // The mainline is followed one commit at a time: read them all first, on every core.
  if (Status s = index.load(out.commits, stop); !s) return s.error();
  const std::unordered_set<Oid, OidHash> fresh(out.commits.begin(), out.commits.end());
  std::optional<Oid> cursor = tip;
  while (cursor && fresh.count(*cursor) != 0 && out.mainline.insert(*cursor).second) {
    if (stop && stop()) return Error::internal("listing the mainline stopped");
    auto parent = index.first_parent(*cursor);
    if (!parent) return parent.error();
    cursor = *parent;
  }
  return out;
}

}  // namespace auths::engine
