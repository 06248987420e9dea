// auths/client/policy_edit.h: line edits that keep comments and order (multi-line and one-line
// arrays, new keys, a new [governance]), the canonical rewrite when the file is written in a way
// a line edit cannot follow, what is refused (duplicates, signers that do not parse, a require
// above the signers or above 1), the init scaffolds (every one loads), and the file writes.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "auths/client/policy_edit.h"
#include "crypto/public_key.h"
#include "policy/policy.h"
#include "support/scoped.h"
#include "unit/client/home_test_util.h"

BOOST_AUTO_TEST_SUITE(client_policy_edit)

namespace at = auths::test;
namespace fs = std::filesystem;
using auths::ErrorCode;
using auths::client::add_policy_signer;
using auths::client::PolicyEdit;
using auths::client::PolicyRole;
using auths::client::set_policy_threshold;

namespace {

const std::string kAlice =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKdmigVm+uUI+IaHoc9uUNN7t1J5AJ6/14c8JxDt6PV9 alice@example.org";
const std::string kBob =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHYmEJtyXrfKpXZJbGQJCHVpm7pMFdxURsFshhebWZ0R bob@example.org";
const std::string kCarol =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAI3+1JlLhDqi0tIpPAxF0TmEgOtmJ/5tTvykMZz7HyS carol@example.org";
const std::string kFrank = "did:key:zDnaeTB1cgF2cJF6RukngLYJngJ2HsABJwg4MAGQHPVjQyQDi";
const std::string kKeri = "did:keri:ECk3NGTh6pLNEtZb2qsDgFzIzks7nvWlk1VhO-170tKv";
const std::string kOrg = "did:keri:EKCwefcndSR70xy-IBbK6-nQ0BO-pZFIpm6VFkHyUD7_";

std::string q(const std::string& s) { return "\"" + s + "\""; }

const auths::client::PolicyFileReader kNoFiles = [](std::string_view) {
  return auths::Result<std::optional<std::string>>(std::optional<std::string>());
};

// A policy in the style of policies/default.toml: comments everywhere, a multi-line array, a
// one-line array with a comment after it, a rule without `require`, an empty array (the rule's
// signers are the org's admins).
std::string commented_policy() {
  return "# The policy.\nversion = 1\norg = " + q(kOrg) +
         "\ndefault = \"deny\"  # refs no rule names\n\n"
         "# Main.\n[[policy.commit]]\nname = \"main\"\nrefs = [\"refs/heads/main\"]\n"
         "signers = [\n  " +
         q(kAlice) + ",  # alice\n  " + q(kBob) +
         " # bob, no comma\n]\nrequire = 1\n\n"
         "# Branches.\n[[policy.commit]]\nname = \"branches\"\nrefs = [\"refs/heads/**\"]\n"
         "signers = [" +
         q(kAlice) +
         "]  # one line\nallow_delete = true\n\n"
         "[[policy.release]]\nname = \"releases\"\nrefs = [\"refs/tags/v*\"]\nroles = [\"admin\"]\nsigners = []\n\n"
         "# Governance, last.\n[governance]\nsigners = [ " +
         q(kAlice) + ", ]\n# trailing comment\n";
}

auths::policy::Policy load(const std::string& text) {
  return at::must(auths::policy::parse_policy(text, "policy.toml", kNoFiles));
}

PolicyEdit add(const std::string& text, PolicyRole role, const std::string& signer, const std::string& rule = "") {
  return at::must(add_policy_signer(text, "policy.toml", role, rule, signer, kNoFiles));
}

void expect_error(const auths::Result<PolicyEdit>& result, ErrorCode code, const std::string& part) {
  BOOST_REQUIRE(!result);
  BOOST_TEST(static_cast<int>(result.error().code) == static_cast<int>(code));
  BOOST_TEST(result.error().to_string().find(part) != std::string::npos, result.error().to_string());
}

}  // namespace

