// edit_distance and closest (util/strings.h): the did-you-mean of policy keys.
#include <array>
#include <string_view>

#include <boost/test/unit_test.hpp>

#include "util/strings.h"

BOOST_AUTO_TEST_SUITE(util_strings)

namespace au = auths::util;

BOOST_AUTO_TEST_CASE(edit_distance_counts_each_edit_once) {
  BOOST_TEST(au::edit_distance("", "") == 0u);
  BOOST_TEST(au::edit_distance("", "abc") == 3u);
  BOOST_TEST(au::edit_distance("abc", "") == 3u);
  BOOST_TEST(au::edit_distance("signers", "signers") == 0u);
  BOOST_TEST(au::edit_distance("sigers", "signers") == 1u);    // insertion
  BOOST_TEST(au::edit_distance("signerss", "signers") == 1u);  // deletion
  BOOST_TEST(au::edit_distance("signars", "signers") == 1u);   // substitution
  BOOST_TEST(au::edit_distance("singers", "signers") == 1u);   // adjacent transposition
  BOOST_TEST(au::edit_distance("kitten", "sitting") == 3u);
  BOOST_TEST(au::edit_distance("ca", "abc") == 3u);  // optimal string alignment, not full Damerau
}

BOOST_AUTO_TEST_CASE(closest_prefers_case_then_distance) {
  constexpr std::array<std::string_view, 4> kKeys = {"refs", "require", "signers", "allowed_signers"};
  BOOST_TEST(au::closest("singers", kKeys) == "signers");
  BOOST_TEST(au::closest("Require", kKeys) == "require");
  BOOST_TEST(au::closest("REFS", kKeys) == "refs");  // case alone, even when far apart
  BOOST_TEST(au::closest("requir", kKeys) == "require");
  BOOST_TEST(au::closest("allowed-signer", kKeys) == "allowed_signers");
  BOOST_TEST(au::closest("threshold", kKeys) == "");  // nothing within 2
  BOOST_TEST(au::closest("anything", {}) == "");
}

BOOST_AUTO_TEST_SUITE_END()
