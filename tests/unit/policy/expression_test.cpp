// policy::Expression (Auths expression policies): every predicate's allow, deny and
// indeterminate, And/Or/Not precedence, strict(), the spellings and their one hash, the segment
// glob, every compile limit just under and just over, and errors collected with their paths.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "crypto/blake3.h"
#include "policy/expression.h"
#include "util/bytes.h"
#include "util/strings.h"

BOOST_AUTO_TEST_SUITE(policy_expression)

namespace ap = auths::policy;
using ap::Outcome;
using Limits = auths::ExpressionLimits;

namespace expression_test {

constexpr const char* kAlice = "did:keri:EAlice";
constexpr const char* kBob = "did:keri:EBob";
constexpr const char* kAgent = "did:keri:EAgent";

ap::Expression compiled(const std::string& text) {
  std::vector<std::string> errors;
  auto expression = ap::Expression::compile(text, &errors);
  BOOST_TEST_INFO("text: " << text.substr(0, 200));
  BOOST_REQUIRE_MESSAGE(expression.has_value(), (expression ? "" : expression.error().message));
  BOOST_TEST(errors.empty());
  return std::move(expression).value();
}

std::vector<std::string> errors_of(const std::string& text) {
  std::vector<std::string> errors;
  auto expression = ap::Expression::compile(text, &errors);
  BOOST_TEST_INFO("text: " << text.substr(0, 200));
  BOOST_REQUIRE(!expression.has_value());
  BOOST_TEST(auths::to_string(expression.error().code) == auths::to_string(auths::ErrorCode::kPolicy));
  BOOST_TEST(!errors.empty());
  return errors;
}

// An agent of bob's, at depth 1, with a one-hour grant issued ten minutes ago, on a known ref.
ap::EvalContext context() {
  ap::EvalContext ctx;
  ctx.now = 1'700'000'000;
  ctx.signer_type = "Agent";
  ctx.issuer = kBob;
  ctx.subject = kAgent;
  ctx.delegated_by = kBob;
  ctx.chain_depth = 1;
  ctx.expires_at = ctx.now + 3000;
  ctx.timestamp = ctx.now - 600;
  ctx.capabilities = {"sign_commit", "sign_release"};
  ctx.role = "member";
  ctx.repo = "org/app";
  ctx.git_ref = "refs/heads/bot/fix-1";
  ctx.paths = std::vector<std::string>{"src/a.cpp", "src/lib/b.h"};
  return ctx;
}

struct Case {
  std::string expression;
  std::function<void(ap::EvalContext&)> change;
  Outcome expected;
};

void run_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    ap::EvalContext ctx = context();
    if (c.change) c.change(ctx);
    const ap::Evaluation got = compiled(c.expression).evaluate(ctx);
    BOOST_TEST_INFO("expression " << c.expression << ": " << got.reason);
    BOOST_TEST(ap::to_string(got.outcome) == ap::to_string(c.expected));
  }
}

const auto kNoChange = std::function<void(ap::EvalContext&)>();

// And/Or of `count` leaves, for the node and list limits.
std::string wide(const char* op, size_t count) {
  std::string text = std::string("{\"op\":\"") + op + "\",\"args\":[";
  for (size_t i = 0; i < count; ++i) text += i == 0 ? "\"True\"" : ",\"True\"";
  return text + "]}";
}

// Not nested so that the innermost True is at `depth`.
std::string deep(size_t depth) {
  std::string text;
  for (size_t i = 0; i < depth; ++i) text += "{\"op\":\"Not\",\"args\":";
  text += "\"True\"";
  text += std::string(depth, '}');
  return text;
}

}  // namespace expression_test

using namespace expression_test;  // NOLINT(google-build-using-namespace)

