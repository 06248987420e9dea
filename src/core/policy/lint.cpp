// `auths policy lint` (auths/policy_lint.h): the loader's own verdict first (every check it
// makes stays in load.cpp), then what only a loaded policy shows. Pure: the files are read by
// src/core/engine/policy_lint.cpp.
#include "policy/lint.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "registry/registry.h"
#include "util/strings.h"

namespace auths {

const char* to_string(LintSeverity severity) { return severity == LintSeverity::kError ? "error" : "warning"; }

bool LintReport::ok() const {
  for (const LintFinding& finding : findings) {
    if (finding.severity == LintSeverity::kError) return false;
  }
  return true;
}

}  // namespace auths

namespace auths::policy {

namespace {

// The code of a load error, from the loader's message (load.cpp writes these words; the lint
// tests pin them): a signer set that needs more signers than it lists is a lockout when it is
// [governance].
std::string load_error_code(const Error& error) {
  if (util::starts_with(error.message, "unknown key ")) return "unknown-key";
  const bool too_few = error.message.find(" but lists ") != std::string::npos ||
                       error.message.find(" has no signers") != std::string::npos;
  if (!too_few) return "load";
  return util::starts_with(error.message, "[governance] ") ? "governance-lockout" : "require-above-signers";
}

std::string where(std::string_view source, int line) { return std::string(source) + ":" + std::to_string(line); }

// Rules that Policy::match can never return: every pattern is covered by a pattern of a rule
// before it (match takes the first rule in file order, commit and release rules alike).
void check_shadowed(const Policy& policy, std::vector<LintFinding>& out) {
  for (size_t i = 0; i < policy.rules.size(); ++i) {
    const Rule& rule = policy.rules[i];
    std::vector<std::string> by;
    bool all_covered = true;
    for (const std::string& pattern : rule.refs) {
      const Rule* covering = nullptr;
      for (size_t j = 0; j < i && covering == nullptr; ++j) {
        for (const std::string& earlier : policy.rules[j].refs) {
          if (glob_covers(earlier, pattern)) {
            covering = &policy.rules[j];
            break;
          }
        }
      }
      if (covering == nullptr) {
        all_covered = false;
        break;
      }
      const std::string name = "'" + covering->name + "' (line " + std::to_string(covering->line) + ")";
      if (std::find(by.begin(), by.end(), name) == by.end()) by.push_back(name);
    }
    if (!all_covered) continue;
    out.push_back(
        {LintSeverity::kWarning, "shadowed-rule",
         "rule '" + rule.name + "' never applies: every ref it names is matched first by rule " + util::join(by, ", "),
         where(policy.source, rule.line)});
  }
}

// Rule conditions that can never be met, and rules that refuse every commit today.
void check_conditions(const Policy& policy, std::vector<LintFinding>& out) {
  for (const Rule& rule : policy.rules) {
    const std::string at = where(policy.source, rule.line);
    if (rule.max_ttl && !rule.signers.keys.empty()) {
      out.push_back({LintSeverity::kWarning, "ttl-unmeetable",
                     "rule '" + rule.name + "' sets max_ttl, which the " + std::to_string(rule.signers.keys.size()) +
                         " key(s) it lists directly can never meet (a listed key has no credential lifetime)",
                     at});
    }
    if (rule.require_log == LogRequirement::kWitness && policy.witness) {
      const WitnessSet& witness = *policy.witness;
      // The default branch carries the policy: a rule there makes every policy change need
      // receipts too. Which branch is the default is the server's; the usual names are checked.
      const Rule* first = nullptr;
      for (const char* ref : {"refs/heads/main", "refs/heads/master"}) {
        if (first == nullptr) first = policy.match(ref);
      }
      const int usable = receipt_witnesses(witness);
      if (usable < witness.threshold) {
        out.push_back({first == &rule ? LintSeverity::kError : LintSeverity::kWarning,
                       first == &rule ? "governance-lockout" : "witness-unmeetable",
                       "rule '" + rule.name + "' sets require_log = \"witness\", but only " + std::to_string(usable) +
                           " of the [witness] keys can sign receipts (Ed25519) and the threshold is " +
                           std::to_string(witness.threshold) + ": it refuses every commit it judges" +
                           (first == &rule ? ", so the policy could never be changed again" : ""),
                       at});
      } else if (first == &rule) {
        out.push_back({LintSeverity::kWarning, "witness-on-default-branch",
                       "rule '" + rule.name +
                           "' governs the default branch (main or master) with require_log = \"witness\": every "
                           "commit there, policy changes included, needs receipts from " +
                           std::to_string(witness.threshold) +
                           " witness(es); while fewer answer, only the server's admin can change the policy",
                       at});
      }
    }
  }
}

// [forge]: keys no rule lets in, and forge keys listed as signers of a rule or [governance]
// (there they sign as anyone listed does: no merge checks, no approvals).
void check_forge(const Policy& policy, std::vector<LintFinding>& out) {
  if (!policy.forge) return;
  const bool used = std::any_of(policy.rules.begin(), policy.rules.end(),
                                [](const Rule& rule) { return !rule.forge_commits.empty(); });
  if (!used) {
    out.push_back({LintSeverity::kWarning, "forge-unused",
                   "[forge] names the forge's keys but no rule sets forge_commits: every forge commit is refused "
                   "(forge-commit-not-allowed)",
                   std::string(policy.source)});
  }
  const auto listed_in = [&](const SignerSet& set, const std::string& owner, const std::string& at) {
    for (const Signer& key : policy.forge->signers.keys) {
      if (set.find(key.key).empty()) continue;
      out.push_back({LintSeverity::kWarning, "forge-key-as-signer",
                     owner + " lists the [forge] key " + key.name +
                         " as a signer: commits it signs there are judged as any signer's, without the forge "
                         "merge checks and approvals",
                     at});
    }
  };
  for (const Rule& rule : policy.rules)
    listed_in(rule.signers, "rule '" + rule.name + "'", where(policy.source, rule.line));
  if (policy.governance) listed_in(*policy.governance, "[governance]", std::string(policy.source));
}

void check_identities(const Policy& policy, const registry::State& registry, std::vector<LintFinding>& out) {
  constexpr std::string_view kPrefix = "did:keri:";
  const auto check = [&](const std::string& did, std::string_view owner, const std::string& at) {
    if (registry.identity(std::string_view(did).substr(kPrefix.size())) != nullptr) return;
    out.push_back({LintSeverity::kWarning, "unresolved-identity",
                   std::string(owner) + " names " + did + ", which the repository's refs/auths/registry does not know",
                   at});
  };
  if (!policy.org.empty()) check(policy.org, "'org'", policy.source);
  for (const Rule& rule : policy.rules) {
    for (const std::string& did : rule.signers.identities) {
      check(did, "rule '" + rule.name + "'", where(policy.source, rule.line));
    }
  }
  if (policy.governance) {
    for (const std::string& did : policy.governance->identities) check(did, "[governance]", policy.source);
  }
}

}  // namespace

std::vector<LintFinding> lint(std::string_view toml_text, std::string_view source, const FileReader& read_file,
                              const registry::State* registry) {
  std::vector<LintFinding> out;
  const Result<Policy> loaded = parse_policy(toml_text, source, read_file);
  if (!loaded) {
    const Error& error = loaded.error();
    out.push_back({LintSeverity::kError, load_error_code(error), error.message,
                   error.context.empty() ? std::string(source) : error.context});
    return out;
  }
  const Policy& policy = *loaded;
  if (const std::optional<std::string> why = unsatisfiable(policy)) {
    const bool governance = !policy.governance || policy.governance->require > 1;
    out.push_back(
        {LintSeverity::kError, governance ? "governance-lockout" : "unsatisfiable", *why, std::string(source)});
  }
  check_shadowed(policy, out);
  check_conditions(policy, out);
  check_forge(policy, out);
  if (registry != nullptr) check_identities(policy, *registry, out);
  return out;
}

std::vector<LintFinding> lint_expression(std::string_view json_text, std::string_view source) {
  std::vector<LintFinding> out;
  std::vector<std::string> errors;
  const Result<Expression> compiled = Expression::compile(json_text, &errors);
  if (compiled) return out;
  if (errors.empty()) errors.push_back(compiled.error().message);
  for (const std::string& error : errors) {
    out.push_back({LintSeverity::kError, "expression", error, std::string(source)});
  }
  return out;
}

}  // namespace auths::policy
