// Signature extraction from raw objects, checked on crafted objects whose expected payloads
// follow gitformat-signature(5): the payload of a commit is the object without its gpgsig and
// gpgsig-sha256 headers (continuation lines included); the payload of a tag is everything
// before the last armour block.
#include <boost/test/unit_test.hpp>

#include "git/objects.h"

namespace ag = auths::git;

namespace {

const std::string kTree = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n";
const std::string kParent = "parent 0123456789abcdef0123456789abcdef01234567\n";
const std::string kIdents =
    "author A U Thor <author@example.com> 1700000000 +0100\n"
    "committer C O Mitter <committer@example.com> 1700000123 -0500\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(git_objects)

BOOST_AUTO_TEST_CASE(unsigned_commit_payload_is_the_object) {
  const std::string raw = kTree + kParent + kIdents + "\nsubject\n\nbody\n";
  const auto info = ag::parse_commit(raw);
  BOOST_REQUIRE(info.has_value());
  BOOST_TEST(info->signature.empty());
  BOOST_TEST(info->payload == raw);
  BOOST_TEST(info->parents.size() == 1u);
  BOOST_TEST(info->committer_time == 1700000123);
  BOOST_TEST(info->message == "subject\n\nbody\n");
}

// The gpgsig header and its continuation lines leave the payload; an empty armour line is
// stored as a line with a single space and comes back as an empty line in the signature.
BOOST_AUTO_TEST_CASE(gpgsig_removed_from_payload) {
  const std::string sig_header =
      "gpgsig -----BEGIN SSH SIGNATURE-----\n"
      " U1NIU0lH\n"
      " \n"
      " -----END SSH SIGNATURE-----\n";
  const std::string raw = kTree + kParent + kIdents + sig_header + "\nmsg\n";
  const auto info = ag::parse_commit(raw);
  BOOST_REQUIRE(info.has_value());
  BOOST_TEST(info->payload == kTree + kParent + kIdents + "\nmsg\n");
  BOOST_TEST(info->signature == "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n\n-----END SSH SIGNATURE-----\n");
}

// gpgsig-sha256 (the SHA-256 twin of a dual-signed commit) is removed too; mergetag headers and
// their continuation lines stay, as git signs them.
BOOST_AUTO_TEST_CASE(sha256_signature_removed_mergetag_kept) {
  const std::string mergetag = "mergetag object 0123456789abcdef0123456789abcdef01234567\n type commit\n tag v1\n";
  const std::string raw = kTree + kParent + kIdents + mergetag + "gpgsig-sha256 -----BEGIN PGP SIGNATURE-----\n xx\n" +
                          "gpgsig -----BEGIN SSH SIGNATURE-----\n yy\n\nmsg\n";
  const auto info = ag::parse_commit(raw);
  BOOST_REQUIRE(info.has_value());
  BOOST_TEST(info->payload == kTree + kParent + kIdents + mergetag + "\nmsg\n");
  BOOST_TEST(info->signature == "-----BEGIN SSH SIGNATURE-----\nyy\n");
}

// A "gpgsig" line in the message is message text, not a header.
BOOST_AUTO_TEST_CASE(gpgsig_in_message_is_kept) {
  const std::string raw = kTree + kIdents + "\ngpgsig -----BEGIN SSH SIGNATURE-----\n";
  const auto info = ag::parse_commit(raw);
  BOOST_REQUIRE(info.has_value());
  BOOST_TEST(info->signature.empty());
  BOOST_TEST(info->payload == raw);
}

BOOST_AUTO_TEST_CASE(malformed_commits_are_errors) {
  // Two gpgsig headers: which one was meant is ambiguous.
  BOOST_TEST(!ag::parse_commit(kTree + kIdents + "gpgsig a\ngpgsig b\n\nm\n").has_value());
  // No committer.
  BOOST_TEST(!ag::parse_commit(kTree + "\nm\n").has_value());
  // A continuation line with no header before it.
  BOOST_TEST(!ag::parse_commit(" x\n" + kTree + kIdents + "\nm\n").has_value());
  // A header line without a newline (truncated object).
  BOOST_TEST(!ag::parse_commit(kTree + "committer x <y> 1 +0000").has_value());
  // Bad object id, bad timestamp.
  BOOST_TEST(!ag::parse_commit("tree zz\n" + kIdents + "\nm\n").has_value());
  BOOST_TEST(!ag::parse_commit(kTree + "committer x <y> soon +0000\n\nm\n").has_value());
}

BOOST_AUTO_TEST_CASE(tag_signature_is_the_last_armour_block) {
  const std::string head =
      "object 0123456789abcdef0123456789abcdef01234567\n"
      "type commit\n"
      "tag v1.0\n"
      "tagger T <t@example.com> 1700000999 +0000\n"
      "\n"
      "release notes\n";
  // An armour-looking block in the message, then the real signature: only the last counts.
  const std::string quoted = "-----BEGIN PGP SIGNATURE-----\nquoted\n-----END PGP SIGNATURE-----\n";
  const std::string sig = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n";
  const auto info = ag::parse_tag(head + quoted + sig);
  BOOST_REQUIRE(info.has_value());
  BOOST_TEST(info->payload == head + quoted);
  BOOST_TEST(info->signature == sig);
  BOOST_TEST(info->name == "v1.0");
  BOOST_TEST(info->tagger_time == 1700000999);
  BOOST_TEST((info->target_type == ag::ObjectType::kCommit));

  const auto unsigned_tag = ag::parse_tag(head);
  BOOST_REQUIRE(unsigned_tag.has_value());
  BOOST_TEST(unsigned_tag->signature.empty());
  BOOST_TEST(unsigned_tag->payload == head);
  BOOST_TEST(!ag::parse_tag("type commit\n\nx\n").has_value());
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