BOOST_AUTO_TEST_CASE(outcomes_print_and_strict_denies_indeterminate) {
  BOOST_TEST(ap::to_string(Outcome::kAllow) == "allow");
  BOOST_TEST(ap::to_string(Outcome::kDeny) == "deny");
  BOOST_TEST(ap::to_string(Outcome::kIndeterminate) == "indeterminate");
  BOOST_TEST(ap::to_string(ap::strict(Outcome::kIndeterminate)) == "deny");
  BOOST_TEST(ap::to_string(ap::strict(Outcome::kAllow)) == "allow");
  BOOST_TEST(ap::to_string(ap::strict(Outcome::kDeny)) == "deny");
}

BOOST_AUTO_TEST_CASE(unit_predicates) {
  run_cases({
      {"\"True\"", kNoChange, Outcome::kAllow},
      {"\"False\"", kNoChange, Outcome::kDeny},
      {"\"NotRevoked\"", kNoChange, Outcome::kAllow},
      {"\"NotRevoked\"", [](auto& c) { c.revoked = true; }, Outcome::kDeny},
      {"\"NotExpired\"", kNoChange, Outcome::kAllow},
      {"\"NotExpired\"", [](auto& c) { c.expires_at.reset(); }, Outcome::kAllow},
      {"\"NotExpired\"", [](auto& c) { c.expires_at = c.now; }, Outcome::kDeny},
      {"\"NotExpired\"", [](auto& c) { c.expires_at = c.now + 1; }, Outcome::kAllow},
      {"\"IsAgent\"", kNoChange, Outcome::kAllow},
      {"\"IsHuman\"", kNoChange, Outcome::kDeny},
      {"\"IsWorkload\"", kNoChange, Outcome::kDeny},
      {"\"IsHuman\"", [](auto& c) { c.signer_type = "Human"; }, Outcome::kAllow},
      {"\"IsWorkload\"", [](auto& c) { c.signer_type = "Workload"; }, Outcome::kAllow},
      {"\"IsAgent\"", [](auto& c) { c.signer_type.reset(); }, Outcome::kDeny},
      {"\"IsHuman\"", [](auto& c) { c.signer_type.reset(); }, Outcome::kDeny},
  });
}

BOOST_AUTO_TEST_CASE(capability_predicates) {
  run_cases({
      {R"({"op":"HasCapability","args":"sign_commit"})", kNoChange, Outcome::kAllow},
      {R"({"op":"HasCapability","args":"manage_members"})", kNoChange, Outcome::kDeny},
      {R"({"op":"HasCapability","args":"sign_commit"})", [](auto& c) { c.capabilities.clear(); }, Outcome::kDeny},
      {R"({"op":"HasAllCapabilities","args":["sign_commit","sign_release"]})", kNoChange, Outcome::kAllow},
      {R"({"op":"HasAllCapabilities","args":["sign_commit","manage_members"]})", kNoChange, Outcome::kDeny},
      {R"({"op":"HasAnyCapability","args":["manage_members","sign_release"]})", kNoChange, Outcome::kAllow},
      {R"({"op":"HasAnyCapability","args":["manage_members","admin"]})", kNoChange, Outcome::kDeny},
  });
}

