// hooks.yaml (auths/hooks_config.h): every key, bad values, unknown keys, precedence, globs.
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "auths/hooks_config.h"

BOOST_AUTO_TEST_SUITE(server_config)

namespace ac = auths::config;

namespace {

constexpr const char* kFile = "/etc/auths/hooks.yaml";

ac::ServerConfig parsed(const std::string& text) {
  auto c = ac::parse(text, kFile);
  BOOST_TEST_REQUIRE(c.has_value(), (c ? std::string() : c.error().to_string()));
  return *c;
}

std::string error_of(const std::string& text) {
  auto c = ac::parse(text, kFile);
  BOOST_TEST_REQUIRE(!c.has_value(), "expected an error for:\n" << text);
  return c.error().to_string();
}

ac::RepoSettings settings(const std::string& text, const std::string& git_dir, const ac::GitSettings& git = {}) {
  auto r = ac::resolve(parsed(text), git_dir, git);
  BOOST_TEST_REQUIRE(r.has_value(), (r ? std::string() : r.error().to_string()));
  return *r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_key_in_defaults) {
  const auto c = parsed(R"(version: 1
defaults:
  mode: warn
  bootstrap: /etc/auths/default-policy.toml
  trust_roots: ["did:keri:EAbc"]
  audit: /var/log/auths/audit.jsonl
  witnesses: ["did:key:z6Mk1"]
  cache_dir: /var/cache/auths
  time_budget_ms: 1500
  max_push_commits: 200
  messages: gitlab
  project: path
  forge: gitea
)");
  const auto s = *ac::resolve(c, "/srv/git/a.git");
  BOOST_TEST((s.mode == auths::Enforcement::kWarn));
  BOOST_TEST(s.bootstrap == "/etc/auths/default-policy.toml");
  BOOST_TEST(s.trust_roots == std::vector<std::string>{"did:keri:EAbc"});
  BOOST_TEST(s.audit == "/var/log/auths/audit.jsonl");
  BOOST_TEST(s.witnesses == std::vector<std::string>{"did:key:z6Mk1"});
  BOOST_TEST(s.cache_dir == "/var/cache/auths");
  BOOST_TEST(s.time_budget_ms == 1500u);
  BOOST_TEST(s.max_push_commits == 200u);
  BOOST_TEST((s.messages == ac::Messages::kGitlab));
  BOOST_TEST((s.project == ac::Project::kPath));
  BOOST_TEST((s.forge == ac::Forge::kGitea));
  for (const auto& key : ac::setting_keys()) BOOST_TEST(s.sources.at(key) == "/etc/auths/hooks.yaml:3 defaults");
}

BOOST_AUTO_TEST_CASE(built_in_defaults) {
  const auto s = *ac::resolve(ac::ServerConfig{}, "/srv/git/a.git");
  BOOST_TEST((s.mode == auths::Enforcement::kEnforce));
  BOOST_TEST(s.bootstrap == "deny");
  BOOST_TEST(s.audit.empty());
  BOOST_TEST(s.time_budget_ms == 0u);
  BOOST_TEST((s.messages == ac::Messages::kAuto));
  BOOST_TEST((s.forge == ac::Forge::kNone));
  for (const auto& key : ac::setting_keys()) BOOST_TEST(s.sources.at(key) == "built-in");
  BOOST_TEST(ac::value_text(s, "audit") == "none");
  BOOST_TEST(ac::value_text(s, "trust_roots") == "[]");
}

BOOST_AUTO_TEST_CASE(accepted_values) {
  struct Row {
    const char* line;
    const char* key;
    const char* shown;
  };
  const Row rows[] = {
      {"mode: enforce", "mode", "enforce"},
      {"mode: off", "mode", "off"},
      {"bootstrap: deny", "bootstrap", "deny"},
      {"bootstrap: allow", "bootstrap", "allow"},
      {"audit: syslog", "audit", "syslog"},
      {"trust_roots: []", "trust_roots", "[]"},
      {"trust_roots: [did:keri:A, did:keri:B]", "trust_roots", "[did:keri:A, did:keri:B]"},
      {"witnesses: []", "witnesses", "[]"},
      {"time_budget_ms: 0", "time_budget_ms", "0"},
      {"max_push_commits: 1000000", "max_push_commits", "1000000"},
      {"messages: plain", "messages", "plain"},
      {"messages: auto", "messages", "auto"},
      {"project: auto", "project", "auto"},
      {"project: config", "project", "config"},
      {"project: env", "project", "env"},
      {"forge: none", "forge", "none"},
      {"forge: gitlab", "forge", "gitlab"},
  };
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT(row.line) {
      const auto s = settings(std::string("version: 1\ndefaults:\n  ") + row.line + "\n", "/r.git");
      BOOST_TEST(ac::value_text(s, row.key) == row.shown);
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_values_name_file_line_key_and_what_is_allowed) {
  struct Row {
    const char* text;
    const char* error;
  };
  const Row rows[] = {
      {"version: 1\ndefaults:\n  mode: warning\n",
       "/etc/auths/hooks.yaml:3: key 'mode': 'warning' is not allowed (enforce, warn or off)"},
      {"version: 1\ndefaults:\n  bootstrap: maybe\n",
       "/etc/auths/hooks.yaml:3: key 'bootstrap': 'maybe' is not allowed (deny, allow or the absolute path of a "
       "policy file)"},
      {"version: 1\ndefaults:\n  bootstrap: policy.toml\n", "key 'bootstrap': 'policy.toml' is not allowed"},
      {"version: 1\ndefaults:\n  trust_roots: did:keri:A\n",
       "/etc/auths/hooks.yaml:3: key 'trust_roots': must be a list"},
      {"version: 1\ndefaults:\n  trust_roots: [did:key:z6Mk]\n",
       "/etc/auths/hooks.yaml:3: key 'trust_roots': 'did:key:z6Mk' is not a did:keri:... identifier"},
      {"version: 1\ndefaults:\n  witnesses:\n    - did:keri:E\n",
       "/etc/auths/hooks.yaml:4: key 'witnesses': 'did:keri:E' is not a did:key:... identifier"},
      {"version: 1\ndefaults:\n  audit: audit.log\n",
       "key 'audit': 'audit.log' is not allowed (an absolute file path or syslog)"},
      {"version: 1\ndefaults:\n  cache_dir: cache\n", "key 'cache_dir': 'cache' must be an absolute path"},
      {"version: 1\ndefaults:\n  time_budget_ms: -1\n",
       "key 'time_budget_ms': '-1' is not a whole number of milliseconds (0 = none)"},
      {"version: 1\ndefaults:\n  time_budget_ms: 1.5\n", "key 'time_budget_ms': '1.5' is not a whole number"},
      {"version: 1\ndefaults:\n  max_push_commits: lots\n",
       "key 'max_push_commits': 'lots' is not a whole number of commits"},
      {"version: 1\ndefaults:\n  messages: html\n", "key 'messages': 'html' is not allowed (auto, gitlab or plain)"},
      {"version: 1\ndefaults:\n  project: name\n", "key 'project': 'name' is not allowed (auto, path, config or env)"},
      {"version: 1\ndefaults:\n  forge: github\n", "key 'forge': 'github' is not allowed (none, gitea or gitlab)"},
      {"version: 1\ndefaults:\n  mode: [warn]\n", "/etc/auths/hooks.yaml:3: key 'mode': must be a single value"},
      {"version: 2\n", "/etc/auths/hooks.yaml:1: key 'version': '2' is not supported (only 1)"},
      {"defaults:\n  mode: warn\n", "key 'version': missing"},
      {"", "the file is empty"},
      {"- a\n- b\n", "the file must be a mapping"},
      {"version: 1\ndefaults: warn\n", "key 'defaults': must be a mapping"},
      {"version: 1\nrepositories:\n  match: /x\n", "key 'repositories': must be a list"},
      {"version: 1\nrepositories:\n  - mode: warn\n",
       "/etc/auths/hooks.yaml:3: key 'repositories[0]': has no 'match:'"},
      {"version: 1\nrepositories:\n  - match: srv/*.git\n",
       "/etc/auths/hooks.yaml:3: key 'match': 'srv/*.git' must be an absolute path glob"},
      {"version: 1\ndefaults:\n  mode: [warn\n", "/etc/auths/hooks.yaml:"},
  };
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT(row.text) {
      const std::string error = error_of(row.text);
      BOOST_TEST(error.find(row.error) != std::string::npos, error);
    }
  }
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_errors) {
  struct Row {
    const char* text;
    const char* error;
  };
  const Row rows[] = {
      {"version: 1\ndefaults:\n  mdoe: warn\n",
       "/etc/auths/hooks.yaml:3: unknown key 'mdoe' in defaults (did you mean 'mode'?)"},
      {"version: 1\nrepos: []\n", "/etc/auths/hooks.yaml:2: unknown key 'repos' at the top level"},
      {"version: 1\nrepositories:\n  - match: /a\n    trust_root: []\n",
       "/etc/auths/hooks.yaml:4: unknown key 'trust_root' in repositories[0] (did you mean 'trust_roots'?)"},
      {"version: 1\ndefaults:\n  match: /a\n", "unknown key 'match' in defaults"},
      {"version: 1\ndefaults:\n  colour: blue\n", "unknown key 'colour' in defaults (allowed: mode, bootstrap,"},
  };
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT(row.text) {
      const std::string error = error_of(row.text);
      BOOST_TEST(error.find(row.error) != std::string::npos, error);
    }
  }
}

