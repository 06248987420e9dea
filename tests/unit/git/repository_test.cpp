// libgit2 access details that matter to hooks.
#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "support/registry_fixture.h"
#include "support/scoped.h"

namespace auths::test {

BOOST_AUTO_TEST_SUITE(git_repository)

constexpr auto kEnv = git::ConfigScope::kRepositoryAndEnvironment;

// `git -c key=value` reaches hooks only through GIT_CONFIG_PARAMETERS; the commit-msg hook must
// see the signing key git actually uses. The string is exactly what git 2.39 exports for
// `git -c user.signingKey=auths:desktop -c "user.name=it's me" -c alias.penv='!printf ...'`.
BOOST_AUTO_TEST_CASE(config_honours_git_dash_c) {
  TempRepo t;
  std::optional<EnvGuard> params;
  params.emplace(
      "GIT_CONFIG_PARAMETERS",
      R"('user.signingKey'='auths:desktop' 'user.name'='it'\''s me' 'alias.penv'=''\!'printf "%s\n" "$GIT_CONFIG_PARAMETERS"')");
  BOOST_TEST(t.repo->config_string("user.signingkey", kEnv)->value_or("") == "auths:desktop");
  BOOST_TEST(t.repo->config_string("user.name", kEnv)->value_or("") == "it's me");
  BOOST_TEST(t.repo->config_string("alias.penv", kEnv)->value_or("") == R"(!printf "%s\n" "$GIT_CONFIG_PARAMETERS")");
  BOOST_TEST(!t.repo->config_string("auths.bootstrap", kEnv)->has_value());
  // GIT_CONFIG_COUNT entries come after -c ones and win.
  {
    const EnvGuard count("GIT_CONFIG_COUNT", "1");
    const EnvGuard key("GIT_CONFIG_KEY_0", "user.signingKey");
    const EnvGuard value("GIT_CONFIG_VALUE_0", "auths:laptop");
    BOOST_TEST(t.repo->config_string("user.signingKey", kEnv)->value_or("") == "auths:laptop");
  }
  params.reset();
  BOOST_TEST(!t.repo->config_string("user.signingKey", kEnv)->has_value());
}

// Server settings (auths.bootstrap, auths.auditLog) come from the repository's own
// configuration only: the environment a hook runs in must not be able to relax them.
BOOST_AUTO_TEST_CASE(server_settings_ignore_the_environment) {
  TempRepo t;
  const EnvGuard params("GIT_CONFIG_PARAMETERS", "'auths.bootstrap'='allow'");
  const EnvGuard count("GIT_CONFIG_COUNT", "1");
  const EnvGuard key("GIT_CONFIG_KEY_0", "auths.auditLog");
  const EnvGuard value("GIT_CONFIG_VALUE_0", "/dev/null");
  BOOST_TEST(!t.repo->config_string("auths.bootstrap")->has_value());
  BOOST_TEST(!t.repo->config_string("auths.auditLog")->has_value());
  BOOST_TEST(t.repo->config_string("auths.bootstrap", kEnv)->value_or("") == "allow");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace auths::test
