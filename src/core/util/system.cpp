#include "auths/system.h"

#include <pwd.h>
#include <unistd.h>

#include <vector>

#include "util/time.h"

namespace auths {

std::string format_utc(int64_t unix_seconds) { return util::format_utc(unix_seconds); }

std::optional<std::string> os_user_name() {
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwuid_r(::geteuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr ||
      found->pw_name == nullptr) {
    return std::nullopt;
  }
  return std::string(found->pw_name);
}

}  // namespace auths
