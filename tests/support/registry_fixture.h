// Test fixtures for identities, device links and registry repositories: real keys, real KELs,
// a real bare repository per test (removed afterwards).
#pragma once

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/private_key.h"
#include "git/repository.h"
#include "keri/attestation.h"
#include "keri/cesr.h"
#include "keri/kel.h"
#include "registry/org.h"
#include "registry/registry.h"
#include "sshsig/sign.h"

namespace auths::test {

namespace ar = auths::registry;
namespace ak = auths::keri;
namespace ac = auths::crypto;
namespace fs = std::filesystem;

using Files = std::vector<std::pair<std::string, std::string>>;

struct Identity {
  ac::PrivateKey key;
  ac::PrivateKey next;
  ak::KeyState state;
  Files files;  // its registry records so far

  std::string did() const { return state.did(); }
};

inline ac::PrivateKey generate_key() { return std::move(ac::PrivateKey::generate(ac::KeyType::kEd25519).value()); }

inline std::string qb64(const ac::PrivateKey& k) { return *ak::cesr::encode_verkey(k.public_key()); }

inline void add_event(Identity& id, const ak::KeyEvent& event, const ac::PrivateKey& signer) {
  ak::SignedEvent signed_event{event, {*ak::sign_event(event, signer, 0)}};
  std::optional<ak::KeyState> state;
  if (event.type != ak::EventType::kInception) state = id.state;
  BOOST_REQUIRE(ak::apply_event(state, signed_event).has_value());
  id.state = *state;
  id.files.emplace_back(ar::event_path(event.prefix, event.sequence), *ak::serialize(event));
  id.files.emplace_back(ar::signatures_path(event.prefix, event.sequence), *ak::attachment_text(signed_event));
}

inline Identity make_identity() {
  Identity id{generate_key(), generate_key(), {}, {}};
  auto icp = ak::make_inception({qb64(id.key)}, 1, {ak::next_key_digest(qb64(id.next))}, 1);
  BOOST_REQUIRE(icp.has_value());
  add_event(id, *icp, id.key);
  return id;
}

/// The dip of a KERI delegated identifier of `delegator` for `id`'s keys (an agent), anchored
/// by an interaction event appended to the delegator's KEL (delegator.files grows by it), its
/// attachment carrying the -G couple that names that event. Not applied: see below.
inline ak::SignedEvent anchored_dip(Identity& delegator, const Identity& id) {
  auto dip =
      ak::make_delegated_inception({qb64(id.key)}, 1, {ak::next_key_digest(qb64(id.next))}, 1, delegator.state.prefix);
  BOOST_REQUIRE(dip.has_value());
  auto ixn = ak::make_interaction(delegator.state, {ak::Seal::of_event(*dip).value()});
  BOOST_REQUIRE(ixn.has_value());
  add_event(delegator, *ixn, delegator.key);
  return ak::SignedEvent{*dip, {*ak::sign_event(*dip, id.key, 0)}, {{ixn->sequence, ixn->said}}};
}

/// A delegated identifier of `delegator` (anchored_dip, applied). `above` finds the delegators
/// above `delegator`, if it is itself delegated.
inline Identity make_delegated_identity(Identity& delegator, const ak::KeyStateLookup& above = {}) {
  Identity id{generate_key(), generate_key(), {}, {}};
  const ak::SignedEvent signed_event = anchored_dip(delegator, id);
  const ak::KeyStateLookup lookup = [&](std::string_view prefix) -> const ak::KeyState* {
    if (prefix == delegator.state.prefix) return &delegator.state;
    return above ? above(prefix) : nullptr;
  };
  std::optional<ak::KeyState> state;
  const auto applied = ak::apply_event(state, signed_event, nullptr, lookup);
  BOOST_REQUIRE_MESSAGE(applied.has_value(), (applied ? "" : applied.error().to_string()));
  id.state = *state;
  const ak::KeyEvent& dip = signed_event.event;
  id.files.emplace_back(ar::event_path(dip.prefix, dip.sequence), *ak::serialize(dip));
  id.files.emplace_back(ar::signatures_path(dip.prefix, dip.sequence), *ak::attachment_text(signed_event));
  return id;
}

inline ak::Attestation make_link(const Identity& id, const ac::PrivateKey& device, const ac::PrivateKey& identity_key,
                                 int64_t at = 1700000000) {
  ak::Attestation att;
  att.rid = ak::random_rid();
  att.issuer = id.did();
  att.subject = *device.public_key().to_did_key();
  att.device_public_key = device.public_key();
  att.capabilities = {"sign_commit"};
  att.timestamp = ak::Timestamp::from_unix(at);
  BOOST_REQUIRE(ak::sign_as_identity(att, identity_key).has_value());
  BOOST_REQUIRE(ak::sign_as_device(att, device).has_value());
  return att;
}

/// Anchors `att` in `id`'s KEL with an interaction event signed by `signer` (the identity's
/// current key unless a test wants otherwise); the event's files are appended to id.files and
/// returned.
inline Files anchor(Identity& id, const ak::Attestation& att, const ac::PrivateKey& signer) {
  auto ixn = ak::make_interaction(id.state, {ak::Seal::of_digest(*ak::attestation_digest(att)).value()});
  BOOST_REQUIRE(ixn.has_value());
  const size_t before = id.files.size();
  add_event(id, *ixn, signer);
  return Files(id.files.begin() + static_cast<std::ptrdiff_t>(before), id.files.end());
}

/// Adds the events of `id` that `state` does not have yet (id.files holds them in order).
inline void add_identity(ar::State& state, const Identity& id) {
  for (size_t i = 0; i < id.files.size(); i += 2) {
    auto ev = ak::parse_signed_event(id.files[i].second, id.files[i + 1].second);
    BOOST_REQUIRE(ev.has_value());
    const ak::KeyState* known = state.identity(ev->event.prefix);
    if (known != nullptr && known->sequence >= ev->event.sequence) continue;
    BOOST_REQUIRE(state.add_event(*ev).has_value());
  }
}

/// Signs `record` with `signer`'s key, anchors it in `signer`'s KEL, adds that event to `state`,
/// then the record (`now` as State::add_attestation takes it).
inline Status add_record(ar::State& state, ak::Attestation record, Identity& signer,
                         std::optional<int64_t> now = std::nullopt) {
  BOOST_REQUIRE(ak::sign_as_identity(record, signer.key).has_value());
  anchor(signer, record, signer.key);
  add_identity(state, signer);
  return state.add_attestation(std::move(record), now);
}

/// An unsigned membership of `member` in `org` with the role's default capabilities.
inline ak::Attestation make_membership(const Identity& org, const std::string& member, const std::string& role,
                                       int64_t at, std::vector<std::string> repos = {}) {
  ak::Attestation a;
  a.rid = ak::random_rid();
  a.issuer = org.did();
  a.subject = member;
  a.role = role;
  a.capabilities = ar::default_capabilities(role);
  a.repos = std::move(repos);
  a.timestamp = ak::Timestamp::from_unix(at);
  return a;
}

/// The object the approval records of the tests are about.
inline const std::string kApprovalObject = "1111111111111111111111111111111111111111";

/// An approval record of kApprovalObject signed by `key` in `namespace_`.
inline ar::Approval signed_approval(const ac::PrivateKey& key, bool approve = true,
                                    std::string_view namespace_ = ar::kApprovalNamespace) {
  ar::Approval a{kApprovalObject,
                 true,
                 "refs/tags/v1.0",
                 approve,
                 "looks good",
                 key.public_key(),
                 ak::Timestamp::from_unix(1700000000),
                 ""};
  const std::string bytes = *ar::approval_signed_bytes(a);
  auto blob = sshsig::sign(key, util::to_bytes(bytes), namespace_);
  BOOST_REQUIRE(blob.has_value());
  a.signature = sshsig::armor(*blob);
  return a;
}

/// A registry::RecordSource over State::records, in memory, as the server's store keeps them;
/// `failing` makes one lookup kind fail, `reads` counts the lookups.
class MemorySource final : public ar::RecordSource {
 public:
  explicit MemorySource(const std::vector<ar::IndexedRecord>& records) {
    for (const auto& r : records) {
      for (const auto& l : r.lookups) m_found[{l.kind, l.key}][l.rank] = {r.id, r.body};
    }
  }
  Result<std::vector<std::pair<uint64_t, std::string>>> find(ar::Lookup kind, std::string_view key) const override {
    ++reads;
    if (failing && *failing == kind) return Error::io("the source cannot be read");
    std::vector<std::pair<uint64_t, std::string>> out;
    if (const auto it = m_found.find({kind, std::string(key)}); it != m_found.end()) {
      for (const auto& [rank, record] : it->second) out.push_back(record);
    }
    return out;
  }
  std::optional<ar::Lookup> failing;
  mutable size_t reads = 0;

