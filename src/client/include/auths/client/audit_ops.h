// The registry as an auditor reads it: `auths audit log` (every record, who signed it, when) and
// `auths emergency report` (who and what can sign now, and what to do about it). Plain strings in
// and out; nothing here prints (README.md, "Organizations, teams and agents").
//
// Where the records come from: refs/auths/registry of a repository, walked from its first
// commit (each record comes with the commit that added it and that commit's time); without that
// ref, the home's registry copy (no commits: records by their own time). Records are parsed, not
// verified again: refs/auths/registry is verified record by record on every push. A file that
// does not parse, a path outside the registry's layout, or a record a later commit changes or
// removes is an event of kind "error", never skipped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/client/identity_ops.h"
#include "auths/client/org_ops.h"
#include "auths/result.h"

namespace auths::client {

/// Where `repo` is read from. `repo` empty: the current directory's refs/auths/registry when it
/// is a repository, else the home's copy. A named repository that cannot be opened is an Error
/// (kNotFound); one without refs/auths/registry falls back to the home's copy.
struct AuditSource {
  std::string repository;  // the repository's git directory; "" when the home's copy was read
  std::string registry;    // the refs/auths/registry commit read; "" for the home's copy
  std::string home_copy;   // the home's copy, when that was read
};

/// What an agent delegation says about its agent (its "metadata": keri/attestation.h); type ""
/// when the record has none.
struct AgentLabel {
  std::string type;  // "ai_agent", ...
  std::string name;
  std::string setup_profile;
  bool ephemeral = false;
};

/// One record added to the registry. Kinds:
///   identity-incepted, delegate-incepted (dip), keys-rotated (rot, drt)   from key event logs
///   membership-added, membership-revoked                                   org memberships
///   device-linked, device-revoked                                          links of a did:key
///   agent-delegated, agent-revoked                                         links of a did:keri
///   freeze, unfreeze                                                       org freezes
///   error                                                                  see the header
/// Interaction events (ixn) only anchor the records above and make no event of their own.
struct AuditEvent {
  std::string kind;
  std::string timestamp;     // the record's own time (RFC 3339); "" for KEL events, which carry none
  std::string commit;        // the registry commit that added it; "" from the home's copy
  std::string committed_at;  // that commit's committer time
  std::string subject;       // the member, device, agent or identity; the org of a freeze
  std::string issuer;        // whose record: the org (memberships, freezes), the identity (links, KEL)
  std::string signer;        // whose key signed it: the issuer, or the admin in delegated_by
  std::string role;          // memberships
  std::string signer_type;   // links: Human, Agent, Workload
  std::vector<std::string> capabilities;
  std::vector<std::string> teams;
  std::vector<std::string> repos;
  std::string expires_at;  // memberships and links; "" = never
  std::string until;       // a freeze
  std::string note;        // a record's note, a freeze's reason, a delegate's delegator, an error's cause
  AgentLabel agent;        // agent delegations
  std::string record;      // the file's path in the registry

  /// The time to order and filter by: `timestamp`, else `committed_at`.
  const std::string& when() const { return timestamp.empty() ? committed_at : timestamp; }
};

struct AuditOptions {
  std::string repo;              // see AuditSource
  std::optional<int64_t> since;  // only events at or after this unix time (events without a time: none)
};

/// A --since value at `now` (0 = the current time): a date "YYYY-MM-DD" (its first second, UTC), an RFC 3339 UTC time,
/// or a duration back from `now` ("30m", "24h", "7d", "1w": parse_duration). kInvalidArgument
/// otherwise.
[[nodiscard]] Result<int64_t> parse_since(std::string_view text, int64_t now = 0);

struct AuditLog {
  AuditSource source;
  std::vector<AuditEvent> events;  // oldest first
};
/// `auths audit log`: the events of every record, oldest first: commit by commit, and within a
/// commit (or the home's copy) the KEL events in path order, then the records by their time.
[[nodiscard]] Result<AuditLog> audit_log(const std::string& home, const AuditOptions& options);

/// A link in the incident report: a device of an identity, or an agent it delegated to.
struct LinkStatus {
  std::string identity;       // the link's issuer: the device's owner, the agent's delegator
  std::string member_status;  // that identity's standing in the org: active, revoked, expired, none
  DeviceInfo link;            // as `auths id show-devices` shows it; link.status is the link's own
  std::string status;         // what counts: link.status, or for an agent "delegator-revoked" when a
                              // link or membership above it is revoked or expired
  std::string why;            // what fell above it (delegator-revoked)
  AgentLabel agent;           // an agent delegation's metadata
};

struct FreezeEntry {
  std::string kind;  // "freeze" or "unfreeze"
  std::string timestamp;
  std::string signer;
  std::string until;
  std::string reason;
  std::string record;
};

struct Recommendation {
  std::string subject;  // the did it is about
  std::string finding;  // what the report found
  std::string action;   // what to run about it
};

struct IncidentReport {
  std::string generated_at;
  std::string org;
  AuditSource source;
  std::vector<MemberInfo> members;  // every member, revoked ones too, status at generated_at
  std::vector<LinkStatus> devices;  // every link of a did:key (any signer type), of every identity
  std::vector<LinkStatus> agents;   // every link whose signer type is Agent or Workload
  bool frozen = false;
  FreezeEntry freeze;                // the freeze in force (frozen)
  std::vector<FreezeEntry> freezes;  // the org's freeze history, oldest first
  std::string recent_since;          // recent_events are those at or after this time
  std::vector<AuditEvent> recent_events;
  std::vector<Recommendation> recommendations;
};

inline constexpr int64_t kRecentEventsSeconds = 30 * 86400;

/// `auths emergency report`: the state of `org` (a did:keri, a local org's name, or "": this
/// home's only org, else the only org of the registry) at `now` (0 = the current time), from the
/// source `repo` names (see AuditSource).
[[nodiscard]] Result<IncidentReport> emergency_report(const std::string& home, const std::string& repo,
                                                      const std::string& org, int64_t now = 0);

/// Writes `text` to `path`, a new file of mode 0600 (a report names every key that can sign).
/// kInvalidArgument when something is there already.
[[nodiscard]] Status write_new_private_file(const std::string& path, std::string_view text);

}  // namespace auths::client
