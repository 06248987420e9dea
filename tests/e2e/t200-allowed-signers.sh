#!/usr/bin/env bash
# e2e-transports: file
# Signers from a git-style allowed_signers file in the tree (ssh-keygen(1) ALLOWED SIGNERS):
# valid-before / valid-after against the committer time, namespaces= against "git".
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key old
make_key future
make_key filer
make_key stranger
server_init
client_init alice
mkdir -p "$CLIENT/.auths"
cat >"$CLIENT/.auths/allowed_signers" <<EOF
# who may sign main
alice@example.org namespaces="git",valid-after="20200101",valid-before="29990101" $(pub alice)
old@example.org valid-before="20200101" $(pub old)
future@example.org valid-after="29990101" $(pub future)
filer@example.org namespaces="file" $(pub filer)
EOF
policy_write <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
allowed_signers = ".auths/allowed_signers"
EOF
commit_as alice "seed: policy and allowed_signers" >/dev/null
push_bypassing_hooks main
client_git fetch -q origin
hook_install

in_window_accepted() {
  c=$(commit_as alice "alice, in her window")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c"
  expect_hook_run_agrees
}
test_case in_window_accepted "an entry inside its validity window is accepted"

valid_before_expired() {
  o=$(commit_as old "old key")
  push origin main
  expect_push_rejected signer-expired
  expect_violation refs/heads/main "$o" signer-expired main
  expect_ref refs/heads/main "$c"
  expect_no_object "$o"
  expect_hook_run_agrees
}
test_case valid_before_expired "valid-before in the past: signer-expired"

valid_after_not_yet() {
  client_git reset -q --hard "$c"
  f=$(commit_as future "future key")
  push origin main
  expect_push_rejected signer-not-yet-valid
  expect_violation refs/heads/main "$f" signer-not-yet-valid main
  expect_ref refs/heads/main "$c"
  expect_hook_run_agrees
}
test_case valid_after_not_yet "valid-after in the future: signer-not-yet-valid"

namespace_mismatch() {
  client_git reset -q --hard "$c"
  n=$(commit_as filer "file-only key")
  push origin main
  expect_push_rejected namespace-mismatch
  expect_violation refs/heads/main "$n" namespace-mismatch main
  expect_ref refs/heads/main "$c"
  expect_hook_run_agrees
}
test_case namespace_mismatch "namespaces=\"file\" does not allow git signatures: namespace-mismatch"

unknown_key() {
  client_git reset -q --hard "$c"
  s=$(commit_as stranger "stranger")
  push origin main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$s" unknown-signer main
  expect_ref refs/heads/main "$c"
  expect_hook_run_agrees
}
test_case unknown_key "a key not in the file: unknown-signer"

committer_time_window() {
  client_git reset -q --hard "$c"
  # Alice's own entry is valid from 2020: a commit whose committer date is 2019 falls outside.
  GIT_COMMITTER_DATE="2019-06-01T12:00:00Z" GIT_AUTHOR_DATE="2019-06-01T12:00:00Z" \
    commit_as alice "backdated by alice" >"$E2E_TMP/backdated"
  b=$(cat "$E2E_TMP/backdated")
  push origin main
  expect_push_rejected signer-not-yet-valid
  expect_violation refs/heads/main "$b" signer-not-yet-valid main
  expect_ref refs/heads/main "$c"
}
test_case committer_time_window "the window is checked against the committer time, as ssh-keygen -Y verify does"

test_done
