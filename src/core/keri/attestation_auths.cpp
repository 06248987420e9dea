// Attestations in the form the Auths tools write (attestation.h): read field by field, written
// back as Auths writes them, and the projection both signatures cover.
#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "keri/attestation_forms.h"
#include "keri/canonical_json.h"

namespace auths::keri::form {

namespace {

// The fields of Auths' Attestation, in the order its serializer writes them; Gen-1's role and
// capabilities last.
constexpr std::array<std::string_view, 21> kAuthsFields = {"version",
                                                           "rid",
                                                           "issuer",
                                                           "subject",
                                                           "device_public_key",
                                                           "identity_signature",
                                                           "device_signature",
                                                           "revoked_at",
                                                           "expires_at",
                                                           "timestamp",
                                                           "note",
                                                           "payload",
                                                           "commit_sha",
                                                           "commit_message",
                                                           "author",
                                                           "oidc_binding",
                                                           "delegated_by",
                                                           "signer_type",
                                                           "environment_claim",
                                                           "role",
                                                           "capabilities"};
constexpr std::array<std::string_view, 6> kRequired = {
    "version", "rid", "issuer", "subject", "device_public_key", "device_signature"};
// Signed only when present: Auths leaves them out when absent and never writes a null.
constexpr std::array<std::string_view, 5> kNeverNull = {"delegated_by", "signer_type", "commit_sha", "oidc_binding",
                                                        "role"};
// What a revocation's projection leaves unsigned and a decision could read: an Auths revocation
// carries none of them.
constexpr std::array<std::string_view, 7> kNotInRevocation = {
    "expires_at", "delegated_by", "signer_type", "commit_sha", "oidc_binding", "role", "capabilities"};

constexpr size_t kMaxValueBytes = 64 * 1024;  // parse_attestation's own limit
constexpr size_t kMaxValueDepth = 8;
constexpr size_t kSignatureHexDigits = 128;

const nlohmann::json* find(const nlohmann::json& j, std::string_view field) {
  const auto it = j.find(std::string(field));
  return it == j.end() ? nullptr : &*it;
}

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The field set: Auths' fields only, the required ones present, no null where Auths never
// writes one.
Status check_fields(const nlohmann::json& j, std::string_view not_ours) {
  const std::string neither = " (and the record is not of the auths-hooks form: " + std::string(not_ours) + ")";
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!is_auths_field(it.key())) return invalid_field("a field of the auths-hooks form only" + neither, it.key());
  }
  for (const auto field : kRequired) {
    if (find(j, field) == nullptr)
      return Error::invalid_argument("missing field '" + std::string(field) + "', which the Auths form requires" +
                                     neither);
  }
  for (const auto field : kNeverNull) {
    if (const auto* v = find(j, field); v != nullptr && v->is_null())
      return invalid_field(
          "null, which the Auths form never writes (it leaves out a field it has no value for)" + neither, field);
  }
  return {};
}

Result<std::optional<std::string>> optional_string(const nlohmann::json& j, std::string_view field) {
  const auto* v = find(j, field);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return invalid_field("must be a string", field);
  return std::optional<std::string>(v->get<std::string>());
}

// Any JSON value, as RFC 8785 text (absent or null: nullopt).
Result<std::optional<std::string>> optional_value(const nlohmann::json& j, std::string_view field) {
  const auto* v = find(j, field);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  auto text = canonicalize(*v);
  if (!text) return invalid_field(text.error().message, field);
  return std::optional<std::string>(std::move(*text));
}

// chrono writes a fraction of 0, 3, 6 or 9 digits, the fewest that hold it: the signed bytes
// are that text, so no other spelling of the instant can be reproduced.
bool chrono_spelling(const Timestamp& ts) {
  const size_t dot = ts.text.find('.');
  const size_t digits = dot == std::string::npos ? 0 : ts.text.size() - dot - 2;
  const size_t fewest = ts.nanos == 0 ? 0 : ts.nanos % 1000000 == 0 ? 3 : ts.nanos % 1000 == 0 ? 6 : 9;
  return digits == fewest;
}

Result<std::optional<Timestamp>> chrono_time(const nlohmann::json& j, std::string_view field) {
  const auto* v = find(j, field);
  if (v == nullptr) return std::optional<Timestamp>();
  auto ts = read_timestamp(*v, field);
  if (!ts) return ts.error();
  if (*ts && !chrono_spelling(**ts)) {
    return invalid_field("not as Auths (chrono) writes it: a fraction of 0, 3, 6 or 9 digits, the fewest that hold it",
                         field);
  }
  return ts;
}

