// The policy in force: `.auths/policy.toml` in the tree of the default branch (the branch HEAD
// names) as the server has it before the push. It judges every ref of the push; policy files
// in other commits never judge anything. Changing it is what [governance] is for.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "auths/reason.h"
#include "auths/types.h"
#include "engine/server_refs.h"
#include "git/repo_view.h"
#include "policy/policy.h"

namespace auths::engine {

inline constexpr const char* kPolicyPath = ".auths/policy.toml";
inline constexpr const char* kAuthsDir = ".auths";

struct PolicyInForce {
  enum class State {
    kLoaded,                // `policy` holds the parsed policy
    kAbsent,                // no default branch yet (empty repository), or no policy file on it: bootstrap
    kInvalid,               // the file is there but does not load: `error` says where and why
    kDefaultBranchMissing,  // HEAD names a branch that does not exist while other refs do
  };
  State state = State::kAbsent;
  std::optional<policy::Policy> policy;
  Error error;
  /// kInvalid only: the newest valid policy in the default branch's first-parent history,
  /// whose [governance] signers may push the fix (and nothing else).
  std::optional<policy::Policy> recovery;
  std::optional<Oid> commit;  // the default branch's tip commit, when there is one
  std::string source;         // "<short commit>:.auths/policy.toml", for messages
};

/// Parses the policy file in `commit`'s tree (allowed_signers files from the same tree);
/// nullopt when the commit has no policy file. kPolicy errors are the policy's fault.
Result<std::optional<policy::Policy>> load_policy_at(const git::RepoView& repo, const Oid& commit);

/// Reads the policy in force from the default branch of `refs`.
Result<PolicyInForce> read_policy_in_force(const git::RepoView& repo, const ServerRefs& refs);

/// What is wrong with a pushed policy, given what load_policy_at made of the commit that would
/// put it in force (so that a caller that needs the policy too reads it once): nullopt when it
/// loads, could be satisfied and could be changed; kPolicyInvalid (missing, or does not load) or
/// kPolicyUnsatisfiable otherwise (policy::unsatisfiable, with the server's `default_branch`).
/// An Error when the repository could not be read.
Result<std::optional<std::pair<Reason, std::string>>> check_pushed_policy(
    const Result<std::optional<policy::Policy>>& loaded, std::string_view default_branch);

}  // namespace auths::engine
