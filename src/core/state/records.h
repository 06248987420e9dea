// What the server remembers between pushes, as the engine reads it: the baseline (the refs the
// repository had when it adopted the hooks), the tips it accepted under a rule (after git
// really updated the ref), when it accepted each object, and the signatures it verified good.
// Losing any of it only makes later checks stricter or slower: history is judged again, never
// let in unjudged; a signature is verified again.
//
// state/store.h keeps these in SQLite; tests/support/fake_records.h in memory.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"
#include "auths/types.h"

namespace auths::state {

/// A tip git really moved a branch to, after the push that brought it was accepted under a rule
/// whose strictness (policy::Strictness::encode) is recorded with it.
struct TipRecord {
  std::string ref;
  Oid tip;
  std::string strictness;
  int64_t accepted_at = 0;
};

/// The SHA-256 of a public key's SSH wire encoding: what its "SHA256:..." fingerprint shows
/// (crypto::PublicKey::fingerprint_digest).
using KeyDigest = std::array<uint8_t, 32>;

/// A signature verified good: the key `key` signed the object `object` (a commit or tag), as
/// engine::check_signature judges it. An object id hashes the object's bytes, its signature
/// included, so this can never become false for the same rules of verification
/// (engine::kSignatureRules); who may sign what is another question, never answered here.
struct GoodSignature {
  Oid object;
  KeyDigest key{};
  friend bool operator==(const GoodSignature&, const GoodSignature&) = default;
  friend auto operator<=>(const GoodSignature&, const GoodSignature&) = default;
};

class Records {
 public:
  virtual ~Records() = default;
  /// The baseline tips: history the repository had before any policy judged it.
  virtual Result<std::vector<Oid>> baseline() const = 0;
  /// Every recorded accepted tip.
  virtual Result<std::vector<TipRecord>> accepted_tips() const = 0;
  /// The last tip the server recorded for `ref` (the last update git applied that the hook had
  /// accepted, else the baseline), also after the ref was deleted; nullopt when it never had one.
  virtual Result<std::optional<Oid>> last_tip(std::string_view ref) const = 0;
  /// When the server recorded accepting `object` (unix seconds); nullopt when it never did.
  virtual Result<std::optional<int64_t>> accepted_at(const Oid& object) const = 0;
  /// Of `objects`, the signatures this server verified good under the verification rules
  /// `rules` (engine::kSignatureRules), sorted: one read for all of them (the engine asks once
  /// per batch). The server's cache of signature checks (state/store.h).
  virtual Result<std::vector<GoodSignature>> good_signatures(std::span<const Oid> objects, int64_t rules) const = 0;
};

/// No records at all (a repository whose hooks never wrote any, or pre-push on a developer's
/// machine): nothing is vouched for but what the refs themselves show.
class NoRecords final : public Records {
 public:
  Result<std::vector<Oid>> baseline() const override { return std::vector<Oid>{}; }
  Result<std::vector<TipRecord>> accepted_tips() const override { return std::vector<TipRecord>{}; }
  Result<std::optional<Oid>> last_tip(std::string_view) const override { return std::optional<Oid>{}; }
  Result<std::optional<int64_t>> accepted_at(const Oid&) const override { return std::optional<int64_t>{}; }
  Result<std::vector<GoodSignature>> good_signatures(std::span<const Oid>, int64_t) const override {
    return std::vector<GoodSignature>{};
  }
};

}  // namespace auths::state
