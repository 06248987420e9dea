// `auths policy diff`: what changed between two policies, rule by rule, each change with a
// direction (stricter, looser) and a risk a reviewer can sort by. The decisions are in
// src/core/policy/diff.cpp; the CLI only prints them.
#pragma once

#include <string>
#include <vector>

#include "auths/result.h"

namespace auths {

/// What a change does to who may push what: kLooser when something that was refused may now be
/// accepted (a lower require, an added signer, a ref that falls to a weaker rule), kStricter when
/// only the reverse is true, kNeutral when neither (a rename, an allowed_signers file moved).
enum class DiffDirection { kStricter, kLooser, kNeutral };
const char* to_string(DiffDirection direction);

/// How closely a reviewer must look (README.md, "auths policy diff", has the table). Ordered:
/// kLow < kMedium < kHigh.
enum class DiffRisk { kLow, kMedium, kHigh };
const char* to_string(DiffRisk risk);  // "low", "medium", "high"

struct PolicyChange {
  std::string rule;  // the rule's name, "[governance]", or "policy" for top-level keys
  /// The key that changed: "default", "org", "governance" (the section added or removed),
  /// "signers", "allowed_signers", "require", "roles", "teams", "capabilities", "signer_types",
  /// "name", "kind", "refs", "allow_force_push", "allow_delete", "contributions", "from", "rule"
  /// (added or removed), or "match": the rule governing a ref pattern changed (the description
  /// starts with the pattern).
  std::string field;
  std::string description;  // one line: "release 'releases': require 2 -> 1"
  DiffDirection direction = DiffDirection::kNeutral;
  DiffRisk risk = DiffRisk::kLow;
};

struct PolicyDiff {
  std::string old_source;  // the file, or "<rev>:.auths/policy.toml"
  std::string new_source;
  std::vector<PolicyChange> changes;
  /// Some change is looser: what `auths policy diff` exits 1 for.
  bool looser() const;
  /// The highest risk of the changes; kLow when there are none (the CLI then says "none").
  DiffRisk risk() const;
};

/// Diffs two policy files. The files each names (allowed_signers) are read as lint_policy_file
/// reads them: `.auths/<x>` from that policy file's own directory, other paths from the current
/// directory. `default_branch` ("main") is the branch whose rule's force-push and delete are high
/// risk and that a rule without `from` trusts. An error (kIo, kNotFound, kPolicy, ...) when a
/// file cannot be read or a policy does not load.
Result<PolicyDiff> diff_policy_files(const std::string& old_path, const std::string& new_path,
                                     const std::string& default_branch = "main");

/// Diffs `.auths/policy.toml` of two revisions of the repository at `repo` (anything git
/// rev-parse reads, peeled to a commit), each with the files it names read from the same tree,
/// as the hooks read them. `default_branch` "" means the branch the repository's HEAD names. An
/// error when a revision does not resolve, has no policy, or its policy does not load.
Result<PolicyDiff> diff_policy_revisions(const std::string& repo, const std::string& old_rev,
                                         const std::string& new_rev, const std::string& default_branch = "");

}  // namespace auths
