// The identity home: the developer's own did:keri identity, next to the key store
// ($AUTHS_HOME or ~/.auths, keystore.h).
//
//   identity.json                  which identity this home controls:
//                                    {"version": 1, "did": "did:keri:E...",
//                                     "key_alias": "identity", "curve": "ed25519"}
//                                  key_alias names the current identity key in the key store;
//                                  its pre-rotation key is "<key_alias>.next".
//   registry/                      the identity's registry records, in exactly the layout of
//                                  refs/auths/registry (registry.h), so that publishing copies
//                                  the files as they are:
//     v1/identities/<prefix>/kel/<seq>.json          one event, compact serialization
//     v1/identities/<prefix>/kel/<seq>.cesr          its signatures
//     v1/identities/<prefix>/attestations/<name>.json device links and revocations
//
// Records are written once and never changed: a file already there is an error. Each event is
// checked against the KEL before it is written (append_event replays it), so the copy never
// holds a KEL the registry would refuse. Files are written to a temporary name and linked into
// place, so a reader sees a whole record or none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auths/reason.h"
#include "auths/result.h"
#include "keri/attestation.h"
#include "keri/kel.h"

namespace auths::client {

inline constexpr uint32_t kIdentityConfigVersion = 1;
/// The largest record file read, as the registry accepts.
inline constexpr size_t kMaxRecordSize = 1u << 20;

/// What identity.json says.
struct IdentityConfig {
  uint32_t version = kIdentityConfigVersion;
  std::string did;        // did:keri:<prefix>
  std::string key_alias;  // the current identity key in the key store
  std::string curve;      // "ed25519" or "p256"

  /// The prefix of `did` (checked when the config is loaded or saved).
  std::string prefix() const;
};

/// home/identity.json and home/registry.
std::filesystem::path identity_config_path(const std::filesystem::path& home);
std::filesystem::path registry_copy_dir(const std::filesystem::path& home);

/// The home's identity, or nullopt when there is no identity.json. kCorrupt when the file is
/// not a valid config (unknown version, bad did, alias or curve).
[[nodiscard]] Result<std::optional<IdentityConfig>> load_identity_config(const std::filesystem::path& home);
/// Writes identity.json (replacing it), creating the home if needed.
[[nodiscard]] Status save_identity_config(const std::filesystem::path& home, const IdentityConfig& config);

/// The signed events of `prefix`'s KEL in the home's registry copy, by sequence number (empty
/// when there are none). kCorrupt for a gap, a missing .cesr, or an unparsable record.
[[nodiscard]] Result<std::vector<keri::SignedEvent>> load_kel(const std::filesystem::path& home,
                                                              std::string_view prefix);
/// load_kel, replayed. kNotFound when there is no KEL; kCorrupt when it does not replay, and
/// then `fault` (when given) says why (a kKel* reason; kOk otherwise).
[[nodiscard]] Result<keri::KeyState> load_key_state(const std::filesystem::path& home, std::string_view prefix,
                                                    Reason* fault = nullptr);

/// Checks `event` on top of the KEL in the home (an inception starts a new KEL) and writes its
/// .json and .cesr files. Returns the state after it. kInvalidArgument when its files already
/// exist or when the event does not apply, kCorrupt when the KEL before it does not replay;
/// for these two `fault` (when given) gets the reason, a kKel* code (kOk otherwise).
[[nodiscard]] Result<keri::KeyState> append_event(const std::filesystem::path& home, const keri::SignedEvent& event,
                                                  Reason* fault = nullptr);
/// The same on top of `before`, the state of the home's KEL just before `event` as the caller
/// replayed it (the operations load the identity first): the KEL is not read and replayed again.
/// A concurrent writer of the same sequence number still makes it fail (the files exist).
[[nodiscard]] Result<keri::KeyState> append_event(const std::filesystem::path& home, const keri::SignedEvent& event,
                                                  const keri::KeyState& before, Reason* fault = nullptr);

/// Writes an attestation (a link or a revocation) under its registry name. Not checked here
/// beyond being serializable; the callers sign and anchor it first.
/// Returns the path inside the registry (v1/identities/...).
[[nodiscard]] Result<std::string> store_attestation(const std::filesystem::path& home,
                                                    const keri::Attestation& attestation);

/// The attestations issued by `prefix`, split into links and revocations, each sorted by
/// timestamp (then by file name). kCorrupt names a file that does not parse.
struct StoredAttestations {
  std::vector<keri::Attestation> links;
  std::vector<keri::Attestation> revocations;
};
[[nodiscard]] Result<StoredAttestations> load_attestations(const std::filesystem::path& home, std::string_view prefix);

/// Every file of the registry copy as (path inside the registry, content), sorted by path:
/// what `auths registry publish` adds to refs/auths/registry. Temporary files are skipped.
[[nodiscard]] Result<std::vector<std::pair<std::string, std::string>>> registry_files(
    const std::filesystem::path& home);

}  // namespace auths::client
