// The on-demand State (registry.h, State::on_demand and State::records): the records of a
// registry that was loaded and verified in full, each encoded once with the lookups that find
// it, and read back one lookup at a time.
//
// Encodings (the first byte says which):
//   'K' an identity's key state, in SSH wire fields (ssh/wire.h): prefix, sequence (two uint32,
//       high first), last SAID, key threshold, keys, next threshold, next digests, backer
//       threshold, backers, config, delegator, then each establishment (sequence, SAID,
//       threshold, keys). Lists are a uint32 count, then the strings. Keys are qb64 and decoded
//       again when read. No seals: nothing is verified against an on-demand State.
//   'A' an attestation as stored (keri::serialize_attestation).
//   'F' a freeze or unfreeze record as stored (serialize_freeze).
//   'P' an approval record as stored (serialize_approval).
//   'D' what a delegator's KEL says of a delegated identifier (KelDelegation), in SSH wire
//       fields: delegate, delegator, revoked (uint32 0/1) and the sequence revoking it, agent
//       (0/1), scoped (0/1), capabilities, role, expires (0/1) and the expiry, scope error.
#include <algorithm>
#include <span>
#include <type_traits>

#include "keri/cesr.h"
#include "registry/registry.h"
#include "ssh/wire.h"

namespace auths::registry {

namespace {

constexpr char kKeyStateBody = 'K';
constexpr char kAttestationBody = 'A';
constexpr char kFreezeBody = 'F';
constexpr char kApprovalBody = 'P';
constexpr char kKelDelegationBody = 'D';

void put_list(ssh::wire::Writer& out, const std::vector<std::string>& items) {
  out.put_uint32(static_cast<uint32_t>(items.size()));
  for (const auto& item : items) out.put_string(std::string_view(item));
}

void put_u64(ssh::wire::Writer& out, uint64_t value) {
  out.put_uint32(static_cast<uint32_t>(value >> 32));
  out.put_uint32(static_cast<uint32_t>(value & 0xffffffffu));
}

std::string encode_key_state(const keri::KeyState& state) {
  ssh::wire::Writer out;
  out.put_bytes(std::string_view(&kKeyStateBody, 1));
  out.put_string(std::string_view(state.prefix));
  put_u64(out, state.sequence);
  out.put_string(std::string_view(state.last_said));
  out.put_uint32(state.key_threshold);
  put_list(out, state.keys);
  out.put_uint32(state.next_threshold);
  put_list(out, state.next_digests);
  out.put_uint32(state.backer_threshold);
  put_list(out, state.backers);
  put_list(out, state.config);
  out.put_string(std::string_view(state.delegator));
  out.put_uint32(static_cast<uint32_t>(state.establishments.size()));
  for (const auto& e : state.establishments) {
    put_u64(out, e.sequence);
    out.put_string(std::string_view(e.said));
    out.put_uint32(e.key_threshold);
    put_list(out, e.keys);
  }
  const util::Bytes& bytes = out.bytes();
  return std::string(bytes.begin(), bytes.end());
}

/// Reads the fields encode_key_state wrote; the first failure is kept and every later read
/// gives an empty value.
class FieldReader {
 public:
  explicit FieldReader(std::string_view data)
      : m_reader(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size())) {}

  std::string text() {
    auto read = m_reader.read_string("registry record");
    if (!keep(read)) return {};
    return std::string(read->begin(), read->end());
  }
  uint32_t u32() {
    auto read = m_reader.read_uint32("registry record");
    return keep(read) ? *read : 0;
  }
  uint64_t u64() {
    const uint64_t high = u32();
    return (high << 32) | u32();
  }
  std::vector<std::string> list() {
    const uint32_t count = u32();
    std::vector<std::string> out(std::min<size_t>(count, m_reader.remaining() / 4));  // each at least 4 bytes
    for (auto& item : out) item = text();
    return out;
  }
  std::vector<crypto::PublicKey> keys(const std::vector<std::string>& qb64) {
    std::vector<crypto::PublicKey> out;
    for (const auto& k : qb64) {
      auto key = keri::cesr::decode_verkey(k);
      if (keep(key)) out.push_back(key->key);
    }
    return out;
  }
  Status finish() {
    if (!m_error && !m_reader.at_end()) m_error = Error::corrupt("trailing bytes in a registry record");
    if (m_error) return *m_error;
    return {};
  }

