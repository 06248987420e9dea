// `auths policy test` / `auths policy explain` (auths/policy_test.h): a policy's verdict on a
// test context, decided as the hook decides a pushed object: the first rule whose refs match
// (Policy::match; none: `default`), an open rule's level, the signer set (a key listed
// directly, else policy/identity_check.h for a did:keri), the rule's conditions
// (policy/conditions.h), then `require`. Pure: no I/O, `now` given.
//
// What a test context cannot say: a key speaks for an identity only through the registry, so
// a key signer satisfies a rule only when the rule lists it (describe an identity by its
// did:keri); changes to `.auths/` ([governance]) and merged-in contributions are not judged.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auths/policy_test.h"
#include "auths/result.h"
#include "policy/expression.h"
#include "policy/policy.h"
#include "policy/quorum.h"

namespace auths::policy {

/// `policy`'s verdict on `context` at `now`. kInvalidArgument when the context's signer (or an
/// approver) is neither a did:keri, a did:key nor an SSH public key line.
Result<PolicyVerdict> evaluate(const Policy& policy, const PolicyTestContext& context, int64_t now);

/// An expression policy alone (`source` names it) on `context`, as a rule's `expression` is
/// evaluated: allow, deny or indeterminate (which denies, expression-denied).
Result<PolicyVerdict> evaluate_expression(const Expression& expression, std::string_view source,
                                          const PolicyTestContext& context, int64_t now);

/// The votes of a quorum in a test context: the object's own accepted signer (`signer`, Human
/// or not) and each approval, judged with the signer-set check the object's signature meets,
/// counted by count_votes (policy/quorum.h) as the hook counts them. `steps` gets one line per
/// approval judged.
Result<QuorumVerdict> tally_approvals(const SignerSet& set, const std::string& signer, bool signer_human,
                                      const std::vector<PolicyTestApproval>& approvals, const std::string& repo,
                                      int64_t now, std::vector<std::string>& steps);

}  // namespace auths::policy
