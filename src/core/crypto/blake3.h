// BLAKE3 with a 32-byte output, the digest KERI uses for SAIDs, prefixes and next-key
// commitments (CESR code 'E'). Debian 12 packages no BLAKE3 library, so this is a small
// portable implementation of the hash mode of the BLAKE3 specification (no keyed hashing, no
// key derivation, no extended output). It is checked against the `b3sum` tool in
// tests/unit/crypto/blake3_test.cpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace auths::crypto {

using Blake3Digest = std::array<uint8_t, 32>;

/// Incremental BLAKE3 hasher: update() any number of times, then finalize() once.
class Blake3 final {
 public:
  Blake3();

  void update(std::span<const uint8_t> data);
  void update(std::string_view text);
  /// The 32-byte digest of everything passed to update(). Does not change the hasher, so more
  /// input may follow (the digest then covers all of it).
  Blake3Digest finalize() const;

 private:
  using Words = std::array<uint32_t, 8>;

  // The chunk being filled: its index, the chaining value so far, and the block not yet
  // compressed (the last block of a chunk is compressed with CHUNK_END, so it waits).
  struct Chunk {
    uint64_t counter = 0;
    Words cv{};
    std::array<uint8_t, 64> block{};
    size_t block_len = 0;
    size_t blocks_compressed = 0;
    size_t length() const { return blocks_compressed * 64 + block_len; }
  };

  void start_chunk(uint64_t counter);
  void update_chunk(std::span<const uint8_t> data);
  void push_chunk_cv(Words cv, uint64_t total_chunks);

  Chunk m_chunk;
  // Chaining values of completed subtrees, one per set bit of the number of completed
  // chunks (at most 54 for inputs below 2^64 bytes).
  std::array<Words, 54> m_stack{};
  size_t m_stack_len = 0;
};

/// One-shot BLAKE3-256.
Blake3Digest blake3_256(std::span<const uint8_t> data);
Blake3Digest blake3_256(std::string_view text);

}  // namespace auths::crypto