BOOST_AUTO_TEST_CASE(add_to_multi_line_arrays_keeps_comments_and_order) {
  const std::string before = commented_policy();
  const PolicyEdit edit = add(before, PolicyRole::kCommit, kCarol);
  BOOST_TEST(edit.changed);
  BOOST_TEST(!edit.canonical);
  BOOST_TEST(edit.tables == (std::vector<std::string>{"[[policy.commit]] 'main'", "[[policy.commit]] 'branches'"}),
             boost::test_tools::per_element());
  // Multi-line: a comma after bob (before his comment), carol on a new line with bob's indent;
  // one line: appended inside the brackets, the comment after them kept.
  std::string want = before;
  const std::string bob_line = "  " + q(kBob) + " # bob, no comma\n";
  want.replace(want.find(bob_line), bob_line.size(), "  " + q(kBob) + ", # bob, no comma\n  " + q(kCarol) + "\n");
  const std::string one = "signers = [" + q(kAlice) + "]  # one line";
  want.replace(want.find(one), one.size(), "signers = [" + q(kAlice) + ", " + q(kCarol) + "]  # one line");
  BOOST_TEST(edit.text == want);
  const auths::policy::Policy policy = load(edit.text);
  BOOST_TEST(policy.rules[0].signers.keys.size() == 3u);
  BOOST_TEST(policy.rules[1].signers.keys.size() == 2u);
}

BOOST_AUTO_TEST_CASE(add_to_an_empty_array_a_trailing_comma_and_one_rule) {
  const std::string before = commented_policy();
  const PolicyEdit release = add(before, PolicyRole::kRelease, kFrank);
  BOOST_TEST(!release.canonical);
  BOOST_TEST(release.text.find("signers = [" + q(kFrank) + "]\n") != std::string::npos);

  const PolicyEdit governance = add(before, PolicyRole::kGovernance, kKeri);
  BOOST_TEST(!governance.canonical);
  BOOST_TEST(governance.text.find("signers = [ " + q(kAlice) + ", " + q(kKeri) + ", ]\n# trailing comment\n") !=
             std::string::npos);

  const PolicyEdit branches = add(before, PolicyRole::kCommit, kCarol, "branches");
  BOOST_TEST(branches.tables == (std::vector<std::string>{"[[policy.commit]] 'branches'"}),
             boost::test_tools::per_element());
  BOOST_TEST(load(branches.text).rules[0].signers.keys.size() == 2u);  // main untouched

  expect_error(add_policy_signer(before, "policy.toml", PolicyRole::kCommit, "nope", kCarol, kNoFiles),
               ErrorCode::kInvalidArgument, "no [[policy.commit]] rule is named 'nope' (the rules: main, branches)");
}

BOOST_AUTO_TEST_CASE(add_makes_missing_keys_and_governance) {
  const std::string before =
      "version = 1\n\n[[policy.commit]]\nrefs = [\"refs/heads/main\"]  # main\nroles = "
      "[\"admin\"]\n\n# The end.\n";
  const std::string with_org = "version = 1\norg = " + q(kOrg) + before.substr(11);
  const PolicyEdit rule = add(with_org, PolicyRole::kCommit, kAlice, "commit[0]");
  BOOST_TEST(!rule.canonical);
  BOOST_TEST(rule.text.find("roles = [\"admin\"]\nsigners = [" + q(kAlice) + "]\n\n# The end.\n") != std::string::npos,
             rule.text);

  const PolicyEdit governance = add(with_org, PolicyRole::kGovernance, kBob);
  BOOST_TEST(!governance.canonical);
  BOOST_TEST(governance.text.find("# The end.\n\n# Who may change") != std::string::npos, governance.text);
  BOOST_TEST(load(governance.text).governance.has_value());
  BOOST_TEST(!governance.warning.has_value());  // it had none before: now it is satisfiable
}

