// An unencrypted OpenSSH private key file (openssh-portable PROTOCOL.key) for an Ed25519 key,
// so that ssh-keygen can sign with the very key our code made: for tests/unit/sshsig/sign_test.cpp
// and the benchmark's registry generator (tests/support/bench_registry_main.cpp).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "crypto/private_key.h"
#include "ssh/wire.h"
#include "util/bytes.h"

namespace auths::test {

inline std::string openssh_private_key_file(const crypto::PrivateKey& key) {
  const util::Bytes seed = key.raw();
  const util::Bytes& pub = key.public_key().raw();
  ssh::wire::Writer priv;
  priv.put_uint32(0x12345678);
  priv.put_uint32(0x12345678);
  priv.put_string(std::string_view("ssh-ed25519"));
  priv.put_string(std::span<const uint8_t>(pub));
  util::Bytes secret = seed;
  secret.insert(secret.end(), pub.begin(), pub.end());
  priv.put_string(std::span<const uint8_t>(secret));
  priv.put_string(std::string_view("auths-test"));
  util::Bytes section = priv.bytes();
  for (uint8_t pad = 1; section.size() % 8 != 0; ++pad) section.push_back(pad);

  ssh::wire::Writer file;
  file.put_bytes(std::string_view("openssh-key-v1", 15));  // with its NUL
  file.put_string(std::string_view("none"));
  file.put_string(std::string_view("none"));
  file.put_string(std::string_view(""));
  file.put_uint32(1);
  file.put_string(std::span<const uint8_t>(key.public_key().ssh_blob()));
  file.put_string(std::span<const uint8_t>(section));

  const std::string body = util::base64_encode(file.bytes());
  std::string out = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
  for (size_t i = 0; i < body.size(); i += 70) out += body.substr(i, 70) + "\n";
  out += "-----END OPENSSH PRIVATE KEY-----\n";
  return out;
}

}  // namespace auths::test
