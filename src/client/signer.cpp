// signer.h: signing records as an identity whose keys a home holds.
#include "signer.h"

#include <algorithm>

#include "auths/client/identity_ops.h"
#include "util/strings.h"

#include "file_io.h"
#include "home.h"
#include "keystore.h"

namespace auths::client {

namespace fs = std::filesystem;

Result<Signer> load_signer(const fs::path& home, const std::string& did, const std::string& key_alias) {
  auto prefix = keri::parse_did_keri(did);
  if (!prefix) return prefix.error();
  auto state = load_key_state(home, *prefix);
  if (!state) return state.error();
  if (state->keys.size() != 1 || state->key_threshold != 1)
    return Error::unsupported("identities with several keys cannot sign org records", did);
  return Signer{did, key_alias, std::move(*state)};
}

Result<Signer> home_signer(const fs::path& home) {
  auto config = load_identity_config(home);
  if (!config) return config.error();
  if (!config->has_value()) return Error::not_found("no identity in " + home.string() + ": run 'auths id init'");
  return load_signer(home, (*config)->did, (*config)->key_alias);
}

Result<keri::SignedEvent> sign_anchor_store(const fs::path& home, const Signer& signer, std::string_view passphrase,
                                            Anchored& anchored) {
  std::vector<keri::Attestation>& attestations = anchored.attestations;
  std::vector<registry::FreezeRecord>& freezes = anchored.freezes;
  auto key = load_key(home, signer.key_alias, passphrase);
  if (!key) return key.error();
  if (!(key->public_key() == signer.state.public_keys.front()))
    return Error::corrupt("key '" + signer.key_alias + "' is not the current key of " + signer.did);
  std::vector<keri::Seal> seals = anchored.event_seals;
  const auto seal = [&seals](const Result<std::string>& digest) -> Status {
    if (!digest) return digest.error();
    auto made = keri::Seal::of_digest(*digest);
    if (!made) return made.error();
    seals.push_back(std::move(*made));
    return {};
  };
  for (auto& a : attestations) {
    if (auto ok = keri::sign_as_identity(a, *key); !ok) return ok.error();
    if (auto ok = seal(keri::attestation_digest(a)); !ok) return ok.error();
  }
  for (auto& f : freezes) {
    if (auto ok = registry::sign_freeze(f, *key); !ok) return ok.error();
    if (auto ok = seal(registry::freeze_digest(f)); !ok) return ok.error();
  }
  auto ixn = keri::make_interaction(signer.state, std::move(seals));
  if (!ixn) return ixn.error();
  auto sig = keri::sign_event(*ixn, *key, 0);
  if (!sig) return sig.error();
  const keri::SignedEvent event{std::move(*ixn), {std::move(*sig)}};
  std::optional<keri::KeyState> after = signer.state;
  if (auto ok = keri::apply_event(after, event); !ok) return ok.error();
  for (const auto& a : attestations) {
    if (auto ok = keri::verify_identity_signature(a, *after, nullptr, keri::SignedBy::kAnchoringKeys); !ok)
      return ok.error();
  }
  for (const auto& f : freezes) {
    if (auto ok = registry::verify_freeze_signature(f, *after); !ok) return ok.error();
  }
  if (anchored.before_writing) {
    if (auto ok = anchored.before_writing(*after, event); !ok) return ok.error();
  }
  if (auto ok = append_event(home, event, signer.state); !ok) return ok.error();
  for (const auto& a : attestations) {
    if (auto ok = store_attestation(home, a); !ok) return ok.error();
  }
  for (const auto& f : freezes) {
    auto path = registry::freeze_path(f);
    if (!path) return path.error();
    auto text = registry::serialize_freeze(f);
    if (!text) return text.error();
    if (auto ok = write_file(registry_copy_dir(home) / *path, *text, 0644, /*replace=*/false); !ok) return ok.error();
  }
  return event;
}

Result<std::vector<std::string>> checked_capabilities(const std::vector<std::string>& requested) {
  std::vector<std::string> caps;
  for (const auto& cap : requested) {
    const std::string trimmed(util::trim(cap));
    if (trimmed.empty()) return Error::invalid_argument("empty capability name");
    if (std::find(caps.begin(), caps.end(), trimmed) == caps.end()) caps.push_back(trimmed);
  }
  if (caps.empty()) caps.emplace_back(kDefaultCapability);
  return caps;
}

Error refused(ErrorCode code, const std::string& why) {
  return Error{code, std::string(kLinkRequestRefused) + why, {}};
}

Status check_requested_link(const keri::Attestation& link, int64_t now) {
  if (link.form != keri::AttestationForm::kAuthsHooks) {
    return refused(ErrorCode::kInvalidArgument,
                   "it is a record of the Auths form, not one 'auths device request' writes");
  }
  if (!link.identity_signature.empty()) {
    return refused(ErrorCode::kInvalidArgument,
                   "it already carries an identity signature (a finished link, not a request)");
  }
  if (link.capabilities.empty()) return refused(ErrorCode::kInvalidArgument, "it asks for no capability");
  Reason fault = Reason::kOk;
  if (auto ok = keri::verify_device_signature(link, &fault); !ok) {
    if (fault == Reason::kAttestationSubjectKeyMismatch) {
      return refused(ErrorCode::kCorrupt,
                     "its subject " + link.subject + " is not its device key (changed after the device signed it?)");
    }
    if (link.device_signature.empty()) return refused(ErrorCode::kInvalidArgument, "it carries no device signature");
    return refused(ErrorCode::kCorrupt,
                   "the device signature does not verify: the request was changed after the device signed it");
  }
  if (auto ok = keri::check_validity(link, now, &fault); !ok) {
    if (fault == Reason::kAttestationExpired) {
      return refused(ErrorCode::kInvalidArgument, "it expired at " + link.expires_at->text);
    }
    return refused(ErrorCode::kInvalidArgument,
                   "it is dated " + link.timestamp.text + ", in the future (check the clocks of both machines)");
  }
  if (link.timestamp.unix_seconds < now - kMaxLinkRequestAgeDays * 86400) {
    return refused(ErrorCode::kInvalidArgument, "it was made at " + link.timestamp.text + ", more than " +
                                                    std::to_string(kMaxLinkRequestAgeDays) +
                                                    " days ago: ask the device for a new request");
  }
  return {};
}

}  // namespace auths::client
