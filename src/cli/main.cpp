// auths: the admin and developer CLI. main only dispatches; commands live in cmd_<group>.cpp.
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "auths/exit_codes.h"
#include "commands.h"

namespace auths::cli {

std::string executable_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

int report_error(const Error& error) {
  std::fprintf(stderr, "error: %s\n", error.to_string().c_str());
  return error.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitRejected;
}

int report_unreadable(const Error& error) {
  std::fprintf(stderr, "error: %s\n", error.to_string().c_str());
  return error.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitUndecided;
}

nlohmann::ordered_json or_null(const std::string& text) {
  return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

void print_json(const nlohmann::ordered_json& doc) { std::printf("%s\n", doc.dump(2).c_str()); }

}  // namespace auths::cli

int main(int argc, char** argv) {
  CLI::App app{"auths: enforce who may sign what in git repositories", "auths"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("auths ") + AUTHS_VERSION);
  auths::cli::Registry registry;
  for (const auto register_group :
       {&auths::cli::register_hook, &auths::cli::register_key, &auths::cli::register_id, &auths::cli::register_device,
        &auths::cli::register_registry, &auths::cli::register_init, &auths::cli::register_verify,
        &auths::cli::register_org, &auths::cli::register_emergency, &auths::cli::register_audit,
        &auths::cli::register_policy, &auths::cli::register_release, &auths::cli::register_artifact,
        &auths::cli::register_witness, &auths::cli::register_config}) {
    register_group(app, registry);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : auths::kExitUsage;
  }
  try {
    for (const auto& command : registry) {
      if (command.app->parsed()) return command.run();
    }
    std::fprintf(stderr, "error: no command given; see 'auths --help'\n");
    return auths::kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: internal error: %s\n", e.what());
    return auths::kExitUndecided;
  }
}
