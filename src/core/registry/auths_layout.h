// The registry layout the Auths CLI writes (auths-dev/auths, its second generation), read
// beside this toolkit's own. registry.h describes both layouts and what in each is authority;
// this header names the paths of the Auths layout and checks its files that are not KEL events
// (the events themselves go through the same State::add_event as ours).
//
//   v1/metadata.json                                         cache
//   v1/identities/<p[0:2]>/<p[2:4]>/<prefix>/events/<seq>.json               a KEL event
//   v1/identities/<p[0:2]>/<p[2:4]>/<prefix>/events/<seq>.attachments.cesr   its signatures
//   v1/identities/<p[0:2]>/<p[2:4]>/<prefix>/{tip,state,metadata}.json       caches
//   v1/devices/<d[0:2]>/<d[2:4]>/<sanitized did>/attestation.json            overwritten in place
//   v1/devices/<d[0:2]>/<d[2:4]>/<sanitized did>/history/<YYYYMMDDTHHMMSS.mmm>_<id>.json
//   v1/orgs/<p[0:2]>/<p[2:4]>/<org prefix>/members/<sanitized did>.json      overwritten in place
//   v1/credentials/<issuer prefix>/<said>.json                               overwritten in place
//   v1/tel/<issuer>/<registry said>/<credential said>/<sn>.json              overwritten in place
// <seq> is the event's sequence number as 8 decimal digits (the `s` inside is hex). A sanitized
// DID has ':' replaced by '_'; a device's shard <d> is its sanitized DID without a leading
// "did_key_" (a did:keri device is sharded "di/d_").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auths/reason.h"
#include "auths/result.h"
#include "registry/registry.h"

namespace auths::registry {

/// What a path of the Auths layout holds (kInvalid: not a path of that layout).
enum class AuthsRecord {
  kInvalid,
  kEvent,
  kAttachments,
  kTip,
  kState,
  kIdentityMetadata,
  kRegistryMetadata,
  kDeviceAttestation,
  kDeviceHistory,
  kOrgMember,
  kCredential,
  kTel,
};

struct AuthsPath {
  AuthsRecord kind = AuthsRecord::kInvalid;
  std::string prefix;     // the identity (events, caches) or the org (members)
  uint64_t sequence = 0;  // events and attachments
  std::string did;        // the device or the member, unsanitized
};
/// Where `path` sits in the Auths layout: the shard directories must be the prefix's (or the
/// sanitized DID's) own characters, the prefix a did:keri prefix.
AuthsPath classify_auths_path(std::string_view path);
/// The files the Auths tools overwrite in place: the caches, a device's attestation.json, org
/// members, credentials and TEL files. A registry update may change them (judged by content);
/// every other file, of either layout, is never changed nor removed.
bool overwritten_in_place(AuthsRecord kind);

/// Both layouts name an identity's directory by its did:keri prefix (an E-coded digest).
bool is_identity_prefix(std::string_view prefix);
/// Both layouts name an event file by its sequence number as 8 decimal digits.
std::string sequence_name(uint64_t sequence);
/// "00000012" -> 12; nullopt unless exactly 8 decimal digits.
std::optional<uint64_t> parse_sequence_name(std::string_view name);

/// "did:key:z6Mk..." -> "did_key_z6Mk..." (every ':' -> '_').
std::string sanitize_did(std::string_view did);
/// The first two '_' back to ':' ("did_keri_E..." -> "did:keri:E..."); nullopt when the name
/// has fewer.
std::optional<std::string> unsanitize_did(std::string_view name);

/// "v1/identities/<p[0:2]>/<p[2:4]>/<prefix>/".
std::string auths_identity_dir(std::string_view prefix);
/// ".../events/<seq>.json" and ".../events/<seq>.attachments.cesr".
std::string auths_event_path(std::string_view prefix, uint64_t sequence);
std::string auths_attachments_path(std::string_view prefix, uint64_t sequence);
/// "v1/devices/<shard>/<sanitized did>/".
std::string auths_device_dir(std::string_view did);

/// Which layout a path belongs to: ours (v1/identities/<prefix>/kel|attestations|freezes/...),
/// the Auths tools', or neither (v1/approvals/, which either layout may hold, and paths of no
/// layout).
enum class Layout { kNone, kOurs, kAuths };
Layout layout_of(std::string_view path);

/// The layout of a registry tree so far: the first file of either layout sets it.
struct LayoutSeen {
  Layout layout = Layout::kNone;
  std::string first;  // the file that set it

  /// Notes `path`. A file of the other layout is refused (registry-mixed-layout, `fault` set),
  /// naming it and the file that set the layout.
  [[nodiscard]] Status note(std::string_view path, Reason* fault = nullptr);
};

// The checks of the Auths layout's files that are no KEL events. `state` holds the registry's
// KEL events up to and including the commit (or tree) being checked. On failure the Error names
// the fault (the caller adds the path) and `fault` gets the reason: kRegistryCacheMismatch or
// kRegistryInvalidRecord.

/// A cache: a JSON object. tip.json must name the KEL's last event (its integer `sequence`
/// and string `said`); state.json (string `validated_against_said`, object `state`) must be
/// about this prefix, and when it was validated against the KEL's last event its sequence,
/// last_event_said, current_keys, next_commitment and delegator (when present and of a type
/// these map to) must be the replayed state's. A state.json validated against another event is
/// stale: nothing more is compared. Nothing is ever read from a cache.
[[nodiscard]] Status check_auths_cache(const State& state, const AuthsPath& where, std::string_view content,
                                       Reason* fault = nullptr);
/// A device's attestation.json or a history copy: an attestation (keri::parse_attestation)
/// whose subject is the path's DID, whose issuer has a KEL in `state` and whose identity
/// signature verifies with a key that KEL established (any establishment, so that a rotation
/// never turns an accepted file invalid). `previous` is what an update of attestation.json
/// replaces: the new record must be dated after it, or be its revocation. `now` (a push)
/// refuses records dated more than 5 minutes ahead. These records are never signing authority.
[[nodiscard]] Status check_auths_device_record(const State& state, const AuthsPath& where, std::string_view content,
                                               const std::optional<std::string>& previous, std::optional<int64_t> now,
                                               Reason* fault = nullptr);
/// An org member, credential or TEL file: a JSON object (its content is no authority).
[[nodiscard]] Status check_auths_document(std::string_view content, Reason* fault = nullptr);

}  // namespace auths::registry
