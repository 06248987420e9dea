// auths org init | add-member | revoke-member | list | show | teams: the org, its members, their
// roles, capabilities, teams and project scopes, as signed records in refs/auths/registry.
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auths/client/keys.h"
#include "auths/client/org_ops.h"
#include "auths/exit_codes.h"
#include "commands.h"

namespace auths::cli {

nlohmann::ordered_json member_json(const client::MemberInfo& m) {
  return {{"did", m.did},
          {"org", m.org},
          {"role", m.role},
          {"capabilities", m.capabilities},
          {"teams", m.teams},
          {"repos", m.repos},
          {"status", m.status},
          {"added_at", m.added_at},
          {"added_by", m.added_by},
          {"expires_at", or_null(m.expires_at)},
          {"revoked_at", or_null(m.revoked_at)},
          {"record", m.record}};
}

namespace {

void print_member(const client::MemberInfo& m) {
  std::printf("%s  %s  %s\n", m.did.c_str(), m.role.c_str(), m.status.c_str());
  std::printf("  capabilities: %s\n", m.capabilities.empty() ? "(none)" : join(m.capabilities, ", ").c_str());
  if (!m.teams.empty()) std::printf("  teams:        %s\n", join(m.teams, ", ").c_str());
  std::printf("  scope:        %s\n", m.repos.empty() ? "org-wide" : join(m.repos, ", ").c_str());
  std::printf("  added:        %s by %s\n", m.added_at.c_str(), m.added_by.c_str());
  if (!m.expires_at.empty()) std::printf("  expires:      %s\n", m.expires_at.c_str());
  if (!m.revoked_at.empty()) std::printf("  revoked:      %s\n", m.revoked_at.c_str());
}

/// Asks for the passphrase, runs `op` with it, wipes it.
template <typename Op>
auto with_passphrase(Op op) -> decltype(op(std::string_view{})) {
  auto passphrase = client::read_passphrase("Enter the passphrase of your keys: ");
  if (!passphrase) return passphrase.error();
  auto result = op(*passphrase);
  client::wipe_secret(*passphrase);
  return result;
}

struct AddOptions {
  std::string org;
  std::string member;
  std::string role = "member";
  std::vector<std::string> capabilities;
  std::vector<std::string> teams;
  std::vector<std::string> repos;
  std::optional<int64_t> expires_in_days;
  bool json = false;
};

struct ListOptions {
  std::string org;
  std::string repo = ".";
  std::string member;
  bool include_revoked = false;
  bool json = false;
};

int run_list(const ListOptions& opts, bool show, bool teams) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  auto members = client::list_members(*home, opts.org, opts.repo, opts.include_revoked || show);
  if (!members) return report_error(members.error());
  if (teams) {
    std::map<std::string, std::set<std::string>> by_team;
    for (const auto& m : *members) {
      if (m.status != "active") continue;
      for (const auto& t : m.teams) by_team[t].insert(m.did);
    }
    if (opts.json) {
      nlohmann::ordered_json j = nlohmann::ordered_json::object();
      for (const auto& [team, dids] : by_team) j[team] = dids;
      std::printf("%s\n", j.dump(2).c_str());
      return kExitAccepted;
    }
    if (by_team.empty()) std::printf("no teams\n");
    for (const auto& [team, dids] : by_team) {
      std::printf("%s (%zu)\n", team.c_str(), dids.size());
      for (const auto& did : dids) std::printf("  %s\n", did.c_str());
    }
    return kExitAccepted;
  }
  std::vector<client::MemberInfo> chosen;
  for (const auto& m : *members) {
    if (!show || m.did == opts.member) chosen.push_back(m);
  }
  if (show && chosen.empty()) {
    return report_error(Error::not_found(opts.member + " is not a member of the org"));
  }
  if (opts.json) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const auto& m : chosen) j.push_back(member_json(m));
    std::printf("%s\n", j.dump(2).c_str());
    return kExitAccepted;
  }
  if (chosen.empty()) std::printf("no members\n");
  for (const auto& m : chosen) print_member(m);
  return kExitAccepted;
}

}  // namespace

