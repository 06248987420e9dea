// The NIST P-256 group for the Botan backend (public_key.cpp, private_key.cpp, verify.cpp).
#pragma once

#include <botan/ec_group.h>

namespace auths::crypto {

/// Built once, on first use; Botan's EC_Group is immutable and safe to share between threads.
inline const Botan::EC_Group& p256_group() {
  static const Botan::EC_Group group("secp256r1");
  return group;
}

}  // namespace auths::crypto
