#include "keri/attestation.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "crypto/verify.h"
#include "keri/attestation_forms.h"
#include "keri/canonical_json.h"
#include "keri/fault.h"
#include "util/time.h"

namespace auths::keri {

bool is_capability_name(std::string_view cap) {
  return !cap.empty() && cap.size() <= 64 && std::all_of(cap.begin(), cap.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ':' || c == '_' || c == '-';
  });
}

bool is_team_name(std::string_view team) {
  return is_capability_name(team) && team.find(':') == std::string_view::npos;
}

namespace {

constexpr size_t kMaxAttestationBytes = 64 * 1024;
constexpr size_t kMaxAttestationDepth = 8;
constexpr size_t kSignatureSize = 64;
constexpr int64_t kMaxFutureSkewSeconds = 300;

constexpr std::array<std::string_view, 15> kFields = {"version",
                                                      "rid",
                                                      "issuer",
                                                      "subject",
                                                      "device_public_key",
                                                      "capabilities",
                                                      "role",
                                                      "signer_type",
                                                      "delegated_by",
                                                      "expires_at",
                                                      "revoked_at",
                                                      "timestamp",
                                                      "note",
                                                      "identity_signature",
                                                      "device_signature"};

/// The two extra fields of a membership (attestation.h).
constexpr std::array<std::string_view, 2> kMembershipFields = {"teams", "repos"};
/// The optional field of an agent delegation (attestation.h).
constexpr std::string_view kMetadataField = "metadata";

using form::invalid_field;

int digit(char c) { return c >= '0' && c <= '9' ? c - '0' : -1; }

// Reads `n` decimal digits at `pos`; -1 if any is not a digit.
int read_number(std::string_view s, size_t pos, size_t n) {
  int value = 0;
  for (size_t i = 0; i < n; ++i) {
    const int d = digit(s[pos + i]);
    if (d < 0) {
      return -1;
    }
    value = value * 10 + d;
  }
  return value;
}

// Project paths as forges write them ("group/sub/project"): 1-256 characters of
// [A-Za-z0-9._-/], no empty segment, no "." or ".." segment.
bool valid_repo_path(std::string_view path) {
  if (path.empty() || path.size() > 256) return false;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    for (const char c : part) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

// Metadata words (type, setup_profile): 1-32 characters of [a-z0-9_].
bool valid_word(std::string_view word) {
  return !word.empty() && word.size() <= 32 && std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Agent names: 1-64 printable ASCII characters.
bool valid_agent_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

Result<std::string> required_string(const nlohmann::json& j, std::string_view field) {
  const auto& v = j.at(std::string(field));
  if (!v.is_string()) {
    return invalid_field("must be a string", field);
  }
  return v.get<std::string>();
}

Result<std::optional<std::string>> nullable_string(const nlohmann::json& j, std::string_view field) {
  const auto& v = j.at(std::string(field));
  if (v.is_null()) {
    return std::optional<std::string>();
  }
  if (!v.is_string()) {
    return invalid_field("must be a string or null", field);
  }
  return std::optional<std::string>(v.get<std::string>());
}

Result<std::optional<Timestamp>> nullable_timestamp(const nlohmann::json& j, std::string_view field) {
  return form::read_timestamp(j.at(std::string(field)), field);
}

Result<util::Bytes> signature_field(const nlohmann::json& j, std::string_view field) {
  return form::read_signature(j.at(std::string(field)), field);
}

Result<crypto::PublicKey> device_key_field(const nlohmann::json& j) {
  const std::string_view field = "device_public_key";
  const auto& v = j.at(std::string(field));
  if (!v.is_object() || v.size() != 2 || !v.contains("curve") || !v.contains("key") || !v["curve"].is_string() ||
      !v["key"].is_string()) {
    return invalid_field("must be {\"curve\": ..., \"key\": ...}", field);
  }
  const std::string curve = v["curve"].get<std::string>();
  const std::string key_hex = v["key"].get<std::string>();
  if (!std::all_of(key_hex.begin(), key_hex.end(), [](char c) { return digit(c) >= 0 || (c >= 'a' && c <= 'f'); })) {
    return invalid_field("key must be lowercase hex", field);
  }
  auto raw = util::hex_decode(key_hex);
  if (!raw) {
    return invalid_field("key must be lowercase hex", field);
  }
  crypto::KeyType type = crypto::KeyType::kEd25519;
  if (curve == "ed25519") {
    if (raw->size() != 32) {
      return invalid_field("an Ed25519 key is 32 bytes", field);
    }
  } else if (curve == "p256") {
    if (raw->size() != 33) {
      return invalid_field("a P-256 key is a 33-byte compressed point", field);
    }
    type = crypto::KeyType::kEcdsaP256;
  } else {
    return invalid_field("curve must be \"ed25519\" or \"p256\"", field);
  }
  auto key = crypto::public_key_from_raw(type, *raw);
  if (!key) {
    return invalid_field("invalid key: " + key.error().message, field);
  }
  return std::move(*key);
}

bool timestamp_after(const Timestamp& ts, int64_t at) {
  return ts.unix_seconds > at || (ts.unix_seconds == at && ts.nanos > 0);
}

}  // namespace

namespace form {

Error invalid_field(std::string_view message, std::string_view field) {
  return Error::invalid_argument("field '" + std::string(field) + "': " + std::string(message));
}

bool valid_did(std::string_view did) {
  if (did.substr(0, 9) == "did:keri:") {
    return parse_did_keri(did).has_value();
  }
  if (did.substr(0, 8) == "did:key:") {
    return crypto::parse_did_key(did).has_value();
  }
  return false;
}

Result<std::optional<Timestamp>> read_timestamp(const nlohmann::json& value, std::string_view field) {
  if (value.is_null()) return std::optional<Timestamp>();
  if (!value.is_string()) return invalid_field("must be a time (RFC 3339 UTC) or null", field);
  auto ts = parse_timestamp(value.get_ref<const std::string&>());
  if (!ts) return invalid_field(ts.error().message, field);
  return std::optional<Timestamp>(std::move(*ts));
}

Result<util::Bytes> read_signature(const nlohmann::json& value, std::string_view field) {
  if (!value.is_string()) return invalid_field("must be a string", field);
  const std::string& text = value.get_ref<const std::string&>();
  if (text.empty()) return util::Bytes{};
  if (text.size() != 2 * kSignatureSize ||
      !std::all_of(text.begin(), text.end(), [](char c) { return digit(c) >= 0 || (c >= 'a' && c <= 'f'); })) {
    return invalid_field("a signature is 128 lowercase hex digits (or empty)", field);
  }
  return util::hex_decode(text).value();
}

Status read_capabilities(const nlohmann::json& value, std::vector<std::string>& out) {
  const std::string_view field = "capabilities";
  if (!value.is_array()) return invalid_field("must be a list of strings", field);
  std::set<std::string> seen;
  for (const auto& cap : value) {
    if (!cap.is_string() || !is_capability_name(cap.get_ref<const std::string&>())) {
      return invalid_field("capabilities are 1-64 characters of [a-z0-9:_-]", field);
    }
    if (!seen.insert(cap.get<std::string>()).second) return invalid_field("duplicate capability", field);
    out.push_back(cap.get<std::string>());
  }
  return {};
}

bool is_role(std::string_view role) { return role == "admin" || role == "member" || role == "readonly"; }

std::optional<SignerType> signer_type_named(std::string_view name) {
  for (const auto type : {SignerType::kHuman, SignerType::kAgent, SignerType::kWorkload}) {
    if (name == to_string(type)) return type;
  }
  return std::nullopt;
}

}  // namespace form

using form::valid_did;

Timestamp Timestamp::from_unix(int64_t unix_seconds) {
  return Timestamp{util::format_utc(unix_seconds), unix_seconds, 0};
}

Result<Timestamp> parse_timestamp(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS = 19 characters, then an optional fraction, then Z.
  const auto bad = [&] {
    return Error::invalid_argument("not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)", std::string(text.substr(0, 64)));
  };
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text.back() != 'Z') {
    return bad();
  }
  const int year = read_number(text, 0, 4);
  const int month = read_number(text, 5, 2);
  const int day = read_number(text, 8, 2);
  const int hour = read_number(text, 11, 2);
  const int minute = read_number(text, 14, 2);
  const int second = read_number(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 ||
      second > 59) {
    return bad();
  }
  uint32_t nanos = 0;
  const std::string_view rest = text.substr(19, text.size() - 20);
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10) {
      return bad();
    }
    uint32_t scale = 100000000;
    for (size_t i = 1; i < rest.size(); ++i) {
      const int d = digit(rest[i]);
      if (d < 0) {
        return bad();
      }
      nanos += static_cast<uint32_t>(d) * scale;
      scale /= 10;
    }
  }
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) {
    return bad();
  }
  const auto days = std::chrono::sys_days(ymd).time_since_epoch().count();
  const int64_t unix_seconds = static_cast<int64_t>(days) * 86400 + hour * 3600 + minute * 60 + second;
  return Timestamp{std::string(text), unix_seconds, nanos};
}

