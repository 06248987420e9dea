// auths/client/audit_ops.h: the registry's history as events, and the incident report. Both
// read the records through the same parsers the registry uses (keri/attestation.h,
// keri/kel.h, registry/freeze.h) and describe members and links as `auths org list` and
// `auths id show-devices` do (registry_views.h).
#include "auths/client/audit_ops.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "file_io.h"
#include "git/repository.h"
#include "git/trees.h"
#include "home.h"
#include "keri/attestation.h"
#include "keri/kel.h"
#include "registry/auths_layout.h"
#include "registry/freeze.h"
#include "registry/org.h"
#include "registry/registry.h"
#include "registry_views.h"
#include "util/strings.h"
#include "util/time.h"

namespace auths::client {

namespace fs = std::filesystem;

namespace {

/// How many registry commits the log walks at most (as many as one registry update may bring).
constexpr size_t kMaxCommits = 100000;
constexpr int64_t kYear = 365 * 86400;

/// The records to read: a repository's refs/auths/registry, or the home's copy.
struct Opened {
  AuditSource source;
  std::optional<git::Repository> repo;
  std::optional<Oid> tip;
};

/// Needs a git::Session alive while the result is used.
Result<Opened> open_source(const fs::path& home, const std::string& repo_path) {
  Opened out;
  auto repo = git::Repository::open(repo_path.empty() ? "." : repo_path);
  if (!repo && !repo_path.empty()) {
    return Error::not_found("cannot open the repository: " + repo.error().message, repo_path);
  }
  if (repo) {
    auto tip = repo->resolve_commit(registry::kRegistryRef);
    if (!tip) return tip.error();
    if (tip->has_value()) {
      out.source.repository = repo->path();
      out.source.registry = (*tip)->hex();
      out.tip = **tip;
      out.repo.emplace(std::move(*repo));
      return out;
    }
  }
  out.source.home_copy = registry_copy_dir(home).string();
  return out;
}

/// An event with what orders it: the record's own time, else its commit's.
struct Item {
  AuditEvent event;
  std::optional<keri::Timestamp> stamp;  // the record's own time
  std::optional<int64_t> committed;      // its commit's time
  std::optional<int64_t> when() const { return stamp ? std::optional<int64_t>(stamp->unix_seconds) : committed; }
};

Item error_item(const std::string& path, const std::string& why) {
  Item item;
  item.event.kind = "error";
  item.event.note = why;
  item.event.record = path;
  return item;
}

std::string text_or_empty(const std::optional<keri::Timestamp>& t) { return t ? t->text : std::string(); }

AgentLabel agent_label(const keri::Attestation& a) {
  if (!a.metadata) return {};
  return {a.metadata->type, a.metadata->name, a.metadata->setup_profile, a.metadata->ephemeral};
}

Item attestation_item(const keri::Attestation& a, const std::string& path) {
  Item item;
  AuditEvent& e = item.event;
  const bool revoked = a.is_revocation();
  if (a.is_membership()) {
    e.kind = revoked ? "membership-revoked" : "membership-added";
  } else if (util::starts_with(a.subject, "did:key:")) {
    e.kind = revoked ? "device-revoked" : "device-linked";
  } else {
    e.kind = revoked ? "agent-revoked" : "agent-delegated";
  }
  e.timestamp = a.timestamp.text;
  e.subject = a.subject;
  e.issuer = a.issuer;
  e.signer = a.signer();
  e.role = a.role.value_or("");
  if (!a.is_membership()) e.signer_type = keri::to_string(a.signer_type);
  e.capabilities = a.capabilities;
  e.teams = a.teams;
  e.repos = a.repos;
  e.expires_at = text_or_empty(a.expires_at);
  e.note = a.note.value_or("");
  e.agent = agent_label(a);
  e.record = path;
  item.stamp = a.timestamp;
  return item;
}

Item freeze_item(const registry::FreezeRecord& f, const std::string& path) {
  Item item;
  AuditEvent& e = item.event;
  e.kind = f.freeze ? "freeze" : "unfreeze";
  e.timestamp = f.timestamp.text;
  e.subject = f.org;
  e.issuer = f.org;
  e.signer = f.signer;
  e.until = text_or_empty(f.until);
  e.note = f.reason.value_or("");
  e.record = path;
  item.stamp = f.timestamp;
  return item;
}

Item approval_item(const registry::Approval& a, const std::string& path) {
  Item item;
  AuditEvent& e = item.event;
  e.kind = a.approve ? "approval" : "rejection";
  e.timestamp = a.timestamp.text;
  e.subject = a.object;
  e.signer = a.signer_key.fingerprint();
  e.note = a.ref ? *a.ref + (a.note.empty() ? "" : ": " + a.note) : a.note;
  e.record = path;
  item.stamp = a.timestamp;
  return item;
}

/// The event of a KEL event; nullopt for an interaction event (it only anchors other records).
std::optional<Item> kel_item(const keri::KeyEvent& event, const std::string& path) {
  Item item;
  AuditEvent& e = item.event;
  switch (event.type) {
    case keri::EventType::kInteraction: return std::nullopt;
    case keri::EventType::kInception: e.kind = "identity-incepted"; break;
    case keri::EventType::kDelegatedInception:
      e.kind = "delegate-incepted";
      e.note = "delegated by did:keri:" + event.delegator;
      break;
    case keri::EventType::kRotation:
    case keri::EventType::kDelegatedRotation:
      e.kind = "keys-rotated";
      e.note = "sequence " + std::to_string(event.sequence);
      break;
  }
  e.subject = e.issuer = e.signer = "did:keri:" + event.prefix;
  e.record = path;
  return item;
}

/// The event one record file makes, parsed as what its path says it is; nullopt for files that
/// make none (signatures, interaction events, the Auths layout's caches and documents).
std::optional<Item> file_item(const std::string& path, std::string_view content) {
  const auto failed = [&path](const Error& e) { return error_item(path, "cannot parse the record: " + e.message); };
  switch (registry::record_kind(path)) {
    case registry::RecordKind::kSignatures: return std::nullopt;
    case registry::RecordKind::kEvent: {
      auto event = keri::parse_event(content);
      if (!event) return failed(event.error());
      return kel_item(*event, path);
    }
    case registry::RecordKind::kAttestation: {
      auto attestation = keri::parse_attestation(content);
      if (!attestation) return failed(attestation.error());
      return attestation_item(*attestation, path);
    }
    case registry::RecordKind::kFreeze: {
      auto freeze = registry::parse_freeze(content);
      if (!freeze) return failed(freeze.error());
      return freeze_item(*freeze, path);
    }
    case registry::RecordKind::kApproval: {
      auto approval = registry::parse_approval(content);
      if (!approval) return failed(approval.error());
      return approval_item(*approval, path);
    }
    case registry::RecordKind::kInvalid: break;
  }
  // The layout the Auths CLI writes: its events and device records are events of the audit;
  // its caches and documents are none.
  switch (registry::classify_auths_path(path).kind) {
    case registry::AuthsRecord::kEvent: {
      auto event = keri::parse_event(content);
      if (!event) return failed(event.error());
      return kel_item(*event, path);
    }
    case registry::AuthsRecord::kDeviceAttestation: {
      auto attestation = keri::parse_attestation(content);
      if (!attestation) return failed(attestation.error());
      // A device's record (its subject a did:keri delegated device): no agent delegation.
      Item item = attestation_item(*attestation, path);
      item.event.kind = attestation->is_revocation() ? "device-revoked" : "device-linked";
      return item;
    }
    case registry::AuthsRecord::kInvalid: break;
    default: return std::nullopt;
  }
  return error_item(path, "not a registry record path");
}

/// Orders the events of one commit (or of the home's copy): those without a time of their own
/// (KEL events, errors) first, in path order, then the records by their time.
void order_batch(std::vector<Item>& batch) {
  std::stable_sort(batch.begin(), batch.end(), [](const Item& a, const Item& b) {
    if (!a.stamp || !b.stamp) return !a.stamp && b.stamp;
    return *a.stamp < *b.stamp;
  });
}

Result<std::vector<Item>> repository_items(const git::Repository& repo, const Oid& tip) {
  // The chain from the tip to the first commit, by first parents (the registry's is linear).
  std::vector<std::pair<Oid, git::CommitInfo>> chain;
  for (std::optional<Oid> cursor = tip; cursor;) {
    auto info = git::read_commit(repo, *cursor);
    if (!info) return info.error();
    const std::optional<Oid> parent = info->parents.empty() ? std::nullopt : std::optional<Oid>(info->parents.front());
    chain.emplace_back(*cursor, std::move(*info));
    if (chain.size() > kMaxCommits) {
      return Error::invalid_argument("the registry's history has more than " + std::to_string(kMaxCommits) +
                                     " commits");
    }
    cursor = parent;
  }
  std::vector<Item> out;
  std::optional<Oid> parent_tree;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const auto& [commit, info] = *it;
    std::vector<Item> batch;
    if (info.parents.size() > 1)
      batch.push_back(error_item("", "a merge commit: the registry's history must be linear"));
    auto changes = git::diff_trees(repo, parent_tree, info.tree);
    if (!changes) return changes.error();
    for (const auto& change : *changes) {
      // The Auths layout rewrites some files in place (caches, a device's attestation.json:
      // the latter read again as the record it now is); the hooks judged the rewrite on push.
      const bool rewritable = change.change == git::Change::kModified &&
                              registry::overwritten_in_place(registry::classify_auths_path(change.path).kind);
      if (change.change != git::Change::kAdded && !rewritable) {
        batch.push_back(error_item(change.path, std::string("record ") +
                                                    (change.change == git::Change::kDeleted ? "removed" : "changed") +
                                                    ": the registry only grows"));
        continue;
      }
      auto content = git::read_file(repo, commit, change.path, kMaxRecordSize);
      if (!content) {
        if (content.error().code != ErrorCode::kInvalidArgument) return content.error();
        batch.push_back(error_item(change.path, content.error().message));
        continue;
      }
      if (auto item = file_item(change.path, content->value_or(""))) batch.push_back(std::move(*item));
    }
    order_batch(batch);
    for (auto& item : batch) {
      item.event.commit = commit.hex();
      item.event.committed_at = util::format_utc(info.committer_time);
      item.committed = info.committer_time;
      out.push_back(std::move(item));
    }
    parent_tree = info.tree;
  }
  return out;
}

Result<std::vector<Item>> home_items(const fs::path& home) {
  auto files = registry_files(home);
  if (!files) return files.error();
  std::vector<Item> out;
  for (const auto& [path, content] : *files) {
    if (auto item = file_item(path, content)) out.push_back(std::move(*item));
  }
  order_batch(out);
  return out;
}

/// The events of `opened`, oldest first, at or after `since` when given.
Result<std::vector<AuditEvent>> events_of(const Opened& opened, const fs::path& home, std::optional<int64_t> since) {
  auto items = opened.repo ? repository_items(*opened.repo, *opened.tip) : home_items(home);
  if (!items) return items.error();
  std::vector<AuditEvent> out;
  for (auto& item : *items) {
    const auto when = item.when();
    if (since && (!when || *when < *since)) continue;
    out.push_back(std::move(item.event));
  }
  return out;
}

// --- the incident report ---

/// The standing of `did` in `org` at `now` over every scope it holds a membership for: active
/// when one is, else the latest inactive one (revoked or expired), else kNotAMember.
registry::MemberStatus standing(const registry::State& state, const std::string& org, const std::string& did,
                                int64_t now) {
  std::set<std::string> scopes{""};
  for (const auto& grant : state.memberships(org, did))
    scopes.insert(grant.link->repos.begin(), grant.link->repos.end());
  registry::MemberStatus latest;
  for (const auto& scope : scopes) {
    const registry::MemberStatus status = registry::membership_at(state, org, did, scope, now);
    if (status.kind == registry::MemberStatus::Kind::kActive) return status;
    if (status.record != nullptr && (latest.record == nullptr || latest.record->timestamp < status.record->timestamp))
      latest = status;
  }
  return latest;
}

const char* standing_name(registry::MemberStatus::Kind kind) {
  switch (kind) {
    case registry::MemberStatus::Kind::kActive: return "active";
    case registry::MemberStatus::Kind::kRevoked: return "revoked";
    case registry::MemberStatus::Kind::kExpired: return "expired";
    case registry::MemberStatus::Kind::kNotAMember: break;
  }
  return "none";
}

/// Why the chain above a link that `issuer` made no longer holds at `now`: a delegation of the
/// issuer (when it is an agent) or, at the top, its membership in `org`, revoked or expired. An
/// agent with several delegations stands while one of them does. nullopt when the chain holds,
/// or ends at an identity outside the org.
std::optional<std::string> fallen_above(const registry::State& state, const std::string& org, const std::string& issuer,
                                        int64_t now, size_t depth = 1) {
  const std::vector<registry::Grant> grants = state.delegations_of(issuer);
  if (grants.empty()) {
    const registry::MemberStatus top = standing(state, org, issuer, now);
    if (top.kind == registry::MemberStatus::Kind::kRevoked)
      return "the membership of " + issuer + " was revoked at " + top.revocation->revoked_at->text;
    if (top.kind == registry::MemberStatus::Kind::kExpired)
      return "the membership of " + issuer + " expired at " + top.record->expires_at->text;
    return std::nullopt;
  }
  if (depth > keri::kMaxDelegationDepth) {
    return "the delegation chain above " + issuer + " is longer than " + std::to_string(keri::kMaxDelegationDepth) +
           " links";
  }
  std::optional<std::string> why;
  for (const auto& grant : grants) {
    const keri::Attestation& link = *grant.link;
    const std::string what = "the delegation of " + issuer + " by " + link.issuer;
    if (grant.revocation != nullptr && grant.revocation->revoked_at->unix_seconds <= now) {
      why = what + " was revoked at " + grant.revocation->revoked_at->text;
    } else if (link.expires_at && now > link.expires_at->unix_seconds) {
      why = what + " expired at " + link.expires_at->text;
    } else {
      why = fallen_above(state, org, link.issuer, now, depth + 1);
      if (!why) return std::nullopt;
    }
  }
  return why;
}

FreezeEntry freeze_entry(const registry::FreezeRecord& f) {
  auto path = registry::freeze_path(f);
  return {f.freeze ? "freeze" : "unfreeze", f.timestamp.text,      f.signer,
          text_or_empty(f.until),           f.reason.value_or(""), path ? *path : ""};
}

/// The org of the report: the one named, else this home's only org, else (a home with no org)
/// the only org whose memberships the registry holds.
Result<std::string> report_org(const fs::path& home, const std::string& org, const registry::State& state) {
  if (org.empty()) {
    auto locals = local_orgs(home.string());
    if (!locals) return locals.error();
    if (locals->empty()) {
      std::set<std::string> orgs;
      for (const auto& record : state.all_memberships()) orgs.insert(record.issuer);
      if (orgs.size() == 1) return *orgs.begin();
      return Error::invalid_argument(orgs.empty() ? "the registry holds no org: name one with --org did:keri:..."
                                                  : "the registry holds several orgs: choose one with --org");
    }
  }
  auto ref = resolve_org(home, org);
  if (!ref) return ref.error();
  return ref->did;
}

void recommend(IncidentReport& r, int64_t now) {
  auto& out = r.recommendations;
  const std::string publish = "auths registry publish --repo PATH && git -C PATH push origin refs/auths/registry";
  if (r.frozen) {
    out.push_back({r.org,
                   "the org is frozen until " + r.freeze.until +
                       (r.freeze.reason.empty() ? "" : " (" + r.freeze.reason + ")") + ", signed by " +
                       r.freeze.signer + ": every push to its repositories is refused",
                   "when the incident is over: auths emergency unfreeze --org " + r.org + ", then " + publish});
  }
  for (const auto& m : r.members) {
    if (m.status != "expired") continue;
    const std::string scope = util::join(m.repos, ",");
    out.push_back({m.did,
                   "the " + m.role + " membership of " + m.did + (scope.empty() ? "" : " in " + scope) +
                       " expired at " + m.expires_at,
                   "renew it: auths org add-member " + m.did + " --role " + m.role +
                       (scope.empty() ? "" : " --repos " + scope) + " --expires-in-days 90 --org " + r.org +
                       "; or end it: auths org revoke-member " + m.did + " --org " + r.org + "; then " + publish});
  }
  for (const auto& a : r.agents) {
    const DeviceInfo& link = a.link;
    const bool device = util::starts_with(link.did_key, "did:key:");
    const std::string revoke = "auths device revoke --device " + link.did_key;
    if (a.status == "active" && link.expires_at.empty()) {
      const std::string caps = util::join(link.capabilities, ",");
      const std::string relink =
          device ? "auths device link --alias NEW --signer-type " + link.signer_type + " --capabilities " + caps +
                       " --expires-in-days 7"
                 : "auths init --profile agent --capabilities " + caps + " --expires-in 24h (a new agent)";
      out.push_back(
          {link.did_key,
           "agent " + link.did_key + " (" + link.signer_type + ", delegated by " + a.identity + ") never expires",
           "give agent " + link.did_key + " an expiry, as " + a.identity + ": " + relink +
               ", move the agent to it, then " + revoke + "; then " + publish});
    } else if (a.status == "delegator-revoked" && link.status == "active") {
      out.push_back(
          {link.did_key,
           "agent " + link.did_key + " is refused already by cascade: " + a.why + "; its own link is still unrevoked",
           "nothing is needed for the org; to end the link itself, as " + a.identity + ": " + revoke + "; then " +
               publish});
    }
  }
  for (const auto& d : r.devices) {
    const DeviceInfo& link = d.link;
    if (link.status != "active" || link.signer_type != "Human" || !link.expires_at.empty()) continue;
    const auto linked = keri::parse_timestamp(link.linked_at);
    if (!linked || linked->unix_seconds > now - kYear) continue;
    out.push_back({link.did_key,
                   "device " + link.did_key + " of " + d.identity + " was linked at " + link.linked_at +
                       ", over a year ago, and never expires",
                   "as " + d.identity +
                       ": link a new device with an expiry (auths device link --alias NEW --expires-in-days 365), "
                       "sign with it (auths init --git), then auths device revoke --device " +
                       link.did_key + "; then " + publish});
  }
}

}  // namespace