BOOST_AUTO_TEST_CASE(duplicates_and_bad_signers_are_refused) {
  const std::string before = commented_policy();
  // The same key with another comment, and the same key as a did:key, are the same signer.
  expect_error(
      add_policy_signer(before, "policy.toml", PolicyRole::kCommit, "", kBob.substr(0, 80) + " bob@laptop", kNoFiles),
      ErrorCode::kPolicy, "is already a signer of [[policy.commit]] 'main'");
  const auto alice = at::must(auths::crypto::parse_ssh_public_key_line(kAlice));
  expect_error(
      add_policy_signer(before, "policy.toml", PolicyRole::kGovernance, "", at::must(alice.to_did_key()), kNoFiles),
      ErrorCode::kPolicy, "is already a signer of [governance]");
  const std::string with_keri = add(before, PolicyRole::kRelease, kKeri).text;
  expect_error(add_policy_signer(with_keri, "policy.toml", PolicyRole::kRelease, "", kKeri, kNoFiles),
               ErrorCode::kPolicy, "already a signer of [[policy.release]] 'releases'");

  expect_error(
      add_policy_signer(before, "policy.toml", PolicyRole::kCommit, "", "ssh-ed25519 AAAAnotbase64 x", kNoFiles),
      ErrorCode::kPolicy, "the edited policy would not load: invalid signer");
  expect_error(add_policy_signer(before, "policy.toml", PolicyRole::kCommit, "", "alice", kNoFiles), ErrorCode::kPolicy,
               "unrecognized signer 'alice'");
  expect_error(add_policy_signer(before, "policy.toml", PolicyRole::kCommit, "", "  ", kNoFiles),
               ErrorCode::kInvalidArgument, "the signer is empty");
  expect_error(add_policy_signer("version = \n", "policy.toml", PolicyRole::kCommit, "", kAlice, kNoFiles),
               ErrorCode::kPolicy, "policy.toml:1: not valid TOML");
  // A signer with quotes cannot break out of the string: escaped, then refused by the loader.
  expect_error(add_policy_signer(before, "policy.toml", PolicyRole::kCommit, "", "did:key:z\"]\nx = [\"", kNoFiles),
               ErrorCode::kPolicy, "invalid signer");
}

BOOST_AUTO_TEST_CASE(set_threshold_edits_or_adds_require) {
  const std::string before = commented_policy();
  const PolicyEdit same =
      at::must(set_policy_threshold(before, "policy.toml", PolicyRole::kCommit, "main", 1, kNoFiles));
  BOOST_TEST(!same.changed);
  BOOST_TEST(same.text == before);

  // `require` added after the signers of the rule without one; kept as it is where it says 1.
  const PolicyEdit all = at::must(set_policy_threshold(before, "policy.toml", PolicyRole::kCommit, "", 1, kNoFiles));
  BOOST_TEST(all.tables == (std::vector<std::string>{"[[policy.commit]] 'branches'"}),
             boost::test_tools::per_element());
  BOOST_TEST(all.text.find("]  # one line\nrequire = 1\nallow_delete = true\n") != std::string::npos, all.text);
  BOOST_TEST(!all.canonical);
}

BOOST_AUTO_TEST_CASE(threshold_above_the_signers_is_refused) {
  const std::string before = commented_policy();
  expect_error(set_policy_threshold(before, "policy.toml", PolicyRole::kCommit, "main", 3, kNoFiles),
               ErrorCode::kPolicy,
               "policy.toml:14: the edited policy would not load: rule 'main' requires 3 signers "
               "but lists 2");
  // 2 of the 2 listed: met by the commit's signature and one approval (auths release approve).
  const PolicyEdit two =
      at::must(set_policy_threshold(before, "policy.toml", PolicyRole::kCommit, "main", 2, kNoFiles));
  BOOST_TEST(!two.canonical);
  BOOST_TEST(load(two.text).rules[0].signers.require == 2);
  expect_error(set_policy_threshold(before, "policy.toml", PolicyRole::kGovernance, "", 0, kNoFiles),
               ErrorCode::kPolicy, "'require' must be at least 1");
  expect_error(set_policy_threshold("version = 1\n", "policy.toml", PolicyRole::kGovernance, "", 1, kNoFiles),
               ErrorCode::kInvalidArgument, "the policy has no [governance] table");
  expect_error(set_policy_threshold(before, "policy.toml", PolicyRole::kGovernance, "x", 1, kNoFiles),
               ErrorCode::kInvalidArgument, "--rule");
}