Status read_version(const nlohmann::json& j, Attestation& a) {
  const auto& v = j["version"];
  if (!v.is_number_unsigned() || (v.get<uint64_t>() != 1 && v.get<uint64_t>() != 2))
    return invalid_field("must be the integer 1 (or 2)", "version");
  a.version = static_cast<uint32_t>(v.get<uint64_t>());
  return {};
}

Status read_parties(const nlohmann::json& j, Attestation& a) {
  for (const auto field : {"rid", "issuer", "subject"}) {
    if (!j[field].is_string()) return invalid_field("must be a string", field);
  }
  a.rid = j["rid"].get<std::string>();
  a.issuer = j["issuer"].get<std::string>();
  a.subject = j["subject"].get<std::string>();
  if (a.rid.empty() || a.rid.size() > 256) return invalid_field("must be 1 to 256 characters", "rid");
  if (!parse_did_keri(a.issuer)) {
    return invalid_field("must be a did:keri identifier (only a key event log can vouch for an issuer here)", "issuer");
  }
  if (!valid_did(a.subject)) return invalid_field("must be a did:key or did:keri identifier", "subject");
  auto delegated_by = optional_string(j, "delegated_by");
  if (!delegated_by) return delegated_by.error();
  if (*delegated_by && !valid_did(**delegated_by)) return invalid_field("must be a DID", "delegated_by");
  a.delegated_by = std::move(*delegated_by);
  return {};
}

// {"curve": "ed25519" | "p256", "key": hex}, or (Gen-1) the bare hex, the curve told by its
// length.
Status read_device_key(const nlohmann::json& j, Attestation& a) {
  const std::string_view field = "device_public_key";
  const auto& v = j[std::string(field)];
  std::string hex;
  std::optional<crypto::KeyType> type;
  if (v.is_string()) {
    hex = v.get<std::string>();
    a.auths.bare_device_key = true;
  } else if (v.is_object() && v.size() == 2 && v.contains("curve") && v.contains("key") && v["curve"].is_string() &&
             v["key"].is_string()) {
    const std::string& curve = v["curve"].get_ref<const std::string&>();
    if (curve == "ed25519") {
      type = crypto::KeyType::kEd25519;
    } else if (curve == "p256") {
      type = crypto::KeyType::kEcdsaP256;
    } else {
      return invalid_field("curve must be \"ed25519\" or \"p256\"", field);
    }
    hex = v["key"].get<std::string>();
  } else {
    return invalid_field("must be {\"curve\": ..., \"key\": ...} or a hex string", field);
  }
  auto raw = util::hex_decode(hex);
  if (!is_lower_hex(hex) || !raw) return invalid_field("the key must be lowercase hex", field);
  const size_t n = raw->size();
  if (!type && n == crypto::kEd25519KeySize) type = crypto::KeyType::kEd25519;
  if (!type && (n == 33 || n == 65)) type = crypto::KeyType::kEcdsaP256;
  const bool size_ok = type == crypto::KeyType::kEd25519 ? n == crypto::kEd25519KeySize : n == 33 || n == 65;
  if (!type || !size_ok) {
    return invalid_field("a key is 32 bytes (Ed25519) or 33 or 65 (P-256), not " + std::to_string(n), field);
  }
  auto key = crypto::public_key_from_raw(*type, *raw);
  if (!key) return invalid_field("invalid key: " + key.error().message, field);
  a.device_public_key = std::move(*key);
  if (n == 65) a.auths.uncompressed_device_key = std::move(*raw);
  return {};
}

// Absent, "" and Auths' all-zero placeholder are all "not signed".
Result<util::Bytes> auths_signature(const nlohmann::json& j, std::string_view field) {
  const auto* v = find(j, field);
  if (v == nullptr) return util::Bytes{};
  auto sig = read_signature(*v, field);
  if (sig && std::all_of(sig->begin(), sig->end(), [](uint8_t b) { return b == 0; })) sig->clear();
  return sig;
}

Status read_signatures(const nlohmann::json& j, Attestation& a) {
  auto identity_signature = auths_signature(j, "identity_signature");
  auto device_signature = auths_signature(j, "device_signature");
  if (!identity_signature) return identity_signature.error();
  if (!device_signature) return device_signature.error();
  a.identity_signature = std::move(*identity_signature);
  a.device_signature = std::move(*device_signature);
  return {};
}

Status read_times(const nlohmann::json& j, Attestation& a) {
  auto timestamp = chrono_time(j, "timestamp");
  auto expires_at = chrono_time(j, "expires_at");
  auto revoked_at = chrono_time(j, "revoked_at");
  auto note = optional_string(j, "note");
  if (!timestamp) return timestamp.error();
  if (!expires_at) return expires_at.error();
  if (!revoked_at) return revoked_at.error();
  if (!note) return note.error();
  if (*timestamp) a.timestamp = std::move(**timestamp);
  a.expires_at = std::move(*expires_at);
  a.revoked_at = std::move(*revoked_at);
  a.note = std::move(*note);
  return {};
}

