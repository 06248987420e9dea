// The server's time budget for one push (engine::Settings::deadline, from hooks.yaml's
// time_budget_ms): every loop that can be long asks spent() (or passes stop() down to the walk,
// the registry load, the verification threads), and a push whose check ran past the deadline is
// refused as time-budget-exceeded, never accepted half-checked (push_check.cpp). It also counts
// how far the check got, for the refusal's message.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "git/repo_view.h"

namespace auths::engine {

class Budget {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Budget(std::optional<Clock::time_point> deadline, Clock::time_point start = Clock::now())
      : m_deadline(deadline), m_start(start) {}

  /// Has the deadline passed? Never without one. One clock read: cheap enough to ask per object.
  bool spent() const { return m_deadline && Clock::now() >= *m_deadline; }
  /// spent() for the layers below (git::Stop); empty without a deadline (nothing to ask).
  git::Stop stop() const;

  /// Objects (commits and tags) listed for verification, and verified; safe from many threads.
  void listed(size_t count) { m_listed += count; }
  void verified(size_t count) { m_verified += count; }

  /// What the refusal says: the budget, the time taken and how far the check got, e.g. "the
  /// server's time budget of 500 ms ran out after 503 ms: 4120 of the 20000 commits and tags
  /// listed so far were verified".
  std::string account() const;

 private:
  std::optional<Clock::time_point> m_deadline;
  Clock::time_point m_start;
  std::atomic<size_t> m_listed{0};
  std::atomic<size_t> m_verified{0};
};

}  // namespace auths::engine
