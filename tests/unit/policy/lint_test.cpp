// policy::lint (auths policy lint): the loader's errors with their codes, lockouts, rules no
// ref can reach, identities the registry does not know.
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "auths/policy_lint.h"
#include "policy/lint.h"
#include "policy_test_util.h"
#include "registry/registry.h"

BOOST_AUTO_TEST_SUITE(policy_lint)

namespace ap = auths::policy;
using ap::test::kEd1;
using ap::test::kEd2;
using ap::test::kKeriA;

namespace {

std::string q(const std::string& s) { return "\"" + s + "\""; }

// "version = 1" and a [governance] one key satisfies (lines 1-3): findings come from what follows.
std::string with_governance(const std::string& rest) {
  return "version = 1\n[governance]\nsigners = [" + q(kEd1) + "]\n" + rest;
}

std::string rule(const std::string& name, const std::string& refs, const std::string& extra = "") {
  return "[[policy.commit]]\nname = " + q(name) + "\nrefs = [" + refs + "]\nsigners = [" + q(kEd1) + ", " + q(kEd2) +
         "]\n" + extra;
}

// "severity code where" per finding, and the messages, for one readable comparison.
std::vector<std::string> summary(const std::vector<auths::LintFinding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings)
    out.push_back(std::string(auths::to_string(f.severity)) + " " + f.code + " " + f.where);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(findings_table) {
  struct Case {
    const char* name;
    std::string text;
    std::vector<std::string> expected;  // summary()
    std::string message;                // of the first finding ("" = not checked)
  };
  const std::vector<Case> cases = {
      {"clean", with_governance(rule("main", q("refs/heads/main"))), {}, ""},
      {"syntax", "version = 1\n[governance\n", {"error load p.toml:2"}, ""},
      {"misspelled key",
       with_governance(rule("main", q("refs/heads/main"), "singers = []\n")),
       {"error unknown-key p.toml:8"},
       "unknown key 'singers' in [[policy.commit]] 'main' (did you mean 'signers'?)"},
      {"require above the listed signers",
       with_governance(rule("main", q("refs/heads/main"), "require = 3\n")),
       {"error require-above-signers p.toml:8"},
       "rule 'main' requires 3 signers but lists 2"},
      {"governance without signers",
       "version = 1\n[governance]\nsigners = []\n",
       {"error governance-lockout p.toml:2"},
       "[governance] requires 1 signer but lists 0"},
      {"governance requires more than it lists",
       "version = 1\n[governance]\nsigners = [" + q(kEd1) + "]\nrequire = 2\n",
       {"error governance-lockout p.toml:4"},
       "[governance] requires 2 signers but lists 1"},
      {"no governance", "version = 1\n" + rule("main", q("refs/heads/main")), {"error governance-lockout p.toml"}, ""},
      {"require 2 of 2: met by the signature and an approval",
       with_governance(rule("main", q("refs/heads/main"), "require = 2\n")),
       {},
       ""},
      {"shadowed rule",
       with_governance(rule("all", q("refs/heads/*")) + rule("main", q("refs/heads/main"))),
       {"warning shadowed-rule p.toml:8"},
       "rule 'main' never applies: every ref it names is matched first by rule 'all' (line 4)"},
      {"shadowed by two rules",
       with_governance(rule("a", q("refs/heads/a")) + rule("tags", q("refs/tags/**")) +
                       rule("late", q("refs/heads/a") + ", " + q("refs/tags/v1"))),
       {"warning shadowed-rule p.toml:12"},
       "rule 'late' never applies: every ref it names is matched first by rule 'a' (line 4), 'tags' (line 8)"},
      {"partly covered is reachable",
       with_governance(rule("main", q("refs/heads/main")) +
                       rule("rest", q("refs/heads/main") + ", " + q("refs/heads/*"))),
       {},
       ""},
      {"narrow first, wide later is reachable",
       with_governance(rule("main", q("refs/heads/main")) + rule("all", q("refs/heads/*"))),
       {},
       ""},
      {"a release rule after a commit rule for the same refs",
       with_governance(rule("tags", q("refs/tags/*")) +
                       "[[policy.release]]\nname = \"rel\"\nrefs = [\"refs/tags/v*\"]\n"
                       "signers = [" +
                       q(kEd1) + "]\n"),
       {"warning shadowed-rule p.toml:8"},
       ""},
      // Witness receipts: a witnessed ci branch asks nothing more; a witnessed default branch
      // is a warning (policy changes need receipts too); witnesses that can never sign a
      // receipt (P-256: receipts are Ed25519) refuse every commit: on the default branch a
      // lockout.
      {"witnessed ci branch",
       with_governance("[witness]\nkeys = [" + q(kEd2) + "]\n" +
                       rule("ci", q("refs/heads/ci/*"), "require_log = \"witness\"\n")),
       {},
       ""},
      {"witnessed default branch",
       with_governance("[witness]\nkeys = [" + q(kEd2) + "]\n" +
                       rule("main", q("refs/heads/main"), "require_log = \"witness\"\n")),
       {"warning witness-on-default-branch p.toml:6"},
       ""},
      {"witnesses that cannot sign receipts",
       with_governance("[witness]\nkeys = [" + q(ap::test::kP256) + "]\n" +
                       rule("ci", q("refs/heads/ci/*"), "require_log = \"witness\"\n") +
                       rule("main", q("refs/heads/main"), "require_log = \"witness\"\n")),
       {"warning witness-unmeetable p.toml:6", "error governance-lockout p.toml:11"},
       "rule 'ci' sets require_log = \"witness\", but only 0 of the [witness] keys can sign receipts (Ed25519) and "
       "the threshold is 1: it refuses every commit it judges"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_INFO(c.name);
    const auto findings = ap::lint(c.text, "p.toml", ap::test::FakeTree{}.reader());
    BOOST_TEST(summary(findings) == c.expected, boost::test_tools::per_element());
    if (!c.message.empty() && !findings.empty()) BOOST_TEST(findings.front().message == c.message);
  }
}

BOOST_AUTO_TEST_CASE(report_ok_means_no_error) {
  auths::LintReport report;
  BOOST_TEST(report.ok());
  report.findings.push_back({auths::LintSeverity::kWarning, "shadowed-rule", "m", "p.toml:1"});
  BOOST_TEST(report.ok());
  report.findings.push_back({auths::LintSeverity::kError, "load", "m", "p.toml:1"});
  BOOST_TEST(!report.ok());
}

// With a registry: a did:keri it does not know is a warning, wherever the policy names it.
BOOST_AUTO_TEST_CASE(unknown_identities_with_a_registry) {
  const std::string text = "version = 1\norg = " + q(kKeriA) + "\n[governance]\nsigners = [" + q(kKeriA) + "]\n" +
                           "[[policy.commit]]\nname = \"main\"\nrefs = [\"refs/heads/main\"]\nsigners = [" + q(kKeriA) +
                           "]\n";
  const auths::registry::State empty;
  const auto findings = ap::lint(text, "p.toml", ap::test::FakeTree{}.reader(), &empty);
  BOOST_TEST(summary(findings) ==
                 (std::vector<std::string>{"warning unresolved-identity p.toml", "warning unresolved-identity p.toml:5",
                                           "warning unresolved-identity p.toml"}),
             boost::test_tools::per_element());
  // Without one, nothing is looked up.
  BOOST_TEST(ap::lint(text, "p.toml", ap::test::FakeTree{}.reader()).empty());
}

BOOST_AUTO_TEST_SUITE_END()
