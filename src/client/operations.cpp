// auths/client/identity_ops.h: the identity, its devices and its registry records, as the CLI manages
// them. Everything is written to the home only after it was checked the way the registry will
// check it (the event replays; the attestation verifies against the KEL with the event).
#include <algorithm>
#include <filesystem>
#include <map>

#include "auths/client/identity_ops.h"
#include "auths/client/sign_tool.h"
#include "crypto/private_key.h"
#include "file_io.h"
#include "git/repository.h"
#include "home.h"
#include "keri/attestation.h"
#include "keri/cesr.h"
#include "keri/kel.h"
#include "keystore.h"
#include "registry/registry.h"
#include "registry_views.h"
#include "signer.h"
#include "util/bytes.h"
#include "util/strings.h"
#include "util/time.h"

namespace auths::client {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kMaxExpiryDays = 100 * 366;
constexpr std::string_view kNextSuffix = ".next";
constexpr std::string_view kPendingSuffix = ".pending";

std::string next_alias(const IdentityConfig& config) { return config.key_alias + std::string(kNextSuffix); }
std::string pending_alias(const IdentityConfig& config) { return config.key_alias + std::string(kPendingSuffix); }

/// The identity of a home: its config and its replayed KEL.
struct Loaded {
  IdentityConfig config;
  keri::KeyState state;
};

Result<Loaded> load_identity(const fs::path& home) {
  auto config = load_identity_config(home);
  if (!config) return config.error();
  if (!config->has_value()) {
    return Error::not_found("no identity in " + home.string() + ": run 'auths id init'");
  }
  auto state = load_key_state(home, (*config)->prefix());
  if (!state) return state.error();
  if (state->keys.size() != 1 || state->key_threshold != 1) {
    return Error::unsupported("identities with several keys are not managed by this command", (*config)->did);
  }
  return Loaded{std::move(**config), std::move(*state)};
}

Result<std::string> verkey_of(const crypto::PublicKey& key) { return keri::cesr::encode_verkey(key); }

/// The pre-rotation commitment to `key` (what an event's `n` lists): the digest of its qb64.
Result<std::string> commitment_to(const crypto::PrivateKey& key) {
  auto qb64 = verkey_of(key.public_key());
  if (!qb64) return qb64.error();
  return keri::next_key_digest(*qb64);
}

/// Whether the store's key `alias` is `key`.
bool store_holds(const fs::path& home, const std::string& alias, const crypto::PublicKey& key) {
  if (!key_exists(home, alias)) return false;
  auto stored = load_public_key(home, alias);
  return stored && *stored == key;
}

/// Whether the store's key `alias` is the one the KEL pre-committed to as next key.
bool store_holds_next(const fs::path& home, const std::string& alias, const keri::KeyState& state) {
  if (state.next_digests.empty() || !key_exists(home, alias)) return false;
  auto stored = load_public_key(home, alias);
  if (!stored) return false;
  auto qb64 = verkey_of(*stored);
  return qb64 && keri::next_key_digest(*qb64) == state.next_digests.front();
}

Status copy_key(const fs::path& home, const std::string& from, const std::string& to, std::string_view passphrase) {
  auto key = load_key(home, from, passphrase);
  if (!key) return key.error();
  SaveOptions options;
  options.overwrite = true;
  return save_key(home, to, *key, passphrase, options);
}

/// Brings the key store in line with the KEL after an interrupted rotation: <alias> must hold
/// the current key and <alias>.next the committed next key; <alias>.pending is then removed.
/// (rotate_identity writes <alias>.pending, then the rot event, then moves the keys.)
Status settle_keys(const fs::path& home, const Loaded& id, std::string_view passphrase) {
  const std::string current = id.config.key_alias;
  const std::string next = next_alias(id.config);
  const std::string pending = pending_alias(id.config);
  const crypto::PublicKey& current_key = id.state.public_keys.front();
  if (!store_holds(home, current, current_key)) {
    const std::string* holder = store_holds(home, next, current_key)      ? &next
                                : store_holds(home, pending, current_key) ? &pending
                                                                          : nullptr;
    if (holder == nullptr) {
      return Error::not_found("the key store has no key '" + current + "' matching the identity's current key " +
                              id.state.keys.front());
    }
    if (auto ok = copy_key(home, *holder, current, passphrase); !ok) return ok;
  }
  if (!id.state.abandoned() && !store_holds_next(home, next, id.state) && store_holds_next(home, pending, id.state)) {
    if (auto ok = copy_key(home, pending, next, passphrase); !ok) return ok;
  }
  if (key_exists(home, pending)) {
    std::error_code ec;
    fs::remove(key_path(home, pending), ec);
    if (ec) return Error::io("cannot remove: " + ec.message(), key_path(home, pending).string());
  }
  return {};
}

/// The identity's current signing key, from the store.
Result<crypto::PrivateKey> identity_key(const fs::path& home, const Loaded& id, std::string_view passphrase) {
  if (auto ok = settle_keys(home, id, passphrase); !ok) return ok.error();
  auto key = load_key(home, id.config.key_alias, passphrase);
  if (!key) return key.error();
  if (!(key->public_key() == id.state.public_keys.front())) {
    return Error::corrupt("key '" + id.config.key_alias + "' is not the identity's current key");
  }
  return key;
}

Result<keri::SignedEvent> signed_by(const keri::KeyEvent& event, const crypto::PrivateKey& key) {
  auto sig = keri::sign_event(event, key, 0);
  if (!sig) return sig.error();
  return keri::SignedEvent{event, {std::move(*sig)}};
}

/// The state after `event`, without writing anything.
Result<keri::KeyState> state_after(const keri::KeyState& state, const keri::SignedEvent& event) {
  std::optional<keri::KeyState> next = state;
  if (auto ok = keri::apply_event(next, event); !ok) {
    return Error::internal("the new event does not apply: " + ok.error().message, ok.error().context);
  }
  return std::move(*next);
}

int64_t now_or(int64_t now) { return now != 0 ? now : util::now_unix(); }

Result<keri::SignerType> parse_signer_type(std::string_view name) {
  for (const auto type : {keri::SignerType::kHuman, keri::SignerType::kAgent, keri::SignerType::kWorkload}) {
    if (name == keri::to_string(type)) return type;
  }
  return Error::invalid_argument("unknown signer type '" + util::printable(name, 40) + "' (Human, Agent or Workload)");
}

Result<std::vector<DeviceInfo>> devices_of(const fs::path& home, const IdentityConfig& config, bool include_revoked,
                                           int64_t now) {
  auto stored = load_attestations(home, config.prefix());
  if (!stored) return stored.error();
  const auto aliases = local_aliases(home);
  std::vector<DeviceInfo> out;
  for (const auto& link : stored->links) {
    auto info = describe_device(link, keri::earliest_revocation(link, stored->revocations), aliases, now);
    if (!info) return info.error();
    if (info->status == "revoked" && !include_revoked) continue;
    out.push_back(std::move(*info));
  }
  return out;
}

Result<IdentityInfo> describe_identity(const fs::path& home, const Loaded& id, int64_t now) {
  IdentityInfo info;
  info.did = id.config.did;
  info.key_alias = id.config.key_alias;
  info.curve = id.config.curve;
  info.sequence = id.state.sequence;
  info.rotations = id.state.establishments.empty() ? 0 : id.state.establishments.size() - 1;
  for (size_t i = 0; i < id.state.keys.size(); ++i) {
    auto did = id.state.public_keys[i].to_did_key();
    if (!did) return did.error();
    info.keys.push_back({id.state.keys[i], std::move(*did)});
  }
  info.next_commitments = id.state.next_digests.size();
  auto devices = devices_of(home, id.config, /*include_revoked=*/false, now_or(now));
  if (!devices) return devices.error();
  info.active_devices = static_cast<size_t>(
      std::count_if(devices->begin(), devices->end(), [](const DeviceInfo& d) { return d.status == "active"; }));
  info.home = home.string();
  if (id.state.delegated()) info.delegated_by = "did:keri:" + id.state.delegator;
  return info;
}

Result<std::string> first_free_device_alias(const fs::path& home) {
  for (int n = 1; n < 10000; ++n) {
    const std::string alias = "device-" + std::to_string(n);
    if (!key_exists(home, alias)) return alias;
  }
  return Error::invalid_argument("no free device-<n> alias: pass --alias");
}

}  // namespace

