#include "witness/log.h"

#include <nlohmann/json.hpp>

#include "crypto/verify.h"
#include "keri/canonical_json.h"
#include "util/bytes.h"
#include "util/strings.h"

namespace auths::witness {

namespace {

constexpr size_t kMaxEntryBytes = 32 * 1024;

Error entry_error(uint64_t seq, const std::string& why) {
  return Error::corrupt(why, "log entry " + std::to_string(seq));
}

/// A JSON value of canonical text made by this library (cannot fail to parse).
nlohmann::json value_of(const std::string& canonical) { return nlohmann::json::parse(canonical); }

}  // namespace

std::string entry_hash(std::string_view entry_text) {
  return util::hex_encode(crypto::sha256(util::byte_span(entry_text)));
}

Result<std::string> receipt_entry(uint64_t seq, std::string_view prev, const Receipt& receipt) {
  if (receipt.seq != seq) return Error::internal("a receipt's seq must be its log entry's");
  auto text = receipt_json(receipt);
  if (!text) return text.error();
  nlohmann::json j = {{"kind", "receipt"}, {"prev", prev}, {"receipt", value_of(*text)}, {"seq", seq}};
  return keri::canonicalize(j);
}

Result<std::string> duplicity_entry(uint64_t seq, std::string_view prev, const Receipt& first,
                                    const Request& conflicting, int64_t seen_at) {
  auto request = request_json(conflicting);
  if (!request) return request.error();
  nlohmann::json j = {{"kind", "duplicity"}, {"first_seq", first.seq},        {"first_tree", first.commit.tree},
                      {"prev", prev},        {"request", value_of(*request)}, {"seen_at", seen_at},
                      {"seq", seq}};
  return keri::canonicalize(j);
}

Result<std::string> head_signed_bytes(std::string_view witness, uint64_t size, std::string_view head) {
  return keri::canonicalize(nlohmann::json{{"head", head}, {"size", size}, {"witness", witness}});
}

Result<std::string> sign_head(const crypto::PrivateKey& key, uint64_t size, std::string_view head) {
  auto did = key.public_key().to_did_key();
  if (!did) return did.error();
  auto bytes = head_signed_bytes(*did, size, head);
  if (!bytes) return bytes.error();
  auto signature = key.sign(util::byte_span(*bytes));
  if (!signature) return signature.error();
  return util::hex_encode(*signature);
}

Status verify_head(std::string_view witness, uint64_t size, std::string_view head, std::string_view signature_hex) {
  auto key = crypto::parse_did_key(witness);
  if (!key) return key.error();
  auto bytes = head_signed_bytes(witness, size, head);
  if (!bytes) return bytes.error();
  auto signature = util::hex_decode(signature_hex);
  if (!signature ||
      !crypto::verify_signature(*key, crypto::SignatureAlgorithm::kEd25519, util::byte_span(*bytes), *signature))
    return Error::corrupt("the witness's signature over its log head does not verify");
  return {};
}

Status LogVerifier::add(std::string_view entry_text) {
  const uint64_t seq = m_size;
  auto parsed = keri::parse_json_strict(entry_text, kMaxEntryBytes, 6);
  if (!parsed) return entry_error(seq, parsed.error().message);
  const nlohmann::json& j = *parsed;
  auto canonical = keri::canonicalize(j);
  if (!canonical || *canonical != entry_text) return entry_error(seq, "not in RFC 8785 form");
  if (!j.is_object() || !j.contains("seq") || !j["seq"].is_number_unsigned() || j["seq"].get<uint64_t>() != seq)
    return entry_error(seq, "its seq is not " + std::to_string(seq) + " (entries lost, repeated or reordered)");
  if (!j.contains("prev") || !j["prev"].is_string() || j["prev"].get<std::string>() != m_head)
    return entry_error(seq, "its prev is not the hash of entry " +
                                (seq == 0 ? std::string("-1 (zeros)") : std::to_string(seq - 1)) +
                                ": the chain is broken");
  const std::string kind = j.contains("kind") && j["kind"].is_string() ? j["kind"].get<std::string>() : "";
  if (kind == "receipt") {
    if (j.size() != 4 || !j.contains("receipt")) return entry_error(seq, "a receipt entry has other fields");
    auto receipt = receipt_from_json(j["receipt"]);  // canonical: the entry as a whole is
    if (!receipt) return entry_error(seq, "receipt: " + receipt.error().to_string());
    if (receipt->witness != m_witness) return entry_error(seq, "a receipt by " + receipt->witness);
    if (receipt->seq != seq) return entry_error(seq, "the receipt's seq is " + std::to_string(receipt->seq));
    if (auto ok = verify_receipt_signature(*receipt); !ok) return entry_error(seq, ok.error().message);
    const auto key = std::make_pair(receipt->commit.signer, receipt->commit.parents);
    if (const auto it = m_first.find(key); it != m_first.end()) {
      return entry_error(seq, "a second receipt for the same signer and parents (first at entry " +
                                  std::to_string(it->second.second) + "): the witness equivocated");
    }
    m_first.emplace(key, std::make_pair(receipt->commit.tree, seq));
    ++m_receipts;
  } else if (kind == "duplicity") {
    bool shaped = j.size() == 7;
    for (const char* name : {"first_seq", "first_tree", "request", "seen_at"}) shaped = shaped && j.contains(name);
    if (!shaped) return entry_error(seq, "a duplicity entry has missing or other fields");
    auto text = keri::canonicalize(j["request"]);
    if (!text) return entry_error(seq, text.error().message);
    auto request = parse_request(*text);
    if (!request) return entry_error(seq, "request: " + request.error().to_string());
    if (auto ok = verify_request(*request); !ok) return entry_error(seq, "request: " + ok.error().message);
    const auto it = m_first.find(std::make_pair(request->commit.signer, request->commit.parents));
    if (it == m_first.end() || !j["first_seq"].is_number_unsigned() ||
        j["first_seq"].get<uint64_t>() != it->second.second || j["first_tree"] != it->second.first ||
        it->second.first == request->commit.tree || !j["seen_at"].is_number_unsigned())
      return entry_error(seq, "a duplicity entry that names no conflicting receipt before it");
    ++m_duplicities;
  } else {
    return entry_error(seq, "unknown kind '" + util::printable(kind, 40) + "'");
  }
  m_head = entry_hash(entry_text);
  ++m_size;
  return {};
}

}  // namespace auths::witness
