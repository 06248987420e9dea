// Every policy shipped in policies/ must load: they are documentation and fixtures at once.
//
// A policy names its allowed_signers as ".auths/<file>" (its place in a repository); here the
// file is looked up next to the policy instead (policies/allowed_signers,
// policies/examples/allowed_signers).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "auths/policy_lint.h"
#include "policy/policy.h"
#include "policy_test_util.h"
#include "util/strings.h"

BOOST_AUTO_TEST_SUITE(policy_examples)

namespace ap = auths::policy;
namespace fs = std::filesystem;

namespace {

fs::path policies_dir() { return fs::path(AUTHS_TEST_DATA_DIR).parent_path().parent_path() / "policies"; }

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

auths::Result<ap::Policy> load(const fs::path& file) {
  const fs::path dir = file.parent_path();
  const ap::FileReader reader = [dir](std::string_view path) -> auths::Result<std::optional<std::string>> {
    std::string_view name = path;
    if (auths::util::starts_with(name, ".auths/")) name.remove_prefix(7);
    return read_text(dir / std::string(name));
  };
  const std::optional<std::string> text = read_text(file);
  BOOST_REQUIRE_MESSAGE(text.has_value(), "cannot read " << file);
  return ap::parse_policy(*text, ".auths/policy.toml", reader);
}

std::vector<fs::path> policy_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(policies_dir())) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_policy_in_policies_dir_loads) {
  const std::vector<fs::path> files = policy_files();
  BOOST_TEST(files.size() >= 5u);  // default.toml and the examples
  for (const fs::path& file : files) {
    BOOST_TEST_INFO(file.string());
    const auto policy = load(file);
    BOOST_TEST(ap::test::error_text(policy) == "");
    if (!policy) continue;
    BOOST_TEST(!policy->rules.empty());
    BOOST_TEST(policy->governance.has_value());  // every example shows governance
  }
}

// `auths policy lint` finds no error in them (default.toml tells users to run it).
BOOST_AUTO_TEST_CASE(every_policy_in_policies_dir_lints_clean) {
  for (const fs::path& file : policy_files()) {
    BOOST_TEST_INFO(file.string());
    const auto report = auths::lint_policy_file(file.string());
    BOOST_REQUIRE_MESSAGE(report.has_value(), ap::test::error_text(report));
    std::string findings;
    for (const auths::LintFinding& f : report->findings) findings += f.where + ": " + f.message + "\n";
    BOOST_TEST(findings == "");
  }
}

// default.toml does what its comments say.
BOOST_AUTO_TEST_CASE(default_policy_semantics) {
  const auto policy = load(policies_dir() / "default.toml");
  BOOST_REQUIRE_MESSAGE(policy.has_value(), ap::test::error_text(policy));
  BOOST_TEST(!policy->default_allow);
  const ap::Rule* main = policy->match("refs/heads/main");
  BOOST_REQUIRE(main != nullptr);
  BOOST_TEST(main->name == "main");
  BOOST_TEST(!main->allow_force_push);
  BOOST_TEST(!main->allow_delete);
  BOOST_TEST(main->signers.allowed_signers_path == ".auths/allowed_signers");
  BOOST_TEST(!main->signers.keys.empty());
  const ap::Rule* feature = policy->match("refs/heads/feature/x");
  BOOST_REQUIRE(feature != nullptr);
  BOOST_TEST(feature->name == "branches");
  BOOST_TEST(feature->allow_force_push);
  const ap::Rule* tag = policy->match("refs/tags/v1.0.0");
  BOOST_REQUIRE(tag != nullptr);
  BOOST_TEST((tag->kind == ap::RuleKind::kRelease));
  BOOST_TEST(policy->match("refs/notes/commits") == nullptr);  // default deny
  BOOST_TEST(policy->governance->keys.size() == 2u);
}

BOOST_AUTO_TEST_CASE(permissive_example_allows_unmatched_refs) {
  const auto policy = load(policies_dir() / "examples" / "permissive.toml");
  BOOST_REQUIRE_MESSAGE(policy.has_value(), ap::test::error_text(policy));
  BOOST_TEST(policy->default_allow);
  BOOST_TEST(policy->match("refs/heads/feature") == nullptr);
  BOOST_TEST(policy->match("refs/tags/v1/x") == nullptr);
}

BOOST_AUTO_TEST_CASE(release_managers_example_orders_tags_before_the_catch_all) {
  const auto policy = load(policies_dir() / "examples" / "release-managers.toml");
  BOOST_REQUIRE_MESSAGE(policy.has_value(), ap::test::error_text(policy));
  BOOST_TEST(policy->match("refs/tags/v2.0")->name == "releases");
  BOOST_TEST(policy->match("refs/tags/nightly")->name == "other-tags");
  BOOST_TEST(policy->match("refs/heads/release/2.0")->name == "release-branches");
  BOOST_TEST(policy->match("refs/heads/main")->name == "development");
  // Two distinct signers: the object's signature and an approval (auths release approve).
  BOOST_TEST(policy->match("refs/tags/v2.0")->signers.require == 2);
  BOOST_TEST(policy->governance->require == 2);
}

// The options in examples/allowed_signers reach the signers.
BOOST_AUTO_TEST_CASE(allowed_signers_example_options) {
  const auto policy = load(policies_dir() / "examples" / "allowed-signers.toml");
  BOOST_REQUIRE_MESSAGE(policy.has_value(), ap::test::error_text(policy));
  const ap::SignerSet& set = policy->match("refs/heads/main")->signers;
  int with_namespaces = 0;
  int with_window = 0;
  for (const ap::Signer& signer : set.keys) {
    with_namespaces += signer.namespaces.empty() ? 0 : 1;
    with_window += signer.valid_after || signer.valid_before ? 1 : 0;
  }
  BOOST_TEST(with_namespaces == 3);
  BOOST_TEST(with_window == 2);
}

BOOST_AUTO_TEST_SUITE_END()
