// Signing records as an identity whose keys a home holds (the home's own identity, an org's, a
// delegator's): one interaction event anchors every record of one command, and nothing is
// written before each record verifies the way the registry will verify it. Shared by
// org_ops.cpp (memberships, freezes) and agent_ops.cpp (agent delegations).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"
#include "keri/attestation.h"
#include "keri/kel.h"
#include "registry/freeze.h"

namespace auths::client {

/// An identity whose key this home holds and that signs records: the home's own, or an org's.
struct Signer {
  std::string did;
  std::string key_alias;
  keri::KeyState state;
};

/// `did`'s state from the home's registry copy, signing with the store's key `key_alias`.
/// kUnsupported for an identity with several keys.
[[nodiscard]] Result<Signer> load_signer(const std::filesystem::path& home, const std::string& did,
                                         const std::string& key_alias);
/// The home's own identity (identity.json); kNotFound when it has none.
[[nodiscard]] Result<Signer> home_signer(const std::filesystem::path& home);

/// What to anchor in one interaction event.
struct Anchored {
  std::vector<keri::Attestation> attestations;  // signed as the signer here
  std::vector<registry::FreezeRecord> freezes;  // signed as the signer here
  std::vector<keri::Seal> event_seals;          // already made: a delegate's dip (Seal::of_event)
  /// Runs once everything is signed and verified, before anything is written: a refusal
  /// writes nothing. Given the signer's state after the anchoring event, and that event.
  std::function<Status(const keri::KeyState& after, const keri::SignedEvent& anchor)> before_writing;
};
/// Signs the records of `anchored` as `signer`, anchors them and `event_seals` in one ixn event,
/// checks each record against the KEL with that event, and writes event and records to the
/// home's registry copy. Returns the event.
[[nodiscard]] Result<keri::SignedEvent> sign_anchor_store(const std::filesystem::path& home, const Signer& signer,
                                                          std::string_view passphrase, Anchored& anchored);

// Link requests (a device's, identity_ops.h; an agent's, agent_ops.h): checks both share.

/// A request's timestamp becomes the link's: the device or agent is valid for commits dated
/// from then on. The requester chose it, so it may not reach further back than a request can
/// reasonably wait.
inline constexpr int64_t kMaxLinkRequestAgeDays = 7;

/// "link request refused: <why>" with `code`.
Error refused(ErrorCode code, const std::string& why);
/// The record of a request at `now`: not yet signed by the identity, asking for at least one
/// capability, its device signature valid over every field (kCorrupt otherwise: changed after
/// it was signed), not expired, not dated in the future nor more than kMaxLinkRequestAgeDays
/// ago. Every refusal is refused(...).
[[nodiscard]] Status check_requested_link(const keri::Attestation& link, int64_t now);

/// A capability list as a command was given it: trimmed, duplicates dropped; empty means
/// sign_commit. The record's strict parser checks the names.
[[nodiscard]] Result<std::vector<std::string>> checked_capabilities(const std::vector<std::string>& requested);

}  // namespace auths::client
