// auths verify-commit | verify: the hook's identity checks for one commit or one attestation,
// offline, printed in the layout of Auths' own verify-commit (Signed by, Signer type, Delegated,
// Witnesses, Status). Exit 0 valid, 1 not valid, 2 could not check.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "auths/client/identity_ops.h"
#include "auths/client/keys.h"
#include "auths/exit_codes.h"
#include "auths/identity_verify.h"
#include "commands.h"

namespace auths::cli {

namespace {

int could_not_check(const Error& error) {
  std::fprintf(stderr, "error: %s\n", error.to_string().c_str());
  return kExitUndecided;
}

std::string status_line(bool valid, const std::string& status, const std::string& detail) {
  if (valid && status == "valid-revoked-after-signing") return "VALID (revoked after signing: " + detail + ")";
  if (valid) return "VALID";
  return "INVALID: " + status + (detail.empty() ? "" : " (" + detail + ")");
}

const char* or_text(const std::string& value, const char* fallback) { return value.empty() ? fallback : value.c_str(); }

struct CommitOptions {
  std::string rev;
  std::string repo = ".";
  bool json = false;
};

int run_verify_commit(const CommitOptions& opts) {
  const auto verdict = verify_commit(opts.repo, opts.rev);
  if (!verdict) return could_not_check(verdict.error());
  const CommitVerdict& v = *verdict;
  if (opts.json) {
    const nlohmann::ordered_json doc = {{"commit", v.commit},
                                        {"valid", v.valid},
                                        {"status", v.status},
                                        {"detail", v.detail},
                                        {"signed_by", v.signed_by},
                                        {"device", v.device},
                                        {"key", v.key},
                                        {"signer_type", v.signer_type},
                                        {"delegated_by", v.delegated_by},
                                        {"chain", v.chain},
                                        {"path", v.path},
                                        {"evidence", v.evidence},
                                        {"witnesses", v.witnesses},
                                        {"witness_detail", v.witness_detail},
                                        {"witnessed_at", v.witnessed_at},
                                        {"claimed", v.claimed}};
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    std::string signer = v.signed_by;
    if (signer.empty()) signer = v.key.empty() ? "nobody (no signature)" : "no identity (key " + v.key + ")";
    std::printf("Commit %s is %s\n", v.commit.substr(0, 7).c_str(), v.valid ? "valid" : "not valid");
    std::printf("  Signed by:   %s\n", signer.c_str());
    if (!v.device.empty()) std::printf("  Device:      %s\n", v.device.c_str());
    std::printf("  Signer type: %s\n", or_text(v.signer_type, "unknown"));
    std::printf("  Delegated:   %s\n", or_text(v.delegated_by, "no"));
    if (!v.chain.empty()) std::printf("  Chain:       %s\n", join(v.chain, " <- ").c_str());
    if (!v.path.empty()) std::printf("  Path:        %s\n", v.path.c_str());
    std::printf("  Evidence:    %s\n", or_text(v.evidence, "none (no registry, no bundle)"));
    std::printf("  Witnesses:   %s\n", or_text(v.witnesses, "not required"));
    if (!v.witness_detail.empty()) std::printf("  Not counted: %s\n", v.witness_detail.c_str());
    if (!v.witnessed_at.empty()) std::printf("  Witnessed:   %s\n", v.witnessed_at.c_str());
    for (const auto& claim : v.claimed) std::printf("  Claimed:     %s\n", claim.c_str());
    std::printf("  Status:      %s\n", status_line(v.valid, v.status, v.detail).c_str());
  }
  return v.valid ? kExitAccepted : kExitRejected;
}

struct AttestationOptions {
  std::string file;
  std::string repo;
  bool json = false;
};

int run_verify(const AttestationOptions& opts) {
  std::string registry_copy;  // without --repo: the identity home's copy of its registry records
  if (opts.repo.empty()) {
    const auto home = client::auths_home();
    if (!home) return could_not_check(home.error());
    registry_copy = client::registry_copy_path(*home);
  }
  const auto verdict = verify_attestation_file(opts.file, opts.repo, registry_copy);
  if (!verdict) return could_not_check(verdict.error());
  const AttestationVerdict& v = *verdict;
  if (opts.json) {
    const nlohmann::ordered_json doc = {{"file", opts.file},
                                        {"valid", v.valid},
                                        {"status", v.status},
                                        {"detail", v.detail},
                                        {"form", v.form},
                                        {"issuer", v.issuer},
                                        {"subject", v.subject},
                                        {"signer_type", v.signer_type},
                                        {"delegated_by", v.delegated_by},
                                        {"expires_at", v.expires_at}};
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    std::printf("Attestation %s is %s\n", opts.file.c_str(), v.valid ? "valid" : "not valid");
    std::printf("  Form:        %s\n", v.form == "auths" ? "Auths (auths-dev/auths)" : "auths-hooks");
    std::printf("  Issued by:   %s\n", v.issuer.c_str());
    std::printf("  Subject:     %s\n", v.subject.c_str());
    std::printf("  Signer type: %s\n", or_text(v.signer_type, "unknown"));
    std::printf("  Delegated:   %s\n", or_text(v.delegated_by, "no"));
    std::printf("  Expires:     %s\n", or_text(v.expires_at, "never"));
    std::printf("  Status:      %s\n", status_line(v.valid, v.status, v.detail).c_str());
  }
  return v.valid ? kExitAccepted : kExitRejected;
}

}  // namespace

void register_verify(CLI::App& app, Registry& registry) {
  auto commit_opts = std::make_shared<CommitOptions>();
  CLI::App* commit = app.add_subcommand("verify-commit", "Verify a commit's signature and signer identity, offline");
  commit->footer(
      "Checks the SSH signature and the signing key's link to an identity in the repository's refs/auths/registry (not "
      "expired, not revoked), as the server hook does. Auths-Id / Auths-Device trailers are shown as claims only. "
      "Exit status: 0 valid, 1 not valid, 2 could not check.");
  commit->add_option("rev", commit_opts->rev, "The commit (any revision git understands)")->required();
  commit->add_option("--repo", commit_opts->repo, "The repository")->capture_default_str();
  commit->add_flag("--json", commit_opts->json, "Print JSON instead of text");
  registry.push_back({commit, [commit_opts] { return run_verify_commit(*commit_opts); }});

  auto att_opts = std::make_shared<AttestationOptions>();
  CLI::App* verify = app.add_subcommand("verify", "Verify an attestation file (a device link or a revocation)");
  verify->footer(
      "Checks both signatures against the issuer's key event log (from refs/auths/registry of --repo, or else from the "
      "identity home's registry copy), expiry and revocation. Reads records of our form and of the form the Auths "
      "tools write. Exit status: 0 valid, 1 not valid, 2 could not check (a malformed record: the error names the "
      "field).");
  verify->add_option("attestation", att_opts->file, "The attestation JSON file")->required();
  verify->add_option("--repo", att_opts->repo, "Take the issuer's key event log from this repository's registry");
  verify->add_flag("--json", att_opts->json, "Print JSON instead of text");
  registry.push_back({verify, [att_opts] { return run_verify(*att_opts); }});
}

}  // namespace auths::cli
