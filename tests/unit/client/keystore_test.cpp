// The key store: round trips for both curves, wrong passphrases, files edited after the fact
// (ciphertext, nonce, salt, and the associated data: alias and public key), bad aliases, file
// modes, listing, and where the passphrase and KDF parameters come from.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crypto/private_key.h"
#include "keystore.h"
#include "support/scoped.h"
#include "util/bytes.h"

BOOST_AUTO_TEST_SUITE(client_keystore)

namespace ac = auths::crypto;
namespace acl = auths::client;
namespace au = auths::util;
namespace fs = std::filesystem;
using auths::ErrorCode;

namespace {

using auths::test::EnvGuard;
using auths::test::TempDir;

// Cheap parameters: the tests check the format, not the cost.
const acl::KdfParams kFast{64, 1, 1};
const acl::SaveOptions kFastSave{kFast, false};

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  BOOST_REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

void write_json(const fs::path& p, const nlohmann::json& doc) {
  std::ofstream out(p, std::ios::trunc);
  out << doc.dump(2) << "\n";
}

// Flips the lowest bit of the hex digit at `index` (so the string stays hex).
std::string flip_hex_digit(std::string hex, size_t index) {
  const auto bytes = au::hex_decode(std::string(1, hex[index]) + "0").value();
  const char* digits = "0123456789abcdef";
  hex[index] = digits[(bytes[0] >> 4) ^ 1];
  return hex;
}

ac::PrivateKey saved_key(const fs::path& home, const std::string& alias, ac::KeyType type = ac::KeyType::kEd25519,
                         const std::string& passphrase = "correct horse") {
  auto key = ac::PrivateKey::generate(type).value();
  const auto saved = acl::save_key(home, alias, key, passphrase, kFastSave);
  BOOST_REQUIRE_MESSAGE(saved.has_value(), (saved ? "" : saved.error().to_string()));
  return key;
}

void expect_wrong_passphrase(const fs::path& home, const std::string& alias, const std::string& passphrase) {
  const auto loaded = acl::load_key(home, alias, passphrase);
  BOOST_REQUIRE(!loaded.has_value());
  BOOST_TEST((loaded.error().code == ErrorCode::kInvalidArgument));
  BOOST_TEST(loaded.error().message == "wrong passphrase for key '" + alias + "'");
}

}  // namespace

BOOST_AUTO_TEST_CASE(save_and_load_both_curves) {
  const TempDir dir;
  for (const auto type : {ac::KeyType::kEd25519, ac::KeyType::kEcdsaP256}) {
    const std::string alias = type == ac::KeyType::kEd25519 ? "laptop" : "ci.p256_key-1";
    const auto key = saved_key(dir.home(), alias, type);
    const auto loaded = acl::load_key(dir.home(), alias, "correct horse");
    BOOST_REQUIRE_MESSAGE(loaded.has_value(), (loaded ? "" : loaded.error().to_string()));
    BOOST_TEST((loaded->type() == type));
    BOOST_TEST((loaded->raw() == key.raw()));
    BOOST_TEST((loaded->public_key() == key.public_key()));

    const auto pub = acl::load_public_key(dir.home(), alias);
    BOOST_REQUIRE(pub.has_value());
    BOOST_TEST((*pub == key.public_key()));
    BOOST_TEST(acl::key_exists(dir.home(), alias));

    const auto doc = read_json(acl::key_path(dir.home(), alias));
    BOOST_TEST(doc.at("version").get<int>() == 1);
    BOOST_TEST(doc.at("alias").get<std::string>() == alias);
    BOOST_TEST(doc.at("curve").get<std::string>() == acl::curve_name(type));
    BOOST_TEST(doc.at("public_key").get<std::string>() == au::hex_encode(key.public_key().raw()));
    BOOST_TEST(doc.at("kdf").at("algorithm").get<std::string>() == "argon2id");
    BOOST_TEST(doc.at("kdf").at("memory_kib").get<uint32_t>() == kFast.memory_kib);
    BOOST_TEST(doc.at("kdf").at("salt").get<std::string>().size() == 32u);
    BOOST_TEST(doc.at("cipher").get<std::string>() == "aes-256-gcm");
    BOOST_TEST(doc.at("nonce").get<std::string>().size() == 24u);
    BOOST_TEST(doc.at("ciphertext").get<std::string>().size() == 2u * (32 + 16));
  }
}

