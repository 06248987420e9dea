// parse_allowed_signers and check_signer, following ssh-keygen(1) "ALLOWED SIGNERS".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "crypto/public_key.h"
#include "policy/policy.h"
#include "policy_test_util.h"

BOOST_AUTO_TEST_SUITE(allowed_signers)

namespace ap = auths::policy;
using ap::test::policy_error_at;

namespace {

// Unix times, from `date -u -d <time> +%s`.
constexpr int64_t k20240101 = 1704067200;         // 2024-01-01T00:00:00Z
constexpr int64_t k20240101T123456 = 1704112496;  // 2024-01-01T12:34:56Z
constexpr int64_t k20240229T1200 = 1709208000;    // 2024-02-29T12:00:00Z

auths::Result<std::vector<ap::Signer>> parse(const std::string& text) { return ap::parse_allowed_signers(text, "as"); }

// One line with the given options (and kEd1); the parsed signer or the error.
auths::Result<ap::Signer> with_options(const std::string& options) {
  auto signers = parse("a@x " + options + " " + ap::test::kEd1 + "\n");
  if (!signers) return signers.error();
  BOOST_REQUIRE(signers->size() == 1u);
  return signers->front();
}

// valid-after's value in unix seconds, -1 when the line does not parse.
int64_t valid_after(const std::string& time) {
  const auto signer = with_options("valid-after=\"" + time + "\"");
  return signer && signer->valid_after ? *signer->valid_after : -1;
}

}  // namespace

BOOST_AUTO_TEST_CASE(entries_comments_and_blank_lines) {
  const std::string text =
      "# comment\n"  // 1
      "\n"           // 2
      "alice@example.org " +
      ap::test::kEd1 + "\n" +      // 3
      "   # indented comment\r\n"  // 4
      "bob@example.org,b@x " +
      ap::test::kP256 + "\r\n" +  // 5: CRLF
      "  \t\n"                    // 6
      "\tcarol@example.org " +
      ap::test::kRsa2048;  // 7: leading tab, no final newline
  const auto signers = ap::parse_allowed_signers(text, ".auths/allowed_signers");
  BOOST_REQUIRE(signers.has_value());
  BOOST_REQUIRE(signers->size() == 3u);
  const auto& s = *signers;
  BOOST_TEST(s[0].name == "alice@example.org");
  BOOST_TEST(s[0].origin == ".auths/allowed_signers:3");
  BOOST_TEST((s[0].key == *auths::crypto::parse_ssh_public_key_line(ap::test::kEd1)));
  BOOST_TEST(s[1].name == "bob@example.org,b@x");  // the principals field as written
  BOOST_TEST(s[1].origin == ".auths/allowed_signers:5");
  BOOST_TEST((s[1].key.type() == auths::crypto::KeyType::kEcdsaP256));
  BOOST_TEST(s[2].origin == ".auths/allowed_signers:7");
  BOOST_TEST((s[2].key.type() == auths::crypto::KeyType::kRsa));
  for (const auto& signer : s) {
    BOOST_TEST(signer.namespaces.empty());
    BOOST_TEST(!signer.valid_after.has_value());
    BOOST_TEST(!signer.valid_before.has_value());
  }
  BOOST_TEST(parse("").value().empty());
  BOOST_TEST(parse("# only a comment\n\n").value().empty());
}

BOOST_AUTO_TEST_CASE(key_without_comment_and_quoted_principals) {
  const auto signers = parse("\"a@x,b@x\" " + ap::test::kEdNoComment + "\n");
  BOOST_REQUIRE(signers.has_value());
  BOOST_TEST(signers->at(0).name == "a@x,b@x");
}

BOOST_AUTO_TEST_CASE(options) {
  const auto signer =
      with_options("namespaces=\"git,file\",valid-after=\"20240101Z\",valid-before=\"20240229120000Z\"");
  BOOST_REQUIRE(signer.has_value());
  BOOST_TEST(signer->namespaces == (std::vector<std::string>{"git", "file"}));
  BOOST_TEST(*signer->valid_after == k20240101);
  BOOST_TEST(*signer->valid_before == k20240229T1200);
  // Keywords are case-insensitive.
  const auto upper = with_options("NAMESPACES=\"git\",Valid-After=\"20240101Z\"");
  BOOST_REQUIRE(upper.has_value());
  BOOST_TEST(upper->namespaces == (std::vector<std::string>{"git"}));
  BOOST_TEST(*upper->valid_after == k20240101);
  // Blanks inside quotes do not end the options field.
  const auto spaced = with_options("namespaces=\"my namespace\"");
  BOOST_REQUIRE(spaced.has_value());
  BOOST_TEST(spaced->namespaces == (std::vector<std::string>{"my namespace"}));
}

