// auths/client/approval_ops.h: `auths release approve`. The record is signed by running git's
// signing program the way git runs it for a commit (git_signer.h), with namespace
// "auths-approval".
#include "auths/client/approval_ops.h"
#include "git/repository.h"
#include "git/trees.h"
#include "git_signer.h"
#include "registry/registry.h"
#include "util/strings.h"
#include "util/time.h"

namespace auths::client {

Result<ApproveResult> approve_object(const ApproveRequest& request) {
  const git::Session session;
  auto repo = git::Repository::open(request.repo);
  if (!repo) return repo.error();
  auto oid = repo->resolve_object(request.object);
  if (!oid) return oid.error();
  auto type = repo->type_of(*oid);
  if (!type) return type.error();
  std::optional<std::string> ref = request.ref;
  if (*type == git::ObjectType::kTag) {
    auto tag = git::read_tag(*repo, *oid);
    if (!tag) return tag.error();
    if (!ref) ref = "refs/tags/" + tag->name;
  } else if (*type != git::ObjectType::kCommit) {
    return Error::invalid_argument("'" + request.object + "' is neither a tag nor a commit");
  }

  auto signer = GitSigner::open(*repo, "approve");
  if (!signer) return signer.error();
  registry::Approval record{oid->hex(),
                            *type == git::ObjectType::kTag,
                            std::move(ref),
                            !request.reject,
                            request.note,
                            signer->key(),
                            keri::Timestamp::from_unix(request.now != 0 ? request.now : util::now_unix()),
                            ""};

  auto bytes = registry::approval_signed_bytes(record);
  if (!bytes) return bytes.error();
  auto signature = signer->sign(*bytes, registry::kApprovalNamespace);
  if (!signature) return signature.error();
  record.signature = std::move(*signature);
  if (auto ok = registry::verify_approval(record); !ok) return ok.error();

  auto text = registry::serialize_approval(record);
  if (!text) return text.error();
  auto path = registry::approval_path(record);
  if (!path) return path.error();
  const std::string verdict = record.approve ? "approve" : "reject";
  auto tip = registry::publish(*repo, {{*path, *text}},
                               "auths: " + verdict + " " + record.object + (record.ref ? " for " + *record.ref : ""));
  if (!tip) return tip.error();
  auto current = repo->resolve_commit(registry::kRegistryRef);
  if (!current) return current.error();
  return ApproveResult{record.object,
                       record.object_is_tag ? "tag" : "commit",
                       record.ref.value_or(""),
                       verdict,
                       record.signer_key.to_ssh_line(),
                       *path,
                       current->has_value() ? (*current)->hex() : ""};
}

}  // namespace auths::client
