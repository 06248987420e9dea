// Who pushed, as the audit log records it (hook_context_from_env): the variable each server
// sets names the pusher (GitLab, Gitea, gitolite, `auths hook ssh-shell`, CGI), else the
// effective user, never $USER; the protocol and the repository name.
#include <pwd.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auths/verify.h"
#include "support/scoped.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(engine_hook_context)
namespace {

const char* const kVariables[] = {"GL_ID",
                                  "GL_USERNAME",
                                  "GL_USER",
                                  "GL_REPO",
                                  "GL_PROTOCOL",
                                  "GL_PROJECT_PATH",
                                  "AUTHS_PUSHER",
                                  "GITEA_PUSHER_NAME",
                                  "GITEA_INTERNAL_PUSH",
                                  "GITEA_REPO_NAME",
                                  "GITEA_REPO_USER_NAME",
                                  "REMOTE_USER",
                                  "GATEWAY_INTERFACE",
                                  "SSH_CONNECTION",
                                  "SSH_CLIENT",
                                  "SSH_ORIGINAL_COMMAND",
                                  "USER"};

/// The environment with none of the variables above but `set`.
class Env {
 public:
  Env(std::initializer_list<std::pair<const char*, const char*>> set) {
    for (const char* name : kVariables) {
      std::optional<std::string> value;
      for (const auto& [n, v] : set) {
        if (std::string(n) == name) value = std::string(v);
      }
      m_guards.push_back(std::make_unique<EnvGuard>(name, value));
    }
  }

 private:
  std::vector<std::unique_ptr<EnvGuard>> m_guards;
};

std::string unix_name() {
  const passwd* pw = ::getpwuid(::geteuid());
  return "unix:" + (pw != nullptr ? std::string(pw->pw_name) : std::to_string(::geteuid()));
}

}  // namespace

BOOST_AUTO_TEST_CASE(gitlab) {
  const Env env({{"GL_ID", "user-7"},
                 {"GL_USERNAME", "alice"},
                 {"GL_USER", "ignored"},
                 {"GL_REPO", "ignored"},
                 {"GL_PROTOCOL", "http"},
                 {"GL_PROJECT_PATH", "group/app"}});
  const HookContext c = hook_context_from_env();
  BOOST_TEST(c.pusher == "alice");
  BOOST_TEST(c.pusher_source == "GL_USERNAME");
  BOOST_TEST(c.protocol == "http");
  BOOST_TEST(c.repo == "group/app");
  BOOST_TEST(c.gitlab);
}

BOOST_AUTO_TEST_CASE(gitlab_without_username_names_the_id) {
  const Env env({{"GL_ID", "key-3"}, {"GL_USER", "not-gitolite"}, {"SSH_CONNECTION", "1 2 3 4"}});
  const HookContext c = hook_context_from_env();
  BOOST_TEST(c.pusher == "key-3");
  BOOST_TEST(c.pusher_source == "GL_ID");
  BOOST_TEST(c.protocol == "ssh");
  BOOST_TEST(c.repo == "");
}

BOOST_AUTO_TEST_CASE(gitolite) {
  const Env env({{"GL_USER", "bob"}, {"GL_REPO", "team/lib"}, {"SSH_ORIGINAL_COMMAND", "git-receive-pack 'x'"}});
  const HookContext c = hook_context_from_env();
  BOOST_TEST(c.pusher == "bob");
  BOOST_TEST(c.pusher_source == "GL_USER");
  BOOST_TEST(c.protocol == "ssh");
  BOOST_TEST(c.repo == "team/lib");
  BOOST_TEST(!c.gitlab);
}

BOOST_AUTO_TEST_CASE(gitea) {
  const Env env({{"GITEA_PUSHER_NAME", "carol"},
                 {"GITEA_REPO_USER_NAME", "org"},
                 {"GITEA_REPO_NAME", "svc"},
                 {"AUTHS_PUSHER", "ignored"}});
  HookContext c = hook_context_from_env();
  BOOST_TEST(c.pusher == "carol");
  BOOST_TEST(c.pusher_source == "GITEA_PUSHER_NAME");
  BOOST_TEST(c.protocol == "http");
  BOOST_TEST(c.repo == "org/svc");
  const Env internal(
      {{"GITEA_PUSHER_NAME", "carol"}, {"GITEA_INTERNAL_PUSH", "true"}, {"SSH_ORIGINAL_COMMAND", "gitea-internal"}});
  c = hook_context_from_env();
  BOOST_TEST(c.protocol == "web");
}

BOOST_AUTO_TEST_CASE(ssh_forced_command) {
  const Env env({{"AUTHS_PUSHER", "dave"}, {"SSH_CONNECTION", "1 2 3 4"}, {"USER", "root"}});
  const HookContext c = hook_context_from_env();
  BOOST_TEST(c.pusher == "dave");
  BOOST_TEST(c.pusher_source == "AUTHS_PUSHER");
  BOOST_TEST(c.protocol == "ssh");
}

BOOST_AUTO_TEST_CASE(smart_http_behind_authentication) {
  const Env env({{"GATEWAY_INTERFACE", "CGI/1.1"}, {"REMOTE_USER", "erin"}});
  HookContext c = hook_context_from_env();
  BOOST_TEST(c.pusher == "erin");
  BOOST_TEST(c.pusher_source == "REMOTE_USER");
  BOOST_TEST(c.protocol == "http");
  // REMOTE_USER outside CGI is no web server's word.
  const Env local({{"REMOTE_USER", "erin"}});
  c = hook_context_from_env();
  BOOST_TEST(c.pusher == unix_name());
}

BOOST_AUTO_TEST_CASE(otherwise_the_effective_user_not_dollar_user) {
  const Env env({{"USER", "mallory"}});
  const HookContext c = hook_context_from_env();
  BOOST_TEST(c.pusher == unix_name());
  BOOST_TEST(c.pusher_source == "uid");
  BOOST_TEST(c.protocol == "local");
  BOOST_TEST(c.repo == "");
  BOOST_TEST(!c.gitlab);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
