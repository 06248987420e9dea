// auths/client/artifact_ops.h: `auths artifact sign`. The message is signed through git's signing
// program (git_signer.h), the signatures file checked and written by the core
// (engine/artifact.h) and file_io.h.
#include "auths/client/artifact_ops.h"

#include "auths/artifact.h"
#include "engine/artifact.h"
#include "engine/policy_file.h"
#include "file_io.h"
#include "git/repository.h"
#include "git_signer.h"
#include "util/time.h"

namespace auths::client {

Result<ArtifactSignResult> sign_artifact(const ArtifactSignRequest& request) {
  auto digest = engine::file_sha256(request.file);
  if (!digest) return digest.error();
  const std::string name = engine::base_name(request.file);
  auto message = engine::artifact_signed_bytes(name, *digest);
  if (!message) return message.error();
  const std::string path = request.file + kArtifactSignaturesSuffix;

  // What is there already: read again after signing, in case another signer wrote meanwhile.
  const auto existing = [&path]() -> Result<std::optional<engine::ArtifactSignatures>> {
    auto text = engine::read_policy_text(path);
    if (!text) {
      if (text.error().code == ErrorCode::kNotFound) return std::optional<engine::ArtifactSignatures>();
      return text.error();
    }
    auto doc = engine::parse_artifact_signatures(*text);
    if (!doc) return Error{doc.error().code, path + ": " + doc.error().to_string(), {}};
    return std::optional<engine::ArtifactSignatures>(std::move(*doc));
  };

  const git::Session session;
  auto repo = git::Repository::open(request.repo);
  if (!repo) return repo.error();
  auto signer = GitSigner::open(*repo, "sign an artifact");
  if (!signer) return signer.error();
  engine::ArtifactSignature sig{signer->key(),
                                keri::Timestamp::from_unix(request.now != 0 ? request.now : util::now_unix()), ""};

  auto before = existing();
  if (!before) return before.error();
  // Refused before the signing program asks for a passphrase; checked again before writing.
  if (auto ok = engine::can_add_artifact_signature(*before, name, *digest, sig.signer_key); !ok) return ok.error();
  auto signature = signer->sign(*message, engine::kArtifactNamespace);
  if (!signature) return signature.error();
  sig.signature = std::move(*signature);

  auto current = existing();
  if (!current) return current.error();
  auto doc = engine::add_artifact_signature(std::move(*current), name, *digest, sig);
  if (!doc) return doc.error();
  auto text = engine::serialize_artifact_signatures(*doc);
  if (!text) return text.error();
  if (auto ok = write_file(path, *text, 0644, true); !ok) return ok.error();
  return ArtifactSignResult{path,
                            *digest,
                            sig.signer_key.to_ssh_line(),
                            sig.signer_key.fingerprint(),
                            sig.timestamp.text,
                            doc->signatures.size()};
}

}  // namespace auths::client
