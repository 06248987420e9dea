// auths policy lint: offline checks of a policy.toml before it is pushed (auths/policy_lint.h).
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "auths/exit_codes.h"
#include "auths/policy_lint.h"
#include "commands.h"

namespace auths::cli {

namespace {

struct LintOptions {
  std::string file;
  std::string repo;
  bool json = false;
};

int run_lint(const LintOptions& opts) {
  const Result<LintReport> report = lint_policy_file(opts.file, opts.repo);
  if (!report) return report_unreadable(report.error());
  size_t errors = 0;
  for (const LintFinding& finding : report->findings) errors += finding.severity == LintSeverity::kError ? 1 : 0;
  const size_t warnings = report->findings.size() - errors;
  if (opts.json) {
    nlohmann::ordered_json findings = nlohmann::ordered_json::array();
    for (const LintFinding& f : report->findings) {
      findings.push_back(
          {{"severity", to_string(f.severity)}, {"code", f.code}, {"message", f.message}, {"where", f.where}});
    }
    const nlohmann::ordered_json doc = {{"file", report->file}, {"ok", report->ok()}, {"findings", findings}};
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    for (const LintFinding& f : report->findings) {
      std::printf("%s: %s: %s\n", to_string(f.severity), f.where.c_str(), f.message.c_str());
    }
    std::printf("%s: %s (%zu error%s, %zu warning%s)\n", report->file.c_str(), report->ok() ? "ok" : "not ok", errors,
                errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  }
  return report->ok() ? kExitAccepted : kExitRejected;
}

}  // namespace

void register_policy(CLI::App& app, Registry& registry) {
  CLI::App* group = app.add_subcommand("policy", "Check a policy.toml before it is pushed");
  group->require_subcommand(1);

  auto opts = std::make_shared<LintOptions>();
  CLI::App* lint = group->add_subcommand("lint", "Check a policy file offline: load errors, lockouts, dead rules");
  lint->add_option("FILE", opts->file, "The policy file (e.g. .auths/policy.toml)")->required();
  lint->add_option("--repo", opts->repo,
                   "Also look up the policy's did:keri signers and org in this repository's refs/auths/registry; "
                   "allowed_signers paths outside .auths/ are read from it");
  lint->add_flag("--json", opts->json, "Print {\"file\", \"ok\", \"findings\": [...]} instead of text");
  lint->footer(
      "Errors: everything the hooks' loader refuses (syntax, types, unknown keys with a did-you-mean, a require above "
      "the signers listed), a [governance] nobody could ever satisfy (governance-lockout) and a policy a push to the "
      "default branch would refuse as unsatisfiable. Warnings: a rule that never applies because earlier rules match "
      "every ref it names (shadowed-rule: the first matching rule in file order decides); with --repo, did:keri "
      "signers the registry does not know (unresolved-identity). The loader stops at its first error, so fix and run "
      "again.\n"
      "Files the policy names under .auths/ are read from the policy file's directory; others from --repo, else the "
      "current directory.\n"
      "Text: one line per finding (severity: where: message; --json adds its code), then a summary line.\n"
      "Exit 0 when there is no error (warnings allowed), 1 when there is one, 2 when the file or the registry cannot "
      "be read.");
  registry.push_back({lint, [opts] { return run_lint(*opts); }});
}

}  // namespace auths::cli