Result<int64_t> parse_since(std::string_view text, int64_t now) {
  const std::string value(util::trim(text));
  const bool date = value.size() == 10 && value[4] == '-' && value[7] == '-';
  if (auto at = keri::parse_timestamp(date ? value + "T00:00:00Z" : value)) return at->unix_seconds;
  if (auto back = parse_duration(value)) return (now != 0 ? now : util::now_unix()) - *back;
  return Error::invalid_argument(
      "--since takes a date (2026-01-31), a UTC time (2026-01-31T12:00:00Z) or a duration "
      "back from now (24h, 7d)",
      util::printable(value, 40));
}

Result<AuditLog> audit_log(const std::string& home_text, const AuditOptions& options) {
  const fs::path home(home_text);
  const git::Session session;
  auto opened = open_source(home, options.repo);
  if (!opened) return opened.error();
  auto events = events_of(*opened, home, options.since);
  if (!events) return events.error();
  return AuditLog{opened->source, std::move(*events)};
}

Result<IncidentReport> emergency_report(const std::string& home_text, const std::string& repo,
                                        const std::string& org_text, int64_t now) {
  const fs::path home(home_text);
  now = now != 0 ? now : util::now_unix();
  const git::Session session;
  auto opened = open_source(home, repo);
  if (!opened) return opened.error();
  auto state =
      opened->repo ? registry::load(*opened->repo, *opened->tip) : registry::load_directory(opened->source.home_copy);
  if (!state) return state.error();
  auto org = report_org(home, org_text, *state);
  if (!org) return org.error();

  IncidentReport r;
  r.generated_at = util::format_utc(now);
  r.org = *org;
  r.source = opened->source;
  r.members = members_of(*state, r.org, /*include_revoked=*/true, now);
  const auto aliases = local_aliases(home);
  for (const auto& link : state->links()) {
    const bool device = util::starts_with(link.subject, "did:key:");
    const bool agent = link.signer_type != keri::SignerType::kHuman;
    if (!device && !agent) continue;
    auto info = describe_device(link, keri::earliest_revocation(link, state->revocations()), aliases, now);
    if (!info) return info.error();
    LinkStatus entry{link.issuer, standing_name(standing(*state, r.org, link.issuer, now).kind),
                     *info,       info->status,
                     "",          agent_label(link)};
    if (agent && entry.status == "active") {
      if (auto why = fallen_above(*state, r.org, link.issuer, now)) {
        entry.status = "delegator-revoked";
        entry.why = *why;
      }
    }
    if (device) r.devices.push_back(entry);
    if (agent) r.agents.push_back(std::move(entry));
  }
  for (const registry::FreezeRecord* f : state->freezes_of(r.org)) r.freezes.push_back(freeze_entry(*f));
  if (const registry::FreezeRecord* f = registry::active_freeze(*state, r.org, now)) {
    r.frozen = true;
    r.freeze = freeze_entry(*f);
  }
  const int64_t since = now - kRecentEventsSeconds;
  r.recent_since = util::format_utc(since);
  auto events = events_of(*opened, home, since);
  if (!events) return events.error();
  r.recent_events = std::move(*events);
  recommend(r, now);
  return r;
}

Status write_new_private_file(const std::string& path, std::string_view text) {
  std::error_code ec;
  const fs::path out = fs::absolute(path, ec);
  if (ec) return Error::io("cannot resolve the path: " + ec.message(), path);
  if (fs::exists(out, ec)) return Error::invalid_argument("already exists: a report never replaces a file", path);
  auto written = write_file(out, text, 0600, /*replace=*/false);
  if (!written && written.error().code == ErrorCode::kInvalidArgument)
    return Error::invalid_argument("already exists: a report never replaces a file", path);
  return written;
}

}  // namespace auths::client
