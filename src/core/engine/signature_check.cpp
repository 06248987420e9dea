#include "engine/signature_check.h"

#include "git/objects.h"
#include "sshsig/sshsig.h"
#include "util/time.h"

namespace auths::engine {

namespace {

std::string key_label(const crypto::PublicKey& key) { return key.fingerprint() + " (" + key.ssh_type_name() + ")"; }

/// Why a signature is not good, or nullopt when it is.
std::optional<SignerMatch> refuse_bad(const SignatureCheck& check, std::string_view what) {
  const std::string noun(what);
  switch (check.status) {
    case SignatureStatus::kUnsigned: return SignerMatch{Reason::kUnsigned, "", noun + " is not signed"};
    case SignatureStatus::kUnsupported: return SignerMatch{Reason::kUnsupportedSignature, "", check.detail};
    case SignatureStatus::kMalformed: return SignerMatch{Reason::kBadSignature, "", check.detail};
    case SignatureStatus::kNamespaceMismatch: return SignerMatch{Reason::kNamespaceMismatch, "", check.detail};
    case SignatureStatus::kBad:
      return SignerMatch{
          Reason::kBadSignature, "",
          "signature by " + key_label(*check.key) + " does not verify over this " + noun + " (altered or copied)"};
    case SignatureStatus::kGood: break;
  }
  return std::nullopt;
}

/// The first entry among `entries` valid for the object, or why the first one refused.
SignerMatch match_entries(const SignatureCheck& check, const std::vector<const policy::Signer*>& entries,
                          const SignedObject& object) {
  const std::string noun(object.what);
  SignerMatch refusal;
  bool refused = false;
  const auto refuse = [&refusal, &refused](Reason code, std::string detail) {
    if (!refused) refusal = {code, "", std::move(detail)};
    refused = true;
  };
  for (const auto* entry : entries) {
    const policy::SignerCheck then = policy::check_signer(*entry, kGitNamespace, object.signed_at);
    if (then == policy::SignerCheck::kNamespaceNotAllowed) {
      refuse(Reason::kNamespaceMismatch,
             "key of '" + entry->name + "' is not allowed in namespace 'git' (" + entry->origin + ")");
      continue;
    }
    if (then == policy::SignerCheck::kNotYetValid) {
      refuse(Reason::kSignerNotYetValid,
             "key of '" + entry->name + "' is valid only after " + util::format_utc(entry->valid_after.value_or(0)) +
                 " but the " + noun + " is dated " + util::format_utc(object.signed_at) + " (" + entry->origin + ")");
      continue;
    }
    if (then == policy::SignerCheck::kExpired) {
      refuse(Reason::kSignerExpired,
             "key of '" + entry->name + "' expired at " + util::format_utc(entry->valid_before.value_or(0)) +
                 " but the " + noun + " is dated " + util::format_utc(object.signed_at) + " (" + entry->origin + ")");
      continue;
    }
    // The object's date is the signer's to choose: the key must also be valid when the server
    // received the object, or a key past its valid-before could sign by backdating.
    if (entry->valid_before || entry->valid_after) {
      const int64_t received = object.received_at ? object.received_at() : object.now;
      const policy::SignerCheck at_receipt = policy::check_signer(*entry, kGitNamespace, received);
      if (at_receipt == policy::SignerCheck::kExpired) {
        // No clock reading in the message: the hook and `auths hook run` must print the same.
        refuse(Reason::kSignerExpired, "key of '" + entry->name + "' expired at " +
                                           util::format_utc(entry->valid_before.value_or(0)) +
                                           ", before the server received this " + noun +
                                           " (its date is the signer's to choose) (" + entry->origin + ")");
        continue;
      }
      if (at_receipt == policy::SignerCheck::kNotYetValid) {
        refuse(Reason::kSignerNotYetValid, "key of '" + entry->name + "' is valid only after " +
                                               util::format_utc(entry->valid_after.value_or(0)) +
                                               ", after the server received this " + noun + " (" + entry->origin + ")");
        continue;
      }
    }
    SignerMatch match{Reason::kOk, entry->name, "signed by " + entry->name + " " + check.key->fingerprint(), {}};
    match.facts = listed_key_facts(*check.key);
    match.facts.expires_at = entry->valid_before;
    match.facts.issued_at = entry->valid_after;
    return match;
  }
  return refusal;
}

/// Key entries first; the identities of `set` only when no key entry matched.
SignerMatch match_in(const SignatureCheck& check, const std::vector<const policy::Signer*>& entries,
                     const policy::SignerSet& set, const SignedObject& object, const IdentityResolver* resolver,
                     std::string_view whose) {
  if (auto bad = refuse_bad(check, object.what)) return *bad;
  if (entries.empty()) {
    if (resolver != nullptr && set.needs_registry()) {
      SignerMatch match = resolver->resolve(*check.key, set, object);
      if (match.code != Reason::kUnknownSigner) return match;
    }
    return {Reason::kUnknownSigner, "", "signed by " + key_label(*check.key) + " which is not " + std::string(whose)};
  }
  return match_entries(check, entries, object);
}

}  // namespace

SignatureCheck check_signature(const std::string& payload, const std::string& signature,
                               const VerifiedBefore& verified_before) {
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
  // Only the cryptographic check is skipped: the object id covers these exact bytes, which the
  // server verified good before (state/store.h, "Signature checks"). The namespace is compared
  // all the same (sshsig::verify would refuse any other), so a wrong record cannot change it.
  if (verified_before && parsed->namespace_ == kGitNamespace && verified_before(*out.key)) {
    out.status = SignatureStatus::kGood;
    out.cached = true;
    return out;
  }
  const auto payload_bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(payload.data()), payload.size());
  switch (sshsig::verify(*parsed, payload_bytes, kGitNamespace)) {
    case sshsig::VerifyStatus::kGood: out.status = SignatureStatus::kGood; break;
    case sshsig::VerifyStatus::kNamespaceMismatch:
      out.status = SignatureStatus::kNamespaceMismatch;
      // The namespace is the signer's text: it is shown escaped by the renderers.
      out.detail = "signature namespace is '" + parsed->namespace_ + "', expected 'git'";
      break;
    case sshsig::VerifyStatus::kBadSignature: out.status = SignatureStatus::kBad; break;
  }
  return out;
}

SignerMatch match_signers(const SignatureCheck& check, const policy::SignerSet& signers, const SignedObject& object,
                          const IdentityResolver* resolver) {
  std::vector<const policy::Signer*> entries;
  if (check.status == SignatureStatus::kGood) entries = signers.find(*check.key);
  return match_in(check, entries, signers, object, resolver, "a signer of this rule");
}

SignerMatch match_known(const SignatureCheck& check, const policy::Policy& policy, const SignedObject& object,
                        const IdentityResolver* resolver) {
  std::vector<const policy::Signer*> entries;
  if (check.status == SignatureStatus::kGood) entries = policy.find_known(*check.key);
  return match_in(check, entries, policy.known_set(), object, resolver, "a signer the policy knows");
}

SignerMatch match_any_good(const SignatureCheck& check, std::string_view what) {
  if (auto bad = refuse_bad(check, what)) return *bad;
  return {Reason::kOk, check.key->fingerprint(), "signed by " + key_label(*check.key), listed_key_facts(*check.key)};
}

}  // namespace auths::engine
