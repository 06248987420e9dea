// libgit2 access details that matter to hooks.
#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "support/registry_fixture.h"
#include "support/scoped.h"

namespace auths::test {

BOOST_AUTO_TEST_SUITE(git_repository)

// `git -c key=value` reaches hooks only through GIT_CONFIG_PARAMETERS; the commit-msg hook must
// see the signing key git actually uses. The string is exactly what git 2.39 exports for
// `git -c user.signingKey=auths:desktop -c "user.name=it's me" -c alias.penv='!printf ...'`.
BOOST_AUTO_TEST_CASE(config_honours_git_dash_c) {
  TempRepo t;
  std::optional<EnvGuard> params;
  params.emplace(
      "GIT_CONFIG_PARAMETERS",
      R"('user.signingKey'='auths:desktop' 'user.name'='it'\''s me' 'alias.penv'=''\!'printf "%s\n" "$GIT_CONFIG_PARAMETERS"')");
  BOOST_TEST(t.repo->config_string("user.signingkey")->value_or("") == "auths:desktop");
  BOOST_TEST(t.repo->config_string("user.name")->value_or("") == "it's me");
  BOOST_TEST(t.repo->config_string("alias.penv")->value_or("") == R"(!printf "%s\n" "$GIT_CONFIG_PARAMETERS")");
  BOOST_TEST(!t.repo->config_string("auths.bootstrap")->has_value());
  // GIT_CONFIG_COUNT entries come after -c ones and win.
  {
    const EnvGuard count("GIT_CONFIG_COUNT", "1");
    const EnvGuard key("GIT_CONFIG_KEY_0", "user.signingKey");
    const EnvGuard value("GIT_CONFIG_VALUE_0", "auths:laptop");
    BOOST_TEST(t.repo->config_string("user.signingKey")->value_or("") == "auths:laptop");
  }
  params.reset();
  BOOST_TEST(!t.repo->config_string("user.signingKey")->has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace auths::test
