#include "witness/receipt.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "crypto/verify.h"
#include "git/objects.h"
#include "keri/attestation.h"
#include "keri/canonical_json.h"
#include "sshsig/sshsig.h"
#include "util/bytes.h"
#include "util/strings.h"

namespace auths::witness {

namespace {

constexpr size_t kMaxKeyLine = 1024;
constexpr size_t kMaxIdentity = 256;

Error field_error(std::string message, std::string_view field) {
  return Error::invalid_argument(std::move(message), std::string(field));
}

bool is_hex(std::string_view text, size_t size) {
  return text.size() == size &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

/// The claim's members as both JSON forms carry them.
void put_claim(nlohmann::json& j, const CommitClaim& claim) {
  j["tree"] = claim.tree;
  j["parents"] = claim.parents;
  j["signer"] = claim.signer;
  if (!claim.identity.empty()) j["identity"] = claim.identity;
}

nlohmann::json unsigned_json(const Receipt& r) {
  nlohmann::json j = nlohmann::json::object();
  put_claim(j, r.commit);
  j["version"] = kReceiptVersion;
  j["witness"] = r.witness;
  j["seen_at"] = r.seen_at;
  j["seq"] = r.seq;
  return j;
}

Status check_receipt(const Receipt& r) {
  if (auto ok = check_claim(r.commit); !ok) return ok;
  auto key = crypto::parse_did_key(r.witness);
  auto did = key ? key->to_did_key() : Result<std::string>(key.error());
  if (!key || key->type() != crypto::KeyType::kEd25519 || !did || *did != r.witness)
    return field_error("must be the did:key of an Ed25519 key", "witness");
  if (r.seen_at < 0 || static_cast<uint64_t>(r.seen_at) >= keri::kMaxExactInteger)
    return field_error("must be unix seconds", "seen_at");
  if (r.seq >= keri::kMaxExactInteger) return field_error("is out of range", "seq");
  return {};
}

/// Members of a parsed object: exactly `required` plus any of `optional`.
Status check_members(const nlohmann::json& j, std::initializer_list<std::string_view> required,
                     std::initializer_list<std::string_view> optional) {
  if (!j.is_object()) return Error::invalid_argument("not a JSON object");
  for (const auto& name : required) {
    if (!j.contains(std::string(name))) return field_error("missing", name);
  }
  for (const auto& [name, value] : j.items()) {
    const bool known = std::find(required.begin(), required.end(), name) != required.end() ||
                       std::find(optional.begin(), optional.end(), name) != optional.end();
    if (!known) return field_error("unknown field", util::printable(name, 40));
  }
  return {};
}

Result<std::string> string_member(const nlohmann::json& j, std::string_view name) {
  const auto it = j.find(std::string(name));
  if (it == j.end()) return std::string();
  if (!it->is_string()) return field_error("must be a string", name);
  return it->get<std::string>();
}

/// tree, parents, signer and identity of a parsed receipt or request.
Result<CommitClaim> claim_of(const nlohmann::json& j) {
  CommitClaim claim;
  auto tree = string_member(j, "tree");
  if (!tree) return tree.error();
  claim.tree = std::move(*tree);
  const nlohmann::json& parents = j.at("parents");
  if (!parents.is_array()) return field_error("must be an array of commit ids", "parents");
  if (parents.size() > kMaxParents)
    return field_error("names more than " + std::to_string(kMaxParents) + " parents", "parents");
  for (const auto& parent : parents) {
    if (!parent.is_string()) return field_error("must be an array of commit ids", "parents");
    claim.parents.push_back(parent.get<std::string>());
  }
  auto signer = string_member(j, "signer");
  if (!signer) return signer.error();
  claim.signer = std::move(*signer);
  if (j.contains("identity")) {
    auto identity = string_member(j, "identity");
    if (!identity) return identity.error();
    if (identity->empty()) return field_error("must not be empty when present", "identity");
    claim.identity = std::move(*identity);
  }
  if (auto ok = check_claim(claim); !ok) return ok.error();
  return claim;
}

std::string shown_commit(const CommitClaim& c) {
  return "tree " + c.tree.substr(0, 12) + ", parents [" + util::join(c.parents, " ") + "]";
}

}  // namespace

Status check_claim(const CommitClaim& claim) {
  if (!is_hex(claim.tree, 40)) return field_error("must be 40 lowercase hex digits", "tree");
  if (claim.parents.size() > kMaxParents)
    return field_error("names more than " + std::to_string(kMaxParents) + " parents", "parents");
  for (const auto& parent : claim.parents) {
    if (!is_hex(parent, 40)) return field_error("must hold 40 lowercase hex digits each", "parents");
  }
  if (claim.signer.size() > kMaxKeyLine) return field_error("is too long", "signer");
  auto key = crypto::parse_ssh_public_key_line(claim.signer);
  if (!key) return field_error(key.error().message, "signer");
  if (key->to_ssh_line() != claim.signer) return field_error("must be \"<type> <base64>\" without a comment", "signer");
  if (!claim.identity.empty()) {
    const bool keri = keri::parse_did_keri(claim.identity).has_value();
    const bool did_key = util::starts_with(claim.identity, "did:key:") && crypto::parse_did_key(claim.identity);
    if (claim.identity.size() > kMaxIdentity || (!keri && !did_key))
      return field_error("must be a did:keri or did:key identifier", "identity");
  }
  return {};
}

Result<std::string> receipt_signed_bytes(const Receipt& receipt) {
  if (auto ok = check_receipt(receipt); !ok) return ok.error();
  return keri::canonicalize(unsigned_json(receipt));
}

Result<std::string> receipt_json(const Receipt& receipt) {
  if (auto ok = check_receipt(receipt); !ok) return ok.error();
  if (!is_hex(receipt.signature, 128)) return field_error("must be 128 lowercase hex digits", "signature");
  nlohmann::json j = unsigned_json(receipt);
  j["signature"] = receipt.signature;
  return keri::canonicalize(j);
}

Result<Receipt> receipt_from_json(const nlohmann::json& j) {
  if (auto ok = check_members(j, {"tree", "parents", "signer", "version", "witness", "seen_at", "seq", "signature"},
                              {"identity"});
      !ok)
    return ok.error();
  if (!j["version"].is_number_unsigned() || j["version"].get<uint64_t>() != kReceiptVersion)
    return field_error("must be the integer 1", "version");
  if (!j["seen_at"].is_number_unsigned()) return field_error("must be a non-negative integer", "seen_at");
  if (!j["seq"].is_number_unsigned()) return field_error("must be a non-negative integer", "seq");
  auto claim = claim_of(j);
  if (!claim) return claim.error();
  Receipt r;
  r.commit = std::move(*claim);
  auto witness = string_member(j, "witness");
  if (!witness) return witness.error();
  r.witness = std::move(*witness);
  auto signature = string_member(j, "signature");
  if (!signature) return signature.error();
  r.signature = std::move(*signature);
  if (j["seen_at"].get<uint64_t>() >= keri::kMaxExactInteger) return field_error("is out of range", "seen_at");
  r.seen_at = static_cast<int64_t>(j["seen_at"].get<uint64_t>());
  r.seq = j["seq"].get<uint64_t>();
  if (auto ok = check_receipt(r); !ok) return ok.error();
  if (!is_hex(r.signature, 128)) return field_error("must be 128 lowercase hex digits", "signature");
  return r;
}

Result<Receipt> parse_receipt(std::string_view json) {
  auto parsed = keri::parse_json_strict(json, kMaxReceiptBytes, 4);
  if (!parsed) return parsed.error();
  auto r = receipt_from_json(*parsed);
  if (!r) return r.error();
  auto canonical = receipt_json(*r);
  if (!canonical) return canonical.error();
  if (*canonical != json) return Error::invalid_argument("the receipt is not in its RFC 8785 form");
  return r;
}

Result<Receipt> sign_receipt(Receipt receipt, const crypto::PrivateKey& witness_key) {
  if (witness_key.type() != crypto::KeyType::kEd25519) return Error::invalid_argument("a witness key is Ed25519");
  auto did = witness_key.public_key().to_did_key();
  if (!did) return did.error();
  receipt.witness = std::move(*did);
  auto bytes = receipt_signed_bytes(receipt);
  if (!bytes) return bytes.error();
  auto signature = witness_key.sign(util::byte_span(*bytes));
  if (!signature) return signature.error();
  receipt.signature = util::hex_encode(*signature);
  return receipt;
}

Status verify_receipt_signature(const Receipt& receipt) {
  auto bytes = receipt_signed_bytes(receipt);
  if (!bytes) return bytes.error();
  auto key = crypto::parse_did_key(receipt.witness);
  if (!key) return key.error();
  auto signature = util::hex_decode(receipt.signature);
  if (!signature || signature->size() != 64) return field_error("must be 128 lowercase hex digits", "signature");
  if (!crypto::verify_signature(*key, crypto::SignatureAlgorithm::kEd25519, util::byte_span(*bytes), *signature))
    return Error::corrupt("the witness signature does not verify over the receipt (altered, or not by " +
                          receipt.witness + ")");
  return {};
}

Result<std::string> encode_trailer_value(const Receipt& receipt) {
  auto json = receipt_json(receipt);
  if (!json) return json.error();
  return util::base64_encode(util::to_bytes(*json), util::Base64Alphabet::kUrl, /*pad=*/false);
}

Result<Receipt> decode_trailer_value(std::string_view value) {
  std::string compact;
  for (const char c : value) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') compact.push_back(c);
  }
  if (compact.empty()) return Error::invalid_argument("empty receipt");
  if (compact.size() > kMaxReceiptBytes * 4 / 3 + 4) return Error::invalid_argument("receipt too large");
  if (compact.find('=') != std::string::npos) return Error::invalid_argument("receipt is padded base64");
  auto bytes = util::base64_decode(compact, util::Base64Alphabet::kUrl);
  if (!bytes) return Error::invalid_argument("receipt is not base64url: " + bytes.error().message);
  return parse_receipt(util::to_string(*bytes));
}

std::vector<std::string> folded_trailer(std::string_view value) {
  std::vector<std::string> lines;
  std::string line = std::string(kTrailerKey) + ": ";
  size_t pos = 0;
  while (true) {
    const size_t room = kFoldWidth - line.size();
    line.append(value.substr(pos, room));
    pos = std::min(value.size(), pos + room);
    lines.push_back(std::move(line));
    if (pos >= value.size()) return lines;
    line = " ";
  }
}

std::vector<std::string> receipt_values(std::string_view message) {
  std::vector<std::string> out;
  const std::string key = util::to_lower(kTrailerKey);
  for (auto& [name, value] : git::parse_trailers(message)) {
    if (util::to_lower(name) == key) out.push_back(std::move(value));
  }
  return out;
}

Result<std::string> request_signed_bytes(const CommitClaim& claim) {
  if (auto ok = check_claim(claim); !ok) return ok.error();
  nlohmann::json j = nlohmann::json::object();
  put_claim(j, claim);
  return keri::canonicalize(j);
}

Result<std::string> request_json(const Request& request) {
  if (auto ok = check_claim(request.commit); !ok) return ok.error();
  nlohmann::json j = nlohmann::json::object();
  put_claim(j, request.commit);
  j["signature"] = request.signature;
  return keri::canonicalize(j);
}

Result<Request> parse_request(std::string_view json) {
  auto parsed = keri::parse_json_strict(json, kMaxRequestBytes, 4);
  if (!parsed) return parsed.error();
  const nlohmann::json& j = *parsed;
  if (auto ok = check_members(j, {"tree", "parents", "signer", "signature"}, {"identity"}); !ok) return ok.error();
  auto claim = claim_of(j);
  if (!claim) return claim.error();
  auto signature = string_member(j, "signature");
  if (!signature) return signature.error();
  return Request{std::move(*claim), std::move(*signature)};
}

Status verify_request(const Request& request) {
  auto bytes = request_signed_bytes(request.commit);
  if (!bytes) return bytes.error();
  auto key = crypto::parse_ssh_public_key_line(request.commit.signer);
  if (!key) return key.error();
  auto sig = sshsig::parse_armored(request.signature);
  if (!sig) return Error::corrupt("signature: not an SSH signature: " + sig.error().message);
  if (!(sig->public_key == *key))
    return Error::corrupt("signature: made by " + sig->public_key.fingerprint() + ", not by the signer " +
                          key->fingerprint());
  switch (sshsig::verify(*sig, util::byte_span(*bytes), kRequestNamespace)) {
    case sshsig::VerifyStatus::kGood: return {};
    case sshsig::VerifyStatus::kNamespaceMismatch:
      return Error::corrupt("signature: namespace is '" + util::printable(sig->namespace_, 40) +
                            "', expected 'auths-witness'");
    case sshsig::VerifyStatus::kBadSignature: break;
  }
  return Error::corrupt("signature: does not verify over the request (altered, or made for another commit)");
}

const char* to_string(ReceiptFault fault) {
  switch (fault) {
    case ReceiptFault::kNone: return "counted";
    case ReceiptFault::kMalformed: return "malformed";
    case ReceiptFault::kUnknownWitness: return "unknown witness";
    case ReceiptFault::kBadSignature: return "bad signature";
    case ReceiptFault::kMismatch: return "for another commit";
    case ReceiptFault::kDuplicate: return "duplicate";
  }
  return "?";
}

const ReceiptCheck* Tally::mismatch() const {
  for (const auto& r : receipts) {
    if (r.fault == ReceiptFault::kMismatch) return &r;
  }
  return nullptr;
}

std::string Tally::not_counted() const {
  std::vector<std::string> out;
  for (const auto& r : receipts) {
    if (r.fault == ReceiptFault::kNone) continue;
    out.push_back((r.witness.empty() ? std::string("a receipt") : r.witness) + ": " + r.detail);
  }
  return util::join(out, "; ");
}

Tally tally_receipts(std::span<const std::string> values, const CommitClaim& commit, const policy::WitnessSet& set) {
  Tally tally;
  tally.threshold = set.threshold;
  std::map<std::string, int64_t> counted;  // witness -> its earliest seen_at
  for (const std::string& value : values) {
    ReceiptCheck check;
    auto receipt = decode_trailer_value(value);
    if (!receipt) {
      check.fault = ReceiptFault::kMalformed;
      check.detail = "not a receipt: " + receipt.error().to_string();
      tally.receipts.push_back(std::move(check));
      continue;
    }
    check.witness = receipt->witness;
    check.seen_at = receipt->seen_at;
    auto key = crypto::parse_did_key(receipt->witness);
    const bool listed = key && std::any_of(set.keys.begin(), set.keys.end(),
                                           [&](const crypto::PublicKey& listed_key) { return listed_key == *key; });
    CommitClaim bound = receipt->commit;
    bound.identity = commit.identity;  // a claim: not compared
    if (!listed) {
      check.fault = ReceiptFault::kUnknownWitness;
      check.detail = "not a witness of the policy's [witness]";
    } else if (auto ok = verify_receipt_signature(*receipt); !ok) {
      check.fault = ReceiptFault::kBadSignature;
      check.detail = ok.error().message;
    } else if (!(bound == commit)) {
      check.fault = ReceiptFault::kMismatch;
      check.detail = receipt->commit.signer != commit.signer ? "the receipt is for another signer's commit"
                                                             : "the receipt is for " + shown_commit(receipt->commit) +
                                                                   ", not this commit's " + shown_commit(commit);
    } else if (counted.count(receipt->witness) != 0) {
      check.fault = ReceiptFault::kDuplicate;
      check.detail = "a second receipt by the same witness (counted once)";
      counted[receipt->witness] = std::min(counted[receipt->witness], receipt->seen_at);
    } else {
      counted[receipt->witness] = receipt->seen_at;
    }
    tally.receipts.push_back(std::move(check));
  }
  tally.verified = static_cast<int>(counted.size());
  if (tally.met() && tally.threshold > 0) {
    std::vector<int64_t> times;
    for (const auto& [witness, at] : counted) times.push_back(at);
    std::sort(times.begin(), times.end());
    tally.quorum_at = times[static_cast<size_t>(tally.threshold) - 1];
  }
  return tally;
}

}  // namespace auths::witness
