#include "crypto/public_key.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <exception>
#include <string>

#include <botan/bigint.h>
#include <botan/point_gfp.h>

#include "crypto/p256.h"
#include "crypto/verify.h"
#include "ssh/wire.h"
#include "util/strings.h"

namespace auths::crypto {

namespace {

constexpr std::string_view kEd25519Name = "ssh-ed25519";
constexpr std::string_view kP256Name = "ecdsa-sha2-nistp256";
constexpr std::string_view kP256CurveName = "nistp256";  // RFC 5656 section 6.1
constexpr std::string_view kRsaName = "ssh-rsa";

constexpr size_t kP256FieldSize = 32;
constexpr size_t kP256CompressedSize = 1 + kP256FieldSize;
constexpr size_t kP256UncompressedSize = 1 + 2 * kP256FieldSize;

// OpenSSH refuses RSA keys under 1024 bits; we set the floor at 2048 (NIST SP 800-131A) and the
// ceiling where OpenSSH does (SSHBUF_MAX_BIGNUM, 16384 bits).
constexpr size_t kRsaMinBits = 2048;
constexpr size_t kRsaMaxBits = 16384;

// did:key: "did:key:" + multibase base58btc ('z') of (unsigned-varint multicodec || key).
// Ed25519 public key is codec 0xed (varint 0xed 0x01), P-256 public key is codec 0x1200
// (varint 0x80 0x24), the latter always with the 33-byte compressed point.
constexpr std::string_view kDidKeyPrefix = "did:key:z";
constexpr std::array<uint8_t, 2> kMulticodecEd25519 = {0xed, 0x01};
constexpr std::array<uint8_t, 2> kMulticodecP256 = {0x80, 0x24};

struct P256Point {
  util::Bytes compressed;    // 33 bytes: 0x02|0x03 || X
  util::Bytes uncompressed;  // 65 bytes: 0x04 || X || Y
};

// SEC1 section 2.3.4 point decoding, strict: only the compressed (33 bytes) and uncompressed
// (65 bytes) forms, coordinates below the field prime, and the point must lie on the curve.
// Botan's decoder checks the curve equation; the range checks are ours.
Result<P256Point> decode_p256_point(std::span<const uint8_t> sec1) {
  const bool is_uncompressed = sec1.size() == kP256UncompressedSize && sec1[0] == 0x04;
  const bool is_compressed = sec1.size() == kP256CompressedSize && (sec1[0] == 0x02 || sec1[0] == 0x03);
  if (!is_uncompressed && !is_compressed) {
    return Error::invalid_argument("P-256 point must be 33 bytes (compressed) or 65 bytes (uncompressed, 0x04)");
  }
  try {
    const Botan::EC_Group& group = p256_group();
    const Botan::BigInt x(sec1.data() + 1, kP256FieldSize);
    if (x >= group.get_p()) return Error::invalid_argument("P-256 point coordinate is out of range");
    if (is_uncompressed) {
      const Botan::BigInt y(sec1.data() + 1 + kP256FieldSize, kP256FieldSize);
      if (y >= group.get_p()) return Error::invalid_argument("P-256 point coordinate is out of range");
    }
    const Botan::PointGFp point = group.OS2ECP(sec1.data(), sec1.size());
    if (point.is_zero() || !point.on_the_curve()) {
      return Error::invalid_argument("P-256 point is not on the curve");
    }
    return P256Point{point.encode(Botan::PointGFp::COMPRESSED), point.encode(Botan::PointGFp::UNCOMPRESSED)};
  } catch (const std::exception&) {
    // Botan throws when the point does not satisfy the curve equation (or has no square root
    // for a compressed x).
    return Error::invalid_argument("P-256 point is not on the curve");
  }
}

util::Bytes ed25519_blob(std::span<const uint8_t> key) {
  ssh::wire::Writer w;
  w.put_string(kEd25519Name);
  w.put_string(key);
  return std::move(w).take();
}

// RFC 5656 section 3.1: string "ecdsa-sha2-nistp256", string "nistp256", string Q, with Q the
// uncompressed point (section 3.1 of RFC 5656 refers to SEC1 2.3.3; OpenSSH writes 0x04 || X || Y).
util::Bytes p256_blob(std::span<const uint8_t> uncompressed_point) {
  ssh::wire::Writer w;
  w.put_string(kP256Name);
  w.put_string(kP256CurveName);
  w.put_string(uncompressed_point);
  return std::move(w).take();
}

size_t bit_length(std::span<const uint8_t> magnitude) {
  if (magnitude.empty()) return 0;
  return (magnitude.size() - 1) * 8 + static_cast<size_t>(std::bit_width(unsigned{magnitude[0]}));
}

bool is_known_unsupported_type(std::string_view name) {
  return name == "ssh-dss" || name == "ecdsa-sha2-nistp384" || name == "ecdsa-sha2-nistp521" ||
         util::starts_with(name, "sk-") || util::starts_with(name, "webauthn-") ||
         util::ends_with(name, "-cert-v01@openssh.com");
}

Result<PublicKey> parse_ed25519_fields(ssh::wire::Reader& r, std::span<const uint8_t> blob) {
  const auto key = r.read_string("ed25519 public key");
  if (!key) return Error::invalid_argument(key.error().message);
  if (key->size() != kEd25519KeySize) {
    return Error::invalid_argument("ed25519 public key must be 32 bytes, got " + std::to_string(key->size()));
  }
  if (!r.at_end()) return Error::invalid_argument("trailing bytes after ssh-ed25519 key");
  return PublicKey(KeyType::kEd25519, util::Bytes(blob.begin(), blob.end()), util::Bytes(key->begin(), key->end()));
}

Result<PublicKey> parse_p256_fields(ssh::wire::Reader& r) {
  const auto curve = r.read_text("ecdsa curve name");
  if (!curve) return Error::invalid_argument(curve.error().message);
  if (*curve != kP256CurveName) {
    return Error::invalid_argument("ecdsa-sha2-nistp256 key names curve '" + util::printable(*curve, 40) + "'");
  }
  const auto q = r.read_string("ecdsa public point");
  if (!q) return Error::invalid_argument(q.error().message);
  if (q->size() != kP256UncompressedSize || (*q)[0] != 0x04) {
    return Error::invalid_argument("ecdsa-sha2-nistp256 point must be 65 bytes, uncompressed");
  }
  if (!r.at_end()) return Error::invalid_argument("trailing bytes after ecdsa-sha2-nistp256 key");
  auto point = decode_p256_point(*q);
  if (!point) return point.error();
  // The input is canonical (checked above), so the blob we rebuild equals the one we were given.
  return PublicKey(KeyType::kEcdsaP256, p256_blob(point->uncompressed), std::move(point->compressed));
}

// RFC 4253 section 6.6: string "ssh-rsa", mpint e, mpint n.
Result<PublicKey> parse_rsa_fields(ssh::wire::Reader& r, std::span<const uint8_t> blob) {
  const auto e = r.read_unsigned_mpint("rsa public exponent");
  if (!e) return Error::invalid_argument(e.error().message);
  const auto n = r.read_unsigned_mpint("rsa modulus");
  if (!n) return Error::invalid_argument(n.error().message);
  if (!r.at_end()) return Error::invalid_argument("trailing bytes after ssh-rsa key");
  if (e->empty() || (e->back() & 1) == 0 || (e->size() == 1 && (*e)[0] == 1)) {
    return Error::invalid_argument("rsa public exponent must be odd and at least 3");
  }
  if (n->empty() || (n->back() & 1) == 0) return Error::invalid_argument("rsa modulus must be odd");
  const size_t bits = bit_length(*n);
  if (bits < kRsaMinBits) {
    return Error::unsupported("rsa key of " + std::to_string(bits) + " bits is too small (minimum 2048)");
  }
  if (bits > kRsaMaxBits) {
    return Error::unsupported("rsa key of " + std::to_string(bits) + " bits is too large (maximum 16384)");
  }
  return PublicKey(KeyType::kRsa, util::Bytes(blob.begin(), blob.end()), util::Bytes{}, bits);
}

}  // namespace

std::string PublicKey::ssh_type_name() const {
  switch (m_type) {
    case KeyType::kEd25519: return std::string(kEd25519Name);
    case KeyType::kEcdsaP256: return std::string(kP256Name);
    case KeyType::kRsa: return std::string(kRsaName);
  }
  return {};
}

std::string PublicKey::fingerprint() const {
  const auto digest = fingerprint_digest();
  return "SHA256:" + util::base64_encode(digest.data(), digest.size(), util::Base64Alphabet::kStandard, /*pad=*/false);
}

PublicKey::PublicKey(KeyType type, util::Bytes ssh_blob, util::Bytes raw, size_t rsa_bits)
    : m_type(type), m_ssh_blob(std::move(ssh_blob)), m_raw(std::move(raw)), m_rsa_bits(rsa_bits) {
  const util::Bytes digest = sha256(m_ssh_blob);
  std::copy(digest.begin(), digest.end(), m_digest.begin());
}

std::string PublicKey::to_ssh_line(std::string_view comment) const {
  std::string line = ssh_type_name() + " " + util::base64_encode(m_ssh_blob);
  if (!comment.empty()) {
    line += ' ';
    line += comment;
  }
  return line;
}

Result<std::string> PublicKey::to_did_key() const {
  const std::array<uint8_t, 2>* codec = nullptr;
  switch (m_type) {
    case KeyType::kEd25519: codec = &kMulticodecEd25519; break;
    case KeyType::kEcdsaP256: codec = &kMulticodecP256; break;
    case KeyType::kRsa: return Error::unsupported("rsa keys have no did:key form here");
  }
  if (codec == nullptr) return Error::internal("unknown key type");
  util::Bytes payload(codec->size() + m_raw.size());
  std::copy(codec->begin(), codec->end(), payload.begin());
  std::copy(m_raw.begin(), m_raw.end(), payload.begin() + static_cast<std::ptrdiff_t>(codec->size()));
  return std::string(kDidKeyPrefix) + util::base58_encode(payload);
}

Result<PublicKey> parse_ssh_wire_key(std::span<const uint8_t> blob) {
  ssh::wire::Reader r(blob);
  const auto type = r.read_text("key type");
  if (!type) return Error::invalid_argument(type.error().message);
  if (*type == kEd25519Name) return parse_ed25519_fields(r, blob);
  if (*type == kP256Name) return parse_p256_fields(r);
  if (*type == kRsaName) return parse_rsa_fields(r, blob);
  if (is_known_unsupported_type(*type)) {
    return Error::unsupported("unsupported key type '" + util::printable(*type, 60) + "'");
  }
  return Error::unsupported("unknown key type '" + util::printable(*type, 60) + "'");
}

// "<type> <base64 blob> [comment]": the format of .pub files and of authorized_keys lines without
// options. Fields are separated by spaces or tabs; the comment is everything after the blob.
Result<PublicKey> parse_ssh_public_key_line(std::string_view line) {
  const auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
  std::string_view rest = util::trim(line);
  if (rest.empty()) return Error::invalid_argument("empty ssh public key line");

  size_t end = 0;
  while (end < rest.size() && !is_blank(rest[end])) ++end;
  const std::string_view type = rest.substr(0, end);
  rest.remove_prefix(end);
  while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
  end = 0;
  while (end < rest.size() && !is_blank(rest[end])) ++end;
  const std::string_view encoded = rest.substr(0, end);
  if (encoded.empty()) return Error::invalid_argument("ssh public key line has no key data");

  const auto blob = util::base64_decode(encoded);
  if (!blob) return Error::invalid_argument("ssh public key is not valid base64: " + blob.error().message);
  auto key = parse_ssh_wire_key(*blob);
  if (!key) return key.error();
  // The type written in the line is only a label; the blob's own type is what counts, and the
  // two must agree.
  if (key->ssh_type_name() != type) {
    return Error::invalid_argument("key type '" + util::printable(type, 60) + "' does not match the key data (" +
                                   key->ssh_type_name() + ")");
  }
  return key;
}

Result<PublicKey> parse_did_key(std::string_view did) {
  if (!util::starts_with(did, kDidKeyPrefix)) {
    return Error::invalid_argument("not a base58btc did:key (expected 'did:key:z...')");
  }
  const auto decoded = util::base58_decode(did.substr(kDidKeyPrefix.size()));
  if (!decoded) return Error::invalid_argument("did:key is not valid base58btc");
  const util::Bytes& bytes = *decoded;
  const auto has_codec = [&](const std::array<uint8_t, 2>& codec) {
    return bytes.size() >= 2 && bytes[0] == codec[0] && bytes[1] == codec[1];
  };
  const std::span<const uint8_t> key_bytes =
      bytes.size() >= 2 ? std::span<const uint8_t>(bytes).subspan(2) : std::span<const uint8_t>();
  if (has_codec(kMulticodecEd25519)) {
    if (key_bytes.size() != kEd25519KeySize) {
      return Error::invalid_argument("did:key ed25519 key must be 32 bytes, got " + std::to_string(key_bytes.size()));
    }
    return public_key_from_raw(KeyType::kEd25519, key_bytes);
  }
  if (has_codec(kMulticodecP256)) {
    if (key_bytes.size() != kP256CompressedSize) {
      return Error::invalid_argument("did:key P-256 key must be a 33-byte compressed point, got " +
                                     std::to_string(key_bytes.size()) + " bytes");
    }
    return public_key_from_raw(KeyType::kEcdsaP256, key_bytes);
  }
  return Error::unsupported("did:key multicodec is not ed25519-pub (0xed) or p256-pub (0x1200)");
}

Result<PublicKey> public_key_from_raw(KeyType type, std::span<const uint8_t> raw) {
  switch (type) {
    case KeyType::kEd25519:
      if (raw.size() != kEd25519KeySize) {
        return Error::invalid_argument("ed25519 public key must be 32 bytes, got " + std::to_string(raw.size()));
      }
      return PublicKey(KeyType::kEd25519, ed25519_blob(raw), util::Bytes(raw.begin(), raw.end()));
    case KeyType::kEcdsaP256: {
      auto point = decode_p256_point(raw);
      if (!point) return point.error();
      return PublicKey(KeyType::kEcdsaP256, p256_blob(point->uncompressed), std::move(point->compressed));
    }
    case KeyType::kRsa: return Error::invalid_argument("rsa keys have no raw form; use the ssh encoding");
  }
  return Error::invalid_argument("unknown key type");
}

}  // namespace auths::crypto
