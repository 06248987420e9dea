#!/usr/bin/env bash
# e2e-transports: file
# A repository without .auths/policy.toml: `git config auths.bootstrap` decides. deny (the
# default, also when unset) refuses every push with no-policy; allow accepts the first policy
# on trust, which then governs the pushes after it.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory
policy() {
  cat <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]

[governance]
signers = ["$(pub alice)"]
EOF
}

unset_refuses() {
  server_init
  hook_install
  client_init alice
  policy | policy_write
  c=$(commit_as alice "first commit, with a policy")
  push origin main
  expect_push_rejected no-policy
  expect_violation refs/heads/main - no-policy -
  expect_ref refs/heads/main absent
  expect_no_object "$c"
  expect_hook_run_agrees
}
test_case unset_refuses "empty repository, auths.bootstrap unset: the first push is refused (no-policy)"

deny_refuses() {
  server_git config auths.bootstrap deny
  push origin main
  expect_push_rejected no-policy
  expect_violation refs/heads/main - no-policy -
  expect_ref refs/heads/main absent
}
test_case deny_refuses "auths.bootstrap = deny: the same"

history_without_policy_refused() {
  server_init
  hook_install
  client_git checkout -q --orphan nopolicy
  client_git rm -rq --cached . && rm -rf "$CLIENT/.auths" "$CLIENT/log.txt"
  first=$(commit_as alice "history without a policy")
  push_bypassing_hooks nopolicy:main
  c2=$(commit_as alice "next commit, signed")
  push origin nopolicy:main
  expect_push_rejected no-policy
  expect_violation refs/heads/main - no-policy -
  expect_ref refs/heads/main "$first"
  expect_no_object "$c2"
  expect_hook_run_agrees
}
test_case history_without_policy_refused "a repository with history but no policy, bootstrap unset: refused"

allow_accepts_first_policy() {
  server_init
  hook_install
  server_git config auths.bootstrap allow
  client_init alice
  policy | policy_write
  c=$(commit_as alice "first commit, with a policy")
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$c"
  expect_hook_run_agrees
}
test_case allow_accepts_first_policy "auths.bootstrap = allow: the first policy is accepted on trust"

policy_decides_after_bootstrap() {
  m=$(commit_as mallory "mallory after bootstrap")
  push origin main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$m" unknown-signer main
  expect_ref refs/heads/main "$c"
}
test_case policy_decides_after_bootstrap "... and from then on the policy decides: mallory is refused"

alice_accepted_after_bootstrap() {
  client_git reset -q --hard "$c"
  c3=$(commit_as alice "alice after bootstrap")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c3"
}
test_case alice_accepted_after_bootstrap "... and alice is accepted"

test_done
