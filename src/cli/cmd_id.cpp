// auths id init | show | rotate | show-devices: the developer's did:keri identity.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "auths/client/identity_ops.h"
#include "auths/client/keys.h"
#include "auths/exit_codes.h"
#include "commands.h"

namespace auths::cli {

namespace {

nlohmann::ordered_json to_json(const client::IdentityInfo& info) {
  nlohmann::ordered_json keys = nlohmann::ordered_json::array();
  for (const auto& key : info.keys) keys.push_back({{"key", key.qb64}, {"did_key", key.did_key}});
  return {{"did", info.did},
          {"key_alias", info.key_alias},
          {"curve", info.curve},
          {"sequence", info.sequence},
          {"rotations", info.rotations},
          {"keys", keys},
          {"next_key_commitments", info.next_commitments},
          {"active_devices", info.active_devices},
          {"delegated_by",
           info.delegated_by.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(info.delegated_by)},
          {"home", info.home}};
}

void print_identity(const client::IdentityInfo& info) {
  std::printf("Identity:    %s\n", info.did.c_str());
  for (const auto& key : info.keys) {
    std::printf("Key:         %s (%s, alias '%s')\n", key.qb64.c_str(), key.did_key.c_str(), info.key_alias.c_str());
  }
  std::printf("Curve:       %s\n", info.curve.c_str());
  std::printf("Next key:    %s\n", info.next_commitments > 0 ? ("committed ('" + info.key_alias + ".next')").c_str()
                                                             : "none (the identity was abandoned)");
  std::printf("Sequence:    %llu (%llu rotation%s)\n", static_cast<unsigned long long>(info.sequence),
              static_cast<unsigned long long>(info.rotations), info.rotations == 1 ? "" : "s");
  std::printf("Devices:     %zu active\n", info.active_devices);
  if (!info.delegated_by.empty()) std::printf("Delegated:   by %s (an agent)\n", info.delegated_by.c_str());
  std::printf("Home:        %s\n", info.home.c_str());
}

struct IdInitOptions {
  std::string curve = "ed25519";
  std::string alias = std::string(client::kDefaultIdentityAlias);
  bool json = false;
};

int run_id_init(const IdInitOptions& opts) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  if (const auto ok = client::check_key_alias(opts.alias); !ok) return report_error(ok.error());
  auto passphrase = client::read_passphrase("Enter a passphrase for the identity keys: ", /*confirm=*/true);
  if (!passphrase) return report_error(passphrase.error());
  client::InitIdentityOptions options;
  options.curve = opts.curve;
  options.alias = opts.alias;
  const auto info = client::init_identity(*home, options, *passphrase);
  client::wipe_secret(*passphrase);
  if (!info) return report_error(info.error());
  if (opts.json) {
    print_json(to_json(*info));
    return kExitAccepted;
  }
  std::printf("%s\n", info->did.c_str());
  std::printf("created identity %s in %s\n", info->did.c_str(), info->home.c_str());
  std::printf("  current key: %s (key '%s')\n", info->keys.front().qb64.c_str(), info->key_alias.c_str());
  std::printf("  next key:    committed in the inception event (key '%s.next'; back up %s/keys)\n",
              info->key_alias.c_str(), info->home.c_str());
  std::printf("next: auths device link, then auths registry publish --repo PATH\n");
  return kExitAccepted;
}

int run_show(bool json) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  const auto info = client::show_identity(*home);
  if (!info) return report_error(info.error());
  if (json) {
    std::printf("%s\n", to_json(*info).dump(2).c_str());
  } else {
    print_identity(*info);
  }
  return kExitAccepted;
}

int run_rotate(bool json) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  auto passphrase = client::read_passphrase("Enter the passphrase of the identity keys: ");
  if (!passphrase) return report_error(passphrase.error());
  const auto result = client::rotate_identity(*home, *passphrase);
  client::wipe_secret(*passphrase);
  if (!result) return report_error(result.error());
  const client::IdentityInfo& info = result->identity;
  if (json) {
    print_json({{"old_key", result->old_key}, {"new_key", result->new_key}, {"identity", to_json(info)}});
    return kExitAccepted;
  }
  std::printf("rotated %s (event %llu)\n", info.did.c_str(), static_cast<unsigned long long>(info.sequence));
  std::printf("  old key: %s (deleted from the key store)\n", result->old_key.c_str());
  std::printf("  new key: %s (key '%s')\n", result->new_key.c_str(), info.key_alias.c_str());
  std::printf("  next key: committed (key '%s.next')\n", info.key_alias.c_str());
  std::printf("devices linked before keep working; publish the rotation: auths registry publish --repo PATH\n");
  return kExitAccepted;
}

struct ShowDevicesOptions {
  bool include_revoked = false;
  bool json = false;
};

