#include "policy/conditions.h"

#include "util/strings.h"

namespace auths::policy {

std::vector<std::string> paths_outside(const std::vector<std::string>& patterns,
                                       const std::vector<std::string>& changed) {
  std::vector<std::string> out;
  for (const std::string& path : changed) {
    bool inside = false;
    for (const std::string& pattern : patterns) {
      if (glob_match(pattern, path)) {
        inside = true;
        break;
      }
    }
    if (!inside) out.push_back(path);
  }
  return out;
}

std::string format_duration(int64_t seconds) {
  if (seconds > 0 && seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds > 0 && seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds > 0 && seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

ConditionVerdict check_conditions(const Rule& rule, const SignerFacts& signer, const ObjectFacts& object) {
  if (rule.require_log == LogRequirement::kWitness && !object.tag) {
    // Fail closed: receipts nobody verified (object.witnesses unset) count for nothing.
    const std::string asked = "rule '" + rule.name + "' requires witness receipts (require_log = \"witness\")";
    if (!object.witnesses) return {Reason::kWitnessQuorumNotMet, asked + ", and none were verified: refused"};
    const WitnessFacts& w = *object.witnesses;
    if (!w.mismatch.empty()) return {Reason::kWitnessReceiptMismatch, w.mismatch};
    if (w.verified < w.threshold) {
      return {Reason::kWitnessQuorumNotMet, asked + ": " + std::to_string(w.verified) + " of " +
                                                std::to_string(w.threshold) + " needed verified (" +
                                                std::to_string(w.carried) + " carried" +
                                                (w.not_counted.empty() ? "" : "; not counted: " + w.not_counted) + ")"};
    }
  }
  if (signer.ephemeral && !rule.allow_ephemeral) {
    return {Reason::kEphemeralNotAllowed,
            signer.subject + " is an ephemeral agent and rule '" + rule.name + "' does not set allow_ephemeral = true"};
  }
  if (rule.max_ttl) {
    const std::string limit = format_duration(*rule.max_ttl);
    if (signer.listed_key) {
      return {Reason::kTtlExceeded, "rule '" + rule.name + "' has max_ttl = " + limit + ", and " + signer.subject +
                                        " is a key listed directly, with no credential lifetime"};
    }
    if (!signer.credential_lifetime) {
      return {Reason::kTtlExceeded, "the credential of " + signer.subject + " never expires; rule '" + rule.name +
                                        "' allows at most " + limit};
    }
    if (*signer.credential_lifetime > *rule.max_ttl) {
      return {Reason::kTtlExceeded, "the credential of " + signer.subject + " lives " +
                                        format_duration(*signer.credential_lifetime) + "; rule '" + rule.name +
                                        "' allows at most " + limit + " (max_ttl)"};
    }
  }
  if (!rule.paths.empty() && object.paths) {
    const std::vector<std::string> outside = paths_outside(rule.paths, *object.paths);
    if (!outside.empty()) {
      std::string shown = util::printable(outside.front(), 120);
      if (outside.size() > 1) shown += " and " + std::to_string(outside.size() - 1) + " more";
      return {Reason::kPathNotAllowed, "changes " + shown + ", outside the paths rule '" + rule.name + "' allows (" +
                                           util::join(rule.paths, ", ") + ")"};
    }
  }
  if (!rule.expression_text.empty()) {
    if (rule.expression == nullptr) {
      return {Reason::kExpressionDenied,
              "rule '" + rule.name + "': the expression " + rule.expression_path + " is not compiled: refused"};
    }
    const Evaluation evaluation = rule.expression->evaluate(eval_context(signer, object));
    if (strict(evaluation.outcome) != Outcome::kAllow) {
      return {Reason::kExpressionDenied, "the expression " + rule.expression_path + " of rule '" + rule.name +
                                             "' says " + to_string(evaluation.outcome) + ": " + evaluation.reason};
    }
  }
  return {};
}

SignerFacts listed_key_facts(const crypto::PublicKey& key) {
  SignerFacts facts;
  // Asked once per object of a push, nearly always about the same few keys: the base58 of the
  // last key is kept (per thread: the engine may ask on several).
  thread_local util::Bytes last_blob;
  thread_local std::string last_subject;
  if (key.ssh_blob() != last_blob || last_subject.empty()) {
    auto did = key.to_did_key();
    last_subject = did ? *did : key.fingerprint();
    last_blob = key.ssh_blob();
  }
  facts.subject = last_subject;
  facts.issuer = facts.subject;
  facts.listed_key = true;
  return facts;
}

EvalContext eval_context(const SignerFacts& signer, const ObjectFacts& object) {
  EvalContext ctx;
  ctx.now = object.now;
  ctx.signer_type = signer.type;
  ctx.issuer = signer.issuer;
  ctx.subject = signer.subject;
  ctx.delegated_by = signer.delegated_by;
  ctx.chain_depth = signer.chain_depth;
  ctx.revoked = signer.revoked;
  ctx.expires_at = signer.expires_at;
  ctx.timestamp = signer.issued_at;
  ctx.all_capabilities = !signer.capabilities.has_value() && !signer.listed_key;
  if (signer.capabilities) ctx.capabilities = *signer.capabilities;
  ctx.role = signer.role;
  ctx.teams = signer.teams;
  if (!object.repo.empty()) ctx.repo = object.repo;
  if (!object.ref.empty()) ctx.git_ref = object.ref;
  ctx.paths = object.paths;
  return ctx;
}

}  // namespace auths::policy
