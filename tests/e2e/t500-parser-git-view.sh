#!/usr/bin/env bash
# e2e-transports: file ssh:2-4
# e2e-sanitize: full
# Issue 6, item 1 (and the malformed-object parts of item 8): the hook must see every object
# as git sees it, or refuse it. Hand-made commits (git hash-object --literally), each signed
# by alice (a main signer, not a governance signer) over exactly the bytes pushed, so that the
# signature verifies and only the shape of the object is wrong:
#   item 1: a second `tree` header naming the old tree (git reads the first: the policy
#           changes for every clone); a `parent` header after `author`; the registry variant
#           (a registry commit whose first tree drops a record, second tree the old one);
#   item 8: two `gpgsig` headers (a violation, exit 1, not exit 2); no committer; a committer
#           without a timestamp (a violation, not internal-error).
# Each is refused with malformed-object (README.md, "The trust model"), the server unchanged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
identity_env

make_key admin
make_key alice
make_key mallory
policy() {
  cat <<P
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)", "$(pub admin)"$1]

[governance]
signers = ["$(pub admin)"]
P
}
setup_repo admin < <(policy "")
OLD_TREE=$(client_git rev-parse "$SEED^{tree}")
NOW=$(date +%s)

# The tree of SEED with mallory added to main's signers: what the attack wants in force.
policy ", \"$(pub mallory)\"" | policy_write
client_git add -A
NEW_TREE=$(client_git write-tree)
client_git reset -q --hard "$SEED"

# payload FILE HEADER-LINES...: a commit payload (the header lines, a blank line, a message).
payload() {
  local file=$1
  shift
  { printf '%s\n' "$@"; printf '\n%s\n' "hand-made commit"; } >"$file"
}

# A case starts by putting back the refs the case before it should have left (reset_server_ref),
# so that a push wrongly let through or refused fails its own case only.
well_formed_change_unauthorized() {
  payload "$E2E_TMP/p0" "tree $NEW_TREE" "parent $SEED" "author $(ident alice "$NOW")" "committer $(ident alice "$NOW")"
  c0=$(signed_commit_object alice "$E2E_TMP/p0")
  push origin "$c0:refs/heads/main"
  expect_push_rejected policy-change-unauthorized
  expect_violation refs/heads/main "$c0" policy-change-unauthorized '*'
  expect_ref refs/heads/main "$SEED"
}
test_case well_formed_change_unauthorized "item 1: control: the same change as a well-formed commit signed by alice is policy-change-unauthorized"

second_tree_header() {
  reset_server_ref refs/heads/main "$SEED"
  # (The second tree header after committer, where git and libgit2 skip unknown headers; before
  # the parents, git would stop reading parents.)
  payload "$E2E_TMP/p1" "tree $NEW_TREE" "parent $SEED" "author $(ident alice "$NOW")" \
    "committer $(ident alice "$NOW")" "tree $OLD_TREE"
  c1=$(signed_commit_object alice "$E2E_TMP/p1")
  # What git makes of it: the first tree, the one that adds mallory.
  expect_equal "$(client_git rev-parse "$c1^{tree}")" "$NEW_TREE" "git's tree of the two-tree commit"
  expect_equal "$(client_git rev-parse "$c1^@")" "$SEED" "git's parents of the two-tree commit"
  push origin "$c1:refs/heads/main"
  expect_push_rejected malformed-object
  expect_violation refs/heads/main "$c1" malformed-object '*'
  expect_ref refs/heads/main "$SEED"
  expect_no_object "$c1"
  expect_hook_run_agrees
}
test_case second_tree_header "item 1: a second tree header naming the old tree (git sees the new policy): malformed-object"

late_parent_header() {
  reset_server_ref refs/heads/main "$SEED"
  client_git reset -q --hard "$SEED"
  side=$(commit_as alice "a side commit, never pushed")
  client_git reset -q --hard "$SEED"
  payload "$E2E_TMP/p2" "tree $OLD_TREE" "parent $SEED" "author $(ident alice "$NOW")" "parent $side" \
    "committer $(ident alice "$NOW")"
  c2=$(signed_commit_object alice "$E2E_TMP/p2")
  expect_equal "$(client_git rev-parse "$c2^@" | tr '\n' ' ')" "$SEED " "git's parents of the commit with a late parent header"
  push origin "$c2:refs/heads/main"
  expect_push_rejected malformed-object
  expect_violation refs/heads/main "$c2" malformed-object '*'
  expect_ref refs/heads/main "$SEED"
  expect_hook_run_agrees
}
test_case late_parent_header "item 1: a parent header after author: malformed-object"

