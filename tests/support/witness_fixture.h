// Witness receipts for the unit tests (witness/receipt.h): witness and signer keys from fixed
// seeds, receipts signed by them, requests signed as the commit-msg hook signs them.
#pragma once

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "crypto/private_key.h"
#include "policy/policy.h"
#include "sshsig/sign.h"
#include "util/bytes.h"
#include "witness/receipt.h"

namespace auths::test {

/// An Ed25519 key from a fixed seed (the same in every run).
inline crypto::PrivateKey seeded_key(uint8_t seed) {
  std::vector<uint8_t> raw(32, seed);
  raw[0] = 0x77;
  return std::move(crypto::PrivateKey::from_raw(crypto::KeyType::kEd25519, raw).value());
}

inline std::string did_of(const crypto::PrivateKey& key) { return key.public_key().to_did_key().value(); }

/// A [witness] of `keys` with `threshold`.
inline policy::WitnessSet witness_set(const std::vector<const crypto::PrivateKey*>& keys, int threshold) {
  policy::WitnessSet set;
  for (const auto* key : keys) {
    set.keys.push_back(key->public_key());
    set.names.push_back(did_of(*key));
  }
  set.threshold = threshold;
  return set;
}

/// A commit as a receipt binds it: tree and parents made of repeated hex digits.
inline witness::CommitClaim claim(const crypto::PrivateKey& signer, char tree = 'a',
                                  std::vector<char> parents = {'b'}) {
  witness::CommitClaim c;
  c.tree = std::string(40, tree);
  for (const char p : parents) c.parents.emplace_back(40, p);
  c.signer = signer.public_key().to_ssh_line();
  return c;
}

/// `witness`'s receipt of `commit`, first seen at `seen_at`, entry `seq` of its log.
inline witness::Receipt receipt_by(const crypto::PrivateKey& witness, const witness::CommitClaim& commit,
                                   int64_t seen_at = 1700000000, uint64_t seq = 0) {
  auto signed_receipt = witness::sign_receipt(witness::Receipt{commit, "", seen_at, seq, ""}, witness);
  BOOST_REQUIRE(signed_receipt.has_value());
  return std::move(*signed_receipt);
}

/// The trailer value of a receipt.
inline std::string trailer_of(const witness::Receipt& receipt) {
  auto value = witness::encode_trailer_value(receipt);
  BOOST_REQUIRE(value.has_value());
  return *value;
}

/// A request for `commit` signed by `signer` (namespace "auths-witness" unless told otherwise).
inline witness::Request signed_request(const crypto::PrivateKey& signer, const witness::CommitClaim& commit,
                                       std::string_view namespace_ = witness::kRequestNamespace) {
  witness::Request request{commit, ""};
  const std::string bytes = witness::request_signed_bytes(commit).value();
  auto blob = sshsig::sign(signer, util::to_bytes(bytes), namespace_);
  BOOST_REQUIRE(blob.has_value());
  request.signature = sshsig::armor(*blob);
  return request;
}

}  // namespace auths::test
