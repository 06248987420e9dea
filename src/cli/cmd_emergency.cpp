// auths emergency freeze | unfreeze | revoke-device | report: the org-wide freeze every server
// sees on its next push, the fast way to cut off a lost device, and the incident report (who and
// what can sign now, what changed lately, what to do).
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "auths/client/audit_ops.h"
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
  bool json = false;
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
  if (opts.json) {
    print_json({{"org", info->org},
                {"kind", info->kind},
                {"signer", info->signer},
                {"until", or_null(info->until)},
                {"reason", or_null(opts.reason.value_or(""))},
                {"record", info->record}});
    return kExitAccepted;
  }
  if (freeze) {
    std::printf("froze %s until %s (signed by %s)\n", info->org.c_str(), info->until.c_str(), info->signer.c_str());
  } else {
    std::printf("unfroze %s (signed by %s)\n", info->org.c_str(), info->signer.c_str());
  }
  std::printf("  record: %s\n", info->record.c_str());
  std::printf("publish it now: auths registry publish --repo PATH && git -C PATH push origin refs/auths/registry\n");
  return kExitAccepted;
}

nlohmann::ordered_json freeze_json(const client::FreezeEntry& f) {
  return {{"kind", f.kind},
          {"timestamp", f.timestamp},
          {"signer", f.signer},
          {"until", or_null(f.until)},
          {"reason", or_null(f.reason)},
          {"record", f.record}};
}

nlohmann::ordered_json link_json(const client::LinkStatus& l) {
  return {{"did", l.link.did_key},      {"identity", l.identity}, {"member_status", l.member_status},
          {"status", l.status},         {"why", or_null(l.why)},  {"agent", agent_json(l.agent)},
          {"link", device_json(l.link)}};
}

nlohmann::ordered_json report_json(const client::IncidentReport& r) {
  nlohmann::ordered_json members = nlohmann::ordered_json::array();
  for (const auto& m : r.members) members.push_back(member_json(m));
  nlohmann::ordered_json devices = nlohmann::ordered_json::array();
  for (const auto& d : r.devices) devices.push_back(link_json(d));
  nlohmann::ordered_json agents = nlohmann::ordered_json::array();
  for (const auto& a : r.agents) agents.push_back(link_json(a));
  nlohmann::ordered_json history = nlohmann::ordered_json::array();
  for (const auto& f : r.freezes) history.push_back(freeze_json(f));
  nlohmann::ordered_json events = nlohmann::ordered_json::array();
  for (const auto& e : r.recent_events) events.push_back(event_json(e));
  nlohmann::ordered_json recommendations = nlohmann::ordered_json::array();
  for (const auto& rec : r.recommendations) {
    recommendations.push_back({{"subject", rec.subject}, {"finding", rec.finding}, {"action", rec.action}});
  }
  return {{"report", "auths emergency report"},
          {"generated_at", r.generated_at},
          {"org", r.org},
          {"source",
           {{"repository", or_null(r.source.repository)},
            {"registry", or_null(r.source.registry)},
            {"home_copy", or_null(r.source.home_copy)}}},
          {"freeze",
           {{"frozen", r.frozen},
            {"in_force", r.frozen ? freeze_json(r.freeze) : nlohmann::ordered_json(nullptr)},
            {"history", history}}},
          {"members", members},
          {"devices", devices},
          {"agents", agents},
          {"recent_events", {{"since", r.recent_since}, {"events", events}}},
          {"recommendations", recommendations}};
}

struct ReportOptions {
  std::string file;
  std::string repo;
  std::string org;
};

