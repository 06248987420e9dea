// Raw git objects parsed the way git itself reads them for signature checks (commit.c,
// gpg-interface.c). Pure functions over bytes: no libgit2, unit-testable on crafted objects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"
#include "auths/types.h"

namespace auths::git {

enum class SignatureFormat { kNone, kSsh, kPgp, kX509, kUnknown };
const char* to_string(SignatureFormat format);
/// Classifies an armoured signature by its first line.
SignatureFormat signature_format(std::string_view armor);

struct CommitInfo {
  Oid tree;
  std::vector<Oid> parents;
  int64_t committer_time = 0;  // unix seconds from the committer line
  std::string signature;       // the gpgsig header with continuation spaces removed; "" when unsigned
  std::string payload;         // the object without gpgsig/gpgsig-sha256 headers: what was signed
  std::string message;         // everything after the first blank line
};

/// Parses a raw commit object (the bytes `git cat-file commit` prints). The payload is the
/// object with every `gpgsig` and `gpgsig-sha256` header and its continuation lines removed;
/// everything else, `mergetag` headers and the message included, stays byte for byte.
Result<CommitInfo> parse_commit(std::string_view raw);

enum class ObjectType { kCommit, kTree, kBlob, kTag, kUnknown };
ObjectType object_type_from_name(std::string_view name);

struct TagInfo {
  Oid target;
  ObjectType target_type = ObjectType::kUnknown;
  std::string name;
  int64_t tagger_time = 0;  // 0 when the tag has no tagger line
  std::string signature;    // from the last armour block of the message; "" when unsigned
  std::string payload;      // everything before that block
};

/// Parses a raw tag object. As git does, the signature is the part of the object from the
/// *last* line that starts an armour block (SSH, PGP signature or message, signed message).
Result<TagInfo> parse_tag(std::string_view raw);

/// Trailers of a commit message (`Key: value` lines in the last paragraph), in order.
std::vector<std::pair<std::string, std::string>> parse_trailers(std::string_view message);

}  // namespace auths::git
