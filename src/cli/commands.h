// One entry per command: the CLI11 subcommand and what runs when it was chosen. Each command
// group lives in its own cmd_<group>.cpp and exposes one register_<group> function, listed in
// main.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace auths::cli {

struct Command {
  CLI::App* app;             // the leaf subcommand (e.g. "hook run")
  std::function<int()> run;  // returns the process exit code
};
using Registry = std::vector<Command>;

void register_hook(CLI::App& app, Registry& registry);
void register_key(CLI::App& app, Registry& registry);

/// The directory of the running executable (to find the hook binaries installed beside it).
std::string executable_dir();

}  // namespace auths::cli
