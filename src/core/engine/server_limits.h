// What the server pins for a repository (engine::Settings, from hooks.yaml) that a policy must
// agree with: the trust roots that may govern it, and the witnesses whose receipts count.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/policy.h"

namespace auths::engine {

/// The trust-root rule (README, "Server limits"). With `roots` set (did:keri identities and orgs
/// the server pins), a policy may give control of itself only to them:
///   - its `org` (whose admins manage the members that rules and [governance] select) must be
///     one of `roots`;
///   - it must have a [governance] section (else no pinned root governs it);
///   - every did:keri identity [governance] lists (directly or through `.auths/roots`, the
///     "roots" entry) must be one of `roots`; members [governance] selects by role or team are
///     members of `org`, which is pinned by the first point;
///   - [governance] may list no key directly (SSH key line, did:key, allowed_signers file): a
///     key is a root the server did not pin.
/// The signers of rules are not roots: [governance] chooses them, and changing them needs it.
/// nullopt when `policy` keeps the rule (always when `roots` is empty); else what breaks it,
/// naming the identity or key, to follow "the policy ...".
std::optional<std::string> trust_root_mismatch(const policy::Policy& policy, const std::vector<std::string>& roots);

/// The witnesses of `set` the server trusts (`trusted`: did:key strings; one that does not
/// parse trusts nothing): the same set with the other keys left out and the same threshold, so
/// receipts by the others never count toward it.
policy::WitnessSet trusted_witnesses(const policy::WitnessSet& set, const std::vector<std::string>& trusted);

}  // namespace auths::engine
