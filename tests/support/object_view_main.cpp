// auths-object-view: how the hook sees raw objects, for tests/e2e/t105-object-parity.sh, which
// compares it with what git itself sees. Reads object ids from stdin, one per line, opens the
// repository in the current directory and prints one line per object:
//
//   <oid> refused <message>
//   <oid> commit tree <hex> parents <hex,hex,..|-> author <time> committer <time>
//         sig <verdict> sigsha <sha256 hex|-> payloadsha <sha256 hex>
//         lg2 tree <hex> parents <hex,..|->                       (or: lg2 refused)
//   <oid> tag object <hex> type <type> name <hex of the name> tagger <time|->
//         sig <verdict> sigsha <sha256 hex|-> payloadsha <sha256 hex> peeled <type> <hex>
//         lg2 object <hex> type <type> name <hex of the name>     (or: lg2 refused)
//
// (each on one line). The hook's view comes from git::read_commit / read_tag / peel (git/trees.h),
// the verdict from engine::check_signature over the parsed payload and signature: "good:<key
// fingerprint>" or unsigned, unsupported, malformed, namespace, bad. libgit2's view (git_commit
// and git_tag lookups, what Repository's other functions build on) is printed as well so that
// the script can check that the two readers inside the hook agree. This test tool is the one
// place outside git/repository.cpp that talks to libgit2 directly, on purpose: it checks it.
#include <git2.h>

#include <cstdio>
#include <iostream>
#include <span>
#include <string>

#include "crypto/verify.h"
#include "engine/signature_check.h"
#include "git/repository.h"
#include "git/trees.h"
#include "util/bytes.h"
#include "util/strings.h"

namespace {

namespace ag = auths::git;

std::string sha256_hex(const std::string& data) {
  const auto digest =
      auths::crypto::sha256(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  return auths::util::hex_encode(digest);
}

/// Hex of a name, "-" when empty (so that every field of the line is one word).
std::string hex_of(const std::string& text) {
  if (text.empty()) return "-";
  return auths::util::hex_encode(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

std::string verdict(const std::string& payload, const std::string& signature) {
  const auto check = auths::engine::check_signature(payload, signature);
  switch (check.status) {
    case auths::engine::SignatureStatus::kGood: return std::string("good:") + check.key->fingerprint();
    case auths::engine::SignatureStatus::kUnsigned: return "unsigned";
    case auths::engine::SignatureStatus::kUnsupported: return "unsupported";
    case auths::engine::SignatureStatus::kMalformed: return "malformed";
    case auths::engine::SignatureStatus::kNamespaceMismatch: return "namespace";
    case auths::engine::SignatureStatus::kBad: return "bad";
  }
  return "bad";
}

std::string signature_fields(const std::string& payload, const std::string& signature) {
  return std::string(" sig ") + verdict(payload, signature) + " sigsha " +
         (signature.empty() ? "-" : sha256_hex(signature)) + " payloadsha " + sha256_hex(payload);
}

std::string lg2_commit_view(git_repository* repo, const git_oid& id) {
  git_commit* commit = nullptr;
  if (git_commit_lookup(&commit, repo, &id) < 0) return " lg2 refused";
  std::string out = " lg2 tree ";
  out += git_oid_tostr_s(git_commit_tree_id(commit));
  out += " parents ";
  const unsigned count = git_commit_parentcount(commit);
  for (unsigned i = 0; i < count; ++i) {
    if (i > 0) out += ',';
    out += git_oid_tostr_s(git_commit_parent_id(commit, i));
  }
  if (count == 0) out += '-';
  git_commit_free(commit);
  return out;
}

std::string lg2_tag_view(git_repository* repo, const git_oid& id) {
  git_tag* tag = nullptr;
  if (git_tag_lookup(&tag, repo, &id) < 0) return " lg2 refused";
  std::string out = " lg2 object ";
  out += git_oid_tostr_s(git_tag_target_id(tag));
  out += " type ";
  out += git_object_type2string(git_tag_target_type(tag));
  out += " name ";
  out += hex_of(git_tag_name(tag));
  git_tag_free(tag);
  return out;
}

std::string view(const ag::Repository& repo, git_repository* lg2, const auths::Oid& oid) {
  const std::string hex = oid.hex();
  git_oid id;
  if (git_oid_fromstr(&id, hex.c_str()) < 0) return hex + " refused bad id";
  const auto raw = repo.read(oid);
  if (!raw) return hex + " refused " + auths::util::printable(raw.error().to_string());
  if (raw->type == ag::ObjectType::kCommit) {
    const auto info = ag::read_commit(repo, oid);
    if (!info) return hex + " refused " + auths::util::printable(info.error().message);
    std::string parents;
    for (const auto& p : info->parents) parents.append(parents.empty() ? "" : ",").append(p.hex());
    return hex + " commit tree " + info->tree.hex() + " parents " + (parents.empty() ? "-" : parents) + " author " +
           std::to_string(info->author_time) + " committer " + std::to_string(info->committer_time) +
           signature_fields(info->payload, info->signature) + lg2_commit_view(lg2, id);
  }
  if (raw->type == ag::ObjectType::kTag) {
    const auto info = ag::read_tag(repo, oid);
    if (!info) return hex + " refused " + auths::util::printable(info.error().message);
    const auto peeled = ag::peel(repo, oid);  // checks every `type` header of the chain
    if (!peeled) return hex + " refused " + auths::util::printable(peeled.error().message);
    return hex + " tag object " + info->target.hex() + " type " + ag::to_string(info->target_type) + " name " +
           hex_of(info->name) + " tagger " + (info->has_tagger ? std::to_string(info->tagger_time) : "-") +
           signature_fields(info->payload, info->signature) + " peeled " + ag::to_string(peeled->first) + " " +
           peeled->second.hex() + lg2_tag_view(lg2, id);
  }
  return hex + " refused not a commit or a tag";
}

}  // namespace

int main() {
  const ag::Session session;
  auto repo = ag::Repository::open(".");
  if (!repo) {
    std::fprintf(stderr, "auths-object-view: %s\n", repo.error().to_string().c_str());
    return 2;
  }
  git_repository* lg2 = nullptr;
  if (git_repository_open(&lg2, ".") < 0) {
    std::fprintf(stderr, "auths-object-view: libgit2 cannot open the repository\n");
    return 2;
  }
  std::string line;
  int status = 0;
  while (std::getline(std::cin, line)) {
    const auto oid = auths::Oid::from_hex(auths::util::trim(line));
    if (!oid) {
      std::fprintf(stderr, "auths-object-view: bad object id '%s'\n", auths::util::printable(line).c_str());
      status = 2;
      continue;
    }
    std::cout << view(*repo, lg2, *oid) << '\n';
  }
  git_repository_free(lg2);
  return status;
}