// {issuer, subject, audience, token_exp, platform?, jti?, normalized_claims?}: Auths signs what
// it reads of it, so nothing else may be there.
Status check_oidc_binding(const nlohmann::json& v) {
  const std::string_view field = "oidc_binding";
  if (!v.is_object()) return invalid_field("must be an object {issuer, subject, audience, token_exp, ...}", field);
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string& key = it.key();
    const bool ok = key == "token_exp"           ? it->is_number_integer()
                    : key == "normalized_claims" ? it->is_object()
                    : key == "issuer" || key == "subject" || key == "audience" || key == "platform" || key == "jti"
                        ? it->is_string()
                        : false;
    if (!ok) {
      return invalid_field("'" + key +
                               "' is not one of issuer, subject, audience, platform, jti (strings), token_exp (an "
                               "integer), normalized_claims (an object)",
                           field);
    }
  }
  for (const auto* key : {"issuer", "subject", "audience", "token_exp"}) {
    if (!v.contains(key)) return invalid_field(std::string("'") + key + "' is missing", field);
  }
  return {};
}

// What is granted, and the rest of what the record says.
Status read_grant(const nlohmann::json& j, Attestation& a) {
  if (const auto* v = find(j, "signer_type")) {
    const auto type = v->is_string() ? signer_type_named(v->get_ref<const std::string&>()) : std::nullopt;
    if (!type) return invalid_field("must be \"Human\", \"Agent\" or \"Workload\"", "signer_type");
    a.signer_type = *type;
    a.auths.signer_type_written = true;
  }
  if (const auto* v = find(j, "role")) {
    if (!v->is_string() || !is_role(v->get_ref<const std::string&>()))
      return invalid_field("must be \"admin\", \"member\" or \"readonly\"", "role");
    a.role = v->get<std::string>();
  }
  if (const auto* v = find(j, "capabilities")) {
    if (auto st = read_capabilities(*v, a.capabilities); !st) return st;
  }
  if (const auto* v = find(j, "oidc_binding")) {
    if (auto st = check_oidc_binding(*v); !st) return st;
  }
  auto commit_sha = optional_string(j, "commit_sha");
  auto payload = optional_value(j, "payload");
  auto oidc_binding = optional_value(j, "oidc_binding");
  auto commit_message = optional_string(j, "commit_message");
  auto author = optional_string(j, "author");
  auto environment_claim = optional_value(j, "environment_claim");
  for (const auto* r : {&commit_sha, &payload, &oidc_binding, &commit_message, &author, &environment_claim}) {
    if (!*r) return r->error();
  }
  a.auths.commit_sha = std::move(*commit_sha);
  a.auths.payload = std::move(*payload);
  a.auths.oidc_binding = std::move(*oidc_binding);
  a.auths.unsigned_commit_message = std::move(*commit_message);
  a.auths.unsigned_author = std::move(*author);
  a.auths.unsigned_environment_claim = std::move(*environment_claim);
  return {};
}

// A revocation signs only version, rid, issuer, subject, timestamp, revoked_at and note.
Status check_revocation(const nlohmann::json& j, const Attestation& a) {
  if (!a.is_auths_revocation()) return {};
  for (const auto field : kNotInRevocation) {
    if (find(j, field) != nullptr)
      return invalid_field(
          "a revocation (revoked_at set, no device signature) signs only version, rid, issuer, subject, timestamp, "
          "revoked_at and note: it cannot carry this field unsigned",
          field);
  }
  return {};
}

// RFC 8785 text back to JSON (it was made by canonicalize, so it parses).
Result<nlohmann::ordered_json> value_of(const std::string& canonical_text, std::string_view field) {
  auto v = parse_ordered_json_strict(canonical_text, kMaxValueBytes, kMaxValueDepth);
  if (!v) return invalid_field(v.error().message, field);
  return std::move(*v);
}

std::string key_hex(const Attestation& a) {
  return util::hex_encode(a.auths.uncompressed_device_key.empty() ? a.device_public_key->raw()
                                                                  : a.auths.uncompressed_device_key);
}

bool signs_signer_type(const Attestation& a) {
  return a.auths.signer_type_written || a.signer_type != SignerType::kHuman;
}

nlohmann::ordered_json time_or_null(const std::optional<Timestamp>& ts) {
  return ts ? nlohmann::ordered_json(ts->text) : nlohmann::ordered_json(nullptr);
}

}  // namespace

bool is_auths_field(std::string_view name) {
  return std::find(kAuthsFields.begin(), kAuthsFields.end(), name) != kAuthsFields.end();
}

