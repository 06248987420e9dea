// policy::diff (auths policy diff): each field's change with its direction and risk, rules
// paired by name or by kind and refs, the refs whose governing rule changed, and no change for
// policies that say the same in other words.
#include <map>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "auths/policy_diff.h"
#include "policy/diff.h"
#include "policy_test_util.h"
#include "util/strings.h"

BOOST_AUTO_TEST_SUITE(policy_diff)

namespace ap = auths::policy;
using ap::test::kEd1;
using ap::test::kEd1DidKey;
using ap::test::kEd2;
using ap::test::kEd3;
using ap::test::kKeriA;
using ap::test::kKeriB;

namespace policy_diff_test {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// The policy the cases edit: `top` after the version, a [governance] (kEd1) with
// `governance_extra`, a commit rule 'main' (kEd1, kEd2) with `main_extra`, a release rule
// 'releases' (kEd1, kEd2, require 2) with `release_extra`, then `rest`.
struct Text {
  std::string top;
  std::string governance_signers = quoted(kEd1);
  std::string governance_extra;
  std::string main_refs = quoted("refs/heads/main");
  std::string main_signers = quoted(kEd1) + ", " + quoted(kEd2);
  std::string main_extra;
  std::string release_signers = quoted(kEd1) + ", " + quoted(kEd2);
  std::string release_require = "2";
  std::string release_extra;
  std::string rest;

  std::string str() const {
    return "version = 1\n" + top + "\n[governance]\nsigners = [" + governance_signers + "]\n" + governance_extra +
           "\n[[policy.commit]]\nname = \"main\"\nrefs = [" + main_refs + "]\nsigners = [" + main_signers + "]\n" +
           main_extra + "\n[[policy.release]]\nname = \"releases\"\nrefs = [\"refs/tags/v*\"]\nsigners = [" +
           release_signers + "]\nrequire = " + release_require + "\n" + release_extra + "\n" + rest;
  }
};

// A commit rule signed by kEd1; no `name` when `name` is empty.
std::string commit_rule(const std::string& name, const std::string& refs, const std::string& extra = "",
                        const std::string& signers = quoted(kEd1)) {
  return "[[policy.commit]]\n" + (name.empty() ? "" : "name = " + quoted(name) + "\n") + "refs = [" + refs +
         "]\nsigners = [" + signers + "]\n" + extra + "\n";
}

// "version = 1" and a [governance] of kEd1, then `rest`.
std::string governed(const std::string& rest, const std::string& top = "") {
  return "version = 1\n" + top + "[governance]\nsigners = [" + quoted(kEd1) + "]\n" + rest;
}

ap::Policy load(const std::string& text, const std::map<std::string, std::string>& files = {}) {
  ap::test::FakeTree tree;
  tree.files = files;
  auto loaded = ap::parse_policy(text, "p.toml", tree.reader());
  BOOST_REQUIRE_MESSAGE(loaded.has_value(), ap::test::error_text(loaded) + "\n" + text);
  return std::move(loaded).value();
}

// "<risk> <rule> <field> <direction>" per change, for one readable comparison.
std::vector<std::string> summary(const std::vector<auths::PolicyChange>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) {
    out.push_back(std::string(auths::to_string(c.risk)) + " " + c.rule + " " + c.field + " " +
                  auths::to_string(c.direction));
  }
  return out;
}

struct Case {
  const char* name;
  std::string old_text;
  std::string new_text;
  std::vector<std::string> expected;  // summary()
  std::string description;            // the first change's description starts with it ("" = not checked)
  std::map<std::string, std::string> old_files = {};
  std::map<std::string, std::string> new_files = {};
};

void check(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    BOOST_TEST_INFO(c.name);
    const auto changes = ap::diff(load(c.old_text, c.old_files), load(c.new_text, c.new_files));
    // Joined, so that a failure shows both lists whole.
    BOOST_TEST(auths::util::join(summary(changes), "; ") == auths::util::join(c.expected, "; "));
    if (!c.description.empty()) {
      BOOST_TEST_REQUIRE(!changes.empty());
      BOOST_TEST(changes.front().description.substr(0, c.description.size()) == c.description);
    }
  }
}

