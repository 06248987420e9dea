#include <boost/test/unit_test.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "crypto/public_key.h"
#include "ssh/wire.h"
#include "sshsig/sshsig.h"
#include "unit/sshsig/vec_file.h"
#include "util/bytes.h"

BOOST_AUTO_TEST_SUITE(sshsig)

namespace as = auths::sshsig;
namespace aw = auths::ssh::wire;
namespace ac = auths::crypto;
namespace au = auths::util;

namespace {

const char* to_string(as::VerifyStatus s) {
  switch (s) {
    case as::VerifyStatus::kGood: return "good";
    case as::VerifyStatus::kBadSignature: return "bad-signature";
    case as::VerifyStatus::kNamespaceMismatch: return "namespace-mismatch";
  }
  return "?";
}

// The outcome of parse + verify in the vocabulary of vectors.txt's `expect` field.
std::string outcome(std::span<const uint8_t> blob, const au::Bytes& message, std::string_view namespace_) {
  const auto sig = as::parse(blob);
  if (!sig) {
    switch (sig.error().code) {
      case auths::ErrorCode::kCorrupt: return "corrupt";
      case auths::ErrorCode::kUnsupported: return "unsupported";
      default: return std::string("error:") + auths::to_string(sig.error().code);
    }
  }
  return to_string(as::verify(*sig, message, namespace_));
}

std::vector<auths::test::VecRecord> vectors() {
  return auths::test::read_vec_file(AUTHS_TEST_DATA_DIR "/sshsig/vectors.txt");
}

au::Bytes blob_of(const auths::test::VecRecord& rec) { return *au::base64_decode(rec.get("signature")); }
au::Bytes message_of(const auths::test::VecRecord& rec) { return *au::hex_decode(rec.get("message")); }

const auths::test::VecRecord& find(const std::vector<auths::test::VecRecord>& all, const std::string& name) {
  for (const auto& rec : all) {
    if (rec.name() == name) return rec;
  }
  throw std::runtime_error("no vector named " + name);
}

// The example in PROTOCOL.sshsig section 1 (an Ed25519 signature in namespace "foo"). It is
// 163 bytes and has no hash_algorithm field: it predates that field's addition to the format
// (ssh-keygen cannot parse it either), so the current layout finds the blob a field short.
constexpr std::string_view kSpecExample =
    "-----BEGIN SSH SIGNATURE-----\n"
    "U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgJKxoLBJBivUPNTUJUSslQTt2hD\n"
    "jozKvHarKeN8uYFqgAAAADZm9vAAAAAAAAAFMAAAALc3NoLWVkMjU1MTkAAABAKNC4IEbt\n"
    "Tq0Fb56xhtuE1/lK9H9RZJfON4o6hE9R4ZGFX98gy0+fFJ/1d2/RxnZky0Y7GojwrZkrHT\n"
    "FgCqVWAQ==\n"
    "-----END SSH SIGNATURE-----\n";

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

}  // namespace

// Every case of tests/data/sshsig/vectors.txt (made by ssh-keygen; scripts/gen_sshsig_vectors.sh).
BOOST_AUTO_TEST_CASE(ssh_keygen_vectors) {
  const auto all = vectors();
  BOOST_TEST_REQUIRE(all.size() >= 25u);
  for (const auto& rec : all) {
    BOOST_TEST_CONTEXT("vector '" << rec.name() << "' (" << rec.why << ")") {
      const auto blob = au::base64_decode(rec.get("signature"));
      BOOST_TEST_REQUIRE(blob.has_value());
      BOOST_TEST(outcome(*blob, message_of(rec), rec.get("namespace")) == rec.get("expect"));
    }
  }
}

