// parse_policy: the policy.toml model, its defaults, and every way a policy is refused.
// Errors are checked by ErrorCode and "<file>:<line>" context, not by message text.
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "crypto/public_key.h"
#include "policy/policy.h"
#include "policy_test_util.h"

BOOST_AUTO_TEST_SUITE(policy_load)

namespace ap = auths::policy;
using ap::test::kEd1;
using ap::test::kEd2;
using ap::test::kEd3;
using ap::test::policy_error_at;

namespace {

auths::Result<ap::Policy> parse(const std::string& text, const ap::test::FakeTree& tree = {}) {
  return ap::parse_policy(text, "p.toml", tree.reader());
}

// TOML basic strings: a key line inside double quotes.
std::string q(const std::string& s) { return "\"" + s + "\""; }

// A complete, valid rule body after its header (3 lines).
std::string rule_body(const std::string& refs = "refs/heads/main") {
  return "refs = [" + q(refs) + "]\n" + "signers = [" + q(kEd1) + "]\n" + "require = 1\n";
}

}  // namespace

BOOST_AUTO_TEST_CASE(minimal_rule_and_defaults) {
  const std::string text =
      "version = 1\n"                   // 1
      "\n"                              // 2
      "[[policy.commit]]\n"             // 3
      "refs = [\"refs/heads/main\"]\n"  // 4
      "signers = [" +
      q(kEd1) + "]\n";  // 5
  const auto policy = parse(text);
  BOOST_REQUIRE_MESSAGE(policy.has_value(), ap::test::error_text(policy));
  BOOST_TEST(policy->version == 1);
  BOOST_TEST(policy->source == "p.toml");
  BOOST_TEST(!policy->default_allow);  // absent = deny
  BOOST_TEST(!policy->governance.has_value());
  BOOST_REQUIRE(policy->rules.size() == 1u);
  const ap::Rule& rule = policy->rules[0];
  BOOST_TEST((rule.kind == ap::RuleKind::kCommit));
  BOOST_TEST(rule.name == "commit[0]");
  BOOST_TEST(rule.line == 3);
  BOOST_TEST(rule.refs == (std::vector<std::string>{"refs/heads/main"}));
  BOOST_TEST(!rule.allow_force_push);
  BOOST_TEST(!rule.allow_delete);
  BOOST_TEST(rule.signers.require == 1);
  BOOST_TEST(rule.signers.allowed_signers_path.empty());
  BOOST_TEST(rule.signers.identities.empty());
  BOOST_REQUIRE(rule.signers.keys.size() == 1u);
  const ap::Signer& signer = rule.signers.keys[0];
  BOOST_TEST(signer.name == "t_ed1@test");  // the key's comment
  BOOST_TEST(signer.origin == "p.toml:5");
  BOOST_TEST((signer.key == *auths::crypto::parse_ssh_public_key_line(kEd1)));
  BOOST_TEST(signer.namespaces.empty());
  BOOST_TEST(!signer.valid_after.has_value());
  // No rule matches -> nullptr; the caller applies default_allow.
  BOOST_TEST(policy->match("refs/heads/dev") == nullptr);
  BOOST_TEST(policy->match("refs/heads/main") == &rule);
}

BOOST_AUTO_TEST_CASE(all_rule_keys) {
  const std::string text =
      "version = 1\n"
      "default = \"deny\"\n"
      "[[policy.release]]\n"
      "name = \"releases\"\n"
      "refs = [\"refs/tags/v*\", \"refs/tags/release/**\"]\n"
      "signers = [" +
      q(kEd1) + ", " + q(kEd2) + ", " + q(ap::test::kKeriA) + "]\n" +
      "require = 2\n"
      "allow_force_push = true\n"
      "allow_delete = true\n";
  const auto policy = parse(text);
  BOOST_REQUIRE_MESSAGE(policy.has_value(), ap::test::error_text(policy));
  const ap::Rule& rule = policy->rules.at(0);
  BOOST_TEST((rule.kind == ap::RuleKind::kRelease));
  BOOST_TEST(rule.name == "releases");
  BOOST_TEST(rule.refs.size() == 2u);
  BOOST_TEST(rule.signers.keys.size() == 2u);
  BOOST_TEST(rule.signers.identities == (std::vector<std::string>{ap::test::kKeriA}));
  BOOST_TEST(rule.signers.require == 2);
  BOOST_TEST(rule.allow_force_push);
  BOOST_TEST(rule.allow_delete);
}

BOOST_AUTO_TEST_CASE(default_allow_and_deny) {
  const std::string rule = "[[policy.commit]]\n" + rule_body();
  BOOST_TEST(parse("version = 1\ndefault = \"allow\"\n" + rule)->default_allow);
  BOOST_TEST(!parse("version = 1\ndefault = \"deny\"\n" + rule)->default_allow);
  BOOST_TEST(!parse("version = 1\n" + rule)->default_allow);
  // A policy with no rules at all is valid: everything falls to the default.
  const auto empty = parse("version = 1\n");
  BOOST_REQUIRE(empty.has_value());
  BOOST_TEST(empty->rules.empty());
  BOOST_TEST(!empty->default_allow);
  BOOST_TEST(policy_error_at(parse("version = 1\ndefault = \"Allow\"\n"), "p.toml:2") == "");
  BOOST_TEST(policy_error_at(parse("version = 1\ndefault = \"permit\"\n"), "p.toml:2") == "");
  BOOST_TEST(policy_error_at(parse("version = 1\ndefault = true\n"), "p.toml:2") == "");
}