std::map<std::string, std::string> local_aliases(const fs::path& home) {
  std::map<std::string, std::string> out;
  if (auto keys = list_keys(home); keys) {
    for (const auto& info : *keys) out.emplace(info.public_key.fingerprint(), info.alias);
  }
  return out;
}

Result<DeviceInfo> describe_device(const keri::Attestation& link, const keri::Attestation* revocation,
                                   const std::map<std::string, std::string>& aliases, int64_t now) {
  if (!link.device_public_key) return Error::corrupt("attestation without a device key", link.rid);
  const crypto::PublicKey& key = *link.device_public_key;
  DeviceInfo info;
  info.did_key = link.subject;
  if (const auto it = aliases.find(key.fingerprint()); it != aliases.end()) info.alias = it->second;
  info.curve = curve_name(key.type());
  info.ssh_public_key = key.to_ssh_line(info.alias.empty() ? std::string() : std::string(kAuthsKeyPrefix) + info.alias);
  info.fingerprint = key.fingerprint();
  info.capabilities = link.capabilities;
  info.signer_type = keri::to_string(link.signer_type);
  info.note = link.note.value_or("");
  info.rid = link.rid;
  info.linked_at = link.timestamp.text;
  info.expires_at = link.expires_at ? link.expires_at->text : "";
  const keri::Attestation& record = revocation != nullptr ? *revocation : link;
  auto path = registry::attestation_path(record);
  if (!path) return path.error();
  info.record = *path;
  if (revocation != nullptr && revocation->revoked_at && revocation->revoked_at->unix_seconds <= now) {
    info.revoked_at = revocation->revoked_at->text;
    info.status = "revoked";
  } else if (link.expires_at && now > link.expires_at->unix_seconds) {
    info.status = "expired";
  } else {
    info.status = "active";
  }
  return info;
}

