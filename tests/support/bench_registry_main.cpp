// auths-bench-registry: the two registries of scripts/bench/registry.sh, made with the library's
// own builders and signers (real keys, real KELs, real signed and anchored records):
//
//   auths-bench-registry SMALL_REPO BIG_REPO MEMBERS KEY_OUT
//
// writes refs/auths/registry in both repositories (one commit each, registry::publish):
//   SMALL_REPO: the org, one member (the signer) and its agent;
//   BIG_REPO:   the org, MEMBERS members and MEMBERS agents, the signer's records among them
//               (member number MEMBERS / 2), byte for byte the same as in SMALL_REPO.
// Each member holds an org membership (role member: sign_commit, sign_release) signed by the org
// and anchored in the org's KEL by an interaction event of its own, as `auths org add-member`
// writes them: the big org KEL has MEMBERS + 1 events. Each agent is a KERI delegated
// identifier (dip) of its member, delegated by a link (signer type Agent, subject the agent's
// did:keri, device key the agent's key, capabilities sign_commit) that both sign; the member's
// KEL anchors the dip and the link in one interaction event. The signer agent's private key is
// written to KEY_OUT as an unencrypted OpenSSH key (for ssh-keygen -Y sign); the line printed
// is "<org did> <member did> <agent did>".
//
// Records are dated from 2023-07-22 (unix 1,690,000,000) on, one second apart. Nothing here
// checks them against the registry's rules: the benchmark pushes both registries through the
// hook, which refuses them if they are not valid.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/private_key.h"
#include "git/repository.h"
#include "keri/attestation.h"
#include "keri/cesr.h"
#include "keri/kel.h"
#include "registry/org.h"
#include "registry/registry.h"
#include "support/openssh_key.h"

namespace {

namespace ac = auths::crypto;
namespace ak = auths::keri;
namespace ar = auths::registry;

using Files = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kStart = 1690000000;

/// Stops the tool with a message: the benchmark must fail loudly on any error.
template <typename T>
T need(auths::Result<T> result, const char* what) {
  if (!result) {
    std::fprintf(stderr, "auths-bench-registry: %s: %s\n", what, result.error().to_string().c_str());
    std::exit(1);
  }
  return std::move(*result);
}

void need(const auths::Status& status, const char* what) {
  if (!status) {
    std::fprintf(stderr, "auths-bench-registry: %s: %s\n", what, status.error().to_string().c_str());
    std::exit(1);
  }
}

ac::PrivateKey new_key() { return need(ac::PrivateKey::generate(ac::KeyType::kEd25519), "generating a key"); }

std::string qb64(const ac::PrivateKey& key) {
  return need(ak::cesr::encode_verkey(key.public_key()), "encoding a key");
}

/// An identity's KEL as the builders need it: only the prefix, the last sequence and SAID and the
/// next-key commitments are kept (make_interaction needs no more; keeping the org's seals would
/// make every step cost more).
struct Kel {
  ak::KeyState state;
  std::shared_ptr<const ac::PrivateKey> key;  // shared: the small registry's org KEL is a copy
  Files files;

