#include "policy/canonical.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "crypto/blake3.h"
#include "keri/canonical_json.h"
#include "util/bytes.h"

namespace auths::policy {

namespace {

nlohmann::json signer_set(const SignerSet& set) {
  std::set<std::string> keys;
  for (const Signer& s : set.keys) {
    std::string entry = s.key.fingerprint();
    if (s.valid_after) entry += " valid-after=" + std::to_string(*s.valid_after);
    if (s.valid_before) entry += " valid-before=" + std::to_string(*s.valid_before);
    if (!s.namespaces.empty()) {
      std::vector<std::string> ns = s.namespaces;
      std::sort(ns.begin(), ns.end());
      entry += " namespaces=";
      for (size_t i = 0; i < ns.size(); ++i) entry += (i ? "," : "") + ns[i];
    }
    keys.insert(std::move(entry));
  }
  const std::set<std::string> identities(set.identities.begin(), set.identities.end());
  nlohmann::json out = {{"keys", keys},       {"identities", identities}, {"require", set.require},
                        {"roles", set.roles}, {"teams", set.teams},       {"signer_types", set.signer_types}};
  if (set.capabilities_explicit || set.selects_members()) out["capabilities"] = set.capabilities;
  return out;
}

nlohmann::json rule_json(const Rule& rule) {
  nlohmann::json out = {{"kind", to_string(rule.kind)},
                        {"name", rule.name},
                        {"refs", rule.refs},
                        {"contributions", to_string(rule.contributions)},
                        {"allow_force_push", rule.allow_force_push},
                        {"allow_delete", rule.allow_delete},
                        {"allow_ephemeral", rule.allow_ephemeral}};
  if (rule.open) {
    out["open"] = to_string(*rule.open);
  } else {
    out["signers"] = signer_set(rule.signers);
  }
  if (rule.from) out["from"] = *rule.from;
  if (!rule.forge_commits.empty()) out["forge_commits"] = rule.forge_commits;
  if (!rule.paths.empty()) out["paths"] = rule.paths;
  if (rule.max_ttl) out["max_ttl"] = *rule.max_ttl;
  if (rule.require_log == LogRequirement::kWitness) out["require_log"] = "witness";
  if (rule.expression) {
    out["expression"] = {{"path", rule.expression_path}, {"hash", rule.expression->hash()}};
  }
  return out;
}

}  // namespace

Result<std::string> canonical_form(const Policy& policy) {
  nlohmann::json doc = {
      {"version", policy.version}, {"org", policy.org}, {"default", policy.default_allow ? "allow" : "deny"}};
  nlohmann::json rules = nlohmann::json::array();
  for (const Rule& rule : policy.rules) rules.push_back(rule_json(rule));
  doc["rules"] = std::move(rules);
  if (policy.governance) doc["governance"] = signer_set(*policy.governance);
  if (policy.witness) {
    std::set<std::string> keys;
    for (const auto& key : policy.witness->keys) keys.insert(key.fingerprint());
    doc["witness"] = {{"keys", keys}, {"threshold", policy.witness->threshold}};
  }
  if (policy.forge) {
    doc["forge"] = {{"signers", signer_set(policy.forge->signers)},
                    {"require_approvals", policy.forge->require_approvals}};
  }
  return keri::canonicalize(doc);
}

Result<std::string> policy_hash(const Policy& policy) {
  Result<std::string> form = canonical_form(policy);
  if (!form) return form.error();
  crypto::Blake3 hash;
  hash.update(*form);
  const crypto::Blake3Digest digest = hash.finalize();
  return util::hex_encode(digest.data(), digest.size());
}

}  // namespace auths::policy
