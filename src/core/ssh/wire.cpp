#include "ssh/wire.h"

#include <string>

namespace auths::ssh::wire {

namespace {

Error truncated(std::string_view field) { return Error::corrupt("truncated " + std::string(field)); }

}  // namespace

Result<std::span<const uint8_t>> Reader::read_bytes(size_t n, std::string_view field) {
  if (n > remaining()) return truncated(field);
  const auto out = m_data.subspan(m_pos, n);
  m_pos += n;
  return out;
}

Result<uint32_t> Reader::read_uint32(std::string_view field) {
  const auto raw = read_bytes(4, field);
  if (!raw) return raw.error();
  const auto& b = *raw;
  return uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | uint32_t{b[3]};
}

Result<std::span<const uint8_t>> Reader::read_string(std::string_view field) {
  const size_t start = m_pos;
  const auto length = read_uint32(field);
  if (!length) return length.error();
  // Compare before adding anything: a huge length must not wrap around.
  if (*length > remaining()) {
    m_pos = start;
    return truncated(field);
  }
  return read_bytes(*length, field);
}

Result<std::string_view> Reader::read_text(std::string_view field) {
  const auto raw = read_string(field);
  if (!raw) return raw.error();
  return std::string_view(reinterpret_cast<const char*>(raw->data()), raw->size());
}

// RFC 4253 section 5: an mpint is a two's complement number in a string, most significant byte
// first. Zero is the empty string; a positive number whose top bit is set is prefixed with a zero
// byte; "Unnecessary leading bytes with the value 0 or 255 MUST NOT be included." We accept
// only non-negative values (every mpint in a key or signature is one), and only in that single
// canonical form, so that a key has exactly one encoding and therefore one fingerprint.
Result<std::span<const uint8_t>> Reader::read_unsigned_mpint(std::string_view field) {
  const size_t start = m_pos;
  const auto raw = read_string(field);
  if (!raw) return raw.error();
  const auto value = *raw;
  if (value.empty()) return value;
  if ((value[0] & 0x80) != 0) {
    m_pos = start;
    return Error::corrupt(std::string(field) + " is negative");
  }
  if (value[0] == 0) {
    if (value.size() == 1 || (value[1] & 0x80) == 0) {
      m_pos = start;
      return Error::corrupt(std::string(field) + " has an unnecessary leading zero");
    }
    return value.subspan(1);
  }
  return value;
}

void Writer::put_bytes(std::span<const uint8_t> bytes) { m_out.insert(m_out.end(), bytes.begin(), bytes.end()); }

void Writer::put_bytes(std::string_view bytes) { m_out.insert(m_out.end(), bytes.begin(), bytes.end()); }

void Writer::put_uint32(uint32_t value) {
  m_out.push_back(static_cast<uint8_t>(value >> 24));
  m_out.push_back(static_cast<uint8_t>(value >> 16));
  m_out.push_back(static_cast<uint8_t>(value >> 8));
  m_out.push_back(static_cast<uint8_t>(value));
}

void Writer::put_string(std::span<const uint8_t> bytes) {
  AUTHS_ASSERT(bytes.size() <= UINT32_MAX);
  put_uint32(static_cast<uint32_t>(bytes.size()));
  put_bytes(bytes);
}

void Writer::put_string(std::string_view text) {
  AUTHS_ASSERT(text.size() <= UINT32_MAX);
  put_uint32(static_cast<uint32_t>(text.size()));
  put_bytes(text);
}

void Writer::put_unsigned_mpint(std::span<const uint8_t> magnitude) {
  size_t skip = 0;
  while (skip < magnitude.size() && magnitude[skip] == 0) ++skip;
  const auto digits = magnitude.subspan(skip);
  const bool needs_sign_byte = !digits.empty() && (digits[0] & 0x80) != 0;
  put_uint32(static_cast<uint32_t>(digits.size() + (needs_sign_byte ? 1 : 0)));
  if (needs_sign_byte) m_out.push_back(0);
  put_bytes(digits);
}

}  // namespace auths::ssh::wire
