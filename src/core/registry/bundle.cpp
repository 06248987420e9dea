#include "registry/bundle.h"

#include <deque>
#include <nlohmann/json.hpp>

#include "crypto/public_key.h"
#include "util/bytes.h"
#include "util/strings.h"
#include "util/time.h"

namespace auths::registry {

namespace {

using Json = nlohmann::ordered_json;

Error bundle_error(const std::string& where, const std::string& message) {
  return Error::invalid_argument("identity bundle: " + where + ": " + message);
}

/// One KEL of the bundle (`kel` with `kel_attachments`) as signed events, in order.
Result<std::deque<keri::SignedEvent>> read_kel(const Json& owner, const std::string& where) {
  const auto kel = owner.find("kel");
  const auto attachments = owner.find("kel_attachments");
  if (kel == owner.end() || !kel->is_array() || kel->empty())
    return bundle_error(where, "'kel' must be a non-empty array");
  if (attachments == owner.end() || !attachments->is_array()) {
    return bundle_error(where, "'kel_attachments' must be an array");
  }
  if (attachments->size() != kel->size()) {
    return bundle_error(where, "'kel' has " + std::to_string(kel->size()) + " events but 'kel_attachments' " +
                                   std::to_string(attachments->size()));
  }
  std::deque<keri::SignedEvent> out;
  for (size_t i = 0; i < kel->size(); ++i) {
    const std::string at = where + ".kel[" + std::to_string(i) + "]";
    const Json& event = (*kel)[i];
    const Json& hex = (*attachments)[i];
    if (!event.is_object()) return bundle_error(at, "an event must be a JSON object");
    if (!hex.is_string()) return bundle_error(at, "its attachment must be a hex string");
    auto cesr = util::hex_decode(hex.get<std::string>());
    if (!cesr) return bundle_error(at, "its attachment is not hex: " + cesr.error().message);
    auto signed_event = keri::parse_signed_event(event.dump(), std::string(cesr->begin(), cesr->end()));
    if (!signed_event) return bundle_error(at, signed_event.error().message);
    out.push_back(std::move(*signed_event));
  }
  return out;
}

}  // namespace

Result<Bundle> read_bundle(std::string_view json_text) {
  if (json_text.size() > kMaxBundleBytes) return bundle_error("file", "larger than 16 MiB");
  Json doc;
  try {
    doc = Json::parse(json_text.begin(), json_text.end());
  } catch (const nlohmann::json::exception& e) {
    return bundle_error("file", std::string("not JSON (") + e.what() + ")");
  }
  if (!doc.is_object()) return bundle_error("file", "must be a JSON object");
  const auto text_field = [&doc](const char* name) -> Result<std::string> {
    const auto it = doc.find(name);
    if (it == doc.end() || !it->is_string()) return bundle_error(name, "missing, or not a string");
    return it->get<std::string>();
  };

  Bundle out;
  auto did = text_field("identity_did");
  if (!did) return did.error();
  auto root = keri::parse_did_keri(*did);
  if (!root) return bundle_error("identity_did", "'" + util::printable(*did, 80) + "' is not a did:keri");
  out.identity_did = *did;
  auto created = text_field("bundle_timestamp");
  if (!created) return created.error();
  auto stamp = keri::parse_timestamp(*created);
  if (!stamp) return bundle_error("bundle_timestamp", stamp.error().message);
  out.created = *stamp;
  const auto max_age = doc.find("max_valid_for_secs");
  if (max_age == doc.end() || !max_age->is_number_unsigned() || max_age->get<uint64_t>() > (uint64_t{1} << 40)) {
    return bundle_error("max_valid_for_secs",
                        "missing, or not a number of seconds (a bundle without one never expires: refused)");
  }
  out.max_valid_for_secs = max_age->get<int64_t>();
  std::string curve = "p256";
  if (const auto it = doc.find("curve"); it != doc.end()) {
    if (!it->is_string() || (*it != "p256" && *it != "ed25519"))
      return bundle_error("curve", "must be \"p256\" or \"ed25519\"");
    curve = it->get<std::string>();
  }
  if (const auto it = doc.find("attestation_chain"); it != doc.end() && !it->is_array()) {
    return bundle_error("attestation_chain", "must be an array");
  }

  // The root's KEL, then every device KEL; a device delegated by another device waits for it.
  auto root_kel = read_kel(doc, "kel");
  if (!root_kel) return root_kel.error();
  if (root_kel->front().event.prefix != *root) {
    return bundle_error("kel", "its events are of " + root_kel->front().event.prefix + ", not of " + *did);
  }
  for (const auto& event : *root_kel) {
    if (auto added = out.state.add_event(event); !added) return bundle_error("kel", added.error().message);
  }
  std::map<std::string, std::deque<PendingEvent>> devices_kels;
  if (const auto devices = doc.find("device_kels"); devices != doc.end()) {
    if (!devices->is_array()) return bundle_error("device_kels", "must be an array");
    for (size_t i = 0; i < devices->size(); ++i) {
      const std::string where = "device_kels[" + std::to_string(i) + "]";
      const Json& device = (*devices)[i];
      if (!device.is_object()) return bundle_error(where, "must be an object");
      const auto device_did = device.find("did");
      if (device_did == device.end() || !device_did->is_string()) return bundle_error(where, "'did' must be a string");
      auto kel = read_kel(device, where);
      if (!kel) return kel.error();
      const std::string& prefix = kel->front().event.prefix;
      if ("did:keri:" + prefix != device_did->get<std::string>()) {
        return bundle_error(where, "its KEL is of did:keri:" + prefix + ", not of " +
                                       util::printable(device_did->get<std::string>(), 80));
      }
      auto& events = devices_kels[prefix];
      if (!events.empty()) return bundle_error(where, "holds did:keri:" + prefix + " a second time");
      for (auto& event : *kel) events.push_back({where, std::move(event)});
    }
  }
  // A device delegated by another device waits for it (registry.h).
  if (auto added = add_in_delegation_order(out.state, std::move(devices_kels)); !added) {
    return bundle_error(added.error().context, added.error().message);
  }

  // public_key_hex must be the root's current key: a bundle that says otherwise is not ours to
  // guess about.
  auto key_hex = text_field("public_key_hex");
  if (!key_hex) return key_hex.error();
  const keri::KeyState* root_state = out.state.identity(*root);
  bool current = false;
  for (const auto& key : root_state->public_keys) {
    const bool same_curve = (key.type() == crypto::KeyType::kEd25519) == (curve == "ed25519");
    current = current || (same_curve && util::hex_encode(key.raw()) == util::to_lower(*key_hex));
  }
  if (!current) return bundle_error("public_key_hex", "is not a current key of " + *did + "'s KEL");
  return out;
}

std::optional<std::string> stale_detail(const Bundle& bundle, int64_t now) {
  const int64_t until = bundle.created.unix_seconds + bundle.max_valid_for_secs;
  if (now <= until) return std::nullopt;
  return "the identity bundle of " + bundle.identity_did + " was made at " + bundle.created.text +
         " and is valid for " + std::to_string(bundle.max_valid_for_secs) + " s, until " + util::format_utc(until) +
         ": commit a fresh one";
}

}  // namespace auths::registry
