#include "engine/commit_index.h"

#include <algorithm>

#include "engine/parallel.h"
#include "git/trees.h"

namespace auths::engine {

namespace {

Result<CommitIndex::Entry> read_entry(const git::RepoView& repo, const Oid& oid) {
  auto info = git::read_commit(repo, oid);
  if (!info) return info.error();
  return CommitIndex::Entry{info->tree, std::move(info->parents)};
}

}  // namespace

Result<std::vector<Oid>> CommitIndex::walk(const Oid& tip, std::span<const Oid> hidden, const git::Stop& stop) {
  std::vector<Oid> key_hidden(hidden.begin(), hidden.end());
  std::sort(key_hidden.begin(), key_hidden.end());
  key_hidden.erase(std::unique(key_hidden.begin(), key_hidden.end()), key_hidden.end());
  auto key = std::make_pair(tip, std::move(key_hidden));
  if (const auto found = m_walks.find(key); found != m_walks.end()) return found->second;
  auto commits = m_repo.walk(tip, hidden, stop);
  if (!commits) return commits.error();  // a stopped walk is not remembered
  m_walks.emplace(std::move(key), *commits);
  return commits;
}

Status CommitIndex::load(std::span<const Oid> commits, const git::Stop& stop) {
  std::vector<Oid> missing;
  for (const Oid& c : commits) {
    if (m_commits.find(c) == m_commits.end()) missing.push_back(c);
  }
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
  std::vector<std::optional<Known>> read(missing.size());
  const Status done = parallel_for(
      missing.size(), m_threads, [this, &missing, &read](size_t i) { read[i] = read_entry(m_repo, missing[i]); }, stop);
  if (!done) return done;
  for (size_t i = 0; i < missing.size(); ++i) {
    // Only what a commit is (its bytes) is remembered, never a failure to read it.
    if (read[i]->has_value() || read[i]->error().code == ErrorCode::kCorrupt) {
      m_commits.emplace(missing[i], std::move(*read[i]));
    }
  }
  return {};
}

Result<CommitIndex::Entry> CommitIndex::commit(const Oid& commit) {
  if (const auto found = m_commits.find(commit); found != m_commits.end()) return found->second;
  auto entry = read_entry(m_repo, commit);
  if (entry.has_value() || entry.error().code == ErrorCode::kCorrupt) m_commits.emplace(commit, entry);
  return entry;
}

Result<std::optional<Oid>> CommitIndex::first_parent(const Oid& commit) {
  auto entry = this->commit(commit);
  if (!entry) {
    if (entry.error().code == ErrorCode::kCorrupt) return std::optional<Oid>{};
    return entry.error();
  }
  if (entry->parents.empty()) return std::optional<Oid>{};
  return std::optional<Oid>(entry->parents.front());
}

}  // namespace auths::engine