// First match wins in file order, across [[policy.commit]] and [[policy.release]]; default
// names count within each array.
BOOST_AUTO_TEST_CASE(rules_keep_file_order_across_arrays) {
  const std::string text =
      "version = 1\n"  // 1
      "[[policy.release]]\n" +
      rule_body("refs/tags/v1") +                             // 2-5
      "[[policy.commit]]\n" + rule_body("refs/heads/**") +    // 6-9
      "[[policy.release]]\n" + rule_body("refs/tags/**") +    // 10-13
      "[[policy.commit]]\n" + rule_body("refs/heads/main") +  // 14-17: shadowed by line 6
      "[[policy.release]]\n" + rule_body("**");               // 18-21: catch-all
  const auto policy = parse(text);
  BOOST_REQUIRE_MESSAGE(policy.has_value(), ap::test::error_text(policy));
  std::vector<std::string> names;
  std::vector<int> lines;
  for (const auto& rule : policy->rules) {
    names.push_back(rule.name);
    lines.push_back(rule.line);
  }
  BOOST_TEST(names == (std::vector<std::string>{"release[0]", "commit[0]", "release[1]", "commit[1]", "release[2]"}));
  BOOST_TEST(lines == (std::vector<int>{2, 6, 10, 14, 18}));
  BOOST_TEST(policy->match("refs/tags/v1")->name == "release[0]");
  BOOST_TEST(policy->match("refs/tags/v2")->name == "release[1]");
  BOOST_TEST(policy->match("refs/heads/main")->name == "commit[0]");
  BOOST_TEST(policy->match("refs/notes/x")->name == "release[2]");
}

// Inline tables: rules written on one line are still ordered as written.
BOOST_AUTO_TEST_CASE(inline_rules_are_ordered_by_position) {
  const std::string rule_a = "{ name = \"a\", refs = [\"refs/heads/**\"], signers = [" + q(kEd1) + "] }";
  const std::string rule_b = "{ name = \"b\", refs = [\"refs/heads/main\"], signers = [" + q(kEd1) + "] }";
  const std::string text =
      "version = 1\n"
      "policy = { release = [" +
      rule_b + "], commit = [" + rule_a + "] }\n";
  const auto policy = parse(text);
  BOOST_REQUIRE_MESSAGE(policy.has_value(), ap::test::error_text(policy));
  BOOST_REQUIRE(policy->rules.size() == 2u);
  BOOST_TEST(policy->rules[0].name == "b");
  BOOST_TEST(policy->rules[1].name == "a");
  BOOST_TEST(policy->match("refs/heads/main")->name == "b");
}

BOOST_AUTO_TEST_CASE(governance) {
  const std::string text =
      "version = 1\n"
      "[governance]\n"
      "signers = [" +
      q(kEd1) + ", " + q(kEd2) + ", " + q(ap::test::kKeriB) + "]\n" + "require = 2\n";
  const auto policy = parse(text);
  BOOST_REQUIRE_MESSAGE(policy.has_value(), ap::test::error_text(policy));
  BOOST_REQUIRE(policy->governance.has_value());
  BOOST_TEST(policy->governance->keys.size() == 2u);
  BOOST_TEST(policy->governance->identities.size() == 1u);
  BOOST_TEST(policy->governance->require == 2);
  BOOST_TEST(policy->rules.empty());

  BOOST_TEST(policy_error_at(parse("version = 1\n[governance]\nrequire = 1\n"), "p.toml:2") == "");  // no signers
  BOOST_TEST(policy_error_at(parse("version = 1\n[governance]\nsigners = [" + q(kEd1) + "]\nrequire = 2\n"),
                             "p.toml:4") == "");
  BOOST_TEST(policy_error_at(parse("version = 1\ngovernance = 1\n"), "p.toml:2") == "");
  BOOST_TEST(
      policy_error_at(parse("version = 1\n[governance]\nsigners = [" + q(kEd1) + "]\nrefs = []\n"), "p.toml:4") == "");
}

BOOST_AUTO_TEST_CASE(version) {
  const std::string rule = "[[policy.commit]]\n" + rule_body();
  BOOST_TEST(policy_error_at(parse(rule), "p.toml:1") == "");  // missing
  BOOST_TEST(policy_error_at(parse(""), "p.toml:1") == "");
  BOOST_TEST(policy_error_at(parse("\n\nversion = 2\n"), "p.toml:3") == "");  // unsupported
  BOOST_TEST(policy_error_at(parse("version = 0\n"), "p.toml:1") == "");
  BOOST_TEST(policy_error_at(parse("version = \"1\"\n"), "p.toml:1") == "");
  BOOST_TEST(policy_error_at(parse("version = 1.0\n"), "p.toml:1") == "");
  // A newer file is refused for its version, not for the keys this version does not know.
  BOOST_TEST(policy_error_at(parse("version = 2\n[witness]\nthreshold = 2\n"), "p.toml:1") == "");
  BOOST_TEST(policy_error_at(parse("org = \"x\"\nversion = 2\n"), "p.toml:2") == "");
}

