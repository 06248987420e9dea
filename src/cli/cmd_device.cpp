// auths device link | revoke: device keys linked to the identity by signed, anchored attestations.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auths/client/identity_ops.h"
#include "auths/client/keys.h"
#include "auths/exit_codes.h"
#include "commands.h"

namespace auths::cli {

namespace {

struct LinkOptions {
  std::string alias;
  std::string curve = "ed25519";
  std::optional<int64_t> expires_in_days;
  std::vector<std::string> capabilities;
  std::string signer_type = "Human";
  std::optional<std::string> note;
};

int run_link(const LinkOptions& opts) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  if (!opts.alias.empty()) {
    if (const auto ok = client::check_key_alias(opts.alias); !ok) return report_error(ok.error());
  }
  auto passphrase = client::read_passphrase("Enter the passphrase of the identity keys: ");
  if (!passphrase) return report_error(passphrase.error());
  client::LinkDeviceOptions options;
  options.alias = opts.alias;
  options.curve = opts.curve;
  options.expires_in_days = opts.expires_in_days;
  options.capabilities = opts.capabilities;
  options.signer_type = opts.signer_type;
  options.note = opts.note;
  const auto device = client::link_device(*home, options, *passphrase);
  client::wipe_secret(*passphrase);
  if (!device) return report_error(device.error());
  std::printf("%s\n", device->did_key.c_str());
  std::printf("linked device %s (key '%s')\n", device->did_key.c_str(), device->alias.c_str());
  std::printf("  ssh key:      %s\n", device->ssh_public_key.c_str());
  std::printf("  fingerprint:  %s\n", device->fingerprint.c_str());
  std::printf("  capabilities: %s; signer type %s; expires %s\n", join(device->capabilities, ", ").c_str(),
              device->signer_type.c_str(), device->expires_at.empty() ? "never" : device->expires_at.c_str());
  std::printf("  record:       %s (anchored in the key event log)\n", device->record.c_str());
  std::printf(
      "sign with it: git config gpg.format ssh; git config gpg.ssh.program auths-sign; "
      "git config user.signingKey auths:%s\n",
      device->alias.c_str());
  std::printf("  (or: auths init --git --key-alias %s)\n", device->alias.c_str());
  std::printf("publish the link: auths registry publish --repo PATH\n");
  return kExitAccepted;
}

struct RevokeOptions {
  std::string device;
  std::optional<std::string> note;
};

int run_revoke(const RevokeOptions& opts) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  auto passphrase = client::read_passphrase("Enter the passphrase of the identity keys: ");
  if (!passphrase) return report_error(passphrase.error());
  const auto revoked = client::revoke_device(*home, opts.device, *passphrase, opts.note);
  client::wipe_secret(*passphrase);
  if (!revoked) return report_error(revoked.error());
  for (const auto& device : *revoked) {
    std::printf("revoked device %s%s at %s\n", device.did_key.c_str(),
                device.alias.empty() ? "" : (" (key '" + device.alias + "')").c_str(), device.revoked_at.c_str());
    std::printf("  record: %s\n", device.record.c_str());
  }
  std::printf("publish the revocation: auths registry publish --repo PATH\n");
  return kExitAccepted;
}

}  // namespace

void register_device(CLI::App& app, Registry& registry) {
  CLI::App* device = app.add_subcommand("device", "Link device keys to your identity, and revoke them");
  device->require_subcommand(1);

  auto link_opts = std::make_shared<LinkOptions>();
  CLI::App* link = device->add_subcommand("link", "Generate a device key and link it to the identity");
  link->footer(
      "The link is an attestation signed by the identity key and by the device key, anchored by an 'ixn' event in the "
      "key event log so that it survives rotations. Prints the device's did:key, its SSH key and the git settings to "
      "sign with it; 'auths registry publish' shares the link.");
  link->add_option("--alias", link_opts->alias, "Key store name of the device key (default: device-<n>)");
  link->add_option("--curve", link_opts->curve, "Key type of the device key")
      ->check(CLI::IsMember({"ed25519", "p256"}))
      ->capture_default_str();
  link->add_option("--expires-in-days", link_opts->expires_in_days,
                   "The link expires after this many days (default: never)")
      ->check(CLI::Range(1, 36600));
  link->add_option("--capabilities", link_opts->capabilities,
                   "Capabilities granted, comma-separated (default: sign_commit)")
      ->delimiter(',');
  link->add_option("--signer-type", link_opts->signer_type, "Who signs with the device")
      ->check(CLI::IsMember({"Human", "Agent", "Workload"}))
      ->capture_default_str();
  link->add_option("--note", link_opts->note, "A note stored in the attestation");
  registry.push_back({link, [link_opts] { return run_link(*link_opts); }});

  auto revoke_opts = std::make_shared<RevokeOptions>();
  CLI::App* revoke = device->add_subcommand("revoke", "Revoke a device's link to the identity");
  revoke->footer(
      "Writes a revocation record signed by the identity key and anchored in the key event log. Once it is published "
      "('auths registry publish' and a push of refs/auths/registry), servers refuse what the device signs.");
  revoke->add_option("--device,--device-did", revoke_opts->device, "The device's did:key")->required();
  revoke->add_option("--note", revoke_opts->note, "A note stored in the revocation");
  registry.push_back({revoke, [revoke_opts] { return run_revoke(*revoke_opts); }});
}

}  // namespace auths::cli