two_gpgsig_headers() {
  reset_server_ref refs/heads/main "$SEED"
  payload "$E2E_TMP/p3" "tree $OLD_TREE" "parent $SEED" "author $(ident alice "$NOW")" "committer $(ident alice "$NOW")"
  sign_payload alice "$E2E_TMP/p3" >"$E2E_TMP/p3.alice.sig"
  sign_payload admin "$E2E_TMP/p3" >"$E2E_TMP/p3.admin.sig"
  c3=$(commit_object "$E2E_TMP/p3" "$E2E_TMP/p3.alice.sig" "$E2E_TMP/p3.admin.sig")
  expect_equal "$(client_git cat-file commit "$c3" | grep -c '^gpgsig ')" 2 "gpgsig headers of the hand-made commit"
  push origin "$c3:refs/heads/main"
  expect_push_rejected malformed-object
  expect_violation refs/heads/main "$c3" malformed-object '*'
  expect_no_line_match '^error: .*internal-error'
  expect_ref refs/heads/main "$SEED"
  expect_hook_run_agrees
}
test_case two_gpgsig_headers "item 8: two gpgsig headers (alice's and admin's, both good): malformed-object, exit 1 (not 2)"

no_committer() {
  reset_server_ref refs/heads/main "$SEED"
  payload "$E2E_TMP/p4" "tree $OLD_TREE" "parent $SEED" "author $(ident alice "$NOW")"
  c4=$(signed_commit_object alice "$E2E_TMP/p4")
  push origin "$c4:refs/heads/main"
  expect_push_rejected malformed-object
  expect_violation refs/heads/main "$c4" malformed-object '*'
  expect_no_line_match 'internal-error'
  expect_ref refs/heads/main "$SEED"
  expect_hook_run_agrees
}
test_case no_committer "item 8: a commit without committer: malformed-object (a violation, not internal-error)"

committer_no_timestamp() {
  reset_server_ref refs/heads/main "$SEED"
  payload "$E2E_TMP/p5" "tree $OLD_TREE" "parent $SEED" "author $(ident alice "$NOW")" "committer alice <alice@example.org>"
  c5=$(signed_commit_object alice "$E2E_TMP/p5")
  push origin "$c5:refs/heads/main"
  expect_push_rejected malformed-object
  expect_violation refs/heads/main "$c5" malformed-object '*'
  expect_no_line_match 'internal-error'
  expect_ref refs/heads/main "$SEED"
}
test_case committer_no_timestamp "item 8: a committer without a timestamp: malformed-object (a violation, not internal-error)"

well_formed_accepted() {
  reset_server_ref refs/heads/main "$SEED"
  c6=$(commit_as alice "alice, well-formed")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c6"
}
test_case well_formed_accepted "control: a well-formed commit signed by alice is accepted"

registry_accepted() {
  dev_id carol
  dev_link carol laptop >/dev/null
  reg1=$(dev_publish carol)
  push origin refs/auths/registry
  expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
  expect_ref refs/auths/registry "$reg1"
  link_path=$(registry_files "$reg1" | grep '/attestations/' | head -n1)
  [ -n "$link_path" ] || e2e_die "setup: no attestation in carol's registry"
}
test_case registry_accepted "item 1 (registry): setup: carol's identity records are accepted on refs/auths/registry"

# Builds on reg1 and link_path (registry_accepted).
registry_second_tree() {
  reg1_tree=$(client_git rev-parse "$reg1^{tree}")
  dropped=$(registry_commit "$reg1" "drop carol's link" "rm:$link_path")
  dropped_tree=$(client_git rev-parse "$dropped^{tree}")
  payload "$E2E_TMP/r1" "tree $dropped_tree" "parent $reg1" "author $(ident auths "$NOW")" \
    "committer $(ident auths "$NOW")" "tree $reg1_tree"
  r1=$(write_object commit <"$E2E_TMP/r1")
  expect_equal "$(client_git rev-parse "$r1^{tree}")" "$dropped_tree" "git's tree of the two-tree registry commit"
  push origin "$r1:refs/auths/registry"
  # malformed-object is what the model says; a registry code (the record git sees removed) is
  # acceptable too: what matters is that git's view is judged, and refused.
  expect_push_rejected '(malformed-object|registry-edit)'
  expect_line_match "^error: refs/auths/registry ${r1:0:7}: (malformed-object|registry-edit) \\("
  expect_ref refs/auths/registry "$reg1"
  expect_no_object "$r1"
  reset_server_ref refs/auths/registry "$reg1"
}
test_case registry_second_tree "item 1 (registry): a registry commit whose first tree drops carol's link, second tree the old one: refused"

test_done
