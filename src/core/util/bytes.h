// Byte strings and their text encodings: hex, base64 (RFC 4648, with and without padding,
// standard and URL alphabets), base58btc (the multibase 'z' alphabet used by did:key).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"

namespace auths::util {

using Bytes = std::vector<uint8_t>;

inline Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
/// The bytes of `s` without a copy (valid while `s` is).
inline std::span<const uint8_t> byte_span(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string to_string(const Bytes& b) { return std::string(b.begin(), b.end()); }

std::string hex_encode(const uint8_t* data, size_t size);
inline std::string hex_encode(const Bytes& b) { return hex_encode(b.data(), b.size()); }
Result<Bytes> hex_decode(std::string_view hex);

enum class Base64Alphabet { kStandard, kUrl };
/// Encodes with '=' padding when `pad` is true.
std::string base64_encode(const uint8_t* data, size_t size, Base64Alphabet alphabet = Base64Alphabet::kStandard,
                          bool pad = true);
inline std::string base64_encode(const Bytes& b, Base64Alphabet alphabet = Base64Alphabet::kStandard, bool pad = true) {
  return base64_encode(b.data(), b.size(), alphabet, pad);
}
/// Strict decoding: only the alphabet's characters, padding optional but correct when present,
/// no whitespace, and the unused low bits of the last character must be zero.
Result<Bytes> base64_decode(std::string_view text, Base64Alphabet alphabet = Base64Alphabet::kStandard);

std::string base58_encode(const Bytes& b);
Result<Bytes> base58_decode(std::string_view text);

}  // namespace auths::util
