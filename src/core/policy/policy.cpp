// The small pure functions of the policy model: rule lookup by ref, signer lookup by key.
#include "policy/policy.h"

#include <algorithm>
#include <set>

#include "crypto/blake3.h"
#include "util/bytes.h"
#include "util/strings.h"

namespace auths::policy {

const char* to_string(RuleKind kind) {
  switch (kind) {
    case RuleKind::kCommit: return "commit";
    case RuleKind::kRelease: return "release";
    case RuleKind::kCi: return "ci";
  }
  return "unknown";
}

const char* to_string(Contributions level) {
  switch (level) {
    case Contributions::kKnown: return "known";
    case Contributions::kSigned: return "signed";
    case Contributions::kAny: return "any";
  }
  return "known";
}

std::vector<const Signer*> SignerSet::find(const crypto::PublicKey& key) const {
  std::vector<const Signer*> found;
  for (const Signer& signer : keys) {
    if (signer.key == key) found.push_back(&signer);
  }
  return found;
}

bool Rule::allows_forge(std::string_view kind) const {
  return std::find(forge_commits.begin(), forge_commits.end(), kind) != forge_commits.end();
}

const Rule* Policy::match(std::string_view ref_name) const {
  for (const Rule& rule : rules) {
    for (const std::string& pattern : rule.refs) {
      if (glob_match(pattern, ref_name)) return &rule;
    }
  }
  return nullptr;
}

std::vector<const Signer*> Policy::find_known(const crypto::PublicKey& key) const {
  std::vector<const Signer*> out;
  for (const Rule& rule : rules) {
    for (const Signer* s : rule.signers.find(key)) out.push_back(s);
  }
  if (governance) {
    for (const Signer* s : governance->find(key)) out.push_back(s);
  }
  return out;
}

std::vector<std::string> Policy::known_identities() const {
  std::set<std::string> out;
  for (const Rule& rule : rules) out.insert(rule.signers.identities.begin(), rule.signers.identities.end());
  if (governance) out.insert(governance->identities.begin(), governance->identities.end());
  return {out.begin(), out.end()};
}

void Policy::finish() {
  m_known = SignerSet{};
  m_known.identities = known_identities();
  m_known.org = org;
  bool members = governance && governance->selects_members();
  for (const Rule& rule : rules) members = members || rule.signers.selects_members();
  m_known.any_member = members;
}

std::vector<std::string> Policy::named_files() const {
  std::set<std::string> out;
  const auto add = [&out](const SignerSet& set) {
    if (!set.allowed_signers_path.empty() && !util::starts_with(set.allowed_signers_path, ".auths/")) {
      out.insert(set.allowed_signers_path);
    }
  };
  for (const Rule& rule : rules) {
    add(rule.signers);
    // An expression decides who may sign as much as the policy file does.
    if (!rule.expression_path.empty() && !util::starts_with(rule.expression_path, ".auths/")) {
      out.insert(rule.expression_path);
    }
  }
  if (governance) add(*governance);
  return {out.begin(), out.end()};
}

int receipt_witnesses(const WitnessSet& set) {
  return static_cast<int>(std::count_if(set.keys.begin(), set.keys.end(), [](const crypto::PublicKey& key) {
    return key.type() == crypto::KeyType::kEd25519;
  }));
}

std::optional<std::string> unsatisfiable(const Policy& policy, std::string_view default_branch) {
  if (!policy.governance) {
    return "the policy has no [governance] section: nobody could ever change it";
  }
  if (!default_branch.empty()) {
    const Rule* rule = policy.match(default_branch);
    // Witness receipts are verified (witness/receipt.h): a witnessed default branch is
    // satisfiable while its witnesses answer, as [governance] is while its signers keep their
    // keys. Only witnesses that can never sign a receipt make it a lockout.
    if (rule != nullptr && rule->require_log == LogRequirement::kWitness && policy.witness &&
        receipt_witnesses(*policy.witness) < policy.witness->threshold) {
      return "has rule '" + rule->name + "' govern " + std::string(default_branch) +
             " with require_log = \"witness\", but only " + std::to_string(receipt_witnesses(*policy.witness)) +
             " of the [witness] keys can sign receipts (Ed25519) and the threshold is " +
             std::to_string(policy.witness->threshold) + ": the policy could never be changed again";
    }
  }
  // `require` > 1 is met by approvals (engine/quorum.h): a quorum is satisfiable.
  return std::nullopt;
}

namespace {

/// Escapes the characters the record's text form uses as separators (',' ';' '|' '=' and '+',
/// which joins namespaces) and '%' itself, so that two different entries never share a text.
std::string escape_field(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == ',' || c == ';' || c == '|' || c == '%' || c == '=' || c == '+') {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out.push_back('%');
      out.push_back(kHex[(static_cast<unsigned char>(c) >> 4) & 0xf]);
      out.push_back(kHex[static_cast<unsigned char>(c) & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

/// One key entry as the record keeps it: the fingerprint and every restriction of the entry
/// (validity window, namespaces). Two entries compare equal only when they admit exactly the
/// same signatures, so a record never vouches for a rule that restricts a key more.
std::string key_entry(const Signer& s) {
  std::string out = s.key.fingerprint();
  if (s.valid_after) out += "|va=" + std::to_string(*s.valid_after);
  if (s.valid_before) out += "|vb=" + std::to_string(*s.valid_before);
  if (!s.namespaces.empty()) {
    std::vector<std::string> ns = s.namespaces;
    std::sort(ns.begin(), ns.end());
    out += "|ns=";
    for (size_t i = 0; i < ns.size(); ++i) {
      if (i != 0) out += '+';
      out += escape_field(ns[i]);
    }
  }
  return out;
}

/// The org conditions of a signer set as one text: equal texts ask the same of identity signers.
std::string conditions_text(const SignerSet& set) {
  if (!set.has_identity_conditions()) return "";
  const auto list = [](std::vector<std::string> items) {
    std::sort(items.begin(), items.end());
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
      if (i != 0) out += '+';
      out += escape_field(items[i]);
    }
    return out;
  };
  return "org=" + escape_field(set.org) + "|roles=" + list(set.roles) + "|teams=" + list(set.teams) +
         "|caps=" + list(set.capabilities) + (set.capabilities_explicit ? "|explicit" : "") +
         "|types=" + list(set.signer_types);
}

/// What a rule asks beyond its signer set (open, paths, max_ttl, ephemeral, witness log,
/// expression) as one text; "" when nothing.
std::string rule_conditions_text(const Rule& rule) {
  // Appends only: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&& at -O2.
  std::string out;
  if (rule.open) {
    out += "|open=";
    out += to_string(*rule.open);
  }
  if (!rule.paths.empty()) {
    std::vector<std::string> paths = rule.paths;
    std::sort(paths.begin(), paths.end());
    out += "|paths=";
    for (size_t i = 0; i < paths.size(); ++i) {
      if (i != 0) out += '+';
      out += escape_field(paths[i]);
    }
  }
  if (rule.max_ttl) {
    out += "|ttl=";
    out += std::to_string(*rule.max_ttl);
  }
  if (rule.allow_ephemeral) out += "|ephemeral";
  if (rule.require_log == LogRequirement::kWitness) out += "|log=witness";
  if (!rule.forge_commits.empty() && rule.forge) {
    // Forge commits let through and the [forge] that judged them: a record made under them
    // vouches only for a rule with exactly the same ones.
    std::set<std::string> keys;
    for (const Signer& s : rule.forge->signers.keys) keys.insert(key_entry(s));
    out += "|forge=";
    for (size_t i = 0; i < rule.forge_commits.size(); ++i) {
      if (i != 0) out += '+';
      out += rule.forge_commits[i];
    }
    out += "|forge_keys=";
    for (auto it = keys.begin(); it != keys.end(); ++it) {
      if (it != keys.begin()) out += '+';
      out += escape_field(*it);
    }
    out += "|forge_approvals=";
    out += std::to_string(rule.forge->require_approvals);
  }
  if (!rule.expression_text.empty()) {
    crypto::Blake3 hash;
    hash.update(rule.expression_text);
    const crypto::Blake3Digest digest = hash.finalize();
    out += "|expr=";
    out += util::hex_encode(digest.data(), digest.size());
  }
  return out;
}

}  // namespace

Strictness Strictness::of(const Rule& rule) {
  std::set<std::string> keys;
  for (const Signer& s : rule.signers.keys) keys.insert(key_entry(s));
  const std::set<std::string> ids(rule.signers.identities.begin(), rule.signers.identities.end());
  return Strictness{{keys.begin(), keys.end()},
                    {ids.begin(), ids.end()},
                    rule.signers.require,
                    rule.signers.min_human,
                    rule.signers.max_reject,
                    rule.contributions,
                    conditions_text(rule.signers) + rule_conditions_text(rule)};
}

bool Strictness::at_least_as_strict_as(const Rule& rule) const { return at_least_as_strict_as(of(rule)); }

bool Strictness::at_least_as_strict_as(const Strictness& theirs) const {
  const auto subset = [](const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return std::includes(b.begin(), b.end(), a.begin(), a.end());
  };
  // Org conditions are compared as written: a record made under other ones (another org,
  // other roles, fewer required capabilities, agents allowed) never vouches.
  return subset(keys, theirs.keys) && subset(identities, theirs.identities) && require >= theirs.require &&
         min_human >= theirs.min_human && max_reject <= theirs.max_reject &&
         static_cast<int>(contributions) <= static_cast<int>(theirs.contributions) &&
         org_conditions == theirs.org_conditions;
}

std::string Strictness::encode() const {
  std::string out = "v1;require=" + std::to_string(require) + ";contributions=" + to_string(contributions) + ";keys=";
  for (size_t i = 0; i < keys.size(); ++i) out += (i ? "," : "") + keys[i];
  out += ";identities=";
  for (size_t i = 0; i < identities.size(); ++i) out += (i ? "," : "") + identities[i];
  // Only rules with org conditions add the field: records of rules without stay as they were.
  if (!org_conditions.empty()) out += ";org=" + org_conditions;
  // Likewise the quorum's conditions beyond `require`, only when they differ from the defaults.
  if (min_human != 0 || max_reject != 0)
    out += ";quorum=" + std::to_string(min_human) + "," + std::to_string(max_reject);
  return out;
}

std::optional<Strictness> Strictness::decode(std::string_view text) {
  const auto fields = util::split(text, ';');
  if (fields.size() < 5 || fields.size() > 7 || fields[0] != "v1") return std::nullopt;
  Strictness out;
  const auto value = [&fields](size_t i, std::string_view name) -> std::optional<std::string_view> {
    const std::string prefix = std::string(name) + "=";
    if (!util::starts_with(fields[i], prefix)) return std::nullopt;
    return fields[i].substr(prefix.size());
  };
  const auto require = value(1, "require");
  const auto contributions = value(2, "contributions");
  const auto keys = value(3, "keys");
  const auto identities = value(4, "identities");
  if (!require || !contributions || !keys || !identities) return std::nullopt;
  if (require->empty() || require->size() > 3 || !std::all_of(require->begin(), require->end(), ::isdigit)) {
    return std::nullopt;
  }
  out.require = std::stoi(std::string(*require));
  if (*contributions == "known") {
    out.contributions = Contributions::kKnown;
  } else if (*contributions == "signed") {
    out.contributions = Contributions::kSigned;
  } else if (*contributions == "any") {
    out.contributions = Contributions::kAny;
  } else {
    return std::nullopt;
  }
  for (const auto part : util::split(*keys, ',')) {
    if (!part.empty()) out.keys.emplace_back(part);
  }
  for (const auto part : util::split(*identities, ',')) {
    if (!part.empty()) out.identities.emplace_back(part);
  }
  std::sort(out.keys.begin(), out.keys.end());
  std::sort(out.identities.begin(), out.identities.end());
  // Optional fields, in this order: org=, quorum=.
  size_t next = 5;
  if (next < fields.size() && util::starts_with(fields[next], "org=")) {
    const auto org = value(next++, "org");
    if (!org || org->empty()) return std::nullopt;
    out.org_conditions = std::string(*org);
  }
  if (next < fields.size()) {
    const auto quorum = value(next++, "quorum");
    const auto parts = quorum ? util::split(*quorum, ',') : std::vector<std::string_view>{};
    const auto small = [](std::string_view t) {
      return !t.empty() && t.size() <= 3 && std::all_of(t.begin(), t.end(), ::isdigit);
    };
    if (parts.size() != 2 || !small(parts[0]) || !small(parts[1])) return std::nullopt;
    out.min_human = std::stoi(std::string(parts[0]));
    out.max_reject = std::stoi(std::string(parts[1]));
  }
  if (next != fields.size()) return std::nullopt;
  return out;
}

}  // namespace auths::policy
