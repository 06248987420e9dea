#include "audit/audit.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

namespace auths::audit {

namespace {

std::string iso_time(int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

Status append(const std::string& path, const Decision& decision, const HookContext& context, const std::string& repo,
              int64_t now) {
  std::string lines;
  for (const auto& ref : decision.refs) {
    const nlohmann::json line = {
        {"time", iso_time(now)},
        {"repo", repo},
        {"ref", ref.update.ref_name},
        {"old", ref.update.old_oid.hex()},
        {"new", ref.update.new_oid.hex()},
        {"kind", to_string(ref.kind)},
        {"decision", to_string(decision.outcome)},
        {"ref_allowed", ref.allowed},
        {"codes", ref.codes},
        {"pusher", context.pusher},
        {"objects", ref.objects.size()},
        {"policy", ref.policy_source},
    };
    lines += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    lines += '\n';
  }
  if (lines.empty()) return {};
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return Error::io(std::strerror(errno), path);
  const ssize_t written = ::write(fd, lines.data(), lines.size());
  const int saved = errno;
  ::close(fd);
  if (written != static_cast<ssize_t>(lines.size())) {
    return Error::io(written < 0 ? std::strerror(saved) : "short write", path);
  }
  return {};
}

}  // namespace auths::audit
