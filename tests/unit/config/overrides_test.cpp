// Break-glass overrides (auths/hooks_config.h): stored 0600, matched by ref and new id, claimed
// by exactly one push, expired ones ignored.
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "auths/hooks_config.h"
#include "support/scoped.h"

BOOST_AUTO_TEST_SUITE(break_glass_overrides)

namespace ac = auths::config;

namespace {

constexpr int64_t kNow = 1800000000;

auths::Oid oid(char c) { return *auths::Oid::from_hex(std::string(40, c)); }

/// A bare repository in a temporary directory.
struct Bare {
  auths::test::TempDir dir;
  std::string git_dir;
  Bare() {
    git_dir = (dir.path() / "r.git").string();
    const std::string cmd = "git init -q --bare '" + git_dir + "'";
    BOOST_REQUIRE(std::system(cmd.c_str()) == 0);
  }
};

/// A push of `refs` (ref, new id), each refused with unknown-signer.
auths::Decision refused(const std::vector<std::pair<std::string, auths::Oid>>& refs) {
  auths::Decision d;
  d.outcome = auths::Outcome::kReject;
  for (const auto& [ref, new_oid] : refs) {
    auths::RefReport r;
    r.ref = ref;
    r.update = {oid('1'), new_oid, ref};
    r.allowed = false;
    r.codes = {auths::Reason::kUnknownSigner};
    d.refs.push_back(r);
    d.violations.push_back({ref, new_oid, "main", auths::Reason::kUnknownSigner, "not a signer"});
  }
  return d;
}

}  // namespace

BOOST_AUTO_TEST_CASE(created_private_and_listed) {
  Bare repo;
  auto o = ac::create_override(repo.git_dir, "refs/heads/main", oid('a'), "  INC-7 ", 3600, "admin", kNow);
  BOOST_TEST_REQUIRE(o.has_value());
  BOOST_TEST(o->reason == "INC-7");
  BOOST_TEST(o->expires_at == kNow + 3600);
  struct stat st {};
  BOOST_TEST_REQUIRE(::stat(o->file.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  auto all = ac::list_overrides(repo.git_dir);
  BOOST_TEST_REQUIRE(all->size() == 1u);
  BOOST_TEST(all->front().id == o->id);
  BOOST_TEST(all->front().created_by == "admin");
}

BOOST_AUTO_TEST_CASE(bad_requests) {
  Bare repo;
  struct Row {
    const char* ref;
    const char* reason;
    int64_t lifetime;
    const char* error;
  };
  const Row rows[] = {
      {"main", "r", 60, "--ref must be a full ref name"},
      {"refs/heads/a b", "r", 60, "--ref must be a full ref name"},
      {"refs/heads/main", "  ", 60, "--reason must say why"},
      {"refs/heads/main", "r", 0, "--expires must be a positive duration"},
  };
  for (const auto& row : rows) {
    auto o = ac::create_override(repo.git_dir, row.ref, oid('a'), row.reason, row.lifetime, "admin", kNow);
    BOOST_TEST_REQUIRE(!o.has_value());
    BOOST_TEST(o.error().message.find(row.error) != std::string::npos, o.error().message);
  }
  BOOST_TEST(!ac::cancel_override(repo.git_dir, "not-an-id").has_value());
  BOOST_TEST((ac::cancel_override(repo.git_dir, "0123456789abcdef").error().code == auths::ErrorCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(matching_refusals_only) {
  Bare repo;
  (void)ac::create_override(repo.git_dir, "refs/heads/main", oid('a'), "fix", 60, "admin", kNow);
  struct Row {
    const char* what;
    auths::Decision decision;
    int64_t now;
    bool applies;
  };
  auths::Decision push_level = refused({{"refs/heads/main", oid('a')}});
  push_level.violations.push_back({"", std::nullopt, "", auths::Reason::kAuditFailed, "audit"});
  auths::Decision accepted;
  const Row rows[] = {
      {"the named update", refused({{"refs/heads/main", oid('a')}}), kNow, true},
      {"another object", refused({{"refs/heads/main", oid('b')}}), kNow, false},
      {"another ref", refused({{"refs/heads/dev", oid('a')}}), kNow, false},
      {"a second refused ref", refused({{"refs/heads/main", oid('a')}, {"refs/heads/dev", oid('a')}}), kNow, false},
      {"a violation of the whole push", push_level, kNow, false},
      {"expired", refused({{"refs/heads/main", oid('a')}}), kNow + 60, false},
      {"an accepted push", accepted, kNow, false},
  };
  for (auto row : rows) {
    BOOST_TEST_CONTEXT(row.what) {
      const auths::Outcome before = row.decision.outcome;
      auto applied = ac::apply_overrides(repo.git_dir, row.decision, row.now, /*consume=*/false);
      BOOST_TEST_REQUIRE(applied.has_value());
      BOOST_TEST(*applied == row.applies);
      BOOST_TEST(row.decision.accepted() == (row.applies || before == auths::Outcome::kAccept));
      if (row.applies) {
        BOOST_TEST((row.decision.overruled == auths::Outcome::kReject));
        BOOST_TEST(row.decision.override_note.find("by admin at 2027-01-15T08:00:00Z: fix") != std::string::npos,
                   row.decision.override_note);
      }
    }
  }
  BOOST_TEST(ac::list_overrides(repo.git_dir)->size() == 1u);  // nothing consumed
}

BOOST_AUTO_TEST_CASE(claimed_by_exactly_one_of_concurrent_pushes) {
  Bare repo;
  (void)ac::create_override(repo.git_dir, "refs/heads/main", oid('a'), "fix", 60, "admin", kNow);
  std::atomic<int> accepted{0};
  std::vector<std::thread> pushes;
  for (int i = 0; i < 8; ++i) {
    pushes.emplace_back([&] {
      auths::Decision d = refused({{"refs/heads/main", oid('a')}});
      auto applied = ac::apply_overrides(repo.git_dir, d, kNow, /*consume=*/true);
      if (applied && *applied) ++accepted;
    });
  }
  for (auto& t : pushes) t.join();
  BOOST_TEST(accepted.load() == 1);
  BOOST_TEST(ac::list_overrides(repo.git_dir)->empty());
  auths::Decision again = refused({{"refs/heads/main", oid('a')}});
  BOOST_TEST(!*ac::apply_overrides(repo.git_dir, again, kNow, true));
  BOOST_TEST(!again.accepted());
}

BOOST_AUTO_TEST_SUITE_END()
