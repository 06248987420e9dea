// `auths policy test` and `auths policy explain`: a policy judged offline on a described
// signer and object (a test context) instead of a pushed commit. The decisions are
// src/core/policy/evaluate.cpp, made with the functions the hook uses (Policy::match,
// policy/identity_check.h, policy/conditions.h); this header is what the CLI sees of them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auths/reason.h"
#include "auths/result.h"

namespace auths {

/// Who signed, as a test describes it. `signer` is a did:keri (an identity: type, capabilities,
/// role and teams apply), a did:key or an SSH public key line (a key: it satisfies a rule only
/// when the rule lists it directly), or "" for an unsigned object.
struct PolicyTestSigner {
  std::string signer;
  std::optional<std::string> signer_type;                // "Human" (default), "Agent", "Workload"
  std::optional<std::vector<std::string>> capabilities;  // what it holds; nullopt = unrestricted
  std::optional<std::string> role;                       // its org role: a member of the policy's org
  std::vector<std::string> teams;
  std::optional<std::string> delegated_by;  // the identity right above an agent
  std::optional<std::string> issuer;        // the chain's top identity (default: delegated_by, else signer)
  std::optional<int> chain_depth;           // default: 1 with delegated_by, else 0
  std::optional<int64_t> expires_at;        // the credential's expiry (unix seconds)
  std::optional<int64_t> issued_at;         // when it was issued: max_ttl judges expires_at - issued_at
  bool revoked = false;                     // its membership (a member) or device link is revoked
  bool ephemeral = false;                   // an ephemeral agent (allow_ephemeral)
};

struct PolicyTestApproval {
  PolicyTestSigner signer;
  bool approve = true;  // "verdict": "approve" | "reject"
};

struct PolicyTestContext {
  PolicyTestSigner signer;
  std::string ref;                                // "refs/heads/main"
  std::string repo;                               // "group/name"; "" = unknown
  std::optional<std::vector<std::string>> paths;  // what the commit changes; nullopt = unknown
  std::optional<int64_t> now;                     // nullopt = the clock
  std::vector<PolicyTestApproval> approvals;      // votes beside the signature (require > 1)
};

struct PolicyVerdict {
  bool allow = false;
  std::string outcome;             // "allow", "deny"; an expression file alone may say "indeterminate" (denies)
  std::string reason;              // "ok" when allowed, else the reason code ("unknown-signer")
  std::string rule;                // the rule that decided ("" when none matched)
  std::string detail;              // one line: why
  std::vector<std::string> steps;  // the explanation, one line per step, in order
};

/// A policy.toml loaded as the hooks load it, or an expression file (.json) compiled.
class PolicyUnderTest {
 public:
  struct Impl;
  explicit PolicyUnderTest(std::shared_ptr<const Impl> impl) : m_impl(std::move(impl)) {}
  const Impl& impl() const { return *m_impl; }

 private:
  std::shared_ptr<const Impl> m_impl;
};

/// Loads `path`: a file ending in .json is an expression policy, anything else a policy.toml
/// whose `.auths/` files are read from its own directory (as `auths policy lint` reads them).
/// An error when the file cannot be read, does not load or does not compile.
Result<PolicyUnderTest> load_policy_under_test(const std::string& path);

/// The verdict of `policy` on `context`, decided as the hook decides. kInvalidArgument when the
/// context's signer or an approver is not a did:keri, a did:key or an SSH public key line.
Result<PolicyVerdict> evaluate_policy(const PolicyUnderTest& policy, const PolicyTestContext& context);

/// Does `verdict` meet `expect`: "allow", "deny", "indeterminate" (case-insensitive) or a
/// reason code? nullopt when `expect` is none of them.
std::optional<bool> verdict_meets(const PolicyVerdict& verdict, const std::string& expect);

}  // namespace auths