BOOST_AUTO_TEST_CASE(unknown_keys_at_every_level) {
  const std::string ok_rule = "[[policy.commit]]\n" + rule_body();
  // Top level.
  BOOST_TEST(policy_error_at(parse("version = 1\nversoin = 1\n"), "p.toml:2") == "");
  BOOST_TEST(policy_error_at(parse("version = 1\n[polciy.commit]\nrefs = []\n"), "p.toml:2") == "");
  // [policy].
  BOOST_TEST(policy_error_at(parse("version = 1\n[[policy.comit]]\n" + rule_body()), "p.toml:2") == "");
  BOOST_TEST(policy_error_at(parse("version = 1\n[policy]\nstrict = true\n"), "p.toml:3") == "");
  // A rule table: the typo that must not silently drop the signers.
  const std::string typo =
      "version = 1\n"                   // 1
      "[[policy.commit]]\n"             // 2
      "refs = [\"refs/heads/main\"]\n"  // 3
      "sigers = [" +
      q(kEd1) + "]\n" +                 // 4
      "signers = [" + q(kEd2) + "]\n";  // 5
  const auto r = parse(typo);
  BOOST_TEST(policy_error_at(r, "p.toml:4") == "");
  BOOST_TEST(ap::test::message_of(r).find("'sigers'") != std::string::npos);
  // With the key it most likely meant, and the rule's name when it has one.
  BOOST_TEST(ap::test::message_of(r) == "unknown key 'sigers' in [[policy.commit]] (did you mean 'signers'?)");
  const auto named = parse("version = 1\n[[policy.commit]]\nname = \"main\"\n" + rule_body() + "singers = []\n");
  BOOST_TEST(ap::test::message_of(named) ==
             "unknown key 'singers' in [[policy.commit]] 'main' (did you mean 'signers'?)");
  BOOST_TEST(ap::test::message_of(parse("version = 1\nDefault = \"deny\"\n")) ==
             "unknown key 'Default' (did you mean 'default'?)");
  BOOST_TEST(ap::test::message_of(parse("version = 1\n[governance]\nsigners = [" + q(kEd1) + "]\nthreshold = 1\n")) ==
             "unknown key 'threshold' in [governance]");
  BOOST_TEST(policy_error_at(parse("version = 1\n" + ok_rule + "[[policy.release]]\n" + rule_body() + "Require = 2\n"),
                             "p.toml:10") == "");
  // A sub-table inside a rule is an unknown key of that rule.
  BOOST_TEST(policy_error_at(parse("version = 1\n" + ok_rule + "[policy.commit.extra]\nx = 1\n"), "p.toml:6") == "");
  // [governance].
  BOOST_TEST(policy_error_at(parse("version = 1\n[governance]\nsigners = [" + q(kEd1) + "]\nthreshold = 1\n"),
                             "p.toml:4") == "");
  // Two unknown keys: the one that comes first in the file is reported (toml++ itself iterates
  // keys alphabetically).
  BOOST_TEST(policy_error_at(parse("version = 1\nzzz = 1\naaa = 2\n"), "p.toml:2") == "");
}

// [[policy.ci]], open rules, paths, max_ttl, allow_ephemeral, require_log, [witness], expression.
BOOST_AUTO_TEST_CASE(rule_conditions) {
  ap::test::FakeTree tree;
  tree.files[".auths/bots.json"] = R"({"op":"NotRevoked"})";
  const auto p = parse(
      "version = 1\n"
      "[witness]\nkeys = [" +
          q(kEd2) + ", " + q(kEd3) +
          "]\nthreshold = 2\n"
          "[[policy.ci]]\nname = \"ci\"\nrefs = [\"refs/heads/ci/*\"]\nsigners = [" +
          q(kEd1) +
          "]\nallow_ephemeral = true\nmax_ttl = \"1h\"\nrequire_log = \"witness\"\n"
          "[[policy.commit]]\nname = \"bots\"\nrefs = [\"refs/heads/bot/*\"]\nsigners = [" +
          q(kEd1) +
          "]\npaths = [\"src/**\", \"docs/*.md\"]\nmax_ttl = 86400\nexpression = \".auths/bots.json\"\n"
          "[[policy.commit]]\nname = \"scratch\"\nrefs = [\"refs/heads/scratch/**\"]\nopen = \"any\"\n"
          "[[policy.commit]]\nname = \"signed\"\nrefs = [\"refs/heads/wip/**\"]\nopen = \"signed\"\n",
      tree);
  BOOST_REQUIRE_MESSAGE(p.has_value(), ap::test::error_text(p));
  BOOST_REQUIRE(p->witness.has_value());
  BOOST_TEST(p->witness->keys.size() == 2u);
  BOOST_TEST(p->witness->threshold == 2);
  BOOST_REQUIRE(p->rules.size() == 4u);
  const ap::Rule& ci = p->rules[0];
  BOOST_TEST((ci.kind == ap::RuleKind::kCi));
  BOOST_TEST(std::string(ap::to_string(ci.kind)) == "ci");
  BOOST_TEST(ci.allow_ephemeral);
  BOOST_TEST(ci.max_ttl.value_or(0) == 3600);
  BOOST_TEST((ci.require_log == ap::LogRequirement::kWitness));
  BOOST_TEST(!ci.open.has_value());
  const ap::Rule& bots = p->rules[1];
  BOOST_TEST(bots.paths == (std::vector<std::string>{"src/**", "docs/*.md"}));
  BOOST_TEST(bots.max_ttl.value_or(0) == 86400);
  BOOST_TEST(!bots.allow_ephemeral);  // off unless the rule says so
  BOOST_TEST(bots.expression_path == ".auths/bots.json");
  BOOST_TEST(bots.expression_text == R"({"op":"NotRevoked"})");
  BOOST_TEST(bots.needs_paths());
  BOOST_TEST((p->rules[2].open == ap::Contributions::kAny));
  BOOST_TEST((p->rules[2].contributions == ap::Contributions::kAny));
  BOOST_TEST(p->rules[2].signers.keys.empty());
  BOOST_TEST((p->rules[3].open == ap::Contributions::kSigned));
  BOOST_TEST((p->rules[3].contributions == ap::Contributions::kSigned));
  // Strictness: records vouch only for a rule with the same conditions.
  ap::Rule looser = bots;
  looser.paths.clear();
  BOOST_TEST(!ap::Strictness::of(looser).at_least_as_strict_as(bots));
  looser = bots;
  looser.max_ttl = 86401;
  BOOST_TEST(!ap::Strictness::of(looser).at_least_as_strict_as(bots));
  BOOST_TEST(ap::Strictness::of(bots).at_least_as_strict_as(bots));
  const auto decoded = ap::Strictness::decode(ap::Strictness::of(bots).encode());
  BOOST_REQUIRE(decoded.has_value());
  BOOST_TEST(decoded->at_least_as_strict_as(bots));
}

