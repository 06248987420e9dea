// What the org records of the registry mean: who is a member of an org with which role,
// capabilities and teams in a given repository, at a given time; whether an org is frozen.
// Pure functions over a loaded registry::State; the engine asks them, the CLI lists with them.
//
// Membership model (DESIGN.md, "Organization", "Teams and project-scoped roles"):
//   - a member may hold several memberships in one org: one org-wide (repos empty) and any
//     number scoped to projects (repos = ["group/project", ...]);
//   - in a repository whose project path is P, the latest unrevoked, unexpired membership
//     scoped to P counts; without one, the latest org-wide one; a membership scoped only to
//     other projects makes no member here;
//   - a revocation ends every membership of that member made before it; a later one stands;
//   - capabilities are those the record lists (auths org add-member writes the role's defaults
//     unless --capabilities replaces them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/registry.h"

namespace auths::registry {

inline constexpr std::string_view kSignCommit = "sign_commit";
inline constexpr std::string_view kSignRelease = "sign_release";
inline constexpr std::string_view kManageMembers = "manage_members";
inline constexpr std::string_view kRotateKeys = "rotate_keys";

/// Role defaults: admin = sign_commit, sign_release, manage_members, rotate_keys; member =
/// sign_commit, sign_release; readonly = none. Empty for an unknown role.
std::vector<std::string> default_capabilities(std::string_view role);
/// "admin", "member", "readonly".
bool is_role(std::string_view role);

struct MemberStatus {
  enum class Kind { kActive, kNotAMember, kRevoked, kExpired };
  Kind kind = Kind::kNotAMember;
  /// The membership in force (kActive), or the one that would be (kRevoked, kExpired).
  const keri::Attestation* record = nullptr;
  const keri::Attestation* revocation = nullptr;  // kRevoked
  bool has(std::string_view capability) const;
};

/// The membership of `member` in `org` for the project `project` ("" = unknown: only org-wide
/// memberships count) at unix time `at`: revoked when a revocation dated at or before `at`
/// ends it, expired when `at` is after its expires_at; records dated after `at` (beyond the
/// usual 5-minute skew) do not count yet.
MemberStatus membership_at(const State& state, std::string_view org, std::string_view member, std::string_view project,
                           int64_t at);

/// Is `org` frozen at `at`: the latest freeze or unfreeze record dated at or before `at` is a
/// freeze whose `until` is after `at` (of records dated the same instant, a freeze is the
/// latest, and of those the one with the latest `until`). The record, or nullptr.
const FreezeRecord* active_freeze(const State& state, std::string_view org, int64_t at);

}  // namespace auths::registry
