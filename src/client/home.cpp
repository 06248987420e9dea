// The identity home's config and registry copy (home.h). Every nlohmann::json call is inside a
// try block: no exception leaves this file.
#include "home.h"

#include <algorithm>
#include <exception>
#include <map>
#include <nlohmann/json.hpp>

#include "file_io.h"
#include "keystore.h"
#include "registry/registry.h"
#include "util/strings.h"

namespace auths::client {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxConfigSize = 64 * 1024;
constexpr mode_t kRecordMode = 0644;  // records are public; the keys beside them are not

Status check_prefix(std::string_view prefix) {
  if (auto parsed = keri::parse_did_keri("did:keri:" + std::string(prefix)); !parsed) {
    return Error::invalid_argument("not an identifier prefix: " + parsed.error().message);
  }
  return {};
}

bool is_temporary(const fs::path& path) { return util::starts_with(path.filename().string(), "."); }

}  // namespace

std::string IdentityConfig::prefix() const {
  auto parsed = keri::parse_did_keri(did);
  return parsed ? *parsed : std::string();
}

fs::path identity_config_path(const fs::path& home) { return home / "identity.json"; }
fs::path registry_copy_dir(const fs::path& home) { return home / "registry"; }

Result<std::optional<IdentityConfig>> load_identity_config(const fs::path& home) {
  const fs::path path = identity_config_path(home);
  auto text = read_file(path, kMaxConfigSize);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) return std::optional<IdentityConfig>{};
    return text.error();
  }
  const auto corrupt = [&](const std::string& why) {
    return Error::corrupt("invalid identity config: " + why, path.string());
  };
  IdentityConfig config;
  try {
    const auto doc = nlohmann::json::parse(*text);
    if (!doc.is_object()) return corrupt("not a JSON object");
    for (const char* field : {"did", "key_alias", "curve"}) {
      if (!doc.contains(field) || !doc[field].is_string())
        return corrupt(std::string("'") + field + "' must be a string");
    }
    if (!doc.contains("version") || !doc["version"].is_number_unsigned() ||
        doc["version"].get<uint64_t>() != kIdentityConfigVersion) {
      return corrupt("'version' must be 1");
    }
    config.did = doc["did"].get<std::string>();
    config.key_alias = doc["key_alias"].get<std::string>();
    config.curve = doc["curve"].get<std::string>();
  } catch (const std::exception& e) {
    return corrupt(e.what());
  }
  if (auto prefix = keri::parse_did_keri(config.did); !prefix) return corrupt("'did': " + prefix.error().message);
  if (auto ok = check_key_alias(config.key_alias); !ok) return corrupt("'key_alias': " + ok.error().message);
  if (auto curve = parse_curve(config.curve); !curve) return corrupt("'curve': " + curve.error().message);
  return std::optional<IdentityConfig>(std::move(config));
}

Status save_identity_config(const fs::path& home, const IdentityConfig& config) {
  if (auto prefix = keri::parse_did_keri(config.did); !prefix) return prefix.error();
  if (auto ok = check_key_alias(config.key_alias); !ok) return ok;
  if (auto curve = parse_curve(config.curve); !curve) return curve.error();
  if (auto ok = ensure_home(home); !ok) return ok;
  nlohmann::ordered_json doc;
  doc["version"] = config.version;
  doc["did"] = config.did;
  doc["key_alias"] = config.key_alias;
  doc["curve"] = config.curve;
  std::string text;
  try {
    text = doc.dump(2) + "\n";
  } catch (const std::exception& e) {
    return Error::internal(std::string("cannot write identity config: ") + e.what());
  }
  return write_file(identity_config_path(home), text, kRecordMode, /*replace=*/true);
}

