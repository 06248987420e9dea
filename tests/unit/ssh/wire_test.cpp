#include <boost/test/unit_test.hpp>

#include "ssh/wire.h"
#include "util/bytes.h"

BOOST_AUTO_TEST_SUITE(ssh_wire)

namespace aw = auths::ssh::wire;
namespace au = auths::util;

namespace {

au::Bytes hex(std::string_view h) { return *au::hex_decode(h); }

}  // namespace

BOOST_AUTO_TEST_CASE(uint32_and_string) {
  const au::Bytes data =
      hex("0000000300000003616263"
          "00000000");
  aw::Reader r(data);
  BOOST_TEST(*r.read_uint32("n") == 3u);
  BOOST_TEST(*r.read_text("s") == "abc");
  BOOST_TEST(r.read_string("empty")->empty());
  BOOST_TEST(r.at_end());
  BOOST_TEST(!r.read_uint32("past the end").has_value());
}

BOOST_AUTO_TEST_CASE(lengths_beyond_the_data) {
  for (const char* h : {"00000004616263", "ffffffff616263", "80000000", "000000", ""}) {
    const au::Bytes data = hex(h);
    aw::Reader r(data);
    const auto s = r.read_string("field");
    BOOST_TEST_REQUIRE(!s.has_value(), "accepted " << h);
    BOOST_TEST((s.error().code == auths::ErrorCode::kCorrupt));
    BOOST_TEST(r.remaining() == data.size());  // a failed read consumes nothing
  }
}

// RFC 4253 section 5 examples: 0 -> 00000000; 0x80 -> 00000002 0080; 0x1234 -> 00000002 1234.
BOOST_AUTO_TEST_CASE(mpint_rfc4253_examples) {
  aw::Writer w;
  w.put_unsigned_mpint(au::Bytes{});
  w.put_unsigned_mpint(hex("80"));
  w.put_unsigned_mpint(hex("001234"));  // leading zeros in the input are dropped
  w.put_unsigned_mpint(hex("09a378f9b2e332a7"));
  BOOST_TEST(au::hex_encode(w.bytes()) ==
             "00000000"
             "000000020080"
             "000000021234"
             "0000000809a378f9b2e332a7");

  aw::Reader r(w.bytes());
  for (const char* expected : {"", "80", "1234", "09a378f9b2e332a7"}) {
    const auto v = r.read_unsigned_mpint("v");
    BOOST_TEST_REQUIRE(v.has_value());
    BOOST_TEST(au::hex_encode(au::Bytes(v->begin(), v->end())) == expected);
  }
  BOOST_TEST(r.at_end());
}

BOOST_AUTO_TEST_CASE(mpint_canonical_form_only) {
  const auto read = [](std::string_view h) {
    const au::Bytes data = hex(h);
    aw::Reader r(data);
    const auto v = r.read_unsigned_mpint("v");
    return v ? au::hex_encode(au::Bytes(v->begin(), v->end())) : std::string("error");
  };
  BOOST_TEST(read("00000000") == "");
  BOOST_TEST(read("000000020080") == "80");
  BOOST_TEST(read("000000021234") == "1234");
  BOOST_TEST(read("0000000100") == "error");      // zero must be the empty string
  BOOST_TEST(read("00000002007f") == "error");    // unnecessary leading zero
  BOOST_TEST(read("00000003000080") == "error");  // two leading zeros
  BOOST_TEST(read("0000000180") == "error");      // negative
  BOOST_TEST(read("00000002ff80") == "error");    // negative (and an unnecessary 0xff)
}

BOOST_AUTO_TEST_SUITE_END()
