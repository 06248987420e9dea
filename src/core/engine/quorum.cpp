#include "engine/quorum.h"

#include <algorithm>

#include "policy/quorum.h"

namespace auths::engine {

namespace {

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

/// The approval records matched against `set` as votes (each at its own time), or listed in
/// `ignored` with why they do not count.
void collect_votes(std::span<const registry::Approval* const> approvals, const policy::SignerSet& set,
                   const SignedObject& object, const IdentityResolver* resolver, const std::string& vote_word,
                   std::vector<policy::Vote>& votes, std::vector<std::string>& ignored) {
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
    votes.push_back({voter_id(m, a->signer_key, set), a->approve, is_human(a->signer_key, set, at, resolver), how});
  }
}

/// count_quorum and count_approvals: the object's own signature (`own`, null for an artifact,
/// which has none) and the approval records, `vote_word` naming an approval in the summary.
SignerMatch tally(const SignatureCheck* own, const SignerMatch& own_match,
                  std::span<const registry::Approval* const> approvals, const policy::SignerSet& set,
                  const SignedObject& object, const IdentityResolver* resolver, const std::string& approve_hint,
                  const std::string& vote_word) {
  std::vector<policy::Vote> votes;
  std::vector<std::string> ignored;
  if (own != nullptr) {
    votes.push_back(
        {voter_id(own_match, *own->key, set), true, is_human(*own->key, set, object, resolver), "signature"});
  }
  collect_votes(approvals, set, object, resolver, vote_word, votes, ignored);
  const policy::QuorumVerdict verdict = policy::count_votes(set, votes, ignored, object.what, approve_hint);
  return {verdict.code, verdict.code == Reason::kOk ? own_match.signer : "", verdict.detail, own_match.facts};
}

}  // namespace

SignerMatch count_quorum(const SignatureCheck& own, const SignerMatch& own_match,
                         std::span<const registry::Approval* const> approvals, const policy::SignerSet& set,
                         const SignedObject& object, const IdentityResolver* resolver,
                         const std::string& approve_hint) {
  if (own_match.code != Reason::kOk) return own_match;
  return tally(&own, own_match, approvals, set, object, resolver, approve_hint, "approval");
}

SignerMatch count_approvals(std::span<const registry::Approval* const> approvals, const policy::SignerSet& set,
                            const SignedObject& object, const IdentityResolver* resolver,
                            const std::string& approve_hint, const std::string& vote_word) {
  return tally(nullptr, SignerMatch{Reason::kOk, "", "", {}}, approvals, set, object, resolver, approve_hint,
               vote_word);
}

policy::QuorumVerdict count_head_approvals(const SignatureCheck& head,
                                           std::span<const registry::Approval* const> approvals,
                                           const policy::SignerSet& set, int required, const SignedObject& object,
                                           const IdentityResolver* resolver, const std::string& approve_hint) {
  // The head's own signer, when a signer of the set: never an approval of its own work.
  std::string own;
  if (head.status == SignatureStatus::kGood && head.key) {
    const SignerMatch m = match_signers(head, set, object, resolver);
    if (m.code == Reason::kOk) own = voter_id(m, *head.key, set);
  }
  std::vector<policy::Vote> votes;
  std::vector<std::string> ignored;
  collect_votes(approvals, set, object, resolver, "approval", votes, ignored);
  std::vector<policy::Vote> counted;
  for (policy::Vote& vote : votes) {
    if (!own.empty() && vote.voter == own) {
      ignored.push_back(vote.how + " by " + vote.voter + " (the merged head's own signer)");
    } else {
      counted.push_back(std::move(vote));
    }
  }
  policy::SignerSet wanted = set;
  wanted.require = required;
  wanted.min_human = 0;
  return policy::count_votes(wanted, counted, ignored, object.what, approve_hint);
}

}  // namespace auths::engine
