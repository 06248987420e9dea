#include "engine/commit_index.h"

#include <algorithm>
#include <queue>
#include <string>

#include "engine/parallel.h"
#include "git/trees.h"

namespace auths::engine {

namespace {

Result<CommitIndex::Entry> read_entry(const git::RepoView& repo, const Oid& oid,
                                      const CommitIndex::ReadObserver& observer = {}) {
  auto info = git::read_commit(repo, oid);
  if (!info) return info.error();
  if (observer) observer(oid, *info);
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
  // Each commit met gets a slot, numbered in the order met, and the walk keeps what it knows of
  // it there: its id is looked up once, when it is met, and its parents' slots once, when it is
  // looked at (a chain of 100,000 commits is walked on one thread: hash lookups were a third of
  // that time). Per slot: queued (once), looked at, reachable from a hidden tip, listed as new.
  enum : uint8_t { kQueued = 1, kVisited = 2, kOld = 4, kFresh = 8 };
  struct Slot {
    Oid oid;
    const Entry* entry = nullptr;  // null until queued, and for a commit that cannot be parsed
    uint32_t first_parent = 0;     // its parents' slots: parents[first_parent, + parent_count)
    uint32_t parent_count = 0;     // set once it is looked at
    uint8_t flags = 0;
  };
  std::vector<Slot> slots;
  std::vector<uint32_t> parents;
  std::unordered_map<Oid, uint32_t, OidHash> slot_of;
  // The slot of `oid`, a new one when it was not met yet (slots may move: keep numbers, not
  // references).
  const auto slot = [&slots, &slot_of](const Oid& oid) {
    const auto [it, added] = slot_of.try_emplace(oid, static_cast<uint32_t>(slots.size()));
    if (added) slots.push_back({oid});
    return it->second;
  };
  // Newest first; among equal times the order met, so the walk does not depend on hashing.
  struct Queued {
    int64_t time;
    uint64_t order;
    uint32_t slot;
    bool operator<(const Queued& other) const { return time != other.time ? time < other.time : order > other.order; }
  };
  std::priority_queue<Queued> queue;
  uint64_t met = 0;
  size_t new_queued = 0;         // queued, not looked at, not known old: the walk goes on while any
  std::vector<uint32_t> listed;  // the commits looked at while new, newest first

  // Queues a commit met for the first time, with its time (read now, and kept). One that
  // cannot be parsed is queued all the same (listed when new: refused where it stands).
  const auto enqueue = [&](uint32_t s) -> Status {
    if ((slots[s].flags & kQueued) != 0) return {};
    auto entry = commit(slots[s].oid);
    if (!entry && entry.error().code != ErrorCode::kCorrupt) return entry.error();
    Slot& queued = slots[s];
    queued.entry = entry ? *entry : nullptr;
    queued.flags |= kQueued;
    if ((queued.flags & kOld) == 0) ++new_queued;
    queue.push({entry ? (*entry)->time : 0, met++, s});
    return {};
  };
  // Marks slot `s` old, and the ancestors of it already looked at (their parents are queued).
  const auto mark_old = [&](uint32_t s) {
    std::vector<uint32_t> stack{s};
    while (!stack.empty()) {
      Slot& c = slots[stack.back()];
      stack.pop_back();
      if ((c.flags & kOld) != 0) continue;
      c.flags |= kOld;
      if ((c.flags & (kQueued | kVisited)) == kQueued) --new_queued;  // waiting in the queue: old now
      if ((c.flags & kVisited) == 0) continue;
      const auto first = parents.begin() + c.first_parent;
      stack.insert(stack.end(), first, first + c.parent_count);
    }
  };

  for (const Oid& h : hidden) slots[slot(h)].flags |= kOld;
  if (Status s = enqueue(slot(tip)); !s) return s.error();
  for (const Oid& h : hidden) {
    if (Status s = enqueue(slot(h)); !s) return s.error();
  }
  // git's SLOP: a few more old commits after the last new one, for commits dated out of order.
  constexpr int kSlop = 5;
  int slop = kSlop;
  while (!queue.empty()) {
    if (stop && stop()) {
      return Error::internal("walk of " + tip.hex() + " stopped after " + std::to_string(listed.size()) + " commits");
    }
    const uint32_t c = queue.top().slot;
    queue.pop();
    slots[c].flags |= kVisited;
    const bool old = (slots[c].flags & kOld) != 0;
    if (!old) {
      --new_queued;
      listed.push_back(c);
    }
    if (const Entry* entry = slots[c].entry) {
      // Its parents' slots first (recorded before any of them is marked: mark_old follows them).
      const auto first = static_cast<uint32_t>(parents.size());
      for (const Oid& parent : entry->parents) parents.push_back(slot(parent));
      slots[c].first_parent = first;
      slots[c].parent_count = static_cast<uint32_t>(entry->parents.size());
      for (uint32_t i = first; i < first + slots[c].parent_count; ++i) {
        const uint32_t p = parents[i];
        if (old) mark_old(p);
        if (Status s = enqueue(p); !s) return s.error();
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
  std::vector<uint32_t> fresh;
  for (const uint32_t c : listed) {
    if ((slots[c].flags & kOld) == 0) {
      slots[c].flags |= kFresh;
      fresh.push_back(c);
    }
  }
  const auto parents_of = [&slots, &parents](uint32_t c) {
    return std::span<const uint32_t>(parents.data() + slots[c].first_parent, slots[c].parent_count);
  };
  std::vector<uint32_t> children(slots.size(), 0);  // of each fresh commit, among the fresh
  for (const uint32_t c : fresh) {
    for (const uint32_t p : parents_of(c)) {
      if ((slots[p].flags & kFresh) != 0) ++children[p];
    }
  }
  std::vector<uint32_t> ready;
  for (auto it = fresh.rbegin(); it != fresh.rend(); ++it) {
    if (children[*it] == 0) ready.push_back(*it);  // a stack: the newest on top
  }
  std::vector<Oid> out;
  out.reserve(fresh.size());
  while (!ready.empty()) {
    const uint32_t c = ready.back();
    ready.pop_back();
    out.push_back(slots[c].oid);
    // Parents pushed last-first so that the first parent comes out next (its line first).
    const auto ps = parents_of(c);
    for (auto p = ps.rbegin(); p != ps.rend(); ++p) {
      if ((slots[*p].flags & kFresh) != 0 && --children[*p] == 0) ready.push_back(*p);
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
    auto entry = read_entry(m_repo, commit, m_on_read);
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
