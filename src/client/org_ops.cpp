// auths/client/org_ops.h: the org identity, its memberships and freezes, as an admin manages
// them. Like identity_ops, every record is checked the way the registry will check it before
// it is written to the home's registry copy.
#include "auths/client/org_ops.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "auths/client/identity_ops.h"
#include "crypto/private_key.h"
#include "file_io.h"
#include "git/repository.h"
#include "home.h"
#include "keri/attestation.h"
#include "keri/cesr.h"
#include "keri/kel.h"
#include "keystore.h"
#include "registry/freeze.h"
#include "registry/org.h"
#include "registry/registry.h"
#include "registry_views.h"
#include "signer.h"
#include "util/strings.h"
#include "util/time.h"

namespace auths::client {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kMaxDays = 100 * 366;

fs::path orgs_dir(const fs::path& home) { return home / "orgs"; }

bool valid_org_name(std::string_view name) {
  return !name.empty() && name.size() <= 48 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

Result<std::vector<OrgInfo>> read_orgs(const fs::path& home) {
  std::vector<OrgInfo> out;
  std::error_code ec;
  if (!fs::exists(orgs_dir(home), ec)) return out;
  for (const auto& entry : fs::directory_iterator(orgs_dir(home), ec)) {
    if (entry.path().extension() != ".json") continue;
    auto text = read_file(entry.path(), 64 * 1024);
    if (!text) return text.error();
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("did") || !j["did"].is_string() || !j.contains("name") ||
        !j["name"].is_string() || !j.contains("admin") || !j["admin"].is_string())
      return Error::corrupt("not an org file", entry.path().string());
    out.push_back({j["name"].get<std::string>(), j["did"].get<std::string>(), j["admin"].get<std::string>()});
  }
  if (ec) return Error::io(ec.message(), orgs_dir(home).string());
  std::sort(out.begin(), out.end(), [](const OrgInfo& a, const OrgInfo& b) { return a.name < b.name; });
  return out;
}

std::string org_key_alias(const std::string& name) { return "org-" + name; }

/// Who signs an org record from this home: the org (its keys are here) or this home's identity
/// as an admin (delegated_by).
struct OrgSigner {
  Signer signer;
  std::optional<std::string> admin;
};

Result<OrgSigner> org_signer(const fs::path& home, const OrgRef& org) {
  if (org.local) {
    auto signer = load_signer(home, org.local->did, org_key_alias(org.local->name));
    if (!signer) return signer.error();
    return OrgSigner{std::move(*signer), std::nullopt};
  }
  auto signer = home_signer(home);
  if (!signer) return signer.error();
  const std::string did = signer->did;
  return OrgSigner{std::move(*signer), did};
}

/// The registry to read memberships from: `repo`'s when it has one, else the home's copy.
Result<registry::State> registry_view(const fs::path& home, const std::string& repo) {
  if (!repo.empty()) {
    const git::Session session;
    auto opened = git::Repository::open(repo);
    if (opened) {
      auto tip = opened->resolve_commit(registry::kRegistryRef);
      if (!tip) return tip.error();
      if (tip->has_value()) return registry::load(*opened, **tip);
    }
  }
  return registry::load_directory(registry_copy_dir(home).string());
}

std::vector<std::string> checked_names(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    const std::string t = util::to_lower(std::string(util::trim(item)));
    if (!t.empty() && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

MemberInfo describe_member(const keri::Attestation& record, const keri::Attestation* revocation, int64_t now) {
  MemberInfo m;
  m.org = record.issuer;
  m.did = record.subject;
  m.role = record.role.value_or("");
  m.capabilities = record.capabilities;
  m.teams = record.teams;
  m.repos = record.repos;
  m.added_at = record.timestamp.text;
  m.added_by = record.delegated_by.value_or(record.issuer);
  m.expires_at = record.expires_at ? record.expires_at->text : "";
  m.revoked_at = revocation != nullptr ? revocation->revoked_at->text : "";
  m.status = revocation != nullptr && revocation->revoked_at->unix_seconds <= now ? "revoked"
             : record.expires_at && now > record.expires_at->unix_seconds         ? "expired"
                                                                                  : "active";
  auto path = registry::attestation_path(record);
  m.record = path ? *path : "";
  return m;
}

}  // namespace

Result<OrgRef> resolve_org(const fs::path& home, const std::string& org) {
  auto orgs = read_orgs(home);
  if (!orgs) return orgs.error();
  for (const auto& o : *orgs) {
    if (o.did == org || o.name == org) return OrgRef{o.did, o};
  }
  if (org.empty()) {
    if (orgs->size() == 1) return OrgRef{orgs->front().did, orgs->front()};
    return Error::invalid_argument(orgs->empty() ? "no org in this home: name one with --org did:keri:..."
                                                 : "this home holds several orgs: choose one with --org");
  }
  if (!keri::parse_did_keri(org)) return Error::invalid_argument("--org must be a did:keri or a local org's name", org);
  return OrgRef{org, std::nullopt};
}

std::vector<MemberInfo> members_of(const registry::State& state, const std::string& org, bool include_revoked,
                                   int64_t now) {
  // The latest record of each (member, scope).
  std::vector<MemberInfo> out;
  std::map<std::pair<std::string, std::vector<std::string>>, size_t> latest;
  for (const auto& record : state.all_memberships()) {
    if (record.issuer != org) continue;
    const auto grants = state.memberships(org, record.subject);
    const keri::Attestation* revocation = nullptr;
    for (const auto& g : grants) {
      if (g.link == &record) revocation = g.revocation;
    }
    MemberInfo info = describe_member(record, revocation, now);
    const auto key = std::make_pair(record.subject, record.repos);
    const auto it = latest.find(key);
    if (it == latest.end()) {
      latest.emplace(key, out.size());
      out.push_back(std::move(info));
    } else if (!(record.timestamp.text < out[it->second].added_at)) {
      out[it->second] = std::move(info);
    }
  }
  if (!include_revoked) {
    out.erase(std::remove_if(out.begin(), out.end(), [](const MemberInfo& m) { return m.status == "revoked"; }),
              out.end());
  }
  return out;
}

Result<int64_t> parse_duration(std::string_view text) {
  if (text.size() < 2) return Error::invalid_argument("a duration is a number and a unit: 30m, 1h, 24h, 7d, 1w");
  const char unit = text.back();
  const std::string_view digits = text.substr(0, text.size() - 1);
  if (digits.size() > 6 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return Error::invalid_argument("a duration is a number and a unit: 30m, 1h, 24h, 7d, 1w", std::string(text));
  const int64_t n = std::stoll(std::string(digits));
  const int64_t scale = unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? kDay : unit == 'w' ? 7 * kDay : 0;
  if (scale == 0 || n == 0)
    return Error::invalid_argument("a duration is a number and a unit: 30m, 1h, 24h, 7d, 1w", std::string(text));
  if (n * scale > kMaxDays * kDay) return Error::invalid_argument("duration too long", std::string(text));
  return n * scale;
}

Result<std::vector<OrgInfo>> local_orgs(const std::string& home) { return read_orgs(home); }

Result<OrgInfo> init_org(const std::string& home_text, const std::string& name, std::string_view passphrase,
                         int64_t now) {
  const fs::path home(home_text);
  if (!valid_org_name(name)) return Error::invalid_argument("an org name is 1-48 characters of a-z 0-9 - _", name);
  auto creator = home_signer(home);
  if (!creator) return creator.error();
  auto orgs = read_orgs(home);
  if (!orgs) return orgs.error();
  for (const auto& o : *orgs) {
    if (o.name == name) return Error::invalid_argument("this home already has an org named '" + name + "': " + o.did);
  }
  const std::string alias = org_key_alias(name);
  const std::string next_alias = alias + ".next";
  for (const auto& a : {alias, next_alias}) {
    if (key_exists(home, a)) return Error::invalid_argument("key '" + a + "' already exists");
  }
  auto type = parse_curve("ed25519");
  if (!type) return type.error();
  auto current = crypto::PrivateKey::generate(*type);
  if (!current) return current.error();
  auto upcoming = crypto::PrivateKey::generate(*type);
  if (!upcoming) return upcoming.error();
  auto current_qb64 = keri::cesr::encode_verkey(current->public_key());
  if (!current_qb64) return current_qb64.error();
  auto next_qb64 = keri::cesr::encode_verkey(upcoming->public_key());
  if (!next_qb64) return next_qb64.error();
  auto icp = keri::make_inception({*current_qb64}, 1, {keri::next_key_digest(*next_qb64)}, 1);
  if (!icp) return icp.error();
  auto sig = keri::sign_event(*icp, *current, 0);
  if (!sig) return sig.error();
  if (auto ok = save_key(home, alias, *current, passphrase); !ok) return ok.error();
  if (auto ok = save_key(home, next_alias, *upcoming, passphrase); !ok) return ok.error();
  auto state = append_event(home, keri::SignedEvent{*icp, {std::move(*sig)}});
  if (!state) return state.error();

  OrgInfo info{name, state->did(), creator->did};
  nlohmann::ordered_json j = {{"version", 1}, {"name", name}, {"did", info.did}, {"admin", info.admin}};
  if (auto ok = write_file(orgs_dir(home) / (name + ".json"), j.dump(2) + "\n", 0644, /*replace=*/false); !ok)
    return ok.error();

  // The creator, first admin: signed by the org itself.
  AddMemberOptions first;
  first.org = info.did;
  first.member = creator->did;
  first.role = "admin";
  first.now = now;
  if (auto added = add_member(home_text, first, passphrase); !added) return added.error();
  return info;
}

Result<MemberInfo> add_member(const std::string& home_text, const AddMemberOptions& options,
                              std::string_view passphrase) {
  const fs::path home(home_text);
  auto org = resolve_org(home, options.org);
  if (!org) return org.error();
  if (!keri::parse_did_keri(options.member))
    return Error::invalid_argument("a member is a did:keri identity", options.member);
  const std::string role = util::to_lower(std::string(util::trim(options.role)));
  if (!registry::is_role(role)) return Error::invalid_argument("--role must be admin, member or readonly", role);
  auto signer = org_signer(home, *org);
  if (!signer) return signer.error();

  const int64_t now = options.now != 0 ? options.now : util::now_unix();
  keri::Attestation record;
  record.rid = keri::random_rid();
  record.issuer = org->did;
  record.subject = options.member;
  record.role = role;
  record.capabilities =
      options.capabilities ? checked_names(*options.capabilities) : registry::default_capabilities(role);
  record.teams = checked_names(options.teams);
  record.repos = options.repos;
  record.delegated_by = signer->admin;
  record.signer_type = keri::SignerType::kHuman;
  record.timestamp = keri::Timestamp::from_unix(now);
  if (options.expires_in_days) {
    if (*options.expires_in_days <= 0 || *options.expires_in_days > kMaxDays)
      return Error::invalid_argument("--expires-in-days must be between 1 and " + std::to_string(kMaxDays));
    record.expires_at = keri::Timestamp::from_unix(now + *options.expires_in_days * kDay);
  }
  // The strict parser checks every name (capabilities, teams, repos) as the registry will.
  auto text = keri::serialize_attestation(record);
  if (!text) return text.error();
  if (auto parsed = keri::parse_attestation(*text); !parsed) return parsed.error();

  Anchored anchored{{record}, {}, {}, {}};
  if (auto ok = sign_anchor_store(home, signer->signer, passphrase, anchored); !ok) return ok.error();
  return describe_member(anchored.attestations.front(), nullptr, now);
}

Result<MemberInfo> revoke_member(const std::string& home_text, const std::string& org_text, const std::string& member,
                                 const std::string& repo, std::string_view passphrase, int64_t now) {
  const fs::path home(home_text);
  auto org = resolve_org(home, org_text);
  if (!org) return org.error();
  auto state = registry_view(home, repo);
  if (!state) return state.error();
  now = now != 0 ? now : util::now_unix();
  const auto memberships = state->memberships(org->did, member);
  const keri::Attestation* latest = nullptr;
  bool active = false;
  for (const auto& grant : memberships) {
    latest = grant.link;
    active = active || grant.revocation == nullptr;
  }
  if (latest == nullptr) return Error::not_found(member + " is not a member of " + org->did);
  if (!active) return Error::invalid_argument(member + " is already revoked in " + org->did);
  auto signer = org_signer(home, *org);
  if (!signer) return signer.error();

  keri::Attestation revocation;
  revocation.rid = keri::random_rid();
  revocation.issuer = org->did;
  revocation.subject = member;
  revocation.role = latest->role;
  revocation.delegated_by = signer->admin;
  revocation.timestamp = keri::Timestamp::from_unix(now);
  revocation.revoked_at = revocation.timestamp;
  revocation.note = "membership revoked";
  Anchored anchored{{revocation}, {}, {}, {}};
  if (auto ok = sign_anchor_store(home, signer->signer, passphrase, anchored); !ok) return ok.error();
  return describe_member(*latest, &anchored.attestations.front(), now);
}

Result<std::vector<MemberInfo>> list_members(const std::string& home_text, const std::string& org_text,
                                             const std::string& repo, bool include_revoked, int64_t now) {
  const fs::path home(home_text);
  auto org = resolve_org(home, org_text);
  if (!org) return org.error();
  auto state = registry_view(home, repo);
  if (!state) return state.error();
  return members_of(*state, org->did, include_revoked, now != 0 ? now : util::now_unix());
}

namespace {

/// The first microsecond after `t`, spelled as Auths (chrono) spells an instant: a fraction of
/// the fewest of 0, 3 or 6 digits that holds it.
keri::Timestamp microsecond_after(const keri::Timestamp& t) {
  int64_t seconds = t.unix_seconds;
  int64_t micros = t.nanos / 1000 + 1;
  if (micros == 1000000) {
    ++seconds;
    micros = 0;
  }
  keri::Timestamp out = keri::Timestamp::from_unix(seconds);
  if (micros == 0) return out;
  char fraction[16];
  if (micros % 1000 == 0) {
    std::snprintf(fraction, sizeof fraction, ".%03lld", static_cast<long long>(micros / 1000));
  } else {
    std::snprintf(fraction, sizeof fraction, ".%06lld", static_cast<long long>(micros));
  }
  out.text.insert(out.text.size() - 1, fraction);
  out.nanos = static_cast<uint32_t>(micros * 1000);
  return out;
}

}  // namespace

Result<FreezeInfo> freeze_org(const std::string& home_text, const std::string& org_text,
                              std::optional<int64_t> duration_seconds, std::optional<std::string> reason,
                              std::string_view passphrase, int64_t now) {
  const fs::path home(home_text);
  auto org = resolve_org(home, org_text);
  if (!org) return org.error();
  auto signer = org_signer(home, *org);
  if (!signer) return signer.error();
  now = now != 0 ? now : util::now_unix();
  registry::FreezeRecord record;
  record.freeze = duration_seconds.has_value();
  record.rid = keri::random_rid();
  record.org = org->did;
  record.signer = signer->signer.did;
  record.timestamp = keri::Timestamp::from_unix(now);
  // Dated after every freeze and unfreeze of the org this home knows: one dated the same second
  // would tie, and a tie leaves the org frozen (registry/org.h, active_freeze). An unfreeze a
  // moment after a freeze is so dated a microsecond after it.
  if (auto known = registry_view(home, ""); known) {
    for (const registry::FreezeRecord* f : known->freezes_of(org->did)) {
      if (!(f->timestamp < record.timestamp)) record.timestamp = microsecond_after(f->timestamp);
    }
  }
  if (duration_seconds) record.until = keri::Timestamp::from_unix(now + *duration_seconds);
  record.reason = std::move(reason);
  Anchored anchored{{}, {record}, {}, {}};
  if (auto ok = sign_anchor_store(home, signer->signer, passphrase, anchored); !ok) return ok.error();
  auto path = registry::freeze_path(anchored.freezes.front());
  return FreezeInfo{org->did, record.signer, record.freeze ? "freeze" : "unfreeze",
                    record.until ? record.until->text : "", path ? *path : ""};
}

}  // namespace auths::client
