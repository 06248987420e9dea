#include "registry/auths_layout.h"

#include <cstdio>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "keri/attestation.h"
#include "keri/canonical_json.h"
#include "util/strings.h"

namespace auths::registry {

namespace {

constexpr std::string_view kDidKeySanitized = "did_key_";
constexpr std::string_view kAttachmentsSuffix = ".attachments.cesr";
/// How far ahead of the time of a push a device record may be dated.
constexpr int64_t kAuthsRecordSkewSeconds = 300;

/// True when `first`/`second` are characters [0:2] and [2:4] of `name`.
bool shards_of(std::string_view first, std::string_view second, std::string_view name) {
  return name.size() >= 4 && first == name.substr(0, 2) && second == name.substr(2, 2);
}

/// The two shard directories of a device: its sanitized DID without a leading "did_key_".
std::string_view device_shard_source(std::string_view sanitized) {
  return util::starts_with(sanitized, kDidKeySanitized) ? sanitized.substr(kDidKeySanitized.size()) : sanitized;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// "<YYYYMMDDTHHMMSS.mmm>_<id>.json", the id 1-64 characters of [A-Za-z0-9._-].
bool is_history_name(std::string_view name) {
  constexpr std::string_view kShape =
      "dddddddd"
      "Tdddddd"
      ".ddd_";
  if (!util::ends_with(name, ".json") || name.size() <= kShape.size() + 5) return false;
  for (size_t i = 0; i < kShape.size(); ++i) {
    if (kShape[i] == 'd' ? !is_digit(name[i]) : name[i] != kShape[i]) return false;
  }
  const std::string_view id = name.substr(kShape.size(), name.size() - kShape.size() - 5);
  if (id.size() > 64) return false;
  for (const char c : id) {
    const bool ok = is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

/// A sanitized DID as a path component names a DID of one of `methods` ("did:key:", ...).
std::optional<std::string> did_of_component(std::string_view component, std::string_view suffix,
                                            std::initializer_list<std::string_view> methods) {
  if (!util::ends_with(component, suffix)) return std::nullopt;
  auto did = unsanitize_did(component.substr(0, component.size() - suffix.size()));
  if (!did) return std::nullopt;
  for (const std::string_view method : methods) {
    if (util::starts_with(*did, method) && did->size() > method.size()) return did;
  }
  return std::nullopt;
}

AuthsPath classify_identity_path(const std::vector<std::string_view>& parts) {
  // v1 identities <p[0:2]> <p[2:4]> <prefix> (tip|state|metadata).json
  // v1 identities <p[0:2]> <p[2:4]> <prefix> events <seq>.json|<seq>.attachments.cesr
  AuthsPath out;
  if (parts.size() < 6 || !shards_of(parts[2], parts[3], parts[4]) || !is_identity_prefix(parts[4])) return out;
  out.prefix = std::string(parts[4]);
  const std::string_view file = parts.back();
  if (parts.size() == 6) {
    if (file == "tip.json") out.kind = AuthsRecord::kTip;
    if (file == "state.json") out.kind = AuthsRecord::kState;
    if (file == "metadata.json") out.kind = AuthsRecord::kIdentityMetadata;
    return out;
  }
  if (parts.size() != 7 || parts[5] != "events") return out;
  const bool cesr = util::ends_with(file, kAttachmentsSuffix);
  const bool json = util::ends_with(file, ".json");
  const std::string_view stem = file.substr(0, file.size() - (cesr ? kAttachmentsSuffix.size() : 5));
  const auto sequence = (cesr || json) ? parse_sequence_name(stem) : std::nullopt;
  if (!sequence) return out;
  out.sequence = *sequence;
  out.kind = cesr ? AuthsRecord::kAttachments : AuthsRecord::kEvent;
  return out;
}

AuthsPath classify_device_path(const std::vector<std::string_view>& parts) {
  // v1 devices <d[0:2]> <d[2:4]> <sanitized did> attestation.json
  // v1 devices <d[0:2]> <d[2:4]> <sanitized did> history <name>.json
  AuthsPath out;
  if (parts.size() < 6 || !shards_of(parts[2], parts[3], device_shard_source(parts[4]))) return out;
  auto did = did_of_component(parts[4], "", {"did:key:", "did:keri:"});
  if (!did) return out;
  out.did = std::move(*did);
  if (parts.size() == 6 && parts[5] == "attestation.json") out.kind = AuthsRecord::kDeviceAttestation;
  if (parts.size() == 7 && parts[5] == "history" && is_history_name(parts[6])) out.kind = AuthsRecord::kDeviceHistory;
  return out;
}

/// True when every component is non-empty and the last names a .json file.
bool json_file_path(const std::vector<std::string_view>& parts) {
  for (const auto& part : parts) {
    if (part.empty()) return false;
  }
  return util::ends_with(parts.back(), ".json") && parts.back().size() > 5;
}

Error cache_mismatch(const std::string& why, Reason* fault) {
  if (fault != nullptr) *fault = Reason::kRegistryCacheMismatch;
  return Error::invalid_argument(std::string(name(Reason::kRegistryCacheMismatch)) + ": " + why);
}

Error invalid_record(const std::string& why, Reason* fault) {
  if (fault != nullptr) *fault = Reason::kRegistryInvalidRecord;
  return Error::invalid_argument(why);
}

Result<nlohmann::json> json_object(std::string_view content, Reason* fault) {
  auto parsed = keri::parse_json_strict(content, 1u << 20);
  if (!parsed) return invalid_record(parsed.error().message, fault);
  if (!parsed->is_object()) return invalid_record("not a JSON object", fault);
  return parsed;
}

/// A list of strings as JSON holds it, or nullopt when `value` is something else.
std::optional<std::vector<std::string>> string_list(const nlohmann::json& value) {
  if (!value.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : value) {
    if (!item.is_string()) return std::nullopt;
    out.push_back(item.get<std::string>());
  }
  return out;
}

/// Where a state.json validated against the KEL's last event contradicts `kel`; nullopt when
/// it does not (members absent, or of a type the names of Auths' state do not map to, are not
/// compared).
std::optional<std::string> state_contradiction(const nlohmann::json& cached, const keri::KeyState& kel) {
  const auto member = [&cached](const char* key) -> const nlohmann::json* {
    const auto it = cached.find(key);
    return it == cached.end() ? nullptr : &*it;
  };
  if (const auto* v = member("sequence"); v != nullptr && v->is_number_unsigned() && v->get<uint64_t>() != kel.sequence)
    return "state.sequence is " + v->dump() + ", the log's last event is " + std::to_string(kel.sequence);
  if (const auto* v = member("last_event_said");
      v != nullptr && v->is_string() && v->get<std::string>() != kel.last_said)
    return "state.last_event_said is " + v->get<std::string>() + ", the log's last event is " + kel.last_said;
  if (const auto* v = member("current_keys")) {
    if (const auto keys = string_list(*v); keys && *keys != kel.keys) return "state.current_keys are not the log's";
  }
  if (const auto* v = member("next_commitment")) {
    if (const auto next = string_list(*v); next && *next != kel.next_digests)
      return "state.next_commitment is not the log's";
  }
  if (const auto* v = member("delegator")) {
    if ((v->is_null() && kel.delegated()) || (v->is_string() && v->get<std::string>() != kel.delegator)) {
      return "state.delegator is " + v->dump() + ", the log's is " +
             (kel.delegated() ? kel.delegator : std::string("none"));
    }
  }
  return std::nullopt;
}

Status check_tip(const keri::KeyState* kel, const nlohmann::json& tip, Reason* fault) {
  const auto sequence = tip.find("sequence");
  const auto said = tip.find("said");
  if (sequence == tip.end() || !sequence->is_number_unsigned() || said == tip.end() || !said->is_string()) {
    return invalid_record("tip.json needs an unsigned integer \"sequence\" and a string \"said\"", fault);
  }
  if (kel == nullptr)
    return cache_mismatch("tip.json of an identity whose key event log is not in the registry", fault);
  if (sequence->get<uint64_t>() != kel->sequence || said->get<std::string>() != kel->last_said) {
    return cache_mismatch("tip.json names sequence " + sequence->dump() + ", " + said->get<std::string>() +
                              ", but the key event log ends at sequence " + std::to_string(kel->sequence) + ", " +
                              kel->last_said,
                          fault);
  }
  return {};
}

Status check_state(const keri::KeyState* kel, const std::string& prefix, const nlohmann::json& cached, Reason* fault) {
  const auto against = cached.find("validated_against_said");
  const auto body = cached.find("state");
  if (against == cached.end() || !against->is_string() || body == cached.end() || !body->is_object()) {
    return invalid_record("state.json needs a string \"validated_against_said\" and an object \"state\"", fault);
  }
  if (kel == nullptr) {
    return cache_mismatch("state.json of an identity whose key event log is not in the registry", fault);
  }
  if (const auto p = body->find("prefix"); p != body->end() && p->is_string() && p->get<std::string>() != prefix) {
    return cache_mismatch("state.json is about " + p->get<std::string>() + ", not " + prefix, fault);
  }
  if (against->get<std::string>() != kel->last_said) return {};  // stale: validated against an earlier event
  if (auto why = state_contradiction(*body, *kel)) {
    return cache_mismatch("state.json, validated against the log's last event " + kel->last_said + ": " + *why, fault);
  }
  return {};
}

/// The identity signature of `att` verifies with a key that `issuer`'s KEL established, at any
/// establishment. Each establishment is checked as the only (current, single-signature) one of
/// a state of its own, so that keri::verify_identity_signature (or verify_revocation) decides
/// which bytes the record signs.
Status signed_by_established_key(const keri::Attestation& att, const keri::KeyState& issuer, Reason* fault) {
  for (const auto& establishment : issuer.establishments) {
    keri::KeyState one;
    one.prefix = issuer.prefix;
    one.establishments.push_back(establishment);
    one.establishments.back().key_threshold = 1;
    Reason why = Reason::kOk;
    const Status ok = att.is_revocation()
                          ? keri::verify_revocation(att, one, &why, keri::SignedBy::kAnchoringOrCurrentKeys)
                          : keri::verify_identity_signature(att, one, &why, keri::SignedBy::kAnchoringOrCurrentKeys);
    if (ok) return {};
    if (why != Reason::kAttestationBadIdentitySignature) {
      return invalid_record(std::string(name(why)) + ": " + ok.error().message, fault);
    }
  }
  return invalid_record(std::string(name(Reason::kAttestationBadIdentitySignature)) +
                            ": the identity signature verifies with no key the issuer's key event log established",
                        fault);
}

}  // namespace

bool is_identity_prefix(std::string_view prefix) {
  return keri::parse_did_keri(std::string("did:keri:") += prefix).has_value();
}

std::string sequence_name(uint64_t sequence) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%08llu", static_cast<unsigned long long>(sequence));
  return buf;
}

std::optional<uint64_t> parse_sequence_name(std::string_view name) {
  if (name.size() != 8) return std::nullopt;
  uint64_t sequence = 0;
  for (const char c : name) {
    if (!is_digit(c)) return std::nullopt;
    sequence = sequence * 10 + static_cast<uint64_t>(c - '0');
  }
  return sequence;
}

std::string sanitize_did(std::string_view did) {
  std::string out(did);
  for (char& c : out) {
    if (c == ':') c = '_';
  }
  return out;
}

std::optional<std::string> unsanitize_did(std::string_view name) {
  std::string out(name);
  size_t from = 0;
  for (int i = 0; i < 2; ++i) {
    const size_t at = out.find('_', from);
    if (at == std::string::npos) return std::nullopt;
    out[at] = ':';
    from = at + 1;
  }
  return out;
}

std::string auths_identity_dir(std::string_view prefix) {
  return "v1/identities/" + std::string(prefix.substr(0, 2)) + "/" + std::string(prefix.substr(2, 2)) + "/" +
         std::string(prefix) + "/";
}

std::string auths_event_path(std::string_view prefix, uint64_t sequence) {
  return auths_identity_dir(prefix) + "events/" + sequence_name(sequence) + ".json";
}

std::string auths_attachments_path(std::string_view prefix, uint64_t sequence) {
  return auths_identity_dir(prefix) + "events/" + sequence_name(sequence) + std::string(kAttachmentsSuffix);
}

std::string auths_device_dir(std::string_view did) {
  const std::string sanitized = sanitize_did(did);
  const std::string_view shard = device_shard_source(sanitized);
  return "v1/devices/" + std::string(shard.substr(0, 2)) + "/" + std::string(shard.substr(2, 2)) + "/" + sanitized +
         "/";
}

AuthsPath classify_auths_path(std::string_view path) {
  AuthsPath out;
  if (path == "v1/metadata.json") {
    out.kind = AuthsRecord::kRegistryMetadata;
    return out;
  }
  const auto parts = util::split(path, '/');
  if (parts.size() < 4 || parts[0] != "v1") return out;
  const std::string_view area = parts[1];
  if (area == "identities") return classify_identity_path(parts);
  if (area == "devices") return classify_device_path(parts);
  if (area == "orgs") {
    // v1 orgs <p[0:2]> <p[2:4]> <org prefix> members <sanitized did>.json
    if (parts.size() != 7 || parts[5] != "members" || !shards_of(parts[2], parts[3], parts[4]) ||
        !is_identity_prefix(parts[4])) {
      return out;
    }
    auto did = did_of_component(parts[6], ".json", {"did:"});
    if (!did) return out;
    out.prefix = std::string(parts[4]);
    out.did = std::move(*did);
    out.kind = AuthsRecord::kOrgMember;
    return out;
  }
  // v1 credentials <issuer prefix> <said>.json; v1 tel <issuer> <registry> <credential> <sn>.json
  if (area == "credentials" && parts.size() == 4 && json_file_path(parts)) out.kind = AuthsRecord::kCredential;
  if (area == "tel" && parts.size() == 6 && json_file_path(parts)) out.kind = AuthsRecord::kTel;
  return out;
}

bool overwritten_in_place(AuthsRecord kind) {
  switch (kind) {
    case AuthsRecord::kTip:
    case AuthsRecord::kState:
    case AuthsRecord::kIdentityMetadata:
    case AuthsRecord::kRegistryMetadata:
    case AuthsRecord::kDeviceAttestation:
    case AuthsRecord::kOrgMember:
    case AuthsRecord::kCredential:
    case AuthsRecord::kTel: return true;
    case AuthsRecord::kInvalid:
    case AuthsRecord::kEvent:
    case AuthsRecord::kAttachments:
    case AuthsRecord::kDeviceHistory: return false;
  }
  return false;
}

Layout layout_of(std::string_view path) {
  if (classify_auths_path(path).kind != AuthsRecord::kInvalid) return Layout::kAuths;
  switch (record_kind(path)) {
    case RecordKind::kEvent:
    case RecordKind::kSignatures:
    case RecordKind::kAttestation:
    case RecordKind::kFreeze: return Layout::kOurs;
    case RecordKind::kApproval:
    case RecordKind::kInvalid: return Layout::kNone;
  }
  return Layout::kNone;
}

Status LayoutSeen::note(std::string_view path, Reason* fault) {
  const Layout seen = layout_of(path);
  if (seen == Layout::kNone) return {};
  if (layout == Layout::kNone) {
    layout = seen;
    first = std::string(path);
    return {};
  }
  if (seen == layout) return {};
  if (fault != nullptr) *fault = Reason::kRegistryMixedLayout;
  const auto which = [](Layout l) { return l == Layout::kAuths ? "the Auths tools' layout" : "this toolkit's layout"; };
  return Error::invalid_argument(std::string(name(Reason::kRegistryMixedLayout)) + ": '" + util::printable(path) +
                                     "' is in " + which(seen) + ", but the registry is in " + which(layout) + " ('" +
                                     util::printable(first) + "'); a registry holds one layout",
                                 std::string(path));
}

Status check_auths_cache(const State& state, const AuthsPath& where, std::string_view content, Reason* fault) {
  auto json = json_object(content, fault);
  if (!json) return json.error();
  switch (where.kind) {
    case AuthsRecord::kTip: return check_tip(state.identity(where.prefix), *json, fault);
    case AuthsRecord::kState: return check_state(state.identity(where.prefix), where.prefix, *json, fault);
    case AuthsRecord::kIdentityMetadata:
    case AuthsRecord::kRegistryMetadata: return {};
    default: return invalid_record("not a cache file", fault);
  }
}

Status check_auths_device_record(const State& state, const AuthsPath& where, std::string_view content,
                                 const std::optional<std::string>& previous, std::optional<int64_t> now,
                                 Reason* fault) {
  auto att = keri::parse_attestation(content);
  if (!att) return invalid_record(att.error().message, fault);
  if (att->subject != where.did) {
    return invalid_record("the record's subject " + att->subject + " is not the device its path names, " + where.did,
                          fault);
  }
  auto issuer_prefix = keri::parse_did_keri(att->issuer);
  if (!issuer_prefix) return invalid_record("issuer: " + issuer_prefix.error().message, fault);
  const keri::KeyState* issuer = state.identity(*issuer_prefix);
  if (issuer == nullptr) {
    return invalid_record("issuer " + att->issuer + " has no key event log in the registry", fault);
  }
  if (auto ok = signed_by_established_key(*att, *issuer, fault); !ok) return ok;
  if (now && att->timestamp.unix_seconds > *now + kAuthsRecordSkewSeconds) {
    return invalid_record(
        std::string(name(Reason::kAttestationFromTheFuture)) + ": timestamp " + att->timestamp.text + " is after now",
        fault);
  }
  if (!previous) return {};
  auto before = keri::parse_attestation(*previous);
  if (!before)
    return invalid_record("the record this update replaces does not parse: " + before.error().message, fault);
  const bool later = before->timestamp < att->timestamp;
  const bool revokes_it = att->is_revocation() && keri::revokes(*att, *before) && !(att->timestamp < before->timestamp);
  if (!later && !revokes_it) {
    return invalid_record("an update of attestation.json must be a later record for the device (or its revocation): " +
                              att->timestamp.text + " is not after " + before->timestamp.text,
                          fault);
  }
  return {};
}

Status check_auths_document(std::string_view content, Reason* fault) {
  auto json = json_object(content, fault);
  if (!json) return json.error();
  return {};
}

}  // namespace auths::registry
