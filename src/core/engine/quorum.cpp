#include "engine/quorum.h"

#include <algorithm>
#include <map>

#include "util/strings.h"

namespace auths::engine {

namespace {

struct Voter {
  bool approves = false;
  bool rejects = false;
  bool human = false;
  std::string how;  // "signature", "approval 2026-...Z", ...
};

/// Is the matching vote by `key` Human? A key listed directly is; an identity path is when
/// the same set, asking for Human signers only, still matches it.
bool is_human(const crypto::PublicKey& key, const policy::SignerSet& set, const SignedObject& object,
              const IdentityResolver* resolver) {
  if (!set.find(key).empty()) return true;
  if (resolver == nullptr) return false;
  if (!set.signer_types.empty() &&
      std::find(set.signer_types.begin(), set.signer_types.end(), "Human") == set.signer_types.end())
    return false;
  policy::SignerSet humans = set;
  humans.signer_types = {"Human"};
  return resolver->resolve(key, humans, object).code == Reason::kOk;
}

/// The signer a match counts as: the identity, or the key's fingerprint for a key listed directly.
std::string voter_id(const SignerMatch& match, const crypto::PublicKey& key, const policy::SignerSet& set) {
  return set.find(key).empty() ? match.signer : key.fingerprint();
}

}  // namespace

std::vector<const registry::Approval*> select_approvals(std::span<const registry::Approval* const> records,
                                                        const Oid& object, const std::optional<Oid>& tagged_commit,
                                                        std::string_view ref) {
  const std::string object_hex = object.hex();
  const std::string commit_hex = tagged_commit ? tagged_commit->hex() : "";
  std::vector<const registry::Approval*> out;
  for (const registry::Approval* a : records) {
    const bool for_ref = a->ref && *a->ref == ref;
    if ((a->object == object_hex && (!a->ref || for_ref)) ||
        (!commit_hex.empty() && a->object == commit_hex && for_ref))
      out.push_back(a);
  }
  return out;
}

namespace {

/// count_quorum and count_approvals: the object's own signature (`own`, may be null: an
/// artifact has none) and the approval records, `vote_word` naming an approval in the summary.
SignerMatch count_votes(const SignatureCheck* own, const SignerMatch& own_match,
                        std::span<const registry::Approval* const> approvals, const policy::SignerSet& set,
                        const SignedObject& object, const IdentityResolver* resolver, const std::string& approve_hint,
                        const std::string& vote_word) {
  std::map<std::string, Voter> voters;
  std::vector<std::string> ignored;
  const auto vote = [&](const crypto::PublicKey& key, const SignerMatch& match, bool approve, const SignedObject& at,
                        const std::string& how) {
    Voter& v = voters[voter_id(match, key, set)];
    (approve ? v.approves : v.rejects) = true;
    v.human = v.human || is_human(key, set, at, resolver);
    if (!v.how.empty()) v.how += " + ";
    v.how += how;
  };
  if (own != nullptr) vote(*own->key, own_match, true, object, "signature");
  for (const registry::Approval* a : approvals) {
    SignatureCheck check;
    check.status = SignatureStatus::kGood;  // the registry verified the record's signature
    check.key = a->signer_key;
    SignedObject at = object;
    at.signed_at = a->timestamp.unix_seconds;
    const std::string how = (a->approve ? vote_word + " " : std::string("rejection ")) + a->timestamp.text;
    const SignerMatch m = match_signers(check, set, at, resolver);
    if (m.code != Reason::kOk) {
      ignored.push_back(how + " by " + a->signer_key.fingerprint() + " (" + std::string(name(m.code)) + ": " +
                        m.detail + ")");
      continue;
    }
    vote(a->signer_key, m, a->approve, at, how);
  }

  std::vector<std::string> approving, rejecting;
  int humans = 0;
  for (const auto& [who, v] : voters) {
    if (v.rejects) {
      rejecting.push_back(who + " (" + v.how + ")");
      continue;
    }
    approving.push_back(who + (v.human ? " [Human]" : "") + " (" + v.how + ")");
    if (v.human) ++humans;
  }
  std::string summary = "approved by " + (approving.empty() ? std::string("nobody") : util::join(approving, ", "));
  if (!rejecting.empty()) summary += "; rejected by " + util::join(rejecting, ", ");
  if (!ignored.empty()) summary += "; not counted: " + util::join(ignored, "; ");

  if (static_cast<int>(rejecting.size()) > set.max_reject) {
    return {Reason::kApprovalRejected, "",
            std::to_string(rejecting.size()) + " signer(s) of the rule rejected this " + std::string(object.what) +
                " (max_reject = " + std::to_string(set.max_reject) + "): " + summary};
  }
  const int count = static_cast<int>(approving.size());
  if (count < set.require || humans < set.min_human) {
    std::string wanted = "requires " + std::to_string(set.require) + " distinct signers";
    if (set.min_human > 0) wanted += ", " + std::to_string(set.min_human) + " of them Human";
    return {Reason::kQuorumNotMet, "",
            wanted + "; has " + std::to_string(count) + " (" + std::to_string(humans) + " Human): " + summary +
                "; another signer of the rule runs: " + approve_hint};
  }
  return {Reason::kOk, own_match.signer, "quorum of " + std::to_string(count) + ": " + summary};
}

}  // namespace

SignerMatch count_quorum(const SignatureCheck& own, const SignerMatch& own_match,
                         std::span<const registry::Approval* const> approvals, const policy::SignerSet& set,
                         const SignedObject& object, const IdentityResolver* resolver,
                         const std::string& approve_hint) {
  if (own_match.code != Reason::kOk) return own_match;
  return count_votes(&own, own_match, approvals, set, object, resolver, approve_hint, "approval");
}

SignerMatch count_approvals(std::span<const registry::Approval* const> approvals, const policy::SignerSet& set,
                            const SignedObject& object, const IdentityResolver* resolver,
                            const std::string& approve_hint, const std::string& vote_word) {
  return count_votes(nullptr, SignerMatch{Reason::kOk, "", "", {}}, approvals, set, object, resolver, approve_hint,
                     vote_word);
}

}  // namespace auths::engine
