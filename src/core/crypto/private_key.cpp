// Botan 2 adapter for signing keys. Every Botan call is inside a try block: no exception
// leaves this file.
#include "crypto/private_key.h"

#include <botan/bigint.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/pubkey.h>
#include <botan/system_rng.h>

#include <exception>

#include "crypto/p256.h"

namespace auths::crypto {

namespace {

constexpr size_t kRawSize = 32;

Error crypto_error(const char* what, const std::exception& e) {
  return Error::crypto(std::string(what) + ": " + e.what());
}

}  // namespace

// Exactly one of `ed25519` and `p256` is set, matching `type`.
struct PrivateKey::Impl {
  KeyType type;
  std::unique_ptr<Botan::Ed25519_PrivateKey> ed25519;
  std::unique_ptr<Botan::ECDSA_PrivateKey> p256;
  PublicKey public_key;

  const Botan::Private_Key& key() const {
    if (ed25519) {
      return *ed25519;
    }
    return *p256;
  }
};

PrivateKey::PrivateKey(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;
PrivateKey::~PrivateKey() = default;

namespace {

// Derives our PublicKey from the Botan key: Ed25519 raw 32 bytes, P-256 compressed point.
Result<PublicKey> public_key_of(const Botan::Ed25519_PrivateKey* ed25519, const Botan::ECDSA_PrivateKey* p256) {
  if (ed25519 != nullptr) {
    return public_key_from_raw(KeyType::kEd25519, ed25519->get_public_key());
  }
  const std::vector<uint8_t> point = p256->public_point().encode(Botan::PointGFp::COMPRESSED);
  return public_key_from_raw(KeyType::kEcdsaP256, point);
}

Result<PrivateKey::Impl> make_impl(KeyType type, std::unique_ptr<Botan::Ed25519_PrivateKey> ed25519,
                                   std::unique_ptr<Botan::ECDSA_PrivateKey> p256) {
  auto pub = public_key_of(ed25519.get(), p256.get());
  if (!pub) {
    return pub.error();
  }
  return PrivateKey::Impl{type, std::move(ed25519), std::move(p256), std::move(*pub)};
}

}  // namespace

Result<PrivateKey> PrivateKey::generate(KeyType type) {
  if (type == KeyType::kRsa) {
    return Error::unsupported("RSA signing keys are not supported");
  }
  try {
    Botan::System_RNG rng;
    std::unique_ptr<Botan::Ed25519_PrivateKey> ed25519;
    std::unique_ptr<Botan::ECDSA_PrivateKey> p256;
    if (type == KeyType::kEd25519) {
      ed25519 = std::make_unique<Botan::Ed25519_PrivateKey>(rng);
    } else {
      p256 = std::make_unique<Botan::ECDSA_PrivateKey>(rng, p256_group());
    }
    auto impl = make_impl(type, std::move(ed25519), std::move(p256));
    if (!impl) {
      return impl.error();
    }
    return PrivateKey(std::make_unique<Impl>(std::move(*impl)));
  } catch (const std::exception& e) {
    return crypto_error("cannot generate key", e);
  }
}

Result<PrivateKey> PrivateKey::from_raw(KeyType type, std::span<const uint8_t> raw) {
  if (type == KeyType::kRsa) {
    return Error::unsupported("RSA signing keys are not supported");
  }
  if (raw.size() != kRawSize) {
    return Error::invalid_argument("private key must be 32 bytes");
  }
  try {
    std::unique_ptr<Botan::Ed25519_PrivateKey> ed25519;
    std::unique_ptr<Botan::ECDSA_PrivateKey> p256;
    if (type == KeyType::kEd25519) {
      const Botan::secure_vector<uint8_t> seed(raw.begin(), raw.end());
      ed25519 = std::make_unique<Botan::Ed25519_PrivateKey>(seed);
    } else {
      const Botan::EC_Group& group = p256_group();
      const Botan::BigInt x(raw.data(), raw.size());
      // Botan draws a random scalar for x == 0, so check the range here.
      if (x.is_zero() || x >= group.get_order()) {
        return Error::invalid_argument("P-256 private scalar out of range");
      }
      Botan::System_RNG rng;
      p256 = std::make_unique<Botan::ECDSA_PrivateKey>(rng, group, x);
    }
    auto impl = make_impl(type, std::move(ed25519), std::move(p256));
    if (!impl) {
      return impl.error();
    }
    return PrivateKey(std::make_unique<Impl>(std::move(*impl)));
  } catch (const std::exception& e) {
    return crypto_error("cannot import private key", e);
  }
}

KeyType PrivateKey::type() const { return m_impl->type; }

const PublicKey& PrivateKey::public_key() const { return m_impl->public_key; }

util::Bytes PrivateKey::raw() const {
  if (m_impl->ed25519) {
    // Botan keeps seed || public key; the seed is the first half.
    const auto& bits = m_impl->ed25519->get_private_key();
    return util::Bytes(bits.begin(), bits.begin() + kRawSize);
  }
  const Botan::secure_vector<uint8_t> x = Botan::BigInt::encode_1363(m_impl->p256->private_value(), kRawSize);
  return util::Bytes(x.begin(), x.end());
}

Result<util::Bytes> PrivateKey::sign(std::span<const uint8_t> message) const {
  try {
    Botan::System_RNG rng;
    // Ed25519 "Pure" is RFC 8032 Ed25519; EMSA1(SHA-256) with the default IEEE 1363 format is
    // ECDSA over SHA-256 with the signature as fixed-size r||s.
    const char* padding = m_impl->type == KeyType::kEd25519 ? "Pure" : "EMSA1(SHA-256)";
    Botan::PK_Signer signer(m_impl->key(), rng, padding);
    const std::vector<uint8_t> sig = signer.sign_message(message.data(), message.size(), rng);
    return util::Bytes(sig.begin(), sig.end());
  } catch (const std::exception& e) {
    return crypto_error("cannot sign", e);
  }
}

}  // namespace auths::crypto
