// auths/keys.h: the key store as the CLI sees it, in plain strings.
#include "auths/keys.h"

#include "auths/sign_tool.h"

#include "crypto/private_key.h"
#include "identity/keystore.h"
#include "util/bytes.h"

namespace auths {

namespace {

Result<StoredKey> describe(const std::filesystem::path& home, std::string_view alias, const crypto::PublicKey& key) {
  auto did = key.to_did_key();
  if (!did) return did.error();
  const std::string alias_text(alias);
  return StoredKey{alias_text,
                   identity::curve_name(key.type()),
                   util::hex_encode(key.raw()),
                   key.to_ssh_line(std::string(kAuthsKeyPrefix) + alias_text),
                   key.fingerprint(),
                   std::move(*did),
                   identity::key_path(home, alias).string()};
}

}  // namespace

Result<std::string> auths_home() {
  auto home = identity::identity_home();
  if (!home) return home.error();
  return home->string();
}

Result<std::string> read_passphrase(std::string_view prompt, bool confirm) {
  return identity::get_passphrase(prompt, confirm);
}

Status check_key_alias(std::string_view alias) { return identity::validate_alias(alias); }

Result<StoredKey> generate_stored_key(const std::string& home, std::string_view alias, std::string_view curve,
                                      std::string_view passphrase) {
  if (const auto ok = identity::validate_alias(alias); !ok) return ok.error();
  const auto type = identity::parse_curve(curve);
  if (!type) return type.error();
  if (identity::key_exists(home, alias)) {
    return Error::invalid_argument("key '" + std::string(alias) + "' already exists",
                                   identity::key_path(home, alias).string());
  }
  const auto key = crypto::PrivateKey::generate(*type);
  if (!key) return key.error();
  if (const auto saved = identity::save_key(home, alias, *key, passphrase); !saved) return saved.error();
  return describe(home, alias, key->public_key());
}

Result<std::vector<StoredKey>> list_stored_keys(const std::string& home) {
  const auto keys = identity::list_keys(home);
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
  const auto key = identity::load_public_key(home, alias);
  if (!key) return key.error();
  return describe(home, alias, *key);
}

}  // namespace auths