BOOST_AUTO_TEST_CASE(identity_predicates) {
  run_cases({
      {R"({"op":"IssuerIs","args":"did:keri:EBob"})", kNoChange, Outcome::kAllow},
      {R"({"op":"IssuerIs","args":"did:keri:EAlice"})", kNoChange, Outcome::kDeny},
      {R"({"op":"IssuerIs","args":"did:keri:ebob"})", kNoChange, Outcome::kDeny},  // exact match
      {R"({"op":"IssuerIn","args":["did:keri:EAlice","did:keri:EBob"]})", kNoChange, Outcome::kAllow},
      {R"({"op":"IssuerIn","args":["did:keri:EAlice"]})", kNoChange, Outcome::kDeny},
      {R"({"op":"SubjectIs","args":"did:keri:EAgent"})", kNoChange, Outcome::kAllow},
      {R"({"op":"SubjectIs","args":"did:keri:EBob"})", kNoChange, Outcome::kDeny},
      {R"({"op":"DelegatedBy","args":"did:keri:EBob"})", kNoChange, Outcome::kAllow},
      {R"({"op":"DelegatedBy","args":"did:keri:EAlice"})", kNoChange, Outcome::kDeny},
      {R"({"op":"DelegatedBy","args":"did:keri:EBob"})", [](auto& c) { c.delegated_by.reset(); }, Outcome::kDeny},
      {R"({"op":"MaxChainDepth","args":1})", kNoChange, Outcome::kAllow},
      {R"({"op":"MaxChainDepth","args":0})", kNoChange, Outcome::kDeny},
      {R"({"op":"MaxChainDepth","args":0})", [](auto& c) { c.chain_depth = 0; }, Outcome::kAllow},
      {R"({"op":"RoleIs","args":"member"})", kNoChange, Outcome::kAllow},
      {R"({"op":"RoleIs","args":"admin"})", kNoChange, Outcome::kDeny},
      {R"({"op":"RoleIs","args":"member"})", [](auto& c) { c.role.reset(); }, Outcome::kDeny},
      {R"({"op":"RoleIn","args":["admin","member"]})", kNoChange, Outcome::kAllow},
      {R"({"op":"RoleIn","args":["admin"]})", kNoChange, Outcome::kDeny},
      {R"({"op":"RoleIn","args":["admin","member"]})", [](auto& c) { c.role.reset(); }, Outcome::kDeny},
  });
}

BOOST_AUTO_TEST_CASE(time_predicates) {
  run_cases({
      {R"({"op":"ExpiresAfter","args":3000})", kNoChange, Outcome::kAllow},  // exactly 3000 s left
      {R"({"op":"ExpiresAfter","args":3001})", kNoChange, Outcome::kDeny},
      {R"({"op":"ExpiresAfter","args":0})", [](auto& c) { c.expires_at = c.now - 1; }, Outcome::kDeny},
      {R"({"op":"ExpiresAfter","args":60})", [](auto& c) { c.expires_at.reset(); }, Outcome::kIndeterminate},
      {R"({"op":"IssuedWithin","args":600})", kNoChange, Outcome::kAllow},  // exactly 600 s ago
      {R"({"op":"IssuedWithin","args":599})", kNoChange, Outcome::kDeny},
      {R"({"op":"IssuedWithin","args":0})", [](auto& c) { c.timestamp = c.now + 5; }, Outcome::kAllow},
      {R"({"op":"IssuedWithin","args":600})", [](auto& c) { c.timestamp.reset(); }, Outcome::kIndeterminate},
      // Extreme times saturate instead of overflowing.
      {R"({"op":"ExpiresAfter","args":9007199254740992})",
       [](auto& c) {
         c.now = INT64_MIN;
         c.expires_at = INT64_MAX;
       },
       Outcome::kAllow},
      {R"({"op":"IssuedWithin","args":9007199254740992})",
       [](auto& c) {
         c.now = INT64_MAX;
         c.timestamp = INT64_MIN;
       },
       Outcome::kDeny},
  });
}