const char* to_string(SignerType type) {
  switch (type) {
    case SignerType::kHuman: return "Human";
    case SignerType::kAgent: return "Agent";
    case SignerType::kWorkload: return "Workload";
  }
  return "Human";
}

Result<std::string> parse_did_keri(std::string_view did) {
  constexpr std::string_view kPrefix = "did:keri:";
  if (did.substr(0, kPrefix.size()) != kPrefix) {
    return Error::invalid_argument("not a did:keri identifier", std::string(did.substr(0, 100)));
  }
  const std::string_view prefix = did.substr(kPrefix.size());
  if (!cesr::decode_digest(prefix)) {
    return Error::invalid_argument("did:keri prefix is not an E-coded digest", std::string(did.substr(0, 100)));
  }
  return std::string(prefix);
}

Result<nlohmann::ordered_json> to_json(const Attestation& a) {
  if (a.form == AttestationForm::kAuths) return form::auths_to_json(a);
  if (a.is_membership() != !a.device_public_key) {
    return Error::invalid_argument(a.is_membership() ? "a membership links no device key"
                                                     : "attestation has no device_public_key");
  }
  if (a.device_public_key && a.device_public_key->type() == crypto::KeyType::kRsa) {
    return Error::unsupported("device keys must be Ed25519 or P-256");
  }
  const auto nullable = [](const auto& opt) -> nlohmann::ordered_json {
    if (!opt) {
      return nullptr;
    }
    if constexpr (std::is_same_v<std::decay_t<decltype(*opt)>, Timestamp>) {
      return opt->text;
    } else {
      return *opt;
    }
  };
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["version"] = a.version;
  j["rid"] = a.rid;
  j["issuer"] = a.issuer;
  j["subject"] = a.subject;
  if (a.device_public_key) {
    const crypto::PublicKey& key = *a.device_public_key;
    j["device_public_key"] = {{"curve", key.type() == crypto::KeyType::kEd25519 ? "ed25519" : "p256"},
                              {"key", util::hex_encode(key.raw())}};
  } else {
    j["device_public_key"] = nullptr;
  }
  j["capabilities"] = a.capabilities;
  j["role"] = nullable(a.role);
  if (a.is_membership()) {
    j["teams"] = a.teams;
    j["repos"] = a.repos;
  }
  j["signer_type"] = to_string(a.signer_type);
  j["delegated_by"] = nullable(a.delegated_by);
  j["expires_at"] = nullable(a.expires_at);
  j["revoked_at"] = nullable(a.revoked_at);
  j["timestamp"] = a.timestamp.text;
  j["note"] = nullable(a.note);
  if (a.metadata) {
    if (!a.is_agent_delegation()) {
      return Error::invalid_argument("only an agent delegation carries metadata", a.rid);
    }
    if (!valid_word(a.metadata->type) || (!a.metadata->name.empty() && !valid_agent_name(a.metadata->name)) ||
        (!a.metadata->setup_profile.empty() && !valid_word(a.metadata->setup_profile))) {
      return Error::invalid_argument("metadata: type and setup_profile are 1-32 of [a-z0-9_], name 1-64 printable",
                                     a.rid);
    }
    nlohmann::ordered_json m = {{"type", a.metadata->type}};
    if (!a.metadata->name.empty()) m["name"] = a.metadata->name;
    if (!a.metadata->setup_profile.empty()) m["setup_profile"] = a.metadata->setup_profile;
    if (a.metadata->ephemeral) m["ephemeral"] = true;
    j[std::string(kMetadataField)] = std::move(m);
  }
  j["identity_signature"] = util::hex_encode(a.identity_signature);
  j["device_signature"] = util::hex_encode(a.device_signature);
  return j;
}

