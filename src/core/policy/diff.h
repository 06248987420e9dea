// The comparison behind `auths policy diff` (auths/policy_diff.h), on two loaded policies.
#pragma once

#include <string>
#include <vector>

#include "auths/policy_diff.h"
#include "policy/policy.h"

namespace auths::policy {

/// What `updated` changes from `old`, in this order: top-level keys ("policy": default, org),
/// [governance], each rule (new file order, then the removed ones), then "match": ref patterns
/// whose governing rule changed (a rule added, removed, reordered, or its refs edited), each with
/// the effect on those refs (a ref moving to an equally strict rule of the same kind is not
/// reported: nothing changes for it). Rules are paired by name; those left over (unnamed ones,
/// named "commit[0]" by the loader, and renamed ones) by kind and refs. Signers are compared as
/// the loader resolved them (key fingerprints with their restrictions, identities, roles, teams),
/// so a reformatted policy that says the same gives no change.
/// `default_branch` is the default branch's full ref name: force-push and delete there are high
/// risk, and a rule without `from` trusts it.
std::vector<PolicyChange> diff(const Policy& old, const Policy& updated,
                               const std::string& default_branch = "refs/heads/main");

}  // namespace auths::policy