BOOST_AUTO_TEST_CASE(rule_conditions_refused) {
  const std::string head = "version = 1\n[[policy.commit]]\n" + rule_body();  // line 6 is the key
  const std::vector<std::string> bad_lines = {
      "max_ttl = \"1w\"",
      "max_ttl = \"h\"",
      "max_ttl = 0",
      "max_ttl = \"-1h\"",
      "max_ttl = 1.5",
      "paths = []",
      "paths = [\"/etc\"]",
      "paths = [\"a\", \"a\"]",
      "paths = \"src\"",
      "allow_ephemeral = 1",
      "require_log = \"rekor\"",
      "require_log = \"witness\"",
      "expression = \".auths/missing.json\"",
      "expression = \"../x.json\"",
      "expression = 3",
      "open = \"any\"",  // beside signers
  };
  for (const auto& line : bad_lines) {
    BOOST_TEST_INFO(line);
    BOOST_TEST(policy_error_at(parse(head + line + "\n"), "p.toml:6") == "");
  }
  // open: not on releases, only "signed" or "any", never with contributions = "known".
  BOOST_TEST(policy_error_at(parse("version = 1\n[[policy.release]]\nrefs = [\"refs/tags/*\"]\nopen = \"any\"\n"),
                             "p.toml:4") == "");
  BOOST_TEST(policy_error_at(parse("version = 1\n[[policy.commit]]\nrefs = [\"refs/heads/*\"]\nopen = \"yes\"\n"),
                             "p.toml:4") == "");
  BOOST_TEST(policy_error_at(parse("version = 1\n[[policy.commit]]\nrefs = [\"refs/heads/*\"]\nopen = "
                                   "\"signed\"\ncontributions = \"known\"\n"),
                             "p.toml:5") == "");
  // [witness]: keys required, valid, distinct; threshold within 1..keys; no unknown keys.
  for (const std::string& witness : std::vector<std::string>{
           std::string("[witness]\nkeys = []\n"), "[witness]\nkeys = [\"nope\"]\n",
           "[witness]\nkeys = [" + q(kEd1) + ", " + q(kEd1) + "]\n",
           "[witness]\nkeys = [" + q(kEd1) + "]\nthreshold = 2\n",
           "[witness]\nkeys = [" + q(kEd1) + "]\nthreshold = 0\n", "[witness]\nkeys = [" + q(kEd1) + "]\nurl = \"x\"\n",
           std::string("[witness]\nthreshold = 1\n")}) {
    BOOST_TEST_INFO(witness);
    const auto r = parse("version = 1\n" + witness);
    BOOST_TEST(!r.has_value());
    BOOST_TEST((r.error().code == auths::ErrorCode::kPolicy));
  }
}

// org, roles, teams, capabilities, signer_types: loaded, checked, and the kind's default
// capability for members.
BOOST_AUTO_TEST_CASE(org_conditions) {
  const std::string org = "org = " + q(ap::test::kKeriA) + "\n";
  const auto p = parse("version = 1\n" + org +
                       "[[policy.commit]]\nname = \"main\"\nrefs = [\"refs/heads/main\"]\nroles = [\"member\", "
                       "\"admin\"]\nsigner_types = [\"Human\"]\n"
                       "[[policy.release]]\nname = \"rel\"\nrefs = [\"refs/tags/v*\"]\nteams = [\"release\"]\n"
                       "[[policy.commit]]\nname = \"bots\"\nrefs = [\"refs/heads/bot/*\"]\nsigners = [" +
                       q(ap::test::kKeriA) +
                       "]\ncapabilities = [\"sign_commit\"]\n"
                       "[governance]\nroles = [\"admin\"]\n");
  BOOST_REQUIRE(p.has_value());
  BOOST_TEST(p->org == ap::test::kKeriA);
  const auto& main = p->rules[0].signers;
  BOOST_TEST((main.roles == std::vector<std::string>{"admin", "member"}));
  BOOST_TEST((main.signer_types == std::vector<std::string>{"Human"}));
  BOOST_TEST((main.capabilities == std::vector<std::string>{"sign_commit"}));  // the default for commits
  BOOST_TEST(!main.capabilities_explicit);
  BOOST_TEST(main.org == ap::test::kKeriA);
  BOOST_TEST(main.needs_registry());
  BOOST_TEST((p->rules[1].signers.capabilities == std::vector<std::string>{"sign_release"}));
  BOOST_TEST((p->rules[2].signers.capabilities_explicit));
  BOOST_TEST((p->governance->capabilities == std::vector<std::string>{"manage_members"}));
  BOOST_TEST(p->known_set().any_member);
  // A named identity alone needs no capability unless the rule says so.
  const auto named = parse("version = 1\n" + org + "[[policy.commit]]\nrefs = [\"refs/heads/*\"]\nsigners = [" +
                           q(ap::test::kKeriA) + "]\n");
  BOOST_REQUIRE(named.has_value());
  BOOST_TEST(named->rules[0].signers.capabilities.empty());
  BOOST_TEST(!named->known_set().any_member);

  // Mistakes, each on line 4.
  const std::string head = "version = 1\n" + org + "[[policy.commit]]\n";
  for (const std::string& line :
       {std::string("roles = [\"owner\"]"), std::string("roles = []"), std::string("roles = \"admin\""),
        std::string("teams = [\"Core\"]"), std::string("capabilities = [\"sign commit\"]"),
        std::string("signer_types = [\"human\"]"), std::string("roles = [\"admin\", \"admin\"]")}) {
    BOOST_TEST_INFO(line);
    BOOST_TEST(policy_error_at(parse(head + line + "\nrefs = [\"refs/heads/*\"]\n"), "p.toml:4") == "");
  }
  // Roles without an org to look members up in.
  const auto orphan = parse("version = 1\n[[policy.commit]]\nrefs = [\"refs/heads/*\"]\nroles = [\"admin\"]\n");
  BOOST_TEST(policy_error_at(orphan, "p.toml:4") == "");
  BOOST_TEST(ap::test::message_of(orphan).find("names no 'org") != std::string::npos);
  BOOST_TEST(policy_error_at(parse("version = 1\norg = \"did:keri:nope\"\n"), "p.toml:2") == "");
  // A rule with nothing to select anyone.
  BOOST_TEST(policy_error_at(parse(head + "refs = [\"refs/heads/*\"]\nsigner_types = [\"Human\"]\n"), "p.toml:3") ==
             "");
}

