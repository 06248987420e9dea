// BLAKE3 hash mode, following the BLAKE3 specification (O'Connor, Aumasson, Neves,
// Wilcox-O'Hearn, 2020), sections 2.1-2.6:
//
//   "BLAKE3 splits its input into 1024-byte chunks and arranges them as the leaves of a binary
//    tree. [...] Each chunk is compressed in 64-byte blocks [...] the last chunk may be short
//    [...] Parent nodes' inputs are the concatenation of their children's chaining values."
//
// The tree is built left to right while the input streams in: when chunk number n is complete
// its chaining value is merged with the stacked subtree roots once for every trailing zero bit
// of n (the count of completed chunks). The last chunk is never merged during update(), because
// it might be the root; finalize() folds the stack into it and sets ROOT on the last node.
#include "crypto/blake3.h"

#include <algorithm>
#include <cstring>

namespace auths::crypto {

namespace {

constexpr size_t kBlockLen = 64;
constexpr size_t kChunkLen = 1024;

// Domain separation flags (specification, table 3).
constexpr uint32_t kChunkStart = 1u << 0;
constexpr uint32_t kChunkEnd = 1u << 1;
constexpr uint32_t kParent = 1u << 2;
constexpr uint32_t kRoot = 1u << 3;

// The initialisation vector is SHA-256's (specification, section 2.1); it is also the key in
// the hash mode.
constexpr std::array<uint32_t, 8> kIv = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
                                         0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};

// Message word permutation applied between rounds (specification, table 2).
constexpr std::array<size_t, 16> kPermutation = {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8};

constexpr uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

// The quarter-round G (specification, section 2.2).
inline void mix(std::array<uint32_t, 16>& v, size_t a, size_t b, size_t c, size_t d, uint32_t x, uint32_t y) {
  v[a] = v[a] + v[b] + x;
  v[d] = rotr(v[d] ^ v[a], 16);
  v[c] = v[c] + v[d];
  v[b] = rotr(v[b] ^ v[c], 12);
  v[a] = v[a] + v[b] + y;
  v[d] = rotr(v[d] ^ v[a], 8);
  v[c] = v[c] + v[d];
  v[b] = rotr(v[b] ^ v[c], 7);
}

uint32_t load_le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}

std::array<uint32_t, 16> block_words(const std::array<uint8_t, kBlockLen>& block) {
  std::array<uint32_t, 16> m{};
  for (size_t i = 0; i < 16; ++i) {
    m[i] = load_le32(block.data() + 4 * i);
  }
  return m;
}

// The compression function (specification, section 2.2), returning the first eight words of
// the output: the chaining value, or for the root the 32-byte digest.
std::array<uint32_t, 8> compress(const std::array<uint32_t, 8>& cv, const std::array<uint32_t, 16>& block,
                                 uint64_t counter, uint32_t block_len, uint32_t flags) {
  std::array<uint32_t, 16> v = {cv[0],
                                cv[1],
                                cv[2],
                                cv[3],
                                cv[4],
                                cv[5],
                                cv[6],
                                cv[7],
                                kIv[0],
                                kIv[1],
                                kIv[2],
                                kIv[3],
                                static_cast<uint32_t>(counter),
                                static_cast<uint32_t>(counter >> 32),
                                block_len,
                                flags};
  std::array<uint32_t, 16> m = block;
  for (int round = 0; round < 7; ++round) {
    mix(v, 0, 4, 8, 12, m[0], m[1]);
    mix(v, 1, 5, 9, 13, m[2], m[3]);
    mix(v, 2, 6, 10, 14, m[4], m[5]);
    mix(v, 3, 7, 11, 15, m[6], m[7]);
    mix(v, 0, 5, 10, 15, m[8], m[9]);
    mix(v, 1, 6, 11, 12, m[10], m[11]);
    mix(v, 2, 7, 8, 13, m[12], m[13]);
    mix(v, 3, 4, 9, 14, m[14], m[15]);
    if (round < 6) {
      std::array<uint32_t, 16> permuted{};
      for (size_t i = 0; i < 16; ++i) {
        permuted[i] = m[kPermutation[i]];
      }
      m = permuted;
    }
  }
  std::array<uint32_t, 8> out{};
  for (size_t i = 0; i < 8; ++i) {
    out[i] = v[i] ^ v[i + 8];
  }
  return out;
}

