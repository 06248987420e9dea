// The committed identity evidence of a policy's tree (`.auths/ci-bundle.json`, registry/bundle.h)
// as the hooks use it: verified once per push, a second source of identities beside the
// registry (engine/identity_resolver.h, EvidenceSource). A bundle that does not verify is
// bundle-invalid and one older than its max_valid_for_secs bundle-stale, for every signer only
// the bundle could vouch for: fail closed, never ignored.
#pragma once

#include <optional>
#include <string>

#include "engine/identity_resolver.h"
#include "policy/policy.h"
#include "registry/bundle.h"

namespace auths::engine {

struct Evidence {
  std::optional<registry::Bundle> bundle;  // verified (stale or not); nullopt: none, or invalid
  Reason fault = Reason::kOk;              // kBundleStale, kBundleInvalid, or kOk
  std::string detail;                      // why, naming the file

  /// What a RegistryResolver takes (empty when there is no bundle at all).
  EvidenceSource source() const;
};

/// The evidence a tree holds (`bundle_text`: its kBundlePath, Policy::bundle) at `now`.
Evidence load_evidence(const std::optional<std::string>& bundle_text, int64_t now);

}  // namespace auths::engine
