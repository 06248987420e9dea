// auths registry publish: the identity's records into a repository's refs/auths/registry.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "auths/client/identity_ops.h"
#include "auths/client/keys.h"
#include "auths/exit_codes.h"
#include "commands.h"

namespace auths::cli {

namespace {

int run_publish(const std::string& repo, bool json) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  const auto result = client::publish_registry(*home, repo);
  if (!result) return report_error(result.error());
  if (json) {
    print_json({{"repo", repo},
                {"ref", "refs/auths/registry"},
                {"published", result->tip.has_value()},
                {"tip", result->tip ? nlohmann::ordered_json(*result->tip) : nlohmann::ordered_json(nullptr)},
                {"records", result->records},
                {"remote", or_null(result->remote)}});
    return kExitAccepted;
  }
  if (!result->tip) {
    std::printf("refs/auths/registry in %s already has all %zu record files of the identity\n", repo.c_str(),
                result->records);
    return kExitAccepted;
  }
  std::printf("published the identity's records to refs/auths/registry in %s: %s\n", repo.c_str(),
              result->tip->c_str());
  std::printf("push it: git -C %s push %s refs/auths/registry\n", repo.c_str(),
              result->remote.empty() ? "<remote>" : result->remote.c_str());
  return kExitAccepted;
}

}  // namespace

void register_registry(CLI::App& app, Registry& registry) {
  CLI::App* group = app.add_subcommand("registry", "Share your identity records through refs/auths/registry");
  group->require_subcommand(1);

  auto repo = std::make_shared<std::string>(".");
  CLI::App* publish =
      group->add_subcommand("publish", "Add the identity's records to a repository's refs/auths/registry");
  publish->footer(
      "Every record of the home's registry copy (key event log, device links, revocations) goes into one new commit on "
      "refs/auths/registry that only adds files; records already there are skipped. Then push the ref: "
      "git push origin refs/auths/registry.\n"
      "--json prints {\"repo\", \"ref\": \"refs/auths/registry\", \"published\": false when every record was there "
      "already, \"tip\": the new commit (null then), \"records\": the record files of the identity, \"remote\": "
      "\"origin\" or null}.");
  publish->add_option("--repo", *repo, "The repository (work tree or bare)")->capture_default_str();
  auto json = std::make_shared<bool>(false);
  publish->add_flag("--json", *json, "Print the result as JSON instead of text (see below)");
  registry.push_back({publish, [repo, json] { return run_publish(*repo, *json); }});
}

}  // namespace auths::cli