 private:
  std::map<std::pair<ar::Lookup, std::string>, std::map<uint64_t, std::pair<uint64_t, std::string>>> m_found;
};

inline std::shared_ptr<MemorySource> source_of(const ar::State& state) {
  auto records = state.records();
  BOOST_REQUIRE(records.has_value());
  return std::make_shared<MemorySource>(*records);
}

inline std::pair<std::string, std::string> stored(const ak::Attestation& att) {
  return {*ar::attestation_path(att), *ak::serialize_attestation(att)};
}

struct TempRepo {
  fs::path dir;
  auths::git::Session session;
  std::optional<auths::git::Repository> repo;

  TempRepo() {
    dir = fs::temp_directory_path() /
          ("auths-registry-test-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
    fs::create_directories(dir);
    const std::string cmd = "git init -q --bare '" + dir.string() + "'";
    BOOST_REQUIRE(std::system(cmd.c_str()) == 0);
    auto opened = auths::git::Repository::open(dir.string());
    BOOST_REQUIRE(opened.has_value());
    repo.emplace(std::move(*opened));
  }
  ~TempRepo() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  /// A commit with `tree_files` as the whole tree (nullopt base) or added to `base`'s tree.
  auths::Oid commit(const Files& tree_files, const std::vector<auths::Oid>& parents, bool on_top = true) {
    std::optional<auths::Oid> base;
    if (on_top && !parents.empty()) base = repo->read_commit(parents.front())->tree;
    auto tree = repo->write_tree(base, tree_files);
    BOOST_REQUIRE(tree.has_value());
    auto c = repo->write_commit(*tree, parents, "registry", "t", "t@example.org");
    BOOST_REQUIRE(c.has_value());
    return *c;
  }
  std::vector<ar::Problem> verify(const std::optional<auths::Oid>& old_tip, const auths::Oid& new_tip) {
    std::vector<ar::Problem> problems;
    auto state = ar::verify_update(*repo, old_tip, new_tip, problems);
    BOOST_REQUIRE(state.has_value());
    return problems;
  }
};

}  // namespace auths::test
