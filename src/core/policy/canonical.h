// The canonical form of a loaded policy, for audit: what `auths policy compile` hashes. Two
// policy files that load to the same rules (whatever their comments, key order, spelling of a
// key or of an expression) have the same canonical form and so the same hash; any change the
// hook would judge differently changes it.
#pragma once

#include <string>

#include "auths/result.h"
#include "policy/policy.h"

namespace auths::policy {

/// RFC 8785 JSON of the policy as loaded: version, org, default, [witness] (key fingerprints,
/// threshold), [governance], [forge] (keys, require_approvals) and every rule in file order (kind, name, refs, signers
/// as key fingerprints with their restrictions and identities, org conditions, quorum, open, contributions, from,
/// forge_commits, paths, max_ttl, allow_ephemeral, require_log, the expression by path and hash, force push and
/// delete).
[[nodiscard]] Result<std::string> canonical_form(const Policy& policy);

/// Lowercase hex BLAKE3-256 of canonical_form.
[[nodiscard]] Result<std::string> policy_hash(const Policy& policy);

}  // namespace auths::policy