Result<IdentityInfo> init_identity(const std::string& home_text, const InitIdentityOptions& options,
                                   std::string_view passphrase) {
  const fs::path home(home_text);
  auto type = parse_curve(options.curve);
  if (!type) return type.error();
  if (auto ok = check_key_alias(options.alias); !ok) return ok.error();
  const std::string next = options.alias + std::string(kNextSuffix);
  if (auto ok = check_key_alias(next); !ok) return ok.error();
  auto existing = load_identity_config(home);
  if (!existing) return existing.error();
  if (existing->has_value()) {
    return Error::invalid_argument("an identity already exists in " + home.string() + ": " + (*existing)->did);
  }
  for (const auto& alias : {options.alias, next}) {
    if (key_exists(home, alias)) {
      return Error::invalid_argument("key '" + alias + "' already exists: choose another --alias");
    }
  }
  if (auto ok = ensure_home(home); !ok) return ok.error();

  auto current = crypto::PrivateKey::generate(*type);
  if (!current) return current.error();
  auto upcoming = crypto::PrivateKey::generate(*type);
  if (!upcoming) return upcoming.error();
  auto current_qb64 = verkey_of(current->public_key());
  if (!current_qb64) return current_qb64.error();
  auto commitment = commitment_to(*upcoming);
  if (!commitment) return commitment.error();
  auto icp = keri::make_inception({*current_qb64}, 1, {*commitment}, 1);
  if (!icp) return icp.error();
  auto event = signed_by(*icp, *current);
  if (!event) return event.error();

  if (auto ok = save_key(home, options.alias, *current, passphrase); !ok) return ok.error();
  if (auto ok = save_key(home, next, *upcoming, passphrase); !ok) return ok.error();
  auto state = append_event(home, *event);
  if (!state) return state.error();
  IdentityConfig config;
  config.did = state->did();
  config.key_alias = options.alias;
  config.curve = curve_name(*type);
  if (auto ok = save_identity_config(home, config); !ok) return ok.error();
  return describe_identity(home, Loaded{std::move(config), std::move(*state)}, 0);
}

