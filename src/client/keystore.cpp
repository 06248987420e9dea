// The key store: Argon2id + AES-256/GCM (Botan 2) over the raw private key, one JSON file per
// key. Every Botan and nlohmann::json call is inside a try block: no exception leaves this file.
#include "keystore.h"

#include <botan/aead.h>
#include <botan/argon2.h>
#include <botan/exceptn.h>
#include <botan/mem_ops.h>
#include <botan/system_rng.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <exception>
#include <nlohmann/json.hpp>
#include <utility>

#include "file_io.h"
#include "ssh/wire.h"
#include "util/bytes.h"
#include "util/strings.h"

namespace auths::client {

namespace fs = std::filesystem;

namespace {

constexpr int kFileVersion = 1;
constexpr std::string_view kKdfAlgorithm = "argon2id";
constexpr std::string_view kCipher = "aes-256-gcm";
constexpr std::string_view kAdLabel = "auths-key-v1";
constexpr uint8_t kArgon2id = 2;  // Botan's Argon2 family numbering: 0 d, 1 i, 2 id
constexpr size_t kSaltSize = 16;
constexpr size_t kNonceSize = 12;  // the GCM nonce size NIST SP 800-38D recommends
constexpr size_t kTagSize = 16;
constexpr size_t kAeadKeySize = 32;
constexpr size_t kRawKeySize = 32;
constexpr size_t kMaxAliasLength = 64;
constexpr size_t kMaxKeyFileSize = 64 * 1024;

// The AES-256/GCM associated data: see keystore.h.
util::Bytes associated_data(std::string_view alias, std::string_view curve, const util::Bytes& public_key) {
  ssh::wire::Writer w;
  w.put_string(kAdLabel);
  w.put_string(alias);
  w.put_string(curve);
  w.put_string(std::span<const uint8_t>(public_key));
  return std::move(w).take();
}

Result<Botan::secure_vector<uint8_t>> derive_key(std::string_view passphrase, const util::Bytes& salt,
                                                 const KdfParams& kdf) {
  try {
    Botan::secure_vector<uint8_t> key(kAeadKeySize);
    Botan::argon2(key.data(), key.size(), passphrase.data(), passphrase.size(), salt.data(), salt.size(), nullptr, 0,
                  nullptr, 0, kArgon2id, kdf.parallelism, kdf.memory_kib, kdf.iterations);
    return key;
  } catch (const std::exception& e) {
    return Error::crypto(std::string("argon2id failed: ") + e.what());
  }
}

Status check_kdf_params(const KdfParams& kdf) {
  if (kdf.parallelism < 1 || kdf.parallelism > kMaxKdfParallelism) {
    return Error::invalid_argument("argon2id parallelism must be 1.." + std::to_string(kMaxKdfParallelism));
  }
  if (kdf.memory_kib < kMinKdfMemoryKib * kdf.parallelism || kdf.memory_kib > kMaxKdfMemoryKib) {
    return Error::invalid_argument("argon2id memory must be " + std::to_string(kMinKdfMemoryKib * kdf.parallelism) +
                                   ".." + std::to_string(kMaxKdfMemoryKib) + " KiB");
  }
  if (kdf.iterations < 1 || kdf.iterations > kMaxKdfIterations) {
    return Error::invalid_argument("argon2id iterations must be 1.." + std::to_string(kMaxKdfIterations));
  }
  return {};
}

// A key file, parsed and checked for shape; the ciphertext is not opened yet.
struct KeyFile {
  std::string alias;
  std::string curve;
  crypto::PublicKey public_key;
  KdfParams kdf;
  util::Bytes salt;
  util::Bytes nonce;
  util::Bytes ciphertext;  // encrypted key || tag
};

Result<util::Bytes> hex_field(const nlohmann::json& obj, const char* name, size_t min_size, size_t max_size) {
  if (!obj.contains(name) || !obj.at(name).is_string())
    return Error::corrupt(std::string("missing field '") + name + "'");
  auto bytes = util::hex_decode(obj.at(name).get<std::string>());
  if (!bytes) return Error::corrupt(std::string("field '") + name + "' is not hex");
  if (bytes->size() < min_size || bytes->size() > max_size) {
    return Error::corrupt(std::string("field '") + name + "' has the wrong length");
  }
  return bytes;
}

Result<uint32_t> uint_field(const nlohmann::json& obj, const char* name) {
  if (!obj.contains(name) || !obj.at(name).is_number_unsigned()) {
    return Error::corrupt(std::string("field '") + name + "' is not an unsigned number");
  }
  const uint64_t v = obj.at(name).get<uint64_t>();
  if (v > UINT32_MAX) return Error::corrupt(std::string("field '") + name + "' is too large");
  return static_cast<uint32_t>(v);
}

Result<std::string> text_field(const nlohmann::json& obj, const char* name) {
  if (!obj.contains(name) || !obj.at(name).is_string())
    return Error::corrupt(std::string("missing field '") + name + "'");
  return obj.at(name).get<std::string>();
}

Result<KeyFile> parse_key_file_json(std::string_view text) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return Error::corrupt("key file is not a JSON object");

