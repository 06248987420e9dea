// The audit of a registry (audit_ops.h): the log lists every record the CLI makes, commit by
// commit, with its signer, and a file that does not parse as an error event; the incident report
// gives each member, device and agent its status at the report's time (an expired membership,
// an agent whose delegator is expired, a sub-agent whose delegation above is revoked), the
// freeze in force, the recent events, and a recommendation for each thing to act on.
#include <sys/stat.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "auths/client/audit_ops.h"
#include "auths/client/identity_ops.h"
#include "auths/client/org_ops.h"
#include "git/repository.h"
#include "registry/registry.h"
#include "support/registry_fixture.h"
#include "unit/client/home_test_util.h"
#include "util/time.h"

BOOST_AUTO_TEST_SUITE(client_audit)

namespace acl = auths::client;
namespace at = auths::test;
namespace fs = std::filesystem;
using auths::ErrorCode;

namespace {

const std::string kPassphrase = "test passphrase";
constexpr int64_t kT = 1700000000;  // 2023: records dated before their registry commits
constexpr int64_t kDay = 86400;

using auths::test::must;

/// The events of `log` that are not about key event logs, as "kind subject".
std::vector<std::string> record_events(const std::vector<acl::AuditEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    if (e.kind != "identity-incepted" && e.kind != "keys-rotated") out.push_back(e.kind + " " + e.subject);
  }
  return out;
}

const acl::AuditEvent& find_event(const std::vector<acl::AuditEvent>& events, const std::string& kind) {
  const auto it = std::find_if(events.begin(), events.end(), [&](const auto& e) { return e.kind == kind; });
  BOOST_REQUIRE_MESSAGE(it != events.end(), "no event " + kind);
  return *it;
}

/// An org admin's home (with the org) and a member's, and a bare repository to publish to.
struct OrgHomes {
  at::HomeEnv env;
  std::string olivia = env.home().string();
  std::string mia_home = (env.dir.path() / "mia").string();
  std::string repo = (env.dir.path() / "server.git").string();
  acl::IdentityInfo mia;
  acl::OrgInfo org;