int run_report(const ReportOptions& opts) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  auto report = client::emergency_report(*home, opts.repo, opts.org);
  if (!report) return report_unreadable(report.error());
  const std::string text = report_json(*report).dump(2) + "\n";
  if (opts.file.empty()) {
    std::fputs(text.c_str(), stdout);
    return kExitAccepted;
  }
  if (auto written = client::write_new_private_file(opts.file, text); !written) return report_error(written.error());
  std::printf("wrote incident report %s: members %zu, devices %zu, agents %zu, recommendations %zu\n",
              opts.file.c_str(), report->members.size(), report->devices.size(), report->agents.size(),
              report->recommendations.size());
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
  freeze_cmd->add_flag("--json", freeze->json, "Print the record as JSON instead of text (see below)");
  freeze_cmd->footer(
      "--json prints {\"org\", \"kind\": \"freeze\", \"signer\", \"until\" (RFC 3339), \"reason\" (null when none), "
      "\"record\": its path in the registry}.");
  registry.push_back({freeze_cmd, [freeze] { return run_freeze(*freeze, true); }});

  auto unfreeze = std::make_shared<FreezeOptions>();
  CLI::App* unfreeze_cmd = group->add_subcommand("unfreeze", "End the org's freeze (a signed record)");
  unfreeze_cmd->add_option("--org", unfreeze->org, "The org (did:keri or a local org's name)");
  unfreeze_cmd->add_flag("--json", unfreeze->json, "Print the record as JSON instead of text (see below)");
  unfreeze_cmd->footer(
      "--json prints {\"org\", \"kind\": \"unfreeze\", \"signer\", \"until\": null, \"reason\": null, \"record\"} (the "
      "shape of 'auths emergency freeze --json').");
  registry.push_back({unfreeze_cmd, [unfreeze] { return run_freeze(*unfreeze, false); }});

  auto report = std::make_shared<ReportOptions>();
  CLI::App* report_cmd = group->add_subcommand(
      "report", "An incident report in JSON: members, devices, agents, freezes, recent changes, what to do");
  report_cmd->add_option("--file", report->file,
                         "Write the report to this new file (mode 0600; an existing file is never replaced) "
                         "instead of stdout");
  report_cmd->add_option("--repo", report->repo,
                         "The repository whose refs/auths/registry to read (default: the current directory when it "
                         "is a repository with one, else this home's registry copy)");
  report_cmd->add_option("--org", report->org,
                         "The org (did:keri or a local org's name; default: this home's only org, else the "
                         "registry's only org)");
  report_cmd->footer(
      "Fields: generated_at; org; source (repository and registry commit read, or home_copy); freeze (frozen, the "
      "freeze in_force, history); members (as 'auths org list --json', revoked ones included; status active, "
      "revoked or expired); devices (every did:key linked to any identity: identity, member_status of that identity "
      "in the org, status, and the link as 'auths id show-devices --json' shows it); agents (every link whose signer "
      "type is Agent or Workload: status active, revoked, expired, or delegator-revoked when a delegation or "
      "membership above it is revoked or expired, and why; agent: what the delegation says the agent is); "
      "recent_events (those of 'auths audit log' of the last 30 days); recommendations (subject, finding, action: "
      "the commands to run).\n"
      "The report names every key that can sign for the org: keep it private. Exit 0, 64 for a bad option or an "
      "existing --file, 2 when the repository or the registry cannot be read.");
  registry.push_back({report_cmd, [report] { return run_report(*report); }});

  auto device = std::make_shared<std::string>();
  auto yes = std::make_shared<bool>(false);
  auto json = std::make_shared<bool>(false);
  CLI::App* revoke = group->add_subcommand("revoke-device", "Revoke a device of your identity now");
  revoke->add_option("--device", *device, "The device's did:key, or an agent's did:keri")->required();
  revoke->add_flag("--yes", *yes, "Confirm");
  revoke->add_flag("--json", *json, "Print the result as JSON instead of text (see below)");
  revoke->footer("--json prints {\"revoked\": [the revoked links]}, as 'auths device revoke --json' does.");
  registry.push_back({revoke, [device, yes, json] {
                        if (!*yes) return report_error(Error::invalid_argument("confirm with --yes"));
                        const auto home = client::auths_home();
                        if (!home) return report_error(home.error());
                        auto passphrase = client::read_passphrase("Enter the passphrase of the identity keys: ");
                        if (!passphrase) return report_error(passphrase.error());
                        auto revoked = client::revoke_device(*home, *device, *passphrase, "emergency revocation");
                        client::wipe_secret(*passphrase);
                        if (!revoked) return report_error(revoked.error());
                        if (*json) {
                          print_json(revoked_json(*revoked));
                          return kExitAccepted;
                        }
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
