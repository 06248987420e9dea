// The developer's identity, as the CLI manages it: `auths id ...`, `auths device ...`,
// `auths registry publish`, `auths init --git`. Plain strings in and out; nothing here prints.
//
// The identity home ($AUTHS_HOME or ~/.auths) holds identity.json, the key store and a copy of
// the identity's registry records (format: src/client/home.h). Keys in the store:
//   <alias>        the identity's current key (default alias "identity")
//   <alias>.next   its pre-rotation key: the KEL commits to its digest, nobody has seen it
//   <alias>.pending  only during `auths id rotate` (the key after next, before the rotation
//                  event is written); a later command finishes or discards it
//   device-<n>     device keys (`auths device link`), or any alias given with --alias
// Every key of one home is encrypted with the same passphrase.
//
// Rotation: the key that was pre-committed becomes <alias>, a fresh key becomes <alias>.next,
// and the old current key is deleted (its file is replaced): a rotated-away key cannot sign for
// the identity any more, and keeping it would only keep a secret worth stealing. Device links
// survive rotations because each link is anchored in the KEL (an `ixn` event with a seal
// {"d": <attestation digest>}) while the key that signed it was in force.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"

namespace auths::client {

inline constexpr std::string_view kDefaultIdentityAlias = "identity";
inline constexpr std::string_view kDefaultCapability = "sign_commit";

struct IdentityKeyInfo {
  std::string qb64;     // the key as the KEL lists it ("D..." or "1AAJ...")
  std::string did_key;  // the same key as did:key
};

struct IdentityInfo {
  std::string did;  // did:keri:E...
  std::string key_alias;
  std::string curve;       // "ed25519" or "p256"
  uint64_t sequence = 0;   // of the KEL's last event
  uint64_t rotations = 0;  // rot events so far
  std::vector<IdentityKeyInfo> keys;
  size_t next_commitments = 0;  // 0 once the identity was abandoned
  size_t active_devices = 0;
  std::string home;
  std::string delegated_by;  // an agent's delegator (its dip's `di`), as did:keri; "" = none
};

struct InitIdentityOptions {
  std::string curve = "ed25519";
  std::string alias = std::string(kDefaultIdentityAlias);
};

/// `auths id init`: a current key and a pre-rotation key in the store, an inception event
/// (k = [current], n = [digest of next], kt = nt = 1) signed by the current key, identity.json.
/// kInvalidArgument when the home already has an identity or the aliases are taken.
[[nodiscard]] Result<IdentityInfo> init_identity(const std::string& home, const InitIdentityOptions& options,
                                                 std::string_view passphrase);

/// `auths id show`. kNotFound when the home has no identity.
[[nodiscard]] Result<IdentityInfo> show_identity(const std::string& home, int64_t now = 0);

struct RotationResult {
  IdentityInfo identity;
  std::string old_key;  // qb64
  std::string new_key;  // qb64
};
/// `auths id rotate`: see the header comment.
[[nodiscard]] Result<RotationResult> rotate_identity(const std::string& home, std::string_view passphrase);

struct DeviceInfo {
  std::string did_key;
  std::string alias;  // the key's alias in this home's store; "" when not here
  std::string curve;
  std::string ssh_public_key;  // "ssh-ed25519 AAAA... auths:<alias>"
  std::string fingerprint;     // SHA256:...
  std::vector<std::string> capabilities;
  std::string signer_type;  // Human, Agent, Workload
  std::string note;
  std::string rid;
  std::string linked_at;   // RFC 3339
  std::string expires_at;  // "" = never
  std::string revoked_at;  // "" = not revoked
  std::string status;      // "active", "expired" or "revoked"
  std::string record;      // the record's path in the registry (the link, or the revocation)
};

struct LinkDeviceOptions {
  std::string alias;  // "" = device-<n>, the first free n >= 1
  std::string curve = "ed25519";
  std::optional<int64_t> expires_in_days;  // > 0
  std::vector<std::string> capabilities;   // empty = sign_commit
  std::string signer_type = "Human";
  std::optional<std::string> note;
  int64_t now = 0;  // 0 = the current time
};
/// `auths device link`: a device key in the store, an attestation signed by the identity and by
/// the device, anchored by an ixn event, both stored in the home's registry copy.
[[nodiscard]] Result<DeviceInfo> link_device(const std::string& home, const LinkDeviceOptions& options,
                                             std::string_view passphrase);

// Linking a device whose key stays on another machine, without copying the identity's keys
// there. A link request is the link attestation itself (keri/attestation.h) as the device signed
// it: every field final (issuer, subject did:key, device_public_key, capabilities, signer_type,
// expires_at, timestamp, rid, note), "device_signature" set and "identity_signature" empty. The
// device signature covers every field, so nothing in the file can change without the request
// being refused. The identity holder adds the identity signature and the anchoring event: the
// record is then exactly the one `auths device link` makes for a local key.

/// How every refusal of a link request begins (review_link_request, link_requested_device).
inline constexpr std::string_view kLinkRequestRefused = "link request refused: ";

struct DeviceRequest {
  DeviceInfo device;   // what the request asks for (status "requested", alias in this home)
  std::string issuer;  // the identity asked
  std::string path;    // the request file
};
/// `auths device request`, on the new machine: a device key in this home's store (`options`:
/// alias, curve, capabilities, signer type, expiry, note, as for link_device) and the link
/// request for `identity_did` written to `out_path` (mode 0644; an existing file is an Error).
/// The home needs no identity; its other keys, if any, must open with `passphrase` (one
/// passphrase per home).
[[nodiscard]] Result<DeviceRequest> request_device_link(const std::string& home, const std::string& identity_did,
                                                        const LinkDeviceOptions& options, const std::string& out_path,
                                                        std::string_view passphrase);

struct LinkRequestReview {
  std::string text;    // the request as read: what link_requested_device is given, so that what
                       // was shown is what gets signed
  std::string issuer;  // this home's identity
  DeviceInfo device;   // what would be granted (status "requested")
};
/// Reads the request at `request_path` and checks it for this home's identity at `now`, without
/// the passphrase: its shape (a link signed by its device only, no role, no delegation, at least
/// one capability), its issuer (this identity), its device signature and subject, its timestamp
/// (at most 5 minutes ahead, at most 7 days old: it becomes the link's, from which the device's
/// commits count) and expiry, and that the device is not linked already. The error
/// message starts "link request refused: "; kCorrupt when the request is not what its device
/// signed (a field changed, the key swapped), kInvalidArgument for any other refusal.
[[nodiscard]] Result<LinkRequestReview> review_link_request(const std::string& home, const std::string& request_path,
                                                            int64_t now = 0);
/// `auths device link --request`: checks `request_text` again as review_link_request does, then
/// signs it as the identity, anchors it by an ixn event and stores both in the home's registry
/// copy, by the same steps as link_device.
[[nodiscard]] Result<DeviceInfo> link_requested_device(const std::string& home, std::string_view request_text,
                                                       std::string_view passphrase, int64_t now = 0);

/// `auths device revoke`: a revocation of every unrevoked link of `device_did` (a device's
/// did:key, or the did:keri of an agent this identity delegated to), signed by the
/// identity and anchored by an ixn event. kNotFound for a device this identity never linked,
/// kInvalidArgument for one already revoked. Returns the revoked links (status "revoked").
[[nodiscard]] Result<std::vector<DeviceInfo>> revoke_device(const std::string& home, const std::string& device_did,
                                                            std::string_view passphrase,
                                                            std::optional<std::string> note = std::nullopt,
                                                            int64_t now = 0);

/// `auths id show-devices`: every link of the identity with its status at `now`, oldest first;
/// revoked ones only with `include_revoked`.
[[nodiscard]] Result<std::vector<DeviceInfo>> list_devices(const std::string& home, bool include_revoked,
                                                           int64_t now = 0);

/// The home's copy of its registry records (a directory laid out like refs/auths/registry):
/// what `auths verify` checks an attestation against when no repository is named.
std::string registry_copy_path(const std::string& home);

struct PublishResult {
  std::optional<std::string> tip;  // the new refs/auths/registry commit; nullopt = nothing new
  size_t records = 0;              // files in the home's registry copy
  std::string remote;              // "origin" when the repository has it, else ""
};
/// `auths registry publish`: adds every record of the home's registry copy to the repository's
/// refs/auths/registry (records already there are skipped; a different one at the same path is
/// an error).
[[nodiscard]] Result<PublishResult> publish_registry(const std::string& home, const std::string& repo_path);

struct GitSetupOptions {
  std::string repo = ".";     // the repository to configure and to install the hooks into
  bool global = false;        // configure the user's git config instead of the repository's
  bool install_hooks = true;  // commit-msg and pre-push into `repo`
  std::string key_alias;      // "" = the only active device of the identity with a key here
                              // (in a home without an identity: its only key)
  std::string bin_dir;        // where auths-sign, auths-commit-msg, auths-pre-push are
};
struct GitSetupResult {
  std::string key_alias;
  std::string scope;                                          // "global" or the repository path
  std::vector<std::pair<std::string, std::string>> settings;  // what was set, in order
  std::vector<std::string> installed;                         // hook files written
  std::vector<std::string> kept;                              // "<hook>: <why>" for foreign hooks left in place
};
/// `auths init --git`: gpg.format=ssh, gpg.ssh.program=<bin_dir>/auths-sign,
/// user.signingKey=auths:<alias>, commit.gpgSign=true, tag.gpgSign=true (by running
/// `git config`), then the commit-msg and pre-push hooks (install_hook; a hook that auths did
/// not install is kept and reported in `kept`).
[[nodiscard]] Result<GitSetupResult> setup_git(const std::string& home, const GitSetupOptions& options);

}  // namespace auths::client