 private:
  template <typename T>
  bool keep(const Result<T>& read) {
    if (read) return !m_error;
    if (!m_error) m_error = read.error();
    return false;
  }
  ssh::wire::Reader m_reader;
  std::optional<Error> m_error;
};

Result<keri::KeyState> decode_key_state(std::string_view body) {
  FieldReader in(body);
  keri::KeyState state;
  state.prefix = in.text();
  state.sequence = in.u64();
  state.last_said = in.text();
  state.key_threshold = in.u32();
  state.keys = in.list();
  state.public_keys = in.keys(state.keys);
  state.next_threshold = in.u32();
  state.next_digests = in.list();
  state.backer_threshold = in.u32();
  state.backers = in.list();
  state.config = in.list();
  state.delegator = in.text();
  state.establishments.resize(std::min<size_t>(in.u32(), body.size()));
  for (auto& e : state.establishments) {
    e.sequence = in.u64();
    e.said = in.text();
    e.key_threshold = in.u32();
    e.keys = in.list();
    e.public_keys = in.keys(e.keys);
  }
  if (auto ok = in.finish(); !ok) return ok.error();
  return state;
}

std::string encode_kel_delegation(const KelDelegation& facts) {
  ssh::wire::Writer out;
  out.put_bytes(std::string_view(&kKelDelegationBody, 1));
  out.put_string(std::string_view(facts.delegate));
  out.put_string(std::string_view(facts.delegator));
  out.put_uint32(facts.revoked_at ? 1 : 0);
  put_u64(out, facts.revoked_at.value_or(0));
  out.put_uint32(facts.agent ? 1 : 0);
  out.put_uint32(facts.scoped ? 1 : 0);
  put_list(out, facts.capabilities);
  out.put_string(std::string_view(facts.role));
  out.put_uint32(facts.expires_at ? 1 : 0);
  put_u64(out, static_cast<uint64_t>(facts.expires_at.value_or(0)));
  out.put_string(std::string_view(facts.scope_error));
  const util::Bytes& bytes = out.bytes();
  return std::string(bytes.begin(), bytes.end());
}

Result<KelDelegation> decode_kel_delegation(std::string_view body) {
  FieldReader in(body);
  KelDelegation facts;
  facts.delegate = in.text();
  facts.delegator = in.text();
  const bool revoked = in.u32() != 0;
  const uint64_t revoked_at = in.u64();
  if (revoked) facts.revoked_at = revoked_at;
  facts.agent = in.u32() != 0;
  facts.scoped = in.u32() != 0;
  facts.capabilities = in.list();
  facts.role = in.text();
  const bool expires = in.u32() != 0;
  const uint64_t expires_at = in.u64();
  if (expires) facts.expires_at = static_cast<int64_t>(expires_at);
  facts.scope_error = in.text();
  if (auto ok = in.finish(); !ok) return ok.error();
  return facts;
}

std::string tagged(char tag, const std::string& text) { return std::string(1, tag) + text; }

}  // namespace

std::string lookup_pair(std::string_view first, std::string_view second) {
  ssh::wire::Writer out;
  out.put_string(first);
  out.put_string(second);
  const util::Bytes& bytes = out.bytes();
  return std::string(bytes.begin(), bytes.end());
}

struct State::OnDemand {
  std::shared_ptr<const RecordSource> source;
  std::optional<Error> error;
  // The records read so far, by id (map nodes: what a lookup handed out stays where it is).
  std::map<uint64_t, keri::KeyState> identities;
  std::map<uint64_t, keri::Attestation> attestations;
  std::map<uint64_t, FreezeRecord> freezes;
  std::map<uint64_t, Approval> approvals;
  std::map<uint64_t, KelDelegation> kel_delegations;
  std::map<std::pair<Lookup, std::string>, std::vector<uint64_t>> found;  // lookups made

  void fail(const Error& e) {
    if (!error) error = e;
  }

  template <typename T>
  std::map<uint64_t, T>& records() {
    if constexpr (std::is_same_v<T, keri::KeyState>) {
      return identities;
    } else if constexpr (std::is_same_v<T, keri::Attestation>) {
      return attestations;
    } else if constexpr (std::is_same_v<T, FreezeRecord>) {
      return freezes;
    } else if constexpr (std::is_same_v<T, KelDelegation>) {
      return kel_delegations;
    } else {
      static_assert(std::is_same_v<T, Approval>);
      return approvals;
    }
  }

  bool known(uint64_t id) const {
    return identities.count(id) + attestations.count(id) + freezes.count(id) + approvals.count(id) +
               kel_delegations.count(id) !=
           0;
  }

  Status read(uint64_t id, std::string_view body) {
    const std::string_view rest = body.empty() ? body : body.substr(1);
    const char tag = body.empty() ? '\0' : body.front();
    if (tag == kKeyStateBody) {
      auto state = decode_key_state(rest);
      if (!state) return state.error();
      identities.emplace(id, std::move(*state));
    } else if (tag == kAttestationBody) {
      auto attestation = keri::parse_attestation(rest);
      if (!attestation) return attestation.error();
      attestations.emplace(id, std::move(*attestation));
    } else if (tag == kFreezeBody) {
      auto record = parse_freeze(rest);
      if (!record) return record.error();
      freezes.emplace(id, std::move(*record));
    } else if (tag == kApprovalBody) {
      auto record = parse_approval(rest);
      if (!record) return record.error();
      approvals.emplace(id, std::move(*record));
    } else if (tag == kKelDelegationBody) {
      auto facts = decode_kel_delegation(rest);
      if (!facts) return facts.error();
      kel_delegations.emplace(id, std::move(*facts));
    } else {
      return Error::corrupt("registry record " + std::to_string(id) + " has an unknown encoding");
    }
    return {};
  }