// `base` with `edit` applied.
template <typename Edit>
std::string edited(Edit edit) {
  Text t;
  edit(t);
  return t.str();
}

}  // namespace policy_diff_test

using policy_diff_test::Case;
using policy_diff_test::commit_rule;
using policy_diff_test::edited;
using policy_diff_test::governed;
using policy_diff_test::quoted;
using policy_diff_test::Text;

BOOST_AUTO_TEST_CASE(no_change) {
  const std::string base = Text{}.str();
  const std::string ed2_other_comment = kEd2.substr(0, kEd2.rfind(' ')) + " renamed@comment";
  policy_diff_test::check({
      {"identical", base, base, {}, ""},
      {"the same in other words: did:key for an SSH line, other comments and order, defaults written out",
       base,
       "# the same policy\nversion = 1\ndefault = \"deny\"\n[governance]\nsigners = [ " + quoted(kEd1DidKey) +
           " ]  # alice\n\n[[policy.commit]]\nrefs = [\"refs/heads/main\"]\nname = \"main\"\nsigners = [" +
           quoted(ed2_other_comment) + ", " + quoted(kEd1DidKey) +
           "]\nrequire = 1\ncontributions = \"known\"\nallow_force_push = false\nallow_delete = false\n"
           "[[policy.release]]\nname = \"releases\"\nrefs = [\"refs/tags/v*\"]\nsigners = [" +
           quoted(kEd2) + ", " + quoted(kEd1) + "]\nrequire = 2\n",
       {},
       ""},
      {"keys moved to an allowed_signers file, whose comments differ",
       governed(commit_rule("main", quoted("refs/heads/main"), "", quoted(kEd1) + ", " + quoted(kEd2))),
       governed(commit_rule("main", quoted("refs/heads/main"), "allowed_signers = \".auths/allowed_signers\"\n", "")),
       {"low main allowed_signers neutral"},
       "commit 'main': allowed_signers (none) -> .auths/allowed_signers",
       {},
       {{".auths/allowed_signers", "# team\nalice " + kEd1 + "\nbob " + kEd2 + "\n"}}},
      {"from: the default branch written out",
       base,
       edited([](Text& t) { t.main_extra = "from = [\"refs/heads/main\"]"; }),
       {},
       ""},
      {"a rule's refs in another order",
       edited([](Text& t) { t.main_refs = "\"refs/heads/a\", \"refs/heads/main\""; }),
       edited([](Text& t) { t.main_refs = "\"refs/heads/main\", \"refs/heads/a\""; }),
       {},
       ""},
  });
}

