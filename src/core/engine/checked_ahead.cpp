#include "engine/checked_ahead.h"

#include <utility>

#include "git/trees.h"

namespace auths::engine {

void CheckedAhead::offer(const Oid& oid, const git::CommitInfo& commit) {
  if (!m_enabled || m_no_thread || commit.signature.empty()) return;
  if (++m_offered < kStartAfter) return;
  if (!m_thread.started() && !m_thread.start([this] {
        run();
        return Status{};
      })) {
    m_no_thread = true;  // judge_objects checks everything itself, as without this
    return;
  }
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    if (m_queue.size() < kQueueLimit) {
      m_queue.push_back({oid, commit.payload, commit.signature});
    } else {
      m_later.push_back(oid);
    }
  }
  m_wake.notify_one();
}

void CheckedAhead::stop() {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_one();
  (void)m_thread.finish();  // run() returns nothing but done; a failure left checks undone
  const std::lock_guard<std::mutex> lock(m_mutex);
  m_queue.clear();
  m_later.clear();
  m_stop = false;  // a later walk's offers start the thread again
}

std::optional<SignatureCheck> CheckedAhead::take(const Oid& oid) {
  const std::lock_guard<std::mutex> lock(m_mutex);
  auto found = m_checked.find(oid);
  if (found == m_checked.end()) return std::nullopt;
  SignatureCheck check = std::move(found->second);
  m_checked.erase(found);
  return check;
}

size_t CheckedAhead::done() const {
  const std::lock_guard<std::mutex> lock(m_mutex);
  return m_done;
}

void CheckedAhead::run() {
  std::unique_lock<std::mutex> lock(m_mutex);
  while (true) {
    m_wake.wait(lock, [this] { return m_stop || !m_queue.empty() || !m_later.empty(); });
    if (m_stop) return;
    Job job;
    bool read = false;  // a commit waiting by id: read it here
    if (!m_queue.empty()) {
      job = std::move(m_queue.front());
      m_queue.pop_front();
    } else {
      job.oid = m_later.front();
      m_later.pop_front();
      read = true;
    }
    lock.unlock();
    std::optional<SignatureCheck> check;
    try {
      if (read) {
        // Anything but a signed commit read as git reads it is left to judge_objects, which
        // reports it its own way.
        if (auto commit = git::read_commit(m_repo, job.oid); commit && !commit->signature.empty()) {
          job.payload = std::move(commit->payload);
          job.signature = std::move(commit->signature);
        }
      }
      if (!job.signature.empty()) check = check_signature(job.payload, job.signature);
    } catch (...) {
      // Left to judge_objects, as above (which reports an exception as an error of its own).
    }
    lock.lock();
    if (check) {
      m_checked.emplace(job.oid, std::move(*check));
      ++m_done;
    }
  }
}

}  // namespace auths::engine
