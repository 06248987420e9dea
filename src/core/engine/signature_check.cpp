#include "engine/signature_check.h"

#include "git/objects.h"
#include "sshsig/sshsig.h"
#include "util/time.h"

namespace auths::engine {

namespace {

std::string key_label(const crypto::PublicKey& key) { return key.fingerprint() + " (" + key.ssh_type_name() + ")"; }

}  // namespace

SignatureCheck check_signature(const std::string& payload, const std::string& signature) {
  SignatureCheck out;
  switch (git::signature_format(signature)) {
    case git::SignatureFormat::kNone: out.status = SignatureStatus::kUnsigned; return out;
    case git::SignatureFormat::kPgp:
      out.status = SignatureStatus::kUnsupported;
      out.detail = "OpenPGP signatures are not supported; sign with an SSH key (gpg.format=ssh)";
      return out;
    case git::SignatureFormat::kX509:
      out.status = SignatureStatus::kUnsupported;
      out.detail = "X.509 signatures are not supported; sign with an SSH key (gpg.format=ssh)";
      return out;
    case git::SignatureFormat::kUnknown:
      out.status = SignatureStatus::kUnsupported;
      out.detail = "unrecognised signature format";
      return out;
    case git::SignatureFormat::kSsh: break;
  }
  auto parsed = sshsig::parse_armored(signature);
  if (!parsed) {
    out.status =
        parsed.error().code == ErrorCode::kUnsupported ? SignatureStatus::kUnsupported : SignatureStatus::kMalformed;
    out.detail = "SSH signature: " + parsed.error().message;
    return out;
  }
  out.key = parsed->public_key;
  const auto payload_bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(payload.data()), payload.size());
  switch (sshsig::verify(*parsed, payload_bytes, kGitNamespace)) {
    case sshsig::VerifyStatus::kGood: out.status = SignatureStatus::kGood; break;
    case sshsig::VerifyStatus::kNamespaceMismatch:
      out.status = SignatureStatus::kNamespaceMismatch;
      out.detail = "signature namespace is '" + parsed->namespace_ + "', expected 'git'";
      break;
    case sshsig::VerifyStatus::kBadSignature: out.status = SignatureStatus::kBad; break;
  }
  return out;
}

SignerMatch match_signers(const SignatureCheck& check, const policy::SignerSet& signers, int64_t time,
                          std::string_view what, const IdentityResolver* resolver, int64_t now,
                          const std::optional<Oid>& object) {
  const std::string noun(what);
  switch (check.status) {
    case SignatureStatus::kUnsigned: return {"unsigned", "", noun + " is not signed"};
    case SignatureStatus::kUnsupported: return {"unsupported-signature", "", check.detail};
    case SignatureStatus::kMalformed: return {"bad-signature", "", check.detail};
    case SignatureStatus::kNamespaceMismatch: return {"namespace-mismatch", "", check.detail};
    case SignatureStatus::kBad:
      return {"bad-signature", "",
              "signature by " + key_label(*check.key) + " does not verify over this " + noun + " (altered or copied)"};
    case SignatureStatus::kGood: break;
  }
  const auto entries = signers.find(*check.key);
  if (entries.empty()) {
    if (!signers.identities.empty() && resolver != nullptr) {
      SignerMatch match = resolver->resolve(*check.key, signers.identities, time, now, object);
      if (match.code != "unknown-signer") return match;
    }
    return {"unknown-signer", "", "signed by " + key_label(*check.key) + " which is not a signer of this rule"};
  }
  // A key may be listed more than once (say, with two validity windows): one entry that
  // accepts is enough; otherwise report why the first one refused.
  SignerMatch refusal;
  for (const auto* entry : entries) {
    switch (policy::check_signer(*entry, kGitNamespace, time)) {
      case policy::SignerCheck::kOk:
        return {"ok", entry->name, "signed by " + entry->name + " " + check.key->fingerprint()};
      case policy::SignerCheck::kNamespaceNotAllowed:
        if (refusal.code.empty()) {
          refusal = {"namespace-mismatch", "",
                     "key of '" + entry->name + "' is not allowed in namespace 'git' (" + entry->origin + ")"};
        }
        break;
      case policy::SignerCheck::kNotYetValid:
        if (refusal.code.empty()) {
          refusal = {"signer-not-yet-valid", "",
                     "key of '" + entry->name + "' is valid only after " +
                         util::format_utc(entry->valid_after.value_or(0)) + " but the " + noun + " is dated " +
                         util::format_utc(time) + " (" + entry->origin + ")"};
        }
        break;
      case policy::SignerCheck::kExpired:
        if (refusal.code.empty()) {
          refusal = {"signer-expired", "",
                     "key of '" + entry->name + "' expired at " + util::format_utc(entry->valid_before.value_or(0)) +
                         " but the " + noun + " is dated " + util::format_utc(time) + " (" + entry->origin + ")"};
        }
        break;
    }
  }
  return refusal;
}

}  // namespace auths::engine
