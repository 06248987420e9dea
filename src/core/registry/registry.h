// The identity registry: `refs/auths/registry`, a commit chain that only grows. It carries the
// key event logs of did:keri identities and the attestations that link device keys to them
// (and revoke them), so identity data travels with clones and is checked on every push.
//
// A registry is in one of two layouts: this toolkit's (below), or the one the Auths CLI writes
// (auths_layout.h). A tree holding files of both is refused (registry-mixed-layout), naming the
// file; v1/approvals/ belongs to neither and may be in either.
//
// Layout of a registry tree (version 1, this toolkit's):
//   v1/identities/<prefix>/kel/<seq>.json            one KEL event, its compact serialization
//   v1/identities/<prefix>/kel/<seq>.cesr            the event's signatures ("-A##..." text; for a
//                                                    dip or drt, then "-G##..." naming the
//                                                    delegator's anchoring event)
//   v1/identities/<prefix>/attestations/<name>.json a device link, an org membership, an agent
//                                                    delegation or a revocation, where
//                                                    <name> = <timestamp as YYYYMMDDTHHMMSSZ>-<first 16
//                                                    characters of the record's digest>
//   v1/identities/<org prefix>/freezes/<name>.json   a freeze or unfreeze of an org (freeze.h)
//   v1/approvals/<object id>/<name>.json             an approval or rejection of a tag or commit
//                                                    (approval.h: signed by an SSH key, not a KEL;
//                                                    who counts is the hook's question)
// <seq> is the event's sequence number as 8 decimal digits. Nothing else may appear.
//
// Org records (see org.h for what they mean):
//   - a membership (attestation with `role`) is signed by the org, or by an admin of the org
//     (delegated_by) who held manage_members, unrevoked and unexpired, at the record's time and,
//     when the record arrives in a push, at the time of the push (so a revoked admin cannot
//     backdate one); an admin grants only capabilities it holds, and an admin scoped to some
//     projects only memberships scoped within them. Its revocation likewise.
//   - an agent delegation (a link with signer_type Agent whose subject is a did:keri) needs
//     the agent's KEL in the registry, a device key that is one of the agent's keys, and an
//     issuer other than the agent; an issuer that is itself an agent grants only capabilities
//     within its own grant.
//   - a freeze or unfreeze is signed by the org or by an admin with manage_members (same rules).
//
// Every record is self-authenticating (signed by the identity, and for links by the device),
// so who pushes the registry does not matter; what matters is that every record added is valid
// on top of what was there, and that nothing is ever edited or removed.
//
// The Auths layout (auths_layout.h has its paths). What is authority there:
//   - the KEL events (events/<seq>.json, pretty-printed; `v` and `d` are checked on the compact
//     serialization) and their attachments (events/<seq>.attachments.cesr: -A signatures, -G
//     source seal for dip and drt) go through add_event as ours do: delegates after their
//     delegators' anchors, a dip or drt valid only where the delegator's KEL seals it. Devices,
//     agents and org members of Auths are such delegated identifiers, and their authority
//     comes from the KEL (delegation, scope and revocation seals), not from any JSON file.
//   - nothing else. tip.json, state.json and metadata.json (per identity) and v1/metadata.json
//     are caches: nothing is ever read from them. A cache that contradicts the KEL in the same
//     tree is refused all the same (registry-cache-mismatch, naming the file), so that a tree
//     the hook accepts never misleads a tool that reads caches: tip.json must name the KEL's
//     last event; a state.json validated against that event must state its prefix, sequence,
//     last event, keys, next commitments and delegator (a state.json validated against an
//     earlier event is stale, and accepted).
//   - device records (v1/devices/.../attestation.json, overwritten in place by the Auths tools,
//     and history/ copies, added only) are judged by content: an attestation whose subject is
//     the path's DID, signed by a key its issuer's KEL established; an update of
//     attestation.json must be a later record for the device or its revocation. They are not
//     device links: they grant no signing authority and are not added to the State (in Gen-2
//     Auths itself reads authority from the KEL seals, not from them).
//   - org member files (v1/orgs/.../members/), credentials (v1/credentials/) and TEL files
//     (v1/tel/) must be JSON objects and may be overwritten; their content is no authority (an
//     Auths org's membership is its KEL's delegation and scope seals).
// Caches, device attestation.json, members, credentials and TEL files may change in a later
// commit; events, attachments and history copies never do (registry-edit, naming the file), and
// no file is ever removed. Any other path stays refused, naming it.
//
// Our CLI writes only this toolkit's layout, and publish() refuses to add to a registry in the
// Auths layout: our device links, memberships, agent delegations, freezes and revocations are
// records the Auths layout has no path for, and the Auths tools do not read ours.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/reason.h"
#include "auths/result.h"
#include "crypto/public_key.h"
#include "git/repo_view.h"
#include "git/repository.h"
#include "keri/attestation.h"
#include "keri/kel.h"
#include "registry/approval.h"
#include "registry/freeze.h"
#include "util/bytes.h"

