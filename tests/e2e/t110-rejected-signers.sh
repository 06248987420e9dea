#!/usr/bin/env bash
# e2e-transports: file ssh:1-2
# Commits signed by a key the policy does not list, and unsigned commits, are rejected; the
# whole push is refused and leaves the server's refs and object store exactly as before (no
# object of the push remains, as git's t5547-push-quarantine checks). The violation list is
# capped at 20 lines.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory
setup_repo alice <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main", "refs/heads/dev"]
signers = ["$(pub alice)"]
EOF

unknown_key_rejected() {
  m=$(commit_as mallory "change by mallory")
  push origin main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$m" unknown-signer main
  expect_violation_mentions "$(fpr mallory)"
  expect_line "auths: push rejected: 1 violation in 1 ref"
  expect_ref refs/heads/main "$SEED"
  expect_no_object "$m"
  expect_no_object "$(client_git rev-parse "$m^{tree}")"
  expect_hook_saw_quarantine
  expect_hook_run_agrees
}
test_case unknown_key_rejected "a commit signed by an unknown key is rejected"

unsigned_rejected() {
  client_git reset -q --hard "$SEED"
  u=$(commit_unsigned "unsigned change")
  push origin main
  expect_push_rejected unsigned
  expect_violation refs/heads/main "$u" unsigned main
  expect_line "auths: push rejected: 1 violation in 1 ref"
  expect_ref refs/heads/main "$SEED"
  expect_no_object "$u"
  expect_hook_run_agrees
}
test_case unsigned_rejected "an unsigned commit is rejected"

bad_on_good_refuses_all() {
  client_git reset -q --hard "$SEED"
  g=$(commit_as alice "good")
  u=$(commit_unsigned "bad on top")
  push origin main
  expect_push_rejected unsigned
  expect_violation refs/heads/main "$u" unsigned main
  expect_no_line_match "^error: refs/heads/main ${g:0:7}: "
  expect_line "auths: push rejected: 1 violation in 1 ref"
  expect_ref refs/heads/main "$SEED"
  expect_no_object "$g"
  expect_no_object "$u"
  expect_hook_run_agrees
}
test_case bad_on_good_refuses_all "one bad commit on top of a good one: the whole push is refused, the good one too"

bad_ref_refuses_both() {
  client_git reset -q --hard "$SEED"
  g=$(commit_as alice "good on main")
  client_git checkout -q -b dev "$SEED"
  m=$(commit_as mallory "bad on dev")
  client_git checkout -q main
  push origin main dev
  expect_push_rejected unknown-signer
  expect_violation refs/heads/dev "$m" unknown-signer main
  expect_ref refs/heads/main "$SEED"
  expect_ref refs/heads/dev absent
  expect_no_object "$g"
  expect_no_object "$m"
  expect_hook_run_agrees
}
test_case bad_ref_refuses_both "a good ref and a bad ref in one push: pre-receive refuses both"

violations_capped_at_20() {
  client_git reset -q --hard "$SEED"
  for i in $(seq 1 25); do last=$(commit_unsigned "unsigned $i"); done
  push origin main
  expect_push_rejected unsigned
  n=$(grep -Ec "^error: refs/heads/main [0-9a-f]{7}: unsigned \\(rule 'main'\\): " "$E2E_TMP/remote.out" || true)
  if [ "$n" -eq 20 ]; then ok; else fail "expected exactly 20 violation lines, got $n"; fi
  expect_line "error: ... and 5 more"
  expect_line "auths: push rejected: 25 violations in 1 ref"
  expect_ref refs/heads/main "$SEED"
  expect_no_object "$last"
  expect_hook_run_agrees
}
test_case violations_capped_at_20 "25 unsigned commits: 20 violation lines, then a count, then the summary"

allowed_still_accepted() {
  client_git reset -q --hard "$SEED"
  c=$(commit_as alice "finally good")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c"
}
test_case allowed_still_accepted "after all that, an allowed commit still goes through"

test_done
