// How the client describes what a registry holds, for the commands that list it and for the
// audit (audit_ops.cpp): which org a command names, the members of an org (org_ops.cpp) and a
// link as `auths id show-devices` shows it (operations.cpp). Nothing here prints.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auths/client/identity_ops.h"
#include "auths/client/org_ops.h"
#include "auths/result.h"
#include "keri/attestation.h"
#include "registry/registry.h"

namespace auths::client {

/// The org a command names, and whether this home holds its keys.
struct OrgRef {
  std::string did;
  std::optional<OrgInfo> local;
};
/// `org` is a did:keri, a local org's name, or "" for this home's only org.
[[nodiscard]] Result<OrgRef> resolve_org(const std::filesystem::path& home, const std::string& org);

/// The members of `org` (a did:keri) in `state`: the latest record of each member and scope,
/// with its status at `now`, in the order the registry holds them; revoked ones only with
/// `include_revoked`.
std::vector<MemberInfo> members_of(const registry::State& state, const std::string& org, bool include_revoked,
                                   int64_t now);

/// The aliases of this home's keys, by key fingerprint (to name the local device keys).
std::map<std::string, std::string> local_aliases(const std::filesystem::path& home);
/// A link (a device or an agent) with its status at `now`: revoked by `revocation` when it is
/// dated at or before `now`, else expired after its expires_at, else active.
[[nodiscard]] Result<DeviceInfo> describe_device(const keri::Attestation& link, const keri::Attestation* revocation,
                                                 const std::map<std::string, std::string>& aliases, int64_t now);

}  // namespace auths::client