Result<std::string> serialize_attestation(const Attestation& attestation) {
  auto j = to_json(attestation);
  if (!j) {
    return j.error();
  }
  try {
    return j->dump(2) + "\n";
  } catch (const nlohmann::json::exception& e) {
    return Error::invalid_argument(std::string("cannot serialize attestation: ") + e.what());
  }
}

namespace {

// The steps of parse_attestation, field by field in the record's order.

bool is_our_field(std::string_view name) {
  return std::find(kFields.begin(), kFields.end(), name) != kFields.end() ||
         std::find(kMembershipFields.begin(), kMembershipFields.end(), name) != kMembershipFields.end() ||
         name == kMetadataField;
}

// Exactly the fields of our form, each once; a membership (role not null) has the two more.
Status check_field_set(const nlohmann::json& j) {
  for (const auto& field : kFields) {
    if (!j.contains(std::string(field))) return Error::invalid_argument("missing field '" + std::string(field) + "'");
  }
  const bool membership = !j["role"].is_null();
  for (const auto& field : kMembershipFields) {
    if (membership && !j.contains(std::string(field)))
      return Error::invalid_argument("missing field '" + std::string(field) +
                                     "': a record with a role is an org membership, which has it");
    if (!membership && j.contains(std::string(field)))
      return invalid_field("only an org membership (a record with a role) has it", field);
  }
  const bool metadata = j.contains(std::string(kMetadataField));
  const size_t expected = kFields.size() + (membership ? kMembershipFields.size() : 0) + (metadata ? 1 : 0);
  if (j.size() != expected) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!is_our_field(it.key())) return Error::invalid_argument("unknown field '" + it.key() + "'");
    }
  }
  return {};
}