// The armoured form ssh-keygen wrote decodes to the same blob, also with CRLF line ends and with
// no final newline (as git hands it over).
BOOST_AUTO_TEST_CASE(ssh_keygen_armour) {
  size_t armoured = 0;
  for (const auto& rec : vectors()) {
    if (!rec.has("armor")) continue;
    ++armoured;
    BOOST_TEST_CONTEXT("vector '" << rec.name() << "'") {
      const std::string armor = auths::test::unescape_newlines(rec.get("armor"));
      const auto lf = as::dearmor(armor);
      BOOST_TEST_REQUIRE(lf.has_value(), (lf ? "" : lf.error().to_string()));
      BOOST_TEST(*lf == blob_of(rec));
      const auto crlf = as::dearmor(replace_all(armor, "\n", "\r\n"));
      BOOST_TEST_REQUIRE(crlf.has_value());
      BOOST_TEST(*crlf == blob_of(rec));
      const auto no_final_newline = as::dearmor(armor.substr(0, armor.size() - 1));
      BOOST_TEST_REQUIRE(no_final_newline.has_value());
      BOOST_TEST(*no_final_newline == blob_of(rec));

      const auto sig = as::parse_armored(armor);
      if (rec.get("expect") == "unsupported") {
        BOOST_TEST(!sig.has_value());
      } else {
        BOOST_TEST_REQUIRE(sig.has_value(), (sig ? "" : sig.error().to_string()));
        BOOST_TEST(to_string(as::verify(*sig, message_of(rec), rec.get("namespace"))) == rec.get("expect"));
      }
    }
  }
  BOOST_TEST(armoured >= 8u);
}

// The key inside a good signature is the key ssh-keygen signed with; the fields are what we expect.
BOOST_AUTO_TEST_CASE(parsed_fields) {
  const auto all = vectors();
  for (const auto& rec : all) {
    if (rec.get("expect") != "good") continue;
    BOOST_TEST_CONTEXT("vector '" << rec.name() << "'") {
      const auto sig = as::parse(blob_of(rec));
      BOOST_TEST_REQUIRE(sig.has_value());
      const auto key = ac::parse_ssh_public_key_line(rec.get("key"));
      BOOST_TEST_REQUIRE(key.has_value());
      BOOST_TEST((sig->public_key == *key));
      BOOST_TEST(sig->namespace_ == "git");
      BOOST_TEST((sig->hash_algorithm == "sha512" || sig->hash_algorithm == "sha256"));
    }
  }
  const auto ed = as::parse(blob_of(find(all, "ed25519-sha256")));
  BOOST_TEST(ed->hash_algorithm == "sha256");
  BOOST_TEST((ed->algorithm == ac::SignatureAlgorithm::kEd25519));
  BOOST_TEST(ed->signature.size() == 64u);
  const auto ec = as::parse(blob_of(find(all, "ecdsa-p256-sha512")));
  BOOST_TEST((ec->algorithm == ac::SignatureAlgorithm::kEcdsaP256Sha256));
  BOOST_TEST(ec->signature.size() == 64u);  // r || s, normalised from two mpints
  BOOST_TEST((as::parse(blob_of(find(all, "rsa-sha2-512")))->algorithm == ac::SignatureAlgorithm::kRsaSha512));
  BOOST_TEST((as::parse(blob_of(find(all, "rsa-sha2-256")))->algorithm == ac::SignatureAlgorithm::kRsaSha256));
}

BOOST_AUTO_TEST_CASE(namespace_is_checked_first) {
  const auto rec = find(vectors(), "ed25519-sha512");
  const auto sig = *as::parse(blob_of(rec));
  BOOST_TEST(to_string(as::verify(sig, message_of(rec), "git")) == std::string("good"));
  BOOST_TEST(to_string(as::verify(sig, message_of(rec), "file")) == std::string("namespace-mismatch"));
  BOOST_TEST(to_string(as::verify(sig, message_of(rec), "")) == std::string("namespace-mismatch"));
  BOOST_TEST(to_string(as::verify(sig, message_of(rec), "git ")) == std::string("namespace-mismatch"));
  // Even over another message, the namespace answer comes first.
  BOOST_TEST(to_string(as::verify(sig, au::to_bytes("x"), "file")) == std::string("namespace-mismatch"));
}

