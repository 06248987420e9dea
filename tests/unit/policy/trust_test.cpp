// The policy keys of the trust model (contributions, from), the strictness a record keeps of a
// rule, and the policies refused when pushed because they could never be used.
#include <boost/test/unit_test.hpp>

#include "policy/policy.h"
#include "policy_test_util.h"

namespace auths::policy::test {
BOOST_AUTO_TEST_SUITE(policy_trust)
namespace {

Policy load(const std::string& text, const FakeTree& tree = {}) {
  auto p = parse_policy(text, ".auths/policy.toml", tree.reader());
  BOOST_REQUIRE_MESSAGE(p.has_value(), error_text(p));
  return std::move(p).value();
}

std::string rule(const std::string& name, const std::string& extra) {
  return "[[policy.commit]]\nname = \"" + name + "\"\nrefs = [\"refs/heads/" + name + "\"]\n" + extra + "\n";
}

}  // namespace

BOOST_AUTO_TEST_CASE(contributions_and_from) {
  const Policy p = load("version = 1\n" + rule("a", "signers = [\"" + kEd1 + "\"]") +
                        rule("b", "signers = [\"" + kEd1 +
                                      "\"]\ncontributions = \"signed\"\nfrom = [\"refs/heads/a\", "
                                      "\"refs/heads/release/*\"]") +
                        rule("c", "signers = [\"" + kEd1 + "\"]\ncontributions = \"any\"\nfrom = []"));
  BOOST_TEST((p.rules[0].contributions == Contributions::kKnown));
  BOOST_TEST(!p.rules[0].from.has_value());
  BOOST_TEST((p.rules[1].contributions == Contributions::kSigned));
  BOOST_TEST((*p.rules[1].from == std::vector<std::string>{"refs/heads/a", "refs/heads/release/*"}));
  BOOST_TEST((p.rules[2].contributions == Contributions::kAny));
  BOOST_TEST(p.rules[2].from->empty());
  for (const auto& [extra, line] :
       {std::pair{"contributions = \"everyone\"", 6}, std::pair{"contributions = 1", 6},
        std::pair{"from = [\"refs/tags/v*\"]", 6}, std::pair{"from = \"refs/heads/a\"", 6}}) {
    auto bad = parse_policy("version = 1\n" + rule("a", "signers = [\"" + kEd1 + "\"]\n" + extra), ".auths/policy.toml",
                            FakeTree{}.reader());
    BOOST_TEST(policy_error_at(bad, ".auths/policy.toml:" + std::to_string(line)) == "", extra);
  }
}

BOOST_AUTO_TEST_CASE(strictness_compares_signers_require_contributions_and_restrictions) {
  FakeTree tree;
  tree.files["keys"] = "x@t " + kEd1 + "\nwindowed@t valid-before=\"20300101\" " + kEd2 + "\n";
  const Policy p = load("version = 1\n" + rule("one", "signers = [\"" + kEd1 + "\"]") +
                            rule("two", "signers = [\"" + kEd1 + "\", \"" + kEd2 + "\"]") +
                            rule("any", "signers = [\"" + kEd1 + "\"]\ncontributions = \"any\"") +
                            rule("windowed", "allowed_signers = \"keys\"") +
                            rule("ids", "signers = [\"" + kKeriA + "\", \"" + kEd1 + "\"]"),
                        tree);
  const auto s = [&p](size_t i) { return Strictness::of(p.rules[i]); };
  BOOST_TEST(s(0).at_least_as_strict_as(p.rules[1]));   // one signer of two
  BOOST_TEST(!s(1).at_least_as_strict_as(p.rules[0]));  // a signer the other rule lacks
  BOOST_TEST(!s(2).at_least_as_strict_as(p.rules[0]));  // looser contributions
  BOOST_TEST(s(0).at_least_as_strict_as(p.rules[2]));
  BOOST_TEST(s(0).at_least_as_strict_as(p.rules[4]));
  BOOST_TEST(!s(4).at_least_as_strict_as(p.rules[0]));  // an identity the other rule lacks
  // The same key restricted differently is not the same signer: an unrestricted record does
  // not vouch for a rule that lets the key sign only until 2030, nor the other way round.
  BOOST_TEST(!s(1).at_least_as_strict_as(p.rules[3]));
  BOOST_TEST(!s(3).at_least_as_strict_as(p.rules[1]));
  BOOST_TEST(s(3).at_least_as_strict_as(p.rules[3]));
  // The text form round-trips; anything else vouches for nothing.
  for (size_t i = 0; i < p.rules.size(); ++i) {
    const auto decoded = Strictness::decode(s(i).encode());
    BOOST_REQUIRE(decoded.has_value());
    BOOST_TEST(decoded->encode() == s(i).encode());
  }
  for (const char* bad :
       {"", "v2;require=1;contributions=known;keys=;identities=", "v1;require=x;contributions=known;keys=;identities=",
        "v1;require=1;contributions=some;keys=;identities="}) {
    BOOST_TEST(!Strictness::decode(bad).has_value(), bad);
  }
}

BOOST_AUTO_TEST_CASE(strictness_includes_the_quorum) {
  const std::string two = "signers = [\"" + kEd1 + "\", \"" + kEd2 + "\"]\nrequire = 2";
  const Policy p = load("version = 1\n" + rule("plain", two) + rule("human", two + "\nmin_human = 1") +
                        rule("tolerant", two + "\nmax_reject = 1"));
  const auto s = [&p](size_t i) { return Strictness::of(p.rules[i]); };
  // A tip accepted without a Human does not vouch under min_human = 1; one accepted with a
  // rejection tolerated does not vouch under max_reject = 0.
  BOOST_TEST(!s(0).at_least_as_strict_as(p.rules[1]));
  BOOST_TEST(s(1).at_least_as_strict_as(p.rules[0]));
  BOOST_TEST(!s(2).at_least_as_strict_as(p.rules[0]));
  BOOST_TEST(s(0).at_least_as_strict_as(p.rules[2]));
  for (size_t i = 0; i < p.rules.size(); ++i) {
    const auto decoded = Strictness::decode(s(i).encode());
    BOOST_REQUIRE(decoded.has_value());
    BOOST_TEST(decoded->encode() == s(i).encode());
    BOOST_TEST(decoded->at_least_as_strict_as(p.rules[i]));
  }
  BOOST_TEST(s(0).encode().find("quorum") == std::string::npos);  // records of older rules unchanged
  BOOST_TEST(!Strictness::decode("v1;require=1;contributions=known;keys=;identities=;quorum=x").has_value());
}

BOOST_AUTO_TEST_CASE(namespace_lists_are_told_apart_in_the_text_form) {
  // A key limited to the one namespace "a+b" admits other signatures than the same key limited to
  // "a" and "b": neither record may vouch for the other's rule, whatever characters the names hold.
  FakeTree tree;
  tree.files["joined"] = "x@t namespaces=\"a+b\" " + kEd1 + "\n";
  tree.files["split"] = "x@t namespaces=\"a,b\" " + kEd1 + "\n";
  const Policy p = load(
      "version = 1\n" + rule("joined", "allowed_signers = \"joined\"") + rule("split", "allowed_signers = \"split\""),
      tree);
  BOOST_TEST(!Strictness::of(p.rules[0]).at_least_as_strict_as(p.rules[1]));
  BOOST_TEST(!Strictness::of(p.rules[1]).at_least_as_strict_as(p.rules[0]));
  BOOST_TEST(Strictness::of(p.rules[0]).at_least_as_strict_as(p.rules[0]));
}

BOOST_AUTO_TEST_CASE(unsatisfiable_policies) {
  const std::string main_rule = rule("main", "signers = [\"" + kEd1 + "\", \"" + kEd2 + "\"]");
  BOOST_TEST(unsatisfiable(load("version = 1\n" + main_rule)).has_value());  // no [governance]
  BOOST_TEST(!unsatisfiable(load("version = 1\n" + main_rule + "[governance]\nsigners = [\"" + kEd1 + "\"]\n")));
  // require = 2 is met by a signature and an approval record (engine/quorum.h).
  BOOST_TEST(!unsatisfiable(load("version = 1\n" + main_rule + "[governance]\nsigners = [\"" + kEd1 + "\", \"" + kEd2 +
                                 "\"]\nrequire = 2\n"))
                  .has_value());
  BOOST_TEST(!unsatisfiable(load("version = 1\n" +
                                 rule("main", "signers = [\"" + kEd1 + "\", \"" + kEd2 + "\"]\nrequire = 2") +
                                 "[governance]\nsigners = [\"" + kEd1 + "\"]\n"))
                  .has_value());
  // Witness receipts are verified: a witnessed default branch is satisfiable while its Ed25519
  // witnesses answer. A rule whose witnesses can never sign a receipt (a P-256 key: receipts
  // are Ed25519) refuses every commit on the default branch: no policy change could land after
  // it. Another branch's such rule is no lockout.
  const auto witnessed = [&](const std::string& key) {
    return "version = 1\n[witness]\nkeys = [\"" + key + "\"]\n" +
           rule("main", "signers = [\"" + kEd1 + "\"]\nrequire_log = \"witness\"") + "[governance]\nsigners = [\"" +
           kEd1 + "\"]\n";
  };
  BOOST_TEST(!unsatisfiable(load(witnessed(kEd3)), "refs/heads/main").has_value());
  BOOST_TEST(unsatisfiable(load(witnessed(kP256)), "refs/heads/main").has_value());
  BOOST_TEST(!unsatisfiable(load(witnessed(kP256)), "refs/heads/trunk").has_value());
  BOOST_TEST(!unsatisfiable(load(witnessed(kP256))).has_value());
}

BOOST_AUTO_TEST_CASE(known_signers_and_named_files) {
  FakeTree tree;
  tree.files["keys/allowed"] = "x@t " + kEd3 + "\n";
  tree.files[".auths/inside"] = "y@t " + kEd2 + "\n";
  const Policy p =
      load("version = 1\n" + rule("a", "signers = [\"" + kEd1 + "\"]\nallowed_signers = \"keys/allowed\"") +
               rule("b", "signers = [\"" + kKeriA + "\"]") + "[governance]\nallowed_signers = \".auths/inside\"\n",
           tree);
  for (const auto* key : {&kEd1, &kEd2, &kEd3}) {
    BOOST_TEST(!p.find_known(*crypto::parse_ssh_public_key_line(*key)).empty());
  }
  BOOST_TEST(p.find_known(*crypto::parse_ssh_public_key_line(kP256)).empty());
  BOOST_TEST((p.known_identities() == std::vector<std::string>{kKeriA}));
  // Files under .auths/ are governed anyway; the others are named.
  BOOST_TEST((p.named_files() == std::vector<std::string>{"keys/allowed"}));
}

BOOST_AUTO_TEST_CASE(expression_files_are_named) {
  // An expression outside .auths/ is part of the policy: changing it needs [governance].
  FakeTree tree;
  tree.files["policy/bots.json"] = R"({"op":"IsAgent"})";
  tree.files[".auths/main.json"] = R"({"op":"IsHuman"})";
  const Policy p = load("version = 1\n" + rule("a", "signers = [\"" + kEd1 + "\"]\nexpression = \"policy/bots.json\"") +
                            rule("b", "signers = [\"" + kEd1 + "\"]\nexpression = \".auths/main.json\""),
                        tree);
  BOOST_TEST((p.named_files() == std::vector<std::string>{"policy/bots.json"}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace auths::policy::test
