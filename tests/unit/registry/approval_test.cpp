// Approval records in the registry (registry/approval.h): what the registry accepts (a record
// at its own path whose signature verifies with its own key, whoever that key is) and refuses,
// and the lookup by object, in full and on demand.
#include <boost/test/unit_test.hpp>

#include "support/printers.h"
#include "support/registry_fixture.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(registry_approvals)
namespace {

const std::string kObject = kApprovalObject;

std::pair<std::string, std::string> stored(const ar::Approval& a) {
  return {*ar::approval_path(a), *ar::serialize_approval(a)};
}

Reason first_code(const std::vector<ar::Problem>& problems) {
  return problems.empty() ? Reason::kOk : problems.front().code;
}

}  // namespace

BOOST_AUTO_TEST_CASE(record_round_trips_and_verifies) {
  const auto key = generate_key();
  const ar::Approval a = signed_approval(key);
  BOOST_TEST(ar::verify_approval(a).has_value());
  auto parsed = ar::parse_approval(*ar::serialize_approval(a));
  BOOST_REQUIRE(parsed.has_value());
  BOOST_TEST(*ar::serialize_approval(*parsed) == *ar::serialize_approval(a));
  BOOST_TEST(ar::verify_approval(*parsed).has_value());
  BOOST_TEST((ar::record_kind(*ar::approval_path(a)) == ar::RecordKind::kApproval));
  BOOST_TEST(ar::approval_path(a)->find("v1/approvals/" + kObject + "/20231114T221320Z-E") == 0);
  // Any change of a signed field breaks the signature.
  ar::Approval flipped = a;
  flipped.approve = false;
  BOOST_TEST(!ar::verify_approval(flipped).has_value());
  // Strict parsing: unknown fields, a bad object id.
  std::string text = *ar::serialize_approval(a);
  BOOST_TEST(!ar::parse_approval(text.substr(0, text.size() - 2) + ",\"extra\": 1}\n").has_value());
  ar::Approval short_id = a;
  short_id.object = "abc";
  BOOST_TEST(!ar::serialize_approval(short_id).has_value());
}

BOOST_AUTO_TEST_CASE(registry_accepts_valid_records_and_refuses_the_rest) {
  TempRepo t;
  Identity alice = make_identity();
  const auto base = t.commit(alice.files, {});
  const auto key = generate_key();
  const auto other = generate_key();

  // A record by any key (the hook judges whose) at its path: accepted, found by object.
  const ar::Approval good = signed_approval(key);
  const auto c1 = t.commit({stored(good)}, {base});
  BOOST_TEST((first_code(t.verify(base, c1)) == Reason::kOk));
  auto state = ar::load(*t.repo, c1);
  BOOST_REQUIRE(state.has_value());
  BOOST_REQUIRE(state->approvals_of(kObject).size() == 1);
  BOOST_TEST((state->approvals_of(kObject).front()->signer_key == key.public_key()));
  BOOST_TEST(state->approvals_of(std::string(40, '2')).empty());
  // On demand, as the server reads a registry it verified before.
  const ar::State on_demand = ar::State::on_demand(source_of(*state));
  BOOST_REQUIRE(on_demand.approvals_of(kObject).size() == 1);
  BOOST_TEST(on_demand.approvals_of(kObject).front()->note == "looks good");
  BOOST_TEST(!on_demand.source_error().has_value());

  // A bad signature: the record claims another key than the one that signed.
  ar::Approval forged = signed_approval(other);
  forged.signer_key = key.public_key();
  const auto c2 = t.commit({{*ar::approval_path(forged), *ar::serialize_approval(forged)}}, {base});
  BOOST_TEST((first_code(t.verify(base, c2)) == Reason::kRegistryInvalidRecord));
  // Signed in namespace "git": refused.
  const ar::Approval git_ns = signed_approval(key, true, "git");
  const auto c3 = t.commit({stored(git_ns)}, {base});
  BOOST_TEST((first_code(t.verify(base, c3)) == Reason::kRegistryInvalidRecord));
  // Stored under another object's directory.
  auto [path, content] = stored(good);
  const auto c4 = t.commit({{"v1/approvals/" + std::string(40, '2') + path.substr(path.rfind('/')), content}}, {base});
  BOOST_TEST((first_code(t.verify(base, c4)) == Reason::kRegistryInvalidRecord));
  BOOST_TEST(!ar::load(*t.repo, c4).has_value());
  // A rejection can never be withdrawn: removing it is an edit.
  const ar::Approval rejection = signed_approval(key, false);
  const auto c5 = t.commit({stored(rejection)}, {c1});
  BOOST_TEST((first_code(t.verify(c1, c5)) == Reason::kOk));
  Files without = alice.files;
  without.push_back(stored(good));
  const auto c6 = t.commit(without, {c5}, /*on_top=*/false);
  BOOST_TEST((first_code(t.verify(c5, c6)) == Reason::kRegistryEdit));
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
