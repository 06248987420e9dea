#include "keri/cesr.h"

#include <algorithm>
#include <array>

namespace auths::keri::cesr {

namespace {

constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr size_t kSignatureSize = 64;

struct MatterSize {
  std::string_view code;
  size_t raw_size;
};

// keripy MtrDex sizes for the codes we use: full size = code + base64 of the prepadded raw.
constexpr std::array<MatterSize, 6> kMatterSizes = {{
    {kBlake3Digest, 32},
    {kSeqner, 16},
    {kEd25519, 32},
    {kEd25519NonTrans, 32},
    {kEcdsaP256, 33},
    {kEcdsaP256NonTrans, 33},
}};

const MatterSize* find_matter(std::string_view code) {
  for (const auto& m : kMatterSizes) {
    if (m.code == code) {
      return &m;
    }
  }
  return nullptr;
}

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// Base64url integer of exactly `width` characters (CESR soft codes: indices, counts).
std::string int_to_b64(uint32_t value, size_t width) {
  std::string out(width, 'A');
  for (size_t i = width; i > 0; --i) {
    out[i - 1] = kB64Url[value & 63];
    value >>= 6;
  }
  return out;
}

std::optional<uint32_t> b64_to_int(std::string_view text) {
  uint32_t value = 0;
  for (const char c : text) {
    const int v = b64_value(c);
    if (v < 0) {
      return std::nullopt;
    }
    value = value << 6 | static_cast<uint32_t>(v);
  }
  return value;
}

// `code_len` characters of code followed by base64url of (pad zero bytes + raw), where pad is
// chosen so that the pad plus raw is a multiple of 3 bytes and the code replaces exactly the
// characters that encode the pad's leading zero bits. Requires code_len % 4 == pad.
std::string infil(std::string_view code, std::span<const uint8_t> raw) {
  const size_t pad = (3 - raw.size() % 3) % 3;
  util::Bytes padded(pad, 0);
  padded.insert(padded.end(), raw.begin(), raw.end());
  const std::string b64 = util::base64_encode(padded, util::Base64Alphabet::kUrl, false);
  return std::string(code) + b64.substr(pad);
}

// Inverse of infil for a text whose first `code_len` characters are the code: replaces them by
// (code_len % 4) 'A's, decodes, and checks that the pad bytes are zero.
Result<util::Bytes> exfil(std::string_view qb64, size_t code_len, size_t raw_size) {
  const size_t pad = code_len % 4;
  const std::string base = std::string(pad, 'A') + std::string(qb64.substr(code_len));
  auto decoded = util::base64_decode(base, util::Base64Alphabet::kUrl);
  if (!decoded) {
    return Error::corrupt("invalid base64url in CESR primitive", std::string(qb64));
  }
  if (decoded->size() != pad + raw_size) {
    return Error::corrupt("CESR primitive has the wrong size", std::string(qb64));
  }
  for (size_t i = 0; i < pad; ++i) {
    if ((*decoded)[i] != 0) {
      return Error::corrupt("CESR primitive has non-zero pad bits", std::string(qb64));
    }
  }
  return util::Bytes(decoded->begin() + static_cast<std::ptrdiff_t>(pad), decoded->end());
}

// Length of the text form: the code, then base64url of (pad + raw) without its first `pad`
// characters, where pad = code_len % 4 zero bytes (the code replaces them).
constexpr size_t full_size(size_t code_len, size_t raw_size) {
  const size_t pad = code_len % 4;
  return code_len + (pad + raw_size) / 3 * 4 - pad;
}

// Hard code length from the first character (keripy Matter.Hards, for the tables we use).
size_t matter_code_len(char first) {
  if (first >= '0' && first <= '9') {
    return first == '0' ? 2 : 4;
  }
  return 1;
}

struct SigCode {
  std::string_view code;
  size_t index_chars;  // soft part for the index
  size_t ondex_chars;  // soft part for the other index (0 = same as index, or none)
  bool current_only;   // B/F/2B/2F: the index is into the current list only
  bool p256;           // E/F/2E/2F
};

constexpr std::array<SigCode, 8> kSigCodes = {{
    {"A", 1, 0, false, false},
    {"B", 1, 0, true, false},
    {"E", 1, 0, false, true},
    {"F", 1, 0, true, true},
    {"2A", 2, 2, false, false},
    {"2B", 2, 2, true, false},
    {"2E", 2, 2, false, true},
    {"2F", 2, 2, true, true},
}};

const SigCode* find_sig_code(std::string_view code) {
  for (const auto& c : kSigCodes) {
    if (c.code == code) {
      return &c;
    }
  }
  return nullptr;
}

}  // namespace

Result<std::string> encode_primitive(std::string_view code, std::span<const uint8_t> raw) {
  const MatterSize* size = find_matter(code);
  if (size == nullptr) {
    return Error::unsupported("unsupported CESR code", std::string(code));
  }
  if (raw.size() != size->raw_size) {
    return Error::invalid_argument("raw size does not fit CESR code", std::string(code));
  }
  return infil(code, raw);
}

Result<Primitive> decode_primitive(std::string_view qb64) {
  if (qb64.empty()) {
    return Error::corrupt("empty CESR primitive");
  }
  const size_t code_len = matter_code_len(qb64[0]);
  if (qb64.size() < code_len) {
    return Error::corrupt("truncated CESR primitive", std::string(qb64));
  }
  const std::string_view code = qb64.substr(0, code_len);
  const MatterSize* size = find_matter(code);
  if (size == nullptr) {
    return Error::unsupported("unsupported CESR code", std::string(code));
  }
  const size_t full = full_size(code_len, size->raw_size);
  if (qb64.size() != full) {
    return Error::corrupt("CESR primitive has the wrong length", std::string(qb64.substr(0, 100)));
  }
  auto raw = exfil(qb64, code_len, size->raw_size);
  if (!raw) {
    return raw.error();
  }
  return Primitive{std::string(code), std::move(*raw)};
}

std::string encode_digest(const crypto::Blake3Digest& digest) { return infil(kBlake3Digest, digest); }

Result<crypto::Blake3Digest> decode_digest(std::string_view qb64) {
  auto prim = decode_primitive(qb64);
  if (!prim) {
    return prim.error();
  }
  if (prim->code != kBlake3Digest) {
    return Error::unsupported("not a Blake3-256 digest (code E)", std::string(qb64));
  }
  crypto::Blake3Digest digest{};
  std::copy(prim->raw.begin(), prim->raw.end(), digest.begin());
  return digest;
}

std::string blake3_qb64(std::span<const uint8_t> data) { return encode_digest(crypto::blake3_256(data)); }
std::string blake3_qb64(std::string_view data) { return encode_digest(crypto::blake3_256(data)); }

Result<std::string> encode_verkey(const crypto::PublicKey& key, bool transferable) {
  switch (key.type()) {
    case crypto::KeyType::kEd25519: return encode_primitive(transferable ? kEd25519 : kEd25519NonTrans, key.raw());
    case crypto::KeyType::kEcdsaP256:
      return encode_primitive(transferable ? kEcdsaP256 : kEcdsaP256NonTrans, key.raw());
    case crypto::KeyType::kRsa: break;
  }
  return Error::unsupported("RSA keys have no CESR verkey code");
}

Result<Verkey> decode_verkey(std::string_view qb64) {
  auto prim = decode_primitive(qb64);
  if (!prim) {
    return prim.error();
  }
  crypto::KeyType type = crypto::KeyType::kEd25519;
  bool transferable = true;
  if (prim->code == kEd25519 || prim->code == kEd25519NonTrans) {
    transferable = prim->code == kEd25519;
  } else if (prim->code == kEcdsaP256 || prim->code == kEcdsaP256NonTrans) {
    type = crypto::KeyType::kEcdsaP256;
    transferable = prim->code == kEcdsaP256;
  } else {
    return Error::corrupt("CESR primitive is not a verification key", std::string(qb64));
  }
  auto key = crypto::public_key_from_raw(type, prim->raw);
  if (!key) {
    return Error::corrupt("invalid verification key: " + key.error().message, std::string(qb64));
  }
  return Verkey{std::move(*key), transferable};
}

IndexedSignature IndexedSignature::both(uint32_t index, util::Bytes signature) {
  return IndexedSignature{index < 64 ? "A" : "2A", index, index, std::move(signature)};
}

Result<std::string> encode_indexed_signature(const IndexedSignature& sig) {
  if (sig.signature.size() != kSignatureSize) {
    return Error::invalid_argument("indexed signature must be 64 bytes");
  }
  std::string code = sig.code;
  if (code.empty()) {
    if (!sig.ondex) {
      code = sig.index < 64 ? "B" : "2B";
    } else {
      code = (*sig.ondex == sig.index && sig.index < 64) ? "A" : "2A";
    }
  }
  const SigCode* info = find_sig_code(code);
  if (info == nullptr) {
    return Error::unsupported("unsupported indexed signature code", code);
  }
  const uint32_t max_index = (1u << (6 * info->index_chars)) - 1;
  if (sig.index > max_index) {
    return Error::invalid_argument("signature index too large for code", code);
  }
  if (info->current_only && sig.ondex) {
    return Error::invalid_argument("current-only signature code with a prior index", code);
  }
  if (!info->current_only) {
    if (!sig.ondex) {
      return Error::invalid_argument("signature code needs a prior index", code);
    }
    if (info->ondex_chars == 0 && *sig.ondex != sig.index) {
      return Error::invalid_argument("small signature code needs equal indices", code);
    }
    if (info->ondex_chars > 0 && *sig.ondex > (1u << (6 * info->ondex_chars)) - 1) {
      return Error::invalid_argument("prior index too large for code", code);
    }
  }
  std::string both = code + int_to_b64(sig.index, info->index_chars);
  if (info->ondex_chars > 0) {
    both += int_to_b64(sig.ondex.value_or(0), info->ondex_chars);
  }
  // Every code here is 2 or 6 characters long and 64 bytes take 2 pad bytes: cs % 4 == pad.
  return infil(both, sig.signature);
}

Result<IndexedSignature> decode_indexed_signature(std::string_view qb64) {
  if (qb64.empty()) {
    return Error::corrupt("empty indexed signature");
  }
  const size_t hard_len = (qb64[0] >= '0' && qb64[0] <= '9') ? 2 : 1;
  if (qb64.size() < hard_len) {
    return Error::corrupt("truncated indexed signature");
  }
  const std::string_view hard = qb64.substr(0, hard_len);
  const SigCode* info = find_sig_code(hard);
  if (info == nullptr) {
    return Error::unsupported("unsupported indexed signature code", std::string(hard));
  }
  const size_t code_len = hard_len + info->index_chars + info->ondex_chars;
  const size_t full = full_size(code_len, kSignatureSize);
  if (qb64.size() != full) {
    return Error::corrupt("indexed signature has the wrong length", std::string(qb64.substr(0, 100)));
  }
  const auto index = b64_to_int(qb64.substr(hard_len, info->index_chars));
  const auto ondex = b64_to_int(qb64.substr(hard_len + info->index_chars, info->ondex_chars));
  if (!index || !ondex) {
    return Error::corrupt("invalid index in indexed signature", std::string(qb64));
  }
  IndexedSignature sig;
  sig.code = std::string(hard);
  sig.index = *index;
  if (info->current_only) {
    // keripy: a current-only big code carries a zero other index.
    if (*ondex != 0) {
      return Error::corrupt("current-only signature with a non-zero prior index", std::string(qb64));
    }
  } else {
    sig.ondex = info->ondex_chars > 0 ? *ondex : *index;
  }
  auto raw = exfil(qb64, code_len, kSignatureSize);
  if (!raw) {
    return raw.error();
  }
  sig.signature = std::move(*raw);
  return sig;
}

bool requires_p256(const IndexedSignature& sig) {
  const SigCode* info = find_sig_code(sig.code);
  return info != nullptr && info->p256;
}

Result<std::string> encode_signature_group(std::span<const IndexedSignature> sigs) {
  if (sigs.empty() || sigs.size() > 4095) {
    return Error::invalid_argument("a signature group holds 1 to 4095 signatures");
  }
  std::string out = "-A" + int_to_b64(static_cast<uint32_t>(sigs.size()), 2);
  for (const auto& sig : sigs) {
    auto text = encode_indexed_signature(sig);
    if (!text) {
      return text.error();
    }
    out += *text;
  }
  return out;
}

namespace {

// One "-A" group at the start of `text`: its signatures, and where the group ends.
Result<std::vector<IndexedSignature>> decode_leading_signature_group(std::string_view text, size_t& end) {
  if (text.size() < 4 || text[0] != '-') {
    return Error::corrupt("attachment does not start with a CESR counter");
  }
  if (text.substr(0, 2) != "-A") {
    return Error::unsupported("unsupported attachment group (only -A controller signatures)",
                              std::string(text.substr(0, 4)));
  }
  const auto count = b64_to_int(text.substr(2, 2));
  if (!count) {
    return Error::corrupt("invalid count in -A counter", std::string(text.substr(0, 4)));
  }
  if (*count == 0) {
    return Error::corrupt("empty -A signature group");
  }
  std::vector<IndexedSignature> sigs;
  size_t pos = 4;
  for (uint32_t i = 0; i < *count; ++i) {
    if (pos >= text.size()) {
      return Error::corrupt("-A group has fewer signatures than its count");
    }
    const size_t hard_len = (text[pos] >= '0' && text[pos] <= '9') ? 2 : 1;
    const SigCode* info = find_sig_code(text.substr(pos, hard_len));
    if (info == nullptr) {
      return Error::unsupported("unsupported indexed signature code", std::string(text.substr(pos, hard_len)));
    }
    const size_t code_len = hard_len + info->index_chars + info->ondex_chars;
    const size_t full = full_size(code_len, kSignatureSize);
    if (pos + full > text.size()) {
      return Error::corrupt("truncated indexed signature in -A group");
    }
    auto sig = decode_indexed_signature(text.substr(pos, full));
    if (!sig) {
      return sig.error();
    }
    sigs.push_back(std::move(*sig));
    pos += full;
  }
  end = pos;
  return sigs;
}

constexpr size_t kSeqnerSize = full_size(2, 16);  // 24
constexpr size_t kDigestSize = full_size(1, 32);  // 44

// One "-G" group that must be the whole of `text`.
Result<std::vector<SourceSeal>> decode_source_seal_group(std::string_view text) {
  if (text.size() < 4) {
    return Error::corrupt("truncated -G counter");
  }
  const auto count = b64_to_int(text.substr(2, 2));
  if (!count) {
    return Error::corrupt("invalid count in -G counter", std::string(text.substr(0, 4)));
  }
  if (*count == 0) {
    return Error::corrupt("empty -G source seal group");
  }
  if (text.size() != 4 + *count * (kSeqnerSize + kDigestSize)) {
    return Error::corrupt("-G group does not hold exactly its count of couples");
  }
  std::vector<SourceSeal> seals;
  size_t pos = 4;
  for (uint32_t i = 0; i < *count; ++i) {
    auto sequence = decode_seqner(text.substr(pos, kSeqnerSize));
    if (!sequence) {
      return sequence.error();
    }
    const std::string_view said = text.substr(pos + kSeqnerSize, kDigestSize);
    if (!decode_digest(said)) {
      return Error::corrupt("-G couple's event digest is not an E-coded digest", std::string(said));
    }
    seals.push_back(SourceSeal{*sequence, std::string(said)});
    pos += kSeqnerSize + kDigestSize;
  }
  return seals;
}

}  // namespace

Result<std::vector<IndexedSignature>> decode_signature_group(std::string_view text) {
  size_t pos = 0;
  auto sigs = decode_leading_signature_group(text, pos);
  if (!sigs) {
    return sigs.error();
  }
  if (pos != text.size()) {
    const std::string_view rest = text.substr(pos);
    if (rest.size() >= 2 && rest[0] == '-') {
      return Error::unsupported("unsupported attachment group after the signatures", std::string(rest.substr(0, 4)));
    }
    return Error::corrupt("trailing data after the -A signature group");
  }
  return sigs;
}

std::string encode_seqner(uint64_t sequence) {
  std::array<uint8_t, 16> raw{};
  for (size_t i = 0; i < 8; ++i) {
    raw[15 - i] = static_cast<uint8_t>(sequence >> (8 * i));
  }
  return infil(kSeqner, raw);
}

Result<uint64_t> decode_seqner(std::string_view qb64) {
  auto prim = decode_primitive(qb64);
  if (!prim) {
    return prim.error();
  }
  if (prim->code != kSeqner) {
    return Error::corrupt("not a sequence number (code 0A)", std::string(qb64));
  }
  uint64_t value = 0;
  for (size_t i = 0; i < prim->raw.size(); ++i) {
    if (i < 8 && prim->raw[i] != 0) {
      return Error::unsupported("sequence number beyond 64 bits", std::string(qb64));
    }
    value = value << 8 | prim->raw[i];
  }
  return value;
}

Result<std::string> encode_source_seal_group(std::span<const SourceSeal> seals) {
  if (seals.empty() || seals.size() > 4095) {
    return Error::invalid_argument("a source seal group holds 1 to 4095 couples");
  }
  std::string out = "-G" + int_to_b64(static_cast<uint32_t>(seals.size()), 2);
  for (const auto& seal : seals) {
    if (!decode_digest(seal.said)) {
      return Error::invalid_argument("source seal digest is not an E-coded digest", seal.said);
    }
    out += encode_seqner(seal.sequence);
    out += seal.said;
  }
  return out;
}

Result<Attachments> decode_attachments(std::string_view text) {
  size_t pos = 0;
  auto sigs = decode_leading_signature_group(text, pos);
  if (!sigs) {
    return sigs.error();
  }
  Attachments out{std::move(*sigs), {}};
  if (pos == text.size()) {
    return out;
  }
  const std::string_view rest = text.substr(pos);
  if (rest.size() < 2 || rest[0] != '-') {
    return Error::corrupt("trailing data after the -A signature group");
  }
  if (rest.substr(0, 2) != "-G") {
    return Error::unsupported("unsupported attachment group after the signatures (only -G source seals)",
                              std::string(rest.substr(0, 4)));
  }
  auto seals = decode_source_seal_group(rest);
  if (!seals) {
    return seals.error();
  }
  out.source_seals = std::move(*seals);
  return out;
}

Result<std::string> encode_attachments(const Attachments& attachments) {
  auto text = encode_signature_group(attachments.signatures);
  if (!text) {
    return text.error();
  }
  if (attachments.source_seals.empty()) {
    return text;
  }
  auto seals = encode_source_seal_group(attachments.source_seals);
  if (!seals) {
    return seals.error();
  }
  return *text + *seals;
}

}  // namespace auths::keri::cesr
