// `auths policy lint`: offline checks of a policy.toml file before it is pushed. The decisions
// are in src/core/policy/lint.cpp; the CLI only prints them.
#pragma once

#include <string>
#include <vector>

#include "auths/result.h"

namespace auths {

enum class LintSeverity { kError, kWarning };
const char* to_string(LintSeverity severity);

/// One problem of a policy. Codes: "load" (anything the loader refuses: syntax, types, values),
/// "unknown-key", "require-above-signers", "governance-lockout", "unsatisfiable", "ttl-unmeetable",
/// "witness-unmeetable", "witness-on-default-branch", "expression" (a JSON expression file: one
/// finding per compile error),
/// "shadowed-rule", "unresolved-identity".
struct LintFinding {
  LintSeverity severity = LintSeverity::kError;
  std::string code;
  std::string message;
  std::string where;  // "<file>:<line>", or "<file>" when no line applies
};

struct LintReport {
  std::string file;
  std::vector<LintFinding> findings;
  /// No error (warnings allowed).
  bool ok() const;
};

/// Lints the policy file at `path`. The files it names (allowed_signers) are read as the
/// policy would read them from its tree: `.auths/<x>` from the policy file's own directory
/// (it stands for `.auths/`), other paths from `repo` when given, else from the current
/// directory. With `repo`, the did:keri signers and the org are looked up in its
/// refs/auths/registry. An error (kIo, kNotFound, kGit, ...) when the file or the registry
/// cannot be read.
Result<LintReport> lint_policy_file(const std::string& path, const std::string& repo = "");

}  // namespace auths