// Never written in the clear: neither the key's hex nor its raw bytes appear in the file.
BOOST_AUTO_TEST_CASE(key_is_not_stored_in_the_clear) {
  const TempDir dir;
  const auto key = saved_key(dir.home(), "k");
  std::ifstream in(acl::key_path(dir.home(), "k"), std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const au::Bytes raw = key.raw();
  BOOST_TEST(text.find(au::hex_encode(raw)) == std::string::npos);
  BOOST_TEST(text.find(std::string(raw.begin(), raw.end())) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(file_modes) {
  const TempDir dir;
  saved_key(dir.home(), "k");
  BOOST_TEST(mode_of(dir.home()) == 0700u);
  BOOST_TEST(mode_of(dir.home() / "keys") == 0700u);
  BOOST_TEST(mode_of(acl::key_path(dir.home(), "k")) == 0600u);
  // Nothing but the key file is left behind (no temporary files).
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir.home() / "keys")) {
    BOOST_TEST(e.path().filename() == "k.json");
    ++entries;
  }
  BOOST_TEST(entries == 1u);
}

BOOST_AUTO_TEST_CASE(wrong_passphrase) {
  const TempDir dir;
  saved_key(dir.home(), "alice", ac::KeyType::kEd25519, "right");
  expect_wrong_passphrase(dir.home(), "alice", "wrong");
  expect_wrong_passphrase(dir.home(), "alice", "");
  expect_wrong_passphrase(dir.home(), "alice", "right ");
  BOOST_TEST(acl::load_key(dir.home(), "alice", "right").has_value());
}

// GCM authenticates the ciphertext, nonce and associated data, and the key depends on the
// salt: a change to any of them fails like a wrong passphrase (they cannot be told apart).
BOOST_AUTO_TEST_CASE(tampered_fields_do_not_decrypt) {
  for (const char* field : {"ciphertext", "ciphertext-tag", "nonce", "salt"}) {
    BOOST_TEST_CONTEXT("field " << field) {
      const TempDir dir;
      saved_key(dir.home(), "k");
      const fs::path path = acl::key_path(dir.home(), "k");
      auto doc = read_json(path);
      const std::string which(field);
      if (which == "ciphertext") doc["ciphertext"] = flip_hex_digit(doc["ciphertext"].get<std::string>(), 0);
      if (which == "ciphertext-tag") doc["ciphertext"] = flip_hex_digit(doc["ciphertext"].get<std::string>(), 95);
      if (which == "nonce") doc["nonce"] = flip_hex_digit(doc["nonce"].get<std::string>(), 5);
      if (which == "salt") doc["kdf"]["salt"] = flip_hex_digit(doc["kdf"]["salt"].get<std::string>(), 7);
      write_json(path, doc);
      expect_wrong_passphrase(dir.home(), "k", "correct horse");
    }
  }
}

// The alias is associated data: a key file copied under another alias (and edited to match)
// does not decrypt.
BOOST_AUTO_TEST_CASE(alias_is_bound) {
  const TempDir dir;
  saved_key(dir.home(), "alice");
  auto doc = read_json(acl::key_path(dir.home(), "alice"));
  doc["alias"] = "mallory";
  write_json(acl::key_path(dir.home(), "mallory"), doc);
  expect_wrong_passphrase(dir.home(), "mallory", "correct horse");

  // Copied without editing: the file says whose it is.
  fs::copy_file(acl::key_path(dir.home(), "alice"), acl::key_path(dir.home(), "bob"));
  const auto copied = acl::load_key(dir.home(), "bob", "correct horse");
  BOOST_REQUIRE(!copied.has_value());
  BOOST_TEST((copied.error().code == ErrorCode::kCorrupt));
  BOOST_TEST((acl::load_public_key(dir.home(), "bob").error().code == ErrorCode::kCorrupt));
}

// The public key is associated data: a file that claims another public key (so that
// load_public_key, which needs no passphrase, would show the wrong key) does not decrypt.
BOOST_AUTO_TEST_CASE(public_key_is_bound) {
  const TempDir dir;
  saved_key(dir.home(), "k");
  const auto other = ac::PrivateKey::generate(ac::KeyType::kEd25519).value();
  auto doc = read_json(acl::key_path(dir.home(), "k"));
  doc["public_key"] = au::hex_encode(other.public_key().raw());
  write_json(acl::key_path(dir.home(), "k"), doc);
  expect_wrong_passphrase(dir.home(), "k", "correct horse");
}

BOOST_AUTO_TEST_CASE(malformed_files_are_corrupt) {
  const TempDir dir;
  saved_key(dir.home(), "k");
  const fs::path path = acl::key_path(dir.home(), "k");
  const auto original = read_json(path);
  const auto expect_code = [&](const nlohmann::json& doc, ErrorCode code, const char* why) {
    write_json(path, doc);
    const auto loaded = acl::load_key(dir.home(), "k", "correct horse");
    BOOST_REQUIRE_MESSAGE(!loaded.has_value(), why);
    BOOST_TEST((loaded.error().code == code), why << ": " << loaded.error().to_string());
  };
  auto doc = original;
  doc["kdf"]["memory_kib"] = 1u << 30;  // 1 TiB: refused before any work
  expect_code(doc, ErrorCode::kCorrupt, "absurd memory cost");
  doc = original;
  doc["kdf"]["iterations"] = 0;
  expect_code(doc, ErrorCode::kCorrupt, "zero iterations");
  doc = original;
  doc["kdf"]["algorithm"] = "pbkdf2";
  expect_code(doc, ErrorCode::kUnsupported, "another kdf");
  doc = original;
  doc["cipher"] = "aes-128-gcm";
  expect_code(doc, ErrorCode::kUnsupported, "another cipher");
  doc = original;
  doc["version"] = 2;
  expect_code(doc, ErrorCode::kUnsupported, "a newer version");
  doc = original;
  doc["curve"] = "rsa";
  expect_code(doc, ErrorCode::kCorrupt, "unknown curve");
  doc = original;
  doc["curve"] = "p256";  // an Ed25519 key's 32 bytes are not a P-256 point
  expect_code(doc, ErrorCode::kCorrupt, "curve does not fit the key");
  doc = original;
  doc["nonce"] = "00";
  expect_code(doc, ErrorCode::kCorrupt, "short nonce");
  doc = original;
  doc["ciphertext"] = "zz";
  expect_code(doc, ErrorCode::kCorrupt, "not hex");
  doc = original;
  doc.erase("ciphertext");
  expect_code(doc, ErrorCode::kCorrupt, "missing field");
  {
    std::ofstream out(path, std::ios::trunc);
    out << "not json";
  }
  const auto loaded = acl::load_key(dir.home(), "k", "correct horse");
  BOOST_REQUIRE(!loaded.has_value());
  BOOST_TEST((loaded.error().code == ErrorCode::kCorrupt));
}

BOOST_AUTO_TEST_CASE(aliases) {
  const TempDir dir;
  const auto key = ac::PrivateKey::generate(ac::KeyType::kEd25519).value();
  for (const std::string& bad : std::vector<std::string>{"", ".hidden", "a/b", "../x", "a b", "caf\xc3\xa9", "x\n",
                                                         std::string(65, 'a'), std::string("a\0b", 3), "auths:x"}) {
    BOOST_TEST_CONTEXT("alias '" << bad << "'") {
      BOOST_TEST(!acl::check_key_alias(bad).has_value());
      const auto saved = acl::save_key(dir.home(), bad, key, "pw", kFastSave);
      BOOST_REQUIRE(!saved.has_value());
      BOOST_TEST((saved.error().code == ErrorCode::kInvalidArgument));
      BOOST_TEST(!acl::key_exists(dir.home(), bad));
      BOOST_TEST((acl::load_key(dir.home(), bad, "pw").error().code == ErrorCode::kInvalidArgument));
    }
  }
  for (const std::string& good :
       std::vector<std::string>{"a", "Laptop-2024_v1.0", std::string(64, 'z'), "-dash", "9"}) {
    BOOST_TEST_CONTEXT("alias '" << good << "'") {
      BOOST_TEST(acl::check_key_alias(good).has_value());
      BOOST_TEST(acl::save_key(dir.home(), good, key, "pw", kFastSave).has_value());
    }
  }
}

BOOST_AUTO_TEST_CASE(existing_alias_and_overwrite) {
  const TempDir dir;
  saved_key(dir.home(), "k");
  const auto second = ac::PrivateKey::generate(ac::KeyType::kEcdsaP256).value();
  const auto refused = acl::save_key(dir.home(), "k", second, "new", kFastSave);
  BOOST_REQUIRE(!refused.has_value());
  BOOST_TEST((refused.error().code == ErrorCode::kInvalidArgument));
  BOOST_TEST(acl::load_key(dir.home(), "k", "correct horse").has_value());  // untouched

  const auto replaced = acl::save_key(dir.home(), "k", second, "new", acl::SaveOptions{kFast, true});
  BOOST_REQUIRE(replaced.has_value());
  const auto loaded = acl::load_key(dir.home(), "k", "new");
  BOOST_REQUIRE(loaded.has_value());
  BOOST_TEST((loaded->public_key() == second.public_key()));
  BOOST_TEST(mode_of(acl::key_path(dir.home(), "k")) == 0600u);
}

BOOST_AUTO_TEST_CASE(empty_passphrase_is_refused) {
  const TempDir dir;
  const auto key = ac::PrivateKey::generate(ac::KeyType::kEd25519).value();
  const auto saved = acl::save_key(dir.home(), "k", key, "", kFastSave);
  BOOST_REQUIRE(!saved.has_value());
  BOOST_TEST((saved.error().code == ErrorCode::kInvalidArgument));
  BOOST_TEST(!acl::key_exists(dir.home(), "k"));
}

BOOST_AUTO_TEST_CASE(missing_key) {
  const TempDir dir;
  const auto loaded = acl::load_key(dir.home(), "nobody", "pw");
  BOOST_REQUIRE(!loaded.has_value());
  BOOST_TEST((loaded.error().code == ErrorCode::kNotFound));
  BOOST_TEST((acl::load_public_key(dir.home(), "nobody").error().code == ErrorCode::kNotFound));
  BOOST_TEST(!acl::key_exists(dir.home(), "nobody"));
}

BOOST_AUTO_TEST_CASE(list_keys_sorted_and_skips_strays) {
  const TempDir dir;
  const auto none = acl::list_keys(dir.home());  // the home does not even exist
  BOOST_REQUIRE(none.has_value());
  BOOST_TEST(none->empty());

  const auto b = saved_key(dir.home(), "b", ac::KeyType::kEcdsaP256);
  const auto a = saved_key(dir.home(), "a");
  { std::ofstream(dir.home() / "keys" / ".a.json.tmp-XXXX") << "{"; }
  { std::ofstream(dir.home() / "keys" / "notes.txt") << "hello"; }
  const auto keys = acl::list_keys(dir.home());
  BOOST_REQUIRE_MESSAGE(keys.has_value(), (keys ? "" : keys.error().to_string()));
  BOOST_REQUIRE_EQUAL(keys->size(), 2u);
  BOOST_TEST((*keys)[0].alias == "a");
  BOOST_TEST(((*keys)[0].public_key == a.public_key()));
  BOOST_TEST((*keys)[1].alias == "b");
  BOOST_TEST(((*keys)[1].public_key == b.public_key()));

  // A key file that cannot be read is reported, not skipped.
  { std::ofstream(dir.home() / "keys" / "c.json") << "{}"; }
  const auto broken = acl::list_keys(dir.home());
  BOOST_REQUIRE(!broken.has_value());
  BOOST_TEST(broken.error().context.find("c.json") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(kdf_params_from_environment) {
  {
    const EnvGuard m("AUTHS_KDF_MEMORY_KIB", std::nullopt);
    const EnvGuard t("AUTHS_KDF_ITERATIONS", std::nullopt);
    const auto params = acl::kdf_params_from_env();
    BOOST_REQUIRE(params.has_value());
    BOOST_TEST(params->memory_kib == 65536u);
    BOOST_TEST(params->iterations == 3u);
    BOOST_TEST(params->parallelism == 1u);
  }
  {
    const EnvGuard m("AUTHS_KDF_MEMORY_KIB", "64");
    const EnvGuard t("AUTHS_KDF_ITERATIONS", "1");
    const auto params = acl::kdf_params_from_env();
    BOOST_REQUIRE(params.has_value());
    BOOST_TEST(params->memory_kib == 64u);
    BOOST_TEST(params->iterations == 1u);

    // save_key without explicit parameters takes them from the environment.
    const TempDir dir;
    const auto key = ac::PrivateKey::generate(ac::KeyType::kEd25519).value();
    BOOST_REQUIRE(acl::save_key(dir.home(), "k", key, "pw").has_value());
    BOOST_TEST(read_json(acl::key_path(dir.home(), "k")).at("kdf").at("memory_kib").get<uint32_t>() == 64u);
  }
  for (const char* bad : {"abc", "4", "64k", "-1", "99999999999"}) {
    const EnvGuard m("AUTHS_KDF_MEMORY_KIB", bad);
    BOOST_TEST(!acl::kdf_params_from_env().has_value(), "AUTHS_KDF_MEMORY_KIB=" << bad);
  }
}

BOOST_AUTO_TEST_CASE(curves) {
  BOOST_TEST((acl::parse_curve("ed25519").value() == ac::KeyType::kEd25519));
  BOOST_TEST((acl::parse_curve("p256").value() == ac::KeyType::kEcdsaP256));
  BOOST_TEST(!acl::parse_curve("rsa").has_value());
  BOOST_TEST(!acl::parse_curve("P256").has_value());
}

BOOST_AUTO_TEST_CASE(identity_home_location) {
  {
    const EnvGuard h("AUTHS_HOME", "/somewhere/auths");
    BOOST_TEST(acl::auths_home().value() == "/somewhere/auths");
  }
  {
    const EnvGuard h("AUTHS_HOME", std::nullopt);
    const EnvGuard home("HOME", "/home/dev");
    BOOST_TEST(acl::auths_home().value() == "/home/dev/.auths");
  }
}

BOOST_AUTO_TEST_CASE(passphrase_from_environment) {
  const EnvGuard p("AUTHS_PASSPHRASE", "s3cret phrase");
  const auto got = acl::read_passphrase("unused: ", /*confirm=*/true);
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(*got == "s3cret phrase");
}

// Without AUTHS_PASSPHRASE and without a terminal (a new session has no controlling tty), the
// answer is a clear error, not a hang on stdin.
BOOST_AUTO_TEST_CASE(no_passphrase_source_is_an_error) {
  const pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    ::setsid();
    ::unsetenv("AUTHS_PASSPHRASE");
    const auto got = acl::read_passphrase("Passphrase: ");
    int code = 0;
    if (got.has_value()) {
      code = 1;
    } else if (got.error().message.find("AUTHS_PASSPHRASE") == std::string::npos) {
      code = 2;
    }
    ::_exit(code);
  }
  int status = 0;
  BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
  BOOST_REQUIRE(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0,
             "child exit " << WEXITSTATUS(status) << " (1: got a passphrase, 2: error does not name AUTHS_PASSPHRASE)");
}

BOOST_AUTO_TEST_SUITE_END()