  const auto version = uint_field(doc, "version");
  if (!version) return version.error();
  if (*version != kFileVersion)
    return Error::unsupported("key file version " + std::to_string(*version) + " is not supported");

  auto alias = text_field(doc, "alias");
  if (!alias) return alias.error();
  auto curve = text_field(doc, "curve");
  if (!curve) return curve.error();
  const auto type = parse_curve(*curve);
  if (!type) return Error::corrupt("unknown curve '" + *curve + "'");
  const auto public_raw = hex_field(doc, "public_key", 32, 65);
  if (!public_raw) return public_raw.error();
  auto public_key = crypto::public_key_from_raw(*type, *public_raw);
  if (!public_key) return Error::corrupt("bad public key: " + public_key.error().message);

  if (!doc.contains("kdf") || !doc.at("kdf").is_object()) return Error::corrupt("missing field 'kdf'");
  const nlohmann::json& kdf_obj = doc.at("kdf");
  const auto algorithm = text_field(kdf_obj, "algorithm");
  if (!algorithm) return algorithm.error();
  if (*algorithm != kKdfAlgorithm) return Error::unsupported("key derivation '" + *algorithm + "' is not supported");
  const auto memory = uint_field(kdf_obj, "memory_kib");
  if (!memory) return memory.error();
  const auto iterations = uint_field(kdf_obj, "iterations");
  if (!iterations) return iterations.error();
  const auto parallelism = uint_field(kdf_obj, "parallelism");
  if (!parallelism) return parallelism.error();
  const KdfParams kdf{*memory, *iterations, *parallelism};
  if (const auto ok = check_kdf_params(kdf); !ok) return Error::corrupt(ok.error().message);
  auto salt = hex_field(kdf_obj, "salt", 8, 64);
  if (!salt) return salt.error();

  const auto cipher = text_field(doc, "cipher");
  if (!cipher) return cipher.error();
  if (*cipher != kCipher) return Error::unsupported("cipher '" + *cipher + "' is not supported");
  auto nonce = hex_field(doc, "nonce", kNonceSize, kNonceSize);
  if (!nonce) return nonce.error();
  auto ciphertext = hex_field(doc, "ciphertext", kRawKeySize + kTagSize, kRawKeySize + kTagSize);
  if (!ciphertext) return ciphertext.error();

  return KeyFile{std::move(*alias), std::move(*curve), std::move(*public_key), kdf,
                 std::move(*salt),  std::move(*nonce), std::move(*ciphertext)};
}

Result<KeyFile> read_key_file(const fs::path& home, std::string_view alias) {
  if (const auto ok = check_key_alias(alias); !ok) return ok.error();
  const fs::path path = key_path(home, alias);
  const auto text = read_file(path, kMaxKeyFileSize);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) {
      return Error::not_found("no key '" + std::string(alias) + "' in " + (home / "keys").string());
    }
    return text.error();
  }
  try {
    auto file = parse_key_file_json(*text);
    if (!file) return Error{file.error().code, file.error().message, path.string()};
    if (file->alias != alias) {
      return Error::corrupt("the file holds key '" + file->alias + "', not '" + std::string(alias) + "'",
                            path.string());
    }
    return file;
  } catch (const std::exception& e) {
    return Error::corrupt(std::string("malformed key file: ") + e.what(), path.string());
  }
}

Status make_private_dir(const fs::path& dir) {
  if (::mkdir(dir.c_str(), 0700) == 0) return {};
  const int err = errno;
  if (err != EEXIST) return Error::io("cannot create directory: " + errno_text(err), dir.string());
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return Error::io("not a directory", dir.string());
  return {};
}

Result<uint32_t> env_uint(const char* name, uint32_t fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  const std::string_view text(value);
  uint32_t out = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return Error::invalid_argument(std::string(name) + " must be a number, not '" + std::string(text) + "'");
  }
  return out;
}

}  // namespace

Result<KdfParams> kdf_params_from_env() {
  const KdfParams defaults;
  const auto memory = env_uint("AUTHS_KDF_MEMORY_KIB", defaults.memory_kib);
  if (!memory) return memory.error();
  const auto iterations = env_uint("AUTHS_KDF_ITERATIONS", defaults.iterations);
  if (!iterations) return iterations.error();
  const KdfParams params{*memory, *iterations, defaults.parallelism};
  if (const auto ok = check_kdf_params(params); !ok) return Error::invalid_argument(ok.error().message, "AUTHS_KDF_*");
  return params;
}

