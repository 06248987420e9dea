// IdentityResolver over the registry: a key counts for identity X when X's current key is that
// key, or a device link from X names it, both signatures hold (checked when the registry was
// loaded), and the link is neither revoked nor expired at the commit's time or now. A revoked
// link still counts for an object this server recorded as accepted before the revocation
// (audit::AcceptedLog): never on the strength of a date inside the object.
#pragma once

#include "audit/accepted_log.h"
#include "engine/signature_check.h"
#include "registry/registry.h"

namespace auths::engine {

class RegistryResolver final : public IdentityResolver {
 public:
  explicit RegistryResolver(const registry::State& state, const audit::AcceptedLog* accepted = nullptr)
      : m_state(state), m_accepted(accepted) {}
  SignerMatch resolve(const crypto::PublicKey& key, const std::vector<std::string>& identities, int64_t time,
                      int64_t now, const std::optional<Oid>& object) const override;

 private:
  const registry::State& m_state;
  const audit::AcceptedLog* m_accepted;
};

}  // namespace auths::engine