BOOST_AUTO_TEST_CASE(fields) {
  const std::string base = Text{}.str();
  const std::string feature = commit_rule("feature", quoted("refs/heads/feature/*"));
  policy_diff_test::check({
      {"release require lowered",
       base,
       edited([](Text& t) { t.release_require = "1"; }),
       {"high releases require looser"},
       "release 'releases': require 2 -> 1"},
      {"commit require raised",
       base,
       edited([](Text& t) { t.main_extra = "require = 2"; }),
       {"low main require stricter"},
       "commit 'main': require 1 -> 2"},
      {"signer added to a release rule",
       base,
       edited([](Text& t) { t.release_signers += ", " + quoted(kEd3); }),
       {"high releases signers looser"},
       "release 'releases': adds signer t_ed3@test (SHA256:"},
      {"signer added to a commit rule",
       base,
       edited([](Text& t) { t.main_signers += ", " + quoted(kKeriB); }),
       {"medium main signers looser"},
       "commit 'main': adds signer " + kKeriB},
      {"signer removed",
       base,
       edited([](Text& t) { t.main_signers = quoted(kEd2); }),
       {"low main signers stricter"},
       "commit 'main': removes signer t_ed1@test (SHA256:"},
      {"identity added to [governance]",
       base,
       edited([](Text& t) { t.governance_signers += ", " + quoted(kKeriA); }),
       {"high [governance] signers looser"},
       "[governance]: adds signer " + kKeriA},
      {"default deny -> allow",
       base,
       edited([](Text& t) { t.top = "default = \"allow\""; }),
       {"high policy default looser"},
       "policy: default deny -> allow"},
      {"default allow -> deny",
       edited([](Text& t) { t.top = "default = \"allow\""; }),
       base,
       {"low policy default stricter"},
       ""},
      {"force-push on the default branch",
       base,
       edited([](Text& t) { t.main_extra = "allow_force_push = true"; }),
       {"high main allow_force_push looser"},
       "commit 'main': allow_force_push false -> true"},
      {"force-push on another branch",
       base + feature,
       base + commit_rule("feature", quoted("refs/heads/feature/*"), "allow_force_push = true"),
       {"medium feature allow_force_push looser"},
       ""},
      {"delete on a release rule",
       base,
       edited([](Text& t) { t.release_extra = "allow_delete = true"; }),
       {"high releases allow_delete looser"},
       ""},
      {"delete no longer allowed",
       edited([](Text& t) { t.release_extra = "allow_delete = true"; }),
       base,
       {"low releases allow_delete stricter"},
       ""},
      {"contributions loosened",
       base,
       edited([](Text& t) { t.main_extra = "contributions = \"any\""; }),
       {"medium main contributions looser"},
       "commit 'main': contributions known -> any"},
      {"contributions tightened",
       edited([](Text& t) { t.main_extra = "contributions = \"signed\""; }),
       base,
       {"low main contributions stricter"},
       ""},
      {"from widened",
       base,
       edited([](Text& t) { t.main_extra = "from = [\"refs/heads/*\"]"; }),
       {"medium main from looser"},
       "commit 'main': from (default branch) -> [refs/heads/*]"},
      {"from narrowed",
       edited([](Text& t) { t.main_extra = "from = [\"refs/heads/*\"]"; }),
       base,
       {"low main from stricter"},
       ""},
      {"a key's validity window widened",
       governed(commit_rule("main", quoted("refs/heads/main"), "allowed_signers = \".auths/allowed_signers\"\n", "")),
       governed(commit_rule("main", quoted("refs/heads/main"), "allowed_signers = \".auths/allowed_signers\"\n", "")),
       {"medium main signers looser"},
       "commit 'main': signer alice (SHA256:",
       {{".auths/allowed_signers", "alice valid-before=\"20300101\" " + kEd1 + "\n"}},
       {{".auths/allowed_signers", "alice " + kEd1 + "\n"}}},
      {"a key restricted to a namespace",
       governed(commit_rule("main", quoted("refs/heads/main"), "allowed_signers = \".auths/allowed_signers\"\n", "")),
       governed(commit_rule("main", quoted("refs/heads/main"), "allowed_signers = \".auths/allowed_signers\"\n", "")),
       {"low main signers stricter"},
       "",
       {{".auths/allowed_signers", "alice " + kEd1 + "\n"}},
       {{".auths/allowed_signers", "alice namespaces=\"git\" " + kEd1 + "\n"}}},
  });
}

