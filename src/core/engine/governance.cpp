#include "engine/governance.h"

#include <algorithm>
#include <map>
#include <optional>
#include <span>
#include <unordered_set>

#include "engine/parallel.h"
#include "engine/policy_in_force.h"
#include "git/trees.h"

namespace auths::engine {

namespace {

/// The governed state of a commit: the ids of `.auths/` and of each named file (absent = none).
struct Governed {
  std::vector<std::optional<Oid>> ids;
  bool operator==(const Governed& other) const = default;
};

class GovernedReader {
 public:
  GovernedReader(CommitIndex& index, const std::vector<std::string>& files) : m_index(index) {
    m_paths.push_back(kAuthsDir);
    m_paths.insert(m_paths.end(), files.begin(), files.end());
  }

  Result<Governed> of(const std::optional<Oid>& commit) {
    if (!commit) return Governed{std::vector<std::optional<Oid>>(m_paths.size())};
    auto parsed = m_index.commit(*commit);
    if (!parsed) return parsed.error();
    const Oid& tree = (*parsed)->tree;
    const auto same_tree = m_by_tree.find(tree);
    if (same_tree != m_by_tree.end()) return same_tree->second;
    auto out = read(tree);
    if (!out) return out.error();
    m_by_tree.emplace(tree, *out);
    return out;
  }

  /// Reads the governed state of the trees of `commits` (read already) on every thread of the
  /// index, so that of() finds them: a long line is otherwise a few tree reads per commit, one
  /// after the other. What cannot be read is left for of() to find, and say, where it stands.
  Status prefetch(std::span<const Oid> commits, const git::Stop& stop) {
    std::vector<Oid> trees;
    for (const Oid& c : commits) {
      auto parsed = m_index.commit(c);
      if (parsed && m_by_tree.find((*parsed)->tree) == m_by_tree.end()) trees.push_back((*parsed)->tree);
    }
    std::sort(trees.begin(), trees.end());
    trees.erase(std::unique(trees.begin(), trees.end()), trees.end());
    std::vector<std::optional<Governed>> read_trees(trees.size());
    const Status done = parallel_for(
        trees.size(), m_index.threads(),
        [this, &trees, &read_trees](size_t i) {
          if (auto out = read(trees[i])) read_trees[i] = std::move(*out);
        },
        stop);
    if (!done) return done;
    for (size_t i = 0; i < trees.size(); ++i) {
      if (read_trees[i]) m_by_tree.emplace(trees[i], std::move(*read_trees[i]));
    }
    return {};
  }

 private:
  /// The ids of the governed paths in `tree` (RepoView reads are safe from several threads).
  Result<Governed> read(const Oid& tree) const {
    Governed out;
    for (const auto& path : m_paths) {
      auto entry = git::tree_entry(m_index.repo(), tree, path);
      if (!entry) return entry.error();
      out.ids.push_back(entry->has_value() ? std::optional<Oid>((*entry)->id) : std::nullopt);
    }
    return out;
  }

  CommitIndex& m_index;
  std::vector<std::string> m_paths;
  std::map<Oid, Governed> m_by_tree;  // equal trees mean equal state
};

}  // namespace

Result<PolicyChanges> review_policy_changes(CommitIndex& index, const Oid& old_tip, const Oid& new_tip,
                                            const std::vector<std::string>& named_files, const git::Stop& stop) {
  PolicyChanges out;
  const auto stopped = [&stop] { return stop && stop(); };
  const Error stop_error = Error::internal("the review of policy changes stopped");
  // The commits joining the first-parent line: the chain from the new tip down to the first
  // commit the branch already had.
  const Oid hidden[] = {old_tip};
  auto fresh_list = index.walk(new_tip, hidden, stop);
  if (!fresh_list) return fresh_list.error();
  if (Status s = index.load(*fresh_list, stop); !s) return s.error();
  const std::unordered_set<Oid, OidHash> fresh(fresh_list->begin(), fresh_list->end());
  GovernedReader governed(index, named_files);
  std::vector<std::pair<Oid, std::optional<Oid>>> line;  // (commit, its first parent)
  std::optional<Oid> cursor = new_tip;
  while (cursor && fresh.count(*cursor) != 0) {
    if (stopped()) return stop_error;
    auto parent = index.first_parent(*cursor);
    if (!parent) return parent.error();
    line.emplace_back(*cursor, *parent);
    cursor = *parent;
  }
  std::reverse(line.begin(), line.end());
  std::vector<Oid> line_commits;
  line_commits.reserve(line.size() + 1);
  for (const auto& entry : line) line_commits.push_back(entry.first);
  line_commits.push_back(old_tip);
  if (Status s = governed.prefetch(line_commits, stop); !s) return stopped() ? stop_error : s.error();

  // A commit that cannot be parsed is refused as malformed where it stands; it says nothing
  // about the policy (and a tip that cannot be parsed changes nothing: the push is refused).
  const auto malformed = [](const Error& e) { return e.code == ErrorCode::kCorrupt; };
  auto in_force = governed.of(old_tip);
  if (!in_force) return in_force.error();
  auto at_tip = governed.of(new_tip);
  if (!at_tip) {
    if (malformed(at_tip.error())) return out;
    return at_tip.error();
  }
  out.changed = !(*at_tip == *in_force);
  bool introduced = false;
  for (const auto& [commit, parent] : line) {
    if (stopped()) return stop_error;  // each commit's governed files: a few tree lookups
    auto own = governed.of(commit);
    auto before = governed.of(parent);
    if (!own || !before) {
      const Error& e = !own ? own.error() : before.error();
      if (malformed(e)) continue;
      return e;
    }
    if (*own == *before) continue;
    // A commit that only brings back what is in force (merging main into a branch that is then
    // fast-forwarded) changes nothing that matters.
    if (!(*own == *in_force)) out.changing.push_back(commit);
    if (*own == *at_tip) introduced = true;
  }
  out.unattributed = out.changed && !introduced;
  return out;
}

}  // namespace auths::engine
