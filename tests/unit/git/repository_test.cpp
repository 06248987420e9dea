// libgit2 access details that matter to hooks.
#include <boost/test/unit_test.hpp>

#include <git2.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "git/trees.h"
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

// A raw tag object written as `git hash-object --literally` writes it (libgit2 would refuse to
// create a tag whose type header lies).
Oid write_raw_tag(const TempRepo& t, const std::string& type, const Oid& target) {
  const fs::path file = t.dir / "raw-tag";
  std::ofstream(file) << "object " << target.hex() << "\ntype " << type
                      << "\ntag v1\ntagger T <t@example.org> 1700000000 +0000\n\nmessage\n";
  const fs::path out = t.dir / "raw-tag.oid";
  const std::string cmd = "git --git-dir='" + t.dir.string() + "' hash-object --literally -t tag -w '" + file.string() +
                          "' >'" + out.string() + "'";
  BOOST_REQUIRE(std::system(cmd.c_str()) == 0);
  std::stringstream hex;
  hex << std::ifstream(out).rdbuf();
  auto oid = Oid::from_hex(hex.str().substr(0, 40));
  BOOST_REQUIRE(oid.has_value());
  return *oid;
}

// peel() follows tags only when each one's `type` header names the real type of its target, as
// git does when it peels (object.c: "object %s is a %s, not a %s"); a lying tag is kCorrupt,
// with the lying tag as the context, wherever it is in the chain.
BOOST_AUTO_TEST_CASE(peel_checks_tag_types) {
  TempRepo t;
  const Oid commit = t.commit({{"f", "x"}}, {});
  const Oid tag = write_raw_tag(t, "commit", commit);
  const Oid nested = write_raw_tag(t, "tag", tag);
  for (const Oid& good : {tag, nested}) {
    const auto peeled = git::peel(*t.repo, good);
    BOOST_REQUIRE(peeled.has_value());
    BOOST_TEST((peeled->first == git::ObjectType::kCommit));
    BOOST_TEST(peeled->second.hex() == commit.hex());
  }
  const Oid says_tree = write_raw_tag(t, "tree", commit);
  const Oid says_commit = write_raw_tag(t, "commit", tag);
  const Oid nested_liar = write_raw_tag(t, "tag", says_tree);
  for (const auto& [liar, blamed, message] :
       {std::tuple{says_tree, says_tree, "tag says its object is a tree but it is a commit"},
        std::tuple{says_commit, says_commit, "tag says its object is a commit but it is a tag"},
        std::tuple{nested_liar, says_tree, "tag says its object is a tree but it is a commit"}}) {
    const auto peeled = git::peel(*t.repo, liar);
    BOOST_REQUIRE(!peeled.has_value());
    BOOST_TEST((peeled.error().code == ErrorCode::kCorrupt));
    BOOST_TEST(peeled.error().context == blamed.hex());
    BOOST_TEST(peeled.error().message == message);
  }
}

// Our programs never let libgit2 speak TLS (git/libgit2_glue.cpp skips its TLS set-up in the
// static build): a git::Session registers a TLS stream that refuses, with a clear error, before
// any connection is tried (port 9 of this machine: nothing is ever sent).
BOOST_AUTO_TEST_CASE(libgit2_tls_is_refused) {
  const git::Session session;
  git_remote* remote = nullptr;
  BOOST_REQUIRE(git_remote_create_detached(&remote, "https://127.0.0.1:9/org/repo.git") == 0);
  git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
  const int rc = git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr);
  const git_error* error = git_error_last();
  const std::string message = error != nullptr && error->message != nullptr ? error->message : "";
  git_remote_free(remote);
  BOOST_TEST(rc < 0);
  BOOST_TEST(message.find("no TLS connection to 127.0.0.1") != std::string::npos, message);
}

// The engine reads objects on every core at once (engine/judge.cpp). In pre-receive the pushed
// objects are only in git's quarantine directory, reachable through GIT_OBJECT_DIRECTORY and
// GIT_ALTERNATE_OBJECT_DIRECTORIES: every thread reads every one of them (type, content,
// presence) through the repository the hook opens; without those variables none is there.
BOOST_AUTO_TEST_CASE(every_thread_reads_the_quarantine) {
  TempRepo t;
  const fs::path quarantine = t.dir / "objects" / "incoming-test";
  fs::create_directories(quarantine);
  constexpr int kObjects = 300;
  std::ofstream list(t.dir / "paths");
  for (int i = 0; i < kObjects; ++i) {
    const fs::path file = t.dir / ("blob-" + std::to_string(i));
    std::ofstream(file) << "blob " << i << "\n";
    list << file.string() << "\n";
  }
  list.close();
  const std::string cmd = "GIT_OBJECT_DIRECTORY='" + quarantine.string() + "' git --git-dir='" + t.dir.string() +
                          "' hash-object -w --stdin-paths <'" + (t.dir / "paths").string() + "' >'" +
                          (t.dir / "oids").string() + "'";
  BOOST_REQUIRE(std::system(cmd.c_str()) == 0);
  std::vector<Oid> oids;
  std::ifstream in(t.dir / "oids");
  for (std::string line; std::getline(in, line);) oids.push_back(*Oid::from_hex(line));
  BOOST_REQUIRE(oids.size() == static_cast<size_t>(kObjects));
  BOOST_TEST(!t.repo->contains(oids.front()));  // only in quarantine

  const EnvGuard dir("GIT_DIR", t.dir.string());
  const EnvGuard objects("GIT_OBJECT_DIRECTORY", quarantine.string());
  const EnvGuard alternates("GIT_ALTERNATE_OBJECT_DIRECTORIES", (t.dir / "objects").string());
  auto repo = git::Repository::open_from_env();
  BOOST_REQUIRE(repo.has_value());
  constexpr int kThreads = 8;
  std::vector<int> wrong(kThreads, 0);
  {
    std::vector<std::jthread> threads;
    for (int n = 0; n < kThreads; ++n) {
      threads.emplace_back([&, n] {
        for (int k = 0; k < kObjects; ++k) {
          const int i = (k * 7 + n * 37) % kObjects;  // each thread in its own order
          auto object = repo->read(oids[i]);
          auto type = repo->type_of(oids[i]);
          const bool right = object && object->type == git::ObjectType::kBlob &&
                             object->data == "blob " + std::to_string(i) + "\n" && type &&
                             *type == git::ObjectType::kBlob && repo->contains(oids[i]);
          if (!right) ++wrong[n];
        }
      });
    }
  }
  for (int n = 0; n < kThreads; ++n) BOOST_TEST(wrong[n] == 0, "thread " << n);
  // A missing object is missing on every database alike.
  BOOST_TEST(!repo->contains(*Oid::from_hex(std::string(40, 'e'))));
  auto missing = repo->read(*Oid::from_hex(std::string(40, 'e')));
  BOOST_TEST((!missing && missing.error().code == ErrorCode::kNotFound));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace auths::test
