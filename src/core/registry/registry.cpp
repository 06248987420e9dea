#include "registry/registry.h"

#include <algorithm>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "git/trees.h"
#include "registry/auths_layout.h"
#include "registry/org.h"
#include "util/strings.h"
#include "util/time.h"

namespace auths::registry {

namespace {

constexpr std::string_view kIdentitiesDir = "v1/identities/";
/// A registry bigger than this many records is refused rather than loaded (bounded work per push).
constexpr size_t kMaxRecords = 200000;
/// How many commits one registry update may bring.
constexpr size_t kMaxUpdateCommits = 100000;

/// What a path in a registry tree is.
struct RecordPath {
  RecordKind kind = RecordKind::kInvalid;
  std::string prefix;
  uint64_t sequence = 0;
};

RecordPath classify(std::string_view path) {
  RecordPath out;
  if (util::starts_with(path, kApprovalsDir)) {
    // v1/approvals/<object id>/<name>.json; approval_path says which name (checked on apply).
    const auto parts = util::split(path.substr(kApprovalsDir.size()), '/');
    if (parts.size() == 2 && !parts[0].empty() && util::ends_with(parts[1], ".json") && parts[1].size() > 5) {
      out.kind = RecordKind::kApproval;
    }
    return out;
  }
  if (!util::starts_with(path, kIdentitiesDir)) return out;
  const auto parts = util::split(path.substr(kIdentitiesDir.size()), '/');
  if (parts.size() != 3 || !is_identity_prefix(parts[0])) return out;
  out.prefix = std::string(parts[0]);
  const std::string_view dir = parts[1];
  const std::string_view file = parts[2];
  if (dir == "kel") {
    const bool json = util::ends_with(file, ".json");
    const bool cesr = util::ends_with(file, ".cesr");
    const auto sequence = (json || cesr) ? parse_sequence_name(file.substr(0, file.size() - 5)) : std::nullopt;
    if (!sequence) return out;
    out.sequence = *sequence;
    out.kind = json ? RecordKind::kEvent : RecordKind::kSignatures;
    return out;
  }
  if (dir == "attestations" && util::ends_with(file, ".json") && file.size() > 5) {
    out.kind = RecordKind::kAttestation;
  }
  if (dir == "freezes" && util::ends_with(file, ".json") && file.size() > 5) {
    out.kind = RecordKind::kFreeze;
  }
  return out;
}

std::string compact_time(int64_t unix_seconds) {
  const auto tt = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[24];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

Result<std::string> read_blob(const git::RepoView& repo, const Oid& blob, const std::string& path) {
  auto raw = repo.read(blob);
  if (!raw) return raw.error();
  if (raw->type != git::ObjectType::kBlob) return Error::corrupt("not a file", path);
  return std::move(raw->data);
}

/// Records of one tree or one commit's additions, grouped for applying in dependency order.
struct Batch {
  struct Event {
    std::string json, json_path;
    std::string cesr, cesr_path;
  };
  std::map<std::pair<std::string, uint64_t>, Event> events;       // (prefix, seq) -> files
  std::vector<std::pair<std::string, std::string>> attestations;  // (path, content)
  std::vector<std::pair<std::string, std::string>> freezes;       // (path, content)
  std::vector<std::pair<std::string, std::string>> approvals;     // (path, content)
  /// Files of the Auths layout that are no KEL events (auths_layout.h), checked after the events.
  struct AuthsFile {
    std::string path, content;
    AuthsPath where;
    std::optional<std::string> previous;  // what an update of a device's attestation.json replaces
  };
  std::vector<AuthsFile> auths_files;
};

/// Where a path sits: in our layout (ours.kind) or in the Auths tools' (auths.kind).
struct Placed {
  RecordPath ours;
  AuthsPath auths;
  bool valid() const { return ours.kind != RecordKind::kInvalid || auths.kind != AuthsRecord::kInvalid; }
};

Placed place(std::string_view path) {
  Placed out{classify(path), {}};
  if (out.ours.kind == RecordKind::kInvalid) out.auths = classify_auths_path(path);
  return out;
}

/// Files one record under its place in `batch`, by what its path says it is.
void add_record(Batch& batch, const Placed& placed, const std::string& path, std::string content) {
  const RecordPath& rp = placed.ours;
  if (placed.auths.kind == AuthsRecord::kEvent || placed.auths.kind == AuthsRecord::kAttachments) {
    // The same KEL machinery as ours: only the file names differ.
    auto& e = batch.events[{placed.auths.prefix, placed.auths.sequence}];
    (placed.auths.kind == AuthsRecord::kEvent ? e.json : e.cesr) = std::move(content);
    (placed.auths.kind == AuthsRecord::kEvent ? e.json_path : e.cesr_path) = path;
    return;
  }
  if (placed.auths.kind != AuthsRecord::kInvalid) {
    batch.auths_files.push_back({path, std::move(content), placed.auths, std::nullopt});
    return;
  }
  switch (rp.kind) {
    case RecordKind::kEvent: {
      auto& e = batch.events[{rp.prefix, rp.sequence}];
      e.json = std::move(content);
      e.json_path = path;
      break;
    }
    case RecordKind::kSignatures: {
      auto& e = batch.events[{rp.prefix, rp.sequence}];
      e.cesr = std::move(content);
      e.cesr_path = path;
      break;
    }
    case RecordKind::kAttestation: batch.attestations.emplace_back(path, std::move(content)); break;
    case RecordKind::kFreeze: batch.freezes.emplace_back(path, std::move(content)); break;
    case RecordKind::kApproval: batch.approvals.emplace_back(path, std::move(content)); break;
    case RecordKind::kInvalid: break;
  }
}

/// Has `stop` (the server's time budget) said stop? Then the load ends with this kInternal
/// Error (never kInvalidArgument: that would blame a record).
bool stopped(const git::Stop& stop) { return stop && stop(); }
Error stopped_error() { return Error::internal("registry verification stopped: the time budget ran out"); }

/// Sorts files into a Batch. Paths outside both layouts are an error naming the path, and so is
/// a file of the other layout than `seen`'s (kRegistryMixedLayout in `fault`).
Status collect(const git::RepoView& repo, const std::vector<git::FileEntry>& files, Batch& batch, LayoutSeen& seen,
               Reason* fault, const git::Stop& stop = {}) {
  if (files.size() > kMaxRecords)
    return Error::invalid_argument("registry has more than " + std::to_string(kMaxRecords) + " files");
  for (const auto& [path, entry] : files) {
    if (stopped(stop)) return stopped_error();
    const Placed placed = place(path);
    if (!placed.valid()) {
      return Error::invalid_argument("'" + util::printable(path) + "' is not a registry record path", path);
    }
    if (auto noted = seen.note(path, fault); !noted) return noted;
    if (!entry.is_regular_file()) return Error::invalid_argument("a record must be a regular file", path);
    auto content = read_blob(repo, entry.id, path);
    if (!content) return content.error();
    if (content->size() > (1u << 20)) return Error::invalid_argument("record larger than 1 MiB", path);
    add_record(batch, placed, path, std::move(*content));
  }
  return {};
}

/// Applies a batch's events to `state`, each identity's in sequence order. A delegated event
/// (dip, drt) needs its delegator's anchoring event first, whatever the prefixes: an identity
/// whose next event is refused as kel-delegation-not-anchored waits, and is tried again after
/// the others, until a round makes no progress; an event still waiting then is the error. Each
/// identity waits only for its delegator, at most 16 deep, so there are at most 18 rounds.
Status apply_events(State& state, const Batch& batch, const git::Stop& stop) {
  std::map<std::string, std::deque<PendingEvent>> kels;
  for (const auto& [key, e] : batch.events) {
    const std::string where = e.json_path.empty() ? e.cesr_path : e.json_path;
    if (e.json_path.empty() || e.cesr_path.empty()) {
      return Error::invalid_argument("an event needs both its .json and its .cesr file", where);
    }
    auto signed_event = keri::parse_signed_event(e.json, e.cesr);
    if (!signed_event) return Error::invalid_argument(signed_event.error().message, where);
    if (signed_event->event.prefix != key.first || signed_event->event.sequence != key.second) {
      return Error::invalid_argument("event is stored under another identity or sequence number", where);
    }
    kels[key.first].push_back({where, std::move(*signed_event)});
  }
  return add_in_delegation_order(state, std::move(kels), stop);
}

/// Checks the files of the Auths layout that are no events, against the events `state` holds:
/// caches, device records, and the documents that are no authority (auths_layout.h).
Status check_auths_files(const State& state, const Batch& batch, std::optional<int64_t> now, Reason* fault) {
  for (const auto& file : batch.auths_files) {
    Status ok;
    switch (file.where.kind) {
      case AuthsRecord::kTip:
      case AuthsRecord::kState:
      case AuthsRecord::kIdentityMetadata:
      case AuthsRecord::kRegistryMetadata: ok = check_auths_cache(state, file.where, file.content, fault); break;
      case AuthsRecord::kDeviceAttestation:
      case AuthsRecord::kDeviceHistory:
        ok = check_auths_device_record(state, file.where, file.content, file.previous, now, fault);
        break;
      case AuthsRecord::kOrgMember:
      case AuthsRecord::kCredential:
      case AuthsRecord::kTel: ok = check_auths_document(file.content, fault); break;
      case AuthsRecord::kInvalid:
      case AuthsRecord::kEvent:
      case AuthsRecord::kAttachments: break;  // never filed here (add_record)
    }
    if (!ok) return Error::invalid_argument(ok.error().message, file.path);
  }
  return {};
}

/// Applies a batch to `state`: events per identity in sequence order (delegates after their
/// delegators' anchors: apply_events), then attestations in timestamp order, then the files of
/// the Auths layout. `now` (strict mode, for pushes) also refuses records from the future and
/// attestations stored under another name than their canonical path. `fault` gets the reason
/// of a refusal when it is not registry-invalid-record.
Status apply(State& state, Batch& batch, std::optional<int64_t> now, Reason* fault = nullptr,
             const git::Stop& stop = {}) {
  if (auto applied = apply_events(state, batch, stop); !applied) return applied;
  std::vector<std::pair<keri::Attestation, std::string>> parsed;
  for (auto& [path, content] : batch.attestations) {
    auto att = keri::parse_attestation(content);
    if (!att) return Error::invalid_argument(att.error().message, path);
    parsed.emplace_back(std::move(*att), path);
  }
  std::stable_sort(parsed.begin(), parsed.end(),
                   [](const auto& a, const auto& b) { return a.first.timestamp < b.first.timestamp; });
  for (auto& [att, path] : parsed) {
    if (stopped(stop)) return stopped_error();
    if (now) {
      auto canonical = attestation_path(att);
      if (!canonical) return Error::invalid_argument(canonical.error().message, path);
      if (*canonical != path)
        return Error::invalid_argument("attestation must be stored as '" + *canonical + "'", path);
      if (att.timestamp.unix_seconds > *now + 300) {
        return Error::invalid_argument("attestation-from-the-future: timestamp " + att.timestamp.text + " is after now",
                                       path);
      }
    }
    if (auto added = state.add_attestation(std::move(att), now); !added)
      return Error::invalid_argument(added.error().message, path);
  }
  // Freezes last: whether their signer may freeze depends on the memberships.
  std::vector<std::pair<FreezeRecord, std::string>> freezes;
  for (auto& [path, content] : batch.freezes) {
    auto record = parse_freeze(content);
    if (!record) return Error::invalid_argument(record.error().message, path);
    if (now) {
      auto canonical = freeze_path(*record);
      if (!canonical) return Error::invalid_argument(canonical.error().message, path);
      if (*canonical != path)
        return Error::invalid_argument("freeze record must be stored as '" + *canonical + "'", path);
      if (record->timestamp.unix_seconds > *now + 300)
        return Error::invalid_argument("freeze record dated after now: " + record->timestamp.text, path);
    }
    freezes.emplace_back(std::move(*record), path);
  }
  std::stable_sort(freezes.begin(), freezes.end(),
                   [](const auto& a, const auto& b) { return a.first.timestamp < b.first.timestamp; });
  for (auto& [record, path] : freezes) {
    if (auto added = state.add_freeze(std::move(record), now); !added)
      return Error::invalid_argument(added.error().message, path);
  }
  // Approvals depend on nothing else in the registry: their path must be what their content
  // says (at every load: the hook looks them up by object), their signature their own key's.
  for (auto& [path, content] : batch.approvals) {
    if (stopped(stop)) return stopped_error();
    auto record = parse_approval(content);
    if (!record) return Error::invalid_argument(record.error().to_string(), path);
    auto canonical = approval_path(*record);
    if (!canonical) return Error::invalid_argument(canonical.error().to_string(), path);
    if (*canonical != path) return Error::invalid_argument("approval must be stored as '" + *canonical + "'", path);
    if (now && record->timestamp.unix_seconds > *now + 300)
      return Error::invalid_argument("approval dated after now: " + record->timestamp.text, path);
    if (auto added = state.add_approval(std::move(*record)); !added)
      return Error::invalid_argument(added.error().message, path);
  }
  return check_auths_files(state, batch, now, fault);
}

}  // namespace

RecordKind record_kind(std::string_view path) { return classify(path).kind; }

Status add_in_delegation_order(State& state, std::map<std::string, std::deque<PendingEvent>> kels,
                               const git::Stop& stop) {
  std::map<std::string, std::string> waiting;  // prefix -> why its first event waits
  for (bool progress = true; progress && !kels.empty();) {
    progress = false;
    for (auto it = kels.begin(); it != kels.end();) {
      std::deque<PendingEvent>& events = it->second;
      while (!events.empty()) {
        if (stopped(stop)) return stopped_error();
        Reason fault = Reason::kOk;
        auto added = state.add_event(events.front().event, &fault);
        if (!added && fault == Reason::kKelDelegationNotAnchored) {
          waiting[it->first] = added.error().message;
          break;
        }
        if (!added) return Error::invalid_argument(added.error().message, events.front().where);
        events.pop_front();
        progress = true;
      }
      it = events.empty() ? kels.erase(it) : std::next(it);
    }
  }
  if (!kels.empty()) {
    const auto& [prefix, events] = *kels.begin();
    return Error::invalid_argument(waiting[prefix], events.front().where);
  }
  return {};
}

std::string record_file_name(int64_t unix_seconds, std::string_view digest) {
  return compact_time(unix_seconds) + "-" + std::string(digest.substr(0, 16)) + ".json";
}

std::string event_path(std::string_view prefix, uint64_t sequence) {
  return std::string(kIdentitiesDir) + std::string(prefix) + "/kel/" + sequence_name(sequence) + ".json";
}

std::string signatures_path(std::string_view prefix, uint64_t sequence) {
  return std::string(kIdentitiesDir) + std::string(prefix) + "/kel/" + sequence_name(sequence) + ".cesr";
}

Result<std::string> attestation_path(const keri::Attestation& attestation) {
  auto prefix = keri::parse_did_keri(attestation.issuer);
  if (!prefix) return prefix.error();
  auto digest = keri::attestation_digest(attestation);
  if (!digest) return digest.error();
  return std::string(kIdentitiesDir) + *prefix + "/attestations/" +
         record_file_name(attestation.timestamp.unix_seconds, *digest);
}

namespace {

Error read_only() { return Error::invalid_argument("a registry read on demand takes no new records"); }

}  // namespace

Status State::add_event(const keri::SignedEvent& event, Reason* fault) {
  if (m_on_demand) return read_only();
  const std::string& prefix = event.event.prefix;
  std::optional<keri::KeyState> current;
  const auto it = m_identities.find(prefix);
  // The state is moved in, not copied (a copy of an org's KEL state, thousands of seals, per
  // event made loading quadratic), and back when the event is refused (apply_event leaves it
  // unchanged then). Only a delegated event looks identities up, possibly this one: it works on
  // a copy, so that the lookup never sees a moved-from state.
  const bool move = it != m_identities.end() && !keri::is_delegated(event.event.type);
  std::vector<crypto::PublicKey> old_keys;
  if (it != m_identities.end()) {
    old_keys = it->second.public_keys;
    current = move ? std::move(it->second) : it->second;
  }
  Reason reason = Reason::kOk;
  const keri::KeyStateLookup delegators = [this](std::string_view p) { return identity(p); };
  if (auto applied = keri::apply_event(current, event, &reason, delegators); !applied) {
    if (move) it->second = std::move(*current);
    if (fault != nullptr) *fault = reason;
    return Error::invalid_argument(std::string(name(reason)) + ": " + applied.error().message);
  }
  if (fault != nullptr) *fault = Reason::kOk;
  // The key index follows the current keys: a rotation drops the old ones.
  for (const auto& key : old_keys) {
    auto [first, last] = m_by_key.equal_range(key_index(key));
    for (auto k = first; k != last; ++k) {
      if (k->second == prefix) {
        m_by_key.erase(k);
        break;
      }
    }
  }
  for (const auto& key : current->public_keys) m_by_key.emplace(key_index(key), prefix);
  m_identities[prefix] = std::move(*current);
  return {};
}

namespace {

/// A key's SSH blob as a map key (a string, not a byte vector: GCC 12 at -O3 warns falsely on
/// comparing vectors of bytes).
std::string blob_index(const crypto::PublicKey& key) {
  const util::Bytes& blob = key.ssh_blob();
  return std::string(blob.begin(), blob.end());
}

}  // namespace

std::string State::key_index(const crypto::PublicKey& key) {
  const auto& raw = key.raw();
  return std::string(raw.begin(), raw.end());
}

std::vector<const keri::KeyState*> State::identities_with_key(const crypto::PublicKey& key) const {
  if (m_on_demand) return fetch<keri::KeyState>(Lookup::kCurrentKey, key_index(key));
  std::vector<const keri::KeyState*> out;
  auto [first, last] = m_by_key.equal_range(key_index(key));
  for (auto k = first; k != last; ++k) {
    if (const keri::KeyState* state = identity(k->second)) out.push_back(state);
  }
  return out;
}

Status State::add_attestation(keri::Attestation attestation, std::optional<int64_t> now) {
  if (m_on_demand) return read_only();
  auto prefix = keri::parse_did_keri(attestation.issuer);
  if (!prefix) return Error::invalid_argument("issuer: " + prefix.error().message);
  if (identity(*prefix) == nullptr) {
    return Error::invalid_argument("issuer " + attestation.issuer + " has no key event log in the registry");
  }
  // Whose KEL signs and anchors: the issuer's, or for a membership an admin's.
  auto signer_prefix = keri::parse_did_keri(attestation.signer());
  if (!signer_prefix) return Error::invalid_argument("delegated_by: " + signer_prefix.error().message);
  const keri::KeyState* issuer = identity(*signer_prefix);
  if (issuer == nullptr) {
    return Error::invalid_argument("signer " + attestation.signer() + " has no key event log in the registry");
  }
  // Every link and revocation must be anchored in its issuer's KEL (a seal {"d": digest}) and
  // signed by the keys in force when it was anchored: those never change, so a record accepted
  // when pushed stays valid at every later load (the current key would not: it changes with
  // each rotation, and one record turned invalid makes the whole registry unloadable).
  // An unanchored record is first checked against the current key too, so that a forgery is
  // reported as one rather than as unanchored.
  auto digest = keri::attestation_digest(attestation);
  if (!digest) return Error::invalid_argument(digest.error().message);
  const bool anchored = issuer->find_digest_seal(*digest) != nullptr;
  const auto signed_by = anchored ? keri::SignedBy::kAnchoringKeys : keri::SignedBy::kAnchoringOrCurrentKeys;
  Reason fault = Reason::kOk;
  const Status signed_ok = attestation.is_revocation()
                               ? keri::verify_revocation(attestation, *issuer, &fault, signed_by)
                               : keri::verify_attestation(attestation, *issuer, &fault, signed_by);
  if (!signed_ok) return Error::invalid_argument(std::string(name(fault)) + ": " + signed_ok.error().message);
  if (!anchored) {
    return Error::invalid_argument(std::string(name(Reason::kAttestationNotAnchored)) + ": " + attestation.signer() +
                                   " has no key event anchoring this record (seal {\"d\": \"" + *digest + "\"})");
  }
  if (attestation.is_membership()) {
    if (auto ok = check_org_signer(attestation, now); !ok) return ok;
  } else if (!attestation.is_revocation()) {
    if (auto ok = check_agent_delegation(attestation); !ok) return ok;
  }

  if (attestation.is_revocation()) {
    m_revocations_by_pair[{attestation.issuer, attestation.subject}].push_back(m_revocations.size());
    m_revocations.push_back(std::move(attestation));
  } else if (attestation.is_membership()) {
    m_memberships_by_pair[{attestation.issuer, attestation.subject}].push_back(m_memberships.size());
    m_memberships.push_back(std::move(attestation));
  } else {
    const size_t at = m_links.size();
    if (attestation.device_public_key) m_links_by_key[blob_index(*attestation.device_public_key)].push_back(at);
    m_links_by_subject[attestation.subject].push_back(at);
    m_links_by_issuer[attestation.issuer].push_back(at);
    m_links.push_back(std::move(attestation));
  }
  return {};
}

namespace {

/// Why `admin` may not sign an org record for `org` covering `repos` ("" = org-wide) with
/// `capabilities` at `at`, or nullopt when it may.
std::optional<std::string> admin_refusal(const State& state, const std::string& org, const std::string& admin,
                                         const std::vector<std::string>& repos,
                                         const std::vector<std::string>& capabilities, int64_t at) {
  const std::vector<std::string> scopes = repos.empty() ? std::vector<std::string>{""} : repos;
  for (const auto& project : scopes) {
    const MemberStatus status = membership_at(state, org, admin, project, at);
    const std::string where = project.empty() ? "org-wide" : "for " + project;
    if (status.kind != MemberStatus::Kind::kActive) {
      const char* why = status.kind == MemberStatus::Kind::kRevoked   ? "whose membership is revoked"
                        : status.kind == MemberStatus::Kind::kExpired ? "whose membership expired"
                                                                      : "who is not a member";
      return admin + " signed it, " + why + " (" + where + ") at " + util::format_utc(at);
    }
    if (!status.has(kManageMembers)) {
      return admin + " signed it without holding manage_members (" + where + ") at " + util::format_utc(at);
    }
    for (const auto& capability : capabilities) {
      if (!status.has(capability)) {
        return admin + " grants '" + capability + "', which it does not hold itself (" + where + ")";
      }
    }
  }
  return std::nullopt;
}

}  // namespace

Status State::check_org_signer(const keri::Attestation& record, std::optional<int64_t> now) const {
  if (!record.delegated_by) return {};  // signed by the org itself
  const bool revocation = record.is_revocation();
  // A revocation ends every membership of the member, so only an org-wide admin may sign one.
  const std::vector<std::string> repos = revocation ? std::vector<std::string>{} : record.repos;
  const std::vector<std::string> capabilities = revocation ? std::vector<std::string>{} : record.capabilities;
  for (const std::optional<int64_t> at : {std::optional<int64_t>(record.timestamp.unix_seconds), now}) {
    if (!at) continue;
    if (auto why = admin_refusal(*this, record.issuer, *record.delegated_by, repos, capabilities, *at)) {
      return Error::invalid_argument(std::string(name(Reason::kRegistryInvalidRecord)) + ": org record of " +
                                     record.issuer + ": " + *why);
    }
  }
  return {};
}

Status State::check_agent_delegation(const keri::Attestation& link) const {
  const auto refuse = [&link](const std::string& why) {
    return Error::invalid_argument("record of " + link.issuer + " for " + link.subject + ": " + why);
  };
  if (link.subject == link.issuer) return refuse("an identity cannot delegate to itself");
  // An issuer that is itself an agent passes on at most what it was granted.
  const keri::Attestation* own_grant = nullptr;
  for (const auto& grant : delegations_of(link.issuer)) {
    if (grant.revocation == nullptr || link.timestamp < *grant.revocation->revoked_at) own_grant = grant.link;
  }
  if (own_grant != nullptr) {
    for (const auto& capability : link.capabilities) {
      if (std::find(own_grant->capabilities.begin(), own_grant->capabilities.end(), capability) ==
          own_grant->capabilities.end()) {
        return refuse(std::string(name(Reason::kAgentScopeExceeded)) + ": the issuer is an agent and grants '" +
                      capability + "', which its own delegation does not");
      }
    }
  }
  if (!util::starts_with(link.subject, "did:keri:")) return {};
  if (!link.is_agent_delegation()) {
    return refuse("a link to an identity is an agent delegation: its signer_type must be Agent or Workload");
  }
  // An agent delegation: the agent is a KERI delegated identifier of the issuer (its dip names
  // the issuer, whose KEL anchors it: kel.h), so any KERI implementation can follow the chain,
  // and the link names one of the agent's keys.
  auto agent_prefix = keri::parse_did_keri(link.subject);
  const keri::KeyState* agent = agent_prefix ? identity(*agent_prefix) : nullptr;
  if (agent == nullptr) return refuse("the agent has no key event log in the registry");
  const auto issuer_prefix = keri::parse_did_keri(link.issuer);
  if (!agent->delegated() || !issuer_prefix || agent->delegator != *issuer_prefix) {
    return refuse(agent->delegated()
                      ? "the agent is a delegated identifier of did:keri:" + agent->delegator + ", not of the issuer"
                      : "the agent is not a delegated identifier (its key event log starts with icp, not a dip "
                        "naming the issuer)");
  }
  bool agent_key = false;
  for (const auto& establishment : agent->establishments) {
    for (const auto& key : establishment.public_keys) agent_key = agent_key || key == *link.device_public_key;
  }
  if (!agent_key) return refuse("the linked key is not a key of the agent's key event log");
  return {};
}

Status State::add_freeze(FreezeRecord record, std::optional<int64_t> now) {
  if (m_on_demand) return read_only();
  auto org_prefix = keri::parse_did_keri(record.org);
  if (!org_prefix || identity(*org_prefix) == nullptr)
    return Error::invalid_argument("freeze record: org " + record.org + " has no key event log in the registry");
  auto signer_prefix = keri::parse_did_keri(record.signer);
  const keri::KeyState* signer = signer_prefix ? identity(*signer_prefix) : nullptr;
  if (signer == nullptr)
    return Error::invalid_argument("freeze record: signer " + record.signer + " has no key event log in the registry");
  if (auto ok = verify_freeze_signature(record, *signer); !ok)
    return Error::invalid_argument("freeze record: " + ok.error().message);
  if (record.signer != record.org) {
    for (const std::optional<int64_t> at : {std::optional<int64_t>(record.timestamp.unix_seconds), now}) {
      if (!at) continue;
      if (auto why = admin_refusal(*this, record.org, record.signer, {}, {}, *at)) {
        return Error::invalid_argument(std::string(name(Reason::kRegistryInvalidRecord)) + ": freeze record of " +
                                       record.org + ": " + *why);
      }
    }
  }
  m_freezes.push_back(std::move(record));
  return {};
}

Status State::add_approval(Approval record) {
  if (m_on_demand) return read_only();
  if (auto ok = verify_approval(record); !ok) return Error::invalid_argument(ok.error().to_string());
  m_approvals_by_object[record.object].push_back(m_approvals.size());
  m_approvals.push_back(std::move(record));
  return {};
}

const keri::KeyState* State::identity(std::string_view prefix) const {
  if (m_on_demand) {
    const auto found = fetch<keri::KeyState>(Lookup::kIdentity, prefix);
    return found.empty() ? nullptr : found.front();
  }
  const auto it = m_identities.find(std::string(prefix));
  return it == m_identities.end() ? nullptr : &it->second;
}

namespace {

/// The entry of `index` for `key`, or nullptr.
template <typename Index, typename Key>
const std::vector<size_t>* entry(const Index& index, const Key& key) {
  const auto it = index.find(key);
  return it == index.end() ? nullptr : &it->second;
}

}  // namespace

Grant State::make_grant(const keri::Attestation& link) const {
  Grant grant;
  grant.link = &link;
  auto prefix = keri::parse_did_keri(link.issuer);
  if (prefix) grant.identity = identity(*prefix);
  // A revocation names the issuer and subject of what it revokes: only those are candidates.
  std::vector<const keri::Attestation*> candidates;
  if (m_on_demand) {
    candidates = fetch<keri::Attestation>(Lookup::kRevocation, lookup_pair(link.issuer, link.subject));
  } else if (const auto* positions = entry(m_revocations_by_pair, Pair{link.issuer, link.subject})) {
    for (const size_t i : *positions) candidates.push_back(&m_revocations[i]);
  }
  grant.revocation = keri::earliest_revocation(link, candidates);
  return grant;
}

std::vector<Grant> State::grants_at(const std::vector<keri::Attestation>& all,
                                    const std::vector<size_t>* positions) const {
  std::vector<Grant> out;
  if (positions != nullptr) {
    for (const size_t i : *positions) out.push_back(make_grant(all[i]));
  }
  return out;
}

std::vector<Grant> State::grants_for_key(const crypto::PublicKey& key) const {
  if (m_on_demand) {
    const util::Bytes& blob = key.ssh_blob();
    return fetch_grants(Lookup::kLinkKey, std::string(blob.begin(), blob.end()));
  }
  return grants_at(m_links, entry(m_links_by_key, blob_index(key)));
}

std::vector<Grant> State::grants_of(std::string_view prefix) const {
  if (m_on_demand) return fetch_grants(Lookup::kLinkIssuer, "did:keri:" + std::string(prefix));
  return grants_at(m_links, entry(m_links_by_issuer, "did:keri:" + std::string(prefix)));
}

std::vector<Grant> State::memberships(std::string_view org, std::string_view member) const {
  if (m_on_demand) return fetch_grants(Lookup::kMembership, lookup_pair(org, member));
  return grants_at(m_memberships, entry(m_memberships_by_pair, Pair{org, member}));
}

std::vector<Grant> State::delegations_of(std::string_view agent) const {
  std::vector<Grant> out =
      m_on_demand ? fetch_grants(Lookup::kLinkSubject, agent) : grants_at(m_links, entry(m_links_by_subject, agent));
  std::erase_if(out, [](const Grant& g) { return !g.link->is_agent_delegation(); });
  return out;
}

std::vector<const FreezeRecord*> State::freezes_of(std::string_view org) const {
  std::vector<const FreezeRecord*> out;
  if (m_on_demand) out = fetch<FreezeRecord>(Lookup::kFreeze, org);
  for (const auto& record : m_freezes) {
    if (record.org == org) out.push_back(&record);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const FreezeRecord* a, const FreezeRecord* b) { return a->timestamp < b->timestamp; });
  return out;
}

std::vector<const Approval*> State::approvals_of(std::string_view object_hex) const {
  if (m_on_demand) return fetch<Approval>(Lookup::kApproval, object_hex);
  std::vector<const Approval*> out;
  if (const auto* positions = entry(m_approvals_by_object, object_hex)) {
    for (const size_t i : *positions) out.push_back(&m_approvals[i]);
  }
  return out;
}

namespace {

/// The state of the registry tree `tree` of `commit`; `seen` gets its layout.
Result<State> load_tree(const git::RepoView& repo, const Oid& commit, const Oid& tree, LayoutSeen& seen,
                        const git::Stop& stop) {
  auto files = git::list_files(repo, tree);
  if (!files) return files.error();
  Batch batch;
  Status ok = collect(repo, *files, batch, seen, nullptr, stop);
  State state;
  if (ok) ok = apply(state, batch, std::nullopt, nullptr, stop);
  if (!ok) {
    Error e = ok.error();
    e.message = "registry " + commit.short_hex() + ": " + e.message;
    return e;
  }
  return state;
}

/// The caches (tip.json, state.json) of each identity whose events `batch` adds, as the tree
/// of `commit` holds them when `batch` does not: an event appended without its cache rewritten
/// leaves the cache contradicting the log.
Status check_untouched_caches(const git::RepoView& repo, const Oid& commit, const State& state, const Batch& batch,
                              Reason* fault) {
  std::set<std::string> checked;
  for (const auto& file : batch.auths_files) checked.insert(file.path);
  for (const auto& [key, event] : batch.events) {
    if (record_kind(event.json_path) != RecordKind::kInvalid) continue;  // our layout has no caches
    for (const char* name : {"tip.json", "state.json"}) {
      const std::string path = auths_identity_dir(key.first) + name;
      if (!checked.insert(path).second) continue;
      auto content = git::read_file(repo, commit, path);
      if (!content) return content.error();
      if (!content->has_value()) continue;
      if (auto ok = check_auths_cache(state, classify_auths_path(path), **content, fault); !ok)
        return Error::invalid_argument(ok.error().message, path);
    }
  }
  return {};
}

}  // namespace

Result<State> load(const git::RepoView& repo, const Oid& commit, const git::Stop& stop) {
  auto info = git::read_commit(repo, commit);
  if (!info) return info.error();
  LayoutSeen seen;
  return load_tree(repo, commit, info->tree, seen, stop);
}

Result<State> load_directory(const std::string& dir) {
  namespace fs = std::filesystem;
  Batch batch;
  std::error_code ec;
  const fs::path root(dir);
  if (!fs::exists(root / "v1", ec)) return State{};
  size_t count = 0;
  std::vector<std::pair<std::string, fs::path>> records;
  for (auto it = fs::recursive_directory_iterator(root / "v1", ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    if (++count > kMaxRecords) return Error::invalid_argument("registry copy has too many files", dir);
    std::string path = fs::relative(it->path(), root).generic_string();
    if (!place(path).valid()) continue;  // a local copy may hold other files
    records.emplace_back(std::move(path), it->path());
  }
  if (ec) return Error::io(ec.message(), dir);
  // In path order, as a tree lists them: the same file is named whatever order the directory has.
  std::sort(records.begin(), records.end());
  LayoutSeen seen;
  for (const auto& [path, file] : records) {
    if (auto noted = seen.note(path); !noted) return noted.error();
    std::ifstream in(file, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    if (!in) return Error::io("cannot read", file.string());
    add_record(batch, place(path), path, content.str());
  }
  State state;
  if (auto applied = apply(state, batch, std::nullopt); !applied) return applied.error();
  return state;
}

Result<State> load_current(const git::Repository& repo) {
  auto tip = repo.resolve_commit(kRegistryRef);
  if (!tip) return tip.error();
  if (!tip->has_value()) return State{};
  return load(repo, **tip);
}

Result<State> verify_update(const git::RepoView& repo, const std::optional<Oid>& old_tip, const Oid& new_tip,
                            std::vector<Problem>& problems, const git::Stop& stop) {
  // The chain old..new, which must be linear and start at old.
  std::vector<std::pair<Oid, git::CommitInfo>> chain;
  Oid cursor = new_tip;
  while (!(old_tip && cursor == *old_tip)) {
    if (stopped(stop)) return stopped_error();
    auto info = git::read_commit(repo, cursor);
    if (!info) return info.error();
    if (info->parents.size() > 1) {
      problems.push_back({Reason::kRegistryMerge, cursor, "registry history must be linear; this commit is a merge"});
      return State{};
    }
    const bool root = info->parents.empty();
    chain.emplace_back(cursor, std::move(*info));
    if (chain.size() > kMaxUpdateCommits) {
      problems.push_back({Reason::kRegistryTooLarge, new_tip,
                          "registry update brings more than " + std::to_string(kMaxUpdateCommits) + " commits"});
      return State{};
    }
    if (root) {
      if (old_tip) {
        problems.push_back({Reason::kRegistryNotFastForward, new_tip,
                            "registry update does not build on the current registry " + old_tip->short_hex() +
                                " (records would be lost)"});
        return State{};
      }
      break;
    }
    cursor = chain.back().second.parents.front();
  }

  State state;
  LayoutSeen seen;  // the layout of the registry so far: a commit adding the other one is refused
  std::optional<Oid> parent_tree;
  if (old_tip) {
    auto old_info = git::read_commit(repo, *old_tip);
    if (!old_info) return old_info.error();
    auto loaded = load_tree(repo, *old_tip, old_info->tree, seen, stop);
    if (!loaded) return loaded.error();
    state = std::move(*loaded);
    parent_tree = old_info->tree;
  }
  const int64_t now = util::now_unix();
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (stopped(stop)) return stopped_error();
    const Oid& commit = it->first;
    auto changes = git::diff_trees(repo, parent_tree, it->second.tree);
    if (!changes) return changes.error();
    std::vector<git::FileEntry> added;
    std::map<std::string, std::string> replaced;  // a device's attestation.json -> what it was
    for (const auto& change : *changes) {
      const AuthsPath where = classify_auths_path(change.path);
      if (change.change == git::Change::kModified && overwritten_in_place(where.kind)) {
        // The Auths tools overwrite these: the new content is judged like an added file's.
        if (where.kind == AuthsRecord::kDeviceAttestation) {
          auto old = git::tree_entry(repo, *parent_tree, change.path);
          if (!old) return old.error();
          if (!old->has_value()) return Error::corrupt("a changed file is missing from the parent tree", change.path);
          auto content = read_blob(repo, (*old)->id, change.path);
          if (!content) return content.error();
          replaced[change.path] = std::move(*content);
        }
      } else if (change.change != git::Change::kAdded) {
        problems.push_back({Reason::kRegistryEdit, commit,
                            "record '" + util::printable(change.path) + "' was " +
                                (change.change == git::Change::kDeleted ? "removed" : "changed") +
                                "; the registry only grows"});
        return state;
      }
      added.push_back({change.path, change.entry});
    }
    Batch batch;
    Reason fault = Reason::kRegistryInvalidRecord;
    Status ok = collect(repo, added, batch, seen, &fault, stop);
    for (auto& file : batch.auths_files) {
      if (const auto was = replaced.find(file.path); was != replaced.end()) file.previous = std::move(was->second);
    }
    if (ok) ok = apply(state, batch, now, &fault, stop);
    if (ok) ok = check_untouched_caches(repo, commit, state, batch, &fault);
    if (!ok) {
      if (ok.error().code != ErrorCode::kInvalidArgument) return ok.error();
      problems.push_back({fault, commit, ok.error().to_string()});
      return state;
    }
    parent_tree = it->second.tree;
  }
  return state;
}

Result<std::optional<Oid>> publish(git::Repository& repo, const std::vector<std::pair<std::string, std::string>>& files,
                                   const std::string& message) {
  auto tip = repo.resolve_commit(kRegistryRef);
  if (!tip) return tip.error();
  std::optional<Oid> base_tree;
  if (tip->has_value()) {
    auto info = repo.read_commit(**tip);
    if (!info) return info.error();
    base_tree = info->tree;
    // Our records in a registry of the Auths layout would make a tree that every hook refuses
    // (registry-mixed-layout): say so here instead.
    auto existing = git::list_files(repo, *base_tree);
    if (!existing) return existing.error();
    for (const auto& file : *existing) {
      if (layout_of(file.path) == Layout::kAuths) {
        return Error::invalid_argument(
            "refs/auths/registry is in the Auths tools' layout ('" + util::printable(file.path) +
            "'); this toolkit writes its own layout, and a registry holding both is refused "
            "(registry-mixed-layout): keep such a registry to the Auths tools, or publish to a registry of this "
            "toolkit's layout");
      }
    }
  }
  std::vector<std::pair<std::string, std::string>> new_files;
  for (const auto& [path, content] : files) {
    if (classify(path).kind == RecordKind::kInvalid) {
      return Error::invalid_argument("'" + path + "' is not a registry record path");
    }
    if (base_tree) {
      auto existing = git::tree_entry(repo, *base_tree, path);
      if (!existing) return existing.error();
      if (existing->has_value()) {
        auto current = read_blob(repo, (*existing)->id, path);
        if (!current) return current.error();
        if (*current != content) {
          return Error::invalid_argument(
              "the registry already has a different record at this path (records never change)", path);
        }
        continue;
      }
    }
    new_files.emplace_back(path, content);
  }
  if (new_files.empty()) return std::optional<Oid>{};
  auto tree = repo.write_tree(base_tree, new_files);
  if (!tree) return tree.error();
  std::vector<Oid> parents;
  if (tip->has_value()) parents.push_back(**tip);
  auto commit = repo.write_commit(*tree, parents, message, "auths", "auths@localhost");
  if (!commit) return commit.error();
  if (auto moved = repo.update_ref(kRegistryRef, *commit, *tip, "auths registry publish"); !moved) return moved.error();
  return std::optional<Oid>(*commit);
}

}  // namespace auths::registry
