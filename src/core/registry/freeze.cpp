#include "registry/freeze.h"
#include "registry/registry.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "crypto/verify.h"
#include "keri/canonical_json.h"
#include "util/strings.h"

namespace auths::registry {

namespace {

constexpr size_t kMaxFreezeBytes = 16 * 1024;
constexpr std::array<std::string_view, 9> kFreezeFields = {"version", "kind",      "rid",    "org",      "signer",
                                                           "until",   "timestamp", "reason", "signature"};

Error bad_field(std::string message, std::string_view field) {
  return Error::invalid_argument(std::move(message), "freeze record: " + std::string(field));
}

nlohmann::ordered_json unsigned_json(const FreezeRecord& r) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["version"] = 1;
  j["kind"] = r.freeze ? "freeze" : "unfreeze";
  j["rid"] = r.rid;
  j["org"] = r.org;
  j["signer"] = r.signer;
  j["until"] = r.until ? nlohmann::ordered_json(r.until->text) : nlohmann::ordered_json(nullptr);
  j["timestamp"] = r.timestamp.text;
  j["reason"] = r.reason ? nlohmann::ordered_json(*r.reason) : nlohmann::ordered_json(nullptr);
  return j;
}

Status check_shape(const FreezeRecord& r) {
  if (r.freeze && !r.until) return bad_field("a freeze says until when", "until");
  if (!r.freeze && r.until) return bad_field("an unfreeze has no end time: must be null", "until");
  if (r.freeze && !(r.timestamp < *r.until)) return bad_field("a freeze must end after it starts", "until");
  if (r.rid.empty() || r.rid.size() > 256) return bad_field("must be 1 to 256 characters", "rid");
  if (!keri::parse_did_keri(r.org)) return bad_field("must be a did:keri identifier", "org");
  if (!keri::parse_did_keri(r.signer)) return bad_field("must be a did:keri identifier", "signer");
  if (r.reason && (r.reason->size() > 1024 || util::printable(*r.reason) != *r.reason))
    return bad_field("must be at most 1024 printable characters", "reason");
  return {};
}

Result<std::string> freeze_signed_bytes(const FreezeRecord& r) {
  if (auto shape = check_shape(r); !shape) return shape.error();
  return keri::canonicalize(unsigned_json(r));
}

Result<keri::Timestamp> time_field(const nlohmann::json& j, std::string_view field) {
  const auto& v = j.at(std::string(field));
  if (!v.is_string()) return bad_field("must be an RFC 3339 UTC time", field);
  auto ts = keri::parse_timestamp(v.get<std::string>());
  if (!ts) return bad_field(ts.error().message, field);
  return std::move(*ts);
}

}  // namespace

Result<std::string> serialize_freeze(const FreezeRecord& record) {
  if (auto shape = check_shape(record); !shape) return shape.error();
  nlohmann::ordered_json j = unsigned_json(record);
  j["signature"] = util::hex_encode(record.signature);
  try {
    return j.dump(2) + "\n";
  } catch (const nlohmann::json::exception& e) {
    return Error::invalid_argument(std::string("cannot serialize freeze record: ") + e.what());
  }
}

Result<FreezeRecord> parse_freeze(std::string_view json_text) {
  auto parsed = keri::parse_json_strict(json_text, kMaxFreezeBytes, 4);
  if (!parsed) return parsed.error();
  const nlohmann::json& j = *parsed;
  if (!j.is_object()) return Error::invalid_argument("freeze record is not a JSON object");
  for (const auto& field : kFreezeFields) {
    if (!j.contains(std::string(field))) return bad_field("missing field", field);
  }
  if (j.size() != kFreezeFields.size()) return Error::invalid_argument("freeze record has unknown fields");
  if (!j["version"].is_number_unsigned() || j["version"].get<uint64_t>() != 1)
    return bad_field("must be the integer 1", "version");
  FreezeRecord r;
  const auto& kind = j["kind"];
  if (!kind.is_string() || (kind != "freeze" && kind != "unfreeze"))
    return bad_field("must be \"freeze\" or \"unfreeze\"", "kind");
  r.freeze = kind == "freeze";
  for (const auto& [field, slot] :
       {std::pair{"rid", &r.rid}, std::pair{"org", &r.org}, std::pair{"signer", &r.signer}}) {
    if (!j[field].is_string()) return bad_field("must be a string", field);
    *slot = j[field].get<std::string>();
  }
  if (!j["until"].is_null()) {
    auto until = time_field(j, "until");
    if (!until) return until.error();
    r.until = std::move(*until);
  }
  auto timestamp = time_field(j, "timestamp");
  if (!timestamp) return timestamp.error();
  r.timestamp = std::move(*timestamp);
  if (!j["reason"].is_null()) {
    if (!j["reason"].is_string()) return bad_field("must be a string or null", "reason");
    r.reason = j["reason"].get<std::string>();
  }
  const auto& sig = j["signature"];
  const std::string sig_hex = sig.is_string() ? sig.get<std::string>() : "";
  auto sig_bytes = util::hex_decode(sig_hex);
  if (sig_hex.size() != 128 || !sig_bytes || util::hex_encode(*sig_bytes) != sig_hex)
    return bad_field("must be 128 lowercase hex digits", "signature");
  r.signature = std::move(*sig_bytes);
  if (auto shape = check_shape(r); !shape) return shape.error();
  return r;
}

Result<std::string> freeze_digest(const FreezeRecord& record) {
  auto bytes = freeze_signed_bytes(record);
  if (!bytes) return bytes.error();
  return keri::cesr::blake3_qb64(*bytes);
}

Status sign_freeze(FreezeRecord& record, const crypto::PrivateKey& key) {
  auto bytes = freeze_signed_bytes(record);
  if (!bytes) return bytes.error();
  auto sig = key.sign(util::to_bytes(*bytes));
  if (!sig) return sig.error();
  record.signature = std::move(*sig);
  return {};
}

Status verify_freeze_signature(const FreezeRecord& record, const keri::KeyState& signer) {
  if (record.signer != signer.did())
    return Error::invalid_argument("the signer is not the identity whose KEL was given");
  auto bytes = freeze_signed_bytes(record);
  if (!bytes) return bytes.error();
  const std::string digest = keri::cesr::blake3_qb64(*bytes);
  const util::Bytes message = util::to_bytes(*bytes);
  bool anchored = false;
  for (const keri::AnchoredSeal* seal : signer.digest_seals(digest)) {
    anchored = true;
    const keri::Establishment* e = signer.establishment_at(seal->sequence);
    if (e == nullptr) continue;
    for (const auto& key : e->public_keys) {
      if (crypto::verify_signature(key, crypto::algorithm_for(key), message, record.signature)) return {};
    }
  }
  if (!anchored) {
    return Error::invalid_argument(std::string(name(Reason::kAttestationNotAnchored)) + ": " + record.signer +
                                   " has no key event anchoring this freeze record (seal {\"d\": \"" + digest + "\"})");
  }
  return Error::invalid_argument(std::string(name(Reason::kAttestationBadIdentitySignature)) +
                                 ": the freeze record's signature is not by the keys that anchored it");
}

Result<std::string> freeze_path(const FreezeRecord& record) {
  auto prefix = keri::parse_did_keri(record.org);
  if (!prefix) return prefix.error();
  auto digest = freeze_digest(record);
  if (!digest) return digest.error();
  return "v1/identities/" + *prefix + "/freezes/" + record_file_name(record.timestamp.unix_seconds, *digest);
}

}  // namespace auths::registry
