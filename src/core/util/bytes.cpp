#include "util/bytes.h"

#include <array>

namespace auths::util {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char kBase58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::array<int8_t, 256> reverse_table(const char* alphabet, size_t size) {
  std::array<int8_t, 256> table{};
  table.fill(-1);
  for (size_t i = 0; i < size; ++i) {
    table[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}

}  // namespace

std::string hex_encode(const uint8_t* data, size_t size) {
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kHexDigits[data[i] >> 4]);
    out.push_back(kHexDigits[data[i] & 0x0f]);
  }
  return out;
}

Result<Bytes> hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return Error::invalid_argument("hex string has an odd number of digits");
  }
  Bytes out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Error::invalid_argument("invalid hex digit");
    }
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string base64_encode(const uint8_t* data, size_t size, Base64Alphabet alphabet, bool pad) {
  const char* table = alphabet == Base64Alphabet::kStandard ? kBase64Std : kBase64Url;
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const uint32_t v = uint32_t{data[i]} << 16 | uint32_t{data[i + 1]} << 8 | data[i + 2];
    out.push_back(table[v >> 18 & 63]);
    out.push_back(table[v >> 12 & 63]);
    out.push_back(table[v >> 6 & 63]);
    out.push_back(table[v & 63]);
  }
  const size_t rest = size - i;
  if (rest == 1) {
    const uint32_t v = uint32_t{data[i]} << 16;
    out.push_back(table[v >> 18 & 63]);
    out.push_back(table[v >> 12 & 63]);
    if (pad) out.append("==");
  } else if (rest == 2) {
    const uint32_t v = uint32_t{data[i]} << 16 | uint32_t{data[i + 1]} << 8;
    out.push_back(table[v >> 18 & 63]);
    out.push_back(table[v >> 12 & 63]);
    out.push_back(table[v >> 6 & 63]);
    if (pad) out.push_back('=');
  }
  return out;
}

Result<Bytes> base64_decode(std::string_view text, Base64Alphabet alphabet) {
  static const auto kStdTable = reverse_table(kBase64Std, 64);
  static const auto kUrlTable = reverse_table(kBase64Url, 64);
  const auto& table = alphabet == Base64Alphabet::kStandard ? kStdTable : kUrlTable;

  size_t padding = 0;
  while (!text.empty() && text.back() == '=') {
    text.remove_suffix(1);
    ++padding;
  }
  if (padding > 2 || (padding > 0 && (text.size() + padding) % 4 != 0) || text.size() % 4 == 1) {
    return Error::invalid_argument("invalid base64 length or padding");
  }
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    const int v = table[static_cast<uint8_t>(c)];
    if (v < 0) {
      return Error::invalid_argument("invalid base64 character");
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits & 0xff));
    }
  }
  // Leftover bits must be zero, or two different strings would decode to the same bytes.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    return Error::invalid_argument("non-canonical base64 (trailing bits set)");
  }
  return out;
}

std::string base58_encode(const Bytes& b) {
  size_t zeros = 0;
  while (zeros < b.size() && b[zeros] == 0) ++zeros;
  std::vector<uint8_t> digits;  // base58 digits, least significant first
  for (size_t i = zeros; i < b.size(); ++i) {
    uint32_t carry = b[i];
    for (auto& d : digits) {
      carry += uint32_t{d} << 8;
      d = static_cast<uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out(zeros, '1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kBase58[*it]);
  return out;
}

Result<Bytes> base58_decode(std::string_view text) {
  static const auto kTable = reverse_table(kBase58, 58);
  if (text.size() > 1024) {
    return Error::invalid_argument("base58 string too long");
  }
  size_t zeros = 0;
  while (zeros < text.size() && text[zeros] == '1') ++zeros;
  std::vector<uint8_t> bytes;  // least significant first
  for (size_t i = zeros; i < text.size(); ++i) {
    const int v = kTable[static_cast<uint8_t>(text[i])];
    if (v < 0) {
      return Error::invalid_argument("invalid base58 character");
    }
    uint32_t carry = static_cast<uint32_t>(v);
    for (auto& byte : bytes) {
      carry += uint32_t{byte} * 58;
      byte = static_cast<uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push_back(static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  Bytes out(zeros, 0);
  out.insert(out.end(), bytes.rbegin(), bytes.rend());
  return out;
}

}  // namespace auths::util
