// auths/client/keys.h: the key store as the CLI sees it, in plain strings.
#include "auths/client/keys.h"

#include "auths/client/sign_tool.h"

#include "crypto/private_key.h"
#include "keystore.h"
#include "util/bytes.h"

namespace auths::client {

namespace {

Result<StoredKey> describe(const std::filesystem::path& home, std::string_view alias, const crypto::PublicKey& key) {
  auto did = key.to_did_key();
  if (!did) return did.error();
  const std::string alias_text(alias);
  return StoredKey{alias_text,
                   curve_name(key.type()),
                   util::hex_encode(key.raw()),
                   key.to_ssh_line(std::string(kAuthsKeyPrefix) + alias_text),
                   key.fingerprint(),
                   std::move(*did),
                   key_path(home, alias).string()};
}

}  // namespace

Result<StoredKey> generate_stored_key(const std::string& home, std::string_view alias, std::string_view curve,
                                      std::string_view passphrase) {
  if (const auto ok = check_key_alias(alias); !ok) return ok.error();
  const auto type = parse_curve(curve);
  if (!type) return type.error();
  if (key_exists(home, alias)) {
    return Error::invalid_argument("key '" + std::string(alias) + "' already exists", key_path(home, alias).string());
  }
  const auto key = crypto::PrivateKey::generate(*type);
  if (!key) return key.error();
  if (const auto saved = save_key(home, alias, *key, passphrase); !saved) return saved.error();
  return describe(home, alias, key->public_key());
}

Result<std::vector<StoredKey>> list_stored_keys(const std::string& home) {
  const auto keys = list_keys(home);
  if (!keys) return keys.error();
  std::vector<StoredKey> out;
  for (const auto& info : *keys) {
    auto shown = describe(home, info.alias, info.public_key);
    if (!shown) return shown.error();
    out.push_back(std::move(*shown));
  }
  return out;
}

Result<StoredKey> find_stored_key(const std::string& home, std::string_view alias) {
  const auto key = load_public_key(home, alias);
  if (!key) return key.error();
  return describe(home, alias, *key);
}

}  // namespace auths::client
