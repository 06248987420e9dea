#include "engine/budget.h"

namespace auths::engine {

namespace {

long long millis(Budget::Clock::duration d) {
  return static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

}  // namespace

git::Stop Budget::stop() const {
  if (!m_deadline) return {};
  return [this] { return spent(); };
}

std::string Budget::account() const {
  const auto now = Clock::now();
  std::string out = m_deadline && *m_deadline > m_start
                        ? "the server's time budget of " + std::to_string(millis(*m_deadline - m_start)) +
                              " ms ran out after " + std::to_string(millis(now - m_start)) + " ms"
                        : "the server's time budget had run out before the check started";
  const size_t listed = m_listed;
  const size_t verified = m_verified;
  if (listed == 0) return out + ", while listing the new commits";
  return out + ": " + std::to_string(verified) + " of the " + std::to_string(listed) +
         " commits and tags listed so far were verified";
}

}  // namespace auths::engine