std::array<uint32_t, 16> parent_block(const std::array<uint32_t, 8>& left, const std::array<uint32_t, 8>& right) {
  std::array<uint32_t, 16> m{};
  std::copy(left.begin(), left.end(), m.begin());
  std::copy(right.begin(), right.end(), m.begin() + 8);
  return m;
}

}  // namespace

Blake3::Blake3() { start_chunk(0); }

void Blake3::start_chunk(uint64_t counter) {
  m_chunk = Chunk{};
  m_chunk.counter = counter;
  m_chunk.cv = kIv;
}

void Blake3::update_chunk(std::span<const uint8_t> data) {
  while (!data.empty()) {
    // A full buffered block is compressed only once more input shows it is not the last one.
    if (m_chunk.block_len == kBlockLen) {
      const uint32_t flags = m_chunk.blocks_compressed == 0 ? kChunkStart : 0;
      m_chunk.cv = compress(m_chunk.cv, block_words(m_chunk.block), m_chunk.counter, kBlockLen, flags);
      ++m_chunk.blocks_compressed;
      m_chunk.block.fill(0);
      m_chunk.block_len = 0;
    }
    const size_t take = std::min(kBlockLen - m_chunk.block_len, data.size());
    std::memcpy(m_chunk.block.data() + m_chunk.block_len, data.data(), take);
    m_chunk.block_len += take;
    data = data.subspan(take);
  }
}

void Blake3::push_chunk_cv(Words cv, uint64_t total_chunks) {
  // Each trailing zero bit of the chunk count closes one complete subtree.
  while ((total_chunks & 1) == 0) {
    --m_stack_len;
    cv = compress(kIv, parent_block(m_stack[m_stack_len], cv), 0, kBlockLen, kParent);
    total_chunks >>= 1;
  }
  m_stack[m_stack_len] = cv;
  ++m_stack_len;
}

void Blake3::update(std::span<const uint8_t> data) {
  while (!data.empty()) {
    if (m_chunk.length() == kChunkLen) {
      // The current chunk is complete and more input follows, so it is not the root.
      const uint32_t flags = kChunkEnd | (m_chunk.blocks_compressed == 0 ? kChunkStart : 0);
      const Words cv = compress(m_chunk.cv, block_words(m_chunk.block), m_chunk.counter, kBlockLen, flags);
      const uint64_t total_chunks = m_chunk.counter + 1;
      push_chunk_cv(cv, total_chunks);
      start_chunk(total_chunks);
    }
    const size_t take = std::min(kChunkLen - m_chunk.length(), data.size());
    update_chunk(data.first(take));
    data = data.subspan(take);
  }
}

void Blake3::update(std::string_view text) {
  update(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Blake3Digest Blake3::finalize() const {
  // The node still to be compressed: the last chunk's final block, then each parent above it.
  Words input_cv = m_chunk.cv;
  std::array<uint32_t, 16> block = block_words(m_chunk.block);
  uint64_t counter = m_chunk.counter;
  auto block_len = static_cast<uint32_t>(m_chunk.block_len);
  uint32_t flags = kChunkEnd | (m_chunk.blocks_compressed == 0 ? kChunkStart : 0);

  for (size_t i = m_stack_len; i > 0; --i) {
    const Words right = compress(input_cv, block, counter, block_len, flags);
    input_cv = kIv;
    block = parent_block(m_stack[i - 1], right);
    counter = 0;
    block_len = kBlockLen;
    flags = kParent;
  }
  // The root node; with a 32-byte output only output block 0 is needed, so the counter is 0.
  const Words out = compress(input_cv, block, 0, block_len, flags | kRoot);
  Blake3Digest digest{};
  for (size_t i = 0; i < 8; ++i) {
    digest[4 * i] = static_cast<uint8_t>(out[i]);
    digest[4 * i + 1] = static_cast<uint8_t>(out[i] >> 8);
    digest[4 * i + 2] = static_cast<uint8_t>(out[i] >> 16);
    digest[4 * i + 3] = static_cast<uint8_t>(out[i] >> 24);
  }
  return digest;
}

Blake3Digest blake3_256(std::span<const uint8_t> data) {
  Blake3 hasher;
  hasher.update(data);
  return hasher.finalize();
}

Blake3Digest blake3_256(std::string_view text) {
  Blake3 hasher;
  hasher.update(text);
  return hasher.finalize();
}

}  // namespace auths::crypto
