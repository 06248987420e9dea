#include "policy/evaluate.h"

#include <algorithm>
#include <set>

#include "crypto/public_key.h"
#include "policy/conditions.h"
#include "policy/identity_check.h"
#include "util/strings.h"

namespace auths::policy {

namespace {

/// One signer judged against a signer set.
struct SignerJudgement {
  Reason code = Reason::kUnknownSigner;
  std::string id;      // who counts in a quorum: the identity, or the key's fingerprint
  std::string detail;  // one line
  SignerFacts facts;   // for the rule's conditions
};

/// Does a vote by this signer count as Human (policy/quorum.h): a key listed directly does; an
/// identity when its type is Human.
bool is_human(const SignerFacts& facts) { return facts.listed_key || facts.type.value_or("") == "Human"; }

bool is_key_text(std::string_view signer) { return !util::starts_with(signer, "did:keri:"); }

Result<crypto::PublicKey> parse_key(std::string_view signer) {
  auto key =
      util::starts_with(signer, "did:key:") ? crypto::parse_did_key(signer) : crypto::parse_ssh_public_key_line(signer);
  if (!key) {
    return Error::invalid_argument("signer '" + util::printable(signer, 60) +
                                   "' is not a did:keri, a did:key or an SSH public key line: " + key.error().message);
  }
  return key;
}

/// The facts of an identity signer as the test describes it.
SignerFacts identity_facts_of(const PolicyTestSigner& s) {
  SignerFacts facts;
  facts.subject = s.signer;
  facts.issuer = s.issuer.value_or(s.delegated_by.value_or(s.signer));
  facts.delegated_by = s.delegated_by;
  facts.chain_depth = s.chain_depth.value_or(s.delegated_by ? 1 : 0);
  facts.type = s.signer_type.value_or("Human");
  if (s.capabilities) {
    std::vector<std::string> held = *s.capabilities;
    std::sort(held.begin(), held.end());
    facts.capabilities = std::move(held);
  }
  facts.role = s.role;
  facts.teams = s.teams;
  facts.expires_at = s.expires_at;
  facts.issued_at = s.issued_at;
  if (s.expires_at && s.issued_at) facts.credential_lifetime = *s.expires_at - *s.issued_at;
  facts.revoked = s.revoked;
  facts.ephemeral = s.ephemeral;
  return facts;
}

/// The facts a signer brings whatever the rule (open rules, expressions alone).
Result<SignerFacts> facts_of(const PolicyTestSigner& s) {
  if (s.signer.empty()) return SignerFacts{};
  if (!is_key_text(s.signer)) return identity_facts_of(s);
  auto key = parse_key(s.signer);
  if (!key) return key.error();
  return listed_key_facts(*key);
}

SignerJudgement judge_key(const SignerSet& set, const crypto::PublicKey& key, int64_t now) {
  const std::string label = key.fingerprint() + " (" + key.ssh_type_name() + ")";
  const std::vector<const Signer*> entries = set.find(key);
  if (entries.empty()) {
    std::string detail = "signed by " + label + " which is not a signer of this rule";
    if (set.needs_registry()) {
      detail += " (a key speaks for an identity only through the registry: describe the signer by its did:keri)";
    }
    return {Reason::kUnknownSigner, "", detail, {}};
  }
  SignerJudgement refusal;
  bool refused = false;
  for (const Signer* entry : entries) {
    const SignerCheck check = check_signer(*entry, "git", now);
    if (check == SignerCheck::kOk) {
      SignerJudgement ok{Reason::kOk, key.fingerprint(),
                         "key " + label + " is listed as '" + entry->name + "' (" + entry->origin + ")",
                         listed_key_facts(key)};
      ok.facts.expires_at = entry->valid_before;
      ok.facts.issued_at = entry->valid_after;
      return ok;
    }
    if (refused) continue;
    refused = true;
    const std::string where = " (" + entry->origin + ")";
    if (check == SignerCheck::kNamespaceNotAllowed) {
      refusal = {
          Reason::kNamespaceMismatch, "", "key of '" + entry->name + "' is not allowed in namespace 'git'" + where, {}};
    } else if (check == SignerCheck::kNotYetValid) {
      refusal = {Reason::kSignerNotYetValid, "", "key of '" + entry->name + "' is not valid yet" + where, {}};
    } else {
      refusal = {Reason::kSignerExpired, "", "key of '" + entry->name + "' expired" + where, {}};
    }
  }
  return refusal;
}

SignerJudgement judge_did(const SignerSet& set, const PolicyTestSigner& s, const std::string& repo, int64_t now) {
  IdentityFacts who;
  who.identity = s.signer;
  if (s.delegated_by) who.delegators.push_back(*s.delegated_by);
  who.root = s.issuer.value_or(s.delegated_by.value_or(s.signer));
  who.type = s.signer_type.value_or("Human");
  if (s.capabilities) who.capabilities = std::set<std::string>(s.capabilities->begin(), s.capabilities->end());
  who.project = repo;
  const bool agent = s.delegated_by.has_value();
  if (s.role) {
    who.membership = s.revoked ? IdentityFacts::Membership::kRevoked : IdentityFacts::Membership::kActive;
    who.role = *s.role;
    who.teams = s.teams;
  } else if (s.revoked) {
    who.fault = agent ? Reason::kDelegatorRevoked : Reason::kDeviceRevoked;
    who.detail = agent ? "the delegation of " + s.signer + " by " + *s.delegated_by + " is revoked"
                       : "the device link " + s.signer + " signs through is revoked";
  }
  if (who.fault == Reason::kOk && s.expires_at && *s.expires_at <= now) {
    who.fault = agent ? Reason::kDelegatorRevoked : Reason::kDeviceExpired;
    who.detail = "the credential of " + s.signer + " expired at unix time " + std::to_string(*s.expires_at);
  }
  const IdentityVerdict verdict = judge_identity(set, who);
  SignerJudgement out{verdict.code, verdict.signer, verdict.detail, {}};
  if (verdict.code == Reason::kUnknownSigner) {
    out.detail = s.signer + " is not a signer of this rule";
    if (set.selects_members() && set.org.empty()) out.detail += " (the policy names no org)";
  }
  if (verdict.code == Reason::kOk) out.facts = identity_facts_of(s);
  return out;
}

Result<SignerJudgement> judge_signer(const SignerSet& set, const PolicyTestSigner& s, const std::string& repo,
                                     int64_t now) {
  if (s.signer.empty()) return SignerJudgement{Reason::kUnsigned, "", "the object is not signed", {}};
  if (!is_key_text(s.signer)) return judge_did(set, s, repo, now);
  auto key = parse_key(s.signer);
  if (!key) return key.error();
  return judge_key(set, *key, now);
}

PolicyVerdict refuse(PolicyVerdict verdict, Reason code, std::string detail) {
  verdict.allow = false;
  verdict.outcome = "deny";
  verdict.reason = std::string(name(code));
  verdict.detail = std::move(detail);
  verdict.steps.push_back("deny: " + verdict.reason + ": " + verdict.detail);
  return verdict;
}

PolicyVerdict accept(PolicyVerdict verdict, std::string detail) {
  verdict.allow = true;
  verdict.outcome = "allow";
  verdict.reason = "ok";
  verdict.detail = std::move(detail);
  verdict.steps.push_back("allow: " + verdict.detail);
  return verdict;
}

std::string conditions_of(const Rule& rule) {
  std::vector<std::string> asked;
  if (rule.require_log == LogRequirement::kWitness) asked.emplace_back("require_log = \"witness\"");
  if (rule.allow_ephemeral) asked.emplace_back("allow_ephemeral = true");
  if (rule.max_ttl) asked.push_back("max_ttl = " + format_duration(*rule.max_ttl));
  if (!rule.paths.empty()) asked.push_back("paths = [" + util::join(rule.paths, ", ") + "]");
  if (!rule.expression_text.empty()) asked.push_back("expression " + rule.expression_path);
  return util::join(asked, ", ");
}

}  // namespace

Result<QuorumVerdict> tally_approvals(const SignerSet& set, const std::string& signer, bool signer_human,
                                      const std::vector<PolicyTestApproval>& approvals, const std::string& repo,
                                      int64_t now, std::vector<std::string>& steps) {
  std::vector<Vote> votes{{signer, true, signer_human, "signature"}};
  std::vector<std::string> ignored;
  for (const PolicyTestApproval& approval : approvals) {
    auto judged = judge_signer(set, approval.signer, repo, now);
    if (!judged) return judged.error();
    const std::string who = approval.signer.signer.empty() ? "(unsigned)" : approval.signer.signer;
    const std::string how = approval.approve ? "approval" : "rejection";
    if (judged->code != Reason::kOk) {
      ignored.push_back(how + " by " + who);
      steps.push_back(how + " by " + who + " does not count: " + std::string(name(judged->code)) + ": " +
                      judged->detail);
      continue;
    }
    votes.push_back({judged->id, approval.approve, is_human(judged->facts), how});
    steps.push_back(how + " by " + judged->id + " (a signer of the rule)");
  }
  return count_votes(set, votes, ignored, "object", "");
}

Result<PolicyVerdict> evaluate(const Policy& policy, const PolicyTestContext& context, int64_t now) {
  PolicyVerdict verdict;
  const Rule* rule = policy.match(context.ref);
  if (rule == nullptr) {
    if (policy.default_allow) {
      verdict.steps.push_back("no rule matches " + context.ref + "; default = \"allow\"");
      return accept(std::move(verdict), "no rule governs " + context.ref + ": nothing required");
    }
    verdict.steps.push_back("no rule matches " + context.ref + "; default = \"deny\"");
    return refuse(std::move(verdict), Reason::kNoRule, "no rule of the policy matches " + context.ref);
  }
  verdict.rule = rule->name;
  const auto matching = std::count_if(policy.rules.begin(), policy.rules.end(), [&context](const Rule& r) {
    return std::any_of(r.refs.begin(), r.refs.end(),
                       [&context](const std::string& p) { return glob_match(p, context.ref); });
  });
  verdict.steps.push_back(
      "rule '" + rule->name + "' (" + to_string(rule->kind) + ", line " + std::to_string(rule->line) + ") matches " +
      context.ref +
      (matching == 1 ? " (the only rule matching)" : " (first of " + std::to_string(matching) + " rules matching)"));

  const ObjectFacts object{context.repo, context.ref, context.paths, now};
  SignerFacts facts;
  std::string accepted;
  std::string signer_id;
  if (rule->open) {
    if (*rule->open == Contributions::kSigned && context.signer.signer.empty()) {
      return refuse(std::move(verdict), Reason::kUnsigned,
                    "open rule '" + rule->name + "' (open = \"signed\") needs a signature");
    }
    auto signer_facts = facts_of(context.signer);
    if (!signer_facts) return signer_facts.error();
    facts = std::move(signer_facts).value();
    accepted = *rule->open == Contributions::kSigned ? "open rule (open = \"signed\"): any valid signature"
                                                     : "open rule (open = \"any\"): nothing required";
    verdict.steps.push_back(accepted);
  } else {
    auto judged = judge_signer(rule->signers, context.signer, context.repo, now);
    if (!judged) return judged.error();
    if (judged->code != Reason::kOk) return refuse(std::move(verdict), judged->code, judged->detail);
    verdict.steps.push_back("the signers of rule '" + rule->name + "' accept it: " + judged->detail);
    facts = std::move(judged->facts);
    accepted = judged->detail;
    signer_id = judged->id;
  }

  const ConditionVerdict conditions = check_conditions(*rule, facts, object);
  if (conditions.code != Reason::kOk) return refuse(std::move(verdict), conditions.code, conditions.detail);
  if (rule->has_conditions() || rule->allow_ephemeral) {
    verdict.steps.push_back("conditions of rule '" + rule->name + "' hold: " + conditions_of(*rule));
  }
  if (!rule->paths.empty() && !context.paths) {
    verdict.steps.push_back("the context gives no paths: `paths` is not judged (a tag, or give \"paths\")");
  }
  if (rule->expression != nullptr) {
    const Evaluation evaluation = rule->expression->evaluate(eval_context(facts, object));
    verdict.steps.push_back("expression " + rule->expression_path + " says " + to_string(evaluation.outcome) + ": " +
                            evaluation.reason);
  }

  if (!rule->open && rule->signers.counts_votes()) {
    auto tally =
        tally_approvals(rule->signers, signer_id, is_human(facts), context.approvals, context.repo, now, verdict.steps);
    if (!tally) return tally.error();
    if (tally->code != Reason::kOk) return refuse(std::move(verdict), tally->code, tally->detail);
    verdict.steps.push_back(tally->detail);
  }
  return accept(std::move(verdict), accepted);
}

Result<PolicyVerdict> evaluate_expression(const Expression& expression, std::string_view source,
                                          const PolicyTestContext& context, int64_t now) {
  auto facts = facts_of(context.signer);
  if (!facts) return facts.error();
  const ObjectFacts object{context.repo, context.ref, context.paths, now};
  const Evaluation evaluation = expression.evaluate(eval_context(*facts, object));
  PolicyVerdict verdict;
  verdict.steps.push_back("expression " + std::string(source) + " says " + to_string(evaluation.outcome) + ": " +
                          evaluation.reason);
  if (strict(evaluation.outcome) == Outcome::kAllow) return accept(std::move(verdict), evaluation.reason);
  verdict = refuse(std::move(verdict), Reason::kExpressionDenied, evaluation.reason);
  verdict.outcome = to_string(evaluation.outcome);
  return verdict;
}

}  // namespace auths::policy
