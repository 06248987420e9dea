// auths-bench-ed25519: the raw rate of the hook's Ed25519 verification on this machine, the
// ceiling scripts/bench/verify.sh measures the hook against:
//
//   auths-bench-ed25519 COUNT THREADS
//
// verifies one signature COUNT times through crypto::verify_signature (libsodium, as the hook),
// on 1 thread and then on THREADS threads (COUNT each), and prints one line:
// "<verifications/s on 1 thread> <verifications/s on THREADS threads>". The message is 108
// bytes, the size of the SSHSIG blob an SSH-signed commit's signature covers (the commit itself
// is hashed first, with SHA-512, which the hook's rate includes and this one does not).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "crypto/private_key.h"
#include "crypto/verify.h"

namespace {

using Clock = std::chrono::steady_clock;

/// Verifications per second of `count` checks on each of `threads` threads; -1 when one fails.
double rate(const auths::crypto::PublicKey& key, const std::vector<uint8_t>& message,
            const std::vector<uint8_t>& signature, long count, unsigned threads) {
  std::vector<long> bad(threads, 0);
  const auto start = Clock::now();
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (long i = 0; i < count; ++i) {
          if (!auths::crypto::verify_signature(key, auths::crypto::SignatureAlgorithm::kEd25519, message, signature)) {
            ++bad[t];
          }
        }
      });
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (long b : bad) {
    if (b != 0) return -1;
  }
  return static_cast<double>(count) * threads / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: auths-bench-ed25519 COUNT THREADS\n");
    return 2;
  }
  const long count = std::strtol(argv[1], nullptr, 10);
  const long threads = std::strtol(argv[2], nullptr, 10);
  if (count <= 0 || threads <= 0 || threads > 256) {
    std::fprintf(stderr, "auths-bench-ed25519: COUNT and THREADS must be positive numbers\n");
    return 2;
  }
  auto key = auths::crypto::PrivateKey::generate(auths::crypto::KeyType::kEd25519);
  if (!key) {
    std::fprintf(stderr, "auths-bench-ed25519: %s\n", key.error().to_string().c_str());
    return 1;
  }
  const std::vector<uint8_t> message(108, 0x5a);
  auto signature = key->sign(message);
  if (!signature) {
    std::fprintf(stderr, "auths-bench-ed25519: %s\n", signature.error().to_string().c_str());
    return 1;
  }
  const std::vector<uint8_t> sig(signature->begin(), signature->end());
  const double one = rate(key->public_key(), message, sig, count, 1);
  const double all = rate(key->public_key(), message, sig, count, static_cast<unsigned>(threads));
  if (one < 0 || all < 0) {
    std::fprintf(stderr, "auths-bench-ed25519: a good signature did not verify\n");
    return 1;
  }
  std::printf("%.0f %.0f\n", one, all);
  return 0;
}