std::string curve_name(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::kEd25519: return "ed25519";
    case crypto::KeyType::kEcdsaP256: return "p256";
    case crypto::KeyType::kRsa: return "rsa";
  }
  return "unknown";
}

Result<crypto::KeyType> parse_curve(std::string_view name) {
  if (name == "ed25519") return crypto::KeyType::kEd25519;
  if (name == "p256") return crypto::KeyType::kEcdsaP256;
  return Error::invalid_argument("unknown curve '" + std::string(name) + "' (ed25519 or p256)");
}

Result<std::string> user_home_directory() {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return std::string(home);
  const passwd* pw = ::getpwuid(::getuid());
  if (pw != nullptr && pw->pw_dir != nullptr && *pw->pw_dir != '\0') return std::string(pw->pw_dir);
  return Error::not_found("cannot find the identity home: set AUTHS_HOME or HOME");
}

Result<std::string> auths_home() {
  if (const char* home = std::getenv("AUTHS_HOME"); home != nullptr && *home != '\0') return std::string(home);
  auto dir = user_home_directory();
  if (!dir) return dir.error();
  return *dir + "/.auths";
}

Status ensure_home(const fs::path& home) {
  // Missing parents (of an $AUTHS_HOME somewhere new) are made as `mkdir -p` would; only the
  // home itself and keys/ are private.
  if (const fs::path parent = home.parent_path(); !parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) return Error::io("cannot create directory: " + ec.message(), parent.string());
  }
  if (const auto ok = make_private_dir(home); !ok) return ok;
  return make_private_dir(home / "keys");
}