BOOST_AUTO_TEST_CASE(unusual_layouts_are_rewritten_canonically) {
  // Inline tables, and keys written with dots: not edited line by line.
  const std::string inline_rules =
      "version = 1\n[policy]\ncommit = [{ name = \"main\", refs = [\"refs/heads/main\"], "
      "signers = [" +
      q(kAlice) + "] }]\n[governance]\nsigners = [" + q(kAlice) + "]\n";
  const PolicyEdit edit = add(inline_rules, PolicyRole::kCommit, kBob);
  BOOST_TEST(edit.canonical);
  BOOST_TEST(load(edit.text).rules[0].signers.keys.size() == 2u);

  const std::string dotted = "version = 1 # v\ngovernance.signers = [" + q(kAlice) +
                             "]\n[[policy.commit]]\nrefs = "
                             "[\"refs/heads/main\"]\nsigners = [" +
                             q(kAlice) + "]\n";
  const PolicyEdit governance = add(dotted, PolicyRole::kGovernance, kBob);
  BOOST_TEST(governance.canonical);
  BOOST_TEST(governance.text.find("# v") == std::string::npos);  // comments are lost, as said
  BOOST_TEST(load(governance.text).governance->keys.size() == 2u);
  const PolicyEdit rule = add(dotted, PolicyRole::kCommit, kBob);  // its own table is fine
  BOOST_TEST(!rule.canonical);

  const PolicyEdit threshold =
      at::must(set_policy_threshold(dotted, "policy.toml", PolicyRole::kGovernance, "", 1, kNoFiles));
  BOOST_TEST(threshold.canonical);
  BOOST_TEST(load(threshold.text).governance->require == 1);
}

BOOST_AUTO_TEST_CASE(every_template_loads) {
  for (const std::string_view name : auths::client::policy_templates()) {
    auths::client::PolicyScaffold scaffold;
    scaffold.template_name = std::string(name);
    scaffold.signers = {kAlice, kFrank};
    scaffold.org = name == "org" ? kOrg : "";
    scaffold.branch = "trunk";
    const std::string text = at::must(auths::client::policy_scaffold(scaffold, "policy.toml", kNoFiles));
    const auths::policy::Policy policy = load(text);
    BOOST_TEST(!auths::policy::unsatisfiable(policy).has_value(), name);
    BOOST_TEST(policy.match("refs/heads/trunk") != nullptr, name);
    BOOST_TEST(policy.match("refs/tags/v1.0") != nullptr, name);
    // And the edits work on it without a rewrite.
    const PolicyEdit edit = add(text, PolicyRole::kRelease, kBob);
    BOOST_TEST(!edit.canonical, name);
    BOOST_TEST(edit.text.find("# Release tags") != std::string::npos, name);
    if (name == "org") {  // signers selected by role as well as listed
      scaffold.signers.clear();
      load(at::must(auths::client::policy_scaffold(scaffold, "policy.toml", kNoFiles)));
    }
  }
  auths::client::PolicyScaffold none;
  const auto refused = auths::client::policy_scaffold(none, "policy.toml", kNoFiles);
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().message == "name at least one --signer (or use --template org with --org)");
  none.signers = {"ssh-ed25519 nope"};
  BOOST_TEST(!auths::client::policy_scaffold(none, "policy.toml", kNoFiles));
  none.template_name = "org";
  BOOST_TEST(!auths::client::policy_scaffold(none, "policy.toml", kNoFiles));
}

BOOST_AUTO_TEST_CASE(files_are_replaced_atomically_with_their_mode) {
  const at::TempDir dir;
  const std::string path = (dir.path() / "repo" / ".auths" / "policy.toml").string();
  BOOST_TEST(auths::client::write_policy_file(path, "one\n", false).has_value());
  struct stat st {};
  BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0644u);
  const auths::Status again = auths::client::write_policy_file(path, "two\n", false);
  BOOST_REQUIRE(!again);
  BOOST_TEST(again.error().message == "already exists (--force replaces it)");
  BOOST_TEST(at::must(auths::client::read_policy_file(path)) == "one\n");

  BOOST_REQUIRE(::chmod(path.c_str(), 0600) == 0);
  BOOST_TEST(auths::client::write_policy_file(path, "three\n", true).has_value());
  BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  BOOST_TEST(at::must(auths::client::read_policy_file(path)) == "three\n");
  BOOST_TEST(std::distance(fs::directory_iterator(fs::path(path).parent_path()), fs::directory_iterator()) == 1);

  // The default path: the top of the work tree that holds the directory.
  fs::create_directories(dir.path() / "repo" / ".git");
  fs::create_directories(dir.path() / "repo" / "src" / "deep");
  std::ofstream(dir.path() / "repo" / ".git" / "HEAD") << "ref: refs/heads/trunk\n";
  BOOST_TEST(auths::client::default_policy_path((dir.path() / "repo" / "src" / "deep").string()) == path);
  BOOST_TEST(auths::client::current_branch((dir.path() / "repo" / "src").string()) == "trunk");
}

BOOST_AUTO_TEST_SUITE_END()
