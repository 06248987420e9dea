#include "registry/approval.h"

#include <nlohmann/json.hpp>

#include "keri/canonical_json.h"
#include "keri/cesr.h"
#include "registry/registry.h"
#include "sshsig/sshsig.h"
#include "util/strings.h"

namespace auths::registry {

namespace {

constexpr size_t kMaxApprovalBytes = 16 * 1024;
constexpr size_t kMaxApprovalNote = 1024;

Error approval_error(std::string message, std::string_view field) {
  return Error::invalid_argument(std::move(message), "approval record: " + std::string(field));
}

bool is_approval_object_id(std::string_view hex) {
  if (hex.size() != 40 && hex.size() != 64) return false;
  return std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Status check_approval_shape(const Approval& r) {
  if (!is_approval_object_id(r.object)) return approval_error("must be 40 or 64 lowercase hex digits", "object");
  if (r.ref && (!util::starts_with(*r.ref, "refs/") || r.ref->size() > 1024 || util::printable(*r.ref) != *r.ref))
    return approval_error("must be a full ref name (refs/...)", "ref");
  if (r.note.size() > kMaxApprovalNote || util::printable(r.note) != r.note)
    return approval_error("must be at most 1024 printable characters", "note");
  return {};
}

nlohmann::ordered_json approval_json(const Approval& r) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["type"] = "auths-approval";
  j["version"] = 1;
  j["object"] = r.object;
  j["object_type"] = r.object_is_tag ? "tag" : "commit";
  if (r.ref) j["ref"] = *r.ref;
  j["verdict"] = r.approve ? "approve" : "reject";
  j["note"] = r.note;
  j["signer_key"] = r.signer_key.to_ssh_line();
  j["timestamp"] = r.timestamp.text;
  return j;
}

Result<std::string> approval_string(const nlohmann::json& j, std::string_view field) {
  const auto it = j.find(std::string(field));
  if (it == j.end()) return approval_error("missing field", field);
  if (!it->is_string()) return approval_error("must be a string", field);
  return it->get<std::string>();
}

}  // namespace

Result<std::string> approval_signed_bytes(const Approval& record) {
  if (auto shape = check_approval_shape(record); !shape) return shape.error();
  return keri::canonicalize(approval_json(record));
}

Result<std::string> serialize_approval(const Approval& record) {
  if (auto shape = check_approval_shape(record); !shape) return shape.error();
  nlohmann::ordered_json j = approval_json(record);
  j["signature"] = record.signature;
  try {
    return j.dump(2) + "\n";
  } catch (const nlohmann::json::exception& e) {
    return Error::invalid_argument(std::string("cannot serialize approval record: ") + e.what());
  }
}

Result<Approval> parse_approval(std::string_view json_text) {
  auto parsed = keri::parse_json_strict(json_text, kMaxApprovalBytes, 4);
  if (!parsed) return parsed.error();
  const nlohmann::json& j = *parsed;
  if (!j.is_object()) return Error::invalid_argument("approval record is not a JSON object");
  const size_t expected = j.contains("ref") ? 10 : 9;
  if (j.size() != expected) return Error::invalid_argument("approval record has missing or unknown fields");
  std::string text[8];
  const char* names[8] = {"type", "object", "object_type", "verdict", "note", "signer_key", "timestamp", "signature"};
  for (size_t i = 0; i < 8; ++i) {
    auto value = approval_string(j, names[i]);
    if (!value) return value.error();
    text[i] = std::move(*value);
  }
  if (text[0] != "auths-approval") return approval_error("must be \"auths-approval\"", "type");
  if (!j.contains("version") || !j["version"].is_number_unsigned() || j["version"].get<uint64_t>() != 1)
    return approval_error("must be the integer 1", "version");
  if (text[2] != "tag" && text[2] != "commit") return approval_error("must be \"tag\" or \"commit\"", "object_type");
  if (text[3] != "approve" && text[3] != "reject")
    return approval_error("must be \"approve\" or \"reject\"", "verdict");
  auto key = crypto::parse_ssh_public_key_line(text[5]);
  if (!key) return approval_error(key.error().message, "signer_key");
  if (key->to_ssh_line() != text[5])
    return approval_error("must be \"<type> <base64>\" without a comment", "signer_key");
  auto timestamp = keri::parse_timestamp(text[6]);
  if (!timestamp) return approval_error(timestamp.error().message, "timestamp");
  Approval r{text[1], text[2] == "tag", std::nullopt,          text[3] == "approve",
             text[4], std::move(*key),  std::move(*timestamp), text[7]};
  if (j.contains("ref")) {
    auto ref = approval_string(j, "ref");
    if (!ref) return ref.error();
    r.ref = std::move(*ref);
  }
  if (auto shape = check_approval_shape(r); !shape) return shape.error();
  return r;
}

Status verify_approval(const Approval& record) {
  auto bytes = approval_signed_bytes(record);
  if (!bytes) return bytes.error();
  auto sig = sshsig::parse_armored(record.signature);
  if (!sig) return approval_error("not an SSH signature: " + sig.error().message, "signature");
  if (!(sig->public_key == record.signer_key))
    return approval_error("made by " + sig->public_key.fingerprint() + ", not by signer_key", "signature");
  const auto message = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
  switch (sshsig::verify(*sig, message, kApprovalNamespace)) {
    case sshsig::VerifyStatus::kGood: return {};
    case sshsig::VerifyStatus::kNamespaceMismatch:
      return approval_error("namespace is '" + util::printable(sig->namespace_) + "', expected 'auths-approval'",
                            "signature");
    case sshsig::VerifyStatus::kBadSignature: break;
  }
  return approval_error("does not verify over the record (altered or copied)", "signature");
}

Result<std::string> approval_path(const Approval& record) {
  auto bytes = approval_signed_bytes(record);
  if (!bytes) return bytes.error();
  return std::string(kApprovalsDir) + record.object + "/" +
         record_file_name(record.timestamp.unix_seconds, keri::cesr::blake3_qb64(std::string_view(*bytes)));
}

}  // namespace auths::registry
