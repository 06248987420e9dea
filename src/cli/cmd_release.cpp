// auths release approve: an approval (or rejection) of a tag or commit in refs/auths/registry,
// for the quorums of README.md, "Approvals and quorums".
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "auths/client/approval_ops.h"
#include "auths/exit_codes.h"
#include "commands.h"

namespace auths::cli {

namespace {

struct ApproveOptions {
  std::string object;
  bool reject = false;
  std::string note;
  std::string ref;
  std::string repo = ".";
  bool json = false;
};

int run_approve(const ApproveOptions& opts) {
  client::ApproveRequest request;
  request.repo = opts.repo;
  request.object = opts.object;
  request.reject = opts.reject;
  request.note = opts.note;
  if (!opts.ref.empty()) request.ref = opts.ref;
  auto result = client::approve_object(request);
  if (!result) return report_error(result.error());
  if (opts.json) {
    print_json({{"record", result->record},
                {"verdict", result->verdict},
                {"object", result->object},
                {"object_type", result->object_type},
                {"ref", or_null(result->ref)},
                {"signer_key", result->signer_key},
                {"registry_tip", result->registry_tip}});
    return kExitAccepted;
  }
  std::printf("%s\n", result->record.c_str());
  std::printf("%s %s %s%s\n", result->verdict == "approve" ? "approved" : "rejected", result->object_type.c_str(),
              result->object.c_str(), result->ref.empty() ? "" : (" for " + result->ref).c_str());
  std::printf("  signed by: %s\n", result->signer_key.c_str());
  std::printf("  registry:  %s\n", result->registry_tip.c_str());
  std::printf("push it with (or before) the ref: git push origin refs/auths/registry%s\n",
              result->ref.empty() ? "" : (" " + result->ref).c_str());
  return kExitAccepted;
}

}  // namespace

void register_release(CLI::App& app, Registry& registry) {
  auto* release = app.add_subcommand("release", "Approve or reject releases (quorums)");
  release->require_subcommand(1);
  auto opts = std::make_shared<ApproveOptions>();
  auto* approve =
      release->add_subcommand("approve", "Sign an approval (or rejection) of a tag or commit into refs/auths/registry");
  approve->add_option("object", opts->object, "The tag or commit (a name or an object id)")->required();
  approve->add_flag("--reject", opts->reject, "Record a rejection instead of an approval");
  approve->add_option("--note", opts->note, "A note kept with the record");
  approve->add_option("--ref", opts->ref, "The ref the record is for (default for a tag: refs/tags/<name>)");
  approve->add_option("--repo", opts->repo, "The repository (default: .)");
  approve->add_flag("--json", opts->json,
                    "Print {\"record\", \"verdict\": approve or reject, \"object\", \"object_type\": tag or commit, "
                    "\"ref\" (null when none), \"signer_key\", \"registry_tip\"} instead of text");
  registry.push_back({approve, [opts] { return run_approve(*opts); }});
}

}  // namespace auths::cli