namespace auths::registry {

inline constexpr const char* kRegistryRef = "refs/auths/registry";
/// Where approval records live (approval.h).
inline constexpr std::string_view kApprovalsDir = "v1/approvals/";

/// What a path of a registry tree holds, by the layout above (kInvalid: nothing may be there).
enum class RecordKind { kEvent, kSignatures, kAttestation, kFreeze, kApproval, kInvalid };
RecordKind record_kind(std::string_view path);

/// Where records live in the tree.
std::string event_path(std::string_view prefix, uint64_t sequence);       // .../kel/<seq>.json
std::string signatures_path(std::string_view prefix, uint64_t sequence);  // .../kel/<seq>.cesr
[[nodiscard]] Result<std::string> attestation_path(const keri::Attestation& attestation);
/// "<YYYYMMDDTHHMMSSZ>-<first 16 characters of digest>.json": the file name of a record
/// (attestation or freeze) dated `unix_seconds`.
std::string record_file_name(int64_t unix_seconds, std::string_view digest);

/// What a delegator's KEL says of one of its delegated identifiers: how the Auths CLI (its
/// current generation) manages devices, agents and org members, with no attestation at all.
/// The delegate's dip is anchored by the delegator (checked when the event was added); then
/// the delegator's KEL may hold, as Digest seals {"d": ...}:
///   "<delegate prefix>"                                   revokes it (from that event on, for good)
///   "agent:<delegate prefix>"                             marks it an agent (signer type Agent)
///   "agentscope:<delegate prefix>:<expiry>:<c1>,<c2>..."  its scope: capabilities (a first item
///                                                         "role:<role>" names an org role) and
///                                                         its expiry in Unix seconds (0 = never);
///                                                         the latest such seal counts
struct KelDelegation {
  std::string delegate;                   // the delegated identifier's prefix
  std::string delegator;                  // its delegator's prefix (the dip's `di`)
  std::optional<uint64_t> revoked_at;     // the delegator's event revoking it
  bool agent = false;                     // marked as an agent
  bool scoped = false;                    // a scope seal holds (the fields below are its)
  std::vector<std::string> capabilities;  // of the latest scope, role marker removed
  std::string role;                       // "admin", "member", "readonly" of a role marker; "" none
  std::optional<int64_t> expires_at;      // of the latest scope; nullopt: never
  std::string scope_error;                // the latest scope seal cannot be read ("" = fine): fail closed
  friend bool operator==(const KelDelegation&, const KelDelegation&) = default;
};
/// Reads the delegation facts of `delegate` from its delegator's state (with its seals).
KelDelegation read_kel_delegation(const keri::KeyState& delegate, const keri::KeyState& delegator);

/// A device (or any subject key) linked to an identity, with its revocation if there is one.
struct Grant {
  const keri::KeyState* identity = nullptr;
  const keri::Attestation* link = nullptr;
  const keri::Attestation* revocation = nullptr;  // the earliest revocation of this link
};

/// What an on-demand State (State::on_demand) looks records up by.
enum class Lookup : uint32_t {
  kIdentity = 1,        // prefix -> the identity's key state
  kCurrentKey = 2,      // raw current key (Ed25519 32 bytes, P-256 33) -> the identities holding it
  kLinkKey = 3,         // device key, SSH wire blob -> links
  kLinkSubject = 4,     // subject -> links
  kLinkIssuer = 5,      // issuer did -> links
  kMembership = 6,      // lookup_pair(org, member) -> memberships
  kRevocation = 7,      // lookup_pair(issuer, subject) -> revocations
  kFreeze = 8,          // org did -> freeze and unfreeze records
  kApproval = 9,        // object id (hex) -> approval records of that object
  kKelDelegation = 10,  // delegate prefix -> what its delegator's KEL says of it (KelDelegation)
};
/// The key of a kMembership or kRevocation lookup: both strings, each behind its length.
std::string lookup_pair(std::string_view first, std::string_view second);

/// One record of a State as a RecordSource keeps it: an id, the record's encoding, and the
/// lookups that find it, each with a rank that orders the records one lookup finds as the State
/// orders them (oldest first, or the order added).
struct IndexedRecord {
  struct Key {
    Lookup kind = Lookup::kIdentity;
    std::string key;
    uint64_t rank = 0;
  };
  uint64_t id = 0;
  std::string body;
  std::vector<Key> lookups;
};

/// Where an on-demand State reads its records: what State::records() made of a State that was
/// loaded and verified in full (the server keeps it: state/store.h).
class RecordSource {
 public:
  virtual ~RecordSource() = default;
  /// The records one lookup finds, in rank order: (id, body).
  [[nodiscard]] virtual Result<std::vector<std::pair<uint64_t, std::string>>> find(Lookup kind,
                                                                                   std::string_view key) const = 0;
};

/// The registry's content, validated.
class State {
 public:
  /// A State that holds nothing and reads what each lookup needs from `source`: the hook's view
  /// of a registry tip this server loaded and verified in full before (records() made the
  /// source's content then). Its records are not checked again and nothing can be added to it
  /// (add_* refuse). The lookups (identity, identities_with_key, grants_for_key, grants_of,
  /// memberships, delegations_of, freezes_of) answer as the full State did; identities() and the
  /// listings hold only what was read so far, and its identities carry no seals (nothing is
  /// verified against them). One thread at a time. A read that fails is kept (source_error):
  /// answers given after it may lack records, so a caller must check it before trusting them.
  static State on_demand(std::shared_ptr<const RecordSource> source);
  /// The first failed read of an on-demand State; nullopt when none failed (or not on demand).
  std::optional<Error> source_error() const;
  /// Every record with the lookups that find it, for a RecordSource to keep. Not for an
  /// on-demand State.
  [[nodiscard]] Result<std::vector<IndexedRecord>> records() const;

