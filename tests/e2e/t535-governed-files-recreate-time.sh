#!/usr/bin/env bash
# e2e-transports: file ssh:1-3
# Issue 6, item 8 (a)-(c):
#   (a) an allowed_signers file outside .auths/ (keys/allowed_signers, named by the policy) is
#       governed like .auths/ (README.md, "The trust model"): alice (a main signer, not governance)
#       adding mallory: policy-change-unauthorized; a broken file pushed that way is refused and
#       the repository keeps working; admin (governance) may change it.
#   (b) delete-then-recreate of a branch whose rule allows deletion but not force pushes,
#       recreated at a commit that does not descend from its last tip: force-push-denied
#       (README.md, "The trust model"); recreated at a descendant: accepted.
#   (c) a key past its valid-before (allowed_signers valid-before="20200101") signing a commit
#       backdated before it (GIT_COMMITTER_DATE): signer-expired, since the key is also checked
#       at the time the server receives the commit (section 6).
. "$(dirname "$0")/lib.sh"
test_init

make_key admin
make_key alice
make_key bob
make_key mallory
make_key old
signers_file() {
  cat <<EOF
admin@example.org $(pub admin)
alice@example.org $(pub alice)
old@example.org valid-before="20200101" $(pub old)
EOF
}
server_init
client_init admin
mkdir -p "$CLIENT/keys"
signers_file >"$CLIENT/keys/allowed_signers"
policy_write <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
allowed_signers = "keys/allowed_signers"

[[policy.commit]]
name = "stable"
refs = ["refs/heads/stable/*"]
allowed_signers = "keys/allowed_signers"
allow_delete = true

[governance]
signers = ["$(pub admin)"]
EOF
SEED=$(commit_as admin "seed: policy and keys/allowed_signers")
push_bypassing_hooks main
client_git fetch -q origin
hook_install

# A case starts by putting back the refs the case before it should have left (reset_server_ref),
# so that a push wrongly let through or refused fails its own case only.
alice_adds_signer() {
  echo "mallory@example.org $(pub mallory)" >>"$CLIENT/keys/allowed_signers"
  p1=$(commit_as alice "add mallory to keys/allowed_signers (by alice)")
  push origin main
  expect_push_rejected policy-change-unauthorized
  expect_violation refs/heads/main "$p1" policy-change-unauthorized '*'
  expect_ref refs/heads/main "$SEED"
  expect_no_object "$p1"
  expect_hook_run_agrees
}
test_case alice_adds_signer "item 8a: alice adds mallory to keys/allowed_signers (named by the policy): policy-change-unauthorized"

alice_breaks_signers() {
  reset_server_ref refs/heads/main "$SEED"
  client_git reset -q --hard "$SEED"
  printf 'this is not an allowed_signers line\n' >"$CLIENT/keys/allowed_signers"
  p2=$(commit_as alice "break keys/allowed_signers (by alice)")
  push origin main
  expect_push_rejected policy-change-unauthorized
  expect_violation refs/heads/main "$p2" policy-change-unauthorized '*'
  expect_ref refs/heads/main "$SEED"
  # Not reset: if the engine let it in, the next case shows the repository locked.
}
test_case alice_breaks_signers "item 8a: alice pushes a broken keys/allowed_signers: refused"

# Follows alice_breaks_signers: starts from the server's main, whatever it let in.
not_locked() {
  client_git fetch -q origin
  client_git reset -q --hard origin/main
  a1=$(commit_as alice "alice, after the attempt")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$a1"
}
test_case not_locked "item 8a: ... and the repository is not locked: alice's next commit on the server's main is accepted"

governance_adds_bob() {
  reset_server_ref refs/heads/main "$SEED"
  client_git reset -q --hard "$SEED"
  client_git fetch -q origin
  echo "bob@example.org $(pub bob)" >>"$CLIENT/keys/allowed_signers"
  g1=$(commit_as admin "add bob (by admin)")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$g1"
}
test_case governance_adds_bob "item 8a: admin (governance) adds bob to keys/allowed_signers: accepted"

# Needs bob added by governance_adds_bob.
bob_signs_main() {
  reset_server_ref refs/heads/main "$g1"
  b1=$(commit_as bob "bob, now listed")
  main_tip=$b1
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$b1"
}
test_case bob_signs_main "item 8a: ... and the changed file is in force: bob signs main"

stable_created_deleted() {
  reset_server_ref refs/heads/main "$main_tip"
  s1=$(commit_as alice "stable: one" stable.txt)
  s2=$(commit_as alice "stable: two" stable.txt)
  push origin "$s2:refs/heads/stable/1"
  expect_push_ok
  expect_ref refs/heads/stable/1 "$s2"
  reset_server_ref refs/heads/stable/1 "$s2"  # (creating it is item 10's subject, not this one's)
  push origin :refs/heads/stable/1
  expect_push_ok
  expect_ref refs/heads/stable/1 absent
}
test_case stable_created_deleted "item 8b setup: stable/1 (two commits by alice) created, then deleted (allow_delete = true)"

# Builds on s1 and s2, stable/1 deleted (stable_created_deleted).
recreate_rewritten() {
  reset_server_ref refs/heads/stable/1 absent
  client_git reset -q --hard "$s1"
  s2b=$(commit_as alice "stable: two, rewritten" stable.txt)
  push origin "$s2b:refs/heads/stable/1"
  expect_push_rejected force-push-denied
  expect_violation refs/heads/stable/1 - force-push-denied stable
  expect_ref refs/heads/stable/1 absent
  expect_hook_run_agrees
}
test_case recreate_rewritten "item 8b: stable/1 recreated at a rewritten history (not a descendant of its last tip): force-push-denied"

recreate_descendant() {
  reset_server_ref refs/heads/stable/1 absent
  client_git reset -q --hard "$s2"
  s3=$(commit_as alice "stable: three" stable.txt)
  push origin "$s3:refs/heads/stable/1"
  expect_push_ok
  expect_ref refs/heads/stable/1 "$s3"
}
test_case recreate_descendant "item 8b: stable/1 recreated at a descendant of its last tip: accepted"

# Item 8c starts from main_tip, main's tip after bob_signs_main.
backdated_expired() {
  client_git reset -q --hard "$main_tip"
  o1=$(GIT_AUTHOR_DATE="2019-06-01T12:00:00Z" GIT_COMMITTER_DATE="2019-06-01T12:00:00Z" commit_as old "old key, backdated")
  expect_equal "$(client_git log -1 --format=%ct "$o1")" "$(date -u -d 2019-06-01T12:00:00Z +%s)" "committer time of the backdated commit"
  push origin "$o1:refs/heads/main"
  expect_push_rejected signer-expired
  expect_violation refs/heads/main "$o1" signer-expired main
  expect_ref refs/heads/main "$main_tip"
  expect_hook_run_agrees
}
test_case backdated_expired "item 8c: old's key (valid-before 2020-01-01) signs a commit backdated to 2019: signer-expired"

expired_today() {
  reset_server_ref refs/heads/main "$main_tip"
  client_git reset -q --hard "$main_tip"
  o2=$(commit_as old "old key, today")
  push origin "$o2:refs/heads/main"
  expect_push_rejected signer-expired
  expect_violation refs/heads/main "$o2" signer-expired main
  expect_ref refs/heads/main "$main_tip"
}
test_case expired_today "item 8c: control: the same key with today's date: signer-expired"

test_done