// Records made under other org conditions never vouch; records without any read as before.
BOOST_AUTO_TEST_CASE(strictness_org_conditions) {
  const std::string org = "org = " + q(ap::test::kKeriA) + "\n";
  const auto rule_of = [&](const std::string& extra) {
    auto p = parse("version = 1\n" + org + "[[policy.commit]]\nrefs = [\"refs/heads/*\"]\nsigners = [" +
                   q(ap::test::kKeriA) + "]\n" + extra);
    BOOST_REQUIRE(p.has_value());
    return p->rules[0];
  };
  const auto plain = ap::Strictness::of(rule_of(""));
  const auto humans = ap::Strictness::of(rule_of("signer_types = [\"Human\"]\n"));
  const auto members = ap::Strictness::of(rule_of("roles = [\"member\"]\n"));
  BOOST_TEST(plain.org_conditions.empty());
  BOOST_TEST(!plain.at_least_as_strict_as(humans));
  BOOST_TEST(!humans.at_least_as_strict_as(plain));
  BOOST_TEST(!members.at_least_as_strict_as(humans));
  BOOST_TEST(humans.at_least_as_strict_as(humans));
  const auto back = ap::Strictness::decode(humans.encode());
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->at_least_as_strict_as(humans));
  BOOST_TEST(back->org_conditions == humans.org_conditions);
  const auto old = ap::Strictness::decode(plain.encode());
  BOOST_REQUIRE(old.has_value());
  BOOST_TEST(plain.encode().find(";org=") == std::string::npos);
  BOOST_TEST(!ap::Strictness::decode(plain.encode() + ";org=").has_value());
}