  /// Adds one signed KEL event (the next one of its identity, or an inception). A delegated
  /// event's delegator is looked up among this state's identities. `fault` (when given) gets
  /// the kKel* reason of a refusal, kOk otherwise.
  [[nodiscard]] Status add_event(const keri::SignedEvent& event, Reason* fault = nullptr);
  /// Adds a device link, a membership, an agent delegation or a revocation. A link needs both
  /// signatures; a revocation and a membership the signer's; all a signer this registry knows
  /// whose KEL anchors the record (a seal {"d": attestation_digest}), signed by the keys in
  /// force when it was anchored; org records as the header says. `now` (records arriving in a
  /// push) adds the checks that depend on the time of arrival.
  [[nodiscard]] Status add_attestation(keri::Attestation attestation, std::optional<int64_t> now = std::nullopt);
  /// Adds a freeze or unfreeze record (header).
  [[nodiscard]] Status add_freeze(FreezeRecord record, std::optional<int64_t> now = std::nullopt);
  /// Adds an approval record whose signature verifies with its own key (approval.h).
  [[nodiscard]] Status add_approval(Approval record);

  const keri::KeyState* identity(std::string_view prefix) const;
  const std::map<std::string, keri::KeyState>& identities() const { return m_identities; }
  /// The identities whose current keys include `key` (an index: no scan per signature).
  std::vector<const keri::KeyState*> identities_with_key(const crypto::PublicKey& key) const;
  /// Every link whose device key is `key`, with its revocation (if any).
  std::vector<Grant> grants_for_key(const crypto::PublicKey& key) const;
  /// Every link issued by `prefix`.
  std::vector<Grant> grants_of(std::string_view prefix) const;
  /// Every membership of `member` (a did:keri) in `org`, oldest first, with its revocation.
  std::vector<Grant> memberships(std::string_view org, std::string_view member) const;
  /// Every membership record of every org, oldest first (for listings).
  const std::vector<keri::Attestation>& all_memberships() const { return m_memberships; }
  /// Every agent delegation whose subject is `agent` (a did:keri), oldest first.
  std::vector<Grant> delegations_of(std::string_view agent) const;
  /// Every revocation (links and memberships), in the order added.
  const std::vector<keri::Attestation>& revocations() const { return m_revocations; }
  /// Every device link and agent delegation, in the order added.
  const std::vector<keri::Attestation>& links() const { return m_links; }
  /// The freeze and unfreeze records of `org`, by timestamp.
  std::vector<const FreezeRecord*> freezes_of(std::string_view org) const;
  /// The approval records of the object `object_hex`, in the order added.
  std::vector<const Approval*> approvals_of(std::string_view object_hex) const;
  /// What its delegator's KEL says of the delegated identifier `prefix`; nullopt when `prefix`
  /// is unknown or not delegated.
  std::optional<KelDelegation> kel_delegation(std::string_view prefix) const;

 private:
  Grant make_grant(const keri::Attestation& link) const;
  Status check_org_signer(const keri::Attestation& record, std::optional<int64_t> now) const;
  Status check_agent_delegation(const keri::Attestation& link) const;

