// check_conditions: what a rule asks beyond its signer set, on plain facts (policy/conditions.h).
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "policy/conditions.h"
#include "policy_test_util.h"

BOOST_AUTO_TEST_SUITE(policy_conditions)

namespace ap = auths::policy;
using auths::Reason;

namespace {

constexpr int64_t kNow = 1'800'000'000;

ap::Rule rule() {
  ap::Rule r;
  r.name = "bots";
  r.refs = {"refs/heads/bot/*"};
  return r;
}

ap::SignerFacts agent(int64_t lifetime = 3600) {
  ap::SignerFacts f;
  f.subject = "did:keri:Eagent";
  f.issuer = "did:keri:Ehuman";
  f.delegated_by = "did:keri:Ehuman";
  f.chain_depth = 1;
  f.type = "Agent";
  f.capabilities = std::vector<std::string>{"sign_commit"};
  f.issued_at = kNow - 60;
  f.expires_at = kNow - 60 + lifetime;
  f.credential_lifetime = lifetime;
  return f;
}

ap::ObjectFacts object(std::vector<std::string> paths = {"src/a.c"}) {
  return {"acme/app", "refs/heads/bot/deps", std::move(paths), kNow};
}

std::shared_ptr<const ap::Expression> compile(const std::string& json) {
  auto e = ap::Expression::compile(json);
  BOOST_REQUIRE_MESSAGE(e.has_value(), ap::test::error_text(e));
  return std::make_shared<const ap::Expression>(std::move(e).value());
}

}  // namespace

BOOST_AUTO_TEST_CASE(nothing_asked_nothing_refused) {
  BOOST_TEST((ap::check_conditions(rule(), agent(), object()).code == Reason::kOk));
  ap::SignerFacts key;
  key.subject = "did:key:z6Mk";
  key.listed_key = true;
  BOOST_TEST((ap::check_conditions(rule(), key, object()).code == Reason::kOk));
}

BOOST_AUTO_TEST_CASE(max_ttl) {
  ap::Rule r = rule();
  r.max_ttl = 3600;
  BOOST_TEST((ap::check_conditions(r, agent(3600), object()).code == Reason::kOk));
  BOOST_TEST((ap::check_conditions(r, agent(3601), object()).code == Reason::kTtlExceeded));
  // Not yet expired does not matter: a 24 h credential is refused by a 1 h rule.
  const auto day = ap::check_conditions(r, agent(86400), object());
  BOOST_TEST((day.code == Reason::kTtlExceeded));
  BOOST_TEST(day.detail.find("lives 1d") != std::string::npos);
  BOOST_TEST(day.detail.find("at most 1h") != std::string::npos);
  ap::SignerFacts forever = agent();
  forever.credential_lifetime.reset();
  BOOST_TEST((ap::check_conditions(r, forever, object()).code == Reason::kTtlExceeded));
  ap::SignerFacts key;
  key.subject = "did:key:z6Mk";
  key.listed_key = true;
  BOOST_TEST((ap::check_conditions(r, key, object()).code == Reason::kTtlExceeded));
}

BOOST_AUTO_TEST_CASE(ephemeral) {
  ap::SignerFacts f = agent();
  f.ephemeral = true;
  ap::Rule r = rule();
  BOOST_TEST((ap::check_conditions(r, f, object()).code == Reason::kEphemeralNotAllowed));
  r.allow_ephemeral = true;
  BOOST_TEST((ap::check_conditions(r, f, object()).code == Reason::kOk));
}

BOOST_AUTO_TEST_CASE(paths_restrict_what_signers_change) {
  ap::Rule r = rule();
  r.paths = {"src/**", "docs/*.md"};
  BOOST_TEST((ap::check_conditions(r, agent(), object({"src/a.c", "src/deep/b.c", "docs/x.md"})).code == Reason::kOk));
  const auto outside = ap::check_conditions(r, agent(), object({"src/a.c", ".github/workflows/ci.yml", "x"}));
  BOOST_TEST((outside.code == Reason::kPathNotAllowed));
  BOOST_TEST(outside.detail.find(".github/workflows/ci.yml and 1 more") != std::string::npos);
  BOOST_TEST((ap::check_conditions(r, agent(), object({"docs/sub/x.md"})).code == Reason::kPathNotAllowed));
  // A commit that changes nothing (an empty commit) changes no forbidden path.
  BOOST_TEST((ap::check_conditions(r, agent(), object({})).code == Reason::kOk));
  BOOST_TEST(ap::paths_outside({"src/**"}, {"src/a", "srcx/a", "b"}) == (std::vector<std::string>{"srcx/a", "b"}));
}

