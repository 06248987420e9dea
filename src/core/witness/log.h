// A witness's log (README.md, "Witness receipts"): append-only, each entry hash-chained to the
// one before. The witness server (src/witness/) writes it; `auths witness verify-log` checks it
// through LogVerifier. Pure: entries are their RFC 8785 JSON texts.
//
//   {"kind": "receipt", "prev": "<64 hex>", "receipt": {<the receipt, witness/receipt.h>}, "seq": n}
//   {"kind": "duplicity", "first_seq": m, "first_tree": "<40 hex>", "prev": "<64 hex>",
//    "request": {<the refused request: tree, parents, signer, identity, signature>},
//    "seen_at": <unix seconds>, "seq": n}
//
// `seq` counts from 0 without gaps; `prev` is the lowercase hex SHA-256 of the previous entry's
// text (64 zeros for entry 0); a receipt's own `seq` is its entry's. A duplicity entry records a
// request the witness refused: the signer's signed request for another tree on parents it had
// already receipted (entry `first_seq`), the evidence that the signer equivocated.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auths/result.h"
#include "crypto/private_key.h"
#include "crypto/public_key.h"
#include "witness/receipt.h"

namespace auths::witness {

/// `prev` of entry 0.
inline constexpr std::string_view kGenesisPrev = "0000000000000000000000000000000000000000000000000000000000000000";

/// The lowercase hex SHA-256 of an entry's text: the next entry's `prev`.
std::string entry_hash(std::string_view entry_text);

/// The text of a receipt entry (the receipt's `seq` must be `seq`).
[[nodiscard]] Result<std::string> receipt_entry(uint64_t seq, std::string_view prev, const Receipt& receipt);
/// The text of a duplicity entry: `conflicting` asked for another tree on the parents and signer
/// of `first`, receipted at entry `first.seq`.
[[nodiscard]] Result<std::string> duplicity_entry(uint64_t seq, std::string_view prev, const Receipt& first,
                                                  const Request& conflicting, int64_t seen_at);

/// What /v1/health signs: the RFC 8785 JSON of {"head", "size", "witness"} (head: the last
/// entry's hash, kGenesisPrev for an empty log).
[[nodiscard]] Result<std::string> head_signed_bytes(std::string_view witness, uint64_t size, std::string_view head);
[[nodiscard]] Result<std::string> sign_head(const crypto::PrivateKey& key, uint64_t size, std::string_view head);
[[nodiscard]] Status verify_head(std::string_view witness, uint64_t size, std::string_view head,
                                 std::string_view signature_hex);

/// Checks a log entry by entry, in order (a paged download feeds it page by page).
class LogVerifier {
 public:
  /// `witness`: the did:key whose log it is (every receipt must be its, and verify).
  explicit LogVerifier(std::string witness) : m_witness(std::move(witness)) {}
  /// The next entry: canonical, in sequence, chained, a valid receipt of this witness (no second
  /// receipt for the same signer and parents), or a duplicity entry whose request verifies and
  /// conflicts with the receipt it names. kCorrupt saying which entry and why.
  [[nodiscard]] Status add(std::string_view entry_text);
  uint64_t size() const { return m_size; }
  const std::string& head() const { return m_head; }
  uint64_t receipts() const { return m_receipts; }
  uint64_t duplicities() const { return m_duplicities; }

 private:
  std::string m_witness;
  uint64_t m_size = 0;
  std::string m_head{kGenesisPrev};
  uint64_t m_receipts = 0;
  uint64_t m_duplicities = 0;
  /// (signer, parents) -> (tree, seq) of its receipt.
  std::map<std::pair<std::string, std::vector<std::string>>, std::pair<std::string, uint64_t>> m_first;
};

}  // namespace auths::witness
