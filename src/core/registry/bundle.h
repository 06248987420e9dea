// Committed identity evidence: the IdentityBundle the Auths CLI writes into a repository as
// `.auths/ci-bundle.json`, so that CI and servers without the registry can verify commits.
//
//   {"identity_did": "did:keri:<root prefix>",
//    "public_key_hex": "<the root's current key: 33-byte compressed P-256 or 32-byte Ed25519>",
//    "curve": "p256" | "ed25519",                 (absent: p256)
//    "attestation_chain": [ ... ],                 attestations; not authority (see below)
//    "kel": [ <event>, ... ],                      the root's KEL, oldest first, events as JSON
//    "kel_attachments": [ "<hex of the CESR attachment text>", ... ],   one per event
//    "device_kels": [ {"did": "did:keri:<device>", "kel": [...], "kel_attachments": [...]} ],
//    "bundle_timestamp": "<RFC 3339>",
//    "max_valid_for_secs": <seconds>}
//
// Every event is checked as a registry event is (signatures, pre-rotation, delegation seals in
// the root's KEL): the bundle is self-authenticating, and who it speaks for is the policy's
// choice (`signers = ["roots"]` and listed did:keri), never the bundle's. As in Auths' own
// current verifier, authority comes from the KELs (delegations, revocation and scope seals);
// the attestation chain is read as JSON and not used. The bundle's age is judged by the caller
// (stale_detail).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auths/result.h"
#include "keri/attestation.h"
#include "registry/registry.h"

namespace auths::registry {

/// A bundle larger than this is refused (Auths caps JSON bundles at 16 MiB; one KEL event is
/// a few hundred bytes).
inline constexpr size_t kMaxBundleBytes = 16u << 20;

struct Bundle {
  std::string identity_did;
  keri::Timestamp created;         // bundle_timestamp
  int64_t max_valid_for_secs = 0;  // the bundle's own freshness limit
  State state;                     // the root's and the devices' KELs, verified
};

/// Parses and verifies a bundle. Errors (kInvalidArgument) name the field or event at fault.
[[nodiscard]] Result<Bundle> read_bundle(std::string_view json_text);

/// Why `bundle` is too old to use at `now`, or nullopt when it is fresh enough.
std::optional<std::string> stale_detail(const Bundle& bundle, int64_t now);

}  // namespace auths::registry