BOOST_AUTO_TEST_CASE(spec_example_is_a_field_short) {
  const auto blob = as::dearmor(kSpecExample);
  BOOST_TEST_REQUIRE(blob.has_value(), (blob ? "" : blob.error().to_string()));
  BOOST_TEST(blob->size() == 163u);
  const auto sig = as::parse(*blob);
  BOOST_TEST_REQUIRE(!sig.has_value());
  BOOST_TEST((sig.error().code == auths::ErrorCode::kCorrupt), sig.error().to_string());

  // With the missing field put back (hash_algorithm "sha512" after the empty reserved), it parses.
  const au::Bytes& b = *blob;
  const size_t after_reserved = 6 + 4 + (4 + 51) + (4 + 3) + 4;
  aw::Writer fixed;
  fixed.put_bytes(std::span<const uint8_t>(b).first(after_reserved));
  fixed.put_string("sha512");
  fixed.put_bytes(std::span<const uint8_t>(b).subspan(after_reserved));
  const auto repaired = as::parse(fixed.bytes());
  BOOST_TEST_REQUIRE(repaired.has_value(), (repaired ? "" : repaired.error().to_string()));
  BOOST_TEST((repaired->public_key.type() == ac::KeyType::kEd25519));
  BOOST_TEST(repaired->namespace_ == "foo");
  BOOST_TEST(to_string(as::verify(*repaired, au::to_bytes("x"), "git")) == std::string("namespace-mismatch"));
}

BOOST_AUTO_TEST_CASE(dearmor_rejects) {
  const std::string good(kSpecExample);
  BOOST_TEST(as::dearmor(good).has_value());
  const auto code = [](std::string_view armored) {
    const auto r = as::dearmor(armored);
    return r ? std::string("ok") : std::string(auths::to_string(r.error().code));
  };
  BOOST_TEST(code("") == "corrupt");
  BOOST_TEST(code("\n" + good) == "corrupt");  // MUST start with the header
  BOOST_TEST(code("junk\n" + good) == "corrupt");
  BOOST_TEST(code(good + "junk\n") == "corrupt");                                                 // footer MUST end it
  BOOST_TEST(code(good.substr(0, good.find("-----END"))) == "corrupt");                           // no footer
  BOOST_TEST(code("-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n") == "corrupt");  // no body
  BOOST_TEST(code(replace_all(good, "BEGIN SSH", "BEGIN PGP")) == "corrupt");
  BOOST_TEST(code(replace_all(good, "FgCqVWAQ==", "FgCqVWAQ=")) == "corrupt");  // bad padding
  BOOST_TEST(code(replace_all(good, "Tq0Fb5", "Tq0F!5")) == "corrupt");         // not base64
  BOOST_TEST(code(good + good) == "corrupt");                                   // two signatures
  // Accepted variations: CRLF, trailing blanks on body lines, extra final newlines.
  BOOST_TEST(code(replace_all(good, "\n", "\r\n")) == "ok");
  BOOST_TEST(code(replace_all(good, "QTt2hD\n", "QTt2hD \n")) == "ok");
  BOOST_TEST(code(good + "\n\n") == "ok");
  // The body may be wrapped anywhere (76 characters per the spec, 70 from ssh-keygen, or one line).
  const std::string one_line =
      "-----BEGIN SSH SIGNATURE-----\n" + au::base64_encode(*as::dearmor(good)) + "\n-----END SSH SIGNATURE-----";
  BOOST_TEST(code(one_line) == "ok");
  BOOST_TEST(*as::dearmor(one_line) == *as::dearmor(good));
}