BOOST_AUTO_TEST_CASE(entries_match_by_glob_and_override_key_by_key) {
  const std::string text = R"(version: 1
defaults:
  mode: enforce
  time_budget_ms: 100
repositories:
  - match: "/srv/git/legacy/*.git"
    mode: warn
  - match: "/srv/git/**"
    max_push_commits: 50
  - match: "/srv/git/legacy/old.git"
    mode: off
)";
  struct Row {
    const char* dir;
    const char* mode;
    uint64_t max;
    const char* mode_source;
  };
  const Row rows[] = {
      {"/srv/git/legacy/a.git", "warn", 50, "/etc/auths/hooks.yaml:6 repositories[0] (match '/srv/git/legacy/*.git')"},
      {"/srv/git/legacy/a.git/", "warn", 50, "/etc/auths/hooks.yaml:6 repositories[0] (match '/srv/git/legacy/*.git')"},
      {"/srv/git/legacy/old.git", "off", 50,
       "/etc/auths/hooks.yaml:10 repositories[2] (match '/srv/git/legacy/old.git')"},
      {"/srv/git/legacy/sub/a.git", "enforce", 50, "/etc/auths/hooks.yaml:3 defaults"},
      {"/srv/git/team/a.git", "enforce", 50, "/etc/auths/hooks.yaml:3 defaults"},
      {"/srv/other/a.git", "enforce", 0, "/etc/auths/hooks.yaml:3 defaults"},
  };
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT(row.dir) {
      const auto s = settings(text, row.dir);
      BOOST_TEST(ac::value_text(s, "mode") == row.mode);
      BOOST_TEST(s.max_push_commits == row.max);
      BOOST_TEST(s.time_budget_ms == 100u);
      BOOST_TEST(s.sources.at("mode") == row.mode_source);
    }
  }
}

