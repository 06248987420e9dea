#include "util/time.h"

#include <chrono>
#include <ctime>

namespace auths::util {

std::string format_utc(int64_t unix_seconds) {
  const auto tt = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (gmtime_r(&tt, &tm) == nullptr) return "(invalid time)";
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace auths::util
