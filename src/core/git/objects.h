// Raw git objects parsed the way git itself reads them, or refused. Pure functions over bytes:
// no libgit2, unit-testable on crafted objects.
//
// The parsers are strict on purpose. git (commit.c parse_commit_buffer, tag.c parse_tag_buffer)
// and libgit2 (commit.c commit_parse, tag.c tag_parse) are lenient in different ways: git takes
// the first `tree` line and only the `parent` lines right after it and ignores any later ones;
// libgit2 skips extra `author` lines; git extracts a signature from wherever a `gpgsig` header
// is. An object that the two could read differently, or that the hook could read differently
// from either, is refused here with ErrorCode::kCorrupt (the engine reports it as
// `malformed-object`). What is accepted is read exactly as git and libgit2 read it:
// tests/e2e/t105-object-parity.sh checks that on hundreds of generated and mutated objects.
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
  int64_t author_time = 0;     // unix seconds from the author line
  int64_t committer_time = 0;  // unix seconds from the committer line
  std::string signature;       // the gpgsig header with continuation spaces removed; "" when unsigned
  std::string payload;         // the object without its gpgsig/gpgsig-sha256 headers: what was signed
  std::string message;         // everything after the first blank line
};

/// Parses a raw commit object (the bytes `git cat-file commit` prints). Accepted layout:
///
///   tree <40 hex>                          first line, exactly once
///   parent <40 hex>                        zero or more, only right after `tree`
///   author <name> <<email>> <digits> <+|-hhmm>      exactly once, right after the parents
///   committer <name> <<email>> <digits> <+|-hhmm>   exactly once, right after `author`
///   <other headers>                        any order: `encoding`, `mergetag`, `gpgsig` (at most
///                                          one), `gpgsig-sha256` (at most one), unknown headers;
///                                          a line starting with a space continues the header
///                                          before it
///   <blank line>                           required (git always writes it)
///   <message>                              anything, possibly empty, possibly without a final LF
///
/// Idents: after the last '>', exactly " <timestamp> <+|-hhmm>" and the end of the line; the
/// timestamp is decimal, fits int64 and is not zero-padded (git fsck: zeroPaddedDate).
/// Object ids are lowercase hex. The header section may not contain NUL bytes. A header name
/// may not start with '-' or contain control characters; a name starting with "gpgsig" must be
/// exactly `gpgsig` or `gpgsig-sha256` followed by a space (git drops every header line that
/// starts with "gpgsig" from the payload, commit.c parse_buffer_signed_by_header, so any other
/// such header would be signed-over in our payload and not in git's). An SSH signature must be
/// armoured the one way both ssh-keygen (behind `git verify-commit`) and sshsig::dearmor read
/// alike: the BEGIN line, base64 lines, the END line, nothing after it but empty lines (no CR,
/// no spaces). Anything else is an Error with ErrorCode::kCorrupt and a one-line message.
///
/// The payload is byte for byte what git's parse_buffer_signed_by_header (commit.c, used by
/// `git verify-commit` through parse_signed_commit and check_commit_signature) passes to the
/// verifier in a SHA-1 repository: the object with the `gpgsig` header and its continuation
/// lines removed, and with the `gpgsig-sha256` header and its continuation lines removed too
/// ("else if (starts_with(line, "gpgsig")) other_signature = 1;" ... "if (!other_signature)
/// strbuf_add(payload, line, next - line);"). `mergetag`, unknown headers and the message stay.
Result<CommitInfo> parse_commit(std::string_view raw);

enum class ObjectType { kCommit, kTree, kBlob, kTag, kUnknown };
ObjectType object_type_from_name(std::string_view name);
const char* to_string(ObjectType type);

struct TagInfo {
  Oid target;                                     // the `object` header
  ObjectType target_type = ObjectType::kUnknown;  // the `type` header: what the tag *claims*
  std::string name;                               // the `tag` header (never empty)
  bool has_tagger = false;                        // git allows a tag without a tagger line
  int64_t tagger_time = 0;                        // unix seconds; 0 when there is no tagger
  std::string message;                            // after the blank line, up to the signature
  std::string signature;                          // from the last armour line; "" when unsigned
  std::string payload;                            // everything before that line
};

/// Parses a raw tag object. Accepted layout:
///
///   object <40 hex>                        first line
///   type <commit|tree|blob|tag>            second line
///   tag <name>                             third line, name not empty
///   tagger <name> <<email>> <digits> <+|-hhmm>      optional fourth line
///   <other headers>                        only after a `tagger` line (libgit2's tag_parse
///                                          refuses a tag whose fourth line is not `tagger`;
///                                          git's fsck ignores "extraHeaderEntry"); not one of
///                                          the four above again, not starting with "gpgsig"
///                                          (git's parse_signature removes such headers from a
///                                          tag's payload, gpg-interface.c + remove_signature)
///   <blank line>                           required (git always writes it)
///   <message and signature>
///
/// As git's parse_signed_buffer (gpg-interface.c), the signature is the part of the object from
/// the *last* line that starts an armour block (SSH, PGP signature or message, signed message)
/// to the end; the payload is everything before it. git searches the whole object; a strict
/// header line cannot start with '-', so searching the message alone finds the same line.
/// git's parse_signature then runs remove_signature over the payload, a no-op here since no
/// header may start with "gpgsig". A signed tag must have a tagger: git's check_signature gives
/// up without a word on a payload without one (gpg-interface.c parse_payload_metadata: "if
/// (!ident_line || !ident_len) return 1;"), so such a tag never verifies in git. An SSH
/// signature must be armoured as for commits.
///
/// The `type` header is a claim: the caller must compare it with the real type of the target
/// (check_tag_target_type). git::peel (git/trees.h) does so for every tag of a chain.
Result<TagInfo> parse_tag(std::string_view raw);

/// Does a tag whose `type` header says `claimed` really point at an object of type `actual`
/// (as the object database reports it)? git refuses such a tag when it peels it (object.c:
/// "object %s is a %s, not a %s") and fsck reports it. An Error with ErrorCode::kCorrupt when
/// they differ.
Status check_tag_target_type(ObjectType claimed, ObjectType actual);

/// Trailers of a commit message (`Key: value` lines in the last paragraph), in order.
std::vector<std::pair<std::string, std::string>> parse_trailers(std::string_view message);

}  // namespace auths::git