Result<IdentityInfo> show_identity(const std::string& home_text, int64_t now) {
  const fs::path home(home_text);
  auto id = load_identity(home);
  if (!id) return id.error();
  return describe_identity(home, *id, now);
}

Result<RotationResult> rotate_identity(const std::string& home_text, std::string_view passphrase) {
  const fs::path home(home_text);
  auto id = load_identity(home);
  if (!id) return id.error();
  if (id->state.abandoned())
    return Error::invalid_argument("the identity was abandoned: it cannot rotate", id->config.did);
  if (id->state.delegated()) {
    return Error::unsupported("this identity is an agent delegated by did:keri:" + id->state.delegator +
                                  ": its rotation (drt) must be anchored by the delegator, which 'auths id rotate' "
                                  "does not do; provision a new agent and revoke this one",
                              id->config.did);
  }
  if (auto ok = settle_keys(home, *id, passphrase); !ok) return ok.error();
  const std::string next = next_alias(id->config);
  if (!store_holds_next(home, next, id->state)) {
    return Error::not_found("the key store has no key '" + next + "' matching the identity's pre-rotation commitment");
  }
  auto incoming = load_key(home, next, passphrase);
  if (!incoming) return incoming.error();
  auto type = parse_curve(id->config.curve);
  if (!type) return type.error();
  auto upcoming = crypto::PrivateKey::generate(*type);
  if (!upcoming) return upcoming.error();
  auto incoming_qb64 = verkey_of(incoming->public_key());
  if (!incoming_qb64) return incoming_qb64.error();
  auto commitment = commitment_to(*upcoming);
  if (!commitment) return commitment.error();

  auto rot = keri::make_rotation(id->state, {*incoming_qb64}, 1, {*commitment}, 1);
  if (!rot) return rot.error();
  // Signed by the new key only: it is k[0] and was committed to by the previous n[0] (code A).
  auto event = signed_by(*rot, *incoming);
  if (!event) return event.error();
  if (auto ok = state_after(id->state, *event); !ok) return ok.error();

  // The key after next is kept as <alias>.pending until the event is written, so that an
  // interruption at any point leaves every committed key in the store (settle_keys).
  SaveOptions replace;
  replace.overwrite = true;
  if (auto ok = save_key(home, pending_alias(id->config), *upcoming, passphrase, replace); !ok) return ok.error();
  auto state = append_event(home, *event, id->state);
  if (!state) return state.error();
  RotationResult result;
  result.old_key = id->state.keys.front();
  result.new_key = *incoming_qb64;
  Loaded rotated{id->config, std::move(*state)};
  // The old current key is replaced (deleted) here; see identity_ops.h.
  if (auto ok = settle_keys(home, rotated, passphrase); !ok) return ok.error();
  auto info = describe_identity(home, rotated, 0);
  if (!info) return info.error();
  result.identity = std::move(*info);
  return result;
}