int run_show_devices(const ShowDevicesOptions& opts) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  const auto devices = client::list_devices(*home, opts.include_revoked);
  if (!devices) return report_error(devices.error());
  if (opts.json) {
    nlohmann::ordered_json doc = nlohmann::ordered_json::array();
    for (const auto& device : *devices) doc.push_back(device_json(device));
    std::printf("%s\n", doc.dump(2).c_str());
    return kExitAccepted;
  }
  if (devices->empty()) {
    std::printf("no %sdevices (link one with: auths device link)\n", opts.include_revoked ? "" : "active or expired ");
    return kExitAccepted;
  }
  for (const auto& device : *devices) {
    std::string line = device.status;
    line.resize(std::max<size_t>(line.size(), 8), ' ');
    line += device.did_key + "  key " + (device.alias.empty() ? std::string("-") : "'" + device.alias + "'") + "  " +
            device.signer_type + "  [" + join(device.capabilities, ",") + "]  linked " + device.linked_at;
    if (!device.expires_at.empty()) line += "  expires " + device.expires_at;
    if (!device.revoked_at.empty()) line += "  revoked " + device.revoked_at;
    if (!device.note.empty()) line += "  note: " + device.note;
    std::printf("%s\n", line.c_str());
  }
  return kExitAccepted;
}

}  // namespace

nlohmann::ordered_json device_json(const client::DeviceInfo& device) {
  return {{"did", device.did_key},
          {"status", device.status},
          {"alias", or_null(device.alias)},
          {"curve", device.curve},
          {"ssh", device.ssh_public_key},
          {"fingerprint", device.fingerprint},
          {"capabilities", device.capabilities},
          {"signer_type", device.signer_type},
          {"note", or_null(device.note)},
          {"rid", device.rid},
          {"linked_at", device.linked_at},
          {"expires_at", or_null(device.expires_at)},
          {"revoked_at", or_null(device.revoked_at)},
          {"record", device.record}};
}

void register_id(CLI::App& app, Registry& registry) {
  CLI::App* id = app.add_subcommand("id", "Create, show and rotate your did:keri identity");
  id->footer(
      "The identity lives in the identity home ($AUTHS_HOME, default ~/.auths): identity.json, the keys (encrypted "
      "with one passphrase, from $AUTHS_PASSPHRASE or the terminal) and registry/, a copy of the identity's registry "
      "records (key event log, device links, revocations) that 'auths registry publish' adds to a repository.");
  id->require_subcommand(1);

  auto init_opts = std::make_shared<IdInitOptions>();
  CLI::App* init = id->add_subcommand("init", "Create the identity and print its did:keri");
  init->footer(
      "Generates the current key (<alias>) and the pre-rotation key (<alias>.next) and writes the inception event: it "
      "lists the current key and commits to the digest of the next one, signed by the current key. Refuses when the "
      "home already has an identity. Back up the home: the next key is the only way to rotate.");
  init->add_option("--curve", init_opts->curve, "Key type of the identity keys")
      ->check(CLI::IsMember({"ed25519", "p256"}))
      ->capture_default_str();
  init->add_option("--alias", init_opts->alias, "Key store name of the identity key")->capture_default_str();
  init->add_flag("--json", init_opts->json, "Print the identity as 'auths id show --json' does instead of text");
  registry.push_back({init, [init_opts] { return run_id_init(*init_opts); }});

  auto show_json = std::make_shared<bool>(false);
  CLI::App* show = id->add_subcommand("show", "Show the identity: did, current key, sequence, active devices");
  show->add_flag("--json", *show_json, "Print JSON instead of text");
  registry.push_back({show, [show_json] { return run_show(*show_json); }});

  CLI::App* rotate = id->add_subcommand("rotate", "Rotate the identity key to the pre-committed next key");
  rotate->footer(
      "The next key becomes current (a 'rot' event signed by it), a fresh next key is committed, and the old key is "
      "deleted from the key store: it can no longer sign for the identity. Devices linked before keep working, since "
      "every link was anchored in the key event log. Publish the rotation with 'auths registry publish'.\n"
      "--json prints {\"old_key\", \"new_key\" (qb64), \"identity\": as 'auths id show --json' prints it}.");
  auto rotate_json = std::make_shared<bool>(false);
  rotate->add_flag("--json", *rotate_json, "Print the result as JSON instead of text (see below)");
  registry.push_back({rotate, [rotate_json] { return run_rotate(*rotate_json); }});

  auto devices_opts = std::make_shared<ShowDevicesOptions>();
  CLI::App* devices = id->add_subcommand("show-devices", "List the identity's devices: active, expired (and revoked)");
  devices->add_flag("--include-revoked", devices_opts->include_revoked, "Also list revoked devices (audit trail)");
  devices->add_flag("--json", devices_opts->json, "Print a JSON array instead of text");
  registry.push_back({devices, [devices_opts] { return run_show_devices(*devices_opts); }});
}

}  // namespace auths::cli