BOOST_AUTO_TEST_CASE(scope_predicates) {
  run_cases({
      {R"({"op":"RepoIs","args":"org/app"})", kNoChange, Outcome::kAllow},
      {R"({"op":"RepoIs","args":"org/other"})", kNoChange, Outcome::kDeny},
      {R"({"op":"RepoIs","args":"org/app"})", [](auto& c) { c.repo.reset(); }, Outcome::kIndeterminate},
      {R"({"op":"RepoIn","args":["org/x","org/app"]})", kNoChange, Outcome::kAllow},
      {R"({"op":"RepoIn","args":["org/x"]})", kNoChange, Outcome::kDeny},
      {R"({"op":"RepoIn","args":["org/x"]})", [](auto& c) { c.repo.reset(); }, Outcome::kIndeterminate},
      {R"({"op":"RefMatches","args":"refs/heads/bot/*"})", kNoChange, Outcome::kAllow},
      {R"({"op":"RefMatches","args":"refs/heads/main"})", kNoChange, Outcome::kDeny},
      {R"({"op":"RefMatches","args":"refs/heads/**"})", [](auto& c) { c.git_ref.reset(); }, Outcome::kIndeterminate},
      {R"({"op":"BranchMatches","args":"refs/heads/bot/*"})", kNoChange, Outcome::kAllow},
      {R"({"op":"PathAllowed","args":["src/**"]})", kNoChange, Outcome::kAllow},
      {R"({"op":"PathAllowed","args":["src/*.cpp","src/lib/*"]})", kNoChange, Outcome::kAllow},
      {R"({"op":"PathAllowed","args":["src/*.cpp"]})", kNoChange, Outcome::kDeny},  // src/lib/b.h
      {R"({"op":"PathAllowed","args":["**"]})", [](auto& c) { c.paths.reset(); }, Outcome::kIndeterminate},
      {R"({"op":"PathAllowed","args":["**"]})", [](auto& c) { c.paths->clear(); }, Outcome::kIndeterminate},
  });
}

BOOST_AUTO_TEST_CASE(and_or_not_precedence_with_indeterminate) {
  // "RepoIs" is indeterminate in a context without a repository.
  const auto no_repo = [](ap::EvalContext& c) { c.repo.reset(); };
  const std::string unknown = R"({"op":"RepoIs","args":"org/app"})";
  run_cases({
      {R"({"And":["True","True"]})", kNoChange, Outcome::kAllow},
      {R"({"And":["True","False"]})", kNoChange, Outcome::kDeny},
      {("{\"And\":[" + unknown + ",\"True\"]}"), no_repo, Outcome::kIndeterminate},
      {("{\"And\":[" + unknown + ",\"False\"]}"), no_repo, Outcome::kDeny},  // Deny > Indeterminate
      {("{\"And\":[\"False\"," + unknown + "]}"), no_repo, Outcome::kDeny},
      {R"({"Or":["False","False"]})", kNoChange, Outcome::kDeny},
      {R"({"Or":["False","True"]})", kNoChange, Outcome::kAllow},
      {("{\"Or\":[" + unknown + ",\"False\"]}"), no_repo, Outcome::kIndeterminate},
      {("{\"Or\":[" + unknown + ",\"True\"]}"), no_repo, Outcome::kAllow},  // Allow > Indeterminate
      {R"({"Not":"True"})", kNoChange, Outcome::kDeny},
      {R"({"Not":"False"})", kNoChange, Outcome::kAllow},
      {("{\"Not\":" + unknown + "}"), no_repo, Outcome::kIndeterminate},
      {R"({"Not":{"Not":"True"}})", kNoChange, Outcome::kAllow},
  });
}

BOOST_AUTO_TEST_CASE(reason_names_the_deciding_node_and_its_path) {
  const ap::Expression e =
      compiled(R"({"op":"And","args":["NotRevoked",{"op":"HasCapability","args":"manage_members"},"False"]})");
  const ap::Evaluation denied = e.evaluate(context());
  BOOST_TEST(ap::to_string(denied.outcome) == "deny");
  BOOST_TEST(denied.reason == "root.args[1]: HasCapability(manage_members): not held");

  const ap::Evaluation allowed = compiled(R"({"And":["NotRevoked","IsAgent"]})").evaluate(context());
  BOOST_TEST(allowed.reason == "root: And: all 2 allow");

  ap::EvalContext no_ref = context();
  no_ref.git_ref.reset();
  const ap::Evaluation unknown =
      compiled(R"({"Or":["False",{"And":["True",{"RefMatches":"refs/heads/*"}]}]})").evaluate(no_ref);
  BOOST_TEST(ap::to_string(unknown.outcome) == "indeterminate");
  BOOST_TEST(unknown.reason == "root.args[1].args[1]: RefMatches(refs/heads/*): ref unknown");

  const ap::Evaluation none = compiled(R"({"Or":["False","IsHuman"]})").evaluate(context());
  BOOST_TEST(none.reason == "root: Or: none of 2 allows (first: root.args[0]: False: always)");

  const ap::Evaluation negated = compiled(R"({"Not":"NotRevoked"})").evaluate(context());
  BOOST_TEST(negated.reason == "root: Not: root.args: NotRevoked: not revoked");
  BOOST_TEST(ap::to_string(negated.outcome) == "deny");
}

BOOST_AUTO_TEST_CASE(every_spelling_gives_one_tree_and_one_hash) {
  const ap::Expression adjacent =
      compiled(R"({"op":"And","args":[{"op":"NotRevoked"},{"op":"HasCapability","args":"sign_commit"},)"
               R"({"op":"Not","args":{"op":"IsHuman"}},{"op":"RefMatches","args":"refs/heads/bot/*"}]})");
  const ap::Expression seed = compiled(R"({"And":["NotRevoked",{"HasCapability":"sign_commit"},{"Not":"IsHuman"},)"
                                       R"({"BranchMatches":"refs/heads/bot/*"}]})");
  const ap::Expression spaced = compiled(
      "{ \"args\" : [ \"NotRevoked\", {\"args\":\"sign_commit\", \"op\":\"HasCapability\"},\n"
      " {\"Not\": {\"op\": \"IsHuman\"}}, {\"op\":\"BranchMatches\",\"args\":\"refs/heads/bot/*\"} ], \"op\" : \"And\" "
      "}");
  BOOST_TEST(adjacent.hash() == seed.hash());
  BOOST_TEST(adjacent.hash() == spaced.hash());
  BOOST_TEST(adjacent.canonical() == seed.canonical());
  BOOST_TEST(adjacent.canonical() ==
             R"({"args":[{"op":"NotRevoked"},{"args":"sign_commit","op":"HasCapability"},)"
             R"({"args":{"op":"IsHuman"},"op":"Not"},{"args":"refs/heads/bot/*","op":"RefMatches"}],"op":"And"})");
  const auths::crypto::Blake3Digest digest = auths::crypto::blake3_256(adjacent.canonical());
  BOOST_TEST(adjacent.hash() == auths::util::hex_encode(digest.data(), digest.size()));
  BOOST_TEST(adjacent.hash().size() == 64u);
  BOOST_TEST(adjacent.nodes() == 6u);
  BOOST_TEST(adjacent.depth() == 2u);
  for (const ap::Expression* e : {&adjacent, &seed, &spaced}) {
    BOOST_TEST(ap::to_string(e->evaluate(context()).outcome) == "allow");
  }
  // Another expression, another hash.
  BOOST_TEST(compiled(R"({"And":["NotRevoked","True"]})").hash() != adjacent.hash());
}

BOOST_AUTO_TEST_CASE(predicates_are_sorted_leaves) {
  const ap::Expression e =
      compiled(R"({"Or":[{"And":["NotRevoked",{"HasCapability":"sign_commit"},{"RepoIn":["org/a","org/b"]}]},)"
               R"({"And":[{"Not":"IsHuman"},{"MaxChainDepth":2},"NotRevoked",{"Not":{"Or":["False"]}}]}]})");
  const std::vector<std::string> expected = {
      "False",      "HasCapability(sign_commit)", "MaxChainDepth(2)", "Not(IsHuman)",
      "NotRevoked", "RepoIn([org/a, org/b])"};
  BOOST_TEST(e.predicates() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(segment_glob) {
  struct GlobCase {
    const char* pattern;
    const char* text;
    bool matches;
  };
  const std::vector<GlobCase> cases = {
      {"refs/heads/main", "refs/heads/main", true},
      {"refs/heads/main", "refs/heads/main2", false},
      {"refs//heads/main/", "/refs/heads//main", true},  // empty segments dropped
      {"refs/heads/*", "refs/heads/main", true},
      {"refs/heads/*", "refs/heads/bot/x", false},  // * is one segment
      {"refs/heads/*", "refs/heads", false},
      {"refs/heads/**", "refs/heads/bot/x", true},
      {"refs/heads/**", "refs/heads", true},  // ** is zero or more
      {"**", "", true},
      {"**/*.h", "a/b/c.h", true},
      {"**/*.h", "c.h", true},
      {"**/*.h", "c.cpp", false},
      {"src/**/test/*", "src/test/x", true},
      {"src/**/test/*", "src/a/b/test/x", true},
      {"src/**/test/*", "src/a/b/test", false},
      {"refs/tags/v*", "refs/tags/v1.2", true},
      {"refs/tags/v*", "refs/tags/v", true},  // the * may match nothing
      {"refs/tags/v*", "refs/tags/x1", false},
      {"*.md", "README.md", true},
      {"*.md", "README.txt", false},
      {"refs/heads/*fix*", "refs/heads/hotfix-2", true},
      {"refs/heads/*fix*", "refs/heads/feature", false},
      {"refs/heads/Main", "refs/heads/main", false},
  };
  for (const GlobCase& c : cases) {
    BOOST_TEST_INFO(c.pattern << " ~ " << c.text);
    BOOST_TEST(!ap::segment_glob_error(c.pattern).has_value());
    BOOST_TEST(ap::segment_glob_match(c.pattern, c.text) == c.matches);
  }
  for (const char* bad : {"", "/", "refs/../x", "a..b", "refs/v?", "refs/[ab]", "refs/{a,b}", "a*b", "***", "x**",
                          "*a*b*", "caf\xc3\xa9", "tab\there"}) {
    BOOST_TEST_INFO("pattern " << bad);
    BOOST_TEST(ap::segment_glob_error(bad).has_value());
  }
  BOOST_TEST(!ap::segment_glob_error(std::string(256, 'a')).has_value());
  BOOST_TEST(ap::segment_glob_error(std::string(257, 'a')).has_value());
}

BOOST_AUTO_TEST_CASE(size_limit_is_checked_before_parsing) {
  // Padding with spaces: valid JSON of exactly the limit, then one byte more.
  const std::string core = R"({"op":"True"})";
  const std::string at_limit = core + std::string(Limits::kMaxBytes - core.size(), ' ');
  BOOST_TEST(compiled(at_limit).nodes() == 1u);
  const std::vector<std::string> over = errors_of(at_limit + " ");
  BOOST_TEST(over.size() == 1u);
  BOOST_TEST(over.front() == "root: expression is 65537 bytes (at most 65536)");
  // Over the limit, not even the JSON is looked at.
  BOOST_TEST(errors_of(std::string(Limits::kMaxBytes + 1, '{')).front() ==
             "root: expression is 65537 bytes (at most 65536)");
}

BOOST_AUTO_TEST_CASE(depth_limit) {
  BOOST_TEST(compiled(deep(64)).depth() == 64u);
  const std::vector<std::string> errors = errors_of(deep(65));
  BOOST_TEST(errors.size() == 1u);
  BOOST_TEST(errors.front().find("nested deeper than 64") != std::string::npos);
  BOOST_TEST(errors.front().find("root.args.args") == 0u);
  // Much deeper JSON fails as JSON, still an error.
  BOOST_TEST(errors_of(deep(500)).size() >= 1u);
}

BOOST_AUTO_TEST_CASE(node_and_list_limits) {
  // 256 items: 257 nodes. 1024 nodes: four lists of 255 under one And (1 + 4 + 4*255 = 1025) is
  // one too many; with one item fewer it is exactly 1024.
  BOOST_TEST(compiled(wide("And", 256)).nodes() == 257u);
  const std::vector<std::string> over_list = errors_of(wide("Or", 257));
  BOOST_TEST(over_list.size() == 1u);
  BOOST_TEST(over_list.front() == "root: Or has 257 items (at most 256)");

  const auto four_lists = [](size_t last) {
    return "{\"And\":[" + wide("Or", 255) + "," + wide("Or", 255) + "," + wide("Or", 255) + "," + wide("Or", last) +
           "]}";
  };
  BOOST_TEST(compiled(four_lists(254)).nodes() == 1024u);
  const std::vector<std::string> over_nodes = errors_of(four_lists(255));
  BOOST_TEST(over_nodes.size() == 1u);
  BOOST_TEST(over_nodes.front() == "root: expression has 1025 nodes (at most 1024)");

  std::string names = "{\"HasAnyCapability\":[";
  for (size_t i = 0; i < 257; ++i) names += (i == 0 ? "\"c" : ",\"c") + std::to_string(i) + "\"";
  names += "]}";
  BOOST_TEST(errors_of(names).front() == "root: HasAnyCapability has 257 items (at most 256)");
}

BOOST_AUTO_TEST_CASE(argument_values) {
  BOOST_TEST(compiled(R"({"MaxChainDepth":16})").nodes() == 1u);
  BOOST_TEST(errors_of(R"({"MaxChainDepth":17})").front() == "root: MaxChainDepth takes an integer 0-16, not 17");
  BOOST_TEST(errors_of(R"({"MaxChainDepth":-1})").front() == "root: MaxChainDepth takes an integer 0-16, not -1");
  BOOST_TEST(errors_of(R"({"MaxChainDepth":1.5})").front() ==
             "root: MaxChainDepth takes an integer 0-16, not a number");
  BOOST_TEST(errors_of(R"({"MaxChainDepth":"2"})").front() ==
             "root: MaxChainDepth takes an integer 0-16, not a string");
  BOOST_TEST(compiled(R"({"ExpiresAfter":9007199254740992})").nodes() == 1u);
  BOOST_TEST(errors_of(R"({"ExpiresAfter":9007199254740993})").size() == 1u);
  BOOST_TEST(errors_of(R"({"IssuedWithin":-5})").size() == 1u);
  BOOST_TEST(errors_of(R"({"HasCapability":"Sign_Commit"})").front() ==
             "root: capability \"Sign_Commit\" is not 1-64 characters of a-z 0-9 : _ -");
  BOOST_TEST(compiled("{\"HasCapability\":\"" + std::string(64, 'a') + "\"}").nodes() == 1u);
  BOOST_TEST(errors_of("{\"HasCapability\":\"" + std::string(65, 'a') + "\"}").size() == 1u);
  BOOST_TEST(errors_of(R"({"HasCapability":7})").front() ==
             "root: HasCapability takes a capability name, not a number");
  BOOST_TEST(errors_of(R"({"IssuerIs":""})").size() == 1u);
  BOOST_TEST(errors_of(R"({"IssuerIs":"alice"})").size() == 1u);
  BOOST_TEST(errors_of(R"({"SubjectIs":"did:keri:E x"})").size() == 1u);
  BOOST_TEST(errors_of(R"({"RoleIs":""})").size() == 1u);
  BOOST_TEST(errors_of(R"({"RepoIs":"org/\u0007"})").size() == 1u);
  BOOST_TEST(errors_of(R"({"RefMatches":"refs/heads/../x"})").front() ==
             "root: pattern \"refs/heads/../x\": contains \"..\"");
  BOOST_TEST(errors_of(R"({"PathAllowed":[]})").front() == "root: PathAllowed needs at least one item");
  BOOST_TEST(errors_of(R"({"IssuerIn":"did:keri:EBob"})").front() ==
             "root: IssuerIn takes a list of dids, not a string");
}

BOOST_AUTO_TEST_CASE(malformed_shapes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"op":"Nand","args":[]})", "root: unknown node \"Nand\" (did you mean And?)"},
      {R"({"op":"HasCapabilty","args":"x"})", "root: unknown node \"HasCapabilty\" (did you mean HasCapability?)"},
      {R"({"and":["True"]})", "root: unknown node \"and\" (did you mean And?)"},
      {R"({"op":"And"})", "root: And needs args: a list of expressions"},
      {R"({"op":"And","args":[]})", "root: And needs at least one item"},
      {R"({"Or":[]})", "root: Or needs at least one item"},
      {R"({"op":"And","args":"True"})", "root: And takes a list of expressions, not a string"},
      {R"({"op":"NotRevoked","args":[]})",
       "root: NotRevoked takes no args (write \"NotRevoked\" or {\"op\": \"NotRevoked\"})"},
      {R"({"NotRevoked":null})", "root: NotRevoked takes no args (write \"NotRevoked\")"},
      {R"("HasCapability")", "root: HasCapability needs args: a capability name"},
      {R"({"op":"True","extra":1})", "root: unknown key \"extra\" (only op and args)"},
      {R"({"op":3})", "root: op must be a node name (a string), not a number"},
      {R"({"And":["True"],"Or":["True"]})",
       "root: an expression is {\"op\": <node>, \"args\": ...}, {\"<node>\": <args>} or \"<node>\", not an object with "
       "2 "
       "members and no op"},
      {R"([])",
       "root: an expression is {\"op\": <node>, \"args\": ...}, {\"<node>\": <args>} or \"<node>\", not a list"},
      {R"({"Not":["True"]})", "root: Not takes one expression, not a list"},
      {R"({"op":"True"} x)", ""},  // not JSON: checked by prefix below
      {R"({"HasAllCapabilities":["sign_commit",7]})",
       "root.args[1]: HasAllCapabilities takes a list of capability names, not a number"},
  };
  for (const auto& [text, expected] : cases) {
    const std::vector<std::string> errors = errors_of(text);
    BOOST_TEST_INFO(text);
    if (expected.empty()) {
      BOOST_TEST(errors.front().rfind("root: not valid JSON: ", 0) == 0u);
    } else {
      BOOST_TEST(errors.front() == expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(errors_are_collected_with_their_paths) {
  const std::string text = R"({"op":"And","args":[)"
                           R"({"op":"Or","args":["True",{"op":"RepoIs","args":"org/a"},{"op":"Bogus"}]},)"
                           R"({"HasCapability":"BAD"},)"
                           R"({"Not":{"PathAllowed":["src/**","a*b"]}},)"
                           R"("True"]})";
  std::vector<std::string> errors;
  const auto result = ap::Expression::compile(text, &errors);
  BOOST_REQUIRE(!result.has_value());
  const std::vector<std::string> expected = {
      "root.args[0].args[2]: unknown node \"Bogus\"",
      "root.args[1]: capability \"BAD\" is not 1-64 characters of a-z 0-9 : _ -",
      "root.args[2].args.args[1]: pattern \"a*b\": segment \"a*b\": a * is a whole segment (*, **) or starts or ends "
      "one (prefix*, *suffix, *contains*)",
  };
  BOOST_TEST(errors == expected, boost::test_tools::per_element());
  BOOST_TEST(result.error().message == auths::util::join(expected, "; "));

  // The seed's spelling has the same paths.
  std::vector<std::string> seed_errors;
  const auto seed = ap::Expression::compile(
      R"({"And":[{"Or":["True",{"RepoIs":"org/a"},"Bogus"]},{"HasCapability":"BAD"},"True"]})", &seed_errors);
  BOOST_REQUIRE(!seed.has_value());
  BOOST_TEST(seed_errors.size() == 2u);
  BOOST_TEST(seed_errors.at(0) == expected.at(0));
  BOOST_TEST(seed_errors.at(1) == expected.at(1));

  // More than three: the message shows three and counts the rest.
  const auto many = ap::Expression::compile(R"({"And":["Xyzzy1","Xyzzy2","Xyzzy3","Xyzzy4","Xyzzy5"]})");
  BOOST_REQUIRE(!many.has_value());
  BOOST_TEST(many.error().message ==
             "root.args[0]: unknown node \"Xyzzy1\"; root.args[1]: unknown node \"Xyzzy2\"; root.args[2]: unknown node "
             "\"Xyzzy3\" "
             "(and 2 more)");
}

BOOST_AUTO_TEST_SUITE_END()
