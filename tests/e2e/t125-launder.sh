#!/usr/bin/env bash
# e2e-transports: file
# A commit a weaker rule admitted on another branch has never been judged by main's rule: when
# main moves onto it, main's rule judges it. Otherwise anyone could launder commits onto a
# protected branch through an unprotected one (default = "allow") or a looser rule.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory
setup_repo alice <<EOF
version = 1
default = "allow"

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]

[[policy.commit]]
name = "topics"
refs = ["refs/heads/topic/*"]
signers = ["$(pub alice)", "$(pub mallory)"]
EOF

unprotected_accepts_unsigned() {
  u=$(commit_unsigned "unsigned work")
  push origin HEAD:refs/heads/scratch
  expect_push_ok
  expect_ref refs/heads/scratch "$u"
}
test_case unprotected_accepts_unsigned "an unsigned commit on an unprotected branch is accepted there (default allow)"

main_judges_laundered() {
  push origin HEAD:refs/heads/main
  expect_push_rejected unsigned
  expect_violation refs/heads/main "$u" unsigned main
  expect_ref refs/heads/main "$SEED"
  expect_hook_run_agrees
}
test_case main_judges_laundered "main fast-forwarded onto it: main's rule judges the commit, unsigned"

topic_commit_cannot_reach_main() {
  client_git reset -q --hard "$SEED"
  m=$(commit_as mallory "mallory's topic work")
  push origin HEAD:refs/heads/topic/m
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  push origin HEAD:refs/heads/main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$m" unknown-signer main
  expect_ref refs/heads/main "$SEED"
}
test_case topic_commit_cannot_reach_main "mallory's commit on a topic branch (allowed there) cannot reach main either"

topic_work_judged_again() {
  client_git reset -q --hard "$SEED"
  a=$(commit_as alice "alice's topic work")
  push origin HEAD:refs/heads/topic/a
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  push origin HEAD:refs/heads/main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$a"
}
test_case topic_work_judged_again "alice's topic work, already on a topic branch, is judged again for main and accepted"

known_history_not_rejudged() {
  b=$(commit_as alice "alice on main")
  push origin HEAD:refs/heads/main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$b"
}
test_case known_history_not_rejudged "history main already has is not judged again"

test_done
