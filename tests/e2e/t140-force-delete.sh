#!/usr/bin/env bash
# e2e-transports: file
# Protected branches: a non-fast-forward push and a deletion are refused unless the rule says
# allow_force_push / allow_delete; both are ref-level violations (no object id in the line).
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
setup_repo alice <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main", "refs/heads/release"]
signers = ["$(pub alice)"]

[[policy.commit]]
name = "scratch"
refs = ["refs/heads/scratch/*"]
signers = ["$(pub alice)"]
allow_force_push = true
allow_delete = true
EOF

main_and_release_advanced() {
  c1=$(commit_as alice "c1")
  push origin main main:release
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 2 refs"
  expect_ref refs/heads/main "$c1"
  expect_ref refs/heads/release "$c1"
}
test_case main_and_release_advanced "setup: main and release advanced by alice"

force_push_denied() {
  client_git reset -q --hard "$SEED"
  c2=$(commit_as alice "rewritten history")
  push --force origin main
  expect_push_rejected force-push-denied
  expect_violation refs/heads/main - force-push-denied main
  expect_line "auths: push rejected: 1 violation in 1 ref"
  expect_ref refs/heads/main "$c1"
  expect_no_object "$c2"
  expect_hook_run_agrees
}
test_case force_push_denied "force push on a protected branch is refused (force-push-denied), even when signed"

force_back_denied() {
  push --force origin "$SEED:refs/heads/main"
  expect_push_rejected force-push-denied
  expect_violation refs/heads/main - force-push-denied main
  expect_ref refs/heads/main "$c1"
  expect_hook_run_agrees
}
test_case force_back_denied "force push back to an older commit (nothing new) is refused too"

delete_denied() {
  push origin :refs/heads/release
  expect_push_rejected delete-denied
  expect_violation refs/heads/release - delete-denied main
  expect_line "auths: push rejected: 1 violation in 1 ref"
  expect_ref refs/heads/release "$c1"
  expect_hook_run_agrees
}
test_case delete_denied "deleting a protected branch is refused (delete-denied)"

force_allowed() {
  push origin "$c1:refs/heads/scratch/x"
  expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
  push --force origin "$c2:refs/heads/scratch/x"
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/scratch/x "$c2"
  expect_hook_run_agrees
}
test_case force_allowed "allow_force_push = true: a signed force push is accepted"

force_allowed_needs_signatures() {
  client_git reset -q --hard "$c1"
  u=$(commit_unsigned "unsigned forced")
  push --force origin "$u:refs/heads/scratch/x"
  expect_push_rejected unsigned
  expect_violation refs/heads/scratch/x "$u" unsigned scratch
  expect_no_line_match 'force-push-denied'
  expect_ref refs/heads/scratch/x "$c2"
  expect_hook_run_agrees
}
test_case force_allowed_needs_signatures "allow_force_push = true still needs signatures"

delete_allowed() {
  push origin :refs/heads/scratch/x
  expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
  expect_ref refs/heads/scratch/x absent
  expect_hook_run_agrees
}
test_case delete_allowed "allow_delete = true: deletion is accepted"

test_done