Result<std::vector<keri::SignedEvent>> load_kel(const fs::path& home, std::string_view prefix) {
  if (auto ok = check_prefix(prefix); !ok) return ok.error();
  const fs::path root = registry_copy_dir(home);
  const fs::path kel_dir = root / fs::path(registry::event_path(prefix, 0)).parent_path();
  std::vector<keri::SignedEvent> events;
  std::error_code ec;
  if (!fs::exists(kel_dir, ec)) return events;
  size_t json_files = 0;
  for (const auto& entry : fs::directory_iterator(kel_dir, ec)) {
    if (entry.path().extension() == ".json" && !is_temporary(entry.path())) ++json_files;
  }
  if (ec) return Error::io("cannot list: " + ec.message(), kel_dir.string());
  for (uint64_t seq = 0; seq < json_files; ++seq) {
    const fs::path event_file = root / registry::event_path(prefix, seq);
    auto json = read_file(event_file, kMaxRecordSize);
    if (!json) {
      if (json.error().code == ErrorCode::kNotFound) {
        return Error::corrupt("the key event log has a gap: no event " + std::to_string(seq), kel_dir.string());
      }
      return json.error();
    }
    auto cesr = read_file(root / registry::signatures_path(prefix, seq), kMaxRecordSize);
    if (!cesr) {
      if (cesr.error().code == ErrorCode::kNotFound)
        return Error::corrupt("event has no signatures file", event_file.string());
      return cesr.error();
    }
    auto parsed = keri::parse_signed_event(*json, *cesr);
    if (!parsed) return Error::corrupt(parsed.error().message, event_file.string());
    if (parsed->event.prefix != prefix || parsed->event.sequence != seq) {
      return Error::corrupt("event is stored under another identity or sequence number", event_file.string());
    }
    events.push_back(std::move(*parsed));
  }
  return events;
}

namespace {

/// The KELs of the home's registry copy as a delegated event's lookup needs them (kel.h): a
/// delegator's state is replayed from the same copy when first asked for, its own delegators
/// likewise (apply_event bounds the depth). A KEL that is missing or does not replay is
/// nullptr: the delegated event is then refused as unanchored.
class CopyDelegators {
 public:
  explicit CopyDelegators(const fs::path& home) : m_home(home) {}
  keri::KeyStateLookup lookup() {
    return [this](std::string_view prefix) -> const keri::KeyState* { return find(prefix); };
  }

 private:
  const keri::KeyState* find(std::string_view prefix) {
    const std::string key(prefix);
    if (auto it = m_states.find(key); it != m_states.end()) return it->second ? &*it->second : nullptr;
    m_states[key] = std::nullopt;  // a cycle finds nothing
    if (m_depth > keri::kMaxDelegationDepth) return nullptr;
    auto kel = load_kel(m_home, prefix);
    if (!kel || kel->empty()) return nullptr;
    ++m_depth;
    auto state = keri::replay_kel(*kel, nullptr, nullptr, lookup());
    --m_depth;
    if (!state) return nullptr;
    m_states[key] = std::move(*state);
    return &*m_states[key];
  }

  fs::path m_home;
  std::map<std::string, std::optional<keri::KeyState>> m_states;
  size_t m_depth = 0;
};

}  // namespace

Result<keri::KeyState> load_key_state(const fs::path& home, std::string_view prefix, Reason* fault) {
  if (fault != nullptr) *fault = Reason::kOk;
  auto kel = load_kel(home, prefix);
  if (!kel) return kel.error();
  if (kel->empty())
    return Error::not_found("no key event log for did:keri:" + std::string(prefix), registry_copy_dir(home).string());
  size_t failed = 0;
  CopyDelegators delegators(home);
  auto state = keri::replay_kel(*kel, fault, &failed, delegators.lookup());
  if (!state) {
    return Error::corrupt(
        "event " + std::to_string(failed) + " of the key event log does not apply: " + state.error().to_string(),
        registry_copy_dir(home).string());
  }
  return state;
}

namespace {

/// append_event's writing half: `state` is the KEL's state before `event` (nullopt for an
/// inception).
Result<keri::KeyState> write_event(const fs::path& home, const keri::SignedEvent& event,
                                   std::optional<keri::KeyState> state, Reason* fault) {
  const std::string& prefix = event.event.prefix;
  const fs::path root = registry_copy_dir(home);
  const fs::path event_file = root / registry::event_path(prefix, event.event.sequence);
  std::error_code ec;
  if (fs::exists(event_file, ec)) return Error::invalid_argument("event already exists", event_file.string());
  CopyDelegators delegators(home);
  if (auto applied = keri::apply_event(state, event, fault, delegators.lookup()); !applied) {
    return Error::invalid_argument(applied.error().message, applied.error().context);
  }
  auto json = keri::serialize(event.event);
  if (!json) return json.error();
  auto cesr = keri::attachment_text(event);
  if (!cesr) return cesr.error();
  if (auto ok = ensure_home(home); !ok) return ok.error();
  // The signatures first: load_kel goes by the .json files, so a crash in between leaves an
  // orphan .cesr (replaced by the next attempt), never an event without signatures.
  if (auto ok = write_file(root / registry::signatures_path(prefix, event.event.sequence), *cesr, kRecordMode,
                           /*replace=*/true);
      !ok) {
    return ok.error();
  }
  if (auto ok = write_file(event_file, *json, kRecordMode, /*replace=*/false); !ok) return ok.error();
  return std::move(*state);
}

}  // namespace

