// lint_policy_file (auths/policy_lint.h): the I/O around policy::lint (src/core/policy/lint.cpp):
// the policy file, the files it names (engine/policy_file.h), the repository's registry.
#include <optional>
#include <string>

#include "auths/policy_lint.h"
#include "engine/policy_file.h"
#include "git/repository.h"
#include "policy/lint.h"
#include "registry/registry.h"
#include "util/strings.h"

namespace auths {

Result<LintReport> lint_policy_file(const std::string& path, const std::string& repo) {
  Result<std::string> text = engine::read_policy_text(path);
  if (!text) return text.error();
  if (util::ends_with(path, ".json")) {
    LintReport report;
    report.file = path;
    report.findings = policy::lint_expression(*text, path);
    return report;
  }

  const git::Session session;  // outlives the repository below
  std::optional<registry::State> state;
  if (!repo.empty()) {
    auto opened = git::Repository::open(repo);
    if (!opened) return opened.error();
    auto loaded = registry::load_current(*opened);
    if (!loaded) return loaded.error();
    state = std::move(loaded).value();
  }

  const policy::FileReader read_file = engine::policy_dir_reader(path, repo.empty() ? "." : repo);
  LintReport report;
  report.file = path;
  report.findings = policy::lint(*text, path, read_file, state ? &*state : nullptr);
  return report;
}

}  // namespace auths
