// auths config check | show: validate the server configuration (hooks.yaml) and show what it
// makes of one repository, key by key, with where each value came from.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

#include "auths/exit_codes.h"
#include "auths/hooks_config.h"
#include "commands.h"

namespace auths::cli {

namespace {

/// The file `auths config` reads: FILE, else $AUTHS_HOOKS_CONFIG, else /etc/auths/hooks.yaml.
std::string config_file_named(const std::string& file) {
  if (!file.empty()) return file;
  const char* env = std::getenv(config::kConfigEnv);
  return env != nullptr && *env != '\0' ? env : config::kDefaultConfigPath;
}

struct CheckOptions {
  std::string file;
  bool json = false;
};

int run_config_check(const CheckOptions& opts) {
  const std::string file = config_file_named(opts.file);
  auto loaded = opts.file.empty() ? config::locate_and_load() : config::load(file);
  if (opts.json) {
    nlohmann::ordered_json doc = {{"file", file}, {"valid", bool(loaded)}};
    if (loaded) {
      doc["exists"] = !loaded->file.empty();
      doc["repositories"] = loaded->repositories.size();
    } else {
      doc["error"] = loaded.error().to_string();
    }
    std::printf("%s\n", doc.dump(2).c_str());
  } else if (!loaded) {
    std::fprintf(stderr, "error: %s\n", loaded.error().to_string().c_str());
  } else if (loaded->file.empty()) {
    std::printf("%s does not exist: no server configuration, the built-in defaults apply\n", file.c_str());
  } else {
    std::printf("%s: valid (%zu repository %s)\n", file.c_str(), loaded->repositories.size(),
                loaded->repositories.size() == 1 ? "entry" : "entries");
  }
  return loaded ? kExitAccepted : kExitRejected;
}

struct ConfigShowOptions {
  std::string repo = ".";
  std::string config;
  bool json = false;
};

nlohmann::ordered_json value_json(const config::RepoSettings& s, const std::string& key) {
  if (key == "trust_roots") return s.trust_roots;
  if (key == "witnesses") return s.witnesses;
  if (key == "time_budget_ms") return s.time_budget_ms;
  if (key == "max_push_commits") return s.max_push_commits;
  if ((key == "audit" && s.audit.empty()) || (key == "cache_dir" && s.cache_dir.empty())) return nullptr;
  return config::value_text(s, key);
}

int run_config_show(const ConfigShowOptions& opts) {
  auto loaded = config::locate_and_load(opts.config);
  if (!loaded) return report_error(loaded.error());
  auto settings = config::settings_for_repository(*loaded, opts.repo);
  if (!settings) return report_error(settings.error());
  const std::string file = loaded->file.empty() ? "" : loaded->file;
  if (opts.json) {
    nlohmann::ordered_json keys = nlohmann::ordered_json::object();
    for (const auto& key : config::setting_keys()) {
      keys[key] = {{"value", value_json(*settings, key)}, {"source", settings->sources.at(key)}};
    }
    const nlohmann::ordered_json doc = {{"repository", opts.repo}, {"config", or_null(file)}, {"settings", keys}};
    std::printf("%s\n", doc.dump(2).c_str());
    return kExitAccepted;
  }
  std::printf("configuration: %s\n",
              file.empty() ? (config_file_named("") + " (absent: built-in defaults)").c_str() : file.c_str());
  for (const auto& key : config::setting_keys()) {
    std::printf("%-17s %-30s (%s)\n", (key + ":").c_str(), config::value_text(*settings, key).c_str(),
                settings->sources.at(key).c_str());
  }
  return kExitAccepted;
}

}  // namespace

void register_config(CLI::App& app, Registry& registry) {
  CLI::App* group = app.add_subcommand("config", "Check and show the server configuration (hooks.yaml)");
  group->require_subcommand(1);
  group->footer(
      "The hooks read /etc/auths/hooks.yaml, or the file $AUTHS_HOOKS_CONFIG names (README, \"Server "
      "configuration (hooks.yaml)\"). An invalid file makes every push fail closed.");

  auto check_opts = std::make_shared<CheckOptions>();
  CLI::App* check = group->add_subcommand("check", "Validate a hooks.yaml: exit 0 when valid, 1 with the error line");
  check->add_option("file", check_opts->file,
                    "The file to check (default: $AUTHS_HOOKS_CONFIG, else /etc/auths/hooks.yaml)");
  check->add_flag("--json", check_opts->json, "Print one JSON document: file, valid, error or repositories");
  check->footer("Errors name the file, the line, the key and what is allowed; unknown keys are errors.");
  registry.push_back({check, [check_opts] { return run_config_check(*check_opts); }});

  auto show_opts = std::make_shared<ConfigShowOptions>();
  CLI::App* show = group->add_subcommand(
      "show", "Show the settings the hooks apply to one repository, and where each value comes from");
  show->add_option("--repo", show_opts->repo, "The server repository (its git directory)")->capture_default_str();
  show->add_option("--config", show_opts->config,
                   "The hooks.yaml to read (default: $AUTHS_HOOKS_CONFIG, else /etc/auths/hooks.yaml)");
  show->add_flag("--json", show_opts->json, "Print one JSON document: settings.<key>.value and .source");
  show->footer(
      "Precedence per key: the matching repositories: entries (later ones win) > the repository's git config "
      "(auths.bootstrap, auths.auditLog, auths.repo) > defaults: > built-in.");
  registry.push_back({show, [show_opts] { return run_config_show(*show_opts); }});
}

}  // namespace auths::cli