Result<keri::KeyState> append_event(const fs::path& home, const keri::SignedEvent& event, Reason* fault) {
  if (fault != nullptr) *fault = Reason::kOk;
  const std::string& prefix = event.event.prefix;
  if (auto ok = check_prefix(prefix); !ok) return ok.error();
  std::optional<keri::KeyState> state;
  if (!keri::is_inception(event.event.type)) {
    auto current = load_key_state(home, prefix, fault);
    if (!current) return current.error();
    state = std::move(*current);
  }
  return write_event(home, event, std::move(state), fault);
}

Result<keri::KeyState> append_event(const fs::path& home, const keri::SignedEvent& event, const keri::KeyState& before,
                                    Reason* fault) {
  if (fault != nullptr) *fault = Reason::kOk;
  if (auto ok = check_prefix(event.event.prefix); !ok) return ok.error();
  if (keri::is_inception(event.event.type)) {
    return Error::invalid_argument("an inception starts a key event log: it has no state before it",
                                   event.event.prefix);
  }
  if (before.prefix != event.event.prefix) {
    return Error::invalid_argument("the event belongs to another identity than the state it continues",
                                   event.event.prefix);
  }
  return write_event(home, event, before, fault);
}

Result<std::string> store_attestation(const fs::path& home, const keri::Attestation& attestation) {
  auto path = registry::attestation_path(attestation);
  if (!path) return path.error();
  auto text = keri::serialize_attestation(attestation);
  if (!text) return text.error();
  if (auto ok = ensure_home(home); !ok) return ok.error();
  const fs::path file = registry_copy_dir(home) / *path;
  if (auto ok = write_file(file, *text, kRecordMode, /*replace=*/false); !ok) {
    auto existing = read_file(file, kMaxRecordSize);
    if (existing && *existing == *text) return *path;  // the same record again
    return ok.error();
  }
  return *path;
}

Result<StoredAttestations> load_attestations(const fs::path& home, std::string_view prefix) {
  if (auto ok = check_prefix(prefix); !ok) return ok.error();
  const std::string issuer = "did:keri:" + std::string(prefix);
  const fs::path dir = registry_copy_dir(home) / "v1" / "identities" / std::string(prefix) / "attestations";
  StoredAttestations out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  std::vector<std::pair<keri::Attestation, std::string>> all;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json" || is_temporary(entry.path())) continue;
    auto text = read_file(entry.path(), kMaxRecordSize);
    if (!text) return text.error();
    auto att = keri::parse_attestation(*text);
    if (!att) return Error::corrupt(att.error().message, entry.path().string());
    if (att->issuer != issuer) return Error::corrupt("attestation issued by " + att->issuer, entry.path().string());
    all.emplace_back(std::move(*att), entry.path().filename().string());
  }
  if (ec) return Error::io("cannot list: " + ec.message(), dir.string());
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    if (a.first.timestamp < b.first.timestamp) return true;
    if (b.first.timestamp < a.first.timestamp) return false;
    return a.second < b.second;
  });
  for (auto& [att, name] : all) {
    (att.is_revocation() ? out.revocations : out.links).push_back(std::move(att));
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> registry_files(const fs::path& home) {
  const fs::path root = registry_copy_dir(home);
  std::vector<std::pair<std::string, std::string>> files;
  std::error_code ec;
  if (!fs::exists(root, ec)) return files;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file() || is_temporary(it->path())) continue;
    // A .cesr without its .json is what a crash in append_event leaves; it is not a record yet.
    if (it->path().extension() == ".cesr" && !fs::exists(fs::path(it->path()).replace_extension(".json"))) continue;
    auto content = read_file(it->path(), kMaxRecordSize);
    if (!content) return content.error();
    files.emplace_back(fs::relative(it->path(), root).generic_string(), std::move(*content));
  }
  if (ec) return Error::io("cannot list: " + ec.message(), root.string());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace auths::client