BOOST_AUTO_TEST_CASE(git_config_between_entries_and_defaults) {
  const std::string text = R"(version: 1
defaults:
  bootstrap: deny
  audit: /var/log/auths/all.jsonl
  project: env
repositories:
  - match: "/srv/git/pinned/*"
    bootstrap: /etc/auths/default.toml
    audit: syslog
    project: path
)";
  const ac::GitSettings git{"allow", "/var/log/repo.jsonl", "group/project"};
  const auto plain = settings(text, "/srv/git/a.git", git);
  BOOST_TEST(plain.bootstrap == "allow");
  BOOST_TEST(plain.sources.at("bootstrap") == "git config auths.bootstrap");
  BOOST_TEST(plain.audit == "/var/log/repo.jsonl");
  BOOST_TEST(plain.sources.at("audit") == "git config auths.auditLog");
  BOOST_TEST(ac::to_string(plain.project) == "config");
  BOOST_TEST(ac::project_name(plain, "/srv/git/a.git", "forge/name") == "group/project");
  const auto pinned = settings(text, "/srv/git/pinned/b.git", git);
  BOOST_TEST(pinned.bootstrap == "/etc/auths/default.toml");
  BOOST_TEST(pinned.audit == "syslog");
  BOOST_TEST(ac::project_name(pinned, "/srv/git/pinned/b.git", "forge/name") == "pinned/b");
  const auto unset = settings(text, "/srv/git/a.git", {});
  BOOST_TEST(unset.bootstrap == "deny");
  BOOST_TEST(ac::project_name(unset, "/srv/git/a.git", "forge/name") == "forge/name");
  // git config auths.bootstrap keeps its own check.
  auto bad = ac::resolve(parsed(text), "/srv/git/a.git", ac::GitSettings{"yes", std::nullopt, std::nullopt});
  BOOST_TEST_REQUIRE(!bad.has_value());
  BOOST_TEST(bad.error().message == "git config auths.bootstrap must be 'allow' or 'deny', not 'yes'");
}

BOOST_AUTO_TEST_CASE(project_name_sources) {
  ac::RepoSettings s;
  s.project_name = "cfg/name";
  s.project = ac::Project::kAuto;
  BOOST_TEST(ac::project_name(s, "/x/a.git", "env/name") == "cfg/name");
  s.project_name.clear();
  BOOST_TEST(ac::project_name(s, "/x/a.git", "env/name") == "env/name");
  s.project = ac::Project::kEnv;
  s.project_name = "cfg/name";
  BOOST_TEST(ac::project_name(s, "/x/a.git", "env/name") == "env/name");
  s.project = ac::Project::kPath;
  BOOST_TEST(ac::project_name(s, "/srv/git/group/project.git/", "") == "group/project");
  BOOST_TEST(ac::project_name(s, "/home/me/work/project/.git/", "") == "work/project");
  BOOST_TEST(ac::project_name(s, "/project.git", "") == "project");
}

BOOST_AUTO_TEST_CASE(missing_named_file_is_an_error) {
  auto c = ac::load("/nonexistent/auths/hooks.yaml");
  BOOST_TEST_REQUIRE(!c.has_value());
  BOOST_TEST(c.error().to_string() == "/nonexistent/auths/hooks.yaml: cannot read the server configuration");
}

BOOST_AUTO_TEST_SUITE_END()