  static std::string key_index(const crypto::PublicKey& key);
  using Pair = std::pair<std::string, std::string>;
  /// On demand: what `kind`/`key` finds, read once and kept (registry.cpp).
  struct OnDemand;
  template <typename T>
  std::vector<const T*> fetch(Lookup kind, std::string_view key) const;
  std::vector<Grant> fetch_grants(Lookup kind, std::string_view key) const;
  std::shared_ptr<OnDemand> m_on_demand;  // null: every record is in the members below

  /// The records of `all` at `positions` (an index's entry; empty when there is none).
  std::vector<Grant> grants_at(const std::vector<keri::Attestation>& all, const std::vector<size_t>* positions) const;

  std::map<std::string, keri::KeyState> m_identities;
  std::multimap<std::string, std::string> m_by_key;  // raw current key -> prefix
  std::vector<keri::Attestation> m_links;
  std::vector<keri::Attestation> m_memberships;
  std::vector<keri::Attestation> m_revocations;
  std::vector<FreezeRecord> m_freezes;
  std::vector<Approval> m_approvals;
  std::map<std::string, std::vector<size_t>, std::less<>> m_approvals_by_object;
  // Positions in the vectors above, in the order added: every lookup the hook makes per signature
  // (grants_for_key, delegations_of, memberships, a grant's revocation) reads one entry instead of
  // every record, so that it costs the same with ten records as with a hundred thousand.
  std::map<std::string, std::vector<size_t>, std::less<>> m_links_by_key;  // device key (its SSH blob)
  std::map<std::string, std::vector<size_t>, std::less<>> m_links_by_subject;
  std::map<std::string, std::vector<size_t>, std::less<>> m_links_by_issuer;
  std::map<Pair, std::vector<size_t>> m_memberships_by_pair;  // (org, member)
  std::map<Pair, std::vector<size_t>> m_revocations_by_pair;  // (issuer, subject)
};

/// One signed event waiting to be added, with where it came from (a file, a bundle field).
struct PendingEvent {
  std::string where;
  keri::SignedEvent event;
};
/// Adds the KELs of `kels` (prefix -> its events in sequence order) to `state`: a delegated
/// event (dip, drt) needs its delegator's anchoring event first, whatever the order, so an
/// identifier refused as kel-delegation-not-anchored waits and is tried again after the others
/// until a round makes no progress; an event still waiting then is the error. Errors are
/// kInvalidArgument with the failing event's `where` as context; kInternal when `stop` (the
/// server's time budget) said stop, here and in load and verify_update.
[[nodiscard]] Status add_in_delegation_order(State& state, std::map<std::string, std::deque<PendingEvent>> kels,
                                             const git::Stop& stop = {});

/// Reads the records of a registry tree at `commit` (either layout) and validates all of them,
/// in dependency order (each identity's events by sequence, a delegate's after its delegator's
/// anchoring event, then links and revocations by timestamp, then the Auths layout's caches and
/// device records against the events).
[[nodiscard]] Result<State> load(const git::RepoView& repo, const Oid& commit, const git::Stop& stop = {});
/// The state at refs/auths/registry, or an empty state when the ref does not exist.
[[nodiscard]] Result<State> load_current(const git::Repository& repo);

/// The same, from a directory laid out like a registry tree (the identity home's copy).
[[nodiscard]] Result<State> load_directory(const std::string& dir);

/// One reason a registry update is refused.
struct Problem {
  Reason code;  // kRegistryNotFastForward, kRegistryMerge, kRegistryEdit, kRegistryInvalidRecord, ...
  std::optional<Oid> commit;
  std::string message;  // names the record path and the fault
};

/// Checks an update of refs/auths/registry from `old_tip` (nullopt = creation) to `new_tip`:
/// fast-forward only, no merges, each new commit only adds files (or, in the Auths layout,
/// overwrites a file the Auths tools overwrite: header), each added file a valid record on top
/// of the state before it (checked commit by commit, oldest first), in the registry's one
/// layout; the caches of an identity whose KEL grows must still agree with it. Returns the
/// state after the update; `problems` lists what is wrong (then the state is the last good one).
/// An Error means the check could not run (unreadable objects).
[[nodiscard]] Result<State> verify_update(const git::RepoView& repo, const std::optional<Oid>& old_tip,
                                          const Oid& new_tip, std::vector<Problem>& problems,
                                          const git::Stop& stop = {});

/// Adds `files` (path, content) to refs/auths/registry in a new commit on top of its current
/// tip (creating the ref if needed). Files already there with the same content are skipped;
/// the same path with other content is an error (the registry never changes a record), and so
/// is a registry in the Auths layout (the commit would mix layouts: header).
/// Returns the new tip, or nullopt when there was nothing to add.
[[nodiscard]] Result<std::optional<Oid>> publish(git::Repository& repo,
                                                 const std::vector<std::pair<std::string, std::string>>& files,
                                                 const std::string& message);

}  // namespace auths::registry
