#!/usr/bin/env bash
# e2e-transports: file ssh:1-3,7-8
# e2e-sanitize: full
# Issue 6, item 5: names and objects as git sees them (README.md, "The trust model").
#   (a) a push to a server-side symbolic ref (refs/heads/master -> refs/heads/main) is judged
#       as the ref git really updates, main, with main's rule;
#   (b) a ref pointing at a blob or a tree under a rule that requires signatures: not-a-commit
#       (a blob as a release tag, a tree as a note, a signed tag of a tree as a note); under an
#       open ref (default = "allow") it is accepted;
#   (c) a signed release tag object pushed under another tag name: tag-name-mismatch.
. "$(dirname "$0")/lib.sh"
test_init

make_key admin
make_key alice
make_key rel
setup_repo admin <<EOF
version = 1
default = "allow"

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)", "$(pub admin)"]

[[policy.commit]]
name = "notes"
refs = ["refs/notes/*"]
signers = ["$(pub alice)"]

[[policy.release]]
name = "releases"
refs = ["refs/tags/v*"]
signers = ["$(pub rel)"]

[governance]
signers = ["$(pub admin)"]
EOF
server_git symbolic-ref refs/heads/master refs/heads/main
BLOB=$(printf 'not a commit\n' | client_git hash-object -w --stdin)

# A case starts by putting back the refs the case before it should have left (reset_server_ref),
# so that a push wrongly let through or refused fails its own case only.
symref_unsigned() {
  u=$(commit_unsigned "unsigned, through master")
  push origin "$u:refs/heads/master"
  expect_push_rejected unsigned
  expect_line_match "^error: refs/heads/(master|main) ${u:0:7}: unsigned \\(rule 'main'\\): "
  expect_ref refs/heads/main "$SEED"
  expect_equal "$(server_git symbolic-ref refs/heads/master)" refs/heads/main "the server's master"
  expect_no_object "$u"
  expect_hook_run_agrees
}
test_case symref_unsigned "item 5a: an unsigned commit pushed to the symbolic ref master (-> main): judged as main, refused"

symref_signed() {
  reset_server_ref refs/heads/main "$SEED"
  client_git reset -q --hard "$SEED"
  a=$(commit_as alice "alice, through master")
  push origin "$a:refs/heads/master"
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$a"
  expect_equal "$(server_git symbolic-ref refs/heads/master)" refs/heads/main "the server's master"
  tree=$(client_git rev-parse "$a^{tree}")
}
test_case symref_signed "item 5a: control: alice's signed commit pushed to master is accepted and moves main"

blob_as_tag() {
  push origin "$BLOB:refs/tags/v9"
  expect_push_rejected not-a-commit
  expect_violation refs/tags/v9 "$BLOB" not-a-commit releases
  expect_ref refs/tags/v9 absent
  expect_hook_run_agrees
}
test_case blob_as_tag "item 5b: a blob pushed as a release tag: not-a-commit"

# Needs tree, the tree of a (symref_signed), which the server has.
tree_as_note() {
  push origin "$tree:refs/notes/x"
  expect_push_rejected not-a-commit
  expect_violation refs/notes/x "$tree" not-a-commit notes
  expect_ref refs/notes/x absent
}
test_case tree_as_note "item 5b: a tree pushed as a note under a commit rule: not-a-commit"

tree_tag_as_note() {
  ttag=$(tag_as alice tree-tag "$tree")
  push origin "$ttag:refs/notes/t"
  expect_push_rejected not-a-commit
  expect_line_match "^error: refs/notes/t (${ttag:0:7}|${tree:0:7}): not-a-commit \\(rule 'notes'\\): "
  expect_ref refs/notes/t absent
}
test_case tree_tag_as_note "item 5b: a tag of a tree signed by alice, pushed as a note under a commit rule: not-a-commit"

blob_on_open_ref() {
  push origin "$BLOB:refs/open/blob"
  expect_push_ok
  expect_ref refs/open/blob "$BLOB"
}
test_case blob_on_open_ref "item 5b: under an open ref (no rule, default allow) a blob is accepted"

# Builds on a, on main since symref_signed.
release_tag_v1() {
  t1=$(tag_as rel v1.0 "$a")
  push origin refs/tags/v1.0
  expect_push_ok "auths: push accepted: 0 commits and 1 tag verified in 1 ref"
  expect_ref refs/tags/v1.0 "$t1"
}
test_case release_tag_v1 "item 5c setup: v1.0 signed by rel is accepted under its own name"

# Builds on the tag v1.0, t1 (release_tag_v1).
tag_renamed() {
  push origin "refs/tags/v1.0:refs/tags/v2.0"
  expect_push_rejected tag-name-mismatch
  expect_violation refs/tags/v2.0 "$t1" tag-name-mismatch releases
  expect_ref refs/tags/v2.0 absent
  expect_hook_run_agrees
}
test_case tag_renamed "item 5c: the tag object v1.0 pushed as refs/tags/v2.0: tag-name-mismatch"

new_tag_renamed() {
  t3=$(tag_as rel v3.0 "$a")
  push origin "$t3:refs/tags/v4.0"
  expect_push_rejected tag-name-mismatch
  expect_violation refs/tags/v4.0 "$t3" tag-name-mismatch releases
  expect_ref refs/tags/v4.0 absent
  expect_no_object "$t3"
}
test_case new_tag_renamed "item 5c: a new tag object v3.0 (never pushed) pushed only as refs/tags/v4.0: tag-name-mismatch"

test_done