namespace {

// The steps of link_device, request_device_link, link_requested_device and revoke_device.

/// What `auths device link` and `auths device request` ask for, checked: everything that can be
/// refused is refused before the passphrase is used.
struct LinkTerms {
  std::string alias;
  crypto::KeyType type = crypto::KeyType::kEd25519;
  keri::SignerType signer_type = keri::SignerType::kHuman;
  std::vector<std::string> capabilities;
  int64_t now = 0;
  std::optional<keri::Timestamp> expires_at;
  std::optional<std::string> note;
};

Result<LinkTerms> link_terms(const fs::path& home, const LinkDeviceOptions& options) {
  LinkTerms terms;
  auto type = parse_curve(options.curve);
  if (!type) return type.error();
  terms.type = *type;
  auto signer_type = parse_signer_type(options.signer_type);
  if (!signer_type) return signer_type.error();
  terms.signer_type = *signer_type;
  auto caps = checked_capabilities(options.capabilities);
  if (!caps) return caps.error();
  terms.capabilities = std::move(*caps);
  terms.alias = options.alias;
  if (terms.alias.empty()) {
    auto free_alias = first_free_device_alias(home);
    if (!free_alias) return free_alias.error();
    terms.alias = *free_alias;
  }
  if (auto ok = check_key_alias(terms.alias); !ok) return ok.error();
  if (key_exists(home, terms.alias))
    return Error::invalid_argument("key '" + terms.alias + "' already exists: choose another --alias");
  terms.now = now_or(options.now);
  if (options.expires_in_days) {
    if (*options.expires_in_days <= 0 || *options.expires_in_days > kMaxExpiryDays) {
      return Error::invalid_argument("--expires-in-days must be between 1 and " + std::to_string(kMaxExpiryDays));
    }
    terms.expires_at = keri::Timestamp::from_unix(terms.now + *options.expires_in_days * kSecondsPerDay);
  }
  terms.note = options.note;
  return terms;
}

/// The link from `issuer` to `device` on `terms`, signed by the device only: what a link request
/// carries, and the first half of what `auths device link` makes. Checked the way the registry
/// will read it back (the strict parser checks every field: capability names, note).
Result<keri::Attestation> device_signed_link(const std::string& issuer, const crypto::PrivateKey& device,
                                             const LinkTerms& terms) {
  auto subject = device.public_key().to_did_key();
  if (!subject) return subject.error();
  keri::Attestation link;
  link.rid = keri::random_rid();
  link.issuer = issuer;
  link.subject = *subject;
  link.device_public_key = device.public_key();
  link.capabilities = terms.capabilities;
  link.signer_type = terms.signer_type;
  link.expires_at = terms.expires_at;
  link.timestamp = keri::Timestamp::from_unix(terms.now);
  link.note = terms.note;
  if (auto ok = keri::sign_as_device(link, device); !ok) return ok.error();
  auto text = keri::serialize_attestation(link);
  if (!text) return text.error();
  if (auto parsed = keri::parse_attestation(*text); !parsed) return Error::invalid_argument(parsed.error().message);
  return link;
}

/// An ixn event anchoring `records` (a seal {"d": <digest>} each) after the identity's last
/// event, signed by its key, and the identity's state after it (nothing is written).
struct Anchoring {
  keri::SignedEvent event;
  keri::KeyState state;
};

Result<Anchoring> anchor(const Loaded& id, const crypto::PrivateKey& id_key,
                         const std::vector<keri::Attestation>& records) {
  std::vector<keri::Seal> seals;
  for (const auto& record : records) {
    auto digest = keri::attestation_digest(record);
    if (!digest) return digest.error();
    auto seal = keri::Seal::of_digest(*digest);
    if (!seal) return seal.error();
    seals.push_back(std::move(*seal));
  }
  auto ixn = keri::make_interaction(id.state, std::move(seals));
  if (!ixn) return ixn.error();
  auto event = signed_by(*ixn, id_key);
  if (!event) return event.error();
  auto after = state_after(id.state, *event);
  if (!after) return after.error();
  return Anchoring{std::move(*event), std::move(*after)};
}

/// The identity's half of a device link: `link` (signed by the device) signed by the identity key
/// and anchored by an ixn event, then verified as the registry will verify it. Nothing is
/// written; record_link does that. The one path of `auths device link` with a local key and with
/// a link request.
Result<Anchoring> grant_link(const Loaded& id, const crypto::PrivateKey& id_key, keri::Attestation& link) {
  if (auto ok = keri::sign_as_identity(link, id_key); !ok) return ok.error();
  auto text = keri::serialize_attestation(link);
  if (!text) return text.error();
  if (auto parsed = keri::parse_attestation(*text); !parsed) return Error::invalid_argument(parsed.error().message);
  auto anchoring = anchor(id, id_key, {link});
  if (!anchoring) return anchoring.error();
  if (auto ok = keri::verify_attestation(link, anchoring->state); !ok) {
    return Error::internal("the new link does not verify: " + ok.error().message, ok.error().context);
  }
  return anchoring;
}

/// Writes what grant_link made into the home: the anchoring event, then the link.
Status record_link(const fs::path& home, const Loaded& id, const Anchoring& anchoring, const keri::Attestation& link) {
  if (auto ok = append_event(home, anchoring.event, id.state); !ok) return ok.error();
  if (auto ok = store_attestation(home, link); !ok) return ok.error();
  return {};
}

}  // namespace

