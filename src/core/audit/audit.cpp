#include "audit/audit.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "util/time.h"

namespace auths::audit {

Status append(const std::string& path, const Decision& decision, const HookContext& context, const std::string& repo,
              int64_t now) {
  std::string lines;
  for (const auto& ref : decision.refs) {
    nlohmann::json codes = nlohmann::json::array();
    for (const Reason c : ref.codes) codes.push_back(std::string(name(c)));
    const nlohmann::json line = {
        {"time", util::format_utc(now)},   {"repo", repo},
        {"ref", ref.update.ref_name},      {"updates", ref.ref},
        {"old", ref.update.old_oid.hex()}, {"new", ref.update.new_oid.hex()},
        {"kind", to_string(ref.kind)},     {"decision", to_string(decision.outcome)},
        {"ref_allowed", ref.allowed},      {"codes", codes},
        {"pusher", context.pusher},        {"objects", ref.objects.size()},
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
