// RFC 8785 (JSON Canonicalization Scheme): the examples of the RFC itself, and the strict
// parser used for signed records.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <limits>

#include "keri/canonical_json.h"

BOOST_AUTO_TEST_SUITE(keri_canonical_json)

namespace ak = auths::keri;

namespace {

std::string canon(std::string_view text) {
  const auto json = ak::parse_json_strict(text, 1 << 20);
  BOOST_REQUIRE_MESSAGE(json.has_value(), (json ? "" : json.error().to_string()));
  const auto out = ak::canonicalize(*json);
  BOOST_REQUIRE(out.has_value());
  return *out;
}

double from_bits(uint64_t bits) {
  double d = 0;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

}  // namespace

// RFC 8785 section 3.2.2: the sample input and its canonical form.
BOOST_AUTO_TEST_CASE(rfc8785_sample) {
  const char* input = R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })";
  BOOST_TEST(canon(input) ==
             "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
             "\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

// RFC 8785 section 3.2.3: member names sorted by UTF-16 code units, so the emoji (a surrogate
// pair starting 0xD83D) sorts before U+FB33, unlike a sort by code points or UTF-8 bytes.
BOOST_AUTO_TEST_CASE(rfc8785_sorting) {
  const char* input = R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })";
  const std::string out = canon(input);
  const std::vector<std::string> order = {
      "\\r", "1", "\xC2\x80", "\xC3\xB6", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xEF\xAC\xB3"};
  size_t pos = 0;
  for (const auto& name : order) {
    const size_t found = out.find("\"" + name + "\":", pos);
    BOOST_TEST(found != std::string::npos, "name " << name << " out of order in " << out);
    pos = found;
  }
  // Nested objects are sorted too, arrays keep their order.
  BOOST_TEST(canon(R"({"b":[{"z":1,"a":2}],"a":{"y":null,"x":[3,1]}})") ==
             R"({"a":{"x":[3,1],"y":null},"b":[{"a":2,"z":1}]})");
}

// RFC 8785 appendix B: IEEE-754 bit patterns and their ECMAScript serialization.
BOOST_AUTO_TEST_CASE(rfc8785_numbers) {
  const std::vector<std::pair<uint64_t, std::string>> cases = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const auto& [bits, expected] : cases) {
    const auto out = ak::format_es_number(from_bits(bits));
    BOOST_REQUIRE(out.has_value());
    BOOST_TEST(*out == expected, "bits " << std::hex << bits);
  }
  BOOST_TEST(!ak::format_es_number(std::numeric_limits<double>::quiet_NaN()).has_value());
  BOOST_TEST(!ak::format_es_number(std::numeric_limits<double>::infinity()).has_value());
}

BOOST_AUTO_TEST_CASE(integers_and_escapes) {
  BOOST_TEST(canon(R"([0,-1,1,9007199254740992,-9007199254740992,1.0,100e-2])") ==
             "[0,-1,1,9007199254740992,-9007199254740992,1,1]");
  // Beyond 2^53 an integer cannot be represented exactly as a double: refused.
  BOOST_TEST(!ak::canonicalize(ak::parse_json_strict("[9007199254740993]", 100).value()).has_value());
  BOOST_TEST(!ak::canonicalize(ak::parse_json_strict("[18446744073709551615]", 100).value()).has_value());
  // Control characters: the short escapes where JSON has them, \u00xx (lowercase) otherwise;
  // DEL and non-ASCII as they are.
  BOOST_TEST(canon("[\"\\u0000\\u0008\\u0009\\u000a\\u000c\\u000d\\u001f\\u007f\\u00e9\"]") ==
             "[\"\\u0000\\b\\t\\n\\f\\r\\u001f\x7f\xC3\xA9\"]");
  // Invalid UTF-8 placed into a value by code is refused.
  BOOST_TEST(!ak::canonicalize(nlohmann::json(std::string("\xC3"))).has_value());
  BOOST_TEST(!ak::canonicalize(nlohmann::json(std::string("\xED\xA0\x80"))).has_value());  // a surrogate
  // Ordered JSON gives the same bytes as sorted JSON.
  nlohmann::ordered_json o;
  o["b"] = 1;
  o["a"] = 2;
  BOOST_TEST(ak::canonicalize(o).value() == R"({"a":2,"b":1})");
}

BOOST_AUTO_TEST_CASE(strict_parser) {
  BOOST_TEST(ak::parse_json_strict(R"({"a":1})", 100).has_value());
  BOOST_TEST(!ak::parse_json_strict(R"({"a":1,"a":2})", 100).has_value());        // duplicate
  BOOST_TEST(!ak::parse_json_strict(R"({"x":{"a":1,"a":1}})", 100).has_value());  // nested duplicate
  BOOST_TEST(ak::parse_json_strict(R"([{"a":1},{"a":1}])", 100).has_value());     // separate objects
  BOOST_TEST(!ak::parse_json_strict(R"({"a":1} x)", 100).has_value());            // trailing
  BOOST_TEST(!ak::parse_json_strict(R"({"a":1})", 6).has_value());                // too large
  BOOST_TEST(!ak::parse_json_strict("\"\xC3\"", 100).has_value());                // bad UTF-8
  BOOST_TEST(!ak::parse_json_strict("{/*c*/}", 100).has_value());                 // comments
  BOOST_TEST(!ak::parse_json_strict(std::string(100, '[') + std::string(100, ']'), 1000).has_value());
  BOOST_TEST(ak::parse_json_strict(std::string(10, '[') + std::string(10, ']'), 1000).has_value());
  BOOST_TEST(ak::parse_ordered_json_strict(R"({"b":1,"a":2})", 100).value().begin().key() == "b");
}

BOOST_AUTO_TEST_SUITE_END()