// The form of a record (attestation.h): ours when its field set is exactly ours and its device
// key not a bare hex string (which we never write); else the Auths form, whose fields are those
// of Auths' table. A field of neither is refused. `not_ours` gets why it is not ours.
Result<AttestationForm> form_of(const nlohmann::json& j, std::string& not_ours) {
  if (!j.is_object()) return Error::invalid_argument("attestation is not a JSON object");
  auto ours = check_field_set(j);
  if (ours && !j["device_public_key"].is_string()) return AttestationForm::kAuthsHooks;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!is_our_field(it.key()) && !form::is_auths_field(it.key()))
      return Error::invalid_argument("unknown field '" + it.key() + "'");
  }
  not_ours = ours ? "field 'device_public_key' is a bare hex string" : ours.error().message;
  return AttestationForm::kAuths;
}

// `metadata`, when present: only in an agent delegation, only the keys of attestation.h.
Status read_metadata(const nlohmann::json& j, Attestation& a) {
  const std::string field(kMetadataField);
  if (!j.contains(field)) return {};
  if (!a.is_agent_delegation()) {
    return invalid_field("only an agent delegation (signer_type Agent or Workload, subject did:keri) has it", field);
  }
  const auto& m = j[field];
  if (!m.is_object()) return invalid_field("must be an object", field);
  AgentMetadata out;
  for (auto it = m.begin(); it != m.end(); ++it) {
    const std::string& key = it.key();
    if (key == "ephemeral") {
      if (!it.value().is_boolean() || !it.value().get<bool>())
        return invalid_field("ephemeral must be true or absent", field);
      out.ephemeral = true;
      continue;
    }
    if (key != "type" && key != "name" && key != "setup_profile")
      return invalid_field("unknown metadata key '" + key + "'", field);
    if (!it.value().is_string()) return invalid_field(key + " must be a string", field);
    const std::string& value = it.value().get_ref<const std::string&>();
    if (key == "name" ? !valid_agent_name(value) : !valid_word(value)) {
      return invalid_field(key == "name" ? "name must be 1-64 printable ASCII characters"
                                         : key + " must be 1-32 characters of [a-z0-9_]",
                           field);
    }
    (key == "type" ? out.type : key == "name" ? out.name : out.setup_profile) = value;
  }
  if (!m.contains("type")) return invalid_field("type is required", field);
  a.metadata = std::move(out);
  return {};
}

