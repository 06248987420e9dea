// SSHSIG parsing and verification, following openssh-portable PROTOCOL.sshsig (quoted below
// above the code that enforces each rule) and OpenSSH's own sshsig.c where the text is silent.
#include "sshsig/sshsig.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "ssh/wire.h"
#include "util/strings.h"

namespace auths::sshsig {

namespace {

constexpr std::string_view kHashSha256 = "sha256";
constexpr std::string_view kHashSha512 = "sha512";

constexpr size_t kEd25519SignatureSize = 64;

std::string_view as_text(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Errors from the key parser: a key that cannot be what it claims is a corrupt signature; a key
// type we do not handle stays kUnsupported.
Error key_error(const Error& e) {
  if (e.code == ErrorCode::kUnsupported) return Error::unsupported(e.message, "sshsig publickey");
  return Error::corrupt(e.message, "sshsig publickey");
}

// An ECDSA signature blob (RFC 5656 section 3.1.2) is
//     mpint r
//     mpint s
// and nothing after. Each is a positive integer of at most 32 bytes for P-256; we return them
// as the fixed-width r || s (64 bytes) that crypto::verify_signature takes. r or s equal to zero
// (an empty mpint) is well-formed but can never verify; we leave that to the verifier.
Result<util::Bytes> ecdsa_p256_signature(std::span<const uint8_t> blob) {
  ssh::wire::Reader r(blob);
  const auto big_r = r.read_unsigned_mpint("ecdsa signature r");
  if (!big_r) return big_r.error();
  const auto big_s = r.read_unsigned_mpint("ecdsa signature s");
  if (!big_s) return big_s.error();
  if (!r.at_end()) return Error::corrupt("trailing bytes after ecdsa signature");
  if (big_r->size() > kP256ScalarSize || big_s->size() > kP256ScalarSize) {
    return Error::corrupt("ecdsa signature value is longer than 32 bytes");
  }
  util::Bytes out(2 * kP256ScalarSize, 0);
  std::copy(big_r->begin(), big_r->end(), out.begin() + static_cast<std::ptrdiff_t>(kP256ScalarSize - big_r->size()));
  std::copy(big_s->begin(), big_s->end(), out.end() - static_cast<std::ptrdiff_t>(big_s->size()));
  return out;
}

// The inner `signature` field is the key type's usual SSH signature encoding:
//     string    signature algorithm name
//     string    signature blob
// with nothing after it. The name must be one the key can make; ssh-keygen would refuse a
// mismatch too (sshkey_verify checks the name against the key).
Result<Signature> parse_inner_signature(std::span<const uint8_t> field, Signature sig) {
  ssh::wire::Reader r(field);
  const auto alg = r.read_text("signature algorithm");
  if (!alg) return alg.error();
  const auto blob = r.read_string("signature blob");
  if (!blob) return blob.error();
  if (!r.at_end()) return Error::corrupt("trailing bytes after the signature blob");

  switch (sig.public_key.type()) {
    case crypto::KeyType::kEd25519:
      if (*alg != "ssh-ed25519") {
        return Error::corrupt("signature algorithm '" + util::printable(*alg, 60) +
                              "' does not fit an ssh-ed25519 key");
      }
      if (blob->size() != kEd25519SignatureSize) {
        return Error::corrupt("ssh-ed25519 signature must be 64 bytes, got " + std::to_string(blob->size()));
      }
      sig.algorithm = crypto::SignatureAlgorithm::kEd25519;
      sig.signature.assign(blob->begin(), blob->end());
      return sig;

    case crypto::KeyType::kEcdsaP256: {
      if (*alg != "ecdsa-sha2-nistp256") {
        return Error::corrupt("signature algorithm '" + util::printable(*alg, 60) +
                              "' does not fit an ecdsa-sha2-nistp256 key");
      }
      auto rs = ecdsa_p256_signature(*blob);
      if (!rs) return rs.error();
      sig.algorithm = crypto::SignatureAlgorithm::kEcdsaP256Sha256;
      sig.signature = std::move(*rs);
      return sig;
    }

    case crypto::KeyType::kRsa: {
      // "For RSA signatures, the signature algorithm must be "rsa-sha2-512" or "rsa-sha2-256"
      // (i.e. not the legacy RSA-SHA1 "ssh-rsa")."
      if (*alg == "rsa-sha2-256") {
        sig.algorithm = crypto::SignatureAlgorithm::kRsaSha256;
      } else if (*alg == "rsa-sha2-512") {
        sig.algorithm = crypto::SignatureAlgorithm::kRsaSha512;
      } else if (*alg == "ssh-rsa") {
        return Error::unsupported("ssh-rsa (SHA-1) signatures are not allowed in SSHSIG");
      } else {
        return Error::corrupt("signature algorithm '" + util::printable(*alg, 60) + "' does not fit an ssh-rsa key");
      }
      // Like OpenSSH, a signature may be shorter than the modulus (leading zeros dropped) but
      // never longer.
      const size_t modulus_size = (sig.public_key.rsa_bits() + 7) / 8;
      if (blob->empty() || blob->size() > modulus_size) {
        return Error::corrupt("rsa signature length " + std::to_string(blob->size()) + " does not fit a " +
                              std::to_string(sig.public_key.rsa_bits()) + "-bit key");
      }
      sig.signature.assign(blob->begin(), blob->end());
      return sig;
    }
  }
  return Error::internal("unknown key type");
}

}  // namespace

// PROTOCOL.sshsig section 1, armored format:
//   "The header is the string "-----BEGIN SSH SIGNATURE-----" followed by a newline. The footer
//   is the string "-----END SSH SIGNATURE-----" immediately after a newline."
//   "The header MUST be present at the start of every signature. Files containing the
//   signature MUST start with the header. Likewise, the footer MUST be present at the end of
//   every signature."
//   "The base64 encoded blob SHOULD be broken up by newlines every 76 characters."
// So: the first line is the header, exactly; the body is base64 over any number of lines
// (ssh-keygen breaks at 70); the footer line ends it, and only line breaks may follow. Lines end
// in "\n" or "\r\n" (a signature that went through a Windows checkout). Spaces and tabs at the
// ends of body lines are dropped; the base64 itself is decoded strictly.
Result<util::Bytes> dearmor(std::string_view armored) {
  std::vector<std::string_view> lines = util::split(armored, '\n');
  for (auto& line : lines) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();  // the final newline(s)

  if (lines.empty() || lines.front() != kArmorBegin) {
    return Error::corrupt("signature does not start with '" + std::string(kArmorBegin) + "'");
  }
  if (lines.size() < 2 || lines.back() != kArmorEnd) {
    return Error::corrupt("signature does not end with '" + std::string(kArmorEnd) + "'");
  }
  std::string body;
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    const std::string_view line = util::trim(lines[i]);
    if (line == kArmorBegin || line == kArmorEnd) return Error::corrupt("more than one signature in the armour");
    body.append(line);
  }
  if (body.empty()) return Error::corrupt("empty signature armour");
  auto blob = util::base64_decode(body);
  if (!blob) return Error::corrupt("signature armour is not valid base64: " + blob.error().message);
  return blob;
}

// PROTOCOL.sshsig section 2, blob format:
//     byte[6]   MAGIC_PREAMBLE
//     uint32    SIG_VERSION
//     string    publickey
//     string    namespace
//     string    reserved
//     string    hash_algorithm
//     string    signature
// Nothing may follow the last field. The layout is checked as a whole (every field present,
// nothing after) before any field's content, so a mangled blob is reported as corrupt rather
// than by whichever field happened to be misread first.
Result<Signature> parse(std::span<const uint8_t> blob) {
  ssh::wire::Reader r(blob);

  const auto magic = r.read_bytes(kMagicPreamble.size(), "magic preamble");
  if (!magic) return magic.error();
  if (as_text(*magic) != kMagicPreamble) return Error::corrupt("not an SSH signature (no SSHSIG preamble)");

  // "Verifiers MUST reject signatures with versions greater than those they support."
  // Checked before the rest: a later version may lay the fields out differently. Version 1 is
  // the only one defined; 0 never existed, so it is malformed rather than new.
  const auto version = r.read_uint32("version");
  if (!version) return version.error();
  if (*version > kSigVersion)
    return Error::unsupported("SSHSIG version " + std::to_string(*version) + " is not supported");
  if (*version != kSigVersion) return Error::corrupt("SSHSIG version 0 does not exist");

  const auto key_blob = r.read_string("publickey");
  if (!key_blob) return key_blob.error();
  const auto namespace_ = r.read_text("namespace");
  if (!namespace_) return namespace_.error();
  const auto reserved = r.read_string("reserved");
  if (!reserved) return reserved.error();
  const auto hash_algorithm = r.read_text("hash_algorithm");
  if (!hash_algorithm) return hash_algorithm.error();
  const auto signature = r.read_string("signature");
  if (!signature) return signature.error();
  if (!r.at_end()) return Error::corrupt("trailing bytes after the SSH signature");

  // "The publickey field MUST contain the serialisation of the public key used to make the
  // signature using the usual SSH encoding rules, i.e RFC4253, RFC5656,
  // draft-ietf-curdle-ssh-ed25519-ed448, etc."
  auto key = crypto::parse_ssh_wire_key(*key_blob);
  if (!key) return key_error(key.error());

  // "The namespace value MUST NOT be the empty string."
  if (namespace_->empty()) return Error::corrupt("SSHSIG namespace is empty");

  // "The reserved value is present to encode future information (e.g. tags) into the signature.
  // Implementations should ignore the reserved field if it is not empty."
  // So its content is ignored; the signed data always carries an empty one (as in OpenSSH).

  // "The supported hash algorithms are "sha256" and "sha512"."
  if (*hash_algorithm != kHashSha256 && *hash_algorithm != kHashSha512) {
    return Error::unsupported("SSHSIG hash algorithm '" + util::printable(*hash_algorithm, 40) + "' is not supported");
  }

  // "The signature itself is made using the SSH signature algorithm and encoding rules for the
  // chosen key type."
  Signature sig{std::move(*key),
                std::string(*namespace_),
                std::string(*hash_algorithm),
                crypto::SignatureAlgorithm::kEd25519,
                {}};
  return parse_inner_signature(*signature, std::move(sig));
}

Result<Signature> parse_armored(std::string_view armored) {
  const auto blob = dearmor(armored);
  if (!blob) return blob.error();
  return parse(*blob);
}

// PROTOCOL.sshsig section 3, the signed data:
//     byte[6]   MAGIC_PREAMBLE
//     string    namespace
//     string    reserved
//     string    hash_algorithm
//     string    H(message)
// "Data to be signed is first hashed with the specified hash_algorithm." There is no version in
// the signed data. The namespace is checked before any cryptography: a signature made for another
// purpose ("file", "email") is a different answer from a forged one.
VerifyStatus verify(const Signature& sig, std::span<const uint8_t> message, std::string_view expected_namespace) {
  if (sig.namespace_ != expected_namespace) return VerifyStatus::kNamespaceMismatch;
  const auto data = signed_data(message, expected_namespace, sig.hash_algorithm);
  if (!data) return VerifyStatus::kBadSignature;  // parse() never produces another hash algorithm
  return crypto::verify_signature(sig.public_key, sig.algorithm, *data, sig.signature) ? VerifyStatus::kGood
                                                                                       : VerifyStatus::kBadSignature;
}

Result<util::Bytes> signed_data(std::span<const uint8_t> message, std::string_view namespace_,
                                std::string_view hash_algorithm) {
  util::Bytes digest;
  if (hash_algorithm == kHashSha512) {
    digest = crypto::sha512(message);
  } else if (hash_algorithm == kHashSha256) {
    digest = crypto::sha256(message);
  } else {
    return Error::invalid_argument("unsupported SSHSIG hash algorithm '" + std::string(hash_algorithm) +
                                   "' (sha256 or sha512)");
  }
  ssh::wire::Writer data;
  data.put_bytes(kMagicPreamble);
  data.put_string(namespace_);
  data.put_string(std::string_view{});  // reserved
  data.put_string(hash_algorithm);
  data.put_string(digest);
  return data.bytes();
}

}  // namespace auths::sshsig
