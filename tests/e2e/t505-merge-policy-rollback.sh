#!/usr/bin/env bash
# e2e-transports: file ssh:1-2
# Issue 6, item 2: a merge can roll the policy back or delete it. A commit joining main's
# first-parent line changes the policy when its .auths/ differs from its FIRST parent's
# (README.md, "The trust model"): a merge whose .auths/ equals its second parent's (an old
# commit's, or the pre-policy commit's) is a change and needs a [governance] signature; and
# the policy at main's new tip is validated again (a governance signer cannot remove it).
#   alice: main signer, not governance. admin: governance (and main) signer.
#   history: PRE (no policy) -> V1 (policy v1: alice, bob, admin) -> v2 (v2: bob removed).
. "$(dirname "$0")/lib.sh"
test_init

make_key admin
make_key alice
make_key bob
policy() {
  cat <<P
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)", "$(pub admin)"$1]

[governance]
signers = ["$(pub admin)"]
P
}

server_init
client_init admin
PRE=$(commit_as admin "history before the policy")
policy ", \"$(pub bob)\"" | policy_write
V1=$(commit_as admin "policy v1: alice, bob, admin")
push_bypassing_hooks main
client_git fetch -q origin
hook_install

# A case starts by putting back the refs the case before it should have left (reset_server_ref),
# so that a push wrongly let through or refused fails its own case only.
governance_removes_bob() {
  policy "" | policy_write
  v2=$(commit_as admin "policy v2: bob removed")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$v2"
}
test_case governance_removes_bob "setup: admin (governance) removes bob: accepted"

# The cases below start from v2 (governance_removes_bob) on the server's main.
merge_restores_v1() {
  reset_server_ref refs/heads/main "$v2"
  m1=$(commit_tree_as alice "$(tree_with_dir_of "$v2" "$V1" .auths)" "merge v1 (restores bob)" "$v2" "$V1")
  expect_equal "$(client_git rev-parse "$m1:.auths")" "$(client_git rev-parse "$V1:.auths")" "the merge's .auths/ (= its second parent's)"
  push origin "$m1:refs/heads/main"
  expect_push_rejected policy-change-unauthorized
  expect_violation refs/heads/main "$m1" policy-change-unauthorized '*'
  expect_ref refs/heads/main "$v2"
  expect_no_object "$m1"
  expect_hook_run_agrees
}
test_case merge_restores_v1 "item 2: alice merges V1 with its .auths/ (bob back in): policy-change-unauthorized"

# Builds on m1 (merge_restores_v1).
bob_on_rollback_merge() {
  reset_server_ref refs/heads/main "$v2"
  b1=$(commit_tree_as bob "$(client_git rev-parse "$m1^{tree}")" "bob, back through the merge" "$m1")
  push origin "$b1:refs/heads/main"
  expect_push_rejected policy-change-unauthorized
  expect_violation refs/heads/main "$m1" policy-change-unauthorized '*'
  expect_ref refs/heads/main "$v2"
}
test_case bob_on_rollback_merge "item 2: ... and bob's commit on top of that merge is refused with it"

merge_drops_policy() {
  reset_server_ref refs/heads/main "$v2"
  m2=$(commit_tree_as alice "$(tree_with_dir_of "$v2" "$PRE" .auths)" "merge the pre-policy history" "$v2" "$PRE")
  if client_git cat-file -e "$m2:.auths" 2>/dev/null; then fail "setup: the merge still has .auths/"; else ok; fi
  push origin "$m2:refs/heads/main"
  expect_push_rejected policy-change-unauthorized
  expect_violation refs/heads/main "$m2" policy-change-unauthorized '*'
  expect_ref refs/heads/main "$v2"
  expect_hook_run_agrees
}
test_case merge_drops_policy "item 2: alice merges the pre-policy commit, whose tree has no .auths/: policy-change-unauthorized"

governance_drops_policy() {
  reset_server_ref refs/heads/main "$v2"
  m3=$(commit_tree_as admin "$(tree_with_dir_of "$v2" "$PRE" .auths)" "merge the pre-policy history (admin)" "$v2" "$PRE")
  push origin "$m3:refs/heads/main"
  expect_push_rejected policy-invalid
  expect_violation refs/heads/main "$m3" policy-invalid '*'
  expect_no_line_match "^error: refs/heads/main ${m3:0:7}: policy-change-unauthorized "
  expect_ref refs/heads/main "$v2"
  expect_hook_run_agrees
}
test_case governance_drops_policy "item 2: the same deletion signed by admin (governance) is refused too: the pushed policy is re-validated (policy-invalid)"

merge_keeps_policy() {
  reset_server_ref refs/heads/main "$v2"
  m4=$(commit_tree_as alice "$(client_git rev-parse "$v2^{tree}")" "merge v1, keeping v2" "$v2" "$V1")
  push origin "$m4:refs/heads/main"
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$m4"
}
test_case merge_keeps_policy "item 2: a merge taking the first parent's .auths/ (no policy change) by alice is accepted"

# Builds on m4, accepted on main by merge_keeps_policy.
governance_restores_v1() {
  m5=$(commit_tree_as admin "$(tree_with_dir_of "$m4" "$V1" .auths)" "restore v1 (admin)" "$m4" "$V1")
  push origin "$m5:refs/heads/main"
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$m5"
}
test_case governance_restores_v1 "item 2: the roll-back merge signed by admin (governance) is accepted: governance may restore v1"

# Needs v1 in force: m5 on main (governance_restores_v1).
bob_under_v1() {
  b2=$(commit_tree_as bob "$(client_git rev-parse "$m5^{tree}")" "bob under v1" "$m5")
  push origin "$b2:refs/heads/main"
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$b2"
}
test_case bob_under_v1 "... and v1 is in force: bob signs main again"

test_done
