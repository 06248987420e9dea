#!/usr/bin/env bash
# e2e-transports: file ssh:1-3
# Issue 6, item 4: stale policies. One policy is in force: .auths/policy.toml on the default
# branch as the server has it; old policies in old commits never judge anything
# (README.md, "The trust model").
#   (a) bob, removed from main's and release's rules by a governance commit on main, pushes to
#       release/1, whose tip still carries the old policy: refused; main fast-forwarded onto
#       bob's commit (planted on release/1 as an older hook let it in): refused.
#   (b) an existing release tag moved (+<new tag>:refs/tags/v0.9): the old policy allowed
#       force pushes on tags, the policy in force does not: force-push-denied.
#   (c) auths.bootstrap = allow: a branch older than the policy, carrying mallory's own
#       .auths/policy.toml, merged or fast-forwarded onto main by mallory (a main signer, not
#       governance): policy-change-unauthorized; force-pushed: force-push-denied.
. "$(dirname "$0")/lib.sh"
test_init

make_key admin
make_key alice
make_key bob
make_key rel
make_key mallory
policy() {  # policy BOB-ENTRY TAG-FORCE
  cat <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)", "$(pub admin)"$1]

[[policy.commit]]
name = "release"
refs = ["refs/heads/release/*"]
signers = ["$(pub alice)"$1]

[[policy.release]]
name = "tags"
refs = ["refs/tags/v*"]
signers = ["$(pub rel)"]
allow_force_push = $2

[governance]
signers = ["$(pub admin)"]
EOF
}
setup_repo admin < <(policy ", \"$(pub bob)\"" true)
S1=$SEED

# A case starts by putting back the refs the case before it should have left (reset_server_ref),
# so that a push wrongly let through or refused fails its own case only.
release_and_tag_v1() {
  t09=$(tag_as rel v0.9 "$S1")
  push origin "$S1:refs/heads/release/1" refs/tags/v0.9
  expect_push_ok
  expect_ref refs/heads/release/1 "$S1"
  expect_ref refs/tags/v0.9 "$t09"
  # The cases below are about item 4, not about creating release/1 (item 10): if the engine
  # under test refused, the admin puts them in place.
  reset_server_ref refs/heads/release/1 "$S1"
  reset_server_ref refs/tags/v0.9 "$t09"
}
test_case release_and_tag_v1 "setup: release/1 and the tag v0.9 at S1 (policy v1: bob signs main and release, tags may move)"

governance_removes_bob() {
  policy "" false | policy_write
  v2=$(commit_as admin "policy v2: bob removed, tags fixed")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$v2"
}
test_case governance_removes_bob "setup: admin (governance) removes bob and forbids moving tags on main (policy v2): accepted"

# Items 4a and 4b start from release/1 and v0.9 at S1 (release_and_tag_v1) and v2 on main.
bob_on_stale_release() {
  reset_server_ref refs/heads/main "$v2"
  b1=$(commit_tree_as bob "$(client_git rev-parse "$S1^{tree}")" "bob on release/1 (tree: policy v1)" "$S1")
  push origin "$b1:refs/heads/release/1"
  expect_push_rejected unknown-signer
  expect_violation refs/heads/release/1 "$b1" unknown-signer release
  expect_ref refs/heads/release/1 "$S1"
  expect_no_object "$b1"
  expect_hook_run_agrees
}
test_case bob_on_stale_release "item 4a: bob pushes to release/1, whose tip carries policy v1: refused (v2 on main is in force)"

bob_fast_forwards_release() {
  reset_server_ref refs/heads/release/1 "$S1"
  b2=$(commit_tree_as bob "$(client_git rev-parse "$v2^{tree}")" "bob on top of main, for release/1" "$v2")
  push origin "$b2:refs/heads/release/1"
  expect_push_rejected unknown-signer
  expect_violation refs/heads/release/1 "$b2" unknown-signer release
  expect_ref refs/heads/release/1 "$S1"
}
test_case bob_fast_forwards_release "item 4a: bob's commit on main's tip, pushed as a fast-forward of release/1: refused"

# Builds on b2 (bob_fast_forwards_release).
main_onto_bob_commit() {
  reset_server_ref refs/heads/release/1 "$b2"
  expect_ref refs/heads/release/1 "$b2"
  push origin "$b2:refs/heads/main"
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$b2" unknown-signer main
  expect_ref refs/heads/main "$v2"
  expect_hook_run_agrees
}
test_case main_onto_bob_commit "item 4a: with bob's commit on release/1 (as an older hook let it in), main fast-forwarded there: refused"

