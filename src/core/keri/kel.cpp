#include "keri/kel.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <set>

#include "crypto/verify.h"
#include "keri/canonical_json.h"
#include "keri/fault.h"

namespace auths::keri {

namespace {

constexpr size_t kMaxEventBytes = 4 * 1024 * 1024;
constexpr size_t kMaxEventDepth = 32;
constexpr size_t kMaxVersionSize = 0xffffff;  // six hex digits
constexpr std::string_view kVersionPrefix = "KERI10JSON";
constexpr size_t kSaidLength = 44;

constexpr std::array<std::string_view, 13> kIcpFields = {"v",  "t", "d",  "i", "s", "kt", "k",
                                                         "nt", "n", "bt", "b", "c", "a"};
constexpr std::array<std::string_view, 14> kRotFields = {"v", "t",  "d", "i",  "s",  "p",  "kt",
                                                         "k", "nt", "n", "bt", "br", "ba", "a"};
constexpr std::array<std::string_view, 7> kIxnFields = {"v", "t", "d", "i", "s", "p", "a"};
constexpr std::array<std::string_view, 14> kDipFields = {"v",  "t", "d",  "i", "s", "kt", "k",
                                                         "nt", "n", "bt", "b", "c", "a",  "di"};
// drt in Auths' form; keripy's and signify-ts' drt has the rot fields.
constexpr std::array<std::string_view, 15> kDrtWithDelegatorFields = {"v",  "t", "d",  "i",  "s",  "p", "kt", "k",
                                                                      "nt", "n", "bt", "br", "ba", "a", "di"};

std::span<const std::string_view> fields_of(EventType type, bool drt_has_delegator) {
  switch (type) {
    case EventType::kInception: return kIcpFields;
    case EventType::kRotation: return kRotFields;
    case EventType::kInteraction: return kIxnFields;
    case EventType::kDelegatedInception: return kDipFields;
    case EventType::kDelegatedRotation:
      if (drt_has_delegator) return kDrtWithDelegatorFields;
      return kRotFields;
  }
  return kIxnFields;
}

std::string hex_number(uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  if (value == 0) {
    return "0";
  }
  std::string out;
  while (value > 0) {
    out.insert(out.begin(), kDigits[value & 15]);
    value >>= 4;
  }
  return out;
}

// Lowercase hex without leading zeros, at most `max`.
Result<uint64_t> parse_hex_number(std::string_view text, uint64_t max, std::string_view field) {
  const std::string ctx(field);
  if (text.empty() || text.size() > 16 || (text.size() > 1 && text[0] == '0')) {
    return Error::corrupt("not a canonical lowercase hex number", ctx);
  }
  uint64_t value = 0;
  for (const char c : text) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (digit < 0) {
      return Error::corrupt("not a canonical lowercase hex number", ctx);
    }
    value = value << 4 | static_cast<uint64_t>(digit);
  }
  if (value > max) {
    return Error::corrupt("number out of range", ctx);
  }
  return value;
}

Result<std::string> get_string(const nlohmann::ordered_json& json, std::string_view field) {
  const auto& v = json.at(std::string(field));
  if (!v.is_string()) {
    return Error::corrupt("must be a string", std::string(field));
  }
  return v.get<std::string>();
}

Result<std::vector<std::string>> get_string_list(const nlohmann::ordered_json& json, std::string_view field) {
  const auto& v = json.at(std::string(field));
  if (!v.is_array()) {
    return Error::corrupt("must be a list of strings", std::string(field));
  }
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.is_string()) {
      return Error::corrupt("must be a list of strings", std::string(field));
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

// kt, nt, bt: hex strings. keripy also writes weighted thresholds (lists of fractions) and,
// with "intive", plain integers; neither is supported here.
Result<uint32_t> get_threshold(const nlohmann::ordered_json& json, std::string_view field) {
  const auto& v = json.at(std::string(field));
  if (v.is_array()) {
    return Error::unsupported("weighted (fractional) thresholds are not supported", std::string(field));
  }
  if (v.is_number()) {
    return Error::unsupported("integer thresholds are not supported (expected a hex string)", std::string(field));
  }
  if (!v.is_string()) {
    return Error::corrupt("threshold must be a hex string", std::string(field));
  }
  auto n = parse_hex_number(v.get<std::string>(), UINT32_MAX, field);
  if (!n) {
    return n.error();
  }
  return static_cast<uint32_t>(*n);
}

// Seals must serialize the same way in every implementation: objects, and no number that
// JavaScript or Python would print differently from nlohmann (non-integers, huge integers).
Status check_portable(const nlohmann::ordered_json& value) {
  if (value.is_number_float()) {
    return Error::unsupported("non-integer numbers in seals are not supported");
  }
  if (value.is_number_integer() || value.is_number_unsigned()) {
    const uint64_t magnitude = value.is_number_unsigned() || value.get<int64_t>() >= 0
                                   ? value.get<uint64_t>()
                                   : 0 - static_cast<uint64_t>(value.get<int64_t>());
    if (magnitude > kMaxExactInteger) {
      return Error::unsupported("integers beyond 2^53 in seals are not supported");
    }
  }
  if (value.is_structured()) {
    for (const auto& item : value) {
      if (auto st = check_portable(item); !st) {
        return st;
      }
    }
  }
  if (value.is_binary()) {
    return Error::corrupt("binary values cannot appear in an event");
  }
  return {};
}

bool has_duplicates(const std::vector<std::string>& items) {
  const std::set<std::string> unique(items.begin(), items.end());
  return unique.size() != items.size();
}

Reason fault_of(const Error& error) {
  return error.code == ErrorCode::kUnsupported ? Reason::kKelUnsupported : Reason::kKelMalformed;
}

// `di`: a self-addressing prefix on a dip and on a drt in Auths' form, absent elsewhere.
Status check_delegator_field(const KeyEvent& ev) {
  const bool carries =
      ev.type == EventType::kDelegatedInception || (ev.type == EventType::kDelegatedRotation && ev.drt_has_delegator);
  if (ev.drt_has_delegator && ev.type != EventType::kDelegatedRotation) {
    return Error::invalid_argument("only a drt may be marked as carrying a delegator", "di");
  }
  if (!carries) {
    if (!ev.delegator.empty()) return Error::corrupt("delegator on an event that has no `di` field", "di");
    return {};
  }
  if (cesr::decode_digest(ev.delegator)) return {};
  if (cesr::decode_verkey(ev.delegator)) {
    return Error::unsupported("non-self-addressing delegator prefixes are not supported", "di");
  }
  return Error::corrupt("delegator prefix is not an E-coded digest", "di");
}

// Checks that need only the event itself: counts, thresholds, encodings.
Status check_content(const KeyEvent& ev) {
  if (is_inception(ev.type) && ev.sequence != 0) {
    return Error::corrupt("inception must have sequence number 0", "s");
  }
  if (!is_inception(ev.type) && ev.sequence == 0) {
    return Error::corrupt("only the inception has sequence number 0", "s");
  }
  if (ev.type != EventType::kInteraction) {
    if (ev.keys.empty()) {
      return Error::corrupt("no signing keys", "k");
    }
    if (has_duplicates(ev.keys)) {
      return Error::corrupt("duplicate signing key", "k");
    }
    if (ev.key_threshold < 1 || ev.key_threshold > ev.keys.size()) {
      return Error::corrupt("signing threshold must be between 1 and the number of keys", "kt");
    }
    bool all_transferable = true;
    for (const auto& k : ev.keys) {
      auto verkey = cesr::decode_verkey(k);
      if (!verkey) {
        return Error{verkey.error().code, "invalid signing key: " + verkey.error().message, "k"};
      }
      all_transferable = all_transferable && verkey->transferable;
    }
    if (has_duplicates(ev.next_digests)) {
      return Error::corrupt("duplicate next-key commitment", "n");
    }
    for (const auto& n : ev.next_digests) {
      if (!cesr::decode_digest(n)) {
        return Error::corrupt("next-key commitment is not an E-coded digest", "n");
      }
    }
    if (ev.next_digests.empty() ? ev.next_threshold != 0
                                : (ev.next_threshold < 1 || ev.next_threshold > ev.next_digests.size())) {
      return Error::corrupt("next threshold must be between 1 and the number of commitments (0 if none)", "nt");
    }
    if (!all_transferable && !ev.next_digests.empty()) {
      return Error::corrupt("non-transferable keys cannot commit to next keys", "k");
    }
  }
  if (is_inception(ev.type)) {
    if (has_duplicates(ev.backers)) {
      return Error::corrupt("duplicate backer", "b");
    }
    if (ev.backers.empty() ? ev.backer_threshold != 0
                           : (ev.backer_threshold < 1 || ev.backer_threshold > ev.backers.size())) {
      return Error::corrupt("backer threshold must be between 1 and the number of backers (0 if none)", "bt");
    }
    if (has_duplicates(ev.config)) {
      return Error::corrupt("duplicate configuration trait", "c");
    }
  }
  if (is_rotation(ev.type)) {
    if (has_duplicates(ev.backers_removed) || has_duplicates(ev.backers_added)) {
      return Error::corrupt("duplicate backer in br or ba");
    }
  }
  return check_delegator_field(ev);
}

std::string choose_signature_code(uint32_t index, std::optional<uint32_t> ondex) {
  if (!ondex) {
    return index < 64 ? "B" : "2B";
  }
  return (*ondex == index && index < 64) ? "A" : "2A";
}

Result<std::vector<crypto::PublicKey>> decode_keys(const std::vector<std::string>& keys) {
  std::vector<crypto::PublicKey> out;
  for (const auto& k : keys) {
    auto verkey = cesr::decode_verkey(k);
    if (!verkey) {
      return verkey.error();
    }
    out.push_back(std::move(verkey->key));
  }
  return out;
}

}  // namespace

Result<Seal> Seal::of_digest(std::string_view digest) {
  try {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    object["d"] = std::string(digest);
    return Seal(object.dump(), std::string(digest), Kind::kDigest, {}, {});
  } catch (const nlohmann::json::exception& e) {
    return Error::invalid_argument(std::string("cannot make a seal: ") + e.what());
  }
}

Result<Seal> Seal::of_event(std::string_view prefix, uint64_t sequence, std::string_view said) {
  try {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    object["i"] = std::string(prefix);
    object["s"] = hex_number(sequence);
    object["d"] = std::string(said);
    return Seal(object.dump(), std::string(said), Kind::kEvent, std::string(prefix), hex_number(sequence));
  } catch (const nlohmann::json::exception& e) {
    return Error::invalid_argument(std::string("cannot make a seal: ") + e.what());
  }
}

Result<Seal> Seal::of_event(const KeyEvent& event) { return of_event(event.prefix, event.sequence, event.said); }

Result<Seal> Seal::from_json(const nlohmann::ordered_json& object) {
  if (!object.is_object()) return Error::corrupt("seals must be JSON objects", "a");
  if (auto st = check_portable(object); !st) return Error{st.error().code, st.error().message, "a"};
  const auto string_member = [&object](const char* name) -> std::optional<std::string> {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  std::optional<std::string> digest = string_member("d");
  Kind kind = Kind::kOther;
  std::string prefix;
  std::string sequence;
  if (digest && object.size() == 1) kind = Kind::kDigest;
  if (digest && object.size() == 3) {
    auto i = string_member("i");
    auto s = string_member("s");
    if (i && s) {
      kind = Kind::kEvent;
      prefix = std::move(*i);
      sequence = std::move(*s);
    }
  }
  try {
    // Compact, UTF-8 as is: what the event's serialization holds.
    return Seal(object.dump(), std::move(digest), kind, std::move(prefix), std::move(sequence));
  } catch (const nlohmann::json::exception& e) {
    return Error::corrupt(std::string("cannot serialize a seal: ") + e.what(), "a");
  }
}

bool Seal::anchors(std::string_view prefix, uint64_t sequence, std::string_view said) const {
  return m_kind == Kind::kEvent && m_prefix == prefix && m_sequence == hex_number(sequence) && m_digest == said;
}

const char* to_string(EventType type) {
  switch (type) {
    case EventType::kInception: return "icp";
    case EventType::kRotation: return "rot";
    case EventType::kInteraction: return "ixn";
    case EventType::kDelegatedInception: return "dip";
    case EventType::kDelegatedRotation: return "drt";
  }
  return "ixn";
}

nlohmann::ordered_json to_json(const KeyEvent& ev) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["v"] = ev.version;
  j["t"] = to_string(ev.type);
  j["d"] = ev.said;
  j["i"] = ev.prefix;
  j["s"] = hex_number(ev.sequence);
  if (!is_inception(ev.type)) {
    j["p"] = ev.prior;
  }
  if (ev.type != EventType::kInteraction) {
    j["kt"] = hex_number(ev.key_threshold);
    j["k"] = ev.keys;
    j["nt"] = hex_number(ev.next_threshold);
    j["n"] = ev.next_digests;
    j["bt"] = hex_number(ev.backer_threshold);
  }
  if (is_inception(ev.type)) {
    j["b"] = ev.backers;
    j["c"] = ev.config;
  }
  if (is_rotation(ev.type)) {
    j["br"] = ev.backers_removed;
    j["ba"] = ev.backers_added;
  }
  j["a"] = nlohmann::ordered_json::array();
  for (const auto& seal : ev.seals) {
    j["a"].push_back(nlohmann::ordered_json::parse(seal.json()));
  }
  if (ev.type == EventType::kDelegatedInception || (ev.type == EventType::kDelegatedRotation && ev.drt_has_delegator)) {
    j["di"] = ev.delegator;
  }
  return j;
}

Result<std::string> serialize(const KeyEvent& event) {
  try {
    // Compact, UTF-8 as is (keripy: ensure_ascii=False; JSON.stringify does the same).
    return to_json(event).dump();
  } catch (const nlohmann::json::exception& e) {
    return Error::corrupt(std::string("cannot serialize event: ") + e.what());
  }
}

Result<KeyEvent> parse_event(std::string_view json_text) {
  auto json = parse_ordered_json_strict(json_text, kMaxEventBytes, kMaxEventDepth);
  if (!json) {
    return Error::corrupt(json.error().message);
  }
  return event_from_json(*json);
}

namespace {

// The steps of event_from_json, in the order the fields appear.

// `t`: icp, rot, ixn, dip or drt.
Result<EventType> event_type(const nlohmann::ordered_json& json) {
  if (!json.contains("t") || !json["t"].is_string()) return Error::corrupt("event has no type", "t");
  const std::string t = json["t"].get<std::string>();
  if (t == "icp") return EventType::kInception;
  if (t == "rot") return EventType::kRotation;
  if (t == "ixn") return EventType::kInteraction;
  if (t == "dip") return EventType::kDelegatedInception;
  if (t == "drt") return EventType::kDelegatedRotation;
  return Error::corrupt("unknown event type", t);
}

// Exactly the normative fields of the type, in the normative order (for a drt, either form).
Status check_field_order(const nlohmann::ordered_json& json, EventType type, bool drt_has_delegator) {
  const std::string t = to_string(type);
  const auto expected = fields_of(type, drt_has_delegator);
  size_t pos = 0;
  for (auto it = json.begin(); it != json.end(); ++it, ++pos) {
    if (pos >= expected.size()) return Error::corrupt("unexpected field in " + t + " event", it.key());
    if (it.key() != expected[pos]) {
      return Error::corrupt(
          "missing, unknown or misplaced field in " + t + " event (expected '" + std::string(expected[pos]) + "')",
          it.key());
    }
  }
  if (pos != expected.size()) return Error::corrupt("missing field in " + t + " event", std::string(expected[pos]));
  return {};
}

// `v`, `d`, `i`, `s` and, after the inception, `p`: the event's place and digests.
Status read_identifiers(const nlohmann::ordered_json& json, KeyEvent& ev) {
  auto v = get_string(json, "v");
  auto d = get_string(json, "d");
  auto i = get_string(json, "i");
  auto s = get_string(json, "s");
  if (!v) return v.error();
  if (!d) return d.error();
  if (!i) return i.error();
  if (!s) return s.error();
  ev.version = *v;
  ev.said = *d;
  ev.prefix = *i;
  auto seq = parse_hex_number(*s, UINT64_MAX, "s");
  if (!seq) return seq.error();
  ev.sequence = *seq;
  if (!cesr::decode_digest(ev.said)) return Error::corrupt("SAID is not an E-coded Blake3-256 digest", "d");
  if (!cesr::decode_digest(ev.prefix)) {
    // A basic (key) prefix is valid KERI, but did:keri identities here are self-addressing.
    if (cesr::decode_verkey(ev.prefix))
      return Error::unsupported("non-self-addressing prefixes are not supported", "i");
    return Error::corrupt("prefix is not an E-coded digest", "i");
  }
  if (is_inception(ev.type)) return {};
  auto p = get_string(json, "p");
  if (!p) return p.error();
  ev.prior = *p;
  if (!cesr::decode_digest(ev.prior)) return Error::corrupt("prior event digest is not an E-coded digest", "p");
  return {};
}

// `kt`, `k`, `nt`, `n`, `bt`: the keys of an establishment event (icp, rot).
Status read_keys(const nlohmann::ordered_json& json, KeyEvent& ev) {
  if (ev.type == EventType::kInteraction) return {};
  auto kt = get_threshold(json, "kt");
  auto k = get_string_list(json, "k");
  auto nt = get_threshold(json, "nt");
  auto n = get_string_list(json, "n");
  auto bt = get_threshold(json, "bt");
  if (!kt) return kt.error();
  if (!k) return k.error();
  if (!nt) return nt.error();
  if (!n) return n.error();
  if (!bt) return bt.error();
  ev.key_threshold = *kt;
  ev.keys = std::move(*k);
  ev.next_threshold = *nt;
  ev.next_digests = std::move(*n);
  ev.backer_threshold = *bt;
  return {};
}

// `b` and `c` of an inception, `br` and `ba` of a rotation.
Status read_backers(const nlohmann::ordered_json& json, KeyEvent& ev) {
  const bool inception = is_inception(ev.type);
  if (!inception && !is_rotation(ev.type)) return {};
  auto first = get_string_list(json, inception ? "b" : "br");
  auto second = get_string_list(json, inception ? "c" : "ba");
  if (!first) return first.error();
  if (!second) return second.error();
  (inception ? ev.backers : ev.backers_removed) = std::move(*first);
  (inception ? ev.config : ev.backers_added) = std::move(*second);
  return {};
}

// `a`: the seals, kept as given.
Status read_seals(const nlohmann::ordered_json& json, KeyEvent& ev) {
  const auto& a = json["a"];
  if (!a.is_array()) return Error::corrupt("seals must be a list", "a");
  for (const auto& object : a) {
    auto seal = Seal::from_json(object);
    if (!seal) return seal.error();
    ev.seals.push_back(std::move(*seal));
  }
  return {};
}

// `di` of a dip, and of a drt in Auths' form (checked by check_content).
Status read_delegator(const nlohmann::ordered_json& json, KeyEvent& ev) {
  if (ev.type != EventType::kDelegatedInception && !ev.drt_has_delegator) return {};
  auto di = get_string(json, "di");
  if (!di) return di.error();
  ev.delegator = std::move(*di);
  return {};
}

}  // namespace

Result<KeyEvent> event_from_json(const nlohmann::ordered_json& json) {
  if (!json.is_object()) return Error::corrupt("event is not a JSON object");
  auto type = event_type(json);
  if (!type) return type.error();
  const bool drt_has_delegator = *type == EventType::kDelegatedRotation && json.contains("di");
  if (auto st = check_field_order(json, *type, drt_has_delegator); !st) return st.error();
  KeyEvent ev;
  ev.type = *type;
  ev.drt_has_delegator = drt_has_delegator;
  for (const auto read : {&read_identifiers, &read_keys, &read_backers, &read_seals, &read_delegator}) {
    if (auto st = read(json, ev); !st) return st.error();
  }
  if (auto st = check_content(ev); !st) return st.error();
  return ev;
}

Result<Saidified> compute_said(const KeyEvent& event) {
  KeyEvent copy = event;
  const std::string placeholder(kSaidLength, '#');
  copy.said = placeholder;
  if (is_inception(copy.type)) {
    copy.prefix = placeholder;
  }
  copy.version = std::string(kVersionPrefix) + "000000_";
  auto sized = serialize(copy);
  if (!sized) {
    return sized.error();
  }
  if (sized->size() > kMaxVersionSize) {
    return Error::corrupt("event too large for a KERI version string");
  }
  char size_hex[8];
  std::snprintf(size_hex, sizeof size_hex, "%06zx", sized->size());
  copy.version = std::string(kVersionPrefix) + size_hex + "_";
  auto ser = serialize(copy);
  if (!ser) {
    return ser.error();
  }
  return Saidified{copy.version, cesr::blake3_qb64(*ser)};
}

Status saidify(KeyEvent& event) {
  auto s = compute_said(event);
  if (!s) {
    return s.error();
  }
  event.version = s->version;
  event.said = s->said;
  if (is_inception(event.type)) {
    event.prefix = s->said;
  }
  return {};
}

std::string next_key_digest(std::string_view verkey_qb64) { return cesr::blake3_qb64(verkey_qb64); }

Result<SignedEvent> parse_signed_event(std::string_view event_json, std::string_view attachment) {
  auto ev = parse_event(event_json);
  if (!ev) {
    return ev.error();
  }
  auto attached = cesr::decode_attachments(attachment);
  if (!attached) {
    return attached.error();
  }
  if (!attached->source_seals.empty() && !is_delegated(ev->type)) {
    return Error::corrupt(std::string("-G source seals on a ") + to_string(ev->type) + " event (only dip and drt)");
  }
  return SignedEvent{std::move(*ev), std::move(attached->signatures), std::move(attached->source_seals)};
}

Result<std::string> attachment_text(const SignedEvent& signed_event) {
  return cesr::encode_attachments(cesr::Attachments{signed_event.signatures, signed_event.source_seals});
}

Result<cesr::IndexedSignature> sign_event(const KeyEvent& event, const crypto::PrivateKey& key, uint32_t index,
                                          std::optional<uint32_t> ondex, bool current_only) {
  auto ser = serialize(event);
  if (!ser) {
    return ser.error();
  }
  auto sig = key.sign(util::to_bytes(*ser));
  if (!sig) {
    return sig.error();
  }
  const std::optional<uint32_t> prior = current_only ? std::nullopt : std::optional<uint32_t>(ondex.value_or(index));
  return cesr::IndexedSignature{choose_signature_code(index, prior), index, prior, std::move(*sig)};
}

const Establishment* KeyState::establishment_at(uint64_t seq) const {
  const Establishment* found = nullptr;
  for (const auto& e : establishments) {
    if (e.sequence <= seq) {
      found = &e;
    }
  }
  return found;
}

const AnchoredSeal* KeyState::find_digest_seal(std::string_view digest) const {
  const auto it = seals_by_digest.find(digest);
  return it == seals_by_digest.end() ? nullptr : &seals[it->second.front()];
}

std::vector<const AnchoredSeal*> KeyState::digest_seals(std::string_view digest) const {
  std::vector<const AnchoredSeal*> out;
  if (const auto it = seals_by_digest.find(digest); it != seals_by_digest.end()) {
    for (const size_t i : it->second) out.push_back(&seals[i]);
  }
  return out;
}

std::optional<uint64_t> KeyState::revoked_delegate(std::string_view delegate) const {
  for (const AnchoredSeal* s : digest_seals(delegate)) {
    if (s->seal.is_digest_seal()) return s->sequence;
  }
  return std::nullopt;
}

namespace {

// The steps of apply_event. Each checks one thing and, when it does not hold, sets `fault` and
// returns the Error, naming the event (`where`).

// The event on its own: its content, then its `v` and `d` against what the content gives.
Status check_integrity(const KeyEvent& ev, const std::string& where, Reason* fault) {
  if (auto st = check_content(ev); !st) {
    return refuse(fault_of(st.error()), fault, Error{st.error().code, st.error().message, where});
  }
  auto expected = compute_said(ev);
  if (!expected) return refuse(Reason::kKelMalformed, fault, Error::corrupt(expected.error().message, where));
  if (ev.version != expected->version) {
    return refuse(Reason::kKelBadVersion, fault,
                  Error::corrupt("version string '" + ev.version + "' should be '" + expected->version + "'", where));
  }
  if (ev.said != expected->said) {
    return refuse(Reason::kKelSaidMismatch, fault,
                  Error::corrupt("SAID does not match the event content (tampered event?)", where));
  }
  return {};
}

// Where the event sits in the KEL: an inception first (and only first), then each event the
// next one of the same identifier, chained to the last, while the identifier can still act.
Status check_position(const std::optional<KeyState>& state, const KeyEvent& ev, const std::string& where,
                      Reason* fault) {
  if (!state) {
    if (!is_inception(ev.type)) {
      return refuse(Reason::kKelNotInception, fault, Error::corrupt("a KEL must start with an inception", where));
    }
    if (ev.prefix != ev.said) {
      return refuse(Reason::kKelPrefixMismatch, fault, Error::corrupt("inception prefix is not its SAID", where));
    }
    return {};
  }
  if (is_inception(ev.type)) {
    return refuse(Reason::kKelNotInception, fault, Error::corrupt("second inception in a KEL", where));
  }
  if (ev.prefix != state->prefix) {
    return refuse(Reason::kKelPrefixMismatch, fault,
                  Error::corrupt("event belongs to another identifier (" + ev.prefix + ")", where));
  }
  if (ev.sequence <= state->sequence) {
    return refuse(Reason::kKelDuplicateSequence, fault,
                  Error::corrupt("sequence number already used (last is " + hex_number(state->sequence) + ")", where));
  }
  if (ev.sequence != state->sequence + 1) {
    return refuse(Reason::kKelSequenceGap, fault,
                  Error::corrupt("sequence number skips (last is " + hex_number(state->sequence) + ")", where));
  }
  if (ev.prior != state->last_said) {
    return refuse(Reason::kKelBrokenChain, fault,
                  Error::corrupt("prior digest is not the previous event's SAID", where));
  }
  if (state->abandoned()) {
    return refuse(Reason::kKelAbandoned, fault,
                  Error::corrupt("identifier was abandoned (no next keys); no further events", where));
  }
  if (ev.type == EventType::kInteraction &&
      std::find(state->config.begin(), state->config.end(), "EO") != state->config.end()) {
    return refuse(Reason::kKelEstablishmentOnly, fault,
                  Error::corrupt("interaction in an establishment-only KEL", where));
  }
  return {};
}

// Who must sign the event: its own keys for an establishment event, the current ones for ixn.
struct Signers {
  std::vector<crypto::PublicKey> keys;
  uint32_t threshold = 0;
};

Result<Signers> signers_of(const std::optional<KeyState>& state, const KeyEvent& ev, const std::string& where,
                           Reason* fault) {
  if (ev.type == EventType::kInteraction) return Signers{state->public_keys, state->key_threshold};
  auto decoded = decode_keys(ev.keys);
  if (!decoded) return refuse(Reason::kKelMalformed, fault, Error::corrupt(decoded.error().message, where));
  return Signers{std::move(*decoded), ev.key_threshold};
}

// The attached signatures: each by a distinct key of `signers` over the serialization, at least
// the threshold of them; a rotation's must also satisfy the prior next-key commitments.
Status check_signatures(const std::optional<KeyState>& state, const SignedEvent& signed_event, const Signers& signers,
                        const std::string& where, Reason* fault) {
  const KeyEvent& ev = signed_event.event;
  auto ser = serialize(ev);
  if (!ser) return refuse(Reason::kKelMalformed, fault, Error::corrupt(ser.error().message, where));
  const util::Bytes message = util::to_bytes(*ser);
  std::set<uint32_t> signed_by;
  std::set<uint32_t> matched_commitments;
  for (const auto& sig : signed_event.signatures) {
    const std::string sig_where = where + " sig " + std::to_string(sig.index);
    if (sig.index >= signers.keys.size()) {
      return refuse(Reason::kKelBadSignature, fault, Error::corrupt("signature index has no key", sig_where));
    }
    if (!signed_by.insert(sig.index).second) {
      return refuse(Reason::kKelMalformed, fault, Error::corrupt("two signatures for the same key", sig_where));
    }
    const crypto::PublicKey& key = signers.keys[sig.index];
    if (cesr::requires_p256(sig) && key.type() != crypto::KeyType::kEcdsaP256) {
      return refuse(Reason::kKelBadSignature, fault,
                    Error::corrupt("P-256 signature code for a non-P-256 key", sig_where));
    }
    if (!crypto::verify_signature(key, crypto::algorithm_for(key), message, sig.signature)) {
      return refuse(Reason::kKelBadSignature, fault,
                    Error::corrupt("signature does not verify against key " + std::to_string(sig.index), sig_where));
    }
    // Pre-rotation: a rotation's signing key k[index] counts toward the prior next threshold
    // when its qb64 digest is the prior commitment n[ondex].
    if (is_rotation(ev.type) && sig.ondex && *sig.ondex < state->next_digests.size() &&
        next_key_digest(ev.keys[sig.index]) == state->next_digests[*sig.ondex]) {
      matched_commitments.insert(*sig.ondex);
    }
  }
  if (signed_by.size() < signers.threshold) {
    return refuse(Reason::kKelThresholdNotMet, fault,
                  Error::corrupt(std::to_string(signed_by.size()) + " valid signature(s), threshold is " +
                                     std::to_string(signers.threshold),
                                 where));
  }
  if (is_rotation(ev.type) && matched_commitments.size() < state->next_threshold) {
    return refuse(
        Reason::kKelBadPreRotation, fault,
        Error::corrupt("rotation keys match " + std::to_string(matched_commitments.size()) +
                           " prior next-key commitment(s), " + std::to_string(state->next_threshold) + " required",
                       where));
  }
  return {};
}

// The backers after the event: an inception's own; after a rotation the current ones minus br
// (each must be a backer) plus ba (none may be one already), within the new threshold.
Result<std::vector<std::string>> backers_after(const std::optional<KeyState>& state, const KeyEvent& ev,
                                               const std::string& where, Reason* fault) {
  std::vector<std::string> backers = state ? state->backers : ev.backers;
  if (!is_rotation(ev.type)) return backers;
  for (const auto& cut : ev.backers_removed) {
    const auto it = std::find(backers.begin(), backers.end(), cut);
    if (it == backers.end()) {
      return refuse(Reason::kKelMalformed, fault, Error::corrupt("removed backer is not a backer", where));
    }
    backers.erase(it);
  }
  for (const auto& add : ev.backers_added) {
    if (std::find(backers.begin(), backers.end(), add) != backers.end()) {
      return refuse(Reason::kKelMalformed, fault, Error::corrupt("added backer is already a backer", where));
    }
    backers.push_back(add);
  }
  if (backers.empty() ? ev.backer_threshold != 0 : (ev.backer_threshold < 1 || ev.backer_threshold > backers.size())) {
    return refuse(Reason::kKelMalformed, fault, Error::corrupt("backer threshold out of range", where));
  }
  return backers;
}

// The state once the checked event is applied.
KeyState state_after(std::optional<KeyState> state, const KeyEvent& ev, Signers signers,
                     std::vector<std::string> backers) {
  KeyState next = state ? std::move(*state) : KeyState{};
  if (is_inception(ev.type)) {
    next.prefix = ev.prefix;
    next.config = ev.config;
    next.delegator = ev.delegator;  // empty for an icp
  }
  next.sequence = ev.sequence;
  next.last_said = ev.said;
  if (ev.type != EventType::kInteraction) {
    next.key_threshold = ev.key_threshold;
    next.keys = ev.keys;
    next.public_keys = signers.keys;
    next.next_threshold = ev.next_threshold;
    next.next_digests = ev.next_digests;
    next.backer_threshold = ev.backer_threshold;
    next.backers = std::move(backers);
    next.establishments.push_back(
        Establishment{ev.sequence, ev.said, ev.key_threshold, ev.keys, std::move(signers.keys)});
  }
  for (const auto& seal : ev.seals) {
    if (seal.digest()) next.seals_by_digest[*seal.digest()].push_back(next.seals.size());
    next.seals.push_back(AnchoredSeal{ev.sequence, ev.said, seal});
  }
  return next;
}

// The delegator of the event's identifier (a dip's `di`, else the state's), checked: known, at
// most kMaxDelegationDepth delegators up to a non-delegated one, no cycle.
Result<const KeyState*> delegator_of(const std::optional<KeyState>& state, const KeyEvent& ev,
                                     const KeyStateLookup& delegators, const std::string& where, Reason* fault) {
  const auto not_anchored = [&](const std::string& message) {
    return refuse(Reason::kKelDelegationNotAnchored, fault, Error::corrupt(message, where));
  };
  if (ev.type == EventType::kDelegatedRotation) {
    if (!state->delegated()) return not_anchored("drt of an identifier that is not delegated (it rotates with rot)");
    if (ev.drt_has_delegator && ev.delegator != state->delegator) {
      return not_anchored("drt names delegator " + ev.delegator + ", its dip named " + state->delegator);
    }
  }
  const std::string& prefix = ev.type == EventType::kDelegatedInception ? ev.delegator : state->delegator;
  if (!delegators) return not_anchored("delegated event, but no delegator key event logs to check it against");
  const KeyState* delegator = delegators(prefix);
  if (delegator == nullptr || delegator->prefix != prefix) {
    return not_anchored("delegator " + prefix + " has no key event log here");
  }
  std::set<std::string> seen = {ev.prefix};
  size_t depth = 0;
  for (const KeyState* up = delegator;;) {
    if (!seen.insert(up->prefix).second) return not_anchored("delegation cycle through " + up->prefix);
    if (++depth > kMaxDelegationDepth) {
      return not_anchored("more than " + std::to_string(kMaxDelegationDepth) + " delegators above this event");
    }
    if (!up->delegated()) break;
    const KeyState* next = delegators(up->delegator);
    if (next == nullptr || next->prefix != up->delegator) {
      return not_anchored("delegator " + up->delegator + " (above " + up->prefix + ") has no key event log here");
    }
    up = next;
  }
  return delegator;
}

// A dip or drt: the delegator's KEL must hold its KeyEvent seal, in the event its source seals
// name when it has any. A rot of a delegated identifier is refused (it must be a drt).
Status check_delegation(const std::optional<KeyState>& state, const SignedEvent& signed_event,
                        const KeyStateLookup& delegators, const std::string& where, Reason* fault) {
  const KeyEvent& ev = signed_event.event;
  if (ev.type == EventType::kRotation && state && state->delegated()) {
    return refuse(Reason::kKelDelegationNotAnchored, fault,
                  Error::corrupt("a delegated identifier rotates with drt, not rot", where));
  }
  if (!is_delegated(ev.type)) return {};
  auto delegator = delegator_of(state, ev, delegators, where, fault);
  if (!delegator) return delegator.error();
  const KeyState& by = **delegator;
  if (std::find(by.config.begin(), by.config.end(), "DND") != by.config.end()) {
    return refuse(Reason::kKelDelegationNotAnchored, fault,
                  Error::corrupt("delegator " + by.prefix + " is configured not to delegate (DND)", where));
  }
  // A KeyEvent seal's "d" is the event's SAID: only the seals with that digest can hold it.
  const std::vector<const AnchoredSeal*> candidates = by.digest_seals(ev.said);
  const auto holds_seal = [&](const AnchoredSeal* s) { return s->seal.anchors(ev.prefix, ev.sequence, ev.said); };
  if (signed_event.source_seals.empty()) {
    if (std::any_of(candidates.begin(), candidates.end(), holds_seal)) return {};
    return refuse(Reason::kKelDelegationNotAnchored, fault,
                  Error::corrupt("delegator " + by.prefix + " has no seal {\"i\": \"" + ev.prefix + "\", \"s\": \"" +
                                     hex_number(ev.sequence) + "\", \"d\": \"" + ev.said + "\"} anchoring this event",
                                 where));
  }
  for (const auto& source : signed_event.source_seals) {
    const bool anchored = std::any_of(candidates.begin(), candidates.end(), [&](const AnchoredSeal* s) {
      return s->sequence == source.sequence && s->event_said == source.said && holds_seal(s);
    });
    if (!anchored) {
      return refuse(
          Reason::kKelDelegationNotAnchored, fault,
          Error::corrupt("the -G source seal names event s=" + hex_number(source.sequence) + " (" + source.said +
                             ") of delegator " + by.prefix + ", which does not anchor this event",
                         where));
    }
  }
  return {};
}

}  // namespace

Status apply_event(std::optional<KeyState>& state, const SignedEvent& signed_event, Reason* fault,
                   const KeyStateLookup& delegators) {
  const KeyEvent& ev = signed_event.event;
  const std::string where = std::string(to_string(ev.type)) + " s=" + hex_number(ev.sequence);
  if (auto st = check_integrity(ev, where, fault); !st) return st;
  if (auto st = check_position(state, ev, where, fault); !st) return st;
  if (!signed_event.source_seals.empty() && !is_delegated(ev.type)) {
    return refuse(Reason::kKelMalformed, fault,
                  Error::corrupt("-G source seals on an event that is not delegated", where));
  }
  auto signers = signers_of(state, ev, where, fault);
  if (!signers) return signers.error();
  if (auto st = check_signatures(state, signed_event, *signers, where, fault); !st) return st;
  auto backers = backers_after(state, ev, where, fault);
  if (!backers) return backers.error();
  if (auto st = check_delegation(state, signed_event, delegators, where, fault); !st) return st;
  state = state_after(std::move(state), ev, std::move(*signers), std::move(*backers));
  return accept(fault);
}

Result<KeyState> replay_kel(std::span<const SignedEvent> kel, Reason* fault, size_t* failed_index,
                            const KeyStateLookup& delegators) {
  std::optional<KeyState> state;
  if (kel.empty()) {
    if (fault != nullptr) *fault = Reason::kKelNotInception;
    if (failed_index != nullptr) *failed_index = 0;
    return Error::corrupt("empty KEL");
  }
  for (size_t i = 0; i < kel.size(); ++i) {
    if (auto st = apply_event(state, kel[i], fault, delegators); !st) {
      if (failed_index != nullptr) *failed_index = i;
      return st.error();
    }
  }
  return std::move(*state);
}

namespace {

/// The last step of every builder: check the content, then set `v`, `d` (and `i`).
Result<KeyEvent> finish(KeyEvent ev) {
  if (auto st = check_content(ev); !st) return st.error();
  if (auto st = saidify(ev); !st) return st.error();
  return ev;
}

}  // namespace

namespace {

/// An inception of `type` (icp or dip) before its SAID is computed.
KeyEvent inception_event(EventType type, std::vector<std::string> keys, uint32_t key_threshold,
                         std::vector<std::string> next_digests, uint32_t next_threshold, std::vector<Seal> seals) {
  KeyEvent ev;
  ev.type = type;
  ev.sequence = 0;
  ev.key_threshold = key_threshold;
  ev.keys = std::move(keys);
  ev.next_threshold = next_threshold;
  ev.next_digests = std::move(next_digests);
  ev.seals = std::move(seals);
  ev.said = std::string(kSaidLength, '#');
  ev.prefix = ev.said;
  return ev;
}

}  // namespace

Result<KeyEvent> make_inception(std::vector<std::string> keys, uint32_t key_threshold,
                                std::vector<std::string> next_digests, uint32_t next_threshold,
                                std::vector<Seal> seals) {
  return finish(inception_event(EventType::kInception, std::move(keys), key_threshold, std::move(next_digests),
                                next_threshold, std::move(seals)));
}

Result<KeyEvent> make_rotation(const KeyState& state, std::vector<std::string> keys, uint32_t key_threshold,
                               std::vector<std::string> next_digests, uint32_t next_threshold,
                               std::vector<Seal> seals) {
  if (state.abandoned()) {
    return Error::invalid_argument("identifier is abandoned; it cannot rotate", state.prefix);
  }
  KeyEvent ev;
  ev.type = EventType::kRotation;
  ev.prefix = state.prefix;
  ev.sequence = state.sequence + 1;
  ev.prior = state.last_said;
  ev.key_threshold = key_threshold;
  ev.keys = std::move(keys);
  ev.next_threshold = next_threshold;
  ev.next_digests = std::move(next_digests);
  ev.backer_threshold = state.backer_threshold;
  ev.seals = std::move(seals);
  return finish(std::move(ev));
}

Result<KeyEvent> make_delegated_inception(std::vector<std::string> keys, uint32_t key_threshold,
                                          std::vector<std::string> next_digests, uint32_t next_threshold,
                                          std::string delegator_prefix, std::vector<Seal> seals) {
  KeyEvent ev = inception_event(EventType::kDelegatedInception, std::move(keys), key_threshold, std::move(next_digests),
                                next_threshold, std::move(seals));
  ev.delegator = std::move(delegator_prefix);
  return finish(std::move(ev));
}

Result<KeyEvent> make_delegated_rotation(const KeyState& state, std::vector<std::string> keys, uint32_t key_threshold,
                                         std::vector<std::string> next_digests, uint32_t next_threshold,
                                         std::vector<Seal> seals) {
  if (!state.delegated()) {
    return Error::invalid_argument("identifier is not delegated; it rotates with make_rotation", state.prefix);
  }
  auto ev =
      make_rotation(state, std::move(keys), key_threshold, std::move(next_digests), next_threshold, std::move(seals));
  if (!ev) return ev;
  ev->type = EventType::kDelegatedRotation;
  if (auto st = saidify(*ev); !st) return st.error();
  return ev;
}

Result<KeyEvent> make_interaction(const KeyState& state, std::vector<Seal> seals) {
  if (state.abandoned()) {
    return Error::invalid_argument("identifier is abandoned; it cannot add events", state.prefix);
  }
  KeyEvent ev;
  ev.type = EventType::kInteraction;
  ev.prefix = state.prefix;
  ev.sequence = state.sequence + 1;
  ev.prior = state.last_said;
  ev.seals = std::move(seals);
  return finish(std::move(ev));
}

}  // namespace auths::keri
