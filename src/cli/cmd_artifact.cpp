// auths artifact sign | verify: signatures of release artifacts in FILE.auths-sig, judged against
// a release rule of the policy (README.md, "Signing release artifacts").
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "auths/artifact.h"
#include "auths/client/artifact_ops.h"
#include "auths/exit_codes.h"
#include "commands.h"

namespace auths::cli {

namespace {

struct ArtifactSignOptions {
  std::string file;
  std::string repo = ".";
  bool json = false;
};

struct ArtifactVerifyOptions {
  std::string file;
  std::string policy = ".auths/policy.toml";
  std::string repo = ".";
  std::string rule;
  bool json = false;
};

int run_artifact_sign(const ArtifactSignOptions& opts) {
  client::ArtifactSignRequest request;
  request.file = opts.file;
  request.repo = opts.repo;
  auto result = client::sign_artifact(request);
  if (!result) return report_error(result.error());
  if (opts.json) {
    const nlohmann::ordered_json doc = {{"file", opts.file},
                                        {"signatures", result->signatures},
                                        {"sha256", result->sha256},
                                        {"signer_key", result->signer_key},
                                        {"fingerprint", result->fingerprint},
                                        {"timestamp", result->timestamp},
                                        {"count", result->count}};
    std::printf("%s\n", doc.dump(2).c_str());
    return kExitAccepted;
  }
  std::printf("signed %s (sha256 %s)\n", opts.file.c_str(), result->sha256.c_str());
  std::printf("  signed by:  %s\n", result->fingerprint.c_str());
  std::printf("  signatures: %s (%zu)\n", result->signatures.c_str(), result->count);
  return kExitAccepted;
}

int run_artifact_verify(const ArtifactVerifyOptions& opts) {
  ArtifactVerifyRequest request;
  request.file = opts.file;
  request.policy = opts.policy;
  request.repo = opts.repo;
  request.rule = opts.rule;
  auto report = verify_artifact(request);
  if (!report) return report_unreadable(report.error());
  const std::string code(name(report->code));
  if (opts.json) {
    nlohmann::ordered_json entries = nlohmann::ordered_json::array();
    for (const ArtifactSignatureReport& e : report->entries) {
      entries.push_back({{"signer_key", e.signer_key},
                         {"fingerprint", e.fingerprint},
                         {"timestamp", e.timestamp},
                         {"good", e.good},
                         {"code", std::string(name(e.code))},
                         {"signer", or_null(e.signer)},
                         {"detail", e.detail}});
    }
    const nlohmann::ordered_json doc = {{"file", report->file},           {"signatures", report->signatures},
                                        {"sha256", report->sha256},       {"rule", report->rule},
                                        {"accepted", report->accepted()}, {"code", code},
                                        {"detail", report->detail},       {"entries", entries}};
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    for (const ArtifactSignatureReport& e : report->entries) {
      std::printf("  %s %s %s: %s%s%s\n", e.fingerprint.c_str(), e.timestamp.c_str(),
                  e.good ? "good signature" : "BAD signature", std::string(name(e.code)).c_str(),
                  e.signer.empty() ? "" : (" as " + e.signer).c_str(),
                  e.detail.empty() ? "" : (" (" + e.detail + ")").c_str());
    }
    std::printf("%s: %s under rule '%s': %s: %s\n", report->file.c_str(), report->accepted() ? "accepted" : "refused",
                report->rule.c_str(), code.c_str(), report->detail.c_str());
  }
  return report->accepted() ? kExitAccepted : kExitRejected;
}

}  // namespace

void register_artifact(CLI::App& app, Registry& registry) {
  auto* artifact = app.add_subcommand("artifact", "Sign release artifacts and verify them against the policy");
  artifact->require_subcommand(1);

  auto sign_opts = std::make_shared<ArtifactSignOptions>();
  auto* sign = artifact->add_subcommand(
      "sign", "Add your signature of FILE (its name and SHA-256) to FILE.auths-sig, with git's signing key");
  sign->add_option("file", sign_opts->file, "The artifact")->required();
  sign->add_option("--repo", sign_opts->repo, "The repository whose git config names the key (default: .)");
  sign->add_flag("--json", sign_opts->json, "Print the result as JSON");
  registry.push_back({sign, [sign_opts] { return run_artifact_sign(*sign_opts); }});

  auto verify_opts = std::make_shared<ArtifactVerifyOptions>();
  auto* verify = artifact->add_subcommand(
      "verify",
      "Check FILE.auths-sig and judge its signers against a release rule (exit 0 accepted, 1 refused, 2 error)");
  verify->add_option("file", verify_opts->file, "The artifact")->required();
  verify->add_option("--policy", verify_opts->policy, "The policy file (default: .auths/policy.toml)");
  verify->add_option("--repo", verify_opts->repo,
                     "The repository whose refs/auths/registry resolves identities and roles (default: .)");
  verify->add_option("--rule", verify_opts->rule, "The rule to judge against (default: the first [[policy.release]])");
  verify->add_flag("--json", verify_opts->json, "Print the report as JSON");
  registry.push_back({verify, [verify_opts] { return run_artifact_verify(*verify_opts); }});
}

}  // namespace auths::cli
