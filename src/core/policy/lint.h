// The checks behind `auths policy lint` (auths/policy_lint.h), on a policy text.
#pragma once

#include <string_view>
#include <vector>

#include "auths/policy_lint.h"
#include "policy/policy.h"

namespace auths::registry {
class State;
}

namespace auths::policy {

/// Lints `toml_text` (named `source` in findings): what the loader refuses, then, for a policy
/// that loads, what unsatisfiable() refuses and rules no ref can reach. With `registry`, the
/// did:keri signers and the org that it does not know (warnings).
std::vector<LintFinding> lint(std::string_view toml_text, std::string_view source, const FileReader& read_file,
                              const registry::State* registry = nullptr);

/// Lints an expression policy (JSON): every compile error, each with its path in the expression.
std::vector<LintFinding> lint_expression(std::string_view json_text, std::string_view source);

}  // namespace auths::policy
