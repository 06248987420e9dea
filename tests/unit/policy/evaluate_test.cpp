// policy/evaluate.h: a policy's verdict on a test context, one row per decision the hook makes:
// first match, default allow/deny, open rules, keys listed directly, named identities, members
// by role and team, capabilities, signer types, revocation, the rule's conditions and require.
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "policy/evaluate.h"
#include "policy/policy.h"
#include "policy_test_util.h"

BOOST_AUTO_TEST_SUITE(policy_evaluate)

namespace ap = auths::policy;
namespace at = auths::policy::test;

namespace {

const std::string kOrg = "did:keri:E6Hy0XAWtOJ1YkE6jmDRcJLUPRsFdQS0PZx5mt2YkfTk";
const std::string kAlice = "did:keri:EK9gGyX8OAK8aH8Myj6djqSaXI8jbj6xPk69x2xhtbpA";
const std::string kBob = "did:keri:EgbY32PzSxtpjWeaWMROhFw3nleS3JbhNHgtM_Z7FjOk";
const std::string kCarol = "did:keri:ETCbZB0wn2J7eWScMCsFLceBxsVI5UZ91R0svO6Y0gfU";
const std::string kBot = "did:keri:Eg15xNKAuoxYjMfSHqC0KHFVHahkOYYTyGMvoEvpSdqg";
constexpr int64_t kNow = 1767226000;

const std::string kExpression =
    R"({"op": "And", "args": [{"op": "NotRevoked"}, {"op": "RefMatches", "args": "refs/heads/bot/*"}]})";

ap::Policy load() {
  const std::string text = "version = 1\norg = \"" + kOrg + "\"\n" +
                           R"(default = "deny"
[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = [")" + at::kEd1 + R"(", ")" +
                           kAlice + R"("]
roles = ["admin"]
[[policy.commit]]
name = "teams"
refs = ["refs/heads/team/**"]
roles = ["admin", "member"]
teams = ["web"]
capabilities = ["sign_commit"]
signer_types = ["Human"]
paths = ["web/**"]
[[policy.ci]]
name = "bots"
refs = ["refs/heads/bot/*"]
roles = ["member"]
signer_types = ["Agent"]
max_ttl = "1h"
expression = ".auths/bots.json"
[[policy.commit]]
name = "open"
refs = ["refs/heads/feature/**", "refs/heads/main"]
open = "signed"
[[policy.release]]
name = "releases"
refs = ["refs/tags/v*"]
signers = [")" + kAlice + R"(", ")" +
                           kBob + R"(", ")" + kCarol + R"("]
capabilities = ["sign_release"]
require = 2
[governance]
roles = ["admin"]
)";
  const ap::FileReader reader = [](std::string_view path) -> auths::Result<std::optional<std::string>> {
    if (path == ".auths/bots.json") return std::optional<std::string>(kExpression);
    return std::optional<std::string>();
  };
  auto policy = ap::parse_policy(text, ".auths/policy.toml", reader);
  BOOST_REQUIRE_MESSAGE(policy.has_value(), at::error_text(policy));
  return std::move(policy).value();
}

auths::PolicyTestContext context(const std::string& signer, const std::string& ref) {
  auths::PolicyTestContext c;
  c.signer.signer = signer;
  c.ref = ref;
  return c;
}

struct Row {
  const char* name;
  auths::PolicyTestContext context;
  const char* reason;  // "ok" or the reason code
  const char* rule;
};

auths::PolicyTestContext member(const std::string& did, const std::string& ref, const std::string& role,
                                std::vector<std::string> teams = {}) {
  auths::PolicyTestContext c = context(did, ref);
  c.signer.role = role;
  c.signer.teams = std::move(teams);
  return c;
}

auths::PolicyTestApproval vote(const std::string& did, bool approve) {
  auths::PolicyTestApproval approval;
  approval.signer.signer = did;
  approval.approve = approve;
  return approval;
}

/// An agent of kBob (a member) on a bot branch, its delegation issued a minute ago for `lifetime`.
auths::PolicyTestContext agent(int64_t lifetime) {
  auths::PolicyTestContext c = member(kBot, "refs/heads/bot/x", "member");
  c.signer.signer_type = "Agent";
  c.signer.delegated_by = kBob;
  c.signer.issued_at = kNow - 60;
  c.signer.expires_at = kNow - 60 + lifetime;
  return c;
}

auths::PolicyTestContext with(auths::PolicyTestContext c, void (*edit)(auths::PolicyTestContext&)) {
  edit(c);
  return c;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_decision) {
  const ap::Policy policy = load();
  const std::vector<Row> rows = {
      {"listed key", context(at::kEd1, "refs/heads/main"), "ok", "main"},
      {"a key the rule does not list", context(at::kEd2, "refs/heads/main"), "unknown-signer", "main"},
      {"unsigned", context("", "refs/heads/main"), "unsigned", "main"},
      {"named did:keri", context(kAlice, "refs/heads/main"), "ok", "main"},
      {"named did:keri needs no capability unless written",
       with(context(kAlice, "refs/heads/main"),
            [](auths::PolicyTestContext& c) { c.signer.capabilities = std::vector<std::string>{}; }),
       "ok", "main"},
      {"not a member", context(kBob, "refs/heads/main"), "not-a-member", "main"},
      {"admin member", member(kBob, "refs/heads/main", "admin"), "ok", "main"},
      {"member, role not allowed", member(kBob, "refs/heads/main", "member"), "role-not-allowed", "main"},
      {"revoked member",
       with(member(kBob, "refs/heads/main", "admin"), [](auths::PolicyTestContext& c) { c.signer.revoked = true; }),
       "member-revoked", "main"},
      {"revoked device of a named identity",
       with(context(kAlice, "refs/heads/main"), [](auths::PolicyTestContext& c) { c.signer.revoked = true; }),
       "device-revoked", "main"},
      {"team member in web/",
       with(member(kBob, "refs/heads/team/web/x", "member", {"web"}),
            [](auths::PolicyTestContext& c) { c.paths = {{"web/a.ts"}}; }),
       "ok", "teams"},
      {"team not allowed", member(kBob, "refs/heads/team/web/x", "member", {"api"}), "team-not-allowed", "teams"},
      {"missing capability",
       with(member(kBob, "refs/heads/team/web/x", "member", {"web"}),
            [](auths::PolicyTestContext& c) { c.signer.capabilities = {{"sign_release"}}; }),
       "missing-capability", "teams"},
      {"signer type",
       with(member(kBob, "refs/heads/team/web/x", "member", {"web"}),
            [](auths::PolicyTestContext& c) { c.signer.signer_type = "Workload"; }),
       "signer-type-not-allowed", "teams"},
      {"paths passed to conditions",
       with(member(kBob, "refs/heads/team/web/x", "member", {"web"}),
            [](auths::PolicyTestContext& c) {
              c.paths = {{"web/a.ts", "api/b.go"}};
            }),
       "path-not-allowed", "teams"},
      {"agent within ttl, expression allows", agent(600), "ok", "bots"},
      {"agent, ttl exceeded", agent(7200), "ttl-exceeded", "bots"},
      {"ephemeral agent",
       with(member(kBot, "refs/heads/bot/x", "member"),
            [](auths::PolicyTestContext& c) {
              c.signer.signer_type = "Agent";
              c.signer.ephemeral = true;
            }),
       "ephemeral-not-allowed", "bots"},
      {"first match wins: main before open", context(at::kEd3, "refs/heads/main"), "unknown-signer", "main"},
      {"open = signed, any key", context(at::kEd3, "refs/heads/feature/a/b"), "ok", "open"},
      {"open = signed, unsigned", context("", "refs/heads/feature/a"), "unsigned", "open"},
      {"default deny", context(at::kEd1, "refs/notes/commits"), "no-rule", ""},
      {"release alone: quorum", context(kAlice, "refs/tags/v1.0"), "quorum-not-met", "releases"},
      {"release with an approval",
       with(context(kAlice, "refs/tags/v1.0"),
            [](auths::PolicyTestContext& c) { c.approvals.push_back(vote(kBob, true)); }),
       "ok", "releases"},
      {"release: a self-approval counts once",
       with(context(kAlice, "refs/tags/v1.0"),
            [](auths::PolicyTestContext& c) { c.approvals.push_back(vote(kAlice, true)); }),
       "quorum-not-met", "releases"},
      {"release: a rejection blocks (max_reject is 0 by default), as in the hook",
       with(context(kAlice, "refs/tags/v1.0"),
            [](auths::PolicyTestContext& c) { c.approvals.push_back(vote(kBob, false)); }),
       "approval-rejected", "releases"},
      {"release: explicit capabilities apply to a named identity",
       with(context(kAlice, "refs/tags/v1.0"),
            [](auths::PolicyTestContext& c) { c.signer.capabilities = {{"sign_commit"}}; }),
       "missing-capability", "releases"},
  };
  for (const Row& row : rows) {
    BOOST_TEST_INFO(row.name);
    auths::PolicyTestContext c = row.context;
    const auto verdict = ap::evaluate(policy, c, kNow);
    BOOST_REQUIRE_MESSAGE(verdict.has_value(), at::error_text(verdict));
    BOOST_TEST(verdict->reason == row.reason);
    BOOST_TEST(verdict->allow == (std::string(row.reason) == "ok"));
    BOOST_TEST(verdict->rule == row.rule);
    BOOST_TEST(!verdict->steps.empty());
  }
}

BOOST_AUTO_TEST_CASE(explanation_names_the_rule_and_the_deciding_step) {
  const ap::Policy policy = load();
  const auto verdict = ap::evaluate(policy, context(at::kEd1, "refs/heads/main"), kNow);
  BOOST_REQUIRE(verdict.has_value());
  BOOST_TEST(verdict->steps.front() ==
             "rule 'main' (commit, line 4) matches refs/heads/main (first of 2 rules matching)");
  BOOST_TEST(verdict->steps.back().rfind("allow: key SHA256:", 0) == 0);
  auto bot = member(kBot, "refs/heads/bot/x", "member");
  bot.signer.signer_type = "Agent";
  bot.signer.issued_at = kNow;
  bot.signer.expires_at = kNow + 60;
  const auto agent = ap::evaluate(policy, bot, kNow);
  BOOST_REQUIRE(agent.has_value());
  bool said = false;
  for (const auto& step : agent->steps) said = said || step.rfind("expression .auths/bots.json says allow", 0) == 0;
  BOOST_TEST(said);
}

BOOST_AUTO_TEST_CASE(default_allow_and_bad_signers) {
  auto policy = load();
  policy.default_allow = true;
  const auto verdict = ap::evaluate(policy, context(at::kEd1, "refs/notes/x"), kNow);
  BOOST_REQUIRE(verdict.has_value());
  BOOST_TEST(verdict->allow);
  BOOST_TEST(verdict->rule == "");
  const auto bad = ap::evaluate(policy, context("ssh-ed25519 nonsense", "refs/heads/main"), kNow);
  BOOST_TEST(!bad.has_value());
}

BOOST_AUTO_TEST_CASE(expression_alone_is_three_valued) {
  auto compiled = ap::Expression::compile(kExpression);
  BOOST_REQUIRE(compiled.has_value());
  const auto allow = ap::evaluate_expression(*compiled, "bots.json", context(kBot, "refs/heads/bot/x"), kNow);
  BOOST_REQUIRE(allow.has_value());
  BOOST_TEST(allow->outcome == "allow");
  const auto deny = ap::evaluate_expression(*compiled, "bots.json", context(kBot, "refs/heads/main"), kNow);
  BOOST_REQUIRE(deny.has_value());
  BOOST_TEST(deny->outcome == "deny");
  BOOST_TEST(deny->reason == "expression-denied");
  const auto unknown = ap::evaluate_expression(*compiled, "bots.json", context(kBot, ""), kNow);
  BOOST_REQUIRE(unknown.has_value());
  BOOST_TEST(unknown->outcome == "indeterminate");
  BOOST_TEST(!unknown->allow);
}

BOOST_AUTO_TEST_SUITE_END()
