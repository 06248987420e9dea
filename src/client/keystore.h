// The identity home and its key store: signing keys encrypted at rest with a passphrase.
//
// The home is $AUTHS_HOME, or ~/.auths (mode 0700). Each key is one JSON file,
// keys/<alias>.json (mode 0600):
//
//   {
//     "version": 1,
//     "alias": "laptop",
//     "curve": "ed25519",                      // or "p256"
//     "public_key": "<hex>",                   // Ed25519 32 bytes; P-256 compressed point, 33 bytes
//     "kdf": {"algorithm": "argon2id", "memory_kib": 65536, "iterations": 3,
//             "parallelism": 1, "salt": "<hex, 16 bytes>"},
//     "cipher": "aes-256-gcm",
//     "nonce": "<hex, 12 bytes>",
//     "ciphertext": "<hex: the 32-byte seed or scalar, encrypted, then the 16-byte tag>"
//   }
//
// The AES-256-GCM key is Argon2id(passphrase, salt) with the stored parameters. The associated
// data binds the file to its alias, curve and public key (so a file renamed or edited to
// claim another key does not decrypt), encoded as SSH strings (RFC 4253 section 5):
//   string "auths-key-v1" || string alias || string curve || string public_key
// Nothing is ever written unencrypted; files are written to a temporary file and renamed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/client/keys.h"
#include "auths/result.h"
#include "crypto/private_key.h"
#include "crypto/public_key.h"

namespace auths::client {

/// Argon2id cost. Stored in each key file, so keys written with other parameters still load.
struct KdfParams {
  uint32_t memory_kib = 64 * 1024;  // 64 MiB
  uint32_t iterations = 3;
  uint32_t parallelism = 1;
};

/// Bounds for parameters read from a file or the environment: a hostile key file must not make
/// loading take gigabytes or hours. Argon2 needs at least 8 KiB per lane.
inline constexpr uint32_t kMinKdfMemoryKib = 8;
inline constexpr uint32_t kMaxKdfMemoryKib = 4u * 1024 * 1024;  // 4 GiB
inline constexpr uint32_t kMaxKdfIterations = 64;
inline constexpr uint32_t kMaxKdfParallelism = 16;

/// The defaults above, except where AUTHS_KDF_MEMORY_KIB or AUTHS_KDF_ITERATIONS say otherwise
/// (for tests and slow machines: e.g. AUTHS_KDF_MEMORY_KIB=64 makes each key operation take
/// milliseconds). A value that is not a number within the bounds is an Error.
[[nodiscard]] Result<KdfParams> kdf_params_from_env();

/// "ed25519" or "p256" for the key types the store holds.
std::string curve_name(crypto::KeyType type);
/// The inverse of curve_name; kInvalidArgument for anything else.
[[nodiscard]] Result<crypto::KeyType> parse_curve(std::string_view name);

/// Creates `home` and home/keys with mode 0700 when missing, and missing parents of `home` as
/// `mkdir -p` would (existing directories are left as they are).
[[nodiscard]] Status ensure_home(const std::filesystem::path& home);

/// home/keys/<alias>.json (the alias is not checked).
std::filesystem::path key_path(const std::filesystem::path& home, std::string_view alias);

struct SaveOptions {
  std::optional<KdfParams> kdf;  // default: kdf_params_from_env()
  bool overwrite = false;        // replace an existing key of that alias
};

/// Encrypts `key` with `passphrase` (which must not be empty) and writes keys/<alias>.json.
/// Errors: kInvalidArgument for a bad alias, an empty passphrase or an alias already in use.
[[nodiscard]] Status save_key(const std::filesystem::path& home, std::string_view alias, const crypto::PrivateKey& key,
                              std::string_view passphrase, const SaveOptions& options = {});
/// Decrypts keys/<alias>.json. Errors: kNotFound (no such key), kInvalidArgument ("wrong
/// passphrase for key 'x'": the AEAD tag did not verify, which is also what a modified
/// ciphertext, nonce, salt or associated data gives), kCorrupt (the file is malformed or its
/// contents do not match its public key).
[[nodiscard]] Result<crypto::PrivateKey> load_key(const std::filesystem::path& home, std::string_view alias,
                                                  std::string_view passphrase);
/// The public key of keys/<alias>.json, without the passphrase.
[[nodiscard]] Result<crypto::PublicKey> load_public_key(const std::filesystem::path& home, std::string_view alias);
/// Whether keys/<alias>.json exists (false for an invalid alias).
bool key_exists(const std::filesystem::path& home, std::string_view alias);

struct KeyInfo {
  std::string alias;
  crypto::PublicKey public_key;
};
/// Every key in home/keys, sorted by alias. A missing home is an empty list; a key file that
/// cannot be read is an Error naming it.
[[nodiscard]] Result<std::vector<KeyInfo>> list_keys(const std::filesystem::path& home);

}  // namespace auths::client
