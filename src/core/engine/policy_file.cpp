// Reading a policy file and the files it names from disk (engine/policy_file.h).
#include "engine/policy_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

#include "auths/verify.h"
#include "util/strings.h"

namespace auths::engine {

namespace {

constexpr size_t kMaxPolicyFile = 1u << 20;

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Result<std::string> read_policy_text(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    std::string message = "cannot read " + path + ": " + std::strerror(err);
    return err == ENOENT ? Error::not_found(std::move(message)) : Error::io(std::move(message));
  }
  Result<std::string> text = read_all(fd, kMaxPolicyFile);
  ::close(fd);
  if (!text) return Error{text.error().code, "cannot read " + path + ": " + text.error().message, {}};
  return text;
}

policy::FileReader policy_dir_reader(const std::string& policy_path, const std::string& root) {
  return
      [policy_dir = directory_of(policy_path), root](std::string_view tree_path) -> Result<std::optional<std::string>> {
        const std::string file = util::starts_with(tree_path, ".auths/")
                                     ? policy_dir + "/" + std::string(tree_path.substr(7))
                                     : root + "/" + std::string(tree_path);
        Result<std::string> content = read_policy_text(file);
        if (!content) {
          if (content.error().code == ErrorCode::kNotFound) return std::optional<std::string>();
          return content.error();
        }
        return std::optional<std::string>(std::move(content).value());
      };
}

Result<policy::Policy> load_policy_file(const std::string& path, const std::string& root) {
  Result<std::string> text = read_policy_text(path);
  if (!text) return text.error();
  return policy::parse_policy(*text, path, policy_dir_reader(path, root));
}

}  // namespace auths::engine
