// The trusted policy of a ref update: `.auths/policy.toml` in the tree of a commit the server
// already has (the ref's current tip, or the default branch tip for a new ref), never the
// pushed one. Loaded once per base commit and cached for the whole push.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "auths/types.h"
#include "git/repository.h"
#include "policy/policy.h"

namespace auths::engine {

inline constexpr const char* kPolicyPath = ".auths/policy.toml";
inline constexpr const char* kAuthsDir = ".auths";

struct TrustedPolicy {
  enum class State {
    kLoaded,   // `policy` holds the parsed policy
    kAbsent,   // no base commit, or no .auths/policy.toml in it: bootstrap rules apply
    kInvalid,  // the file is there but does not parse: `error` says where and why
  };
  State state = State::kAbsent;
  std::optional<policy::Policy> policy;
  Error error;
  /// kInvalid only: the newest valid policy in the base's first-parent history, whose
  /// [governance] signers may push the fix (and nothing else).
  std::optional<policy::Policy> recovery;
  std::string source;  // "<short base>:.auths/policy.toml", for messages
};

/// Parses the policy file in `commit`'s tree, reading allowed_signers files from the same tree.
/// nullopt when the commit has no policy file.
Result<std::optional<policy::Policy>> load_policy_at(const git::Repository& repo, const Oid& commit);

class PolicyCache {
 public:
  explicit PolicyCache(const git::Repository& repo) : m_repo(repo) {}
  /// The trusted policy for a base commit (nullopt base = empty repository or unborn HEAD).
  Result<const TrustedPolicy*> get(const std::optional<Oid>& base);

 private:
  Result<TrustedPolicy> load(const Oid& base) const;
  const git::Repository& m_repo;
  std::map<Oid, TrustedPolicy> m_cache;
  TrustedPolicy m_absent;
};

}  // namespace auths::engine
