#!/usr/bin/env bash
# e2e-transports: file ssh
# The update hook (`auths hook install --update`): the same checks for one ref at a time, so a
# push of a good and a bad ref updates the good one and refuses only the bad one.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
server_init
client_init alice
policy_write <<EOF
version = 1

[[policy.commit]]
name = "branches"
refs = ["refs/heads/*"]
signers = ["$(pub alice)"]
EOF
SEED=$(commit_as alice "seed: policy")
push_bypassing_hooks main
client_git fetch -q origin

update_hook_installed() {
  run install "$AUTHS" hook install --repo "$SERVER" --update
  expect_rc 0
  expect_installed_hook "$SERVER/hooks/update" auths-update --args
}
test_case update_hook_installed "auths hook install --update installs auths-update as the update hook"

update_refuses_only_bad() {
  # Test only the update hook here, through the recording wrapper: no pre-receive hook.
  rm -f "$SERVER/hooks/pre-receive" "$SERVER/hooks/update"
  hook_install --update
  rm -f "$SERVER/hooks/pre-receive"
  [ -x "$SERVER/hooks/update" ] || e2e_die "no update hook after hook_install --update"
  client_git checkout -q -b topic "$SEED"
  u=$(commit_unsigned "unsigned topic")
  client_git checkout -q main
  g=$(commit_as alice "signed main")
  push origin main topic
  if [ "$PUSH_STATUS" -ne 0 ]; then ok; else fail "expected git push to fail (one ref refused)"; fi
  if grep -Eq '^ ! \[remote rejected\] +topic -> topic \(hook declined\)$' "$E2E_TMP/push.out"; then ok; else
    fail "expected ' ! [remote rejected] topic -> topic (hook declined)'"; fi
  expect_ref refs/heads/main "$g"
  expect_ref refs/heads/topic absent
  expect_violation refs/heads/topic "$u" unsigned branches
  expect_no_line_match "^error: refs/heads/main "
  expect_line "auths: push rejected: 1 violation in 1 ref"
  expect_line "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  if [ "$(LC_ALL=C sort "$E2E_TMP/hook.exit" | tr '\n' ' ')" = "0 1 " ]; then ok; else
    fail "expected the update hook to exit 0 once and 1 once, got: $(tr '\n' ' ' <"$E2E_TMP/hook.exit")"; fi
}
test_case update_refuses_only_bad "a good ref and a bad ref in one push: only the bad one is refused"

update_refuses_force() {
  client_git reset -q --hard "$SEED"
  f=$(commit_as alice "rewritten")
  push --force origin main
  if [ "$PUSH_STATUS" -ne 0 ]; then ok; else fail "expected the force push to fail"; fi
  expect_violation refs/heads/main - force-push-denied branches
  expect_ref refs/heads/main "$g"
  if [ "$(sed -n 1p "$E2E_TMP/hook.args")" = refs/heads/main ] &&
     [ "$(sed -n 2p "$E2E_TMP/hook.args")" = "$g" ] && [ "$(sed -n 3p "$E2E_TMP/hook.args")" = "$f" ]; then ok; else
    fail "setup: unexpected update hook arguments: $(tr '\n' ' ' <"$E2E_TMP/hook.args")"; fi
  if [ "$(hook_exit)" = 1 ]; then ok; else fail "expected update hook exit 1, got $(hook_exit)"; fi
}
test_case update_refuses_force "the update hook refuses a force push on its own"

test_done