  /// Signs `event` with the identity's key and files it (with `sources`, its -G couples).
  void add(const ak::KeyEvent& event, std::vector<ak::cesr::SourceSeal> sources = {}) {
    const ak::SignedEvent signed_event{
        event, {need(ak::sign_event(event, *key, 0), "signing an event")}, std::move(sources)};
    files.emplace_back(ar::event_path(event.prefix, event.sequence), need(ak::serialize(event), "serializing"));
    files.emplace_back(ar::signatures_path(event.prefix, event.sequence),
                       need(ak::attachment_text(signed_event), "writing signatures"));
    state.prefix = event.prefix;
    state.sequence = event.sequence;
    state.last_said = event.said;
    if (ak::is_establishment(event.type)) state.next_digests = event.next_digests;
  }
  /// An interaction event anchoring `seals`; returns the -G couple naming it.
  ak::cesr::SourceSeal anchor(std::vector<ak::Seal> seals) {
    const ak::KeyEvent ixn = need(ak::make_interaction(state, std::move(seals)), "making an interaction");
    add(ixn);
    return {ixn.sequence, ixn.said};
  }
  std::string did() const { return state.did(); }
};

/// A new identity and its first event: an inception (icp, filed), or a delegated inception (dip)
/// of `delegator`, filed once its delegator anchored it (Kel::add with the -G couple).
std::pair<Kel, ak::KeyEvent> incept(const std::optional<std::string>& delegator = std::nullopt) {
  Kel kel{{}, std::make_shared<const ac::PrivateKey>(new_key()), {}};
  const ac::PrivateKey next = new_key();
  std::vector<std::string> keys{qb64(*kel.key)};
  std::vector<std::string> next_digests{ak::next_key_digest(qb64(next))};
  ak::KeyEvent event =
      delegator ? need(ak::make_delegated_inception(std::move(keys), 1, std::move(next_digests), 1, *delegator),
                       "making a dip")
                : need(ak::make_inception(std::move(keys), 1, std::move(next_digests), 1), "making an icp");
  if (delegator) {
    kel.state.prefix = event.prefix;
  } else {
    kel.add(event);
  }
  return {std::move(kel), std::move(event)};
}

std::pair<std::string, std::string> stored(const ak::Attestation& record) {
  return {need(ar::attestation_path(record), "naming a record"), need(ak::serialize_attestation(record), "writing")};
}

/// One member with its agent: the member's and the agent's KEL files and the agent delegation,
/// and the membership the org signs (signed and anchored later: the org's KEL grows in member
/// order).
struct Member {
  Files files;
  ak::Attestation membership;
  std::string did;
  std::string agent_did;
  std::shared_ptr<const ac::PrivateKey> agent_key;
};

Member make_member(const std::string& org_did, int64_t index, int64_t members) {
  auto [member, icp] = incept();
  auto [agent, dip] = incept(member.state.prefix);
  ak::Attestation link;
  link.rid = ak::random_rid();
  link.issuer = member.did();
  link.subject = agent.did();
  link.device_public_key = agent.key->public_key();
  link.capabilities = {std::string(ar::kSignCommit)};
  link.signer_type = ak::SignerType::kAgent;
  link.timestamp = ak::Timestamp::from_unix(kStart + members + 1 + index);
  need(ak::sign_as_identity(link, *member.key), "signing a delegation");
  need(ak::sign_as_device(link, *agent.key), "signing a delegation as the agent");
  const auto source = member.anchor({need(ak::Seal::of_event(dip), "sealing a dip"),
                                     need(ak::Seal::of_digest(need(ak::attestation_digest(link), "digest")), "seal")});
  agent.add(dip, {source});

  Member out;
  out.did = member.did();
  out.agent_did = agent.did();
  out.files = std::move(member.files);
  out.files.insert(out.files.end(), agent.files.begin(), agent.files.end());
  out.files.push_back(stored(link));
  out.agent_key = agent.key;
  out.membership.rid = ak::random_rid();
  out.membership.issuer = org_did;
  out.membership.subject = out.did;
  out.membership.role = "member";
  out.membership.capabilities = ar::default_capabilities("member");
  out.membership.timestamp = ak::Timestamp::from_unix(kStart + 1 + index);
  return out;
}

/// The org signs `membership`, anchors it in its own interaction event and files both.
void admit(Kel& org, ak::Attestation membership, Files& files) {
  need(ak::sign_as_identity(membership, *org.key), "signing a membership");
  org.anchor({need(ak::Seal::of_digest(need(ak::attestation_digest(membership), "digest")), "seal")});
  files.push_back(stored(membership));
}

void publish(const std::string& path, const Files& files) {
  auto repo = need(auths::git::Repository::open(path), "opening the repository");
  if (!need(ar::publish(repo, files, "benchmark registry"), "publishing").has_value()) {
    std::fprintf(stderr, "auths-bench-registry: %s already holds these records\n", path.c_str());
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: auths-bench-registry SMALL_REPO BIG_REPO MEMBERS KEY_OUT\n");
    return 2;
  }
  const int64_t members = std::atoll(argv[3]);
  if (members < 1) {
    std::fprintf(stderr, "auths-bench-registry: MEMBERS must be at least 1\n");
    return 2;
  }
  const auths::git::Session session;
  const int64_t signer = members / 2;
  Kel org = incept().first;
  const Member chosen = make_member(org.did(), signer, members);
  // The small registry: the org's inception, the signer's membership anchored in event 1.
  {
    Kel small_org = org;
    Files files = chosen.files;
    admit(small_org, chosen.membership, files);
    files.insert(files.end(), small_org.files.begin(), small_org.files.end());
    publish(argv[1], files);
  }
  // The big one: every member in order, the signer's records (the same bytes) at its place.
  Files files;
  for (int64_t i = 0; i < members; ++i) {
    std::optional<Member> other;
    if (i != signer) other.emplace(make_member(org.did(), i, members));
    const Member& m = other ? *other : chosen;
    files.insert(files.end(), m.files.begin(), m.files.end());
    admit(org, m.membership, files);
    if ((i + 1) % 2000 == 0) std::fprintf(stderr, "  %lld members\n", static_cast<long long>(i + 1));
  }
  files.insert(files.end(), org.files.begin(), org.files.end());
  publish(argv[2], files);

  std::ofstream key_out(argv[4], std::ios::binary | std::ios::trunc);
  key_out << auths::test::openssh_private_key_file(*chosen.agent_key);
  key_out.close();
  if (!key_out || ::chmod(argv[4], 0600) != 0) {
    std::fprintf(stderr, "auths-bench-registry: cannot write %s\n", argv[4]);
    return 1;
  }
  std::printf("%s %s %s\n", org.did().c_str(), chosen.did.c_str(), chosen.agent_did.c_str());
  return 0;
}
