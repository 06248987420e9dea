#!/usr/bin/env bash
# e2e-transports: file
# Annotated tags (`git tag -s`) on refs/tags/v*: the tag object's own signature must be by a
# signer of the [[policy.release]] rule; a commit-only signer or no signature is refused.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key rel ecdsa
setup_repo alice <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]

[[policy.release]]
name = "releases"
refs = ["refs/tags/v*"]
signers = ["$(pub rel)"]
EOF

commit_on_main() {
  c=$(commit_as alice "to be released")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
}
test_case commit_on_main "setup: a commit on main"

release_signer_tag_accepted() {
  t1=$(tag_as rel v1.0)
  if [ "$(client_git cat-file -t "$t1")" = tag ] && client_git cat-file tag "$t1" | grep -q 'BEGIN SSH SIGNATURE'; then ok; else
    fail "setup: v1.0 is not an ssh-signed annotated tag"; fi
  push origin v1.0
  expect_push_ok "auths: push accepted: 0 commits and 1 tag verified in 1 ref"
  expect_ref refs/tags/v1.0 "$t1"
  expect_hook_run_agrees
}
test_case release_signer_tag_accepted "a tag signed by a release signer is accepted"

commit_signer_tag_refused() {
  t2=$(tag_as alice v1.1)
  push origin v1.1
  expect_push_rejected unknown-signer
  expect_violation refs/tags/v1.1 "$t2" unknown-signer releases
  expect_violation_mentions "$(fpr alice)"
  expect_line "auths: push rejected: 1 violation in 1 ref"
  expect_ref refs/tags/v1.1 absent
  expect_no_object "$t2"
  expect_hook_run_agrees
}
test_case commit_signer_tag_refused "a tag signed by a commit-only signer is refused"

unsigned_tag_refused() {
  client_git -c tag.gpgSign=false tag -a -m "unsigned release" v1.2
  t3=$(client_git rev-parse refs/tags/v1.2)
  push origin v1.2
  expect_push_rejected unsigned
  expect_violation refs/tags/v1.2 "$t3" unsigned releases
  expect_ref refs/tags/v1.2 absent
  expect_no_object "$t3"
  expect_hook_run_agrees
}
test_case unsigned_tag_refused "an unsigned annotated tag is refused"

release_key_cannot_commit() {
  m=$(commit_as rel "commit by the release key")
  push origin main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$m" unknown-signer main
  expect_ref refs/heads/main "$c"
}
test_case release_key_cannot_commit "a release signer's signature does not make a commit on main acceptable"

test_done