BOOST_AUTO_TEST_CASE(witness_log_fails_closed) {
  ap::Rule r = rule();
  r.require_log = ap::LogRequirement::kWitness;
  BOOST_TEST((ap::check_conditions(r, agent(), object()).code == Reason::kWitnessQuorumNotMet));
}

BOOST_AUTO_TEST_CASE(expression_with_every_fact) {
  ap::Rule r = rule();
  r.expression_path = ".auths/bots.json";
  r.expression_text = "x";
  r.expression = compile(R"({"op":"And","args":[{"op":"IsAgent"},{"op":"NotRevoked"},{"op":"NotExpired"},
      {"op":"HasCapability","args":"sign_commit"},{"op":"DelegatedBy","args":"did:keri:Ehuman"},
      {"op":"MaxChainDepth","args":1},{"op":"RepoIs","args":"acme/app"},{"op":"RefMatches","args":"refs/heads/bot/*"},
      {"op":"PathAllowed","args":["src/**"]},{"op":"ExpiresAfter","args":60},{"op":"IssuedWithin","args":3600}]})");
  BOOST_TEST((ap::check_conditions(r, agent(), object()).code == Reason::kOk));
  // Each fact, changed, changes the outcome.
  ap::SignerFacts revoked = agent();
  revoked.revoked = true;
  BOOST_TEST((ap::check_conditions(r, revoked, object()).code == Reason::kExpressionDenied));
  ap::SignerFacts human = agent();
  human.type = "Human";
  BOOST_TEST((ap::check_conditions(r, human, object()).code == Reason::kExpressionDenied));
  ap::SignerFacts deep = agent();
  deep.chain_depth = 2;
  BOOST_TEST((ap::check_conditions(r, deep, object()).code == Reason::kExpressionDenied));
  BOOST_TEST((ap::check_conditions(r, agent(), object({".github/x"})).code == Reason::kExpressionDenied));
  ap::ObjectFacts other_repo = object();
  other_repo.repo = "acme/other";
  BOOST_TEST((ap::check_conditions(r, agent(), other_repo).code == Reason::kExpressionDenied));
  // Unknown facts are indeterminate, and indeterminate is deny.
  ap::ObjectFacts tag = object();
  tag.paths.reset();
  const auto indeterminate = ap::check_conditions(r, agent(), tag);
  BOOST_TEST((indeterminate.code == Reason::kExpressionDenied));
  BOOST_TEST(indeterminate.detail.find("indeterminate") != std::string::npos);
  ap::ObjectFacts no_repo = object();
  no_repo.repo.clear();
  BOOST_TEST((ap::check_conditions(r, agent(), no_repo).code == Reason::kExpressionDenied));
}

BOOST_AUTO_TEST_CASE(capabilities_in_expressions) {
  ap::Rule r = rule();
  r.expression_text = "x";
  r.expression = compile(R"({"op":"HasCapability","args":"sign_release"})");
  BOOST_TEST((ap::check_conditions(r, agent(), object()).code == Reason::kExpressionDenied));
  // An identity's unrestricted grant holds every capability; a key listed directly holds none.
  ap::SignerFacts root;
  root.subject = root.issuer = "did:keri:Eroot";
  root.type = "Human";
  BOOST_TEST((ap::check_conditions(r, root, object()).code == Reason::kOk));
  ap::SignerFacts key;
  key.subject = "did:key:z6Mk";
  key.listed_key = true;
  BOOST_TEST((ap::check_conditions(r, key, object()).code == Reason::kExpressionDenied));
}

BOOST_AUTO_TEST_CASE(durations) {
  BOOST_TEST(ap::format_duration(3600) == "1h");
  BOOST_TEST(ap::format_duration(86400) == "1d");
  BOOST_TEST(ap::format_duration(90) == "90s");
  BOOST_TEST(ap::format_duration(120) == "2m");
}

BOOST_AUTO_TEST_SUITE_END()
