// SSHSIG signing, following openssh-portable PROTOCOL.sshsig (quoted above the code that
// follows each rule) and the choices ssh-keygen makes where the text leaves one open.
#include "sshsig/sign.h"

#include "crypto/verify.h"
#include "ssh/wire.h"
#include "sshsig/sshsig.h"

namespace auths::sshsig {

namespace {

// PROTOCOL.sshsig says the body "SHOULD be broken up by newlines every 76 characters";
// ssh-keygen (sshbuf_dtob64 with wrap) breaks at 70, and we write what ssh-keygen writes.
constexpr size_t kArmorLineWidth = 70;

// The key type's SSH signature encoding (the inner `signature` field):
//     string    signature algorithm name
//     string    signature blob
// Ed25519 (RFC 8709 section 6): the 64-byte signature. ECDSA (RFC 5656 section 3.1.2): a blob
// holding mpint r and mpint s, each in canonical (minimal, non-negative) form.
Result<util::Bytes> encode_signature(const crypto::PrivateKey& key, std::span<const uint8_t> signed_data) {
  const auto raw = key.sign(signed_data);
  if (!raw) return raw.error();

  ssh::wire::Writer out;
  switch (key.type()) {
    case crypto::KeyType::kEd25519:
      out.put_string(std::string_view("ssh-ed25519"));
      out.put_string(std::span<const uint8_t>(*raw));
      return std::move(out).take();
    case crypto::KeyType::kEcdsaP256: {
      if (raw->size() != 2 * kP256ScalarSize) return Error::crypto("ECDSA P-256 signature is not 64 bytes");
      const std::span<const uint8_t> rs(*raw);
      ssh::wire::Writer blob;
      blob.put_unsigned_mpint(rs.first(kP256ScalarSize));
      blob.put_unsigned_mpint(rs.last(kP256ScalarSize));
      out.put_string(std::string_view("ecdsa-sha2-nistp256"));
      out.put_string(std::span<const uint8_t>(blob.bytes()));
      return std::move(out).take();
    }
    case crypto::KeyType::kRsa: break;
  }
  return Error::unsupported("only Ed25519 and ECDSA P-256 keys can sign");
}

}  // namespace

Result<util::Bytes> sign(const crypto::PrivateKey& key, std::span<const uint8_t> message, std::string_view namespace_,
                         std::string_view hash_algorithm) {
  // "The namespace value MUST NOT be the empty string."
  if (namespace_.empty()) return Error::invalid_argument("SSHSIG namespace must not be empty");

  // The signed data (section 3), built exactly as verification rebuilds it.
  const auto data = signed_data(message, namespace_, hash_algorithm);
  if (!data) return data.error();

  const auto signature = encode_signature(key, *data);
  if (!signature) return signature.error();

  return assemble(key.public_key(), namespace_, hash_algorithm, *signature);
}

Result<util::Bytes> assemble(const crypto::PublicKey& key, std::string_view namespace_, std::string_view hash_algorithm,
                             std::span<const uint8_t> ssh_signature) {
  if (namespace_.empty()) return Error::invalid_argument("SSHSIG namespace must not be empty");
  // The blob (section 2):
  //     byte[6]   MAGIC_PREAMBLE
  //     uint32    SIG_VERSION
  //     string    publickey
  //     string    namespace
  //     string    reserved
  //     string    hash_algorithm
  //     string    signature
  ssh::wire::Writer blob;
  blob.put_bytes(kMagicPreamble);
  blob.put_uint32(kSigVersion);
  blob.put_string(std::span<const uint8_t>(key.ssh_blob()));
  blob.put_string(namespace_);
  blob.put_string(std::string_view{});
  blob.put_string(hash_algorithm);
  blob.put_string(ssh_signature);
  return std::move(blob).take();
}

std::string armor(const util::Bytes& blob) {
  const std::string body = util::base64_encode(blob);
  std::string out;
  out.reserve(kArmorBegin.size() + kArmorEnd.size() + body.size() + body.size() / kArmorLineWidth + 4);
  out.append(kArmorBegin).push_back('\n');
  for (size_t pos = 0; pos < body.size(); pos += kArmorLineWidth) {
    out.append(body, pos, kArmorLineWidth).push_back('\n');
  }
  out.append(kArmorEnd).push_back('\n');
  return out;
}

}  // namespace auths::sshsig
