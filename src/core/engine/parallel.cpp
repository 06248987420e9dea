#include "engine/parallel.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace auths::engine {

namespace {

/// Below this many items, one thread is faster than starting others.
constexpr size_t kParallelThreshold = 64;

}  // namespace

Status parallel_for(size_t count, unsigned threads, const std::function<void(size_t)>& work, const git::Stop& stop) {
  std::atomic<size_t> next{0};
  std::atomic<bool> stopped{false};
  std::mutex failure_mutex;
  std::optional<std::string> failure;
  const auto worker = [&] {
    for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
      if (stopped || (stop && stop())) {
        stopped = true;
        return;
      }
      try {
        work(i);
      } catch (const std::exception& e) {
        const std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = e.what();
      } catch (...) {
        const std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = "unknown exception";
      }
    }
  };
  const unsigned extra = (count < kParallelThreshold || threads < 2) ? 0 : threads - 1;
  {
    std::vector<std::jthread> pool;  // joined when the scope ends, whatever happens
    pool.reserve(extra);
    for (unsigned t = 0; t < extra; ++t) pool.emplace_back(worker);
    worker();
  }
  if (failure) return Error::internal("a worker failed: " + *failure);
  if (stopped) return Error::internal("stopped before every item was done");
  return {};
}

bool Background::start(std::function<Status()> job) {
  try {
    m_thread = std::jthread([this, job = std::move(job)] {
      try {
        m_result = job();
      } catch (const std::exception& e) {
        m_result = Error::internal(std::string("a background job failed: ") + e.what());
      } catch (...) {
        m_result = Error::internal("a background job failed: unknown exception");
      }
    });
  } catch (const std::system_error&) {
    return false;
  }
  return true;
}

Status Background::finish() {
  if (m_thread.joinable()) m_thread.join();
  return m_result;
}

}  // namespace auths::engine
