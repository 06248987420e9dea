#!/usr/bin/env bash
# e2e-transports: file
# Changes under .auths/ are judged by the policy before the change: only a [governance] signer
# may make them (policy-change-unauthorized otherwise); once accepted, the new policy governs
# the next push.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key admin
make_key bob
policy_v1() {
  cat <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)", "$(pub admin)"]

[governance]
signers = ["$(pub admin)"]
EOF
}
policy_v2() {
  cat <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)", "$(pub admin)", "$(pub bob)"]

[governance]
signers = ["$(pub admin)"]
EOF
}
setup_repo alice < <(policy_v1)

bob_not_signer() {
  b=$(commit_as bob "bob before the change")
  push origin main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$b" unknown-signer main
}
test_case bob_not_signer "bob is not a signer yet"

non_governance_change_refused() {
  client_git reset -q --hard "$SEED"
  policy_v2 | policy_write
  p=$(commit_as alice "add bob (by alice)")
  push origin main
  expect_push_rejected policy-change-unauthorized
  expect_violation refs/heads/main "$p" policy-change-unauthorized '*'
  expect_line "auths: push rejected: 1 violation in 1 ref"
  expect_ref refs/heads/main "$SEED"
  expect_no_object "$p"
  expect_hook_run_agrees
}
test_case non_governance_change_refused "a policy change signed by a commit signer who is not a governance signer is refused"

new_auths_file_needs_governance() {
  client_git reset -q --hard "$SEED"
  mkdir -p "$CLIENT/.auths"
  echo "alice@example.org $(pub bob)" >"$CLIENT/.auths/allowed_signers"
  p2=$(commit_as alice "add an allowed_signers file (by alice)")
  push origin main
  expect_push_rejected policy-change-unauthorized
  expect_violation refs/heads/main "$p2" policy-change-unauthorized '*'
  expect_ref refs/heads/main "$SEED"
  expect_hook_run_agrees
}
test_case new_auths_file_needs_governance "any new file under .auths/ needs governance too"

policy_delete_needs_governance() {
  client_git reset -q --hard "$SEED"
  client_git rm -q .auths/policy.toml
  p3=$(commit_as alice "remove the policy (by alice)")
  push origin main
  expect_push_rejected policy-change-unauthorized
  expect_violation refs/heads/main "$p3" policy-change-unauthorized '*'
  expect_ref refs/heads/main "$SEED"
}
test_case policy_delete_needs_governance "deleting the policy needs governance"

hidden_change_refused() {
  client_git reset -q --hard "$SEED"
  policy_v2 | policy_write
  p4=$(commit_as alice "add bob (by alice)")
  a4=$(commit_as admin "unrelated change by admin on top")
  push origin main
  expect_push_rejected policy-change-unauthorized
  expect_violation refs/heads/main "$p4" policy-change-unauthorized '*'
  expect_ref refs/heads/main "$SEED"
  expect_no_object "$a4"
}
test_case hidden_change_refused "an unauthorized change hidden below a governance-signed commit is still refused"

governance_change_accepted() {
  client_git reset -q --hard "$SEED"
  policy_v2 | policy_write
  g=$(commit_as admin "add bob (by admin)")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$g"
  expect_hook_run_agrees
}
test_case governance_change_accepted "the same change signed by a governance signer is accepted"

new_policy_governs() {
  b2=$(commit_as bob "bob after the change")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$b2"
  expect_hook_run_agrees
}
test_case new_policy_governs "the new policy governs the next push: bob is a signer now"

test_done
