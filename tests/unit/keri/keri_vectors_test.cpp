// Our KERI encodings against signify-ts (tests/data/keri/vectors.json, written by
// scripts/gen_keri_vectors.sh): key qb64 and next-key digests, Blake3 digests, indexed
// signatures, and whole KELs (exact event bytes, SAIDs, prefixes, signature attachments),
// among them delegators and their delegates (dip, drt, attachments with -G couples): Ed25519
// and P-256, one key and several (thresholds beyond 9), drt chains, a delegate of a delegate.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/private_key.h"
#include "keri/cesr.h"
#include "keri/kel.h"
#include "util/bytes.h"

BOOST_AUTO_TEST_SUITE(keri_vectors)

namespace ac = auths::crypto;
namespace ak = auths::keri;
namespace au = auths::util;
using auths::Reason;

namespace {

const nlohmann::json& vectors() {
  static const nlohmann::json doc = [] {
    std::ifstream in(std::string(AUTHS_TEST_DATA_DIR) + "/keri/vectors.json");
    std::stringstream text;
    text << in.rdbuf();
    return nlohmann::json::parse(text.str());
  }();
  return doc;
}

ac::KeyType key_type(const nlohmann::json& key) {
  return key.at("type") == "p256" ? ac::KeyType::kEcdsaP256 : ac::KeyType::kEd25519;
}

// Private keys from the vectors, by qb64 of their public key.
std::map<std::string, ac::PrivateKey> private_keys() {
  std::map<std::string, ac::PrivateKey> out;
  for (const auto& [name, key] : vectors().at("keys").items()) {
    auto pk = ac::PrivateKey::from_raw(key_type(key), au::hex_decode(key.at("secret_hex").get<std::string>()).value());
    BOOST_REQUIRE_MESSAGE(pk.has_value(), name);
    out.emplace(key.at("qb64").get<std::string>(), std::move(*pk));
  }
  return out;
}

// A delegated event, applied after `before` with its delegator's KEL replayed only up to (not
// including) the event that anchors it, which `source` ({s, d} of the -G couple) names: refused
// as not anchored, with its -G couple and without. Other identifiers are found by `lookup`.
void refused_without_its_anchor(const std::optional<ak::KeyState>& before, const ak::SignedEvent& event,
                                const std::string& delegator, const nlohmann::json& source,
                                const std::map<std::string, std::vector<ak::KeyState>, std::less<>>& history,
                                const ak::KeyStateLookup& lookup) {
  const auto it = history.find(delegator);
  BOOST_REQUIRE(it != history.end());
  const uint64_t anchor_sequence = std::stoull(source.at("s").get<std::string>(), nullptr, 16);
  BOOST_REQUIRE(anchor_sequence >= 1u);
  BOOST_REQUIRE(anchor_sequence < it->second.size());
  BOOST_REQUIRE(it->second[anchor_sequence].last_said == source.at("d").get<std::string>());
  const ak::KeyState& cut = it->second[anchor_sequence - 1];
  const ak::KeyStateLookup without_anchor = [&](std::string_view prefix) -> const ak::KeyState* {
    return prefix == delegator ? &cut : lookup(prefix);
  };
  for (const bool with_source_seals : {true, false}) {
    BOOST_TEST_CONTEXT("delegator cut before s=" << source.at("s").get<std::string>()
                                                 << (with_source_seals ? ", with -G" : ", without -G")) {
      ak::SignedEvent attempt = event;
      if (!with_source_seals) attempt.source_seals.clear();
      std::optional<ak::KeyState> state = before;
      Reason fault = Reason::kOk;
      BOOST_TEST(!ak::apply_event(state, attempt, &fault, without_anchor).has_value());
      BOOST_TEST((fault == Reason::kKelDelegationNotAnchored));
      BOOST_TEST((state ? state->last_said : "") == (before ? before->last_said : ""));
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(generated_by_signify_ts) {
  BOOST_TEST(vectors().at("generator").get<std::string>().find("signify-ts") != std::string::npos);
  BOOST_TEST(vectors().at("kels").size() >= 3u);
  // The delegation KELs: a delegator, then a delegate with its dip and drt.
  bool dip = false;
  bool drt = false;
  for (const auto& kel : vectors().at("kels")) {
    for (const auto& ev : kel.at("events")) {
      dip = dip || ev.at("t") == "dip";
      drt = drt || ev.at("t") == "drt";
    }
  }
  BOOST_TEST(dip);
  BOOST_TEST(drt);
}

// Verkey qb64 (D / 1AAJ) and next-key commitments (E-coded Blake3 of the qb64 text).
BOOST_AUTO_TEST_CASE(keys_and_next_key_digests) {
  for (const auto& [name, key] : vectors().at("keys").items()) {
    BOOST_TEST_CONTEXT(name) {
      const auto pk =
          ac::PrivateKey::from_raw(key_type(key), au::hex_decode(key.at("secret_hex").get<std::string>()).value());
      BOOST_REQUIRE(pk.has_value());
      BOOST_TEST(au::hex_encode(pk->public_key().raw()) == key.at("public_hex").get<std::string>());
      const auto qb64 = ak::cesr::encode_verkey(pk->public_key());
      BOOST_REQUIRE(qb64.has_value());
      BOOST_TEST(*qb64 == key.at("qb64").get<std::string>());
      BOOST_TEST(ak::next_key_digest(*qb64) == key.at("digest").get<std::string>());
      const auto decoded = ak::cesr::decode_verkey(*qb64);
      BOOST_REQUIRE(decoded.has_value());
      BOOST_TEST((decoded->key == pk->public_key()));
      BOOST_TEST(decoded->transferable);
    }
  }
}

BOOST_AUTO_TEST_CASE(blake3_digests) {
  for (const auto& d : vectors().at("digests")) {
    const std::string text = d.at("text").get<std::string>();
    BOOST_TEST(ak::cesr::blake3_qb64(text) == d.at("qb64").get<std::string>(), "text of length " << text.size());
  }
}

BOOST_AUTO_TEST_CASE(indexed_signatures) {
  for (const auto& s : vectors().at("sigers")) {
    const std::string qb64 = s.at("qb64").get<std::string>();
    const std::string code = s.at("code").get<std::string>();
    BOOST_TEST_CONTEXT(code << " index " << s.at("index")) {
      const auto sig = ak::cesr::decode_indexed_signature(qb64);
      BOOST_REQUIRE(sig.has_value());
      BOOST_TEST(sig->code == code);
      BOOST_TEST(sig->index == s.at("index").get<uint32_t>());
      BOOST_TEST(au::hex_encode(sig->signature) == s.at("sig_hex").get<std::string>());
      const bool current_only = code == "B" || code == "F" || code == "2B" || code == "2F";
      if (current_only) {
        BOOST_TEST(!sig->ondex.has_value());
      } else if (!s.at("ondex").is_null()) {
        BOOST_TEST(sig->ondex.value() == s.at("ondex").get<uint32_t>());
      } else {
        // signify-ts 0.3.0 leaves E out of its "both lists" table, so reports no ondex; keripy
        // (and we) read a small both-lists code's ondex as its index.
        BOOST_TEST(code == "E");
        BOOST_TEST(sig->ondex.value() == sig->index);
      }
      BOOST_TEST(ak::cesr::encode_indexed_signature(*sig).value() == qb64);
    }
  }
}

// Every event: parsed and re-serialized byte for byte, SAID and version recomputed, rebuilt
// from scratch with our builders, signed with the same keys (Ed25519 signatures are
// deterministic, so the attachments must match too; P-256 ones are made here and verified),
// and the whole KEL replayed. The KELs are replayed in file order, each delegator's before its
// delegates', which find it by prefix. Each dip and drt is also replayed against its
// delegator's KEL cut just before the event that anchors it, and must then be refused.
BOOST_AUTO_TEST_CASE(kels_byte_for_byte) {
  const auto keys = private_keys();
  std::map<std::string, ak::KeyState, std::less<>> replayed;
  const ak::KeyStateLookup lookup = [&replayed](std::string_view prefix) -> const ak::KeyState* {
    const auto it = replayed.find(prefix);
    return it == replayed.end() ? nullptr : &it->second;
  };
  // The state after each event of each replayed KEL, by prefix; the type of each event, by SAID.
  std::map<std::string, std::vector<ak::KeyState>, std::less<>> history;
  std::map<std::string, std::string, std::less<>> type_by_said;
  size_t delegated_checked = 0;
  size_t p256_delegated_checked = 0;
  for (const auto& kel : vectors().at("kels")) {
    BOOST_TEST_CONTEXT(kel.at("name").get<std::string>()) {
      std::optional<ak::KeyState> state;
      std::vector<ak::KeyState> states;
      for (const auto& ev : kel.at("events")) {
        const std::string raw = ev.at("raw").get<std::string>();
        BOOST_TEST_CONTEXT(ev.at("t").get<std::string>() << " s=" << ev.at("s").get<std::string>()) {
          const auto parsed = ak::parse_event(raw);
          BOOST_REQUIRE_MESSAGE(parsed.has_value(), (parsed ? "" : parsed.error().to_string()));
          BOOST_TEST(ak::serialize(*parsed).value() == raw);
          const auto said = ak::compute_said(*parsed);
          BOOST_REQUIRE(said.has_value());
          BOOST_TEST(said->said == ev.at("said").get<std::string>());
          BOOST_TEST(said->version == parsed->version);
          BOOST_TEST(parsed->prefix == kel.at("prefix").get<std::string>());
          // An inception's SAID is the identifier's prefix (self-addressing).
          if (ak::is_inception(parsed->type)) BOOST_TEST(said->said == kel.at("prefix").get<std::string>());

          // Rebuild with our builders from the same inputs.
          auths::Result<ak::KeyEvent> rebuilt = auths::Error::internal("unset");
          switch (parsed->type) {
            case ak::EventType::kInception:
              rebuilt = ak::make_inception(parsed->keys, parsed->key_threshold, parsed->next_digests,
                                           parsed->next_threshold, parsed->seals);
              break;
            case ak::EventType::kRotation:
              BOOST_REQUIRE(state.has_value());
              rebuilt = ak::make_rotation(*state, parsed->keys, parsed->key_threshold, parsed->next_digests,
                                          parsed->next_threshold, parsed->seals);
              break;
            case ak::EventType::kInteraction:
              BOOST_REQUIRE(state.has_value());
              rebuilt = ak::make_interaction(*state, parsed->seals);
              break;
            case ak::EventType::kDelegatedInception:
              BOOST_TEST(parsed->delegator == kel.at("delegator").get<std::string>());
              rebuilt = ak::make_delegated_inception(parsed->keys, parsed->key_threshold, parsed->next_digests,
                                                     parsed->next_threshold, parsed->delegator, parsed->seals);
              break;
            case ak::EventType::kDelegatedRotation:
              BOOST_REQUIRE(state.has_value());
              BOOST_TEST(!parsed->drt_has_delegator);  // signify-ts writes drt without `di`
              rebuilt = ak::make_delegated_rotation(*state, parsed->keys, parsed->key_threshold, parsed->next_digests,
                                                    parsed->next_threshold, parsed->seals);
              break;
          }
          BOOST_REQUIRE_MESSAGE(rebuilt.has_value(), (rebuilt ? "" : rebuilt.error().to_string()));
          BOOST_TEST(ak::serialize(*rebuilt).value() == raw);
          BOOST_TEST(rebuilt->said == ev.at("said").get<std::string>());
          BOOST_TEST(rebuilt->prefix == kel.at("prefix").get<std::string>());

          // Sign with the keys that signify-ts used (or, for P-256, the vector's keys).
          const std::vector<std::string>& signing_keys =
              parsed->type == ak::EventType::kInteraction ? state->keys : parsed->keys;
          std::vector<uint32_t> indices;
          if (ev.contains("signers")) {
            indices = ev.at("signers").get<std::vector<uint32_t>>();
          } else {
            for (uint32_t i = 0; i < signing_keys.size(); ++i) indices.push_back(i);
          }
          ak::SignedEvent signed_event{*parsed, {}};
          for (const uint32_t i : indices) {
            const auto sig = ak::sign_event(*parsed, keys.at(signing_keys.at(i)), i);
            BOOST_REQUIRE(sig.has_value());
            signed_event.signatures.push_back(*sig);
          }
          if (ev.contains("source_seal")) {
            // The delegator's anchoring event, as the -G couple names it.
            const auto& source = ev.at("source_seal");
            const auto delegator = replayed.find(kel.at("delegator").get<std::string>());
            BOOST_REQUIRE(delegator != replayed.end());
            const uint64_t seq = std::stoull(source.at("s").get<std::string>(), nullptr, 16);
            signed_event.source_seals.push_back({seq, source.at("d").get<std::string>()});
            bool holds_seal = false;
            for (const auto& anchored : delegator->second.seals) {
              holds_seal = holds_seal || (anchored.sequence == seq && anchored.event_said == source.at("d") &&
                                          anchored.seal == ak::Seal::of_event(*parsed).value());
            }
            BOOST_TEST(holds_seal);
            BOOST_TEST(type_by_said[source.at("d").get<std::string>()] == "ixn");
          } else {
            // Every delegated vector names the delegator's event that anchors it.
            BOOST_TEST(!ak::is_delegated(parsed->type));
          }
          if (ev.contains("source_group")) {
            // Unsigned by signify-ts (P-256): its -G group follows our signatures.
            const std::string group = ev.at("source_group").get<std::string>();
            BOOST_TEST(ak::cesr::encode_source_seal_group(signed_event.source_seals).value() == group);
            const std::string text = ak::attachment_text(signed_event).value();
            BOOST_TEST(text.ends_with(group));
            const auto back = ak::parse_signed_event(raw, text);
            BOOST_REQUIRE(back.has_value());
            BOOST_TEST((back->source_seals == signed_event.source_seals));
            BOOST_TEST(back->signatures.size() == signed_event.signatures.size());
            signed_event = *back;
          }
          if (ev.contains("attachment")) {
            BOOST_TEST(ak::attachment_text(signed_event).value() == ev.at("attachment").get<std::string>());
            // And their attachment as they wrote it.
            const auto theirs = ak::parse_signed_event(raw, ev.at("attachment").get<std::string>());
            BOOST_REQUIRE(theirs.has_value());
            signed_event = *theirs;
          }
          Reason fault = Reason::kOk;
          if (ak::is_delegated(parsed->type)) {
            // Without the delegator's KEL a delegated event cannot be checked.
            std::optional<ak::KeyState> alone = state;
            BOOST_TEST(!ak::apply_event(alone, signed_event, &fault).has_value());
            BOOST_TEST((fault == Reason::kKelDelegationNotAnchored));
            refused_without_its_anchor(state, signed_event, kel.at("delegator").get<std::string>(),
                                       ev.at("source_seal"), history, lookup);
            // Without its -G couple it is found by searching the delegator's KEL.
            std::optional<ak::KeyState> searched = state;
            const ak::SignedEvent bare{signed_event.event, signed_event.signatures};
            const auto found = ak::apply_event(searched, bare, &fault, lookup);
            BOOST_TEST(found.has_value(), (found ? "" : found.error().to_string()));
          }
          const auto st = ak::apply_event(state, signed_event, &fault, lookup);
          BOOST_REQUIRE_MESSAGE(st.has_value(), (st ? "" : st.error().to_string()));
          states.push_back(*state);
          type_by_said[parsed->said] = ak::to_string(parsed->type);
          if (ak::is_delegated(parsed->type)) {
            ++delegated_checked;
            if (state->public_keys.front().type() == ac::KeyType::kEcdsaP256) ++p256_delegated_checked;
          }
        }
      }
      BOOST_TEST(state->prefix == kel.at("prefix").get<std::string>());
      BOOST_TEST(state->last_said == kel.at("events").back().at("said").get<std::string>());
      if (kel.contains("delegator")) BOOST_TEST(state->delegator == kel.at("delegator").get<std::string>());
      replayed.emplace(state->prefix, *state);
      history.emplace(state->prefix, std::move(states));
    }
  }
  // At least 10 dip/drt events checked against signify-ts, some of them P-256 (so that this
  // fails if the vectors shrink).
  BOOST_TEST(delegated_checked >= 10u);
  BOOST_TEST(p256_delegated_checked >= 1u);
}

BOOST_AUTO_TEST_SUITE_END()
