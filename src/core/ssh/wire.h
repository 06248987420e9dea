// The SSH wire encoding of RFC 4253 section 5 (byte, uint32, string, mpint): a bounds-checked
// reader for parsing and a writer for building keys and signed data. Shared by SSH public keys
// and signatures (crypto/), SSHSIG blobs (sshsig/) and the key store's associated data,
// so it sits below all of them.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "auths/result.h"
#include "util/bytes.h"

namespace auths::ssh::wire {

/// Reads fields from the front of a byte span. Every read checks the bounds first; a failed
/// read returns Error::corrupt naming the field and leaves the position unchanged.
class Reader final {
 public:
  explicit Reader(std::span<const uint8_t> data) : m_data(data) {}

  /// `n` raw bytes with no length prefix (the SSHSIG magic).
  [[nodiscard]] Result<std::span<const uint8_t>> read_bytes(size_t n, std::string_view field);
  /// uint32: four bytes, most significant first.
  [[nodiscard]] Result<uint32_t> read_uint32(std::string_view field);
  /// string: a uint32 length, then that many bytes (arbitrary binary data).
  [[nodiscard]] Result<std::span<const uint8_t>> read_string(std::string_view field);
  /// A string read as text, for names such as key types and namespaces.
  [[nodiscard]] Result<std::string_view> read_text(std::string_view field);
  /// mpint holding a non-negative integer, in canonical form only (see wire.cpp). Returns the
  /// big-endian magnitude without the sign byte: empty for zero.
  [[nodiscard]] Result<std::span<const uint8_t>> read_unsigned_mpint(std::string_view field);

  size_t remaining() const { return m_data.size() - m_pos; }
  bool at_end() const { return m_pos == m_data.size(); }

 private:
  std::span<const uint8_t> m_data;
  size_t m_pos = 0;
};

/// Appends fields to a byte buffer.
class Writer final {
 public:
  void put_bytes(std::span<const uint8_t> bytes);
  void put_bytes(std::string_view bytes);
  void put_uint32(uint32_t value);
  void put_string(std::span<const uint8_t> bytes);
  void put_string(std::string_view text);
  /// Writes a non-negative integer given as big-endian magnitude (leading zeros allowed) in
  /// canonical mpint form.
  void put_unsigned_mpint(std::span<const uint8_t> magnitude);
  /// Room for `size` bytes in one allocation: a buffer that will hold a secret must never move
  /// (a moved buffer leaves a copy behind that nobody wipes).
  void reserve(size_t size) { m_out.reserve(size); }

  const util::Bytes& bytes() const& { return m_out; }
  util::Bytes take() && { return std::move(m_out); }

 private:
  util::Bytes m_out;
};

}  // namespace auths::ssh::wire