// A list of unique strings, each passing `valid`.
Status read_names(const nlohmann::json& j, std::string_view field, bool (*valid)(std::string_view), const char* what,
                  std::vector<std::string>& out) {
  const auto& list = j[std::string(field)];
  if (!list.is_array()) return invalid_field("must be a list of strings", field);
  std::set<std::string> seen;
  for (const auto& item : list) {
    if (!item.is_string() || !valid(item.get_ref<const std::string&>())) return invalid_field(what, field);
    if (!seen.insert(item.get<std::string>()).second) return invalid_field("duplicate entry", field);
    out.push_back(item.get<std::string>());
  }
  return {};
}

Status read_version(const nlohmann::json& j, Attestation& a) {
  const auto& version = j["version"];
  if (!version.is_number_unsigned() || version.get<uint64_t>() != 1) {
    return version.is_number_integer() ? Error::unsupported("field 'version': unsupported attestation version")
                                       : invalid_field("must be the integer 1", "version");
  }
  a.version = 1;
  return {};
}

// `rid`, `issuer`, `subject` and `device_public_key`: who grants what to which key.
Status read_parties(const nlohmann::json& j, Attestation& a) {
  auto rid = required_string(j, "rid");
  auto issuer = required_string(j, "issuer");
  auto subject = required_string(j, "subject");
  if (!rid) return rid.error();
  if (!issuer) return issuer.error();
  if (!subject) return subject.error();
  if (rid->empty() || rid->size() > 256) return invalid_field("must be 1 to 256 characters", "rid");
  if (!parse_did_keri(*issuer)) return invalid_field("must be a did:keri identifier", "issuer");
  if (!valid_did(*subject)) return invalid_field("must be a did:key or did:keri identifier", "subject");
  a.rid = std::move(*rid);
  a.issuer = std::move(*issuer);
  a.subject = std::move(*subject);
  if (!j["role"].is_null()) {
    // A membership: the member is an identity and no device key is linked.
    if (!j["device_public_key"].is_null())
      return invalid_field("a membership links no device key: must be null", "device_public_key");
    if (!parse_did_keri(a.subject)) return invalid_field("a member must be a did:keri identifier", "subject");
    return {};
  }
  auto key = device_key_field(j);
  if (!key) return key.error();
  a.device_public_key = std::move(*key);
  return {};
}

// `capabilities`, `role`, `signer_type`, `delegated_by`: what is granted, and to whom.
Status read_grant(const nlohmann::json& j, Attestation& a) {
  if (auto st = form::read_capabilities(j["capabilities"], a.capabilities); !st) return st;

  auto role = nullable_string(j, "role");
  if (!role) return role.error();
  if (*role && !form::is_role(**role)) {
    return invalid_field("must be null, \"admin\", \"member\" or \"readonly\"", "role");
  }
  a.role = std::move(*role);
  if (a.role) {
    if (auto st = read_names(j, "teams", &is_team_name, "team names are 1-64 characters of [a-z0-9_-]", a.teams); !st)
      return st;
    if (auto st = read_names(j, "repos", &valid_repo_path,
                             "repos are project paths such as \"group/project\" (1-256 of [A-Za-z0-9._-/])", a.repos);
        !st)
      return st;
  }

  auto signer_type = required_string(j, "signer_type");
  if (!signer_type) return signer_type.error();
  const auto type = form::signer_type_named(*signer_type);
  if (!type) return invalid_field("must be \"Human\", \"Agent\" or \"Workload\"", "signer_type");
  a.signer_type = *type;

  auto delegated_by = nullable_string(j, "delegated_by");
  if (!delegated_by) return delegated_by.error();
  if (*delegated_by && !valid_did(**delegated_by)) return invalid_field("must be null or a DID", "delegated_by");
  a.delegated_by = std::move(*delegated_by);
  return {};
}

