// auths device link | request | revoke: device keys linked to the identity by signed, anchored
// attestations; `request` and `link --request` link a key that stays on another machine.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "auths/client/agent_ops.h"
#include "auths/client/identity_ops.h"
#include "auths/client/keys.h"
#include "auths/client/sign_tool.h"
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
  std::string request;  // --request FILE: link the key of a request instead of a new local key
  bool json = false;
};

client::LinkDeviceOptions device_options(const LinkOptions& opts) {
  client::LinkDeviceOptions options;
  options.alias = opts.alias;
  options.curve = opts.curve;
  options.expires_in_days = opts.expires_in_days;
  options.capabilities = opts.capabilities;
  options.signer_type = opts.signer_type;
  options.note = opts.note;
  return options;
}

/// The grant of a device, as `link`, `link --request` and `request` show it (on stderr before the
/// passphrase prompt of --json, where stdout has the document only).
void print_grant(std::FILE* out, const client::DeviceInfo& device) {
  std::fprintf(out, "  ssh key:      %s\n", device.ssh_public_key.c_str());
  std::fprintf(out, "  fingerprint:  %s\n", device.fingerprint.c_str());
  std::fprintf(out, "  capabilities: %s; signer type %s; expires %s\n", join(device.capabilities, ", ").c_str(),
               device.signer_type.c_str(), device.expires_at.empty() ? "never" : device.expires_at.c_str());
  if (!device.note.empty()) std::fprintf(out, "  note:         %s\n", device.note.c_str());
}

/// `auths:<alias>`: the git user.signingKey of a key in this home's store.
std::string signing_key(const std::string& alias) { return std::string(client::kAuthsKeyPrefix) + alias; }

int run_link_local(const LinkOptions& opts) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  if (!opts.alias.empty()) {
    if (const auto ok = client::check_key_alias(opts.alias); !ok) return report_error(ok.error());
  }
  auto passphrase = client::read_passphrase("Enter the passphrase of the identity keys: ");
  if (!passphrase) return report_error(passphrase.error());
  const auto device = client::link_device(*home, device_options(opts), *passphrase);
  client::wipe_secret(*passphrase);
  if (!device) return report_error(device.error());
  if (opts.json) {
    print_json({{"device", device_json(*device)}, {"signing_key", signing_key(device->alias)}});
    return kExitAccepted;
  }
  std::printf("%s\n", device->did_key.c_str());
  std::printf("linked device %s (key '%s')\n", device->did_key.c_str(), device->alias.c_str());
  print_grant(stdout, *device);
  std::printf("  record:       %s (anchored in the key event log)\n", device->record.c_str());
  std::printf(
      "sign with it: git config gpg.format ssh; git config gpg.ssh.program auths-sign; "
      "git config user.signingKey auths:%s\n",
      device->alias.c_str());
  std::printf("  (or: auths init --git --key-alias %s)\n", device->alias.c_str());
  std::printf("publish the link: auths registry publish --repo PATH\n");
  return kExitAccepted;
}

/// A request that is refused exits 1 whatever the reason (changed after the device signed it,
/// another identity, expired, already linked), as a refused push does; only the command line
/// itself is a usage error.
int report_refusal(const Error& error) {
  std::fprintf(stderr, "error: %s\n", error.to_string().c_str());
  return kExitRejected;
}

/// An agent's request (auths init --profile agent --request): the agent's dip and its delegation.
int run_link_agent_request(const std::string& home, const LinkOptions& opts) {
  const auto review = client::review_agent_request(home, opts.request);
  if (!review) return report_refusal(review.error());
  const client::AgentBundle& agent = review->agent;
  std::FILE* out = opts.json ? stderr : stdout;
  std::fprintf(out, "agent request for %s:\n", review->issuer.c_str());
  std::fprintf(out, "  agent:        %s (%s)\n", agent.did.c_str(), agent.name.c_str());
  std::fprintf(out, "  key:          %s\n", agent.ssh_public_key.c_str());
  std::fprintf(out, "  capabilities: %s\n", join(agent.capabilities, ", ").c_str());
  std::fprintf(out, "  expires:      %s\n", agent.expires_at.empty() ? "never" : agent.expires_at.c_str());
  std::fflush(out);
  auto passphrase = client::read_passphrase("Enter the passphrase of the identity keys to delegate to it: ");
  if (!passphrase) return report_error(passphrase.error());
  const auto linked = client::link_requested_agent(home, review->text, *passphrase);
  client::wipe_secret(*passphrase);
  if (!linked) {
    const bool refused = linked.error().message.rfind(client::kLinkRequestRefused, 0) == 0;
    return refused ? report_refusal(linked.error()) : report_error(linked.error());
  }
  if (opts.json) {
    print_json({{"identity", review->issuer}, {"agent", agent_bundle_json(*linked)}});
    return kExitAccepted;
  }
  std::printf("%s\n", linked->did.c_str());
  std::printf("delegated to agent %s (its key stays on its machine)\n", linked->did.c_str());
  std::printf("  record:       %s (anchored with the agent's inception in the key event log)\n",
              linked->record.c_str());
  std::printf("publish it: auths registry publish --repo PATH, then git push origin refs/auths/registry\n");
  return kExitAccepted;
}

