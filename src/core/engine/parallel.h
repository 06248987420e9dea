// Spreading independent work over threads: the one thread pool of the engine (reading and
// verifying objects, engine/judge.cpp; reading commits, engine/commit_index.cpp; checking
// signatures while the walk goes on, engine/checked_ahead.h).
#pragma once

#include <cstddef>
#include <functional>
#include <thread>

#include "auths/result.h"
#include "git/repo_view.h"

namespace auths::engine {

/// Runs `work(i)` for i in [0, count) on up to `threads` threads (one when count is small: a
/// thread costs more than a few items). An exception in any worker is caught and returned as an
/// Error (never std::terminate); every thread is joined first. `stop` (when set) is asked before
/// each item: once true, every thread takes no more items and the result is an Error.
Status parallel_for(size_t count, unsigned threads, const std::function<void(size_t)>& work,
                    const git::Stop& stop = {});

/// One job on a thread of its own while the caller goes on (the next stage of a pipeline).
/// Joined by finish() or, whatever happens, by the destructor; an exception in the job is
/// returned by finish() as an Error.
class Background {
 public:
  Background() = default;
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  ~Background() = default;  // the jthread joins

  /// Starts `job`; false when no thread could be started (the caller then runs it itself).
  bool start(std::function<Status()> job);
  bool started() const { return m_thread.joinable(); }
  /// Waits for the job and returns what it returned.
  Status finish();

 private:
  Status m_result;
  std::jthread m_thread;  // last: joined before m_result goes
};

}  // namespace auths::engine
