// auths verify-commit / auths verify: the hook's identity checks for one object, offline.
#include "auths/identity_verify.h"

#include <fstream>
#include <set>
#include <sstream>

#include "engine/evidence.h"
#include "engine/identity_resolver.h"
#include "engine/policy_in_force.h"
#include "engine/signature_check.h"
#include "git/objects.h"
#include "git/repository.h"
#include "registry/registry.h"
#include "util/strings.h"
#include "util/time.h"
#include "witness/receipt.h"

namespace auths {

namespace {

/// Signer type, delegation, chain and path of the way `key` speaks for `signer` (the traced
/// path that holds and names it).
void describe_signer(const engine::RegistryResolver& resolver, const crypto::PublicKey& key,
                     const engine::SignedObject& object, const std::string& signer, CommitVerdict& verdict) {
  for (const auto& path : resolver.trace(key, object)) {
    if (path.fault != Reason::kOk) continue;
    bool names = path.identity == signer || path.root == signer;
    for (const auto& hop : path.hops) names = names || hop.issuer == signer;
    if (!names) continue;
    verdict.signer_type = keri::to_string(path.type);
    verdict.path = engine::describe_path(path);
    if (!path.hops.empty()) {
      verdict.delegated_by = path.hops.front().issuer;
      verdict.chain.push_back(path.identity);
      for (const auto& hop : path.hops) verdict.chain.push_back(hop.issuer);
    } else if (path.device != nullptr) {
      verdict.delegated_by = path.device->delegated_by.value_or("");
    }
    return;
  }
}

/// The commit's witness receipts, counted against the [witness] of the policy at HEAD (what
/// the server's default branch carries): the Witnesses line, and the time a quorum saw it.
std::optional<witness::Tally> count_receipts(const git::Repository& repo, const git::CommitInfo& commit,
                                             const engine::SignatureCheck& check, CommitVerdict& verdict) {
  const std::vector<std::string> values = witness::receipt_values(commit.message);
  const auto head = repo.resolve_commit("HEAD");
  const auto loaded = head && head->has_value() ? engine::load_policy_at(repo, **head)
                                                : Result<std::optional<policy::Policy>>(std::nullopt);
  if (!loaded || !loaded->has_value() || !(*loaded)->witness) {
    if (!values.empty()) {
      verdict.witnesses =
          std::to_string(values.size()) + " receipt(s), not checked (the policy at HEAD has no [witness])";
    }
    return std::nullopt;
  }
  witness::CommitClaim claim{commit.tree.hex(), {}, check.key ? check.key->to_ssh_line() : "", ""};
  for (const Oid& parent : commit.parents) claim.parents.push_back(parent.hex());
  witness::Tally tally = witness::tally_receipts(values, claim, *(*loaded)->witness);
  verdict.witnesses = std::to_string(tally.verified) + "/" + std::to_string(values.size()) +
                      " receipts verified (threshold " + std::to_string(tally.threshold) + ")";
  verdict.witness_detail = tally.not_counted();
  if (tally.quorum_at) verdict.witnessed_at = util::format_utc(*tally.quorum_at);
  return tally;
}

}  // namespace

Result<CommitVerdict> verify_commit(const std::string& repo_path, const std::string& rev, int64_t now,
                                    const std::string& registry_ref) {
  const git::Session session;
  auto repo = git::Repository::open_from_env(repo_path);
  if (!repo) return repo.error();
  auto oid = repo->resolve_revision(rev);
  if (!oid) return oid.error();
  auto commit = repo->read_commit(*oid);
  if (!commit) return commit.error();
  if (now == 0) now = util::now_unix();

  CommitVerdict verdict;
  verdict.commit = oid->hex();
  verdict.witnesses = "not required";
  for (const auto& [key, value] : git::parse_trailers(commit->message)) {
    const std::string k = util::to_lower(key);
    if (k == "auths-id" || k == "auths-device" || k == "auths-anchor-seq" || k == "auths-scope")
      verdict.claimed.push_back(key + ": " + value);
  }

  const engine::SignatureCheck check = engine::check_signature(commit->payload, commit->signature);
  if (check.key) {
    verdict.key = check.key->fingerprint();
    auto did = check.key->to_did_key();
    if (did) verdict.device = *did;
  }

  registry::State state;
  auto tip = repo->resolve_commit(registry_ref);
  if (!tip) return tip.error();
  if (tip->has_value()) {
    auto loaded = registry::load(*repo, **tip);
    if (!loaded) return loaded.error();
    state = std::move(*loaded);
    verdict.evidence = registry_ref;
  }
  // The identity bundle committed in HEAD's tree, as the hook reads it from the policy's.
  std::optional<std::string> bundle_text;
  if (auto head = repo->resolve_commit("HEAD"); head && head->has_value()) {
    auto text = git::read_file(*repo, **head, policy::kBundlePath);
    if (!text) return text.error();
    bundle_text = std::move(*text);
  }
  const engine::Evidence evidence = engine::load_evidence(bundle_text, now);
  if (bundle_text) {
    if (!verdict.evidence.empty()) verdict.evidence += " and ";
    verdict.evidence += "HEAD:" + std::string(policy::kBundlePath);
    if (evidence.fault != Reason::kOk) verdict.evidence += " (" + std::string(name(evidence.fault)) + ")";
  }
  const engine::RegistryResolver resolver(state, "", evidence.source());
  engine::SignedObject object;
  object.signed_at = commit->committer_time;
  object.now = now;
  object.oid = *oid;
  if (const auto tally = count_receipts(*repo, *commit, check, verdict)) object.witnessed_at = tally->quorum_at;
  // Every identity the key could speak for: on every traced path, the signer (but for a KERI
  // delegated device, which speaks for its delegator), its delegators and the top identity.
  policy::SignerSet candidates;
  std::set<std::string> seen;
  if (check.key) {
    for (const auto& path : resolver.trace(*check.key, object)) {
      const bool kel_device = !path.hops.empty() && path.hops.front().record == nullptr;
      std::vector<std::string> names;
      if (!kel_device) names.push_back(path.identity);
      for (const auto& hop : path.hops) names.push_back(hop.issuer);
      names.push_back(path.root);
      for (auto& did : names) {
        if (!did.empty() && seen.insert(did).second) candidates.identities.push_back(std::move(did));
      }
    }
  }
  const auto match = engine::match_signers(check, candidates, object, &resolver);
  verdict.valid = match.code == Reason::kOk;
  verdict.status = verdict.valid ? "valid" : std::string(name(match.code));
  // A device revoked after a quorum of witnesses saw the commit (identity_resolver.cpp).
  if (verdict.valid && match.facts.revoked) verdict.status = "valid-revoked-after-signing";
  verdict.detail = match.code == Reason::kUnknownSigner && check.key
                       ? "key " + check.key->fingerprint() + " is not linked to any identity in " + registry_ref
                       : match.detail;
  if (verdict.valid) {
    verdict.signed_by = match.signer;
    describe_signer(resolver, *check.key, object, match.signer, verdict);
  } else if (check.status == engine::SignatureStatus::kGood) {
    // The forge's own key ([forge] of the policy at HEAD): no identity's, judged by the rule of
    // the ref it lands on (engine/forge.h).
    const auto head = repo->resolve_commit("HEAD");
    const auto loaded = head && head->has_value() ? engine::load_policy_at(*repo, **head)
                                                  : Result<std::optional<policy::Policy>>(std::nullopt);
    if (loaded && loaded->has_value() && (*loaded)->forge) {
      const auto found = (*loaded)->forge->signers.find(*check.key);
      if (!found.empty()) {
        verdict.detail = "forge " +
                         std::string(commit->parents.size() >= 2 ? policy::kForgeMerge : policy::kForgeEdit) + " by " +
                         found.front()->name +
                         ": signed by the forge's key ([forge] of the policy at HEAD), judged by the rule of the ref "
                         "it lands on (auths hook run --explain)";
      }
    }
  }
  return verdict;
}

Result<AttestationVerdict> verify_attestation_file(const std::string& attestation_path, const std::string& repo_path,
                                                   const std::string& registry_dir, int64_t now) {
  std::ifstream in(attestation_path, std::ios::binary);
  if (!in) return Error::not_found("cannot read attestation", attestation_path);
  std::stringstream text;
  text << in.rdbuf();
  auto att = keri::parse_attestation(text.str());
  if (!att) return Error::invalid_argument(att.error().message, attestation_path);
  if (now == 0) now = util::now_unix();

  Result<registry::State> state = registry::State{};
  if (repo_path.empty()) {
    state = registry::load_directory(registry_dir);
  } else {
    const git::Session session;
    auto repo = git::Repository::open_from_env(repo_path);
    if (!repo) return repo.error();
    state = registry::load_current(*repo);
  }
  if (!state) return state.error();

  AttestationVerdict verdict;
  verdict.form = att->form == keri::AttestationForm::kAuths ? "auths" : "auths-hooks";
  verdict.issuer = att->issuer;
  verdict.subject = att->subject;
  verdict.signer_type = keri::to_string(att->signer_type);
  verdict.delegated_by = att->delegated_by.value_or("");
  verdict.expires_at = att->expires_at ? att->expires_at->text : "";
  auto prefix = keri::parse_did_keri(att->issuer);
  const keri::KeyState* issuer = prefix ? state->identity(*prefix) : nullptr;
  if (issuer == nullptr) {
    verdict.status = "unknown-issuer";
    verdict.detail = "no key event log for " + att->issuer + " in the registry";
    return verdict;
  }
  Reason fault = Reason::kOk;
  Status ok = att->is_revocation() ? keri::verify_revocation(*att, *issuer, &fault)
                                   : keri::verify_attestation(*att, *issuer, &fault);
  if (ok && !att->is_revocation()) ok = keri::check_validity(*att, now, &fault);
  if (ok && !att->is_revocation()) {
    // A revocation in the registry undoes the link even though the file itself says nothing.
    if (prefix) {
      for (const auto& grant : state->grants_of(*prefix)) {
        if (grant.revocation != nullptr && keri::revokes(*grant.revocation, *att) &&
            !(grant.revocation->timestamp < att->timestamp)) {
          verdict.status = "attestation-revoked";
          verdict.detail = "revoked at " + grant.revocation->revoked_at->text;
          return verdict;
        }
      }
    }
  }
  verdict.valid = ok.has_value();
  verdict.status = verdict.valid ? "valid" : std::string(name(fault));
  verdict.detail =
      verdict.valid ? (att->is_revocation() ? "a valid revocation" : "a valid device link") : ok.error().message;
  return verdict;
}

}  // namespace auths