Result<DeviceInfo> link_device(const std::string& home_text, const LinkDeviceOptions& options,
                               std::string_view passphrase) {
  const fs::path home(home_text);
  auto id = load_identity(home);
  if (!id) return id.error();
  if (id->state.abandoned())
    return Error::invalid_argument("the identity was abandoned: it cannot link devices", id->config.did);
  auto terms = link_terms(home, options);
  if (!terms) return terms.error();
  auto id_key = identity_key(home, *id, passphrase);
  if (!id_key) return id_key.error();

  auto device = crypto::PrivateKey::generate(terms->type);
  if (!device) return device.error();
  auto link = device_signed_link(id->config.did, *device, *terms);
  if (!link) return link.error();
  auto anchoring = grant_link(*id, *id_key, *link);
  if (!anchoring) return anchoring.error();

  if (auto ok = save_key(home, terms->alias, *device, passphrase); !ok) return ok.error();
  if (auto ok = record_link(home, *id, *anchoring, *link); !ok) return ok.error();
  const std::map<std::string, std::string> aliases{{device->public_key().fingerprint(), terms->alias}};
  return describe_device(*link, nullptr, aliases, terms->now);
}

namespace {

// The steps of request_device_link, review_link_request and link_requested_device.

constexpr size_t kMaxLinkRequestSize = 64 * 1024;  // parse_attestation's own limit

/// Every key of a home shares one passphrase (keystore.h): a new key gets the passphrase that
/// opens the keys already there. Checked on one of them (an empty store takes any passphrase).
Status check_home_passphrase(const fs::path& home, std::string_view passphrase) {
  auto keys = list_keys(home);
  if (!keys) return keys.error();
  if (keys->empty()) return {};
  auto key = load_key(home, keys->front().alias, passphrase);
  if (!key && key.error().code == ErrorCode::kInvalidArgument) {
    return Error::invalid_argument("the passphrase does not open key '" + keys->front().alias +
                                   "': every key of a home shares one passphrase");
  }
  if (!key) return key.error();
  return {};
}

/// The link a request holds, checked for this identity at `now`: exactly the record
/// `auths device request` writes (the strict attestation format, a link signed by its device and
/// by nobody else), for this identity, its device signature valid over every field, dated no
/// later than the usual skew allows nor more than a week ago, not expired, and not a device this
/// identity already
/// links (or revoked after the request was made). Errors: kCorrupt when the request is not what
/// its device signed (a field changed, the key swapped), kInvalidArgument for the rest.
Result<keri::Attestation> checked_request(const fs::path& home, const Loaded& id, std::string_view text, int64_t now) {
  auto parsed = keri::parse_attestation(text);
  if (!parsed) return refused(ErrorCode::kInvalidArgument, "not a link request: " + parsed.error().to_string());
  keri::Attestation& link = *parsed;
  if (link.is_revocation()) return refused(ErrorCode::kInvalidArgument, "it is a revocation, not a link request");
  if (link.role || link.delegated_by) {
    return refused(ErrorCode::kInvalidArgument,
                   "it asks for a role or a delegation, which 'auths device link' does not grant");
  }
  if (link.issuer != id.config.did) {
    return refused(ErrorCode::kInvalidArgument,
                   "it is for " + link.issuer + ", not for this home's identity " + id.config.did);
  }
  if (!util::starts_with(link.subject, "did:key:")) {
    return refused(ErrorCode::kInvalidArgument, "its subject is not a did:key");
  }
  if (auto ok = check_requested_link(link, now); !ok) return ok.error();
  auto stored = load_attestations(home, id.config.prefix());
  if (!stored) return stored.error();
  for (const auto& existing : stored->links) {
    if (existing.rid == link.rid)
      return refused(ErrorCode::kInvalidArgument, "it was already linked (" + link.rid + ")");
    if (existing.subject == link.subject && keri::earliest_revocation(existing, stored->revocations) == nullptr) {
      return refused(ErrorCode::kInvalidArgument, "device " + link.subject + " is already linked to " + id.config.did);
    }
  }
  if (const auto* revocation = keri::earliest_revocation(link, stored->revocations); revocation != nullptr) {
    return refused(ErrorCode::kInvalidArgument, "device " + link.subject + " was revoked at " +
                                                    revocation->timestamp.text +
                                                    ", after this request was made: ask for a new request");
  }
  return std::move(link);
}

}  // namespace