BOOST_AUTO_TEST_CASE(version_zero_and_every_truncation) {
  const au::Bytes good = blob_of(find(vectors(), "ed25519-sha512"));
  au::Bytes v0 = good;
  v0[9] = 0;  // version 1 -> 0
  BOOST_TEST_REQUIRE(!as::parse(v0).has_value());
  BOOST_TEST((as::parse(v0).error().code == auths::ErrorCode::kCorrupt));
  au::Bytes v_max = good;
  v_max[6] = v_max[7] = v_max[8] = v_max[9] = 0xff;
  BOOST_TEST((as::parse(v_max).error().code == auths::ErrorCode::kUnsupported));
  for (size_t n = 0; n < good.size(); ++n) {
    const auto r = as::parse(std::span<const uint8_t>(good).first(n));
    BOOST_TEST_REQUIRE(!r.has_value(), "prefix of " << n << " bytes parsed");
    BOOST_TEST((r.error().code == auths::ErrorCode::kCorrupt), "prefix of " << n << ": " << r.error().to_string());
  }
}

// No single-byte change to a good signature, anywhere, gives "good" (or crashes).
BOOST_AUTO_TEST_CASE(no_byte_flip_verifies) {
  for (const char* name : {"ed25519-sha512", "ecdsa-p256-sha256", "rsa-sha2-512"}) {
    const auto rec = find(vectors(), name);
    const au::Bytes good = blob_of(rec);
    const au::Bytes message = message_of(rec);
    BOOST_TEST_REQUIRE(outcome(good, message, "git") == "good");
    for (size_t i = 0; i < good.size(); ++i) {
      for (const uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
        au::Bytes changed = good;
        changed[i] ^= mask;
        BOOST_TEST(outcome(changed, message, "git") != "good", name << ": byte " << i << " ^ " << int{mask});
      }
    }
  }
}

// Hand-built blobs for rules the vectors do not reach: the inner ECDSA encoding.
BOOST_AUTO_TEST_CASE(ecdsa_inner_signature_rules) {
  const auto rec = find(vectors(), "ecdsa-p256-sha512");
  const auto sig = *as::parse(blob_of(rec));
  const auto build = [&](const au::Bytes& inner_blob) {
    aw::Writer inner;
    inner.put_string("ecdsa-sha2-nistp256");
    inner.put_string(inner_blob);
    aw::Writer w;
    w.put_bytes(std::string_view("SSHSIG"));
    w.put_uint32(1);
    w.put_string(sig.public_key.ssh_blob());
    w.put_string("git");
    w.put_string(std::string_view{});
    w.put_string("sha512");
    w.put_string(inner.bytes());
    return std::move(w).take();
  };
  const std::span<const uint8_t> r(sig.signature.data(), 32);
  const std::span<const uint8_t> s(sig.signature.data() + 32, 32);
  const auto rs = [&](auto write_r, auto write_s) {
    aw::Writer w;
    write_r(w);
    write_s(w);
    return w.bytes();
  };
  const auto put = [](std::span<const uint8_t> v) { return [v](aw::Writer& w) { w.put_unsigned_mpint(v); }; };
  // Canonical re-encoding verifies.
  BOOST_TEST(outcome(build(rs(put(r), put(s))), message_of(rec), "git") == "good");
  // A 33-byte magnitude (too big for P-256), a negative s, trailing bytes after s.
  au::Bytes big(33, 0x01);
  BOOST_TEST(outcome(build(rs(put(big), put(s))), message_of(rec), "git") == "corrupt");
  const auto negative = [](aw::Writer& w) { w.put_string(au::Bytes{0x80, 0x01}); };
  BOOST_TEST(outcome(build(rs(put(r), negative)), message_of(rec), "git") == "corrupt");
  au::Bytes trailing = rs(put(r), put(s));
  trailing.push_back(0);
  BOOST_TEST(outcome(build(trailing), message_of(rec), "git") == "corrupt");
  // r = 0 is well-formed but never valid.
  BOOST_TEST(outcome(build(rs(put(au::Bytes{}), put(s))), message_of(rec), "git") == "bad-signature");
}

// The engine verifies on several threads at once.
BOOST_AUTO_TEST_CASE(concurrent_verification) {
  const auto all = vectors();
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&all, &wrong] {
      for (int round = 0; round < 5; ++round) {
        for (const auto& rec : all) {
          if (outcome(blob_of(rec), message_of(rec), rec.get("namespace")) != rec.get("expect")) ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(wrong.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
