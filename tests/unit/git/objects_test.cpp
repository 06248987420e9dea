// Raw object parsing, on crafted objects: what git (commit.c parse_commit_buffer, tag.c
// parse_tag_buffer) and libgit2 (commit_parse, tag_parse) read the same way is accepted and read
// as they read it; anything they could read differently is refused with ErrorCode::kCorrupt.
// Payloads follow gitformat-signature(5) and git's parse_buffer_signed_by_header: the payload of
// a commit is the object without its gpgsig and gpgsig-sha256 headers (continuation lines
// included); the payload of a tag is everything before the last armour block.
// tests/e2e/t105-object-parity.sh checks the same against real git on generated objects.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "git/objects.h"

BOOST_AUTO_TEST_SUITE(git_objects)

namespace ag = auths::git;

namespace {

const std::string kTreeHex = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
const std::string kOtherTreeHex = "1111111111111111111111111111111111111111";
const std::string kParentHex = "0123456789abcdef0123456789abcdef01234567";
const std::string kParent2Hex = "89abcdef0123456789abcdef0123456789abcdef";
const std::string kTree = "tree " + kTreeHex + "\n";
const std::string kParent = "parent " + kParentHex + "\n";
const std::string kParent2 = "parent " + kParent2Hex + "\n";
const std::string kAuthor = "author A U Thor <author@example.com> 1700000000 +0100\n";
const std::string kCommitter = "committer C O Mitter <committer@example.com> 1700000123 -0500\n";
const std::string kIdents = kAuthor + kCommitter;
const std::string kNul(1, '\0');
const std::string kSigHeader =
    "gpgsig -----BEGIN SSH SIGNATURE-----\n"
    " U1NIU0lH\n"
    " \n"
    " -----END SSH SIGNATURE-----\n";
const std::string kSig = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n\n-----END SSH SIGNATURE-----\n";
const std::string kSha256SigHeader = "gpgsig-sha256 -----BEGIN SSH SIGNATURE-----\n xx\n -----END SSH SIGNATURE-----\n";
const std::string kMergetag =
    "mergetag object 0123456789abcdef0123456789abcdef01234567\n"
    " type commit\n"
    " tag v1\n"
    " tagger T <t@example.com> 1700000000 +0000\n"
    " \n"
    " merged tag\n"
    " -----BEGIN SSH SIGNATURE-----\n"
    " abc\n"
    " -----END SSH SIGNATURE-----\n";

// Accepted commits: the raw bytes and everything the parser must read from them.
struct GoodCommit {
  const char* name;
  std::string raw;
  std::vector<std::string> parents;
  std::string signature;
  std::string payload;
  std::string message;
};

std::vector<GoodCommit> good_commits() {
  return {
      {"unsigned with one parent",
       kTree + kParent + kIdents + "\nsubject\n\nbody\n",
       {kParentHex},
       "",
       kTree + kParent + kIdents + "\nsubject\n\nbody\n",
       "subject\n\nbody\n"},
      {"root commit", kTree + kIdents + "\nroot\n", {}, "", kTree + kIdents + "\nroot\n", "root\n"},
      {"merge with two parents",
       kTree + kParent + kParent2 + kIdents + "\nmerge\n",
       {kParentHex, kParent2Hex},
       "",
       kTree + kParent + kParent2 + kIdents + "\nmerge\n",
       "merge\n"},
      // An empty armour line is stored as a line with a single space and comes back empty.
      {"gpgsig removed from the payload",
       kTree + kParent + kIdents + kSigHeader + "\nmsg\n",
       {kParentHex},
       kSig,
       kTree + kParent + kIdents + "\nmsg\n",
       "msg\n"},
      // gpgsig-sha256 (the SHA-256 twin of a dual-signed commit) is removed too; mergetag and its
      // continuation lines stay, as git signs them.
      {"mergetag kept, both signatures removed",
       kTree + kParent + kIdents + kMergetag + kSha256SigHeader + kSigHeader + "\nmsg\n",
       {kParentHex},
       kSig,
       kTree + kParent + kIdents + kMergetag + "\nmsg\n",
       "msg\n"},
      {"gpgsig before mergetag",
       kTree + kParent + kIdents + kSigHeader + kMergetag + "\nmsg\n",
       {kParentHex},
       kSig,
       kTree + kParent + kIdents + kMergetag + "\nmsg\n",
       "msg\n"},
      {"encoding header",
       kTree + kIdents + "encoding ISO-8859-1\n\nmsg\n",
       {},
       "",
       kTree + kIdents + "encoding ISO-8859-1\n\nmsg\n",
       "msg\n"},
      // Unknown headers, their continuation lines and a header without a value (git writes an
      // extra header with an empty value as just its name) stay in the payload.
      {"unknown headers",
       kTree + kIdents + "x-custom a b\n  c\n d\nflag\nchange-id zzz\r\n" + kSigHeader + "\nmsg\n",
       {},
       kSig,
       kTree + kIdents + "x-custom a b\n  c\n d\nflag\nchange-id zzz\r\n\nmsg\n",
       "msg\n"},
      {"message without a trailing newline",
       kTree + kIdents + "\nno newline",
       {},
       "",
       kTree + kIdents + "\nno newline",
       "no newline"},
      {"empty message", kTree + kIdents + "\n", {}, "", kTree + kIdents + "\n", ""},
      // A "gpgsig" line in the message is message text, not a header; so is a NUL byte.
      {"gpgsig in the message",
       kTree + kIdents + "\ngpgsig -----BEGIN SSH SIGNATURE-----\n",
       {},
       "",
       kTree + kIdents + "\ngpgsig -----BEGIN SSH SIGNATURE-----\n",
       "gpgsig -----BEGIN SSH SIGNATURE-----\n"},
      {"NUL in the message",
       kTree + kIdents + "\na" + kNul + "b\n",
       {},
       "",
       kTree + kIdents + "\na" + kNul + "b\n",
       std::string("a") + kNul + "b\n"},
      {"blank lines and headers in the message",
       kTree + kIdents + "\n\n\ntree " + kOtherTreeHex + "\n",
       {},
       "",
       kTree + kIdents + "\n\n\ntree " + kOtherTreeHex + "\n",
       "\n\ntree " + kOtherTreeHex + "\n"},
      // The email may contain spaces and '>': the time is read after the last '>'.
      {"odd idents",
       kTree + "author A <a b> c> 0 +0000\ncommitter <> 1700000123 -0500\n\nm\n",
       {},
       "",
       kTree + "author A <a b> c> 0 +0000\ncommitter <> 1700000123 -0500\n\nm\n",
       "m\n"},
      {"empty gpgsig value", kTree + kIdents + "gpgsig \n\nm\n", {}, "\n", kTree + kIdents + "\nm\n", "m\n"},
  };
}

// Refused commits and a piece of the message that says why.
struct BadObject {
  const char* name;
  std::string raw;
  std::string why;
};

std::vector<BadObject> bad_commits() {
  const std::string other_tree = "tree " + kOtherTreeHex + "\n";
  return {
      {"empty object", "", "not terminated"},
      {"second tree after the parents", kTree + kParent + other_tree + kIdents + "\nm\n", "'tree'"},
      {"second tree after the committer", kTree + kParent + kIdents + other_tree + "\nm\n", "'tree'"},
      {"same tree twice", kTree + kTree + kIdents + "\nm\n", "'tree'"},
      {"second tree after an unknown header", kTree + kIdents + "x y\n" + other_tree + "\nm\n", "'tree'"},
      {"parent before tree", kParent + kTree + kIdents + "\nm\n", "does not start with a 'tree'"},
      {"tree not first", "x y\n" + kTree + kIdents + "\nm\n", "does not start with a 'tree'"},
      {"parent after author", kTree + kAuthor + kParent + kCommitter + "\nm\n", "'parent'"},
      {"parent after committer", kTree + kIdents + kParent + "\nm\n", "'parent'"},
      {"parent after gpgsig", kTree + kIdents + kSigHeader + kParent + "\nm\n", "'parent'"},
      {"parent after an unknown header", kTree + kParent + kIdents + "x y\n" + kParent2 + "\nm\n", "'parent'"},
      {"no author", kTree + kCommitter + "\nm\n", "'author'"},
      {"no committer", kTree + kAuthor + "\nm\n", "'committer'"},
      {"no idents", kTree + "\nm\n", "'author'"},
      {"committer before author", kTree + kCommitter + kAuthor + "\nm\n", "'author'"},
      {"two authors", kTree + kAuthor + kAuthor + kCommitter + "\nm\n", "'committer'"},
      {"two committers", kTree + kIdents + kCommitter + "\nm\n", "'committer'"},
      {"second author later", kTree + kIdents + "encoding x\n" + kAuthor + "\nm\n", "'author'"},
      {"something between author and committer", kTree + kAuthor + "x y\n" + kCommitter + "\nm\n", "'committer'"},
      {"committer without timestamp", kTree + kAuthor + "committer C <c@example.com>\n\nm\n", "timestamp"},
      {"author without timestamp", kTree + "author A <a@example.com>\n" + kCommitter + "\nm\n", "timestamp"},
      {"committer without timezone", kTree + kAuthor + "committer C <c@example.com> 1700000123\n\nm\n", "timezone"},
      {"timestamp not digits", kTree + kAuthor + "committer x <y> soon +0000\n\nm\n", "timestamp"},
      {"negative timestamp", kTree + kAuthor + "committer x <y> -5 +0000\n\nm\n", "timestamp"},
      {"timestamp overflows", kTree + kAuthor + "committer x <y> 99999999999999999999 +0000\n\nm\n", "timestamp"},
      {"two spaces before the timestamp", kTree + kAuthor + "committer x <y>  1 +0000\n\nm\n", "timestamp"},
      {"short timezone", kTree + kAuthor + "committer x <y> 1 +01\n\nm\n", "timezone"},
      {"timezone without sign", kTree + kAuthor + "committer x <y> 1 0100\n\nm\n", "timezone"},
      {"trailing space after timezone", kTree + kAuthor + "committer x <y> 1 +0000 \n\nm\n", "timezone"},
      {"CRLF after the committer", kTree + kAuthor + "committer x <y> 1 +0000\r\n\nm\n", "timezone"},
      {"no email", kTree + kAuthor + "committer x 1 +0000\n\nm\n", "email"},
      {"'>' before '<'", kTree + kAuthor + "committer x > <y 1 +0000\n\nm\n", "email"},
      {"author without a space", kTree + "author\n" + kCommitter + "\nm\n", "email"},
      {"two gpgsig headers", kTree + kIdents + "gpgsig a\ngpgsig b\n\nm\n", "more than one 'gpgsig'"},
      {"two gpgsig headers apart", kTree + kIdents + kSigHeader + "x y\n" + kSigHeader + "\nm\n",
       "more than one 'gpgsig'"},
      {"two gpgsig-sha256 headers", kTree + kIdents + kSha256SigHeader + kSha256SigHeader + "\nm\n",
       "more than one 'gpgsig-sha256'"},
      {"gpgsig without a value", kTree + kIdents + "gpgsig\n\nm\n", "signature header 'gpgsig'"},
      {"gpgsig-like header", kTree + kIdents + "gpgsigx -----BEGIN SSH SIGNATURE-----\n\nm\n", "'gpgsigx'"},
      {"continuation after tree", kTree + " x\n" + kIdents + "\nm\n", "'author'"},
      {"continuation after parent", kTree + kParent + " x\n" + kIdents + "\nm\n", "'author'"},
      {"continuation after author", kTree + kAuthor + " x\n" + kCommitter + "\nm\n", "'committer'"},
      {"continuation after committer", kTree + kIdents + " x\n\nm\n", "continuation line"},
      {"leading continuation line", " x\n" + kTree + kIdents + "\nm\n", "does not start with a 'tree'"},
      {"leading blank line", "\n" + kTree + kIdents + "\nm\n", "blank line"},
      {"headers only, no blank line", kTree + kIdents, "not terminated"},
      {"truncated header line", kTree + kAuthor + "committer x <y> 1 +0000", "not terminated"},
      {"NUL in a header", kTree + kIdents + "x a" + kNul + "b\n\nm\n", "NUL"},
      {"NUL in the committer", kTree + kAuthor + "committer x <y> 1 +0000" + kNul + "\n\nm\n", "NUL"},
      {"uppercase tree id", "tree 4B825DC642CB6EB9A060E54BF8D69288FBEE4904\n" + kIdents + "\nm\n", "lowercase"},
      {"short tree id", "tree 4b825dc642\n" + kIdents + "\nm\n", "lowercase"},
      {"SHA-256 tree id", std::string("tree ") + std::string(64, 'a') + "\n" + kIdents + "\nm\n", "lowercase"},
      {"not hex", "tree zz\n" + kIdents + "\nm\n", "lowercase"},
      {"trailing space after the tree id", "tree " + kTreeHex + " \n" + kIdents + "\nm\n", "lowercase"},
      {"CRLF after the tree id", "tree " + kTreeHex + "\r\n" + kIdents + "\nm\n", "lowercase"},
      {"two spaces after tree", "tree  " + kTreeHex + "\n" + kIdents + "\nm\n", "lowercase"},
      {"bad parent id", kTree + "parent 0123\n" + kIdents + "\nm\n", "lowercase"},
      {"header name starting with '-'", kTree + kIdents + "-----BEGIN SSH SIGNATURE----- x\n\nm\n",
       "invalid header name"},
      {"header name with a tab", kTree + kIdents + "x\ty\n\nm\n", "invalid header name"},
      {"two encodings", kTree + kIdents + "encoding a\nencoding b\n\nm\n", "more than one 'encoding'"},
      {"zero-padded timestamp", kTree + kAuthor + "committer x <y> 0100 +0000\n\nm\n", "zero-padded"},
      // SSH armour that ssh-keygen (behind git verify-commit) and the hook would read differently.
      {"CRLF in the signature",
       kTree + kIdents + "gpgsig -----BEGIN SSH SIGNATURE-----\n U1NI\r\n -----END SSH SIGNATURE-----\n\nm\n",
       "not base64"},
      {"CR after BEGIN",
       kTree + kIdents + "gpgsig -----BEGIN SSH SIGNATURE-----\r\n U1NI\n -----END SSH SIGNATURE-----\n\nm\n",
       "BEGIN line"},
      {"space in the base64",
       kTree + kIdents + "gpgsig -----BEGIN SSH SIGNATURE-----\n U1 NI\n -----END SSH SIGNATURE-----\n\nm\n",
       "not base64"},
      {"text after END", kTree + kIdents + kSigHeader + " junk\n\nm\n", "after its END line"},
      {"END with a trailing space",
       kTree + kIdents + "gpgsig -----BEGIN SSH SIGNATURE-----\n U1NI\n -----END SSH SIGNATURE----- \n\nm\n",
       "after its END marker"},
      {"no END line", kTree + kIdents + "gpgsig -----BEGIN SSH SIGNATURE-----\n U1NI\n\nm\n", "no END line"},
      {"two armour blocks",
       kTree + kIdents +
           "gpgsig -----BEGIN SSH SIGNATURE-----\n U1NI\n -----BEGIN SSH SIGNATURE-----\n U1NI\n -----END SSH "
           "SIGNATURE-----\n\nm\n",
       "not base64"},
  };
}

struct GoodTag {
  const char* name;
  std::string raw;
  ag::ObjectType type;
  std::string tag_name;
  bool has_tagger;
  std::string signature;
  std::string message;
};

const std::string kObject = "object " + kParentHex + "\n";
const std::string kTagger = "tagger T <t@example.com> 1700000999 +0000\n";
const std::string kTagSig = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n";

std::vector<GoodTag> good_tags() {
  const std::string head = kObject + "type commit\ntag v1.0\n" + kTagger;
  const std::string quoted = "-----BEGIN PGP SIGNATURE-----\nquoted\n-----END PGP SIGNATURE-----\n";
  return {
      {"signed", head + "\nrelease\n" + kTagSig, ag::ObjectType::kCommit, "v1.0", true, kTagSig, "release\n"},
      {"unsigned", head + "\nrelease\n", ag::ObjectType::kCommit, "v1.0", true, "", "release\n"},
      // An armour-looking block in the message, then the real signature: only the last counts.
      {"two armour blocks", head + "\nnotes\n" + quoted + kTagSig, ag::ObjectType::kCommit, "v1.0", true, kTagSig,
       "notes\n" + quoted},
      {"no tagger", kObject + "type commit\ntag v1\n\nold\n", ag::ObjectType::kCommit, "v1", false, "", "old\n"},
      {"tag of a tree", kObject + "type tree\ntag t\n" + kTagger + "\n", ag::ObjectType::kTree, "t", true, "", ""},
      {"tag of a blob", kObject + "type blob\ntag b\n" + kTagger + "\nm\n", ag::ObjectType::kBlob, "b", true, "",
       "m\n"},
      {"tag of a tag", kObject + "type tag\ntag tt\n" + kTagger + "\nm\n", ag::ObjectType::kTag, "tt", true, "", "m\n"},
      {"empty message, signed", head + "\n" + kTagSig, ag::ObjectType::kCommit, "v1.0", true, kTagSig, ""},
      {"signature without a final newline",
       head + "\nm\n-----BEGIN SSH SIGNATURE-----\nabc\n-----END SSH SIGNATURE-----", ag::ObjectType::kCommit, "v1.0",
       true, "-----BEGIN SSH SIGNATURE-----\nabc\n-----END SSH SIGNATURE-----", "m\n"},
      // Only SSH armour is checked here; the verifier refuses the other formats.
      {"PGP signature", head + "\nm\n-----BEGIN PGP SIGNATURE-----\nx y\r\n", ag::ObjectType::kCommit, "v1.0", true,
       "-----BEGIN PGP SIGNATURE-----\nx y\r\n", "m\n"},
      {"message without a final newline", head + "\nno newline", ag::ObjectType::kCommit, "v1.0", true, "",
       "no newline"},
      {"headers after the tagger", head + "x-extra a\n b\nflag\n\nm\n", ag::ObjectType::kCommit, "v1.0", true, "",
       "m\n"},
      {"name with spaces", kObject + "type commit\ntag a b c\n" + kTagger + "\nm\n", ag::ObjectType::kCommit, "a b c",
       true, "", "m\n"},
  };
}

std::vector<BadObject> bad_tags() {
  return {
      {"empty object", "", "not terminated"},
      {"no object line", "type commit\ntag v1\n" + kTagger + "\nm\n", "'object'"},
      {"type before object", "type commit\n" + kObject + "tag v1\n" + kTagger + "\nm\n", "'object'"},
      {"bad object id", "object 0123\ntype commit\ntag v1\n\nm\n", "lowercase"},
      {"uppercase object id", std::string("object ") + std::string(40, 'A') + "\ntype commit\ntag v1\n\nm\n",
       "lowercase"},
      {"no type", kObject + "tag v1\n" + kTagger + "\nm\n", "'type'"},
      {"unknown type", kObject + "type commitx\ntag v1\n\nm\n", "unknown object type"},
      {"type with a trailing space", kObject + "type commit \ntag v1\n\nm\n", "unknown object type"},
      {"no tag line", kObject + "type commit\n" + kTagger + "\nm\n", "'tag'"},
      {"empty name", kObject + "type commit\ntag \n" + kTagger + "\nm\n", "empty name"},
      {"tag without a space", kObject + "type commit\ntag\n\nm\n", "'tag'"},
      {"duplicate object", kObject + kObject + "type commit\ntag v1\n\nm\n", "'type'"},
      {"duplicate object later", kObject + "type commit\ntag v1\n" + kTagger + kObject + "\nm\n", "'object'"},
      {"duplicate type", kObject + "type commit\ntag v1\n" + kTagger + "type tree\n\nm\n", "'type'"},
      {"duplicate tag", kObject + "type commit\ntag v1\n" + kTagger + "tag v2\n\nm\n", "'tag'"},
      {"duplicate tagger", kObject + "type commit\ntag v1\n" + kTagger + kTagger + "\nm\n", "'tagger'"},
      {"tagger without timestamp", kObject + "type commit\ntag v1\ntagger T <t@example.com>\n\nm\n", "timestamp"},
      {"tagger without timezone", kObject + "type commit\ntag v1\ntagger T <t> 1\n\nm\n", "timezone"},
      {"header without a tagger", kObject + "type commit\ntag v1\nx y\n\nm\n", "other than 'tagger'"},
      {"tagger after another header", kObject + "type commit\ntag v1\nx y\n" + kTagger + "\nm\n",
       "other than 'tagger'"},
      {"continuation after tag", kObject + "type commit\ntag v1\n x\n\nm\n", "other than 'tagger'"},
      {"continuation after tagger", kObject + "type commit\ntag v1\n" + kTagger + " x\n\nm\n", "continuation line"},
      {"gpgsig header", kObject + "type commit\ntag v1\n" + kTagger + "gpgsig x\n\nm\n", "signature header"},
      {"gpgsig-sha256 header", kObject + "type commit\ntag v1\n" + kTagger + "gpgsig-sha256 x\n y\n\nm\n",
       "signature header"},
      {"armour in the headers", kObject + "type commit\ntag v1\n" + kTagger + kTagSig + "\nm\n", "invalid header name"},
      {"no blank line", kObject + "type commit\ntag v1\n" + kTagger, "not terminated"},
      {"NUL in the name", kObject + "type commit\ntag v" + kNul + "1\n\nm\n", "NUL"},
      {"CRLF", kObject.substr(0, kObject.size() - 1) + "\r\ntype commit\r\ntag v1\r\n\r\nm\r\n", "not terminated"},
      {"signed without a tagger", kObject + "type commit\ntag v1\n\nm\n" + kTagSig, "no 'tagger' line"},
      {"text after the signature", kObject + "type commit\ntag v1\n" + kTagger + "\nm\n" + kTagSig + "more\n",
       "after its END line"},
      {"signature with CRLF",
       kObject + "type commit\ntag v1\n" + kTagger +
           "\nm\n-----BEGIN SSH SIGNATURE-----\r\nU1NI\r\n-----END SSH SIGNATURE-----\r\n",
       "BEGIN line"},
      {"CR after the object id", kObject.substr(0, kObject.size() - 1) + "\r\ntype commit\ntag v1\n\nm\n", "lowercase"},
  };
}

}  // namespace