int run_link_request(const LinkOptions& opts) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  if (client::is_agent_request_file(opts.request)) return run_link_agent_request(*home, opts);
  const auto review = client::review_link_request(*home, opts.request);
  if (!review) return report_refusal(review.error());
  // What will be granted, before the passphrase is asked: the prompt is the moment to stop.
  std::FILE* out = opts.json ? stderr : stdout;
  std::fprintf(out, "link request from a device for %s:\n", review->issuer.c_str());
  std::fprintf(out, "  device:       %s\n", review->device.did_key.c_str());
  print_grant(out, review->device);
  std::fprintf(out, "  requested at: %s\n", review->device.linked_at.c_str());
  std::fflush(out);
  auto passphrase = client::read_passphrase("Enter the passphrase of the identity keys to grant it: ");
  if (!passphrase) return report_error(passphrase.error());
  const auto device = client::link_requested_device(*home, review->text, *passphrase);
  client::wipe_secret(*passphrase);
  if (!device) {
    const bool refused = device.error().message.rfind(client::kLinkRequestRefused, 0) == 0;
    return refused ? report_refusal(device.error()) : report_error(device.error());
  }
  if (opts.json) {
    print_json({{"identity", review->issuer}, {"device", device_json(*device)}});
    return kExitAccepted;
  }
  std::printf("%s\n", device->did_key.c_str());
  std::printf("linked device %s (its key stays on its machine)\n", device->did_key.c_str());
  std::printf("  record:       %s (anchored in the key event log)\n", device->record.c_str());
  std::printf("publish the link: auths registry publish --repo PATH, then git push origin refs/auths/registry\n");
  std::printf(
      "on the device: git fetch origin refs/auths/registry:refs/auths/registry, then commits signed with it count "
      "for %s\n",
      review->issuer.c_str());
  return kExitAccepted;
}

int run_link(const LinkOptions& opts) { return opts.request.empty() ? run_link_local(opts) : run_link_request(opts); }

struct RequestOptions {
  LinkOptions link;
  std::string identity;
  std::string out;
};

int run_request(const RequestOptions& opts) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  if (!opts.link.alias.empty()) {
    if (const auto ok = client::check_key_alias(opts.link.alias); !ok) return report_error(ok.error());
  }
  const auto keys = client::list_stored_keys(*home);
  if (!keys) return report_error(keys.error());
  // A home's first key sets its passphrase: asked twice; later keys take the one it has.
  auto passphrase = keys->empty()
                        ? client::read_passphrase("Enter a passphrase for the new device key: ", /*confirm=*/true)
                        : client::read_passphrase("Enter the passphrase of this home's keys: ");
  if (!passphrase) return report_error(passphrase.error());
  const auto request =
      client::request_device_link(*home, opts.identity, device_options(opts.link), opts.out, *passphrase);
  client::wipe_secret(*passphrase);
  if (!request) return report_error(request.error());
  const client::DeviceInfo& device = request->device;
  if (opts.link.json) {
    print_json({{"identity", request->issuer},
                {"request", request->path},
                {"device", device_json(device)},
                {"signing_key", signing_key(device.alias)}});
    return kExitAccepted;
  }
  std::printf("%s\n", device.did_key.c_str());
  std::printf("wrote a link request for %s to %s (key '%s' stays here)\n", request->issuer.c_str(),
              request->path.c_str(), device.alias.c_str());
  print_grant(stdout, device);
  std::printf("next:\n");
  std::printf("  1. on the identity's machine: auths device link --request %s\n", request->path.c_str());
  std::printf("     (check that it shows the fingerprint %s), then publish and push the registry:\n",
              device.fingerprint.c_str());
  std::printf("     auths registry publish --repo PATH; git push origin refs/auths/registry\n");
  std::printf("  2. here, in your clone: auths init --git --key-alias %s\n", device.alias.c_str());
  std::printf("     git fetch origin refs/auths/registry:refs/auths/registry\n");
  return kExitAccepted;
}

/// The options `link` and `request` share: what the link grants and how the key is made.
void add_grant_options(CLI::App* cmd, LinkOptions& opts) {
  cmd->add_option("--alias", opts.alias, "Key store name of the device key (default: device-<n>)");
  cmd->add_option("--curve", opts.curve, "Key type of the device key")
      ->check(CLI::IsMember({"ed25519", "p256"}))
      ->capture_default_str();
  cmd->add_option("--expires-in-days", opts.expires_in_days, "The link expires after this many days (default: never)")
      ->check(CLI::Range(1, 36600));
  cmd->add_option("--capabilities", opts.capabilities, "Capabilities granted, comma-separated (default: sign_commit)")
      ->delimiter(',');
  cmd->add_option("--signer-type", opts.signer_type, "Who signs with the device")
      ->check(CLI::IsMember({"Human", "Agent", "Workload"}))
      ->capture_default_str();
  cmd->add_option("--note", opts.note, "A note stored in the attestation");
  cmd->add_flag("--json", opts.json, "Print the result as JSON (see below) instead of text");
}