// `expires_at`, `revoked_at`, `timestamp` and `note`.
Status read_times(const nlohmann::json& j, Attestation& a) {
  auto expires_at = nullable_timestamp(j, "expires_at");
  auto revoked_at = nullable_timestamp(j, "revoked_at");
  auto timestamp = nullable_timestamp(j, "timestamp");
  auto note = nullable_string(j, "note");
  if (!expires_at) return expires_at.error();
  if (!revoked_at) return revoked_at.error();
  if (!timestamp) return timestamp.error();
  if (!note) return note.error();
  if (!*timestamp) return invalid_field("must be a time", "timestamp");
  a.expires_at = std::move(*expires_at);
  a.revoked_at = std::move(*revoked_at);
  a.timestamp = std::move(**timestamp);
  a.note = std::move(*note);
  return {};
}

Status read_signatures(const nlohmann::json& j, Attestation& a) {
  auto identity_signature = signature_field(j, "identity_signature");
  auto device_signature = signature_field(j, "device_signature");
  if (!identity_signature) return identity_signature.error();
  if (!device_signature) return device_signature.error();
  a.identity_signature = std::move(*identity_signature);
  a.device_signature = std::move(*device_signature);
  if (a.is_membership() && !a.device_signature.empty())
    return invalid_field("a membership has no device signature: must be empty", "device_signature");
  return {};
}

}  // namespace

Result<Attestation> parse_attestation(std::string_view json_text) {
  auto parsed = parse_json_strict(json_text, kMaxAttestationBytes, kMaxAttestationDepth);
  if (!parsed) return parsed.error();
  std::string not_ours;
  auto form = form_of(*parsed, not_ours);
  if (!form) return form.error();
  if (*form == AttestationForm::kAuths) return form::parse_auths(*parsed, not_ours);
  Attestation a;
  for (const auto read : {&read_version, &read_parties, &read_grant, &read_times, &read_metadata, &read_signatures}) {
    if (auto st = read(*parsed, a); !st) return st.error();
  }
  return a;
}

Result<std::string> signed_bytes(const Attestation& attestation) {
  if (attestation.form == AttestationForm::kAuths) return form::auths_signed_bytes(attestation);
  auto j = to_json(attestation);
  if (!j) {
    return j.error();
  }
  j->erase("identity_signature");
  j->erase("device_signature");
  return canonicalize(*j);
}

Result<std::string> attestation_digest(const Attestation& attestation) {
  auto bytes = signed_bytes(attestation);
  if (!bytes) {
    return bytes.error();
  }
  return cesr::blake3_qb64(*bytes);
}

Status sign_as_identity(Attestation& attestation, const crypto::PrivateKey& identity_key) {
  auto bytes = signed_bytes(attestation);
  if (!bytes) {
    return bytes.error();
  }
  auto sig = identity_key.sign(util::to_bytes(*bytes));
  if (!sig) {
    return sig.error();
  }
  attestation.identity_signature = std::move(*sig);
  return {};
}

Status sign_as_device(Attestation& attestation, const crypto::PrivateKey& device_key) {
  if (!attestation.device_public_key || !(*attestation.device_public_key == device_key.public_key())) {
    return Error::invalid_argument("signing key is not the attestation's device key");
  }
  if (attestation.is_auths_revocation()) {
    return Error::invalid_argument("a revocation of the Auths form is signed by the identity alone");
  }
  auto bytes = signed_bytes(attestation);
  if (!bytes) {
    return bytes.error();
  }
  auto sig = device_key.sign(util::to_bytes(*bytes));
  if (!sig) {
    return sig.error();
  }
  attestation.device_signature = std::move(*sig);
  return {};
}