// roles, teams, capabilities, signer_types and org: what identity signers must be.
BOOST_AUTO_TEST_CASE(org_conditions) {
  const std::string org = "org = " + quoted(kKeriA) + "\n";
  const auto members = [&org](const std::string& governance, const std::string& release) {
    return edited([&](Text& t) {
      t.top = org;
      t.governance_extra = governance;
      t.release_extra = release;
    });
  };
  policy_diff_test::check({
      {"a role added to [governance]",
       members("roles = [\"admin\"]", ""),
       members("roles = [\"admin\", \"member\"]", ""),
       {"high [governance] roles looser"},
       "[governance]: roles admin -> admin, member"},
      {"a role removed",
       members("roles = [\"admin\", \"member\"]", ""),
       members("roles = [\"admin\"]", ""),
       {"low [governance] roles stricter"},
       ""},
      {"teams select members where nothing did",
       edited([&org](Text& t) { t.top = org; }),
       edited([&org](Text& t) {
         t.top = org;
         t.main_extra = "teams = [\"core\"]";
       }),
       {"medium main teams looser"},
       "commit 'main': teams (none) -> core"},
      {"teams added beside roles narrow the selection",
       members("", "roles = [\"member\"]"),
       members("", "roles = [\"member\"]\nteams = [\"core\"]"),
       {"low releases teams stricter"},
       "release 'releases': teams (any) -> core"},
      {"a capability removed from a release rule",
       members("", "roles = [\"member\"]\ncapabilities = [\"deploy\", \"sign_release\"]"),
       members("", "roles = [\"member\"]\ncapabilities = [\"sign_release\"]"),
       {"high releases capabilities looser"},
       "release 'releases': capabilities deploy, sign_release -> sign_release"},
      {"capabilities written out as the default: no longer asked of listed identities",
       edited([&org](Text& t) {
         t.top = org;
         t.release_signers += ", " + quoted(kKeriB);
         t.release_extra = "capabilities = [\"sign_release\"]";
       }),
       edited([&org](Text& t) {
         t.top = org;
         t.release_signers += ", " + quoted(kKeriB);
       }),
       {"high releases capabilities looser"},
       "release 'releases': capabilities sign_release -> (not set)"},
      {"capabilities added to members",
       members("roles = [\"admin\"]", ""),
       members("roles = [\"admin\"]\ncapabilities = [\"manage_members\", \"rotate_keys\"]", ""),
       {"low [governance] capabilities stricter"},
       ""},
      {"signer_types removed from a release rule",
       members("", "roles = [\"member\"]\nsigner_types = [\"Human\"]"),
       members("", "roles = [\"member\"]"),
       {"high releases signer_types looser"},
       "release 'releases': signer_types Human -> (any)"},
      {"signer_types narrowed",
       members("", "roles = [\"member\"]\nsigner_types = [\"Agent\", \"Human\"]"),
       members("", "roles = [\"member\"]\nsigner_types = [\"Human\"]"),
       {"low releases signer_types stricter"},
       ""},
      {"another org, whose members [governance] selects",
       members("roles = [\"admin\"]", ""),
       edited([](Text& t) {
         t.top = "org = " + quoted(kKeriB);
         t.governance_extra = "roles = [\"admin\"]";
       }),
       {"high policy org looser"},
       "policy: org " + kKeriA + " -> " + kKeriB},
      {"an org nobody selects members of",
       edited([&org](Text& t) { t.top = org; }),
       Text{}.str(),
       {"low policy org neutral"},
       ""},
  });
}

// Rules added, removed, renamed, reordered, their refs edited: the rule governing each ref
// pattern, before and after ("match").
BOOST_AUTO_TEST_CASE(rules_and_matching) {
  const std::string base = Text{}.str();
  const std::string feature = commit_rule("feature", quoted("refs/heads/feature/*"));
  const std::string strict_main = commit_rule("main", quoted("refs/heads/main"));  // kEd1 only
  const std::string all = commit_rule("all", quoted("refs/heads/*"), "", quoted(kEd1) + ", " + quoted(kEd2));
  policy_diff_test::check({
      {"a rule added: its refs leave default deny",
       base,
       base + feature,
       {"low feature rule neutral", "medium feature match looser"},
       "adds commit 'feature' (refs refs/heads/feature/*)"},
      {"a rule removed: its refs fall to default deny",
       base + feature,
       base,
       {"low feature rule neutral", "low policy match stricter"},
       "removes commit 'feature'"},
      {"a rule removed under default allow",
       edited([](Text& t) { t.top = "default = \"allow\""; }) + feature,
       edited([](Text& t) { t.top = "default = \"allow\""; }),
       {"low feature rule neutral", "high policy match looser"},
       ""},
      {"renamed",
       base + feature,
       base + commit_rule("features", quoted("refs/heads/feature/*")),
       {"low features name neutral"},
       "commit 'feature': renamed to 'features'"},
      {"refs widened: the new refs leave default deny",
       base,
       edited([](Text& t) { t.main_refs = "\"refs/heads/main\", \"refs/heads/dev\""; }),
       {"medium main refs neutral", "medium main match looser"},
       "commit 'main': refs refs/heads/main -> refs/heads/main, refs/heads/dev (widened)"},
      {"refs narrowed: the refs left fall to default deny",
       edited([](Text& t) { t.main_refs = "\"refs/heads/main\", \"refs/heads/dev\""; }),
       base,
       {"low main refs neutral", "low policy match stricter"},
       ""},
      {"reordered: the wide rule now comes first and takes the default branch",
       governed(strict_main + all),
       governed(all + strict_main),
       {"high all match looser"},
       "refs/heads/main: governed by commit 'main' -> commit 'all'"},
      {"reordered the other way",
       governed(all + strict_main),
       governed(strict_main + all),
       {"low main match stricter"},
       ""},
      {"reordered rules that share no ref", governed(strict_main + feature), governed(feature + strict_main), {}, ""},
      {"unnamed rules pair by kind and refs, not by index",
       governed(commit_rule("", quoted("refs/heads/main"))),
       governed(commit_rule("", quoted("refs/heads/dev")) + commit_rule("", quoted("refs/heads/main"))),
       {"low commit[0] rule neutral", "medium commit[0] match looser"},
       "adds commit 'commit[0]' (refs refs/heads/dev)"},
      {"a refs edit of an unnamed rule is a rule removed and one added",
       governed(commit_rule("", quoted("refs/heads/main"))),
       governed(commit_rule("", quoted("refs/heads/main") + ", " + quoted("refs/heads/dev"))),
       {"low commit[0] rule neutral", "low commit[0] rule neutral", "medium commit[0] match looser"},
       ""},
      {"a rule handed to a weaker one",
       governed(strict_main + all),
       governed(all),
       {"low main rule neutral", "high all match looser"},
       ""},
      {"[governance] removed",
       governed(strict_main),
       "version = 1\n" + strict_main,
       {"low [governance] governance stricter"},
       ""},
      {"[governance] added",
       "version = 1\n" + strict_main,
       governed(strict_main),
       {"high [governance] governance looser"},
       ""},
  });
}