Result<DeviceRequest> request_device_link(const std::string& home_text, const std::string& identity_did,
                                          const LinkDeviceOptions& options, const std::string& out_path,
                                          std::string_view passphrase) {
  const fs::path home(home_text);
  if (auto prefix = keri::parse_did_keri(identity_did); !prefix) {
    return Error::invalid_argument("not a did:keri identifier: " + util::printable(identity_did, 80));
  }
  auto terms = link_terms(home, options);
  if (!terms) return terms.error();
  std::error_code ec;
  const fs::path out = fs::absolute(out_path, ec);
  if (ec) return Error::io("cannot resolve the path: " + ec.message(), out_path);
  if (fs::exists(out, ec)) return Error::invalid_argument("already exists: choose another --out", out_path);
  if (auto ok = check_home_passphrase(home, passphrase); !ok) return ok.error();

  auto device = crypto::PrivateKey::generate(terms->type);
  if (!device) return device.error();
  auto link = device_signed_link(identity_did, *device, *terms);
  if (!link) return link.error();
  auto text = keri::serialize_attestation(*link);
  if (!text) return text.error();

  // The key first, then the request; a request that cannot be written takes the key back out,
  // so that a failure leaves the alias free.
  if (auto ok = save_key(home, terms->alias, *device, passphrase); !ok) return ok.error();
  if (auto ok = write_file(out, *text, 0644, /*replace=*/false); !ok) {
    std::error_code removed;
    fs::remove(key_path(home, terms->alias), removed);
    return ok.error();
  }
  const std::map<std::string, std::string> aliases{{device->public_key().fingerprint(), terms->alias}};
  auto info = describe_device(*link, nullptr, aliases, terms->now);
  if (!info) return info.error();
  info->status = "requested";
  return DeviceRequest{std::move(*info), identity_did, out_path};
}

Result<LinkRequestReview> review_link_request(const std::string& home_text, const std::string& request_path,
                                              int64_t now) {
  const fs::path home(home_text);
  auto text = read_file(request_path, kMaxLinkRequestSize);
  if (!text) return text.error();
  auto id = load_identity(home);
  if (!id) return id.error();
  auto link = checked_request(home, *id, *text, now_or(now));
  if (!link) return Error{link.error().code, link.error().message, request_path};
  auto info = describe_device(*link, nullptr, local_aliases(home), now_or(now));
  if (!info) return info.error();
  info->status = "requested";
  return LinkRequestReview{std::move(*text), link->issuer, std::move(*info)};
}

Result<DeviceInfo> link_requested_device(const std::string& home_text, std::string_view request_text,
                                         std::string_view passphrase, int64_t now_arg) {
  const fs::path home(home_text);
  auto id = load_identity(home);
  if (!id) return id.error();
  if (id->state.abandoned())
    return Error::invalid_argument("the identity was abandoned: it cannot link devices", id->config.did);
  const int64_t now = now_or(now_arg);
  auto link = checked_request(home, *id, request_text, now);
  if (!link) return link.error();
  auto id_key = identity_key(home, *id, passphrase);
  if (!id_key) return id_key.error();
  auto anchoring = grant_link(*id, *id_key, *link);
  if (!anchoring) return anchoring.error();
  if (auto ok = record_link(home, *id, *anchoring, *link); !ok) return ok.error();
  return describe_device(*link, nullptr, local_aliases(home), now);
}

