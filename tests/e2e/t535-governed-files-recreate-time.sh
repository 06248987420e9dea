#!/usr/bin/env bash
# e2e-transports: file ssh
# Issue 6, item 8 (a)-(c):
#   (a) an allowed_signers file outside .auths/ (keys/allowed_signers, named by the policy) is
#       governed like .auths/ (trust-model.md section 2): alice (a main signer, not governance)
#       adding mallory: policy-change-unauthorized; a broken file pushed that way is refused and
#       the repository keeps working; admin (governance) may change it.
#   (b) delete-then-recreate of a branch whose rule allows deletion but not force pushes,
#       recreated at a commit that does not descend from its last tip: force-push-denied
#       (section 3); recreated at a descendant: accepted.
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

step "item 8a: alice adds mallory to keys/allowed_signers (named by the policy): policy-change-unauthorized"
echo "mallory@example.org $(pub mallory)" >>"$CLIENT/keys/allowed_signers"
p1=$(commit_as alice "add mallory to keys/allowed_signers (by alice)")
push origin main
expect_push_rejected policy-change-unauthorized
expect_violation refs/heads/main "$p1" policy-change-unauthorized '*'
expect_ref refs/heads/main "$SEED"
expect_no_object "$p1"
expect_hook_run_agrees
reset_server_ref refs/heads/main "$SEED"
client_git reset -q --hard "$SEED"

step "item 8a: alice pushes a broken keys/allowed_signers: refused"
printf 'this is not an allowed_signers line\n' >"$CLIENT/keys/allowed_signers"
p2=$(commit_as alice "break keys/allowed_signers (by alice)")
push origin main
expect_push_rejected policy-change-unauthorized
expect_violation refs/heads/main "$p2" policy-change-unauthorized '*'
expect_ref refs/heads/main "$SEED"
# Not reset: if the engine let it in, the next step shows the repository locked.

step "item 8a: ... and the repository is not locked: alice's next commit on the server's main is accepted"
client_git fetch -q origin
client_git reset -q --hard origin/main
a1=$(commit_as alice "alice, after the attempt")
push origin main
expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
expect_ref refs/heads/main "$a1"
reset_server_ref refs/heads/main "$SEED"
client_git reset -q --hard "$SEED"
client_git fetch -q origin

step "item 8a: admin (governance) adds bob to keys/allowed_signers: accepted"
echo "bob@example.org $(pub bob)" >>"$CLIENT/keys/allowed_signers"
g1=$(commit_as admin "add bob (by admin)")
push origin main
expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
expect_ref refs/heads/main "$g1"
reset_server_ref refs/heads/main "$g1"

step "item 8a: ... and the changed file is in force: bob signs main"
b1=$(commit_as bob "bob, now listed")
push origin main
expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
expect_ref refs/heads/main "$b1"
reset_server_ref refs/heads/main "$b1"
MAIN=$b1

step "item 8b setup: stable/1 (two commits by alice) created, then deleted (allow_delete = true)"
s1=$(commit_as alice "stable: one" stable.txt)
s2=$(commit_as alice "stable: two" stable.txt)
push origin "$s2:refs/heads/stable/1"
expect_push_ok
expect_ref refs/heads/stable/1 "$s2"
reset_server_ref refs/heads/stable/1 "$s2"  # (creating it is item 10's subject, not this one's)
push origin :refs/heads/stable/1
expect_push_ok
expect_ref refs/heads/stable/1 absent
reset_server_ref refs/heads/stable/1 absent

step "item 8b: stable/1 recreated at a rewritten history (not a descendant of its last tip): force-push-denied"
client_git reset -q --hard "$s1"
s2b=$(commit_as alice "stable: two, rewritten" stable.txt)
push origin "$s2b:refs/heads/stable/1"
expect_push_rejected force-push-denied
expect_violation refs/heads/stable/1 - force-push-denied stable
expect_ref refs/heads/stable/1 absent
expect_hook_run_agrees
reset_server_ref refs/heads/stable/1 absent

step "item 8b: stable/1 recreated at a descendant of its last tip: accepted"
client_git reset -q --hard "$s2"
s3=$(commit_as alice "stable: three" stable.txt)
push origin "$s3:refs/heads/stable/1"
expect_push_ok
expect_ref refs/heads/stable/1 "$s3"

step "item 8c: old's key (valid-before 2020-01-01) signs a commit backdated to 2019: signer-expired"
client_git reset -q --hard "$MAIN"
o1=$(GIT_AUTHOR_DATE="2019-06-01T12:00:00Z" GIT_COMMITTER_DATE="2019-06-01T12:00:00Z" commit_as old "old key, backdated")
expect_equal "$(client_git log -1 --format=%ct "$o1")" "$(date -u -d 2019-06-01T12:00:00Z +%s)" "committer time of the backdated commit"
push origin "$o1:refs/heads/main"
expect_push_rejected signer-expired
expect_violation refs/heads/main "$o1" signer-expired main
expect_ref refs/heads/main "$MAIN"
expect_hook_run_agrees
reset_server_ref refs/heads/main "$MAIN"

step "item 8c: control: the same key with today's date: signer-expired"
client_git reset -q --hard "$MAIN"
o2=$(commit_as old "old key, today")
push origin "$o2:refs/heads/main"
expect_push_rejected signer-expired
expect_violation refs/heads/main "$o2" signer-expired main
expect_ref refs/heads/main "$MAIN"

test_done