// Each case is one key of a rule on line 3; the rule's other keys keep valid values.
BOOST_AUTO_TEST_CASE(wrong_types_and_values) {
  struct Case {
    std::string line;
    const char* why;
  };
  const std::vector<Case> cases = {
      {"require = \"2\"", "a string is not an integer"},
      {"require = 1.0", "a float is not an integer"},
      {"require = true", "a boolean is not an integer"},
      {"require = 0", "at least one signer"},
      {"require = -1", "negative"},
      {"require = 2", "more than the one listed signer"},
      {"require = 9223372036854775807", "far more than listed"},
      {"refs = \"refs/heads/main\"", "refs is an array"},
      {"refs = []", "refs must not be empty"},
      {"refs = [1]", "patterns are strings"},
      {"refs = [\"main\"]", "a pattern that cannot match a ref"},
      {"refs = [\"\"]", "an empty pattern"},
      {"refs = [\"heads/**\"]", "not under refs/"},
      {"refs = { main = true }", "a table is not an array"},
      {"signers = " + q(kEd2), "signers is an array"},
      {"signers = [1]", "signer entries are strings"},
      {"signers = [[\"x\"]]", "no nested arrays"},
      {"name = 1", "name is a string"},
      {"name = \"\"", "name is not empty"},
      {"name = \"a\\u0007b\"", "name is printable"},
      {"allow_force_push = \"yes\"", "booleans are booleans"},
      {"allow_delete = 1", "booleans are booleans"},
      {"allowed_signers = 1", "a path is a string"},
      {"allowed_signers = [\"a\"]", "one path"},
      {"allowed_signers = \"/etc/allowed_signers\"", "absolute path"},
      {"allowed_signers = \".auths/../../x\"", "path leaving the tree"},
      {"allowed_signers = \"\"", "empty path"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_INFO(c.line << " (" << c.why << ")");
    std::string text = "version = 1\n[[policy.commit]]\n" + c.line + "\n";
    if (!c.line.starts_with("refs")) text += "refs = [\"refs/heads/main\"]\n";
    if (!c.line.starts_with("signers")) text += "signers = [" + q(kEd1) + "]\n";
    BOOST_TEST(policy_error_at(parse(text), "p.toml:3") == "");
  }
}

// The same cases, without a duplicate key, so that the reported line is exact.
BOOST_AUTO_TEST_CASE(wrong_types_report_the_value_line) {
  const auto rule_with = [](const std::string& refs, const std::string& signers, const std::string& extra) {
    return "version = 1\n"        // 1
           "[[policy.commit]]\n"  // 2
           "refs = " +
           refs + "\n" +                    // 3
           "signers = " + signers + "\n" +  // 4
           extra + "\n";                    // 5
  };
  const std::string ok_refs = "[\"refs/heads/main\"]";
  const std::string ok_signers = "[" + q(kEd1) + "]";
  BOOST_TEST(policy_error_at(parse(rule_with("\"refs/heads/main\"", ok_signers, "")), "p.toml:3") == "");
  BOOST_TEST(policy_error_at(parse(rule_with("[]", ok_signers, "")), "p.toml:3") == "");
  BOOST_TEST(policy_error_at(parse(rule_with("[\"refs/heads/a\",\n\"main\"]", ok_signers, "")), "p.toml:4") == "");
  BOOST_TEST(policy_error_at(parse(rule_with(ok_refs, q(kEd1), "")), "p.toml:4") == "");
  BOOST_TEST(policy_error_at(parse(rule_with(ok_refs, ok_signers, "require = \"2\"")), "p.toml:5") == "");
  BOOST_TEST(policy_error_at(parse(rule_with(ok_refs, ok_signers, "require = 0")), "p.toml:5") == "");
  BOOST_TEST(policy_error_at(parse(rule_with(ok_refs, ok_signers, "require = 2")), "p.toml:5") == "");
  BOOST_TEST(policy_error_at(parse(rule_with(ok_refs, ok_signers, "allow_delete = \"no\"")), "p.toml:5") == "");
  BOOST_TEST(policy_error_at(parse(rule_with(ok_refs, ok_signers, "name = 7")), "p.toml:5") == "");
  // [policy.commit] written as a single table, or as a value of the wrong type.
  BOOST_TEST(policy_error_at(parse("version = 1\n[policy.commit]\n" + rule_body()), "p.toml:2") == "");
  BOOST_TEST(policy_error_at(parse("version = 1\n[policy]\nrelease = [1, 2]\n"), "p.toml:3") == "");
  BOOST_TEST(policy_error_at(parse("version = 1\npolicy = \"strict\"\n"), "p.toml:2") == "");
}

BOOST_AUTO_TEST_CASE(missing_refs_and_missing_signers) {
  BOOST_TEST(policy_error_at(parse("version = 1\n\n[[policy.commit]]\nsigners = [" + q(kEd1) + "]\n"), "p.toml:3") ==
             "");
  BOOST_TEST(policy_error_at(parse("version = 1\n[[policy.release]]\nrefs = [\"refs/tags/*\"]\nrequire = 1\n"),
                             "p.toml:2") == "");
  // An empty signer list is a source, but with nothing in it no push could ever pass.
  BOOST_TEST(policy_error_at(parse("version = 1\n[[policy.release]]\nrefs = [\"refs/tags/*\"]\nsigners = []\n"),
                             "p.toml:2") == "");
}

BOOST_AUTO_TEST_CASE(signer_entries) {
  const std::string text =
      "version = 1\n"                   // 1
      "[[policy.commit]]\n"             // 2
      "refs = [\"refs/heads/main\"]\n"  // 3
      "signers = [\n"                   // 4
      "  " +
      q(kEd1) + ",\n" +                                   // 5
      "  " + q(ap::test::kP256DidKey) + ",\n" +           // 6
      "  " + q(ap::test::kKeriA) + ",\n" +                // 7
      "  " + q(ap::test::kEdNoComment) + ",\n" +          // 8
      "  " + q(ap::test::kRsa2048 + " ci bot") + ",\n" +  // 9: a comment with a blank
      "  " + q("  " + kEd3 + "  ") + ",\n" +              // 10: surrounding blanks
      "]\n"
      "require = 6\n";
  const auto policy = parse(text);
  BOOST_REQUIRE_MESSAGE(policy.has_value(), ap::test::error_text(policy));
  const ap::SignerSet& set = policy->rules.at(0).signers;
  BOOST_REQUIRE(set.keys.size() == 5u);
  BOOST_TEST(set.keys[0].name == "t_ed1@test");
  BOOST_TEST(set.keys[0].origin == "p.toml:5");
  BOOST_TEST(set.keys[1].name == ap::test::kP256DidKey);
  BOOST_TEST(set.keys[1].origin == "p.toml:6");
  BOOST_TEST((set.keys[1].key == *auths::crypto::parse_ssh_public_key_line(ap::test::kP256)));
  BOOST_TEST(set.keys[2].name == ap::test::kEdNoCommentFingerprint);
  BOOST_TEST(set.keys[3].name == "ci bot");
  BOOST_TEST(set.keys[4].name == "t_ed3@test");
  BOOST_TEST(set.identities == (std::vector<std::string>{ap::test::kKeriA}));
  BOOST_TEST(set.require == 6);
}

BOOST_AUTO_TEST_CASE(bad_signer_entries_name_their_line) {
  const std::vector<std::string> bad = {
      "did:keri:Eshort",                          // too short
      "did:keri:" + std::string(44, 'A'),         // does not start with E
      "did:keri:E" + std::string(42, 'A') + "+",  // not base64url
      "did:keri:E" + std::string(44, 'A'),        // too long
      "did:key:z6MkNOTBASE58!",
      "did:key:" + ap::test::kEd1DidKey.substr(8, 20),  // truncated
      "did:web:example.org",                            // another DID method
      "alice@example.org",
      "alice@example.org " + kEd1,  // an allowed_signers line
      "ssh-ed25519 AAAA!!",
      ap::test::kP384,
      ap::test::kRsa1024,
      "",
  };
  for (const std::string& entry : bad) {
    BOOST_TEST_INFO("entry '" << entry << "'");
    const std::string text =
        "version = 1\n"
        "[[policy.commit]]\n"
        "refs = [\"refs/heads/main\"]\n"
        "signers = [\n" +
        q(kEd1) + ",\n" +   // 5
        q(entry) + ",\n" +  // 6
        "]\n";
    BOOST_TEST(policy_error_at(parse(text), "p.toml:6") == "");
  }
}

// require counts distinct signers: a key listed as an SSH line and as its did:key is one.
BOOST_AUTO_TEST_CASE(require_counts_distinct_signers) {
  const auto rule = [](const std::string& signers, int require) {
    return "version = 1\n[[policy.commit]]\nrefs = [\"refs/heads/main\"]\nsigners = [" + signers + "]\n" +
           "require = " + std::to_string(require) + "\n";
  };
  BOOST_TEST(parse(rule(q(kEd1) + ", " + q(kEd2), 2)).has_value());
  BOOST_TEST(policy_error_at(parse(rule(q(kEd1) + ", " + q(ap::test::kEd1DidKey), 2)), "p.toml:5") == "");
  BOOST_TEST(policy_error_at(parse(rule(q(kEd1) + ", " + q(kEd1), 2)), "p.toml:5") == "");
  BOOST_TEST(parse(rule(q(kEd1) + ", " + q(ap::test::kKeriA) + ", " + q(ap::test::kKeriB), 3)).has_value());
  BOOST_TEST(policy_error_at(parse(rule(q(ap::test::kKeriA) + ", " + q(ap::test::kKeriA), 2)), "p.toml:5") == "");
}

BOOST_AUTO_TEST_CASE(allowed_signers_file) {
  ap::test::FakeTree tree;
  tree.files[".auths/allowed_signers"] =
      "# team\n"
      "alice@x namespaces=\"git\" " +
      kEd2 + "\n" + "bob@x valid-before=\"20300101Z\" " + kEd3 + "\n";
  const std::string text =
      "version = 1\n"
      "[[policy.commit]]\n"
      "name = \"main\"\n"
      "refs = [\"refs/heads/main\"]\n"
      "signers = [" +
      q(kEd1) + "]\n" +
      "allowed_signers = \".auths/allowed_signers\"\n"
      "require = 3\n"
      "[[policy.commit]]\n"
      "name = \"other\"\n"
      "refs = [\"refs/heads/**\"]\n"
      "allowed_signers = \".auths/allowed_signers\"\n"
      "[governance]\n"
      "allowed_signers = \".auths/allowed_signers\"\n";
  const auto policy = parse(text, tree);
  BOOST_REQUIRE_MESSAGE(policy.has_value(), ap::test::error_text(policy));
  const ap::SignerSet& set = policy->rules.at(0).signers;
  BOOST_TEST(set.allowed_signers_path == ".auths/allowed_signers");
  BOOST_REQUIRE(set.keys.size() == 3u);
  BOOST_TEST(set.keys[0].origin == "p.toml:5");  // inline signers first
  BOOST_TEST(set.keys[1].name == "alice@x");
  BOOST_TEST(set.keys[1].origin == ".auths/allowed_signers:2");
  BOOST_TEST(set.keys[1].namespaces == (std::vector<std::string>{"git"}));
  BOOST_TEST(set.keys[2].valid_before.has_value());
  BOOST_TEST(policy->rules.at(1).signers.keys.size() == 2u);
  BOOST_TEST(policy->governance->keys.size() == 2u);
  BOOST_TEST((*tree.reads_of)[".auths/allowed_signers"] == 1);  // read once, used three times
}

BOOST_AUTO_TEST_CASE(roots_entry_reads_the_committed_trust_roots) {
  const std::string text =
      "version = 1\n"
      "[[policy.commit]]\n"
      "name = \"main\"\n"
      "refs = [\"refs/heads/main\"]\n"
      "signers = [\"roots\", " +
      q(kEd1) + "]\n" +
      "[governance]\n"
      "signers = [\"roots\"]\n";
  ap::test::FakeTree tree;
  tree.files[".auths/roots"] =
      "# pinned by the Auths CLI\n\n" + ap::test::kKeriA + "\n  " + ap::test::kKeriB + "  \n" + ap::test::kKeriA + "\n";
  tree.files[".auths/ci-bundle.json"] = "{\"bundle\": 1}";
  const auto policy = parse(text, tree);
  BOOST_REQUIRE_MESSAGE(policy.has_value(), ap::test::error_text(policy));
  // Each identity of the file once, in file order, beside the other entries.
  BOOST_TEST(policy->rules.at(0).signers.identities == (std::vector<std::string>{ap::test::kKeriA, ap::test::kKeriB}));
  BOOST_TEST(policy->rules.at(0).signers.keys.size() == 1u);
  BOOST_TEST(policy->governance->identities == (std::vector<std::string>{ap::test::kKeriA, ap::test::kKeriB}));
  // The bundle is carried as read, for the engine to verify.
  BOOST_TEST((policy->bundle == std::optional<std::string>("{\"bundle\": 1}")));

  // Missing, empty, or holding something else than did:keri lines: the policy does not load.
  ap::test::FakeTree none;
  BOOST_TEST(policy_error_at(parse(text, none), "p.toml:5") == "");
  ap::test::FakeTree empty;
  empty.files[".auths/roots"] = "# nobody\n";
  BOOST_TEST(policy_error_at(parse(text, empty), "p.toml:5") == "");
  ap::test::FakeTree wrong;
  wrong.files[".auths/roots"] = ap::test::kKeriA + "\ndid:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\n";
  BOOST_TEST(policy_error_at(parse(text, wrong), ".auths/roots:2") == "");
  // No bundle in the tree: none carried.
  BOOST_TEST(!parse(text, empty).has_value());
  ap::test::FakeTree only_roots;
  only_roots.files[".auths/roots"] = ap::test::kKeriA + "\n";
  const auto without = parse(text, only_roots);
  BOOST_REQUIRE(without.has_value());
  BOOST_TEST(!without->bundle.has_value());
}

BOOST_AUTO_TEST_CASE(allowed_signers_errors) {
  const std::string text =
      "version = 1\n"                                    // 1
      "[[policy.commit]]\n"                              // 2
      "refs = [\"refs/heads/main\"]\n"                   // 3
      "allowed_signers = \".auths/allowed_signers\"\n";  // 4
  // Absent from the tree: the policy line.
  const auto absent = parse(text);
  BOOST_TEST(policy_error_at(absent, "p.toml:4") == "");
  BOOST_TEST(ap::test::message_of(absent).find("'.auths/allowed_signers' not found") != std::string::npos);
  // A bad line inside the file: that file's name and line.
  ap::test::FakeTree tree;
  tree.files[".auths/allowed_signers"] = "a@x " + kEd1 + "\n\nb@x cert-authority " + kEd2 + "\n";
  BOOST_TEST(policy_error_at(parse(text, tree), ".auths/allowed_signers:3") == "");
  // An empty file lists nobody: no push could pass.
  tree.files[".auths/allowed_signers"] = "# nobody yet\n";
  BOOST_TEST(policy_error_at(parse(text, tree), "p.toml:2") == "");
  // The reader refuses the path (a directory, a file too large): the policy's fault.
  const ap::FileReader refusing = [](std::string_view) -> auths::Result<std::optional<std::string>> {
    return auths::Error::invalid_argument("not a regular file");
  };
  BOOST_TEST(policy_error_at(ap::parse_policy(text, "p.toml", refusing), "p.toml:4") == "");
  // The repository cannot be read: not the policy's fault, so the code is kept (the caller
  // must not take it for a malformed policy), still at the policy line.
  const ap::FileReader failing = [](std::string_view) -> auths::Result<std::optional<std::string>> {
    return auths::Error::git("odb read failed");
  };
  const auto git_failure = ap::parse_policy(text, "p.toml", failing);
  BOOST_REQUIRE(!git_failure.has_value());
  BOOST_TEST((git_failure.error().code == auths::ErrorCode::kGit));
  BOOST_TEST(git_failure.error().context == "p.toml:4");
  // No reader at all.
  BOOST_TEST(policy_error_at(ap::parse_policy(text, "p.toml", ap::FileReader{}), "p.toml:4") == "");
}

BOOST_AUTO_TEST_CASE(duplicate_rule_names) {
  const std::string text =
      "version = 1\n"        // 1
      "[[policy.commit]]\n"  // 2
      "name = \"main\"\n" +
      rule_body() +                                        // 3-6
      "[[policy.release]]\n" + rule_body("refs/tags/*") +  // 7-10
      "name = \"main\"\n";                                 // 11
  BOOST_TEST(policy_error_at(parse(text), "p.toml:11") == "");
  // An explicit name may not take a default name either.
  const std::string clash =
      "version = 1\n"  // 1
      "[[policy.commit]]\n" +
      rule_body() +          // 2-5: "commit[0]"
      "[[policy.commit]]\n"  // 6
      "name = \"commit[0]\"\n" +
      rule_body("refs/heads/x");  // 7
  BOOST_TEST(policy_error_at(parse(clash), "p.toml:7") == "");
  // The same name in different arrays, but unique overall, is fine: no error.
  BOOST_TEST(parse("version = 1\n[[policy.commit]]\nname = \"a\"\n" + rule_body() +
                   "[[policy.release]]\nname = \"b\"\n" + rule_body())
                 .has_value());
}

BOOST_AUTO_TEST_CASE(toml_syntax_errors) {
  BOOST_TEST(policy_error_at(parse("version = 1\n[[policy.commit]\n"), "p.toml:2") == "");
  BOOST_TEST(policy_error_at(parse("version = 1\nversion = 1\n"), "p.toml:2") == "");  // duplicate key
  BOOST_TEST(policy_error_at(parse("version = 1\nname = \n"), "p.toml:2") == "");
  BOOST_TEST(policy_error_at(parse("version = 1\n\n\nrefs = [\"a\"\n"), "p.toml:4") == "");
  const std::string nul("version = 1\n\0\n", 14);
  BOOST_TEST(policy_error_at(parse(nul), "p.toml:2") == "");
  BOOST_TEST(policy_error_at(parse("version = 1\nx = \"\xff\"\n"), "p.toml:2") == "");  // not UTF-8
  const auto r = parse("version = 1\n[[policy.commit]\n");
  BOOST_TEST(r.error().message.find('\n') == std::string::npos);
}

// Nothing throws out of parse_policy, not even a reader that throws.
BOOST_AUTO_TEST_CASE(no_exception_escapes) {
  const ap::FileReader throwing = [](std::string_view) -> auths::Result<std::optional<std::string>> {
    throw std::runtime_error("boom");
  };
  const std::string text = "version = 1\n[[policy.commit]]\nrefs = [\"refs/heads/main\"]\nallowed_signers = \"as\"\n";
  auths::Result<ap::Policy> r = auths::Error::internal("not run");
  BOOST_CHECK_NO_THROW(r = ap::parse_policy(text, "p.toml", throwing));
  BOOST_TEST(!r.has_value());
  BOOST_TEST((r.error().code == auths::ErrorCode::kInternal));
}

// min_human and max_reject: the quorum's conditions, integers from 0, min_human within require.
BOOST_AUTO_TEST_CASE(quorum_keys) {
  const std::string two = "refs = [\"refs/tags/*\"]\nsigners = [" + q(kEd1) + ", " + q(kEd2) + "]\nrequire = 2\n";
  const auto ok = parse("version = 1\n[[policy.release]]\n" + two + "min_human = 1\nmax_reject = 1\n[governance]\n" +
                        "signers = [" + q(kEd1) + ", " + q(kEd2) + "]\nrequire = 2\nmin_human = 2\n");
  BOOST_REQUIRE(ok.has_value());
  BOOST_TEST(ok->rules[0].signers.min_human == 1);
  BOOST_TEST(ok->rules[0].signers.max_reject == 1);
  BOOST_TEST(ok->governance->min_human == 2);
  BOOST_TEST(ok->governance->max_reject == 0);  // absent: no rejection tolerated
  BOOST_TEST(ok->governance->counts_votes());
  BOOST_TEST(ok->rules[0].signers.needs_registry());
  // Defaults: no quorum beyond the one signature.
  const auto plain = parse("version = 1\n[[policy.commit]]\n" + rule_body());
  BOOST_REQUIRE(plain.has_value());
  BOOST_TEST(!plain->rules[0].signers.counts_votes());
  BOOST_TEST(!plain->rules[0].signers.needs_registry());
  // Errors, each on line 6.
  for (const char* bad : {"min_human = 3", "min_human = -1", "max_reject = \"1\"", "max_reject = -2"}) {
    BOOST_TEST_INFO(bad);
    const auto r = parse("version = 1\n[[policy.release]]\n" + two + bad + "\n");
    BOOST_TEST(policy_error_at(r, "p.toml:6") == "");
  }
}

BOOST_AUTO_TEST_SUITE_END()
