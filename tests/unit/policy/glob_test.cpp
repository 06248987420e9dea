// glob_match, Policy::match, SignerSet::find and to_string(RuleKind).
#include <chrono>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "crypto/public_key.h"
#include "policy/policy.h"
#include "policy_test_util.h"

BOOST_AUTO_TEST_SUITE(policy_glob)

namespace ap = auths::policy;

namespace {

ap::Rule rule(std::string name, std::vector<std::string> refs) {
  ap::Rule r;
  r.name = std::move(name);
  r.refs = std::move(refs);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(pattern_without_wildcards_matches_exactly) {
  BOOST_TEST(ap::glob_match("refs/heads/main", "refs/heads/main"));
  BOOST_TEST(!ap::glob_match("refs/heads/main", "refs/heads/main2"));
  BOOST_TEST(!ap::glob_match("refs/heads/main", "refs/heads/mai"));
  BOOST_TEST(!ap::glob_match("refs/heads/main", "refs/heads/Main"));
  BOOST_TEST(ap::glob_match("", ""));
  BOOST_TEST(!ap::glob_match("", "refs/heads/main"));
  // Characters that are wildcards elsewhere match themselves here.
  BOOST_TEST(ap::glob_match("refs/heads/[x]+.", "refs/heads/[x]+."));
  BOOST_TEST(!ap::glob_match("refs/heads/[x]", "refs/heads/x"));
}

BOOST_AUTO_TEST_CASE(star_stays_within_one_component) {
  BOOST_TEST(ap::glob_match("refs/heads/*", "refs/heads/main"));
  BOOST_TEST(ap::glob_match("refs/heads/*", "refs/heads/"));  // '*' may match nothing
  BOOST_TEST(!ap::glob_match("refs/heads/*", "refs/heads/feature/x"));
  BOOST_TEST(ap::glob_match("refs/tags/v*", "refs/tags/v1.2.3"));
  BOOST_TEST(!ap::glob_match("refs/tags/v*", "refs/tags/release-1"));
  BOOST_TEST(!ap::glob_match("refs/tags/v*", "refs/tags/v1/hotfix"));
  BOOST_TEST(ap::glob_match("refs/heads/*/wip", "refs/heads/alice/wip"));
  BOOST_TEST(!ap::glob_match("refs/heads/*/wip", "refs/heads/alice/x/wip"));
  BOOST_TEST(ap::glob_match("refs/heads/*-*", "refs/heads/a-b-c"));
  BOOST_TEST(ap::glob_match("refs/heads/release/*", "refs/heads/release/1.0"));
}

BOOST_AUTO_TEST_CASE(double_star_crosses_components) {
  BOOST_TEST(ap::glob_match("refs/heads/**", "refs/heads/main"));
  BOOST_TEST(ap::glob_match("refs/heads/**", "refs/heads/feature/a/b"));
  BOOST_TEST(!ap::glob_match("refs/heads/**", "refs/tags/v1"));
  BOOST_TEST(ap::glob_match("**", "refs/anything/at/all"));
  BOOST_TEST(ap::glob_match("refs/**/main", "refs/heads/main"));
  BOOST_TEST(ap::glob_match("refs/**/main", "refs/remotes/origin/main"));
  // Exactly as documented: "**" matches characters, the slashes around it stay literal.
  BOOST_TEST(!ap::glob_match("refs/**/main", "refs/main"));
  BOOST_TEST(ap::glob_match("refs/heads/***", "refs/heads/a/b"));  // a longer run is "**"
}

BOOST_AUTO_TEST_CASE(question_mark_is_one_non_slash_character) {
  BOOST_TEST(ap::glob_match("refs/tags/v?", "refs/tags/v1"));
  BOOST_TEST(!ap::glob_match("refs/tags/v?", "refs/tags/v10"));
  BOOST_TEST(!ap::glob_match("refs/tags/v?", "refs/tags/v"));
  BOOST_TEST(!ap::glob_match("refs/heads?main", "refs/heads/main"));
  BOOST_TEST(ap::glob_match("refs/tags/v?.?.*", "refs/tags/v1.2.30"));
}

// The literals before the first wildcard are compared first (a fast path): a ref shorter than
// them, or differing in them anywhere, never matches; one equal to them still goes on.
BOOST_AUTO_TEST_CASE(literal_prefix_before_the_first_wildcard) {
  BOOST_TEST(!ap::glob_match("refs/heads/release/*", "refs/heads/rel"));
  BOOST_TEST(!ap::glob_match("refs/heads/release/*", "refs/heads/releasf/1"));
  BOOST_TEST(!ap::glob_match("refs/heads/release/*", "Refs/heads/release/1"));
  BOOST_TEST(ap::glob_match("refs/heads/release/*", "refs/heads/release/"));
  BOOST_TEST(ap::glob_match("?efs/heads/main", "refs/heads/main"));
  BOOST_TEST(ap::glob_match("*", "main"));
  BOOST_TEST(!ap::glob_match("*", "refs/heads/main"));
  BOOST_TEST(!ap::glob_match("refs/tags/v?", "refs/tag"));
}

// A pattern full of stars against a long ref that almost matches: must stay fast (the matcher
// is O(pattern x ref), not exponential).
BOOST_AUTO_TEST_CASE(many_stars_do_not_blow_up) {
  std::string pattern = "refs/";
  for (int i = 0; i < 40; ++i) pattern += "*a";
  pattern += "b";
  const std::string ref = "refs/" + std::string(2000, 'a');
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(!ap::glob_match(pattern, ref));
  std::string double_pattern = "refs/";
  for (int i = 0; i < 40; ++i) double_pattern += "**a";
  double_pattern += "b";
  BOOST_TEST(!ap::glob_match(double_pattern, ref));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  BOOST_TEST((elapsed < std::chrono::seconds(1)));
}

BOOST_AUTO_TEST_CASE(policy_match_is_first_rule_in_order) {
  ap::Policy policy;
  policy.rules.push_back(rule("main", {"refs/heads/main"}));
  policy.rules.push_back(rule("branches", {"refs/heads/**"}));
  policy.rules.push_back(rule("tags", {"refs/tags/x", "refs/tags/v*"}));
  BOOST_TEST(policy.match("refs/heads/main")->name == "main");
  BOOST_TEST(policy.match("refs/heads/feature/x")->name == "branches");
  BOOST_TEST(policy.match("refs/tags/v2")->name == "tags");  // second pattern of the rule
  BOOST_TEST(policy.match("refs/notes/commits") == nullptr);
  BOOST_TEST(policy.match("refs/tags/other") == nullptr);
  BOOST_TEST(ap::Policy{}.match("refs/heads/main") == nullptr);
}

BOOST_AUTO_TEST_CASE(rule_kind_names) {
  BOOST_TEST(std::string(ap::to_string(ap::RuleKind::kCommit)) == "commit");
  BOOST_TEST(std::string(ap::to_string(ap::RuleKind::kRelease)) == "release");
}

// One key may be listed twice (two principals with different restrictions): find returns both.
BOOST_AUTO_TEST_CASE(signer_set_find_returns_every_entry_of_a_key) {
  const auto signers = ap::parse_allowed_signers("a@x " + ap::test::kEd1 + "\n" + "b@x " + ap::test::kEd2 + "\n" +
                                                     "c@x namespaces=\"file\" " + ap::test::kEd1 + "\n",
                                                 "as");
  BOOST_REQUIRE(signers.has_value());
  ap::SignerSet set;
  set.keys = *signers;
  const auto ed1 = auths::crypto::parse_ssh_public_key_line(ap::test::kEd1);
  const auto ed3 = auths::crypto::parse_ssh_public_key_line(ap::test::kEd3);
  BOOST_REQUIRE(ed1.has_value());
  BOOST_REQUIRE(ed3.has_value());
  const auto found = set.find(*ed1);
  BOOST_REQUIRE(found.size() == 2u);
  BOOST_TEST(found[0]->name == "a@x");
  BOOST_TEST(found[1]->name == "c@x");
  BOOST_TEST(set.find(*ed3).empty());
}

// glob_covers: "does the earlier pattern take every ref of the later one?" (policy lint).
BOOST_AUTO_TEST_CASE(glob_covers_cases) {
  struct Case {
    const char* outer;
    const char* inner;
    bool covers;
  };
  for (const Case& c : std::vector<Case>{
           {"refs/heads/main", "refs/heads/main", true},
           {"refs/heads/main", "refs/heads/mai?", false},
           {"refs/heads/*", "refs/heads/main", true},
           {"refs/heads/*", "refs/heads/release-*", true},
           {"refs/heads/*", "refs/heads/rel?", true},
           {"refs/heads/*", "refs/heads/**", false},
           {"refs/heads/*", "refs/heads/a/b", false},
           {"refs/heads/**", "refs/heads/a/*", true},
           {"refs/heads/**", "refs/heads/**", true},
           {"**", "refs/tags/*", true},
           {"refs/heads/?", "refs/heads/*", false},
           {"refs/heads/release-*", "refs/heads/*", false},
           {"refs/heads/a*", "refs/heads/*a", false},
           {"refs/*/main", "refs/heads/main", true},
           {"refs/tags/*", "refs/heads/main", false},
       }) {
    BOOST_TEST_INFO(c.outer << " covers " << c.inner);
    BOOST_TEST(ap::glob_covers(c.outer, c.inner) == c.covers);
  }
}

// Never true wrongly: whenever glob_covers says so, every sample ref the inner pattern matches
// is matched by the outer one.
BOOST_AUTO_TEST_CASE(glob_covers_agrees_with_glob_match) {
  const std::vector<std::string> patterns = {"refs/heads/main", "refs/heads/*",  "refs/heads/**",
                                             "refs/**",         "refs/heads/m*", "refs/heads/*n",
                                             "refs/heads/?a*",  "refs/*/main",   "**",
                                             "refs/heads/a/*",  "refs/tags/v*",  "refs/heads/m?in"};
  const std::vector<std::string> refs = {"refs/heads/main", "refs/heads/man",    "refs/heads/a/b", "refs/heads/a/main",
                                         "refs/tags/v1",    "refs/tags/main",    "refs/heads/",    "refs/heads/xan",
                                         "refs/main",       "refs/heads/m/main", "refs/heads/min", "other"};
  for (const std::string& outer : patterns) {
    for (const std::string& inner : patterns) {
      if (!ap::glob_covers(outer, inner)) continue;
      for (const std::string& ref : refs) {
        BOOST_TEST_INFO(outer << " covers " << inner << ", ref " << ref);
        BOOST_TEST((!ap::glob_match(inner, ref) || ap::glob_match(outer, ref)));
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