BOOST_AUTO_TEST_CASE(time_formats) {
  BOOST_TEST(valid_after("20240101Z") == k20240101);
  BOOST_TEST(valid_after("20240101z") == k20240101);
  BOOST_TEST(valid_after("20240101UTC") == k20240101);
  BOOST_TEST(valid_after("202401011234Z") == k20240101T123456 - 56);
  BOOST_TEST(valid_after("20240101123456Z") == k20240101T123456);
  BOOST_TEST(valid_after("20240229120000Z") == k20240229T1200);  // leap day
  // Without 'Z' the time is read as UTC (ssh-keygen would use the local zone; see
  // allowed_signers.cpp for why a hook does not).
  BOOST_TEST(valid_after("20240101") == k20240101);
  BOOST_TEST(valid_after("20240101123456") == k20240101T123456);
}

BOOST_AUTO_TEST_CASE(invalid_times) {
  for (const char* bad : {"2024-01-01", "2024010", "202401011", "20240101123", "2024010112345", "202401011234567",
                          "20241301Z", "20240001Z", "20240230Z", "20230229Z", "202401012400Z", "202401011260Z",
                          "20240101123460Z", "20240101ZZ", "20240101X", "", "Z", "19700101Z", "19691231Z"}) {
    BOOST_TEST_INFO("time '" << bad << "'");
    BOOST_TEST(policy_error_at(with_options(std::string("valid-after=\"") + bad + "\""), "as:1") == "");
  }
}

