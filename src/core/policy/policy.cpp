// The small pure functions of the policy model: rule lookup by ref, signer lookup by key.
#include "policy/policy.h"

#include <algorithm>

namespace auths::policy {

const char* to_string(RuleKind kind) {
  switch (kind) {
    case RuleKind::kCommit: return "commit";
    case RuleKind::kRelease: return "release";
  }
  return "unknown";
}

std::vector<const Signer*> SignerSet::find(const crypto::PublicKey& key) const {
  std::vector<const Signer*> found;
  for (const Signer& signer : keys) {
    if (signer.key == key) found.push_back(&signer);
  }
  return found;
}

bool SignerSet::admits_only_signers_of(const SignerSet& other) const {
  for (const auto& signer : keys) {
    if (other.find(signer.key).empty()) return false;
  }
  for (const auto& id : identities) {
    if (std::find(other.identities.begin(), other.identities.end(), id) == other.identities.end()) return false;
  }
  return true;
}

const Rule* Policy::match(std::string_view ref_name) const {
  for (const Rule& rule : rules) {
    for (const std::string& pattern : rule.refs) {
      if (glob_match(pattern, ref_name)) return &rule;
    }
  }
  return nullptr;
}

}  // namespace auths::policy
