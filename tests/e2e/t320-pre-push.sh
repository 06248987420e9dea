#!/usr/bin/env bash
# e2e-transports: file ssh
# auths-pre-push as the client's .git/hooks/pre-push: the same checks before anything leaves,
# with the policy of the remote-tracking ref (never the developer's own copy). A refused push
# never reaches the server.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory
setup_main_repo alice
ln -s "$AUTHS_BIN_DIR/auths-pre-push" "$CLIENT/.git/hooks/pre-push"

# expect_refused_locally: git push failed, the server's hook never ran, the server is unchanged.
expect_refused_locally() {
  if [ "$PUSH_STATUS" -ne 0 ]; then ok; else fail "expected the push to fail in the pre-push hook"; fi
  if grep -q 'failed to push some refs' "$E2E_TMP/push.out"; then ok; else
    fail "expected git's 'failed to push some refs'"; fi
  if [ ! -e "$E2E_TMP/hook.stdin" ]; then ok; else fail "the server's pre-receive hook ran: the push left the client"; fi
  expect_server_unchanged
}

unsigned_refused_locally() {
  u=$(commit_unsigned "unsigned")
  push origin main
  E2E_LINES=local
  expect_refused_locally
  expect_violation refs/heads/main "$u" unsigned main
  expect_line "auths: push rejected: 1 violation in 1 ref"
  expect_ref refs/heads/main "$SEED"
  expect_no_object "$u"
}
test_case unsigned_refused_locally "an unsigned commit is refused before it leaves"

unknown_key_refused_locally() {
  client_git reset -q --hard "$SEED"
  m=$(commit_as mallory "mallory")
  push origin main
  E2E_LINES=local
  expect_refused_locally
  expect_violation refs/heads/main "$m" unknown-signer main
  expect_violation_mentions "$(fpr mallory)"
}
test_case unknown_key_refused_locally "a commit by an unknown key is refused before it leaves"

policy_from_tracking_ref() {
  client_git reset -q --hard "$SEED"
  # Alice adds mallory to her local copy of the policy: the server's policy does not have her.
  sed -i "s|^signers = \\[|signers = [\"$(pub mallory)\", |" "$CLIENT/.auths/policy.toml"
  grep -q mallory "$CLIENT/.auths/policy.toml" || e2e_die "setup: could not edit the policy"
  p=$(commit_as alice "alice lets mallory in, locally")
  m2=$(commit_as mallory "mallory relies on it")
  push origin main
  E2E_LINES=local
  expect_refused_locally
  expect_violation refs/heads/main "$m2" unknown-signer main
  expect_violation refs/heads/main "$p" policy-change-unauthorized '*'
}
test_case policy_from_tracking_ref "the policy comes from the remote-tracking ref, not from the work tree"

allowed_passes_both() {
  client_git reset -q --hard "$SEED"
  c=$(commit_as alice "good")
  push origin main
  if [ "$PUSH_STATUS" -eq 0 ]; then ok; else fail "expected the push to succeed"; fi
  E2E_LINES=remote
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  E2E_LINES=local
  expect_line "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c"
}
test_case allowed_passes_both "an allowed commit passes the pre-push hook and the server"

no_verify_server_refuses() {
  u2=$(commit_unsigned "unsigned, pushed with --no-verify")
  push --no-verify origin main
  # shellcheck disable=SC2034  # read by lib.sh's expect_* helpers
  E2E_LINES=remote
  expect_push_rejected unsigned
  expect_violation refs/heads/main "$u2" unsigned main
  expect_ref refs/heads/main "$c"
}
test_case no_verify_server_refuses "--no-verify skips the local check; the server still refuses"

test_done
