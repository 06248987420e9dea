// Spreading independent work over threads: the one thread pool of the engine (reading and
// verifying objects, engine/judge.cpp; reading commits, engine/commit_index.cpp).
#pragma once

#include <cstddef>
#include <functional>

#include "auths/result.h"
#include "git/repo_view.h"

namespace auths::engine {

/// Runs `work(i)` for i in [0, count) on up to `threads` threads (one when count is small: a
/// thread costs more than a few items). An exception in any worker is caught and returned as an
/// Error (never std::terminate); every thread is joined first. `stop` (when set) is asked before
/// each item: once true, every thread takes no more items and the result is an Error.
Status parallel_for(size_t count, unsigned threads, const std::function<void(size_t)>& work,
                    const git::Stop& stop = {});

}  // namespace auths::engine
