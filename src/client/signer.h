// Signing records as an identity whose keys a home holds (the home's own identity, an org's, a
// delegator's): one interaction event anchors every record of one command, and nothing is
// written before each record verifies the way the registry will verify it. Shared by
// org_ops.cpp (memberships, freezes) and agent_ops.cpp (agent delegations).
#pragma once

#include <filesystem>
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
};
/// Signs the records of `anchored` as `signer`, anchors them and `event_seals` in one ixn event,
/// checks each record against the KEL with that event, and writes event and records to the
/// home's registry copy. Returns the event.
[[nodiscard]] Result<keri::SignedEvent> sign_anchor_store(const std::filesystem::path& home, const Signer& signer,
                                                          std::string_view passphrase, Anchored& anchored);

/// A capability list as a command was given it: trimmed, duplicates dropped; empty means
/// sign_commit. The record's strict parser checks the names.
[[nodiscard]] Result<std::vector<std::string>> checked_capabilities(const std::vector<std::string>& requested);

}  // namespace auths::client