Status check_key_alias(std::string_view alias) {
  const bool ok_chars = std::all_of(alias.begin(), alias.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
  if (alias.empty() || alias.size() > kMaxAliasLength || !ok_chars || alias.front() == '.') {
    return Error::invalid_argument("invalid key alias '" + util::printable(alias, 80) +
                                   "': use 1 to 64 of A-Z a-z 0-9 . _ - (not starting with '.')");
  }
  return {};
}

fs::path key_path(const fs::path& home, std::string_view alias) {
  return home / "keys" / (std::string(alias) + ".json");
}

namespace {

// The steps of save_key.

// The KDF cost: the one the caller asked for (checked), else the default or the environment's.
Result<KdfParams> kdf_for(const SaveOptions& options) {
  if (!options.kdf) return kdf_params_from_env();
  if (const auto ok = check_kdf_params(*options.kdf); !ok) return ok.error();
  return *options.kdf;
}

// The key encrypted: a fresh salt and nonce, Argon2id of the passphrase, AES-256/GCM over the
// raw key with the associated data of keystore.h.
Result<KeyFile> seal_key(std::string_view alias, const crypto::PrivateKey& key, std::string_view passphrase,
                         const KdfParams& kdf) {
  KeyFile file{std::string(alias), curve_name(key.type()), key.public_key(), kdf, {}, {}, {}};
  const util::Bytes ad = associated_data(file.alias, file.curve, file.public_key.raw());
  try {
    Botan::System_RNG rng;
    const auto salt = rng.random_vec(kSaltSize);
    const auto nonce = rng.random_vec(kNonceSize);
    file.salt.assign(salt.begin(), salt.end());
    file.nonce.assign(nonce.begin(), nonce.end());

    const auto aead_key = derive_key(passphrase, file.salt, kdf);
    if (!aead_key) return aead_key.error();

    util::Bytes raw = key.raw();
    Botan::secure_vector<uint8_t> buffer(raw.begin(), raw.end());
    Botan::secure_scrub_memory(raw.data(), raw.size());
    auto cipher = Botan::AEAD_Mode::create_or_throw("AES-256/GCM", Botan::ENCRYPTION);
    cipher->set_key(*aead_key);
    cipher->set_associated_data(ad.data(), ad.size());
    cipher->start(file.nonce.data(), file.nonce.size());
    cipher->finish(buffer);
    file.ciphertext.assign(buffer.begin(), buffer.end());
  } catch (const std::exception& e) {
    return Error::crypto(std::string("cannot encrypt the key: ") + e.what());
  }
  return file;
}

// The file's JSON text (the format of keystore.h), what parse_key_file_json reads back.
Result<std::string> key_file_text(const KeyFile& file) {
  try {
    nlohmann::ordered_json doc;
    doc["version"] = kFileVersion;
    doc["alias"] = file.alias;
    doc["curve"] = file.curve;
    doc["public_key"] = util::hex_encode(file.public_key.raw());
    doc["kdf"] = {{"algorithm", std::string(kKdfAlgorithm)},
                  {"memory_kib", file.kdf.memory_kib},
                  {"iterations", file.kdf.iterations},
                  {"parallelism", file.kdf.parallelism},
                  {"salt", util::hex_encode(file.salt)}};
    doc["cipher"] = std::string(kCipher);
    doc["nonce"] = util::hex_encode(file.nonce);
    doc["ciphertext"] = util::hex_encode(file.ciphertext);
    return doc.dump(2) + "\n";
  } catch (const std::exception& e) {
    return Error::internal(std::string("cannot serialize the key file: ") + e.what());
  }
}

}  // namespace

Status save_key(const fs::path& home, std::string_view alias, const crypto::PrivateKey& key,
                std::string_view passphrase, const SaveOptions& options) {
  if (const auto ok = check_key_alias(alias); !ok) return ok;
  if (passphrase.empty()) return Error::invalid_argument("the passphrase must not be empty");
  if (key.type() != crypto::KeyType::kEd25519 && key.type() != crypto::KeyType::kEcdsaP256) {
    return Error::unsupported("only ed25519 and p256 keys can be stored");
  }
  const auto kdf = kdf_for(options);
  if (!kdf) return kdf.error();
  const auto exists = [&] {
    return Error::invalid_argument("key '" + std::string(alias) + "' already exists", key_path(home, alias).string());
  };
  if (!options.overwrite && key_exists(home, alias)) return exists();
  if (const auto ok = ensure_home(home); !ok) return ok;

  const auto sealed = seal_key(alias, key, passphrase, *kdf);
  if (!sealed) return sealed.error();
  const auto text = key_file_text(*sealed);
  if (!text) return text.error();
  const auto written = write_file(key_path(home, alias), *text, 0600, options.overwrite);
  if (!written && written.error().code == ErrorCode::kInvalidArgument) return exists();
  return written;
}

Result<crypto::PrivateKey> load_key(const fs::path& home, std::string_view alias, std::string_view passphrase) {
  const auto file = read_key_file(home, alias);
  if (!file) return file.error();
  const std::string path = key_path(home, alias).string();

  const auto aead_key = derive_key(passphrase, file->salt, file->kdf);
  if (!aead_key) return aead_key.error();
  const util::Bytes ad = associated_data(file->alias, file->curve, file->public_key.raw());
  Botan::secure_vector<uint8_t> buffer(file->ciphertext.begin(), file->ciphertext.end());
  try {
    auto cipher = Botan::AEAD_Mode::create_or_throw("AES-256/GCM", Botan::DECRYPTION);
    cipher->set_key(*aead_key);
    cipher->set_associated_data(ad.data(), ad.size());
    cipher->start(file->nonce.data(), file->nonce.size());
    cipher->finish(buffer);
  } catch (const Botan::Invalid_Authentication_Tag&) {
    // A wrong passphrase and a modified file look the same from here; the passphrase is by far
    // the likelier cause.
    return Error::invalid_argument("wrong passphrase for key '" + std::string(alias) + "'");
  } catch (const std::exception& e) {
    return Error::crypto(std::string("cannot decrypt the key: ") + e.what(), path);
  }

  auto key = crypto::PrivateKey::from_raw(file->public_key.type(), buffer);
  if (!key) return Error::corrupt("decrypted key is not valid: " + key.error().message, path);
  if (!(key->public_key() == file->public_key))
    return Error::corrupt("decrypted key does not match the public key", path);
  return key;
}

Result<crypto::PublicKey> load_public_key(const fs::path& home, std::string_view alias) {
  auto file = read_key_file(home, alias);
  if (!file) return file.error();
  return std::move(file->public_key);
}

bool key_exists(const fs::path& home, std::string_view alias) {
  if (!check_key_alias(alias)) return false;
  std::error_code ec;
  return fs::exists(key_path(home, alias), ec);
}

Result<std::vector<KeyInfo>> list_keys(const fs::path& home) {
  const fs::path dir = home / "keys";
  std::vector<std::string> aliases;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return std::vector<KeyInfo>{};
  fs::directory_iterator it(dir, ec);
  if (ec) return Error::io("cannot list: " + ec.message(), dir.string());
  for (const fs::directory_iterator end; it != end; it.increment(ec)) {
    if (ec) return Error::io("cannot list: " + ec.message(), dir.string());
    const fs::path& p = it->path();
    if (p.extension() != ".json") continue;
    const std::string alias = p.stem().string();
    if (!check_key_alias(alias)) continue;  // temporary files (".x.json.tmp-...") and strays
    aliases.push_back(alias);
  }
  std::sort(aliases.begin(), aliases.end());
  std::vector<KeyInfo> keys;
  for (const auto& alias : aliases) {
    auto pub = load_public_key(home, alias);
    if (!pub) return pub.error();
    keys.push_back({alias, std::move(*pub)});
  }
  return keys;
}

}  // namespace auths::client