Status verify_identity_signature(const Attestation& a, const KeyState& issuer, Reason* fault, SignedBy signed_by) {
  // The signer: the issuer, or the admin who signed a membership (delegated_by).
  const std::string signer = a.is_membership() && a.delegated_by ? "delegated_by" : "issuer";
  if (a.signer() != issuer.did()) {
    return refuse(Reason::kAttestationIssuerMismatch, fault,
                  Error::invalid_argument("field '" + signer + "': " + a.signer() +
                                          " is not the identity whose key event log was given (" + issuer.did() + ")"));
  }
  if (a.identity_signature.empty()) {
    return refuse(
        Reason::kAttestationBadIdentitySignature, fault,
        Error::invalid_argument("identity_signature is empty: the " + signer + " (" + a.signer() + ") has not signed"));
  }
  auto bytes = signed_bytes(a);
  if (!bytes) {
    return refuse(Reason::kAttestationMalformed, fault, bytes.error());
  }
  const util::Bytes message = util::to_bytes(*bytes);
  const std::string digest = cesr::blake3_qb64(*bytes);
  // Establishments whose keys may vouch: where this record's digest is anchored, and the
  // current one (single-signature identities only).
  std::vector<const Establishment*> allowed;
  for (const AnchoredSeal* seal : issuer.digest_seals(digest)) {
    if (const Establishment* e = issuer.establishment_at(seal->sequence)) {
      allowed.push_back(e);
    }
  }
  if (signed_by == SignedBy::kAnchoringOrCurrentKeys && !issuer.establishments.empty() &&
      issuer.establishments.back().key_threshold == 1) {
    allowed.push_back(&issuer.establishments.back());
  }

  for (const Establishment* e : allowed) {
    for (const auto& key : e->public_keys) {
      if (crypto::verify_signature(key, crypto::algorithm_for(key), message, a.identity_signature)) {
        return accept(fault);
      }
    }
  }
  return refuse(
      Reason::kAttestationBadIdentitySignature, fault,
      Error::invalid_argument("identity_signature does not verify with the " + signer + "'s key (" + a.signer() +
                              "): not by its current key, nor by a key that anchored this attestation "
                              "in its key event log"));
}

Status verify_device_signature(const Attestation& a, Reason* fault) {
  if (!a.device_public_key) {
    return refuse(Reason::kAttestationMalformed, fault, Error::invalid_argument("device_public_key is missing"));
  }
  const crypto::PublicKey& key = *a.device_public_key;
  if (a.subject.substr(0, 8) == "did:key:") {
    auto subject_key = crypto::parse_did_key(a.subject);
    if (!subject_key || !(*subject_key == key)) {
      return refuse(Reason::kAttestationSubjectKeyMismatch, fault,
                    Error::invalid_argument("field 'subject': " + a.subject + " is not device_public_key"));
    }
  }
  if (a.device_signature.empty()) {
    return refuse(Reason::kAttestationBadDeviceSignature, fault,
                  Error::invalid_argument("device_signature is empty: the device has not signed"));
  }
  auto bytes = signed_bytes(a);
  if (!bytes) {
    return refuse(Reason::kAttestationMalformed, fault, bytes.error());
  }
  if (!crypto::verify_signature(key, crypto::algorithm_for(key), util::to_bytes(*bytes), a.device_signature)) {
    return refuse(
        Reason::kAttestationBadDeviceSignature, fault,
        Error::invalid_argument("device_signature does not verify with device_public_key (" + key.fingerprint() + ")"));
  }
  return accept(fault);
}

Status verify_attestation(const Attestation& attestation, const KeyState& issuer, Reason* fault, SignedBy signed_by) {
  if (auto st = verify_identity_signature(attestation, issuer, fault, signed_by); !st) {
    return st;
  }
  if (attestation.is_membership()) return accept(fault);  // no device key to countersign
  return verify_device_signature(attestation, fault);
}