  OrgHomes() {
    must(acl::init_identity(olivia, {}, kPassphrase));
    mia = must(acl::init_identity(mia_home, {}, kPassphrase));
    org = must(acl::init_org(olivia, "acme", kPassphrase, kT));
    BOOST_REQUIRE(at::git("init -q --bare " + at::shell_quote(repo)));
  }
  acl::MemberInfo add(const std::string& member, const std::string& role, int64_t at,
                      std::optional<int64_t> days = std::nullopt) {
    acl::AddMemberOptions options;
    options.member = member;
    options.role = role;
    options.teams = {"core"};
    options.expires_in_days = days;
    options.now = at;
    return must(acl::add_member(olivia, options, kPassphrase));
  }
  acl::DeviceInfo link(const std::string& home, const std::string& alias, const std::string& type, int64_t at) {
    acl::LinkDeviceOptions options;
    options.alias = alias;
    options.signer_type = type;
    options.now = at;
    return must(acl::link_device(home, options, kPassphrase));
  }
  void publish(const std::string& home) { must(acl::publish_registry(home, repo)); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(log_lists_records_commit_by_commit_with_their_signers) {
  OrgHomes h;
  h.add(h.mia.did, "member", kT + 10);
  h.publish(h.olivia);
  must(acl::revoke_member(h.olivia, "", h.mia.did, h.repo, kPassphrase, kT + 20));
  must(acl::freeze_org(h.olivia, "", 3600, std::string("incident 42"), kPassphrase, kT + 30));
  must(acl::freeze_org(h.olivia, "", std::nullopt, std::nullopt, kPassphrase, kT + 40));
  h.publish(h.olivia);

  const auto log = must(acl::audit_log(h.olivia, {h.repo, std::nullopt}));
  BOOST_TEST(log.source.repository.find("server.git") != std::string::npos);
  BOOST_TEST(log.source.home_copy.empty());
  const std::vector<std::string> want = {"membership-added " + h.org.admin, "membership-added " + h.mia.did,
                                         "membership-revoked " + h.mia.did, "freeze " + h.org.did,
                                         "unfreeze " + h.org.did};
  BOOST_TEST(record_events(log.events) == want, boost::test_tools::per_element());
  BOOST_TEST(find_event(log.events, "membership-added").subject == h.org.admin);

  // KEL events come first in their commit; every event names the commit that added it.
  BOOST_REQUIRE(log.events.size() == 7u);  // 2 inceptions, 2 memberships; a revocation, a freeze, an unfreeze
  BOOST_TEST(log.events.front().kind == "identity-incepted");
  BOOST_TEST(log.events.front().timestamp.empty());
  const std::string first_commit = log.events.front().commit;
  for (const auto& e : log.events) {
    BOOST_TEST(e.commit.size() == 40u);
    BOOST_TEST(!e.committed_at.empty());
    BOOST_TEST(e.when() == (e.timestamp.empty() ? e.committed_at : e.timestamp));
    BOOST_TEST((e.commit == first_commit) == (e.kind == "identity-incepted" || e.kind == "membership-added"));
  }

  const auto& added = log.events[3];
  BOOST_TEST(added.subject == h.mia.did);
  BOOST_TEST(added.issuer == h.org.did);
  BOOST_TEST(added.signer == h.org.did);  // this home holds the org's keys: the org signs
  BOOST_TEST(added.role == "member");
  BOOST_TEST(added.timestamp == auths::util::format_utc(kT + 10));
  BOOST_TEST((added.capabilities == std::vector<std::string>{"sign_commit", "sign_release"}));
  BOOST_TEST((added.teams == std::vector<std::string>{"core"}));
  BOOST_TEST(added.record.find("/attestations/") != std::string::npos);
  const auto& freeze = find_event(log.events, "freeze");
  BOOST_TEST(freeze.signer == h.org.did);
  BOOST_TEST(freeze.until == auths::util::format_utc(kT + 30 + 3600));
  BOOST_TEST(freeze.note == "incident 42");

  // --since: the records dated before it drop out (the KEL events carry their commit's time).
  const auto since = must(acl::audit_log(h.olivia, {h.repo, kT + 25}));
  BOOST_TEST(record_events(since.events) == (std::vector<std::string>{"freeze " + h.org.did, "unfreeze " + h.org.did}),
             boost::test_tools::per_element());
  BOOST_TEST(must(acl::parse_since("2023-11-14", kT)) == kT - (kT % kDay));
  BOOST_TEST(must(acl::parse_since("2023-11-14T22:13:20Z", kT)) == kT);
  BOOST_TEST(must(acl::parse_since("7d", kT)) == kT - 7 * kDay);
  BOOST_TEST((acl::parse_since("last week", kT).error().code == ErrorCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(a_file_that_does_not_parse_is_an_error_event) {
  OrgHomes h;
  h.publish(h.olivia);
  // A commit that adds what no client makes (a push would be refused; a local ref may hold it).
  {
    const auths::git::Session session;
    auto repo = std::move(auths::git::Repository::open(h.repo).value());
    const auto tip = repo.resolve_commit(auths::registry::kRegistryRef).value().value();
    const std::string prefix = h.org.did.substr(std::string("did:keri:").size());
    const auto tree = repo.write_tree(
        repo.read_commit(tip).value().tree,
        {{"v1/identities/" + prefix + "/attestations/20990101T000000Z-x.json", "{}"}, {"notes.txt", "hello"}});
    const auto commit = repo.write_commit(tree.value(), {tip}, "bad", "t", "t@example.org");
    BOOST_REQUIRE(repo.update_ref(auths::registry::kRegistryRef, commit.value(), tip, "test").has_value());
  }
  const auto log = must(acl::audit_log(h.olivia, {h.repo, std::nullopt}));
  std::vector<std::string> errors;
  for (const auto& e : log.events) {
    if (e.kind == "error") errors.push_back(e.record + ": " + e.note);
  }
  BOOST_REQUIRE(errors.size() == 2u);
  BOOST_TEST(errors[0] == "notes.txt: not a registry record path");
  BOOST_TEST(errors[1].find("/attestations/20990101T000000Z-x.json: cannot parse the record") != std::string::npos);
  BOOST_TEST(find_event(log.events, "membership-added").subject == h.org.admin);  // the good ones stay
}

BOOST_AUTO_TEST_CASE(sources_a_named_repository_or_the_home_copy) {
  OrgHomes h;
  const auto bad = acl::audit_log(h.olivia, {(h.env.dir.path() / "nowhere").string(), std::nullopt});
  BOOST_REQUIRE(!bad.has_value());
  BOOST_TEST((bad.error().code == ErrorCode::kNotFound));
  BOOST_TEST(bad.error().message.find("cannot open the repository") != std::string::npos);
  BOOST_TEST((acl::emergency_report(h.olivia, (h.env.dir.path() / "nowhere").string(), "").error().code ==
              ErrorCode::kNotFound));

  // No refs/auths/registry yet: the home's copy, ordered by the records' own time.
  h.add(h.mia.did, "member", kT + 10);
  const auto log = must(acl::audit_log(h.olivia, {h.repo, std::nullopt}));
  BOOST_TEST(log.source.repository.empty());
  BOOST_TEST(log.source.home_copy == acl::registry_copy_path(h.olivia));
  BOOST_TEST(record_events(log.events) ==
                 (std::vector<std::string>{"membership-added " + h.org.admin, "membership-added " + h.mia.did}),
             boost::test_tools::per_element());
  for (const auto& e : log.events) BOOST_TEST(e.commit.empty());
}

BOOST_AUTO_TEST_CASE(report_statuses_freeze_recent_events_and_recommendations) {
  OrgHomes h;
  const std::string rex_home = (h.env.dir.path() / "rex").string();
  const auto rex = must(acl::init_identity(rex_home, {}, kPassphrase));
  h.add(h.mia.did, "member", kT + 10, 1);  // expires a day later
  h.add(rex.did, "readonly", kT + 11);
  const auto laptop = h.link(h.mia_home, "laptop", "Human", kT + 20);
  const auto mia_bot = h.link(h.mia_home, "bot", "Agent", kT + 21);
  const auto rex_bot = h.link(rex_home, "bot", "Agent", kT + 22);
  must(acl::freeze_org(h.olivia, "", 500 * kDay, std::string("incident 42"), kPassphrase, kT + 30));
  for (const auto& home : {h.olivia, h.mia_home, rex_home}) h.publish(home);

  const int64_t now = kT + 400 * kDay;
  const auto r = must(acl::emergency_report(h.olivia, h.repo, "", now));
  BOOST_TEST(r.org == h.org.did);
  BOOST_TEST(r.generated_at == auths::util::format_utc(now));
  BOOST_TEST(r.source.registry.size() == 40u);
  std::vector<std::string> members;
  for (const auto& m : r.members) members.push_back(m.did + " " + m.role + " " + m.status);
  BOOST_TEST(members == (std::vector<std::string>{h.org.admin + " admin active", h.mia.did + " member expired",
                                                  rex.did + " readonly active"}),
             boost::test_tools::per_element());

  std::vector<std::string> devices;
  for (const auto& d : r.devices) devices.push_back(d.link.did_key + " " + d.member_status + " " + d.status);
  BOOST_TEST(devices == (std::vector<std::string>{laptop.did_key + " expired active",
                                                  mia_bot.did_key + " expired delegator-revoked",
                                                  rex_bot.did_key + " active active"}),
             boost::test_tools::per_element());
  BOOST_REQUIRE(r.agents.size() == 2u);
  BOOST_TEST(r.agents[0].link.did_key == mia_bot.did_key);
  BOOST_TEST(r.agents[0].identity == h.mia.did);
  BOOST_TEST(r.agents[0].status == "delegator-revoked");
  BOOST_TEST(r.agents[0].why ==
             "the membership of " + h.mia.did + " expired at " + auths::util::format_utc(kT + 10 + kDay));
  BOOST_TEST(r.agents[1].status == "active");

  BOOST_TEST(r.frozen);
  BOOST_TEST(r.freeze.reason == "incident 42");
  BOOST_REQUIRE(r.freezes.size() == 1u);
  // Every record is older than 30 days; only the KEL events, dated by their commits, are recent.
  BOOST_TEST(r.recent_since == auths::util::format_utc(now - acl::kRecentEventsSeconds));
  BOOST_TEST(record_events(r.recent_events).empty());

  std::vector<std::string> subjects;
  for (const auto& rec : r.recommendations) subjects.push_back(rec.subject);
  BOOST_TEST(
      subjects == (std::vector<std::string>{h.org.did, h.mia.did, mia_bot.did_key, rex_bot.did_key, laptop.did_key}),
      boost::test_tools::per_element());
  BOOST_TEST(r.recommendations[0].action.find("auths emergency unfreeze --org " + h.org.did) != std::string::npos);
  BOOST_TEST(r.recommendations[1].action.find("auths org add-member " + h.mia.did + " --role member") !=
             std::string::npos);
  BOOST_TEST(r.recommendations[2].finding.find("cascade") != std::string::npos);
  BOOST_TEST(r.recommendations[3].finding.find("never expires") != std::string::npos);
  BOOST_TEST(r.recommendations[3].action.find("auths device revoke --device " + rex_bot.did_key) != std::string::npos);
  BOOST_TEST(r.recommendations[4].finding.find("over a year ago") != std::string::npos);

  // A home without an org: the registry's only org.
  BOOST_TEST(must(acl::emergency_report(h.mia_home, h.repo, "", now)).org == h.org.did);
}

BOOST_AUTO_TEST_CASE(report_follows_agent_delegations_up_the_chain) {
  // Agents that are identities of their own (KERI delegated identifiers): a human member
  // delegates to an agent, which delegates to a sub-agent; then the human revokes the agent's
  // delegation.
  namespace ak = auths::keri;
  at::Identity org = at::make_identity();
  at::Identity human = at::make_identity();
  at::Identity agent = at::make_delegated_identity(human);
  at::Identity sub = at::make_delegated_identity(
      agent, [&human](std::string_view prefix) { return prefix == human.state.prefix ? &human.state : nullptr; });
  at::Files records;
  const auto signed_by = [&records](ak::Attestation a, at::Identity& signer, const auths::crypto::PrivateKey* device) {
    BOOST_REQUIRE(ak::sign_as_identity(a, signer.key).has_value());
    if (device != nullptr) BOOST_REQUIRE(ak::sign_as_device(a, *device).has_value());
    at::anchor(signer, a, signer.key);
    records.push_back(at::stored(a));
    return a;
  };
  ak::Attestation membership;
  membership.rid = ak::random_rid();
  membership.issuer = org.did();
  membership.subject = human.did();
  membership.role = "member";
  membership.capabilities = {"sign_commit"};
  membership.timestamp = ak::Timestamp::from_unix(kT);
  signed_by(membership, org, nullptr);
  const auto delegation = [&](at::Identity& parent, const at::Identity& child, int64_t at) {
    ak::Attestation a;
    a.rid = ak::random_rid();
    a.issuer = parent.did();
    a.subject = child.did();
    a.device_public_key = child.key.public_key();
    a.capabilities = {"sign_commit"};
    a.signer_type = ak::SignerType::kAgent;
    a.delegated_by = parent.did();
    a.timestamp = ak::Timestamp::from_unix(at);
    a.metadata = ak::AgentMetadata{"ai_agent", "bot-" + std::to_string(at), "", false};
    return signed_by(a, parent, &child.key);
  };
  const ak::Attestation first = delegation(human, agent, kT + 10);
  delegation(agent, sub, kT + 20);
  signed_by(ak::make_revocation(first, ak::Timestamp::from_unix(kT + 50)).value(), human, nullptr);

  at::TempRepo repo;
  at::Files files;
  for (const at::Identity* id : {&org, &human, &agent, &sub})
    files.insert(files.end(), id->files.begin(), id->files.end());
  files.insert(files.end(), records.begin(), records.end());
  const auths::Oid tip = repo.commit(files, {});
  BOOST_REQUIRE(repo.repo->update_ref(auths::registry::kRegistryRef, tip, std::nullopt, "test").has_value());

  at::HomeEnv env;
  const auto r = must(acl::emergency_report(env.home().string(), repo.dir.string(), org.did(), kT + 100));
  std::vector<std::string> agents;
  for (const auto& a : r.agents) agents.push_back(a.link.did_key + " " + a.identity + " " + a.status);
  BOOST_TEST(agents == (std::vector<std::string>{agent.did() + " " + human.did() + " revoked",
                                                 sub.did() + " " + agent.did() + " delegator-revoked"}),
             boost::test_tools::per_element());
  BOOST_TEST(r.agents[1].why == "the delegation of " + agent.did() + " by " + human.did() + " was revoked at " +
                                    auths::util::format_utc(kT + 50));
  BOOST_TEST(r.devices.empty());
  BOOST_TEST(r.agents[1].agent.type == "ai_agent");
  BOOST_TEST(r.agents[1].agent.name == "bot-" + std::to_string(kT + 20));
  // Before the revocation the chain holds, and each agent never expires.
  const auto before = must(acl::emergency_report(env.home().string(), repo.dir.string(), org.did(), kT + 30));
  for (const auto& a : before.agents) BOOST_TEST(a.status == "active");
  BOOST_TEST(before.recommendations.size() == 2u);

  const auto log = must(acl::audit_log(env.home().string(), {repo.dir.string(), std::nullopt}));
  BOOST_TEST(find_event(log.events, "agent-delegated").agent.name == "bot-" + std::to_string(kT + 10));
  // The dips (KEL events of one commit, in path order: by prefix), then the records by time.
  std::vector<std::string> dips;
  std::vector<std::string> events;
  for (const auto& e : log.events) {
    if (e.kind == "delegate-incepted") dips.push_back(e.subject + " " + e.note);
    if (e.kind.rfind("agent-", 0) == 0) events.push_back(e.kind + " " + e.subject + " by " + e.signer);
  }
  std::sort(dips.begin(), dips.end());
  std::vector<std::string> want_dips = {agent.did() + " delegated by " + human.did(),
                                        sub.did() + " delegated by " + agent.did()};
  std::sort(want_dips.begin(), want_dips.end());
  BOOST_TEST(dips == want_dips, boost::test_tools::per_element());
  BOOST_TEST(events == (std::vector<std::string>{"agent-delegated " + agent.did() + " by " + human.did(),
                                                 "agent-delegated " + sub.did() + " by " + agent.did(),
                                                 "agent-revoked " + agent.did() + " by " + human.did()}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_report_file_is_private_and_never_replaced) {
  at::TempDir dir;
  const std::string path = (dir.path() / "report.json").string();
  BOOST_REQUIRE(acl::write_new_private_file(path, "{}\n").has_value());
  struct stat st {};
  BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  const auto again = acl::write_new_private_file(path, "{\"x\": 1}\n");
  BOOST_REQUIRE(!again.has_value());
  BOOST_TEST((again.error().code == ErrorCode::kInvalidArgument));
  BOOST_TEST(at::read_text(path) == "{}\n");
}

BOOST_AUTO_TEST_SUITE_END()
