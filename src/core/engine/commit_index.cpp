#include "engine/commit_index.h"

#include <algorithm>
#include <queue>
#include <string>

#include "engine/parallel.h"
#include "git/trees.h"

namespace auths::engine {

namespace {

Result<CommitIndex::Entry> read_entry(const git::RepoView& repo, const Oid& oid) {
  auto info = git::read_commit(repo, oid);
  if (!info) return info.error();
  return CommitIndex::Entry{info->tree, std::move(info->parents), info->committer_time};
}

}  // namespace

Result<std::vector<Oid>> CommitIndex::walk(const Oid& tip, std::span<const Oid> hidden, const git::Stop& stop) {
  std::vector<Oid> key_hidden(hidden.begin(), hidden.end());
  std::sort(key_hidden.begin(), key_hidden.end());
  key_hidden.erase(std::unique(key_hidden.begin(), key_hidden.end()), key_hidden.end());
  auto key = std::make_pair(tip, std::move(key_hidden));
  if (const auto found = m_walks.find(key); found != m_walks.end()) return found->second;
  auto commits = walk_new(tip, key.second, stop);
  if (!commits) return commits.error();  // a stopped walk is not remembered
  m_walks.emplace(std::move(key), *commits);
  return commits;
}

Result<std::vector<Oid>> CommitIndex::walk_new(const Oid& tip, std::span<const Oid> hidden, const git::Stop& stop) {
  // Per commit met: queued (once), looked at, reachable from a hidden tip.
  enum : uint8_t { kQueued = 1, kVisited = 2, kOld = 4 };
  std::unordered_map<Oid, uint8_t, OidHash> flags;
  // Newest first; among equal times the order met, so the walk does not depend on hashing.
  struct Queued {
    int64_t time;
    uint64_t order;
    Oid oid;
    bool operator<(const Queued& other) const { return time != other.time ? time < other.time : order > other.order; }
  };
  std::priority_queue<Queued> queue;
  uint64_t met = 0;
  size_t new_queued = 0;    // queued, not looked at, not known old: the walk goes on while any
  std::vector<Oid> listed;  // the commits looked at while new, newest first

  // Queues a commit met for the first time, with its time (read now, and kept). One that
  // cannot be parsed is queued all the same (listed when new: refused where it stands).
  const auto enqueue = [&](const Oid& oid) -> Status {
    uint8_t& f = flags[oid];
    if ((f & kQueued) != 0) return {};
    auto entry = commit(oid);
    if (!entry && entry.error().code != ErrorCode::kCorrupt) return entry.error();
    f |= kQueued;
    if ((f & kOld) == 0) ++new_queued;
    queue.push({entry ? (*entry)->time : 0, met++, oid});
    return {};
  };
  // Marks `oid` old, and the ancestors of it already looked at (their parents are queued).
  const auto mark_old = [&](const Oid& oid) {
    std::vector<Oid> stack{oid};
    while (!stack.empty()) {
      const Oid c = stack.back();
      stack.pop_back();
      uint8_t& f = flags[c];
      if ((f & kOld) != 0) continue;
      f |= kOld;
      if ((f & (kQueued | kVisited)) == kQueued) --new_queued;  // waiting in the queue: old now
      if ((f & kVisited) == 0) continue;
      if (auto entry = commit(c)) stack.insert(stack.end(), (*entry)->parents.begin(), (*entry)->parents.end());
    }
  };

  for (const Oid& h : hidden) flags[h] |= kOld;
  if (Status s = enqueue(tip); !s) return s.error();
  for (const Oid& h : hidden) {
    if (Status s = enqueue(h); !s) return s.error();
  }
  // git's SLOP: a few more old commits after the last new one, for commits dated out of order.
  constexpr int kSlop = 5;
  int slop = kSlop;
  while (!queue.empty()) {
    if (stop && stop()) {
      return Error::internal("walk of " + tip.hex() + " stopped after " + std::to_string(listed.size()) + " commits");
    }
    const Oid c = queue.top().oid;
    queue.pop();
    uint8_t& f = flags[c];
    f |= kVisited;
    const bool old = (f & kOld) != 0;
    if (!old) {
      --new_queued;
      listed.push_back(c);
    }
    if (auto entry = commit(c)) {
      for (const Oid& parent : (*entry)->parents) {
        if (old) mark_old(parent);
        if (Status s = enqueue(parent); !s) return s.error();
      }
    }
    if (new_queued != 0) {
      slop = kSlop;
    } else if (--slop < 0) {
      break;
    }
  }

  // The listed commits that stayed new, children before parents: a commit is output once
  // every listed child of it is (git's --topo-order), newest first among those ready.
  std::vector<Oid> fresh;
  for (const Oid& c : listed) {
    if ((flags[c] & kOld) == 0) fresh.push_back(c);
  }
  std::unordered_map<Oid, size_t, OidHash> children;
  for (const Oid& c : fresh) children.emplace(c, 0);
  for (const Oid& c : fresh) {
    auto entry = commit(c);
    if (!entry) continue;
    for (const Oid& p : (*entry)->parents) {
      if (auto it = children.find(p); it != children.end()) ++it->second;
    }
  }
  std::vector<Oid> ready;
  for (auto it = fresh.rbegin(); it != fresh.rend(); ++it) {
    if (children[*it] == 0) ready.push_back(*it);  // a stack: the newest on top
  }
  std::vector<Oid> out;
  out.reserve(fresh.size());
  while (!ready.empty()) {
    const Oid c = ready.back();
    ready.pop_back();
    out.push_back(c);
    auto entry = commit(c);
    if (!entry) continue;
    // Parents pushed last-first so that the first parent comes out next (its line first).
    for (auto p = (*entry)->parents.rbegin(); p != (*entry)->parents.rend(); ++p) {
      auto it = children.find(*p);
      if (it != children.end() && --it->second == 0) ready.push_back(*p);
    }
  }
  return out;
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

Result<const CommitIndex::Entry*> CommitIndex::commit(const Oid& commit) {
  auto found = m_commits.find(commit);
  if (found == m_commits.end()) {
    auto entry = read_entry(m_repo, commit);
    if (!entry && entry.error().code != ErrorCode::kCorrupt) return entry.error();  // not remembered
    found = m_commits.emplace(commit, std::move(entry)).first;
  }
  if (!found->second) return found->second.error();
  return &*found->second;  // the map's nodes stay put: valid as long as the index
}

Result<bool> CommitIndex::descends_from(const Oid& descendant, const Oid& ancestor, const git::Stop& stop) {
  if (descendant == ancestor) return true;
  const Oid hidden[] = {ancestor};
  auto fresh = walk(descendant, hidden, stop);
  if (!fresh) return fresh.error();
  if (Status s = load(*fresh, stop); !s) return s.error();
  for (const Oid& c : *fresh) {
    auto entry = commit(c);
    if (!entry) {
      if (entry.error().code == ErrorCode::kCorrupt) continue;
      return entry.error();
    }
    if (std::find((*entry)->parents.begin(), (*entry)->parents.end(), ancestor) != (*entry)->parents.end()) return true;
  }
  return false;
}

Result<std::optional<Oid>> CommitIndex::first_parent(const Oid& commit) {
  auto entry = this->commit(commit);
  if (!entry) {
    if (entry.error().code == ErrorCode::kCorrupt) return std::optional<Oid>{};
    return entry.error();
  }
  if ((*entry)->parents.empty()) return std::optional<Oid>{};
  return std::optional<Oid>((*entry)->parents.front());
}

}  // namespace auths::engine