// paths, max_ttl, allow_ephemeral, require_log, open, expression, [witness], ci rules.
BOOST_AUTO_TEST_CASE(rule_conditions) {
  const std::string main_refs = quoted("refs/heads/main");
  const std::string ci_refs = quoted("refs/heads/ci/*");
  const auto main_with = [&main_refs](const std::string& extra) {
    return governed(commit_rule("main", main_refs, extra));
  };
  const auto ci_with = [&ci_refs](const std::string& extra) {
    return governed("[[policy.ci]]\nname = \"bots\"\nrefs = [" + ci_refs + "]\nsigners = [" + quoted(kEd1) + "]\n" +
                    extra + "\n");
  };
  const std::string witness = "[witness]\nkeys = [" + quoted(kEd2) + ", " + quoted(kEd3) + "]\nthreshold = 2\n";
  const std::string expr = "expression = \".auths/e.json\"\n";
  const std::string both = R"({"op":"And","args":["NotRevoked",{"op":"HasCapability","args":"sign_commit"}]})";
  policy_diff_test::check({
      {"paths widened",
       main_with("paths = [\"src/**\"]"),
       main_with("paths = [\"src/**\", \"docs/**\"]"),
       {"medium main paths looser"},
       "commit 'main': paths src/** -> src/**, docs/**"},
      {"paths removed",
       main_with("paths = [\"src/**\"]"),
       main_with(""),
       {"medium main paths looser"},
       "commit 'main': paths src/** -> (any)"},
      {"paths added", main_with(""), main_with("paths = [\"src/**\"]"), {"low main paths stricter"}, ""},
      {"max_ttl raised",
       main_with("max_ttl = \"1h\""),
       main_with("max_ttl = \"2h\""),
       {"medium main max_ttl looser"},
       "commit 'main': max_ttl 1h -> 2h"},
      {"max_ttl removed",
       main_with("max_ttl = \"1h\""),
       main_with(""),
       {"medium main max_ttl looser"},
       "commit 'main': max_ttl 1h -> (unbounded)"},
      {"max_ttl lowered",
       main_with("max_ttl = 7200"),
       main_with("max_ttl = \"30m\""),
       {"low main max_ttl stricter"},
       ""},
      {"max_ttl in other words", main_with("max_ttl = 3600"), main_with("max_ttl = \"1h\""), {}, ""},
      {"ephemeral agents allowed on a ci rule",
       ci_with(""),
       ci_with("allow_ephemeral = true"),
       {"medium bots allow_ephemeral looser"},
       "ci 'bots': allow_ephemeral false -> true"},
      {"the witness log no longer required",
       ci_with("require_log = \"witness\"") + witness,
       ci_with("") + witness,
       {"medium bots require_log looser"},
       "ci 'bots': require_log \"witness\" -> (none)"},
      {"witness threshold lowered",
       ci_with("require_log = \"witness\"") + witness,
       ci_with("require_log = \"witness\"") + "[witness]\nkeys = [" + quoted(kEd2) + ", " + quoted(kEd3) +
           "]\nthreshold = 1\n",
       {"high [witness] threshold looser"},
       "[witness]: threshold 2 -> 1"},
      {"a witness added",
       ci_with("require_log = \"witness\"") + witness,
       ci_with("require_log = \"witness\"") + "[witness]\nkeys = [" + quoted(kEd2) + ", " + quoted(kEd3) + ", " +
           quoted(kEd1) + "]\nthreshold = 2\n",
       {"medium [witness] keys looser"},
       "[witness]: adds witness SHA256:"},
      {"a commit rule opened to any signature",
       governed(commit_rule("feature", quoted("refs/heads/feature/*"))),
       governed("[[policy.commit]]\nname = \"feature\"\nrefs = [\"refs/heads/feature/*\"]\nopen = \"signed\"\n"),
       {"medium feature open looser"},
       "commit 'feature': open (signers asked) -> \"signed\""},
      {"the default branch opened",
       main_with(""),
       governed("[[policy.commit]]\nname = \"main\"\nrefs = [" + main_refs + "]\nopen = \"any\"\n"),
       {"high main open looser"},
       ""},
      {"expression removed",
       main_with(expr),
       main_with(""),
       {"medium main expression looser"},
       "commit 'main': expression .auths/e.json -> (none)",
       {{".auths/e.json", both}}},
      {"expression added",
       main_with(""),
       main_with(expr),
       {"low main expression stricter"},
       "",
       {},
       {{".auths/e.json", both}}},
      {"expression reformatted: the seed's spelling, other spacing",
       main_with(expr),
       main_with(expr),
       {},
       "",
       {{".auths/e.json", both}},
       {{".auths/e.json", "{\"And\": [\"NotRevoked\",\n  {\"HasCapability\": \"sign_commit\"}]}\n"}}},
      {"NotRevoked removed from the expression",
       main_with(expr),
       main_with(expr),
       {"high main expression looser"},
       "commit 'main': expression .auths/e.json: content changed, removes NotRevoked",
       {{".auths/e.json", both}},
       {{".auths/e.json", R"({"op":"HasCapability","args":"sign_commit"})"}}},
      {"another expression edit",
       main_with(expr),
       main_with(expr),
       {"medium main expression neutral"},
       "commit 'main': expression .auths/e.json: content changed, adds IsHuman",
       {{".auths/e.json", both}},
       {{".auths/e.json",
         R"({"op":"And","args":["NotRevoked","IsHuman",{"op":"HasCapability","args":"sign_commit"}]})"}}},
  });
}

BOOST_AUTO_TEST_CASE(direction_and_risk_summaries) {
  auths::PolicyDiff diff;
  BOOST_TEST(!diff.looser());
  BOOST_TEST(std::string(auths::to_string(diff.risk())) == "low");
  diff.changes.push_back({"main", "require", "d", auths::DiffDirection::kStricter, auths::DiffRisk::kLow});
  diff.changes.push_back({"main", "refs", "d", auths::DiffDirection::kNeutral, auths::DiffRisk::kMedium});
  BOOST_TEST(!diff.looser());
  BOOST_TEST(std::string(auths::to_string(diff.risk())) == "medium");
  diff.changes.push_back({"rel", "require", "d", auths::DiffDirection::kLooser, auths::DiffRisk::kHigh});
  BOOST_TEST(diff.looser());
  BOOST_TEST(std::string(auths::to_string(diff.risk())) == "high");
}

BOOST_AUTO_TEST_SUITE_END()