Result<std::vector<DeviceInfo>> revoke_device(const std::string& home_text, const std::string& device_did,
                                              std::string_view passphrase, std::optional<std::string> note,
                                              int64_t now_arg) {
  const fs::path home(home_text);
  // A device (did:key) or an agent this identity delegated to (did:keri).
  if (util::starts_with(device_did, "did:keri:")) {
    if (auto prefix = keri::parse_did_keri(device_did); !prefix) return prefix.error();
  } else if (auto key = crypto::parse_did_key(device_did); !key) {
    return Error::invalid_argument("not a did:key (a device) or did:keri (an agent): " + key.error().message,
                                   device_did);
  }
  auto id = load_identity(home);
  if (!id) return id.error();
  if (id->state.abandoned())
    return Error::invalid_argument("the identity was abandoned: it cannot revoke", id->config.did);
  auto stored = load_attestations(home, id->config.prefix());
  if (!stored) return stored.error();
  std::vector<const keri::Attestation*> targets;
  bool linked = false;
  for (const auto& link : stored->links) {
    if (link.subject != device_did) continue;
    linked = true;
    if (keri::earliest_revocation(link, stored->revocations) == nullptr) targets.push_back(&link);
  }
  if (!linked) return Error::not_found("no device link for " + device_did + " in " + id->config.did);
  if (targets.empty()) return Error::invalid_argument("device " + device_did + " is already revoked");
  auto id_key = identity_key(home, *id, passphrase);
  if (!id_key) return id_key.error();

  const int64_t now = now_or(now_arg);
  std::vector<keri::Attestation> revocations;
  for (const auto* link : targets) {
    // Never before the link itself (a clock that went back): the registry only counts a
    // revocation made at or after the link it undoes.
    const int64_t at = std::max(now, link->timestamp.unix_seconds + (link->timestamp.nanos > 0 ? 1 : 0));
    auto revocation = keri::make_revocation(*link, keri::Timestamp::from_unix(at), note);
    if (!revocation) return revocation.error();
    if (auto ok = keri::sign_as_identity(*revocation, *id_key); !ok) return ok.error();
    revocations.push_back(std::move(*revocation));
  }
  auto anchoring = anchor(*id, *id_key, revocations);
  if (!anchoring) return anchoring.error();
  for (const auto& revocation : revocations) {
    if (auto ok = keri::verify_revocation(revocation, anchoring->state); !ok) {
      return Error::internal("the revocation does not verify: " + ok.error().message, ok.error().context);
    }
  }
  if (auto ok = append_event(home, anchoring->event, id->state); !ok) return ok.error();
  const auto aliases = local_aliases(home);
  std::vector<DeviceInfo> out;
  for (size_t i = 0; i < revocations.size(); ++i) {
    if (auto ok = store_attestation(home, revocations[i]); !ok) return ok.error();
    auto info =
        describe_device(*targets[i], &revocations[i], aliases, std::max(now, revocations[i].timestamp.unix_seconds));
    if (!info) return info.error();
    out.push_back(std::move(*info));
  }
  return out;
}

Result<std::vector<DeviceInfo>> list_devices(const std::string& home_text, bool include_revoked, int64_t now) {
  const fs::path home(home_text);
  auto config = load_identity_config(home);
  if (!config) return config.error();
  if (!config->has_value()) return Error::not_found("no identity in " + home.string() + ": run 'auths id init'");
  return devices_of(home, **config, include_revoked, now_or(now));
}

std::string registry_copy_path(const std::string& home) { return registry_copy_dir(home).string(); }

Result<PublishResult> publish_registry(const std::string& home_text, const std::string& repo_path) {
  const fs::path home(home_text);
  auto config = load_identity_config(home);
  if (!config) return config.error();
  if (!config->has_value()) return Error::not_found("no identity in " + home.string() + ": run 'auths id init'");
  // The copy must hold a KEL that replays: the registry would refuse anything else.
  if (auto state = load_key_state(home, (*config)->prefix()); !state) return state.error();
  auto files = registry_files(home);
  if (!files) return files.error();

  const git::Session session;
  auto repo = git::Repository::open(repo_path);
  if (!repo) return repo.error();
  const std::string message = "auths registry publish: " + (*config)->did + "\n\n" + std::to_string(files->size()) +
                              " record files from the identity home\n";
  auto tip = registry::publish(*repo, *files, message);
  if (!tip) return tip.error();
  PublishResult result;
  if (tip->has_value()) result.tip = (*tip)->hex();
  result.records = files->size();
  if (auto origin = repo->config_string("remote.origin.url", git::ConfigScope::kRepositoryAndEnvironment);
      origin && origin->has_value())
    result.remote = "origin";
  return result;
}

}  // namespace auths::client
