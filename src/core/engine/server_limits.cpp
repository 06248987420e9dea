#include "engine/server_limits.h"

#include <algorithm>

namespace auths::engine {

namespace {

bool pinned(const std::vector<std::string>& roots, const std::string& did) {
  return std::find(roots.begin(), roots.end(), did) != roots.end();
}

}  // namespace

std::optional<std::string> trust_root_mismatch(const policy::Policy& policy, const std::vector<std::string>& roots) {
  if (roots.empty()) return std::nullopt;
  const std::string why = ", which is not among the trust roots the server pins for this repository";
  if (!policy.org.empty() && !pinned(roots, policy.org)) return "names the org " + policy.org + why;
  if (!policy.governance) return "has no [governance]: no trust root the server pins governs it";
  const policy::SignerSet& governance = *policy.governance;
  if (!governance.org.empty() && !pinned(roots, governance.org)) {
    return "gives [governance] to members of " + governance.org + why;
  }
  for (const std::string& identity : governance.identities) {
    if (!pinned(roots, identity)) return "gives [governance] to " + identity + why;
  }
  if (!governance.keys.empty()) {
    const policy::Signer& key = governance.keys.front();
    return "gives [governance] to the key " + key.name + " (" + key.key.fingerprint() + ", " + key.origin +
           ") directly: while the server pins trust roots, only pinned did:keri identities and orgs may govern";
  }
  return std::nullopt;
}

policy::WitnessSet trusted_witnesses(const policy::WitnessSet& set, const std::vector<std::string>& trusted) {
  std::vector<crypto::PublicKey> keys;
  for (const std::string& did : trusted) {
    if (auto key = crypto::parse_did_key(did)) keys.push_back(std::move(*key));
  }
  policy::WitnessSet out = set;
  out.keys.clear();
  out.names.clear();
  for (size_t i = 0; i < set.keys.size(); ++i) {
    if (std::find(keys.begin(), keys.end(), set.keys[i]) == keys.end()) continue;
    out.keys.push_back(set.keys[i]);
    if (i < set.names.size()) out.names.push_back(set.names[i]);
  }
  return out;
}

}  // namespace auths::engine
