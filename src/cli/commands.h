// One entry per command: the CLI11 subcommand and what runs when it was chosen. Each command
// group lives in its own cmd_<group>.cpp and exposes one register_<group> function, listed in
// main.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"

namespace auths::client {
struct AgentBundle;
struct AgentLabel;
struct AuditEvent;
struct DeviceInfo;
struct MemberInfo;
}  // namespace auths::client

namespace auths::cli {

struct Command {
  CLI::App* app;             // the leaf subcommand (e.g. "hook run")
  std::function<int()> run;  // returns the process exit code
};
using Registry = std::vector<Command>;

void register_hook(CLI::App& app, Registry& registry);
void register_key(CLI::App& app, Registry& registry);
void register_id(CLI::App& app, Registry& registry);
void register_device(CLI::App& app, Registry& registry);
void register_registry(CLI::App& app, Registry& registry);
void register_init(CLI::App& app, Registry& registry);
void register_verify(CLI::App& app, Registry& registry);
void register_org(CLI::App& app, Registry& registry);
void register_emergency(CLI::App& app, Registry& registry);
void register_audit(CLI::App& app, Registry& registry);
void register_policy(CLI::App& app, Registry& registry);
void register_release(CLI::App& app, Registry& registry);
void register_artifact(CLI::App& app, Registry& registry);
void register_witness(CLI::App& app, Registry& registry);
void register_config(CLI::App& app, Registry& registry);

/// `items` separated by `separator`.
std::string join(const std::vector<std::string>& items, std::string_view separator);

/// The directory of the running executable (to find the hook binaries installed beside it).
std::string executable_dir();

/// Prints "error: <message>" on stderr; returns the exit code for it: kExitUsage for invalid
/// arguments, 1 (the command failed) for everything else.
int report_error(const Error& error);
/// For the commands that read records and report on them (audit, emergency report): prints
/// "error: <message>"; kExitUsage for invalid arguments, kExitUndecided (could not read what to
/// report on: a repository, a registry) for everything else.
int report_unreadable(const Error& error);

/// `text`, or null when it is empty: how the JSON outputs write an absent value.
nlohmann::ordered_json or_null(const std::string& text);
/// The JSON of a device link (cmd_id.cpp), of a member (cmd_org.cpp), of an audit event
/// (cmd_audit.cpp): one shape wherever a command prints one.
nlohmann::ordered_json device_json(const client::DeviceInfo& device);
nlohmann::ordered_json member_json(const client::MemberInfo& member);
nlohmann::ordered_json event_json(const client::AuditEvent& event);
/// An agent delegation's metadata as the record has it; null when it has none (cmd_audit.cpp).
nlohmann::ordered_json agent_json(const client::AgentLabel& agent);
/// A provisioned or linked agent, as `auths init --profile agent --json` and `auths device link
/// --request FILE --json` print it (cmd_init.cpp).
nlohmann::ordered_json agent_bundle_json(const client::AgentBundle& bundle);
/// {"revoked": [device_json...]}: what `device revoke` and `emergency revoke-device` print with
/// --json (cmd_device.cpp).
nlohmann::ordered_json revoked_json(const std::vector<client::DeviceInfo>& revoked);
/// `doc` on stdout, indented by 2, and a newline: what every --json prints.
void print_json(const nlohmann::ordered_json& doc);

}  // namespace auths::cli
