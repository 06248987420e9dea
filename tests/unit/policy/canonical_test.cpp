// canonical_form / policy_hash: equal for policies that load to the same rules, different for
// any change the hook would judge differently.
#include <string>

#include <boost/test/unit_test.hpp>

#include "policy/canonical.h"
#include "policy_test_util.h"

BOOST_AUTO_TEST_SUITE(policy_canonical)

namespace ap = auths::policy;
using ap::test::kEd1;
using ap::test::kEd2;

namespace {

std::string hash_of(const std::string& text, const ap::test::FakeTree& tree = {}) {
  const auto policy = ap::parse_policy(text, "p.toml", tree.reader());
  BOOST_REQUIRE_MESSAGE(policy.has_value(), ap::test::error_text(policy));
  const auto hash = ap::policy_hash(*policy);
  BOOST_REQUIRE(hash.has_value());
  BOOST_TEST(hash->size() == 64u);
  return *hash;
}

std::string base(const std::string& extra = "", const std::string& signers = "") {
  return "version = 1\n[governance]\nsigners = [\"" + std::string(kEd1) +
         "\"]\n[[policy.commit]]\nname = \"main\"\nrefs = [\"refs/heads/main\"]\nsigners = [" +
         (signers.empty() ? "\"" + std::string(kEd1) + "\", \"" + std::string(kEd2) + "\"" : signers) + "]\n" + extra;
}

}  // namespace

BOOST_AUTO_TEST_CASE(same_rules_same_hash) {
  const std::string h = hash_of(base());
  // Comments, blank lines, signer order and a key written as its did:key change nothing.
  BOOST_TEST(hash_of("# a comment\n\n" + base()) == h);
  BOOST_TEST(hash_of(base("", "\"" + std::string(kEd2) + "\", \"" + std::string(kEd1) + "\"")) == h);
  BOOST_TEST(hash_of(base("", "\"" + ap::test::kEd1DidKey + "\", \"" + std::string(kEd2) + "\"")) == h);
  // Both spellings of one expression give one hash.
  ap::test::FakeTree a;
  a.files[".auths/e.json"] = R"({"op":"And","args":[{"op":"NotRevoked"}]})";
  ap::test::FakeTree b;
  b.files[".auths/e.json"] = R"({"And": ["NotRevoked"]})";
  BOOST_TEST(hash_of(base("expression = \".auths/e.json\"\n"), a) ==
             hash_of(base("expression = \".auths/e.json\"\n"), b));
}

BOOST_AUTO_TEST_CASE(any_judged_change_changes_the_hash) {
  const std::string h = hash_of(base());
  for (const std::string& extra :
       {std::string("allow_force_push = true\n"), std::string("paths = [\"src/**\"]\n"), std::string("max_ttl = 60\n"),
        std::string("allow_ephemeral = true\n"), std::string("contributions = \"signed\"\n")}) {
    BOOST_TEST_INFO(extra);
    BOOST_TEST(hash_of(base(extra)) != h);
  }
  BOOST_TEST(hash_of(base("", "\"" + std::string(kEd1) + "\"")) != h);
  BOOST_TEST(hash_of("default = \"allow\"\n" + base()) != h);
}

BOOST_AUTO_TEST_SUITE_END()
