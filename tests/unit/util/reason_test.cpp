// The reason codes: one typed list whose names are stable and unique, and the README's table
// is that list, row for row.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "auths/reason.h"

namespace auths::test {

BOOST_AUTO_TEST_SUITE(reason_codes)

BOOST_AUTO_TEST_CASE(names_are_unique_and_round_trip) {
  std::set<std::string_view> seen;
  for (const auto& row : all_reasons()) {
    BOOST_TEST(seen.insert(row.name).second, "duplicate name " << row.name);
    BOOST_TEST((reason_from_name(row.name) == row.code));
    BOOST_TEST(!row.meaning.empty());
    for (const char c : row.name) BOOST_TEST(((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'));
  }
  BOOST_TEST(!reason_from_name("no-such-code").has_value());
}

BOOST_AUTO_TEST_CASE(readme_table_is_the_list) {
  std::ifstream in(std::string(AUTHS_TEST_DATA_DIR) + "/../../README.md");
  BOOST_REQUIRE(in.good());
  std::string line;
  bool in_section = false;
  std::vector<std::pair<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    if (line.rfind("### Reason codes", 0) == 0) {
      in_section = true;
      continue;
    }
    if (in_section && line.rfind("#", 0) == 0) break;
    if (!in_section || line.rfind("| `", 0) != 0) continue;
    const size_t end = line.find("` | ");
    BOOST_REQUIRE(end != std::string::npos);
    std::string meaning = line.substr(end + 4);
    BOOST_REQUIRE(meaning.size() >= 2);
    meaning.resize(meaning.size() - 2);  // " |"
    rows.emplace_back(line.substr(3, end - 3), meaning);
  }
  std::vector<std::pair<std::string, std::string>> expected;
  for (const auto& r : all_reasons()) {
    if (r.code != Reason::kOk) expected.emplace_back(std::string(r.name), std::string(r.meaning));
  }
  BOOST_TEST(rows.size() == expected.size());
  for (size_t i = 0; i < std::min(rows.size(), expected.size()); ++i) {
    BOOST_TEST(rows[i].first == expected[i].first);
    BOOST_TEST(rows[i].second == expected[i].second, "README row for " << expected[i].first);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace auths::test