BOOST_AUTO_TEST_CASE(option_errors_carry_the_line) {
  const std::string prefix = "# header\n\na@x " + ap::test::kEd1 + "\n";  // line 3 is fine
  const std::vector<std::string> cases = {
      "cert-authority",  // we do not verify certificates
      "CERT-AUTHORITY",
      "cert-authority,namespaces=\"git\"",
      "no-such-option",
      "no-such-option=\"x\"",
      "namespaces=\"git\",namespaces=\"file\"",  // duplicates
      "valid-after=\"20240101Z\",valid-after=\"20240102Z\"",
      "valid-before=\"20240101Z\",VALID-BEFORE=\"20240102Z\"",
      "valid-after=\"20240102Z\",valid-before=\"20240101Z\"",  // window ends before it starts
      "valid-after=\"20240101Z\",valid-before=\"20240101Z\"",  // empty window (OpenSSH refuses too)
      "namespaces=git",                                        // values must be quoted
      "namespaces=",
      "namespaces",
      "namespaces=\"\"",  // empty pattern list
      "namespaces=\"git,\"",
      "namespaces=\"!\"",
      "namespaces=\"git\",",  // trailing comma
      "namespaces=\"git\"x",
      "namespaces=\"git\";valid-after=\"20240101Z\"",
  };
  for (const std::string& bad : cases) {
    BOOST_TEST_INFO("options '" << bad << "'");
    BOOST_TEST(policy_error_at(parse(prefix + "b@x " + bad + " " + ap::test::kEd2 + "\n"), "as:4") == "");
  }
  BOOST_TEST(ap::test::message_of(with_options("cert-authority")).find("certificate authorities") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(line_errors_carry_the_line) {
  const std::string prefix = "a@x " + ap::test::kEd1 + "\n";
  const std::vector<std::string> cases = {
      "b@x",                                     // principals only
      "b@x namespaces=\"git\"",                  // options, no key
      "b@x ssh-ed25519",                         // key type, no key
      "b@x ssh-ed25519 AAAA!!!!",                // bad base64
      "b@x " + ap::test::kP384,                  // unsupported key type
      "b@x " + ap::test::kRsa1024,               // RSA under 2048 bits
      "b@x ssh-dss AAAAB3NzaC1kc3MAAACBAP",      // DSA
      "b@x namespaces=\"git " + ap::test::kEd2,  // unterminated quote
      "\"b@x " + ap::test::kEd2,
      "\"\" " + ap::test::kEd2,               // empty principals
      "b@x " + ap::test::kEd2.substr(0, 30),  // truncated key
  };
  for (const std::string& bad : cases) {
    BOOST_TEST_INFO("line '" << bad << "'");
    BOOST_TEST(policy_error_at(parse(prefix + bad + "\n"), "as:2") == "");
  }
}

BOOST_AUTO_TEST_CASE(check_namespaces) {
  const auto signer = [](const std::string& namespaces) {
    return with_options("namespaces=\"" + namespaces + "\"").value();
  };
  using ap::SignerCheck;
  const auto check = [](const ap::Signer& s, std::string_view ns) { return ap::check_signer(s, ns, k20240101); };
  BOOST_TEST((check(signer("git"), "git") == SignerCheck::kOk));
  BOOST_TEST((check(signer("git"), "file") == SignerCheck::kNamespaceNotAllowed));
  BOOST_TEST((check(signer("git"), "Git") == SignerCheck::kNamespaceNotAllowed));  // case-sensitive
  BOOST_TEST((check(signer("file,git"), "git") == SignerCheck::kOk));
  BOOST_TEST((check(signer("g*"), "git") == SignerCheck::kOk));
  BOOST_TEST((check(signer("g?t"), "git") == SignerCheck::kOk));
  BOOST_TEST((check(signer("g?t"), "gt") == SignerCheck::kNamespaceNotAllowed));
  BOOST_TEST((check(signer("*@example.org"), "release@example.org") == SignerCheck::kOk));
  BOOST_TEST((check(signer("*"), "anything") == SignerCheck::kOk));
  // Negation: a matching '!' pattern refuses, whatever the order; '!' alone never grants.
  BOOST_TEST((check(signer("*,!file"), "file") == SignerCheck::kNamespaceNotAllowed));
  BOOST_TEST((check(signer("!file,*"), "file") == SignerCheck::kNamespaceNotAllowed));
  BOOST_TEST((check(signer("*,!file"), "git") == SignerCheck::kOk));
  BOOST_TEST((check(signer("!file"), "git") == SignerCheck::kNamespaceNotAllowed));
  // No namespaces option: any namespace.
  BOOST_TEST((check(with_options("valid-after=\"20200101Z\"").value(), "whatever") == SignerCheck::kOk));
}

// ssh-keygen(1): valid "at or after" valid-after and "at or before" valid-before; OpenSSH's
// sshsig.c refuses only verify_time < valid_after and verify_time > valid_before.
BOOST_AUTO_TEST_CASE(check_time_window_bounds_are_inclusive) {
  using ap::SignerCheck;
  const auto s = with_options("valid-after=\"20240101Z\",valid-before=\"20240229120000Z\"").value();
  BOOST_TEST((ap::check_signer(s, "git", k20240101 - 1) == SignerCheck::kNotYetValid));
  BOOST_TEST((ap::check_signer(s, "git", k20240101) == SignerCheck::kOk));
  BOOST_TEST((ap::check_signer(s, "git", k20240101T123456) == SignerCheck::kOk));
  BOOST_TEST((ap::check_signer(s, "git", k20240229T1200) == SignerCheck::kOk));
  BOOST_TEST((ap::check_signer(s, "git", k20240229T1200 + 1) == SignerCheck::kExpired));
  BOOST_TEST((ap::check_signer(s, "git", 0) == SignerCheck::kNotYetValid));

  const auto only_before = with_options("valid-before=\"20240101Z\"").value();
  BOOST_TEST((ap::check_signer(only_before, "git", 0) == SignerCheck::kOk));
  BOOST_TEST((ap::check_signer(only_before, "git", k20240101 + 1) == SignerCheck::kExpired));
  const auto only_after = with_options("valid-after=\"20240101Z\"").value();
  BOOST_TEST((ap::check_signer(only_after, "git", INT64_MAX) == SignerCheck::kOk));
}

// sshsig.c checks the namespace before the times.
BOOST_AUTO_TEST_CASE(check_order_namespace_first) {
  const auto s = with_options("namespaces=\"git\",valid-before=\"20240101Z\"").value();
  BOOST_TEST((ap::check_signer(s, "file", k20240229T1200) == ap::SignerCheck::kNamespaceNotAllowed));
  BOOST_TEST((ap::check_signer(s, "git", k20240229T1200) == ap::SignerCheck::kExpired));
}

BOOST_AUTO_TEST_SUITE_END()
