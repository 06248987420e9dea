// Signature checks done ahead, on a core the walk leaves idle. Listing the new commits of a push
// (CommitIndex::walk) reads one commit after another on one thread, and what follows it before
// the objects are judged (the mainline, the policy's history) runs on one thread too: on a
// 100,000-commit push a quarter of the time, with the other cores idle (scripts/bench/verify.sh).
// The walk reads each commit whole and offers it here. A thread of its own checks the signatures
// (check_signature: parse, verify) of the commits offered, and keeps the answers for
// judge_objects, which then does not check those objects again. The walk reads about five commits
// while one is checked: a few wait with their bytes, the others by id, read again by the thread
// once the walk is done. judge_objects stops the thread when it starts: from then on every core
// has objects to judge.
//
// Only the cryptographic answer is kept, and it is a function of the object's bytes (its id):
// who signed, and whether that key may sign there and then, is judged as always. The work is
// speculative: a commit offered may turn out not to be new, to need no signature, or to have a
// signature the server's records know good; that costs only a core that was idle.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auths/types.h"
#include "engine/parallel.h"
#include "engine/signature_check.h"
#include "git/objects.h"
#include "git/repo_view.h"

namespace auths::engine {

class CheckedAhead {
 public:
  /// Commits offered before the thread starts: a small push is not worth a thread.
  static constexpr size_t kStartAfter = 128;
  /// Commits waiting with their bytes at most; the others wait by id (memory stays bounded).
  static constexpr size_t kQueueLimit = 64;

  /// Does nothing with fewer than two threads (there is no idle core to use).
  CheckedAhead(const git::RepoView& repo, unsigned threads) : m_repo(repo), m_enabled(threads > 1) {}
  CheckedAhead(const CheckedAhead&) = delete;
  CheckedAhead& operator=(const CheckedAhead&) = delete;
  ~CheckedAhead() { stop(); }

  /// A commit the walk read, whole (on the walk's thread).
  void offer(const Oid& oid, const git::CommitInfo& commit);

  /// Stops the thread (after the check it is doing) and joins it, and forgets the commits still
  /// waiting; what it checked stays. A later walk's offers start it again.
  void stop();

  /// The check of `oid` done ahead, taken out; nullopt when it was not done. Safe from any thread.
  std::optional<SignatureCheck> take(const Oid& oid);

  /// How many checks were done ahead.
  size_t done() const;

 private:
  struct Job {
    Oid oid;
    std::string payload;
    std::string signature;
  };
  void run();

  const git::RepoView& m_repo;
  const bool m_enabled;
  bool m_no_thread = false;  // none could be started: judge_objects checks everything (walk's thread only)
  size_t m_offered = 0;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;      // asked of the thread (under m_mutex)
  std::deque<Job> m_queue;  // with their bytes, newest offered last
  std::deque<Oid> m_later;  // offered while the queue was full
  std::unordered_map<Oid, SignatureCheck, OidHash> m_checked;
  size_t m_done = 0;
  Background m_thread;  // last: joined before the rest goes
};

}  // namespace auths::engine
