// Org memberships and agent delegations through the resolver (table tests): role defaults and
// project scopes, attenuation at depth 1, 2 and 16, refusal at 17, the cascade human -> agent ->
// sub-agent, records the registry refuses (a member without manage_members, an agent granting
// more than it holds), freeze and unfreeze.
#include <boost/test/unit_test.hpp>

#include "engine/identity_resolver.h"
#include "registry/org.h"
#include "support/printers.h"
#include "support/registry_fixture.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(engine_org_resolver)
namespace {

constexpr int64_t kT = 1700000000;

struct Org {
  ar::State state;
  Identity org = make_identity();
  Identity human = make_identity();

  Org() {
    add(org);
    add(human);
  }
  void add(const Identity& id) { add_identity(state, id); }
  /// Signs `record` with `signer`'s key and anchors it in `signer`'s KEL, then adds it.
  Status record(ak::Attestation record, Identity& signer, std::optional<int64_t> now = std::nullopt) {
    return add_record(state, std::move(record), signer, now);
  }
  ak::Attestation membership(const std::string& member, const std::string& role, int64_t at,
                             std::vector<std::string> repos = {}) {
    return make_membership(org, member, role, at, std::move(repos));
  }
  /// `agent` delegated by `parent` with `caps`.
  /// A delegated identifier of `parent` (its dip anchored in the parent's KEL), in the state.
  Identity agent_of(Identity& parent) {
    Identity agent = make_delegated_identity(parent, [this](std::string_view p) { return state.identity(p); });
    add(parent);
    add(agent);
    return agent;
  }
  Status delegate(Identity& parent, const Identity& agent, std::vector<std::string> caps, int64_t at = kT + 10) {
    add(agent);
    ak::Attestation a;
    a.rid = ak::random_rid();
    a.issuer = parent.did();
    a.subject = agent.did();
    a.device_public_key = agent.key.public_key();
    a.capabilities = std::move(caps);
    a.signer_type = ak::SignerType::kAgent;
    a.delegated_by = parent.did();
    a.timestamp = ak::Timestamp::from_unix(at);
    BOOST_REQUIRE(ak::sign_as_device(a, agent.key).has_value());
    return record(a, parent);
  }
  policy::SignerSet members(std::vector<std::string> caps, std::vector<std::string> types = {}) const {
    policy::SignerSet set;
    set.org = org.did();
    set.roles = {"admin", "member"};
    set.capabilities = std::move(caps);
    set.signer_types = std::move(types);
    return set;
  }
  Reason judge(const ac::PrivateKey& key, const policy::SignerSet& set, int64_t now = kT + 100,
               const std::string& project = "") const {
    const engine::RegistryResolver resolver(state, project);
    engine::SignedObject object;
    object.signed_at = now;
    object.now = now;
    return resolver.resolve(key.public_key(), set, object).code;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(role_defaults_and_overrides) {
  BOOST_TEST((ar::default_capabilities("admin") ==
              std::vector<std::string>{"sign_commit", "sign_release", "manage_members", "rotate_keys"}));
  BOOST_TEST((ar::default_capabilities("member") == std::vector<std::string>{"sign_commit", "sign_release"}));
  BOOST_TEST(ar::default_capabilities("readonly").empty());
  Org o;
  BOOST_REQUIRE(o.record(o.membership(o.human.did(), "member", kT), o.org).has_value());
  BOOST_TEST((o.judge(o.human.key, o.members({"sign_commit"})) == Reason::kOk));
  BOOST_TEST((o.judge(o.human.key, o.members({"manage_members"})) == Reason::kMissingCapability));
  // Overridden: a member with sign_commit only (a later record replaces the earlier one).
  auto narrowed = o.membership(o.human.did(), "member", kT + 5);
  narrowed.capabilities = {"sign_commit"};
  BOOST_REQUIRE(o.record(narrowed, o.org).has_value());
  BOOST_TEST((o.judge(o.human.key, o.members({"sign_release"})) == Reason::kMissingCapability));
  BOOST_TEST((o.judge(o.human.key, o.members({"sign_commit"}, {"Agent"})) == Reason::kSignerTypeNotAllowed));
  auto set = o.members({"sign_commit"});
  set.roles = {"admin"};
  BOOST_TEST((o.judge(o.human.key, set) == Reason::kRoleNotAllowed));
  set.roles = {};
  set.teams = {"core"};
  BOOST_TEST((o.judge(o.human.key, set) == Reason::kTeamNotAllowed));
  const Identity stranger = make_identity();
  o.add(stranger);
  BOOST_TEST((o.judge(stranger.key, o.members({"sign_commit"})) == Reason::kNotAMember));
}

BOOST_AUTO_TEST_CASE(project_scoped_roles) {
  Org o;
  BOOST_REQUIRE(o.record(o.membership(o.human.did(), "readonly", kT), o.org).has_value());
  BOOST_REQUIRE(o.record(o.membership(o.human.did(), "admin", kT + 1, {"group/app"}), o.org).has_value());
  auto set = o.members({"sign_commit"});
  set.roles = {"admin"};
  BOOST_TEST((o.judge(o.human.key, set, kT + 100, "group/app") == Reason::kOk));
  BOOST_TEST((o.judge(o.human.key, set, kT + 100, "group/other") == Reason::kRoleNotAllowed));
  BOOST_TEST((o.judge(o.human.key, set, kT + 100, "") == Reason::kRoleNotAllowed));
  const auto here = ar::membership_at(o.state, o.org.did(), o.human.did(), "group/app", kT + 100);
  BOOST_TEST((here.record->role == std::optional<std::string>("admin")));
}

BOOST_AUTO_TEST_CASE(attenuation_depth_and_cascade) {
  Org o;
  BOOST_REQUIRE(o.record(o.membership(o.human.did(), "member", kT), o.org).has_value());
  // Depth 1: the agent has sign_commit only; its delegator has sign_release too.
  std::vector<Identity> agents;
  agents.push_back(o.agent_of(o.human));
  BOOST_REQUIRE(o.delegate(o.human, agents[0], {"sign_commit"}).has_value());
  BOOST_TEST((o.judge(agents[0].key, o.members({"sign_commit"})) == Reason::kOk));
  BOOST_TEST((o.judge(agents[0].key, o.members({"sign_release"})) == Reason::kAgentScopeExceeded));
  BOOST_TEST((o.judge(agents[0].key, o.members({"sign_commit"}, {"Human"})) == Reason::kSignerTypeNotAllowed));
  // An agent cannot pass on more than it holds: the registry refuses the record.
  Identity greedy = o.agent_of(agents[0]);
  const auto refused = o.delegate(agents[0], greedy, {"sign_commit", "sign_release"});
  BOOST_REQUIRE(!refused.has_value());
  BOOST_TEST(refused.error().message.find("agent-scope-exceeded") != std::string::npos);
  // An agent delegation must name the agent's own delegator: a human cannot adopt an agent
  // another identity incepted (nor an identity that is not delegated at all).
  const auto adopted = o.delegate(o.human, greedy, {"sign_commit"});
  BOOST_REQUIRE(!adopted.has_value());
  BOOST_TEST(adopted.error().message.find("not of the issuer") != std::string::npos);
  Identity plain = make_identity();
  const auto undelegated = o.delegate(o.human, plain, {"sign_commit"});
  BOOST_REQUIRE(!undelegated.has_value());
  BOOST_TEST(undelegated.error().message.find("not a delegated identifier") != std::string::npos);
  // Depth 2 .. 16 accepted.
  for (size_t depth = 2; depth <= 16; ++depth) {
    agents.push_back(o.agent_of(agents[depth - 2]));
    BOOST_REQUIRE(o.delegate(agents[depth - 2], agents[depth - 1], {"sign_commit"}).has_value());
  }
  BOOST_TEST((o.judge(agents[1].key, o.members({"sign_commit"})) == Reason::kOk));
  BOOST_TEST((o.judge(agents[15].key, o.members({"sign_commit"})) == Reason::kOk));  // depth 16
  // Depth 17: the agent's delegated inception is refused (17 delegators above it), so no link
  // to it can exist either.
  Identity too_deep{generate_key(), generate_key(), {}, {}};
  const ak::SignedEvent dip = anchored_dip(agents[15], too_deep);
  o.add(agents[15]);
  Reason fault = Reason::kOk;
  BOOST_TEST(!o.state.add_event(dip, &fault).has_value());
  BOOST_TEST((fault == Reason::kKelDelegationNotAnchored));
  // Cascade: revoking the first agent's delegation breaks everything below it; the human stands.
  auto revocation =
      ak::make_revocation(*o.state.delegations_of(agents[0].did()).front().link, ak::Timestamp::from_unix(kT + 50));
  BOOST_REQUIRE(revocation.has_value());
  BOOST_REQUIRE(o.record(*revocation, o.human).has_value());
  BOOST_TEST((o.judge(agents[0].key, o.members({"sign_commit"})) == Reason::kDelegatorRevoked));
  BOOST_TEST((o.judge(agents[1].key, o.members({"sign_commit"})) == Reason::kDelegatorRevoked));
  BOOST_TEST((o.judge(o.human.key, o.members({"sign_commit"})) == Reason::kOk));
}

BOOST_AUTO_TEST_CASE(member_revocation_cascades_to_agents) {
  Org o;
  BOOST_REQUIRE(o.record(o.membership(o.human.did(), "member", kT), o.org).has_value());
  Identity agent = o.agent_of(o.human);
  Identity sub = o.agent_of(agent);
  BOOST_REQUIRE(o.delegate(o.human, agent, {"sign_commit"}).has_value());
  BOOST_REQUIRE(o.delegate(agent, sub, {"sign_commit"}).has_value());
  BOOST_TEST((o.judge(sub.key, o.members({"sign_commit"})) == Reason::kOk));
  auto revocation = ak::make_revocation(o.membership(o.human.did(), "member", kT), ak::Timestamp::from_unix(kT + 50));
  BOOST_REQUIRE(revocation.has_value());
  BOOST_REQUIRE(o.record(*revocation, o.org).has_value());
  BOOST_TEST((o.judge(o.human.key, o.members({"sign_commit"})) == Reason::kMemberRevoked));
  BOOST_TEST((o.judge(agent.key, o.members({"sign_commit"})) == Reason::kDelegatorRevoked));
  BOOST_TEST((o.judge(sub.key, o.members({"sign_commit"})) == Reason::kDelegatorRevoked));
}

BOOST_AUTO_TEST_CASE(membership_signed_by_a_non_admin_is_refused) {
  Org o;
  Identity admin = make_identity();
  o.add(admin);
  BOOST_REQUIRE(o.record(o.membership(admin.did(), "admin", kT), o.org).has_value());
  BOOST_REQUIRE(o.record(o.membership(o.human.did(), "member", kT + 1), o.org).has_value());
  Identity newcomer = make_identity();
  o.add(newcomer);
  auto by_member = o.membership(newcomer.did(), "member", kT + 2);
  by_member.delegated_by = o.human.did();
  const auto refused = o.record(by_member, o.human);
  BOOST_REQUIRE(!refused.has_value());
  BOOST_TEST(refused.error().message.find("manage_members") != std::string::npos);
  auto by_admin = o.membership(newcomer.did(), "member", kT + 3);
  by_admin.delegated_by = admin.did();
  BOOST_TEST(o.record(by_admin, admin).has_value());
  // An admin grants nothing it does not hold.
  auto too_much = o.membership(newcomer.did(), "member", kT + 4);
  too_much.capabilities = {"sign_commit", "deploy"};
  too_much.delegated_by = admin.did();
  BOOST_TEST(!o.record(too_much, admin).has_value());
  // Revoked admin: refused at push time even with a record dated before the revocation.
  auto rev = ak::make_revocation(o.membership(admin.did(), "admin", kT), ak::Timestamp::from_unix(kT + 10));
  BOOST_REQUIRE(rev.has_value());
  BOOST_REQUIRE(o.record(*rev, o.org).has_value());
  auto backdated = o.membership(newcomer.did(), "admin", kT + 5);
  backdated.delegated_by = admin.did();
  BOOST_TEST(!o.record(backdated, admin, kT + 20).has_value());
}

BOOST_AUTO_TEST_CASE(freeze_and_unfreeze) {
  Org o;
  const auto add_freeze = [&o](bool freeze, int64_t at, Identity& signer) {
    ar::FreezeRecord r;
    r.freeze = freeze;
    r.rid = ak::random_rid();
    r.org = o.org.did();
    r.signer = signer.did();
    r.timestamp = ak::Timestamp::from_unix(at);
    if (freeze) r.until = ak::Timestamp::from_unix(at + 3600);
    BOOST_REQUIRE(ar::sign_freeze(r, signer.key).has_value());
    auto ixn = ak::make_interaction(signer.state, {ak::Seal::of_digest(*ar::freeze_digest(r)).value()});
    add_event(signer, *ixn, signer.key);
    o.add(signer);
    return o.state.add_freeze(r);
  };
  BOOST_REQUIRE(add_freeze(true, kT, o.org).has_value());
  BOOST_TEST(ar::active_freeze(o.state, o.org.did(), kT + 10) != nullptr);
  BOOST_TEST(ar::active_freeze(o.state, o.org.did(), kT + 3601) == nullptr);  // ended by itself
  BOOST_REQUIRE(add_freeze(false, kT + 100, o.org).has_value());
  BOOST_TEST(ar::active_freeze(o.state, o.org.did(), kT + 200) == nullptr);
  // A non-member cannot freeze the org.
  BOOST_TEST(!add_freeze(true, kT + 300, o.human).has_value());
  // A freeze and an unfreeze dated the same second: frozen, whichever comes first in the tree
  // (before, the order of their file names decided).
  BOOST_REQUIRE(add_freeze(false, kT + 500, o.org).has_value());
  BOOST_REQUIRE(add_freeze(true, kT + 500, o.org).has_value());
  BOOST_TEST(ar::active_freeze(o.state, o.org.did(), kT + 510) != nullptr);
  BOOST_REQUIRE(add_freeze(true, kT + 600, o.org).has_value());
  BOOST_REQUIRE(add_freeze(false, kT + 600, o.org).has_value());
  BOOST_TEST(ar::active_freeze(o.state, o.org.did(), kT + 610) != nullptr);
  // An unfreeze a moment later (the same second, a later fraction) ends it.
  ar::FreezeRecord later;
  later.freeze = false;
  later.rid = ak::random_rid();
  later.org = o.org.did();
  later.signer = o.org.did();
  later.timestamp = ak::parse_timestamp(ak::Timestamp::from_unix(kT + 600).text.substr(0, 19) + ".000001Z").value();
  BOOST_REQUIRE(ar::sign_freeze(later, o.org.key).has_value());
  auto ixn = ak::make_interaction(o.org.state, {ak::Seal::of_digest(*ar::freeze_digest(later)).value()});
  add_event(o.org, *ixn, o.org.key);
  o.add(o.org);
  BOOST_REQUIRE(o.state.add_freeze(later).has_value());
  BOOST_TEST(ar::active_freeze(o.state, o.org.did(), kT + 610) == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
