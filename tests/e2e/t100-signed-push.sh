#!/usr/bin/env bash
# e2e-transports: file ssh:1,6
# Pushes of commits signed by allowed keys are accepted and update the server's ref:
# ed25519, ecdsa (nistp256) and rsa keys; several commits at once; a new branch at a commit the
# server already has (nothing re-verified). The hook reads the pushed objects from git's
# quarantine directory; `auths hook run` on the same input agrees.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice ed25519
make_key carol ecdsa
make_key dave rsa
setup_repo alice <<EOF
version = 1
default = "deny"

[[policy.commit]]
name = "main"
refs = ["refs/heads/main", "refs/heads/feature/*"]
signers = ["$(pub alice)", "$(pub carol)", "$(pub dave)"]
EOF

ed25519_is_accepted() {
  c1=$(commit_as alice "first change")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c1"
  expect_hook_saw_quarantine
  expect_hook_run_agrees
}
test_case ed25519_is_accepted "a commit signed by an allowed ed25519 key is accepted and the ref is updated"

ecdsa_is_accepted() {
  c2=$(commit_as carol "change by carol (ecdsa)")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c2"
  expect_hook_run_agrees
}
test_case ecdsa_is_accepted "an ecdsa-sha2-nistp256 signature is accepted"

rsa_is_accepted() {
  c3=$(commit_as dave "change by dave (rsa)")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c3"
  expect_hook_run_agrees
}
test_case rsa_is_accepted "an rsa (rsa-sha2-512) signature is accepted"

three_keys_in_one_push() {
  commit_as alice "a" >/dev/null
  commit_as carol "b" >/dev/null
  c4=$(commit_as dave "c")
  push origin main
  expect_push_ok "auths: push accepted: 3 commits and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c4"
  expect_hook_run_agrees
}
test_case three_keys_in_one_push "three commits by three keys in one push"

new_branch_at_known_commit() {
  push origin "$c4:refs/heads/feature/x"
  expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
  expect_ref refs/heads/feature/x "$c4"
  expect_hook_run_agrees
}
test_case new_branch_at_known_commit "a new branch at a commit the server already has: nothing to re-verify"

installed_hook_accepts() {
  rm -f "$SERVER/hooks/pre-receive"
  hook_install --no-record
  c5=$(commit_as alice "through the installed hook")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c5"
}
test_case installed_hook_accepts "the hook as installed (no test wrapper) accepts a signed push"

test_done
