// auths-forge-sign: the signing half of the e2e forging kit (tests/support/forge.py, through
// tests/e2e/identity.sh's forge): decrypts one key of an auths key store (keystore.h: Argon2id
// then AES-256-GCM) and signs stdin with it, so that the tests can make records the CLI refuses
// to make, with the very bytes and signatures the CLI would write.
//
//   auths-forge-sign SALT MEMORY_KIB ITERATIONS PARALLELISM NONCE CIPHERTEXT AD PUBLIC
//
// SALT, NONCE, CIPHERTEXT, AD (the associated data) and PUBLIC (the key's Ed25519 public key)
// in hex, as forge.py reads them from the key file; the passphrase from $AUTHS_PASSPHRASE.
// Prints the Ed25519 signature of stdin, hex. Exit 1 when the key does not decrypt or does not
// match PUBLIC, 2 on a usage error. Built against Botan 2 alone, not the project's key store
// code: a second reader of the key file format. A test tool, not installed.
#include <botan/aead.h>
#include <botan/argon2.h>
#include <botan/ed25519.h>
#include <botan/hex.h>
#include <botan/pubkey.h>
#include <botan/system_rng.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <iterator>
#include <string>

int main(int argc, char** argv) {
  if (argc != 9) {
    std::cerr << "usage: auths-forge-sign SALT MEMORY_KIB ITERATIONS PARALLELISM NONCE CIPHERTEXT AD PUBLIC\n";
    return 2;
  }
  const char* pass = std::getenv("AUTHS_PASSPHRASE");
  if (pass == nullptr) {
    std::cerr << "auths-forge-sign: AUTHS_PASSPHRASE is not set\n";
    return 2;
  }
  try {
    const auto salt = Botan::hex_decode(argv[1]);
    Botan::secure_vector<uint8_t> key(32);
    Botan::argon2(key.data(), key.size(), pass, std::strlen(pass), salt.data(), salt.size(), nullptr, 0, nullptr, 0,
                  2 /* Argon2id */, std::stoul(argv[4]), std::stoul(argv[2]), std::stoul(argv[3]));
    const auto nonce = Botan::hex_decode(argv[5]);
    auto seed = Botan::hex_decode_locked(argv[6]);
    const auto ad = Botan::hex_decode(argv[7]);
    auto aead = Botan::AEAD_Mode::create_or_throw("AES-256/GCM", Botan::DECRYPTION);
    aead->set_key(key);
    aead->set_associated_data(ad.data(), ad.size());
    aead->start(nonce.data(), nonce.size());
    aead->finish(seed);
    Botan::Ed25519_PrivateKey sk(seed);
    if (Botan::hex_encode(sk.get_public_key(), false) != std::string(argv[8])) {
      std::cerr << "auths-forge-sign: the decrypted key does not match its public key\n";
      return 1;
    }
    const std::string msg((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    Botan::System_RNG rng;
    Botan::PK_Signer signer(sk, rng, "Pure");
    std::cout << Botan::hex_encode(signer.sign_message(reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), rng),
                                   false)
              << "\n";
  } catch (const std::exception& e) {
    std::cerr << "auths-forge-sign: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
