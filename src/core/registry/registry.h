// The identity registry: `refs/auths/registry`, a commit chain that only grows. It carries the
// key event logs of did:keri identities and the attestations that link device keys to them
// (and revoke them), so identity data travels with clones and is checked on every push.
//
// Layout of a registry tree (version 1):
//   v1/identities/<prefix>/kel/<seq>.json            one KEL event, its compact serialization
//   v1/identities/<prefix>/kel/<seq>.cesr            the event's signatures ("-A##..." text; for a
//                                                    dip or drt, then "-G##..." naming the
//                                                    delegator's anchoring event)
//   v1/identities/<prefix>/attestations/<name>.json a device link, an org membership, an agent
//                                                    delegation or a revocation, where
//                                                    <name> = <timestamp as YYYYMMDDTHHMMSSZ>-<first 16
//                                                    characters of the record's digest>
//   v1/identities/<org prefix>/freezes/<name>.json   a freeze or unfreeze of an org (freeze.h)
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
#pragma once

#include <cstdint>
#include <map>
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
#include "registry/freeze.h"

namespace auths::registry {

inline constexpr const char* kRegistryRef = "refs/auths/registry";

/// Where records live in the tree.
std::string event_path(std::string_view prefix, uint64_t sequence);       // .../kel/<seq>.json
std::string signatures_path(std::string_view prefix, uint64_t sequence);  // .../kel/<seq>.cesr
[[nodiscard]] Result<std::string> attestation_path(const keri::Attestation& attestation);
/// "<YYYYMMDDTHHMMSSZ>-<first 16 characters of digest>.json": the file name of a record
/// (attestation or freeze) dated `unix_seconds`.
std::string record_file_name(int64_t unix_seconds, std::string_view digest);

/// A device (or any subject key) linked to an identity, with its revocation if there is one.
struct Grant {
  const keri::KeyState* identity = nullptr;
  const keri::Attestation* link = nullptr;
  const keri::Attestation* revocation = nullptr;  // the earliest revocation of this link
};

/// The registry's content, validated.
class State {
 public:
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

 private:
  Grant make_grant(const keri::Attestation& link) const;
  Status check_org_signer(const keri::Attestation& record, std::optional<int64_t> now) const;
  Status check_agent_delegation(const keri::Attestation& link) const;

  static std::string key_index(const crypto::PublicKey& key);

  std::map<std::string, keri::KeyState> m_identities;
  std::multimap<std::string, std::string> m_by_key;  // raw current key -> prefix
  std::vector<keri::Attestation> m_links;
  std::vector<keri::Attestation> m_memberships;
  std::vector<keri::Attestation> m_revocations;
  std::vector<FreezeRecord> m_freezes;
};

/// Reads the records of a registry tree at `commit` and validates all of them, in dependency
/// order (each identity's events by sequence, a delegate's after its delegator's anchoring
/// event, then links and revocations by timestamp).
[[nodiscard]] Result<State> load(const git::RepoView& repo, const Oid& commit);
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
/// fast-forward only, no merges, each new commit only adds files, each added file a valid
/// record on top of the state before it (checked commit by commit, oldest first). Returns the
/// state after the update; `problems` lists what is wrong (then the state is the last good one).
/// An Error means the check could not run (unreadable objects).
[[nodiscard]] Result<State> verify_update(const git::RepoView& repo, const std::optional<Oid>& old_tip,
                                          const Oid& new_tip, std::vector<Problem>& problems);

/// Adds `files` (path, content) to refs/auths/registry in a new commit on top of its current
/// tip (creating the ref if needed). Files already there with the same content are skipped;
/// the same path with other content is an error (the registry never changes a record).
/// Returns the new tip, or nullopt when there was nothing to add.
[[nodiscard]] Result<std::optional<Oid>> publish(git::Repository& repo,
                                                 const std::vector<std::pair<std::string, std::string>>& files,
                                                 const std::string& message);

}  // namespace auths::registry
