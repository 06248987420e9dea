// Organizations, as an org admin manages them: `auths org ...` and `auths emergency ...`
// (README.md, "Organizations, teams and agents"). Plain strings in and out; nothing here prints.
//
// The org is a did:keri identity of its own. `auths org init` creates it in the creator's home:
// its keys in the key store ("org-<name>" and "org-<name>.next", same passphrase as the
// home's other keys), orgs/<name>.json naming it, its KEL and records in the home's registry
// copy (published with the rest by `auths registry publish`). The creator's identity becomes
// its first admin. Records are signed by the org when this home holds the org's keys, else
// by this home's identity as an admin of the org (delegated_by), which the registry accepts
// only while that identity holds manage_members (registry.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auths/result.h"

namespace auths::client {

struct OrgInfo {
  std::string name;
  std::string did;
  std::string admin;  // the creator, first admin
};

/// `auths org init --name NAME`: kInvalidArgument when the home has no identity or already an
/// org of that name.
[[nodiscard]] Result<OrgInfo> init_org(const std::string& home, const std::string& name, std::string_view passphrase,
                                       int64_t now = 0);
/// The orgs whose keys this home holds.
[[nodiscard]] Result<std::vector<OrgInfo>> local_orgs(const std::string& home);

struct MemberInfo {
  std::string org;
  std::string did;
  std::string role;
  std::vector<std::string> capabilities;
  std::vector<std::string> teams;
  std::vector<std::string> repos;  // empty = org-wide
  std::string status;              // "active", "revoked", "expired"
  std::string added_at;
  std::string added_by;  // the org, or the admin who signed
  std::string expires_at;
  std::string revoked_at;
  std::string record;  // the record's path in the registry
};

struct AddMemberOptions {
  std::string org;  // did:keri or a local org's name; "" = the only org this home holds
  std::string member;
  std::string role = "member";
  std::optional<std::vector<std::string>> capabilities;  // nullopt = the role's defaults
  std::vector<std::string> teams;
  std::vector<std::string> repos;
  std::optional<int64_t> expires_in_days;
  int64_t now = 0;
};
/// `auths org add-member`: a membership record, signed and anchored, in the home's registry copy.
[[nodiscard]] Result<MemberInfo> add_member(const std::string& home, const AddMemberOptions& options,
                                            std::string_view passphrase);

/// `auths org revoke-member`: a revocation of every membership of `member` in the org.
/// `repo` is the repository whose registry says what memberships exist ("" = only the home's copy).
[[nodiscard]] Result<MemberInfo> revoke_member(const std::string& home, const std::string& org,
                                               const std::string& member, const std::string& repo,
                                               std::string_view passphrase, int64_t now = 0);

/// Every member of the org (the latest record of each member and scope), from `repo`'s registry
/// when it has one, else from the home's copy.
[[nodiscard]] Result<std::vector<MemberInfo>> list_members(const std::string& home, const std::string& org,
                                                           const std::string& repo, bool include_revoked,
                                                           int64_t now = 0);

struct FreezeInfo {
  std::string org;
  std::string signer;
  std::string kind;  // "freeze" or "unfreeze"
  std::string until;
  std::string record;
};
/// `auths emergency freeze --duration D` (seconds > 0) / `unfreeze`.
[[nodiscard]] Result<FreezeInfo> freeze_org(const std::string& home, const std::string& org,
                                            std::optional<int64_t> duration_seconds, std::optional<std::string> reason,
                                            std::string_view passphrase, int64_t now = 0);

/// Parses "30m", "1h", "24h", "7d", "1w" into seconds.
[[nodiscard]] Result<int64_t> parse_duration(std::string_view text);

}  // namespace auths::client
