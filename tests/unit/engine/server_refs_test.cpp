// ServerRefs: the refs a push is judged against, as the server has them (pre-receive) or as a
// clone last saw the remote (pre-push). The listing comes in whatever order the repository gives
// it (libgit2 lists loose refs before packed ones): the lookups must not depend on that order.
#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

#include "engine/server_refs.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(engine_server_refs)
namespace {

Oid oid(char c) { return *Oid::from_hex(std::string(40, c)); }

/// A repository that has refs only, listed in the order given.
class ListedRefs final : public git::RepoView {
 public:
  struct Ref {
    std::string name;
    std::optional<Oid> target;
    std::string symbolic;
  };
  ListedRefs(std::vector<Ref> refs, std::string head) : m_refs(std::move(refs)), m_head(std::move(head)) {}

  Result<git::RawObject> read(const Oid& /*oid*/) const override { return Error::not_found("no objects here"); }
  Result<git::ObjectType> type_of(const Oid& /*oid*/) const override { return Error::not_found("no objects here"); }
  bool contains(const Oid& /*oid*/) const override { return false; }
  Status each_ref(const git::RefVisitor& visit) const override {
    for (const Ref& r : m_refs) visit({r.name, r.target, r.symbolic});
    return {};
  }
  Result<std::string> head_target() const override { return m_head; }

 private:
  std::vector<Ref> m_refs;
  std::string m_head;
};

std::vector<std::string> names(const engine::ServerRefs& refs) {
  std::vector<std::string> out;
  for (const auto& [name, target] : refs.direct()) out.push_back(name);
  return out;
}

/// The object `name` points at, as hex; "none" when there is no such ref.
std::string target_hex(const engine::ServerRefs& refs, std::string_view name) {
  const auto target = refs.target(name);
  return target ? target->hex() : "none";
}

}  // namespace

BOOST_AUTO_TEST_CASE(server_refs_are_found_whatever_the_listing_order) {
  // Loose refs first, then packed ones, as libgit2 lists them: not sorted.
  const ListedRefs repo({{"refs/tags/v1", oid('3'), ""},
                         {"refs/heads/main", oid('1'), ""},
                         {"refs/heads/master", std::nullopt, "refs/heads/main"},
                         {"refs/auths/registry", oid('4'), ""},
                         {"refs/heads/feature", oid('2'), ""}},
                        "refs/heads/master");
  auto refs = engine::ServerRefs::read(repo);
  BOOST_REQUIRE(refs);
  const std::vector<std::string> sorted = {"refs/auths/registry", "refs/heads/feature", "refs/heads/main",
                                           "refs/tags/v1"};
  BOOST_TEST(names(*refs) == sorted, boost::test_tools::per_element());
  BOOST_TEST(target_hex(*refs, "refs/heads/main") == std::string(40, '1'));
  BOOST_TEST(target_hex(*refs, "refs/heads/feature") == std::string(40, '2'));
  BOOST_TEST(target_hex(*refs, "refs/tags/v1") == std::string(40, '3'));
  BOOST_TEST(target_hex(*refs, "refs/auths/registry") == std::string(40, '4'));
  // Not a ref: a prefix of one, one between two, one past the last, the symbolic one itself.
  for (const char* absent : {"refs/heads/mai", "refs/heads/g", "refs/z", "refs/heads/master", ""}) {
    BOOST_TEST(!refs->target(absent), absent);
  }
  // HEAD names the symbolic ref: the default branch is where it leads.
  BOOST_TEST(refs->default_branch() == "refs/heads/main");
  BOOST_TEST(refs->resolve("refs/heads/master") == "refs/heads/main");
  BOOST_TEST(refs->resolve("refs/heads/other") == "refs/heads/other");
  BOOST_TEST(!refs->empty());
}

BOOST_AUTO_TEST_CASE(a_new_repository_has_no_refs) {
  const ListedRefs repo({}, "refs/heads/main");
  auto refs = engine::ServerRefs::read(repo);
  BOOST_REQUIRE(refs);
  BOOST_TEST(refs->empty());
  BOOST_TEST(!refs->target("refs/heads/main"));
  BOOST_TEST(refs->default_branch() == "refs/heads/main");
}

BOOST_AUTO_TEST_CASE(pre_push_sees_the_remote_under_its_own_names) {
  const ListedRefs repo({{"refs/remotes/origin/topic", oid('2'), ""},
                         {"refs/heads/main", oid('9'), ""},  // this clone's own branch: not the remote's
                         {"refs/remotes/origin/HEAD", std::nullopt, "refs/remotes/origin/trunk"},
                         {"refs/remotes/upstream/main", oid('8'), ""},
                         {"refs/auths/registry", oid('4'), ""},
                         {"refs/remotes/origin/trunk", oid('1'), ""}},
                        "refs/heads/main");
  auto refs = engine::ServerRefs::read(repo, "origin");
  BOOST_REQUIRE(refs);
  const std::vector<std::string> sorted = {"refs/auths/registry", "refs/heads/topic", "refs/heads/trunk"};
  BOOST_TEST(names(*refs) == sorted, boost::test_tools::per_element());
  BOOST_TEST(target_hex(*refs, "refs/heads/trunk") == std::string(40, '1'));
  BOOST_TEST(target_hex(*refs, "refs/heads/topic") == std::string(40, '2'));
  BOOST_TEST(!refs->target("refs/heads/main"));
  BOOST_TEST(refs->default_branch() == "refs/heads/trunk");
}

BOOST_AUTO_TEST_CASE(pre_push_without_remote_head_guesses_main_then_master) {
  {
    const ListedRefs repo({{"refs/remotes/origin/master", oid('2'), ""}, {"refs/remotes/origin/main", oid('1'), ""}},
                          "");
    auto refs = engine::ServerRefs::read(repo, "origin");
    BOOST_REQUIRE(refs);
    BOOST_TEST(refs->default_branch() == "refs/heads/main");
  }
  {
    const ListedRefs repo({{"refs/remotes/origin/master", oid('2'), ""}}, "");
    auto refs = engine::ServerRefs::read(repo, "origin");
    BOOST_REQUIRE(refs);
    BOOST_TEST(refs->default_branch() == "refs/heads/master");
  }
  {
    const ListedRefs repo({{"refs/remotes/origin/dev", oid('2'), ""}}, "");
    auto refs = engine::ServerRefs::read(repo, "origin");
    BOOST_REQUIRE(refs);
    BOOST_TEST(refs->default_branch().empty());
  }
}

BOOST_AUTO_TEST_CASE(one_name_listed_twice_is_kept_once) {
  // git lists a name once; a listing that brings one twice gets one of them, the same one in
  // any order: the smaller id.
  const ListedRefs repo({{"refs/auths/registry", oid('4'), ""},
                         {"refs/remotes/origin/a", oid('2'), ""},
                         {"refs/remotes/origin/a", oid('1'), ""}},
                        "");
  auto refs = engine::ServerRefs::read(repo, "origin");
  BOOST_REQUIRE(refs);
  const std::vector<std::string> sorted = {"refs/auths/registry", "refs/heads/a"};
  BOOST_TEST(names(*refs) == sorted, boost::test_tools::per_element());
  BOOST_TEST(target_hex(*refs, "refs/heads/a") == std::string(40, '1'));
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
