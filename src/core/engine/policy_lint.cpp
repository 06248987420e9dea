// lint_policy_file (auths/policy_lint.h): the I/O around policy::lint (src/core/policy/lint.cpp):
// the policy file, the files it names, the repository's registry. Also the readers of
// engine/policy_files.h, which `auths policy test` shares.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

#include "auths/policy_lint.h"
#include "auths/verify.h"
#include "engine/policy_files.h"
#include "git/repository.h"
#include "policy/lint.h"
#include "registry/registry.h"
#include "util/strings.h"

namespace auths {

namespace {

constexpr size_t kMaxPolicyFile = 1u << 20;

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

namespace engine {

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

policy::FileReader policy_file_reader(const std::string& policy_path, const std::string& root) {
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

}  // namespace engine

Result<LintReport> lint_policy_file(const std::string& path, const std::string& repo) {
  Result<std::string> text = engine::read_policy_text(path);
  if (!text) return text.error();

  const git::Session session;  // outlives the repository below
  std::optional<registry::State> state;
  if (!repo.empty()) {
    auto opened = git::Repository::open(repo);
    if (!opened) return opened.error();
    auto loaded = registry::load_current(*opened);
    if (!loaded) return loaded.error();
    state = std::move(loaded).value();
  }

  const policy::FileReader read_file = engine::policy_file_reader(path, repo.empty() ? "." : repo);

  LintReport report;
  report.file = path;
  report.findings = policy::lint(*text, path, read_file, state ? &*state : nullptr);
  return report;
}

}  // namespace auths
