// IdentityResolver over the registry: a key counts for identity X when X's current key is that
// key, or a device link from X names it, both signatures hold (checked when the registry was
// loaded), and the link is valid at the object's time and at the time the server received it.
// A revoked link still counts for an object this server recorded accepting before the
// revocation (state/records.h): never on the strength of a date inside the object.
#pragma once

#include "engine/signature_check.h"
#include "registry/registry.h"

namespace auths::engine {

class RegistryResolver final : public IdentityResolver {
 public:
  explicit RegistryResolver(const registry::State& state) : m_state(state) {}
  SignerMatch resolve(const crypto::PublicKey& key, const std::vector<std::string>& identities,
                      const SignedObject& object) const override;

 private:
  const registry::State& m_state;
};

}  // namespace auths::engine