  const std::vector<uint64_t>& lookup(Lookup kind, std::string_view key) {
    std::pair<Lookup, std::string> where{kind, std::string(key)};
    if (const auto it = found.find(where); it != found.end()) return it->second;
    std::vector<uint64_t> ids;
    auto rows = source->find(kind, key);
    if (!rows) fail(rows.error());
    for (const auto& [id, body] : rows ? *rows : std::vector<std::pair<uint64_t, std::string>>{}) {
      if (!known(id)) {
        if (auto ok = read(id, body); !ok) {
          fail(ok.error());
          continue;
        }
      }
      ids.push_back(id);
    }
    return found.emplace(std::move(where), std::move(ids)).first->second;
  }
};

State State::on_demand(std::shared_ptr<const RecordSource> source) {
  State state;
  state.m_on_demand = std::make_shared<OnDemand>();
  state.m_on_demand->source = std::move(source);
  return state;
}

std::optional<Error> State::source_error() const { return m_on_demand ? m_on_demand->error : std::nullopt; }

template <typename T>
std::vector<const T*> State::fetch(Lookup kind, std::string_view key) const {
  std::vector<const T*> out;
  OnDemand& on_demand = *m_on_demand;
  for (const uint64_t id : on_demand.lookup(kind, key)) {
    const auto& records = on_demand.records<T>();
    const auto it = records.find(id);
    if (it == records.end()) {
      on_demand.fail(Error::corrupt("registry record " + std::to_string(id) + " is not what its lookup finds"));
      continue;
    }
    out.push_back(&it->second);
  }
  return out;
}

template std::vector<const keri::KeyState*> State::fetch(Lookup, std::string_view) const;
template std::vector<const keri::Attestation*> State::fetch(Lookup, std::string_view) const;
template std::vector<const FreezeRecord*> State::fetch(Lookup, std::string_view) const;
template std::vector<const Approval*> State::fetch(Lookup, std::string_view) const;
template std::vector<const KelDelegation*> State::fetch(Lookup, std::string_view) const;

std::vector<Grant> State::fetch_grants(Lookup kind, std::string_view key) const {
  std::vector<Grant> out;
  for (const keri::Attestation* record : fetch<keri::Attestation>(kind, key)) out.push_back(make_grant(*record));
  return out;
}

Result<std::vector<IndexedRecord>> State::records() const {
  if (m_on_demand) return Error::invalid_argument("a registry read on demand cannot list its records");
  std::vector<IndexedRecord> out;
  uint64_t rank = 0;  // one counter: each lookup's records are met in the State's order
  const auto add = [&out](std::string body) -> IndexedRecord& {
    out.push_back({out.size() + 1, std::move(body), {}});
    return out.back();
  };
  std::map<std::string, size_t, std::less<>> identity_at;
  for (const auto& [prefix, state] : m_identities) {
    identity_at.emplace(prefix, out.size());
    add(encode_key_state(state)).lookups.push_back({Lookup::kIdentity, prefix, rank++});
  }
  for (const auto& [key, prefix] : m_by_key) {
    out[identity_at.find(prefix)->second].lookups.push_back({Lookup::kCurrentKey, key, rank++});
  }
  const auto add_attestation = [&add](const keri::Attestation& record) -> Result<IndexedRecord*> {
    auto text = keri::serialize_attestation(record);
    if (!text) return text.error();
    return &add(tagged(kAttestationBody, *text));
  };
  for (const auto& link : m_links) {
    auto record = add_attestation(link);
    if (!record) return record.error();
    if (link.device_public_key) {
      const util::Bytes& blob = link.device_public_key->ssh_blob();
      (*record)->lookups.push_back({Lookup::kLinkKey, std::string(blob.begin(), blob.end()), rank++});
    }
    (*record)->lookups.push_back({Lookup::kLinkSubject, link.subject, rank++});
    (*record)->lookups.push_back({Lookup::kLinkIssuer, link.issuer, rank++});
  }
  for (const auto& [all, kind] :
       {std::pair{&m_memberships, Lookup::kMembership}, std::pair{&m_revocations, Lookup::kRevocation}}) {
    for (const auto& attestation : *all) {
      auto record = add_attestation(attestation);
      if (!record) return record.error();
      (*record)->lookups.push_back({kind, lookup_pair(attestation.issuer, attestation.subject), rank++});
    }
  }
  for (const auto& freeze : m_freezes) {
    auto text = serialize_freeze(freeze);
    if (!text) return text.error();
    add(tagged(kFreezeBody, *text)).lookups.push_back({Lookup::kFreeze, freeze.org, rank++});
  }
  for (const auto& approval : m_approvals) {
    auto text = serialize_approval(approval);
    if (!text) return text.error();
    add(tagged(kApprovalBody, *text)).lookups.push_back({Lookup::kApproval, approval.object, rank++});
  }
  for (const auto& [prefix, state] : m_identities) {
    if (const auto facts = kel_delegation(prefix)) {
      add(encode_kel_delegation(*facts)).lookups.push_back({Lookup::kKelDelegation, prefix, rank++});
    }
  }
  return out;
}

}  // namespace auths::registry
