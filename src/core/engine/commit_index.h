// What a push needs to know of the history it brings, asked once: the commits reachable from a
// tip and from none of some others (each distinct walk done once: the fast-forward test, the
// new commits of a ref and the review of its policy changes often ask the same), and each
// listed commit's tree and parents, read on every core and kept until the push is judged.
//
// Without it a 100,000-commit push walked its history three times and read each commit on one
// thread up to four times (scripts/bench/verify.sh).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "auths/result.h"
#include "auths/types.h"
#include "git/objects.h"
#include "git/repo_view.h"

namespace auths::engine {

class CommitIndex {
 public:
  /// What is kept of one commit.
  struct Entry {
    Oid tree;
    std::vector<Oid> parents;
    int64_t time = 0;  // the committer's: orders the walk
  };

  CommitIndex(const git::RepoView& repo, unsigned threads) : m_repo(repo), m_threads(threads == 0 ? 1 : threads) {}

  const git::RepoView& repo() const { return m_repo; }
  /// The threads it reads with (at least one).
  unsigned threads() const { return m_threads; }

  /// The commits reachable from `tip` and from none of `hidden`, children before parents
  /// (`git rev-list --topo-order tip --not hidden`), remembered: objects never change, so
  /// neither does the answer. The walk goes newest first from all of them at once and ends
  /// when only commits reachable from `hidden` are left to look at (git's revision.c does the
  /// same), so it reads the new commits and about as many old ones: never the whole history
  /// behind `hidden` (libgit2's revwalk read all of it: 330 ms per push on a 1,000,000-commit
  /// repository). Clock skew can only make it list an old commit as new, which is judged like
  /// a new one (stricter), never the other way round. A commit that cannot be parsed is listed
  /// (and refused as malformed where it stands) without its parents; a missing one is an Error.
  Result<std::vector<Oid>> walk(const Oid& tip, std::span<const Oid> hidden, const git::Stop& stop);

  /// Reads the commits of `commits` not read yet, on up to `threads` threads. A commit that
  /// cannot be parsed is remembered as such (commit() then says kCorrupt again).
  Status load(std::span<const Oid> commits, const git::Stop& stop);

  /// The tree and parents of `commit`, read now when load() did not (kept with the index, not
  /// copied: the walk asks several times per commit); kCorrupt when it cannot be parsed as git
  /// parses it.
  Result<const Entry*> commit(const Oid& commit);

  /// Is `ancestor` `descendant` or in its history? The commits reachable from `descendant` but
  /// not from `ancestor` (walk, so the answer costs what the new commits cost, never the whole
  /// history: libgit2's git_graph_descendant_of hashes the 60 MB commit-graph of a 1,000,000-
  /// commit repository first): `ancestor` is in the history exactly when one of them has it as
  /// a parent, the last step of a path down to it. A commit that cannot be parsed gives no path.
  Result<bool> descends_from(const Oid& descendant, const Oid& ancestor, const git::Stop& stop);

  /// The first parent, or nullopt for a root commit or one that cannot be parsed (refused as
  /// malformed where it stands, engine/judge.cpp).
  Result<std::optional<Oid>> first_parent(const Oid& commit);

  /// Shown each commit that commit() reads and parses, whole, on the caller's thread: the
  /// walk's reads, one after another (engine/checked_ahead.h checks their signatures
  /// meanwhile). Not shown what load() reads: all cores are busy then.
  using ReadObserver = std::function<void(const Oid&, const git::CommitInfo&)>;
  void on_read(ReadObserver observer) { m_on_read = std::move(observer); }

 private:
  using Known = Result<Entry>;

  Result<std::vector<Oid>> walk_new(const Oid& tip, std::span<const Oid> hidden, const git::Stop& stop);

  const git::RepoView& m_repo;
  unsigned m_threads;
  ReadObserver m_on_read;
  std::unordered_map<Oid, Known, OidHash> m_commits;
  std::map<std::pair<Oid, std::vector<Oid>>, std::vector<Oid>> m_walks;
};

}  // namespace auths::engine
