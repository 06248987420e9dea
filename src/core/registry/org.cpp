#include "registry/org.h"

#include <algorithm>

namespace auths::registry {

namespace {

constexpr int64_t kRecordSkewSeconds = 300;

bool scoped_to(const keri::Attestation& record, std::string_view project) {
  return std::find(record.repos.begin(), record.repos.end(), project) != record.repos.end();
}

}  // namespace

std::vector<std::string> default_capabilities(std::string_view role) {
  if (role == "admin")
    return {std::string(kSignCommit), std::string(kSignRelease), std::string(kManageMembers), std::string(kRotateKeys)};
  if (role == "member") return {std::string(kSignCommit), std::string(kSignRelease)};
  return {};
}

bool is_role(std::string_view role) { return role == "admin" || role == "member" || role == "readonly"; }

bool MemberStatus::has(std::string_view capability) const {
  return record != nullptr &&
         std::find(record->capabilities.begin(), record->capabilities.end(), capability) != record->capabilities.end();
}

MemberStatus membership_at(const State& state, std::string_view org, std::string_view member, std::string_view project,
                           int64_t at) {
  // Among the records that apply here (not from after `at`): the latest active one scoped to
  // the project, else the latest active org-wide one; with none active, the latest record
  // says why (revoked or expired).
  const std::vector<Grant> grants = state.memberships(org, member);
  MemberStatus scoped;
  MemberStatus org_wide;
  MemberStatus latest_inactive;
  for (const auto& grant : grants) {
    const keri::Attestation& record = *grant.link;
    if (record.timestamp.unix_seconds > at + kRecordSkewSeconds) continue;
    const bool applies = record.repos.empty() || (!project.empty() && scoped_to(record, project));
    if (!applies) continue;
    MemberStatus status;
    status.record = &record;
    if (grant.revocation != nullptr && grant.revocation->revoked_at->unix_seconds <= at) {
      status.kind = MemberStatus::Kind::kRevoked;
      status.revocation = grant.revocation;
    } else if (record.expires_at && at > record.expires_at->unix_seconds) {
      status.kind = MemberStatus::Kind::kExpired;
    } else {
      status.kind = MemberStatus::Kind::kActive;
    }
    // Records arrive in any order (one push may add an older one): the latest by time wins.
    MemberStatus& slot = status.kind != MemberStatus::Kind::kActive ? latest_inactive
                         : record.repos.empty()                     ? org_wide
                                                                    : scoped;
    if (slot.record == nullptr || !(record.timestamp < slot.record->timestamp)) slot = status;
  }
  if (scoped.record != nullptr) return scoped;
  if (org_wide.record != nullptr) return org_wide;
  return latest_inactive;
}

const FreezeRecord* active_freeze(const State& state, std::string_view org, int64_t at) {
  // Records dated the same instant come in the registry tree's order (their file names, which
  // say nothing of time): among them a freeze stands over an unfreeze, and of two freezes the
  // one that lasts longer, so that the answer never depends on names and errs on the side of
  // the freeze (`auths emergency` dates a record after those of the org it knows).
  const auto stands_over = [](const FreezeRecord& a, const FreezeRecord& b) {  // at the same instant
    if (a.freeze != b.freeze) return a.freeze;
    return a.freeze && a.until && b.until && b.until->unix_seconds < a.until->unix_seconds;
  };
  const FreezeRecord* latest = nullptr;
  for (const FreezeRecord* record : state.freezes_of(org)) {  // by timestamp
    if (record->timestamp.unix_seconds > at) continue;
    if (latest == nullptr || latest->timestamp < record->timestamp || stands_over(*record, *latest)) latest = record;
  }
  if (latest == nullptr || !latest->freeze) return nullptr;
  return latest->until && at < latest->until->unix_seconds ? latest : nullptr;
}

}  // namespace auths::registry
