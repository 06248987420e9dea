// Artifact signatures (engine/artifact.h) and verify_artifact (auths/artifact.h).
#include "engine/artifact.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "crypto/verify.h"
#include "engine/identity_resolver.h"
#include "engine/policy_file.h"
#include "engine/quorum.h"
#include "git/repository.h"
#include "keri/canonical_json.h"
#include "registry/approval.h"
#include "registry/registry.h"
#include "sshsig/sshsig.h"
#include "util/bytes.h"
#include "util/strings.h"
#include "util/time.h"

namespace auths::engine {

namespace {

constexpr size_t kMaxArtifactJson = 1u << 20;
constexpr size_t kMaxArtifactName = 255;

Error artifact_error(std::string message, std::string_view field) {
  return Error::invalid_argument(std::move(message), "artifact signatures: " + std::string(field));
}

bool is_sha256_hex(std::string_view hex) {
  return hex.size() == 64 &&
         std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Result<std::string> artifact_field(const nlohmann::json& j, std::string_view field) {
  const auto it = j.find(std::string(field));
  if (it == j.end()) return artifact_error("missing field", field);
  if (!it->is_string()) return artifact_error("must be a string", field);
  return it->get<std::string>();
}

/// "<name> with sha256 <digest>", for messages.
std::string artifact_named(std::string_view file, std::string_view sha256) {
  return "'" + util::printable(file) + "' with sha256 " + util::printable(sha256);
}

}  // namespace

std::string base_name(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

Result<std::string> file_sha256(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    std::string message = "cannot read " + path + ": " + std::strerror(err);
    return err == ENOENT ? Error::not_found(std::move(message)) : Error::io(std::move(message));
  }
  crypto::Sha256Stream hash;
  std::array<uint8_t, 64 * 1024> block{};
  for (;;) {
    const ssize_t n = ::read(fd, block.data(), block.size());
    if (n == 0) break;
    if (n < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      ::close(fd);
      return Error::io("cannot read " + path + ": " + std::strerror(err));
    }
    hash.update(std::span<const uint8_t>(block.data(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return util::hex_encode(hash.final());
}

Result<std::string> artifact_signed_bytes(std::string_view file, std::string_view sha256) {
  if (file.empty() || file.size() > kMaxArtifactName || file == "." || file == ".." ||
      file.find('/') != std::string_view::npos || util::printable(file) != file)
    return artifact_error("must be a file's base name (printable, at most 255 characters)", "file");
  if (!is_sha256_hex(sha256)) return artifact_error("must be 64 lowercase hex digits", "sha256");
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["type"] = kArtifactType;
  j["version"] = 1;
  j["file"] = file;
  j["sha256"] = sha256;
  return keri::canonicalize(j);
}

Result<std::string> serialize_artifact_signatures(const ArtifactSignatures& doc) {
  if (auto shape = artifact_signed_bytes(doc.file, doc.sha256); !shape) return shape.error();
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["type"] = kArtifactType;
  j["version"] = 1;
  j["file"] = doc.file;
  j["sha256"] = doc.sha256;
  j["signatures"] = nlohmann::ordered_json::array();
  for (const ArtifactSignature& sig : doc.signatures) {
    nlohmann::ordered_json entry = nlohmann::ordered_json::object();
    entry["signer_key"] = sig.signer_key.to_ssh_line();
    entry["timestamp"] = sig.timestamp.text;
    entry["signature"] = sig.signature;
    j["signatures"].push_back(std::move(entry));
  }
  try {
    return j.dump(2) + "\n";
  } catch (const nlohmann::json::exception& e) {
    return Error::invalid_argument(std::string("cannot serialize artifact signatures: ") + e.what());
  }
}

Result<ArtifactSignatures> parse_artifact_signatures(std::string_view json_text) {
  auto parsed = keri::parse_json_strict(json_text, kMaxArtifactJson, 4);
  if (!parsed) return parsed.error();
  const nlohmann::json& j = *parsed;
  if (!j.is_object() || j.size() != 5) return Error::invalid_argument("artifact signatures: missing or unknown fields");
  auto type = artifact_field(j, "type");
  if (!type) return type.error();
  if (*type != kArtifactType) return artifact_error("must be \"" + std::string(kArtifactType) + "\"", "type");
  if (!j.contains("version") || !j["version"].is_number_unsigned() || j["version"].get<uint64_t>() != 1)
    return artifact_error("must be the integer 1", "version");
  ArtifactSignatures doc;
  auto file = artifact_field(j, "file");
  if (!file) return file.error();
  auto sha256 = artifact_field(j, "sha256");
  if (!sha256) return sha256.error();
  doc.file = std::move(*file);
  doc.sha256 = std::move(*sha256);
  if (auto shape = artifact_signed_bytes(doc.file, doc.sha256); !shape) return shape.error();
  if (!j.contains("signatures") || !j["signatures"].is_array()) return artifact_error("must be an array", "signatures");
  if (j["signatures"].size() > kMaxArtifactSignatures)
    return artifact_error("more than " + std::to_string(kMaxArtifactSignatures) + " signatures", "signatures");
  for (const nlohmann::json& entry : j["signatures"]) {
    if (!entry.is_object() || entry.size() != 3)
      return artifact_error("each must have exactly signer_key, timestamp, signature", "signatures");
    std::string text[3];
    const char* names[3] = {"signer_key", "timestamp", "signature"};
    for (size_t i = 0; i < 3; ++i) {
      auto value = artifact_field(entry, names[i]);
      if (!value) return value.error();
      text[i] = std::move(*value);
    }
    auto key = crypto::parse_ssh_public_key_line(text[0]);
    if (!key) return artifact_error(key.error().message, "signer_key");
    if (key->to_ssh_line() != text[0])
      return artifact_error("must be \"<type> <base64>\" without a comment", "signer_key");
    auto timestamp = keri::parse_timestamp(text[1]);
    if (!timestamp) return artifact_error(timestamp.error().message, "timestamp");
    doc.signatures.push_back({std::move(*key), std::move(*timestamp), std::move(text[2])});
  }
  return doc;
}

SignatureCheck check_artifact_signature(const ArtifactSignatures& doc, const ArtifactSignature& sig) {
  SignatureCheck out;
  out.key = sig.signer_key;
  auto bytes = artifact_signed_bytes(doc.file, doc.sha256);
  if (!bytes) {
    out.status = SignatureStatus::kMalformed;
    out.detail = bytes.error().message;
    return out;
  }
  auto parsed = sshsig::parse_armored(sig.signature);
  if (!parsed) {
    out.status =
        parsed.error().code == ErrorCode::kUnsupported ? SignatureStatus::kUnsupported : SignatureStatus::kMalformed;
    out.detail = "SSH signature: " + parsed.error().message;
    return out;
  }
  if (!(parsed->public_key == sig.signer_key)) {
    out.status = SignatureStatus::kBad;
    out.detail = "made by " + parsed->public_key.fingerprint() + ", not by signer_key";
    return out;
  }
  const auto message = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
  switch (sshsig::verify(*parsed, message, kArtifactNamespace)) {
    case sshsig::VerifyStatus::kGood: out.status = SignatureStatus::kGood; break;
    case sshsig::VerifyStatus::kNamespaceMismatch:
      out.status = SignatureStatus::kNamespaceMismatch;
      out.detail = "signature namespace is '" + util::printable(parsed->namespace_) + "', expected '" +
                   std::string(kArtifactNamespace) + "'";
      break;
    case sshsig::VerifyStatus::kBadSignature:
      out.status = SignatureStatus::kBad;
      out.detail = "does not verify over " + artifact_named(doc.file, doc.sha256);
      break;
  }
  return out;
}

Status can_add_artifact_signature(const std::optional<ArtifactSignatures>& doc, std::string_view file,
                                  std::string_view sha256, const crypto::PublicKey& key) {
  if (!doc) return {};
  if (doc->file != file || doc->sha256 != sha256) {
    return Error::invalid_argument("the existing signatures are for " + artifact_named(doc->file, doc->sha256) +
                                   ", not for " + artifact_named(file, sha256) +
                                   ": the file changed since they were made (remove them to sign it anew)");
  }
  for (const ArtifactSignature& existing : doc->signatures) {
    if (existing.signer_key == key)
      return Error::invalid_argument("already signed by " + key.fingerprint() + " (" + existing.timestamp.text + ")");
  }
  if (doc->signatures.size() >= kMaxArtifactSignatures)
    return Error::invalid_argument("already " + std::to_string(kMaxArtifactSignatures) + " signatures");
  return {};
}

Result<ArtifactSignatures> add_artifact_signature(std::optional<ArtifactSignatures> doc, std::string_view file,
                                                  std::string_view sha256, ArtifactSignature sig) {
  if (auto ok = can_add_artifact_signature(doc, file, sha256, sig.signer_key); !ok) return ok.error();
  if (!doc) doc = ArtifactSignatures{std::string(file), std::string(sha256), {}};
  const SignatureCheck check = check_artifact_signature(*doc, sig);
  if (check.status != SignatureStatus::kGood)
    return Error::invalid_argument("the new signature does not verify: " + check.detail);
  doc->signatures.push_back(std::move(sig));
  return std::move(*doc);
}

ArtifactReport judge_artifact(const ArtifactSignatures& doc, std::string_view file, std::string_view sha256,
                              const policy::Rule& rule, int64_t now, const IdentityResolver* resolver) {
  ArtifactReport report;
  report.sha256 = std::string(sha256);
  report.rule = rule.name;
  const policy::SignerSet& set = rule.signers;
  SignedObject object;
  object.what = "artifact";
  object.signed_at = now;
  object.now = now;
  object.received_at = [now] { return now; };  // no server saw it arrive: only now counts

  std::vector<registry::Approval> votes;
  std::vector<std::string> bad;
  for (const ArtifactSignature& sig : doc.signatures) {
    ArtifactSignatureReport entry;
    entry.signer_key = sig.signer_key.to_ssh_line();
    entry.fingerprint = sig.signer_key.fingerprint();
    entry.timestamp = sig.timestamp.text;
    const SignatureCheck check = check_artifact_signature(doc, sig);
    entry.good = check.status == SignatureStatus::kGood;
    if (!entry.good) {
      entry.code = check.status == SignatureStatus::kNamespaceMismatch ? Reason::kNamespaceMismatch
                   : check.status == SignatureStatus::kUnsupported     ? Reason::kUnsupportedSignature
                                                                       : Reason::kBadSignature;
      entry.detail = check.detail;
      bad.push_back(entry.fingerprint + " (" + std::string(name(entry.code)) + ": " + check.detail + ")");
    } else {
      SignedObject at = object;
      at.signed_at = sig.timestamp.unix_seconds;
      const SignerMatch match = match_signers(check, set, at, resolver);
      entry.code = match.code;
      entry.signer = match.signer;
      entry.detail = match.detail;
      votes.push_back({std::string(64, '0'), false, std::nullopt, true, "", sig.signer_key, sig.timestamp, ""});
    }
    report.entries.push_back(std::move(entry));
  }

  if (doc.file != file || doc.sha256 != sha256) {
    report.code = Reason::kBadSignature;
    report.detail = "the signatures are for " + artifact_named(doc.file, doc.sha256) + ", the file is " +
                    artifact_named(file, sha256) + " (modified or renamed since it was signed)";
    return report;
  }
  std::vector<const registry::Approval*> pointers;
  for (const registry::Approval& v : votes) pointers.push_back(&v);
  const SignerMatch verdict =
      count_approvals(pointers, set, object, resolver, "auths artifact sign " + std::string(file), "signature");
  report.code = verdict.code;
  report.detail = verdict.detail;
  if (!bad.empty()) report.detail += "; bad signatures (never counted): " + util::join(bad, "; ");
  return report;
}

}  // namespace auths::engine

namespace auths {

namespace {

/// The rule an artifact is judged against: `name`, else the first release rule. Only its signer
/// set applies: a rule with conditions only a git object can meet is refused as an error.
Result<const policy::Rule*> artifact_rule(const policy::Policy& policy, const std::string& name) {
  const policy::Rule* found = nullptr;
  for (const policy::Rule& rule : policy.rules) {
    if (name.empty() ? rule.kind == policy::RuleKind::kRelease : rule.name == name) {
      found = &rule;
      break;
    }
  }
  if (found == nullptr) {
    return Error::not_found(name.empty() ? "the policy has no [[policy.release]] rule (name one with --rule)"
                                         : "the policy has no rule named '" + name + "'");
  }
  if (found->open) {
    return Error::unsupported("rule '" + found->name + "' is open (open = \"" + to_string(*found->open) +
                              "\"): it names no signers to judge an artifact");
  }
  if (found->max_ttl || found->require_log != policy::LogRequirement::kNone || !found->expression_text.empty()) {
    return Error::unsupported("rule '" + found->name +
                              "' has conditions (max_ttl, require_log, expression) that artifact verification "
                              "does not evaluate: name another rule with --rule");
  }
  return found;
}

}  // namespace

Result<ArtifactReport> verify_artifact(const ArtifactVerifyRequest& request) {
  const int64_t now = request.now != 0 ? request.now : util::now_unix();
  auto digest = engine::file_sha256(request.file);
  if (!digest) return digest.error();

  auto policy_text = engine::read_policy_text(request.policy);
  if (!policy_text) return policy_text.error();
  auto policy =
      policy::parse_policy(*policy_text, request.policy,
                           engine::policy_dir_reader(request.policy, request.repo.empty() ? "." : request.repo));
  if (!policy) return policy.error();
  auto rule = artifact_rule(*policy, request.rule);
  if (!rule) return rule.error();

  ArtifactReport report;
  report.file = request.file;
  report.signatures = request.file + kArtifactSignaturesSuffix;
  report.sha256 = *digest;
  report.rule = (*rule)->name;
  auto text = engine::read_policy_text(report.signatures);
  if (!text && text.error().code == ErrorCode::kNotFound) {
    report.code = Reason::kUnsigned;
    report.detail = "no " + report.signatures + ": run auths artifact sign " + request.file;
    return report;
  }
  if (!text) return text.error();
  auto doc = engine::parse_artifact_signatures(*text);
  if (!doc) {
    report.code = Reason::kMalformedObject;
    report.detail = report.signatures + ": " + doc.error().to_string();
    return report;
  }

  const policy::SignerSet& set = (*rule)->signers;
  const git::Session session;  // outlives the repository below
  std::optional<registry::State> state;
  std::optional<engine::RegistryResolver> resolver;
  if (!set.identities.empty() || set.selects_members()) {
    auto repo = git::Repository::open(request.repo.empty() ? "." : request.repo);
    if (!repo) return repo.error();
    auto project = repo->config_string("auths.repo");
    if (!project) return project.error();
    auto loaded = registry::load_current(*repo);
    if (!loaded) return loaded.error();
    state = std::move(loaded).value();
    resolver.emplace(*state, project->value_or(""));
  }
  ArtifactReport judged = engine::judge_artifact(*doc, engine::base_name(request.file), *digest, **rule, now,
                                                 resolver ? &*resolver : nullptr);
  judged.file = report.file;
  judged.signatures = report.signatures;
  return judged;
}

}  // namespace auths
