#!/usr/bin/env bash
# e2e-transports: file
# Merges: every new commit of the push is judged, the merge commit and both sides.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key bob
setup_repo alice <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)", "$(pub bob)"]
EOF

signed_merge_accepted() {
  client_git checkout -q -b topic "$SEED"
  commit_as bob "topic work" topic.txt >/dev/null
  client_git checkout -q main
  commit_as alice "main work" >/dev/null
  client_git -c user.signingKey="$KEYS/alice" merge -q --no-ff -S -m "merge topic" topic
  merge=$(client_git rev-parse HEAD)
  if [ "$(client_git rev-list --parents -n1 HEAD | wc -w)" -eq 3 ]; then ok; else fail "setup: HEAD is not a merge"; fi
  if client_git cat-file commit "$merge" | grep -q '^gpgsig '; then ok; else fail "setup: the merge commit is not signed"; fi
  push origin main
  expect_push_ok "auths: push accepted: 3 commits and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$merge"
  expect_hook_run_agrees
}
test_case signed_merge_accepted "a signed merge of signed commits is accepted"

unsigned_side_rejected() {
  client_git checkout -q -b topic2 "$merge"
  u=$(commit_unsigned "unsigned topic work" topic2.txt)
  client_git checkout -q main
  commit_as alice "more main work" >/dev/null
  client_git -c user.signingKey="$KEYS/alice" merge -q --no-ff -S -m "merge topic2" topic2
  merge2=$(client_git rev-parse HEAD)
  push origin main
  expect_push_rejected unsigned
  expect_violation refs/heads/main "$u" unsigned main
  expect_no_line_match "^error: refs/heads/main ${merge2:0:7}: "
  expect_line "auths: push rejected: 1 violation in 1 ref"
  expect_ref refs/heads/main "$merge"
  expect_no_object "$merge2"
  expect_no_object "$u"
  expect_hook_run_agrees
}
test_case unsigned_side_rejected "a signed merge bringing an unsigned commit is rejected at that commit"

unsigned_merge_rejected() {
  client_git reset -q --hard "$merge"
  client_git checkout -q -b topic3 "$merge"
  commit_as bob "signed topic3 work" topic3.txt >/dev/null
  client_git checkout -q main
  commit_as alice "signed main work" >/dev/null
  client_git -c commit.gpgSign=false merge -q --no-ff --no-gpg-sign -m "unsigned merge" topic3
  merge3=$(client_git rev-parse HEAD)
  push origin main
  expect_push_rejected unsigned
  expect_violation refs/heads/main "$merge3" unsigned main
  expect_line "auths: push rejected: 1 violation in 1 ref"
  expect_ref refs/heads/main "$merge"
  expect_no_object "$merge3"
  expect_hook_run_agrees
}
test_case unsigned_merge_rejected "an unsigned merge of signed commits is rejected at the merge"

test_done