Status check_validity(const Attestation& a, int64_t at, Reason* fault) {
  if (a.revoked_at && !timestamp_after(*a.revoked_at, at)) {
    return refuse(Reason::kAttestationRevoked, fault,
                  Error::invalid_argument("revoked at " + a.revoked_at->text, a.rid));
  }
  if (a.expires_at && at > a.expires_at->unix_seconds) {
    return refuse(Reason::kAttestationExpired, fault,
                  Error::invalid_argument("expired at " + a.expires_at->text, a.rid));
  }
  if (timestamp_after(a.timestamp, at + kMaxFutureSkewSeconds)) {
    return refuse(Reason::kAttestationFromTheFuture, fault,
                  Error::invalid_argument("timestamp " + a.timestamp.text + " is in the future", a.rid));
  }
  return accept(fault);
}

bool Attestation::is_agent_delegation() const {
  return !is_membership() && (signer_type == SignerType::kAgent || signer_type == SignerType::kWorkload) &&
         subject.starts_with("did:keri:");
}

Result<Attestation> make_revocation(const Attestation& link, const Timestamp& at, std::optional<std::string> note) {
  if (link.is_revocation()) {
    return Error::invalid_argument("already a revocation", link.rid);
  }
  Attestation rev = link;
  rev.revoked_at = at;
  rev.timestamp = at;
  rev.note = std::move(note);
  rev.identity_signature.clear();
  rev.device_signature.clear();
  if (rev.form == AttestationForm::kAuths) {
    // As the Auths tools revoke: nothing its projection would leave unsigned (attestation.h).
    rev.version = 1;
    rev.expires_at.reset();
    rev.delegated_by.reset();
    rev.signer_type = SignerType::kHuman;
    rev.role.reset();
    rev.capabilities.clear();
    AuthsFields kept;
    kept.uncompressed_device_key = link.auths.uncompressed_device_key;
    kept.bare_device_key = link.auths.bare_device_key;
    rev.auths = std::move(kept);
  }
  return rev;
}

Status verify_revocation(const Attestation& revocation, const KeyState& issuer, Reason* fault, SignedBy signed_by) {
  if (!revocation.revoked_at) {
    return refuse(Reason::kAttestationMalformed, fault,
                  Error::invalid_argument("not a revocation: revoked_at is null", revocation.rid));
  }
  if (!revocation.device_signature.empty()) {
    return refuse(Reason::kAttestationMalformed, fault,
                  Error::invalid_argument("device_signature must be empty: a revocation is signed by the identity "
                                          "alone",
                                          revocation.rid));
  }
  return verify_identity_signature(revocation, issuer, fault, signed_by);
}

bool revokes(const Attestation& revocation, const Attestation& link) {
  if (!revocation.is_revocation() || revocation.issuer != link.issuer || revocation.subject != link.subject)
    return false;
  if (revocation.is_auths_revocation()) return !link.is_membership();  // its device key is not signed
  // A membership's revocation ends every membership of that member in that org.
  if (revocation.is_membership() || link.is_membership()) return revocation.is_membership() && link.is_membership();
  return revocation.device_public_key && link.device_public_key &&
         *revocation.device_public_key == *link.device_public_key;
}

const Attestation* earliest_revocation(const Attestation& link, const std::vector<Attestation>& revocations) {
  std::vector<const Attestation*> candidates;
  candidates.reserve(revocations.size());
  for (const auto& r : revocations) candidates.push_back(&r);
  return earliest_revocation(link, candidates);
}

const Attestation* earliest_revocation(const Attestation& link, const std::vector<const Attestation*>& candidates) {
  const Attestation* found = nullptr;
  for (const Attestation* r : candidates) {
    if (revokes(*r, link) && !(r->timestamp < link.timestamp) &&
        (found == nullptr || r->timestamp < found->timestamp)) {
      found = r;
    }
  }
  return found;
}

std::string random_rid() {
  std::random_device rd;
  std::array<uint8_t, 16> b{};
  for (size_t i = 0; i < b.size(); i += 4) {
    const uint32_t r = rd();
    for (size_t j = 0; j < 4; ++j) {
      b[i + j] = static_cast<uint8_t>(r >> (8 * j));
    }
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  const std::string hex = util::hex_encode(b.data(), b.size());
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

}  // namespace auths::keri
