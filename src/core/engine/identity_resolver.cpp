#include "engine/identity_resolver.h"

#include <algorithm>

#include "util/time.h"

namespace auths::engine {

SignerMatch RegistryResolver::resolve(const crypto::PublicKey& key, const std::vector<std::string>& identities,
                                      const SignedObject& object) const {
  const auto listed = [&identities](const std::string& did) {
    return std::find(identities.begin(), identities.end(), did) != identities.end();
  };
  auto device = key.to_did_key();
  const std::string device_did = device ? *device : key.fingerprint();
  const auto received = [&object] { return object.received_at ? object.received_at() : object.now; };

  // The identity key itself (a root may sign directly).
  for (const auto& did : identities) {
    auto prefix = keri::parse_did_keri(did);
    if (!prefix) continue;
    const keri::KeyState* state = m_state.identity(*prefix);
    if (state == nullptr) continue;
    for (const auto& current : state->public_keys) {
      if (current == key) return {Reason::kOk, did, "signed by the identity key of " + did};
    }
  }

  SignerMatch refusal{Reason::kUnknownSigner, "", ""};
  for (const auto& grant : m_state.grants_for_key(key)) {
    if (grant.identity == nullptr || !listed(grant.link->issuer)) continue;
    const std::string& who = grant.link->issuer;
    if (grant.revocation != nullptr) {
      // Only an object this server recorded accepting before the revocation still counts.
      const int64_t revoked_at = grant.revocation->revoked_at->unix_seconds;
      const int64_t seen = received();
      if (seen < revoked_at) {
        return {Reason::kOk, who,
                "signed by device " + device_did + " of " + who + ", revoked at " + grant.revocation->revoked_at->text +
                    " but accepted by this server at " + util::format_utc(seen) + ", before the revocation"};
      }
      refusal = {Reason::kDeviceRevoked, "",
                 "device " + device_did + " of " + who + " was revoked at " + grant.revocation->revoked_at->text};
      continue;
    }
    Reason fault = Reason::kOk;
    const bool valid_then = keri::check_validity(*grant.link, object.signed_at, &fault).has_value();
    const bool valid_at_receipt = valid_then && keri::check_validity(*grant.link, received(), &fault).has_value();
    if (!valid_at_receipt) {
      if (refusal.code != Reason::kDeviceRevoked) {
        const std::string when =
            grant.link->expires_at ? grant.link->expires_at->text : util::format_utc(object.signed_at);
        refusal = {fault == Reason::kAttestationExpired ? Reason::kDeviceExpired : Reason::kDeviceNotValid, "",
                   "device " + device_did + " of " + who + " is not valid (" + std::string(name(fault)) + ", expires " +
                       when + ")"};
      }
      continue;
    }
    return {Reason::kOk, who, "signed by device " + device_did + " of " + who};
  }
  return refusal;
}

}  // namespace auths::engine