tag_moved() {
  reset_server_ref refs/heads/main "$v2"
  client_git tag -d v0.9 >/dev/null
  t09b=$(tag_as rel v0.9 "$v2")
  push origin "+refs/tags/v0.9:refs/tags/v0.9"
  expect_push_rejected force-push-denied
  expect_violation refs/tags/v0.9 - force-push-denied tags
  expect_ref refs/tags/v0.9 "$t09"
  expect_no_object "$t09b"
  expect_hook_run_agrees
}
test_case tag_moved "item 4b: the release tag v0.9 moved to a new tag object (signed by rel) on main: force-push-denied"

tag_moved_lightweight() {
  reset_server_ref refs/tags/v0.9 "$t09"
  push origin "+$v2:refs/tags/v0.9"
  expect_push_rejected force-push-denied
  expect_violation refs/tags/v0.9 - force-push-denied tags
  expect_ref refs/tags/v0.9 "$t09"
  reset_server_ref refs/tags/v0.9 "$t09"
}
test_case tag_moved_lightweight "item 4b: ... and moved onto a commit (lightweight): refused too, the ref unchanged"

# (c) A new repository adopting a policy under auths.bootstrap = allow.
bootstrap_old_branch() {
  server_init
  hook_install
  server_git config auths.bootstrap allow
  client_init
  h0=$(commit_as alice "history before any policy")
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$h0"
  mkdir -p "$CLIENT/.auths"
  cat >"$CLIENT/.auths/policy.toml" <<EOF
version = 1
default = "allow"

[[policy.commit]]
name = "main"
refs = ["refs/heads/**"]
signers = ["$(pub mallory)"]

[governance]
signers = ["$(pub mallory)"]
EOF
  old_tip=$(commit_as mallory "mallory's own policy, on an old branch")
  push origin "$old_tip:refs/heads/old"
  expect_push_ok
  expect_ref refs/heads/old "$old_tip"
}
test_case bootstrap_old_branch "item 4c setup: bootstrap allow; history H0, then mallory's branch 'old' with her own policy, both accepted on trust"

# Builds on the new server and h0 (bootstrap_old_branch).
bootstrap_policy() {
  client_git reset -q --hard "$h0"
  cat <<EOF | policy_write
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)", "$(pub mallory)", "$(pub admin)"]

[governance]
signers = ["$(pub admin)"]
EOF
  policy_tip=$(commit_as admin "the project's policy")
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$policy_tip"
}
test_case bootstrap_policy "item 4c setup: admin's policy on main (mallory signs main, admin governs): accepted on trust"

# Builds on old_tip (bootstrap_old_branch) and policy_tip on main (bootstrap_policy).
merge_old_policy() {
  reset_server_ref refs/heads/main "$policy_tip"
  m1=$(commit_tree_as mallory "$(tree_with_dir_of "$policy_tip" "$old_tip" .auths)" "merge old" "$policy_tip" "$old_tip")
  push origin "$m1:refs/heads/main"
  expect_push_rejected policy-change-unauthorized
  expect_violation refs/heads/main "$m1" policy-change-unauthorized '*'
  expect_ref refs/heads/main "$policy_tip"
  expect_hook_run_agrees
}
test_case merge_old_policy "item 4c: mallory merges 'old' into main, taking its .auths/: policy-change-unauthorized"

fast_forward_old_policy() {
  reset_server_ref refs/heads/main "$policy_tip"
  m2=$(commit_tree_as mallory "$(client_git rev-parse "$old_tip^{tree}")" "merge main into old" "$old_tip" "$policy_tip")
  push origin "$m2:refs/heads/main"
  expect_push_rejected policy-change-unauthorized
  expect_violation refs/heads/main "$old_tip" policy-change-unauthorized '*'
  expect_ref refs/heads/main "$policy_tip"
  expect_hook_run_agrees
}
test_case fast_forward_old_policy "item 4c: mallory fast-forwards main onto a merge whose first parent is 'old': policy-change-unauthorized at her policy commit"

force_push_old() {
  reset_server_ref refs/heads/main "$policy_tip"
  push origin "+$old_tip:refs/heads/main"
  expect_push_rejected force-push-denied
  expect_violation refs/heads/main - force-push-denied main
  expect_ref refs/heads/main "$policy_tip"
  reset_server_ref refs/heads/main "$policy_tip"
}
test_case force_push_old "item 4c: main force-pushed onto 'old': force-push-denied"

test_done