void register_org(CLI::App& app, Registry& registry) {
  CLI::App* org = app.add_subcommand(
      "org", "Manage an organization: members, roles, capabilities, teams (records in refs/auths/registry)");
  org->require_subcommand(1);

  auto name = std::make_shared<std::string>();
  auto init_json = std::make_shared<bool>(false);
  CLI::App* init = org->add_subcommand("init", "Create the org identity; you become its first admin");
  init->add_option("--name", *name, "The org's name in this home (1-48 of a-z 0-9 - _)")->required();
  init->add_flag("--json", *init_json, "Print {\"name\", \"did\", \"admin\": your did:keri} instead of text");
  registry.push_back({init, [name, init_json] {
                        const auto home = client::auths_home();
                        if (!home) return report_error(home.error());
                        auto info =
                            with_passphrase([&](std::string_view p) { return client::init_org(*home, *name, p); });
                        if (!info) return report_error(info.error());
                        if (*init_json) {
                          print_json({{"name", info->name}, {"did", info->did}, {"admin", info->admin}});
                          return kExitAccepted;
                        }
                        std::printf("%s\n", info->did.c_str());
                        std::printf("created org '%s' %s; first admin %s\n", info->name.c_str(), info->did.c_str(),
                                    info->admin.c_str());
                        std::printf("name it in .auths/policy.toml: org = \"%s\"\n", info->did.c_str());
                        std::printf("publish it: auths registry publish --repo PATH\n");
                        return kExitAccepted;
                      }});

  auto add = std::make_shared<AddOptions>();
  CLI::App* add_member = org->add_subcommand("add-member", "Add a member (or change one's role): a signed membership");
  add_member->add_option("member", add->member, "The member's did:keri")->required();
  add_member->add_option("--role", add->role, "admin, member or readonly")
      ->check(CLI::IsMember({"admin", "member", "readonly"}))
      ->capture_default_str();
  add_member
      ->add_option("--capabilities", add->capabilities,
                   "Replace the role's defaults (admin: sign_commit, sign_release, manage_members, "
                   "rotate_keys; member: sign_commit, sign_release; readonly: none)")
      ->delimiter(',');
  add_member->add_option("--teams", add->teams, "Teams, comma-separated")->delimiter(',');
  add_member->add_option("--repos", add->repos, "Scope the role to these projects (group/project), comma-separated")
      ->delimiter(',');
  add_member->add_option("--expires-in-days", add->expires_in_days, "The membership ends after N days");
  add_member->add_option("--org", add->org, "The org (did:keri or a local org's name; default: this home's only org)");
  add_member->add_flag("--json", add->json,
                       "Print the membership as 'auths org show --json' shows one, instead of text");
  registry.push_back({add_member, [add, add_member] {
                        const auto home = client::auths_home();
                        if (!home) return report_error(home.error());
                        client::AddMemberOptions options;
                        options.org = add->org;
                        options.member = add->member;
                        options.role = add->role;
                        if (add_member->count("--capabilities") > 0) options.capabilities = add->capabilities;
                        options.teams = add->teams;
                        options.repos = add->repos;
                        options.expires_in_days = add->expires_in_days;
                        auto m =
                            with_passphrase([&](std::string_view p) { return client::add_member(*home, options, p); });
                        if (!m) return report_error(m.error());
                        if (add->json) {
                          print_json(member_json(*m));
                          return kExitAccepted;
                        }
                        std::printf("added member ");
                        print_member(*m);
                        std::printf("  record:       %s\n", m->record.c_str());
                        std::printf("publish it: auths registry publish --repo PATH\n");
                        return kExitAccepted;
                      }});

  auto revoke = std::make_shared<ListOptions>();
  CLI::App* revoke_member = org->add_subcommand("revoke-member", "Revoke every membership of a member");
  revoke_member->add_option("member", revoke->member, "The member's did:keri")->required();
  revoke_member->add_option("--org", revoke->org, "The org (did:keri or a local org's name)");
  revoke_member->add_option("--repo", revoke->repo, "The repository whose registry lists the memberships")
      ->capture_default_str();
  revoke_member->add_flag("--json", revoke->json,
                          "Print the revoked membership as 'auths org show --json' shows one, instead of text");
  registry.push_back({revoke_member, [revoke] {
                        const auto home = client::auths_home();
                        if (!home) return report_error(home.error());
                        auto m = with_passphrase([&](std::string_view p) {
                          return client::revoke_member(*home, revoke->org, revoke->member, revoke->repo, p);
                        });
                        if (!m) return report_error(m.error());
                        if (revoke->json) {
                          print_json(member_json(*m));
                          return kExitAccepted;
                        }
                        std::printf("revoked %s in %s at %s\n", m->did.c_str(), m->org.c_str(), m->revoked_at.c_str());
                        std::printf("publish it: auths registry publish --repo PATH\n");
                        return kExitAccepted;
                      }});

  const auto add_view_options = [](CLI::App* cmd, ListOptions& opts) {
    cmd->add_option("--org", opts.org, "The org (did:keri or a local org's name)");
    cmd->add_option("--repo", opts.repo, "Read the registry of this repository (else this home's copy)")
        ->capture_default_str();
    cmd->add_flag("--json", opts.json, "Print JSON");
  };
  auto list = std::make_shared<ListOptions>();
  CLI::App* list_cmd = org->add_subcommand("list", "List the org's members");
  add_view_options(list_cmd, *list);
  list_cmd->add_flag("--include-revoked", list->include_revoked, "Also list revoked members");
  registry.push_back({list_cmd, [list] { return run_list(*list, false, false); }});

  auto show = std::make_shared<ListOptions>();
  CLI::App* show_cmd = org->add_subcommand("show", "Show one member's memberships (every scope, with status)");
  show_cmd->add_option("member", show->member, "The member's did:keri")->required();
  add_view_options(show_cmd, *show);
  registry.push_back({show_cmd, [show] { return run_list(*show, true, false); }});

  auto teams = std::make_shared<ListOptions>();
  CLI::App* teams_cmd = org->add_subcommand("teams", "List the teams and their active members");
  add_view_options(teams_cmd, *teams);
  registry.push_back({teams_cmd, [teams] { return run_list(*teams, false, true); }});
}

}  // namespace auths::cli
