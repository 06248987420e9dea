// One entry per command: the CLI11 subcommand and what runs when it was chosen. Each command
// group lives in its own cmd_<group>.cpp and exposes one register_<group> function, listed in
// main.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"

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

/// `items` separated by `separator`.
std::string join(const std::vector<std::string>& items, std::string_view separator);

/// The directory of the running executable (to find the hook binaries installed beside it).
std::string executable_dir();

/// Prints "error: <message>" on stderr; returns the exit code for it: kExitUsage for invalid
/// arguments, 1 (the command failed) for everything else.
int report_error(const Error& error);

}  // namespace auths::cli