BOOST_AUTO_TEST_CASE(accepted_commits) {
  for (const auto& c : good_commits()) {
    BOOST_TEST_CONTEXT(c.name) {
      const auto info = ag::parse_commit(c.raw);
      BOOST_REQUIRE_MESSAGE(info.has_value(), c.name << ": " << (info ? "" : info.error().message));
      BOOST_TEST(info->tree.hex() == kTreeHex);
      std::vector<std::string> parents;
      for (const auto& p : info->parents) parents.push_back(p.hex());
      BOOST_TEST(parents == c.parents, boost::test_tools::per_element());
      BOOST_TEST(info->signature == c.signature);
      BOOST_TEST(info->payload == c.payload);
      BOOST_TEST(info->message == c.message);
    }
  }
}

BOOST_AUTO_TEST_CASE(commit_idents) {
  const auto info = ag::parse_commit(kTree + kIdents + "\nm\n");
  BOOST_REQUIRE(info.has_value());
  BOOST_TEST(info->author_time == 1700000000);
  BOOST_TEST(info->committer_time == 1700000123);
}

BOOST_AUTO_TEST_CASE(refused_commits) {
  for (const auto& c : bad_commits()) {
    BOOST_TEST_CONTEXT(c.name) {
      const auto info = ag::parse_commit(c.raw);
      BOOST_REQUIRE_MESSAGE(!info.has_value(), c.name << ": accepted");
      BOOST_TEST((info.error().code == auths::ErrorCode::kCorrupt));
      BOOST_TEST(info.error().message.find(c.why) != std::string::npos,
                 c.name << ": '" << info.error().message << "' does not mention " << c.why);
      BOOST_TEST(info.error().message.find('\n') == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(accepted_tags) {
  for (const auto& t : good_tags()) {
    BOOST_TEST_CONTEXT(t.name) {
      const auto info = ag::parse_tag(t.raw);
      BOOST_REQUIRE_MESSAGE(info.has_value(), t.name << ": " << (info ? "" : info.error().message));
      BOOST_TEST(info->target.hex() == kParentHex);
      BOOST_TEST((info->target_type == t.type));
      BOOST_TEST(info->name == t.tag_name);
      BOOST_TEST(info->has_tagger == t.has_tagger);
      BOOST_TEST(info->tagger_time == (t.has_tagger ? 1700000999 : 0));
      BOOST_TEST(info->signature == t.signature);
      BOOST_TEST(info->payload + info->signature == t.raw);
      BOOST_TEST(info->message == t.message);
    }
  }
}

BOOST_AUTO_TEST_CASE(refused_tags) {
  for (const auto& t : bad_tags()) {
    BOOST_TEST_CONTEXT(t.name) {
      const auto info = ag::parse_tag(t.raw);
      BOOST_REQUIRE_MESSAGE(!info.has_value(), t.name << ": accepted");
      BOOST_TEST((info.error().code == auths::ErrorCode::kCorrupt));
      BOOST_TEST(info.error().message.find(t.why) != std::string::npos,
                 t.name << ": '" << info.error().message << "' does not mention " << t.why);
      BOOST_TEST(info.error().message.find('\n') == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(tag_target_type) {
  BOOST_TEST(ag::check_tag_target_type(ag::ObjectType::kCommit, ag::ObjectType::kCommit).has_value());
  BOOST_TEST(ag::check_tag_target_type(ag::ObjectType::kTag, ag::ObjectType::kTag).has_value());
  const auto mismatch = ag::check_tag_target_type(ag::ObjectType::kCommit, ag::ObjectType::kTree);
  BOOST_REQUIRE(!mismatch.has_value());
  BOOST_TEST((mismatch.error().code == auths::ErrorCode::kCorrupt));
  BOOST_TEST(mismatch.error().message == "tag says its object is a commit but it is a tree");
  BOOST_TEST(!ag::check_tag_target_type(ag::ObjectType::kUnknown, ag::ObjectType::kUnknown).has_value());
}

BOOST_AUTO_TEST_CASE(signature_formats) {
  BOOST_TEST((ag::signature_format("") == ag::SignatureFormat::kNone));
  BOOST_TEST((ag::signature_format("-----BEGIN SSH SIGNATURE-----\n") == ag::SignatureFormat::kSsh));
  BOOST_TEST((ag::signature_format("-----BEGIN PGP SIGNATURE-----\n") == ag::SignatureFormat::kPgp));
  BOOST_TEST((ag::signature_format("-----BEGIN SIGNED MESSAGE-----\n") == ag::SignatureFormat::kX509));
  BOOST_TEST((ag::signature_format("garbage") == ag::SignatureFormat::kUnknown));
}

BOOST_AUTO_TEST_CASE(trailers_of_the_last_paragraph) {
  const auto t =
      ag::parse_trailers("subject\n\nbody text\n\nAuths-Id: did:keri:E1\nSigned-off-by: A <a@b>\n  folded\n");
  BOOST_REQUIRE(t.size() == 2u);
  BOOST_TEST(t[0].first == "Auths-Id");
  BOOST_TEST(t[0].second == "did:keri:E1");
  BOOST_TEST(t[1].second == "A <a@b> folded");
  // A last paragraph that is prose has no trailers.
  BOOST_TEST(ag::parse_trailers("subject\n\nthis is: prose\nand more prose\n").empty());
  BOOST_TEST(ag::parse_trailers("only a subject\n").empty());
}

BOOST_AUTO_TEST_SUITE_END()
