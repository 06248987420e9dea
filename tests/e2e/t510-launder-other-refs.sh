#!/usr/bin/env bash
# e2e-transports: file ssh:2-3
# Issue 6, item 3: laundering through other refs. Under default = "allow", refs no rule
# matches are open: anything may be pushed there, and they vouch for nothing (README.md,
# "The trust model"). An unsigned commit pushed to an open branch, a tag, a note, a pull ref,
# refs/auths/<anything> (each accepted there), then fast-forwarded onto main: refused
# (unsigned). A release tag signed by alice, who signs both main and releases, pointing at an
# unsigned commit: refused (the commits a tag brings are judged under its rule); and main
# moved onto that commit, with the tag on the server: refused.
. "$(dirname "$0")/lib.sh"
test_init

make_key admin
make_key alice
setup_repo admin <<EOF
version = 1
default = "allow"

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)", "$(pub admin)"]

[[policy.release]]
name = "releases"
refs = ["refs/tags/v*"]
signers = ["$(pub alice)"]

[governance]
signers = ["$(pub admin)"]
EOF

# Five unsigned commits on top of main, one for each open ref.
OPEN_REFS=(refs/heads/scratch refs/tags/x refs/notes/x refs/pull/1/head refs/auths/anything)
U=()
for ref in "${OPEN_REFS[@]}"; do
  client_git reset -q --hard "$SEED"
  U+=("$(commit_unsigned "unsigned, for $ref" "${ref//\//_}.txt")")
done
client_git reset -q --hard "$SEED"

# A case starts by putting back the refs the case before it should have left (reset_server_ref),
# so that a push wrongly let through or refused fails its own case only.
open_refs_accept_unsigned() {
  specs=()
  for i in "${!OPEN_REFS[@]}"; do specs+=("${U[$i]}:${OPEN_REFS[$i]}"); done
  push origin "${specs[@]}"
  expect_push_ok
  for i in "${!OPEN_REFS[@]}"; do expect_ref "${OPEN_REFS[$i]}" "${U[$i]}"; done
  expect_ref refs/heads/main "$SEED"
}
test_case open_refs_accept_unsigned "item 3: unsigned commits pushed to an open branch, a tag, a note, a pull ref, refs/auths/anything: accepted there"

# One case per open ref k (set by the loop), on what open_refs_accept_unsigned put there.
main_onto_open_ref() {
  reset_server_ref refs/heads/main "$SEED"
  push origin "${U[$k]}:refs/heads/main"
  expect_push_rejected unsigned
  expect_violation refs/heads/main "${U[$k]}" unsigned main
  expect_ref refs/heads/main "$SEED"
  [ "$k" -ne 0 ] || expect_hook_run_agrees
}
for k in "${!OPEN_REFS[@]}"; do
  test_case main_onto_open_ref "item 3: main fast-forwarded onto the commit held by ${OPEN_REFS[$k]}: refused, unsigned"
done

unsigned_moves_between_refs() {
  reset_server_ref refs/heads/main "$SEED"
  client_git reset -q --hard "$SEED"
  u6=$(commit_unsigned "unsigned, moved from ref to ref" hidden.txt)
  client_git reset -q --hard "$SEED"
  push origin "$u6:refs/heads/scratch2"
  expect_push_ok
  push origin "$u6:refs/tags/y" "$u6:refs/notes/y" "$u6:refs/pull/2/head" "$u6:refs/auths/y"
  expect_push_ok
  push origin :refs/heads/scratch2
  expect_push_ok
  expect_ref refs/heads/scratch2 absent
  expect_ref refs/auths/y "$u6"
}
test_case unsigned_moves_between_refs "item 3: one unsigned commit on an open branch, then on a tag, a note, a pull ref, refs/auths/y; the branch deleted"

# Builds on u6, left on the open refs by unsigned_moves_between_refs.
main_onto_moved_commit() {
  reset_server_ref refs/heads/scratch2 absent
  push origin "$u6:refs/heads/main"
  expect_push_rejected unsigned
  expect_violation refs/heads/main "$u6" unsigned main
  expect_ref refs/heads/main "$SEED"
}
test_case main_onto_moved_commit "item 3: ... then main fast-forwarded onto it: refused, unsigned"

signed_tag_on_unsigned() {
  reset_server_ref refs/heads/main "$SEED"
  client_git reset -q --hard "$SEED"
  u7=$(commit_unsigned "unsigned, under a signed release tag" release.txt)
  t7=$(tag_as alice v1.0 "$u7")
  client_git reset -q --hard "$SEED"
  push origin refs/tags/v1.0
  expect_push_rejected unsigned
  expect_violation refs/tags/v1.0 "$u7" unsigned releases
  expect_ref refs/tags/v1.0 absent
  expect_no_object "$u7"
  expect_hook_run_agrees
}
test_case signed_tag_on_unsigned "item 3: a release tag signed by alice (a main and release signer) on an unsigned commit: refused, unsigned"

# Builds on u7 and its tag t7 (signed_tag_on_unsigned).
main_onto_tagged_commit() {
  if ! git -C "$SERVER" rev-parse -q --verify refs/tags/v1.0 >/dev/null; then
    push_bypassing_hooks refs/tags/v1.0
  fi
  expect_ref refs/tags/v1.0 "$t7"
  push origin "$u7:refs/heads/main"
  expect_push_rejected unsigned
  expect_violation refs/heads/main "$u7" unsigned main
  expect_ref refs/heads/main "$SEED"
  expect_hook_run_agrees
}
test_case main_onto_tagged_commit "item 3: with that tag on the server (as an older hook let it in), main moved onto its commit: refused, unsigned"

signed_release_tag() {
  reset_server_ref refs/heads/main "$SEED"
  a1=$(commit_as alice "alice, on main")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  t8=$(tag_as alice v1.1 "$a1")
  push origin refs/tags/v1.1
  expect_push_ok "auths: push accepted: 0 commits and 1 tag verified in 1 ref"
  expect_ref refs/tags/v1.1 "$t8"
}
test_case signed_release_tag "control: a release tag signed by alice on a signed commit of main is accepted"

test_done