struct RevokeOptions {
  std::string device;
  std::optional<std::string> note;
  bool json = false;
};

int run_revoke(const RevokeOptions& opts) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  auto passphrase = client::read_passphrase("Enter the passphrase of the identity keys: ");
  if (!passphrase) return report_error(passphrase.error());
  const auto revoked = client::revoke_device(*home, opts.device, *passphrase, opts.note);
  client::wipe_secret(*passphrase);
  if (!revoked) return report_error(revoked.error());
  if (opts.json) {
    print_json(revoked_json(*revoked));
    return kExitAccepted;
  }
  for (const auto& device : *revoked) {
    std::printf("revoked device %s%s at %s\n", device.did_key.c_str(),
                device.alias.empty() ? "" : (" (key '" + device.alias + "')").c_str(), device.revoked_at.c_str());
    std::printf("  record: %s\n", device.record.c_str());
  }
  std::printf("publish the revocation: auths registry publish --repo PATH\n");
  return kExitAccepted;
}

}  // namespace

/// What `device revoke` and `emergency revoke-device` print with --json.
nlohmann::ordered_json revoked_json(const std::vector<client::DeviceInfo>& revoked) {
  nlohmann::ordered_json devices = nlohmann::ordered_json::array();
  for (const auto& device : revoked) devices.push_back(device_json(device));
  return {{"revoked", devices}};
}

void register_device(CLI::App& app, Registry& registry) {
  CLI::App* device = app.add_subcommand(
      "device", "Link device keys to your identity (here, or on another machine by a request), and revoke them");
  device->require_subcommand(1);

  auto link_opts = std::make_shared<LinkOptions>();
  CLI::App* link = device->add_subcommand("link", "Generate a device key and link it to the identity");
  link->footer(
      "The link is an attestation signed by the identity key and by the device key, anchored by an 'ixn' event in the "
      "key event log so that it survives rotations. Prints the device's did:key, its SSH key and the git settings to "
      "sign with it; 'auths registry publish' shares the link.\n"
      "With --request FILE the device key is the one of a link request made on another machine ('auths device "
      "request'): the request is checked (for this identity, signed by its device over every field, not expired, "
      "dated at most 5 minutes ahead and at most 7 days back), what it grants is shown, then it is signed and "
      "anchored as above. A request that is refused exits 1.\n"
      "--json prints {\"device\": the link as 'auths id show-devices --json' shows it, \"signing_key\": "
      "\"auths:<alias>\"}; with --request, {\"identity\", \"device\"} for a device, or {\"identity\", \"agent\": as "
      "'auths init --profile agent --json' prints it} for an agent request (what the request grants goes to stderr "
      "then, before the passphrase prompt).");
  add_grant_options(link, *link_opts);
  CLI::Option* request_file =
      link->add_option("--request", link_opts->request, "Link the device key of this link request file instead");
  for (const char* name : {"--alias", "--curve", "--expires-in-days", "--capabilities", "--signer-type", "--note"}) {
    request_file->excludes(link->get_option(name));
  }
  registry.push_back({link, [link_opts] { return run_link(*link_opts); }});

  auto request_opts = std::make_shared<RequestOptions>();
  CLI::App* request =
      device->add_subcommand("request", "On a new machine: make a device key and a link request for the identity");
  request->footer(
      "For a device whose key must stay on its own machine: generates the device key in this home's key store "
      "(no identity keys needed here) and writes --out, the link attestation signed by the device. Nothing in it can "
      "change without the device signature failing. Take the file to the identity's machine and run 'auths device "
      "link --request FILE' there; once the link is published and pushed (refs/auths/registry), fetch the registry "
      "here and sign with 'auths init --git --key-alias ALIAS'.\n"
      "--json prints {\"identity\", \"request\": the file, \"device\": the link asked for (status \"requested\"), "
      "\"signing_key\": \"auths:<alias>\"}.");
  request->add_option("--identity", request_opts->identity, "The did:keri identity to ask for a link")->required();
  request->add_option("--out", request_opts->out, "The link request file to write (must not exist)")->required();
  add_grant_options(request, request_opts->link);
  registry.push_back({request, [request_opts] { return run_request(*request_opts); }});

  auto revoke_opts = std::make_shared<RevokeOptions>();
  CLI::App* revoke = device->add_subcommand("revoke", "Revoke a device's link to the identity");
  revoke->footer(
      "Writes a revocation record signed by the identity key and anchored in the key event log. Once it is published "
      "('auths registry publish' and a push of refs/auths/registry), servers refuse what the device signs.\n"
      "--json prints {\"revoked\": [the revoked links, as 'auths id show-devices --json' shows them]}.");
  revoke->add_option("--device,--device-did", revoke_opts->device, "The device's did:key, or an agent's did:keri")
      ->required();
  revoke->add_option("--note", revoke_opts->note, "A note stored in the revocation");
  revoke->add_flag("--json", revoke_opts->json, "Print the result as JSON (see below) instead of text");
  registry.push_back({revoke, [revoke_opts] { return run_revoke(*revoke_opts); }});
}

}  // namespace auths::cli