Result<Attestation> parse_auths(const nlohmann::json& record, std::string_view not_ours) {
  if (auto st = check_fields(record, not_ours); !st) return st.error();
  Attestation a;
  a.form = AttestationForm::kAuths;
  for (const auto read : {&read_version, &read_parties, &read_device_key, &read_signatures, &read_times, &read_grant}) {
    if (auto st = read(record, a); !st) return st.error();
  }
  if (auto st = check_revocation(record, a); !st) return st.error();
  return a;
}

Result<nlohmann::ordered_json> auths_to_json(const Attestation& a) {
  if (!a.device_public_key || a.device_public_key->type() == crypto::KeyType::kRsa) {
    return Error::invalid_argument("an attestation of the Auths form needs an Ed25519 or P-256 device key", a.rid);
  }
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["version"] = a.version;
  j["rid"] = a.rid;
  j["issuer"] = a.issuer;
  j["subject"] = a.subject;
  const bool ed25519 = a.device_public_key->type() == crypto::KeyType::kEd25519;
  if (a.auths.bare_device_key) {
    j["device_public_key"] = key_hex(a);
  } else {
    j["device_public_key"] = {{"curve", ed25519 ? "ed25519" : "p256"}, {"key", key_hex(a)}};
  }
  if (!a.identity_signature.empty()) j["identity_signature"] = util::hex_encode(a.identity_signature);
  // Auths writes an unsigned device signature as its all-zero placeholder.
  j["device_signature"] =
      a.device_signature.empty() ? std::string(kSignatureHexDigits, '0') : util::hex_encode(a.device_signature);
  if (a.revoked_at) j["revoked_at"] = a.revoked_at->text;
  if (a.expires_at) j["expires_at"] = a.expires_at->text;
  j["timestamp"] =
      a.timestamp.text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(a.timestamp.text);
  if (a.note) j["note"] = *a.note;
  const auto put_value = [&j](const std::optional<std::string>& text, const char* field) -> Status {
    if (!text) return {};
    auto v = value_of(*text, field);
    if (!v) return v.error();
    j[field] = std::move(*v);
    return {};
  };
  if (auto st = put_value(a.auths.payload, "payload"); !st) return st.error();
  if (a.auths.commit_sha) j["commit_sha"] = *a.auths.commit_sha;
  if (a.auths.unsigned_commit_message) j["commit_message"] = *a.auths.unsigned_commit_message;
  if (a.auths.unsigned_author) j["author"] = *a.auths.unsigned_author;
  if (auto st = put_value(a.auths.oidc_binding, "oidc_binding"); !st) return st.error();
  if (a.delegated_by) j["delegated_by"] = *a.delegated_by;
  if (signs_signer_type(a)) j["signer_type"] = to_string(a.signer_type);
  if (auto st = put_value(a.auths.unsigned_environment_claim, "environment_claim"); !st) return st.error();
  if (a.role) j["role"] = *a.role;
  if (!a.capabilities.empty()) j["capabilities"] = a.capabilities;
  return j;
}

Result<std::string> auths_signed_bytes(const Attestation& a) {
  nlohmann::ordered_json p = nlohmann::ordered_json::object();
  p["version"] = a.version;
  p["rid"] = a.rid;
  p["issuer"] = a.issuer;
  p["subject"] = a.subject;
  p["timestamp"] =
      a.timestamp.text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(a.timestamp.text);
  p["revoked_at"] = time_or_null(a.revoked_at);
  p["note"] = a.note ? nlohmann::ordered_json(*a.note) : nlohmann::ordered_json(nullptr);
  if (a.is_auths_revocation()) return canonicalize(p);  // the identity's signature of a revocation

  if (!a.device_public_key || a.device_public_key->type() == crypto::KeyType::kRsa) {
    return Error::invalid_argument("an attestation of the Auths form needs an Ed25519 or P-256 device key", a.rid);
  }
  p["device_public_key"] = key_hex(a);
  p["expires_at"] = time_or_null(a.expires_at);
  p["payload"] = nullptr;
  if (a.auths.payload) {
    auto v = value_of(*a.auths.payload, "payload");
    if (!v) return v.error();
    p["payload"] = std::move(*v);
  }
  // Only when present.
  if (a.delegated_by) p["delegated_by"] = *a.delegated_by;
  if (signs_signer_type(a)) p["signer_type"] = to_string(a.signer_type);
  if (a.auths.commit_sha) p["commit_sha"] = *a.auths.commit_sha;
  if (a.auths.oidc_binding) {
    auto v = value_of(*a.auths.oidc_binding, "oidc_binding");
    if (!v) return v.error();
    p["oidc_binding"] = std::move(*v);
  }
  if (a.role) p["role"] = *a.role;
  if (!a.capabilities.empty()) p["capabilities"] = a.capabilities;
  return canonicalize(p);
}

}  // namespace auths::keri::form
