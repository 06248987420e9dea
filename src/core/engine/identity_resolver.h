// IdentityResolver over the registry: a key counts for identity X when X's current key is that
// key, or a device link from X names it, both signatures hold (checked when the registry was
// loaded), and the link is neither revoked nor expired at the commit's time or now.
#pragma once

#include "engine/signature_check.h"
#include "registry/registry.h"

namespace auths::engine {

class RegistryResolver final : public IdentityResolver {
 public:
  explicit RegistryResolver(const registry::State& state) : m_state(state) {}
  SignerMatch resolve(const crypto::PublicKey& key, const std::vector<std::string>& identities, int64_t time,
                      int64_t now) const override;

 private:
  const registry::State& m_state;
};

}  // namespace auths::engine
