// auths emergency freeze | unfreeze | revoke-device: the org-wide freeze every server sees on
// its next push, and the fast way to cut off a lost device.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "auths/client/identity_ops.h"
#include "auths/client/keys.h"
#include "auths/client/org_ops.h"
#include "auths/exit_codes.h"
#include "commands.h"

namespace auths::cli {

namespace {

struct FreezeOptions {
  std::string org;
  std::string duration = "24h";
  std::optional<std::string> reason;
  bool yes = false;
};

int run_freeze(const FreezeOptions& opts, bool freeze) {
  if (freeze && !opts.yes) {
    return report_error(
        Error::invalid_argument("a freeze refuses every push to every repository of the org: confirm with --yes"));
  }
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  std::optional<int64_t> seconds;
  if (freeze) {
    auto parsed = client::parse_duration(opts.duration);
    if (!parsed) return report_error(parsed.error());
    seconds = *parsed;
  }
  auto passphrase = client::read_passphrase("Enter the passphrase of your keys: ");
  if (!passphrase) return report_error(passphrase.error());
  auto info = client::freeze_org(*home, opts.org, seconds, opts.reason, *passphrase);
  client::wipe_secret(*passphrase);
  if (!info) return report_error(info.error());
  if (freeze) {
    std::printf("froze %s until %s (signed by %s)\n", info->org.c_str(), info->until.c_str(), info->signer.c_str());
  } else {
    std::printf("unfroze %s (signed by %s)\n", info->org.c_str(), info->signer.c_str());
  }
  std::printf("  record: %s\n", info->record.c_str());
  std::printf("publish it now: auths registry publish --repo PATH && git -C PATH push origin refs/auths/registry\n");
  return kExitAccepted;
}

}  // namespace

void register_emergency(CLI::App& app, Registry& registry) {
  CLI::App* group = app.add_subcommand("emergency", "Freeze the org, or cut off a device, at once");
  group->require_subcommand(1);

  auto freeze = std::make_shared<FreezeOptions>();
  CLI::App* freeze_cmd =
      group->add_subcommand("freeze", "Refuse every push to the org's repositories for a while (a signed record)");
  freeze_cmd->add_option("--duration", freeze->duration, "How long: 30m, 1h, 24h, 7d, 1w")->capture_default_str();
  freeze_cmd->add_option("--reason", freeze->reason, "Why (shown to every refused pusher)");
  freeze_cmd->add_option("--org", freeze->org, "The org (did:keri or a local org's name)");
  freeze_cmd->add_flag("--yes", freeze->yes, "Confirm");
  registry.push_back({freeze_cmd, [freeze] { return run_freeze(*freeze, true); }});

  auto unfreeze = std::make_shared<FreezeOptions>();
  CLI::App* unfreeze_cmd = group->add_subcommand("unfreeze", "End the org's freeze (a signed record)");
  unfreeze_cmd->add_option("--org", unfreeze->org, "The org (did:keri or a local org's name)");
  registry.push_back({unfreeze_cmd, [unfreeze] { return run_freeze(*unfreeze, false); }});

  auto device = std::make_shared<std::string>();
  auto yes = std::make_shared<bool>(false);
  CLI::App* revoke = group->add_subcommand("revoke-device", "Revoke a device of your identity now");
  revoke->add_option("--device", *device, "The device's did:key, or an agent's did:keri")->required();
  revoke->add_flag("--yes", *yes, "Confirm");
  registry.push_back({revoke, [device, yes] {
                        if (!*yes) return report_error(Error::invalid_argument("confirm with --yes"));
                        const auto home = client::auths_home();
                        if (!home) return report_error(home.error());
                        auto passphrase = client::read_passphrase("Enter the passphrase of the identity keys: ");
                        if (!passphrase) return report_error(passphrase.error());
                        auto revoked = client::revoke_device(*home, *device, *passphrase, "emergency revocation");
                        client::wipe_secret(*passphrase);
                        if (!revoked) return report_error(revoked.error());
                        for (const auto& d : *revoked) {
                          std::printf("revoked device %s at %s\n", d.did_key.c_str(), d.revoked_at.c_str());
                        }
                        std::printf(
                            "publish it now: auths registry publish --repo PATH && git -C PATH push origin "
                            "refs/auths/registry\n");
                        return kExitAccepted;
                      }});
}

}  // namespace auths::cli
