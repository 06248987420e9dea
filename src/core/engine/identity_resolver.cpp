#include "engine/identity_resolver.h"

#include <algorithm>

#include "util/time.h"

namespace auths::engine {

SignerMatch RegistryResolver::resolve(const crypto::PublicKey& key, const std::vector<std::string>& identities,
                                      int64_t time, int64_t now, const std::optional<Oid>& object) const {
  const auto listed = [&identities](const std::string& did) {
    return std::find(identities.begin(), identities.end(), did) != identities.end();
  };
  auto device = key.to_did_key();
  const std::string device_did = device ? *device : key.fingerprint();

  // The identity key itself (a root may sign directly).
  for (const auto& did : identities) {
    auto prefix = keri::parse_did_keri(did);
    if (!prefix) continue;
    const keri::KeyState* state = m_state.identity(*prefix);
    if (state == nullptr) continue;
    for (const auto& current : state->public_keys) {
      if (current == key) return {"ok", did, "signed by the identity key of " + did};
    }
  }

  SignerMatch refusal{"unknown-signer", "", ""};
  for (const auto& grant : m_state.grants_for_key(key)) {
    if (grant.identity == nullptr || !listed(grant.link->issuer)) continue;
    const std::string& who = grant.link->issuer;
    if (grant.revocation != nullptr) {
      // Objects reachable from the server's refs are never judged again. Any other object
      // counts only if this server recorded accepting it before the revocation.
      const int64_t revoked_at = grant.revocation->revoked_at->unix_seconds;
      if (m_accepted != nullptr && object) {
        auto seen = m_accepted->accepted_at(*object);
        if (seen && seen->has_value() && **seen < revoked_at) {
          return {"ok", who,
                  "signed by device " + device_did + " of " + who + ", revoked at " +
                      grant.revocation->revoked_at->text + " but accepted by this server at " +
                      util::format_utc(**seen) + ", before the revocation"};
        }
      }
      refusal = {"device-revoked", "",
                 "device " + device_did + " of " + who + " was revoked at " + grant.revocation->revoked_at->text};
      continue;
    }
    Reason fault = Reason::kOk;
    const bool valid_then = keri::check_validity(*grant.link, time, &fault).has_value();
    const bool valid_now = valid_then && keri::check_validity(*grant.link, now, &fault).has_value();
    if (!valid_now) {
      if (refusal.code != "device-revoked") {
        const std::string when = grant.link->expires_at ? grant.link->expires_at->text : util::format_utc(time);
        refusal = {fault == Reason::kAttestationExpired ? "device-expired" : "device-not-valid", "",
                   "device " + device_did + " of " + who + " is not valid (" + std::string(name(fault)) + ", expires " +
                       when + ")"};
      }
      continue;
    }
    return {"ok", who, "signed by device " + device_did + " of " + who};
  }
  return refusal;
}

}  // namespace auths::engine
