#!/usr/bin/env bash
# e2e-transports: file ssh:1-3
# Issue 6, item 10: a repository with 300 unsigned commits adopts a policy. The hook is
# installed after the history exists, so `auths hook install` records it as the baseline
# (README.md, "The trust model"); the first policy is accepted on trust under auths.bootstrap =
# allow. Then, without judging that history again: signed work on main, a feature branch from
# main, a release/1.0 branch from main with the release signer's commit, a signed release tag
# on main: all accepted. release/2.0 created at a feature branch's tip (carol is not a release
# signer): refused. An old unsigned branch from the baseline merged into main by the
# maintainer: accepted.
. "$(dirname "$0")/lib.sh"
test_init

make_key maint
make_key carol
make_key rel

seed_history() {
  server_init
  client_init
  python3 - <<'PY' | client_git fast-import --quiet || e2e_die "fast-import failed"
import sys
out = []
def commit(ref, n, path, frm=None):
    msg = f"{ref.split('/')[-1]} {n}\n"
    body = f"line {n}\n" * 1
    out.append(f"commit {ref}\nmark :{n if ref.endswith('main') else 1000 + n}\n"
               f"committer Dev <dev@example.org> {1500000000 + n * 60} +0000\n"
               f"data {len(msg)}\n{msg}")
    if frm: out.append(f"from :{frm}\n")
    out.append(f"M 100644 inline {path}\ndata {len(body)}\n{body}\n")
for n in range(1, 301):
    commit("refs/heads/main", n, f"src/file{n % 17}.txt")
for n in range(1, 6):
    commit("refs/heads/legacy", n, "legacy.txt", frm=150 if n == 1 else None)
sys.stdout.write("".join(out))
PY
  client_git reset -q --hard main
  expect_equal "$(client_git rev-list --count main)" 300 "commits on main"
  client_git push -q origin main legacy 2>"$E2E_TMP/seed.err" || e2e_die "seeding the history failed: $(cat "$E2E_TMP/seed.err")"
  h300=$(client_git rev-parse main)
  legacy_tip=$(client_git rev-parse legacy)
}
test_case seed_history "setup: 300 unsigned commits on main and a 5-commit unsigned branch 'legacy', pushed before any hook"

# The cases below build on the history seed_history pushed.
adopt_policy() {
  hook_install
  server_git config auths.bootstrap allow
  policy_write <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub maint)"]

[[policy.commit]]
name = "feature"
refs = ["refs/heads/feature/**"]
signers = ["$(pub maint)", "$(pub carol)"]

[[policy.commit]]
name = "release-branches"
refs = ["refs/heads/release/*"]
signers = ["$(pub rel)"]

[[policy.release]]
name = "releases"
refs = ["refs/tags/v*"]
signers = ["$(pub rel)"]

[governance]
signers = ["$(pub maint)"]
EOF
  policy_tip=$(commit_as maint "adopt the policy")
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$policy_tip"
  server_git config auths.bootstrap deny
}
test_case adopt_policy "item 10: auths hook install after the history; the first policy accepted on trust (bootstrap allow)"

# A case starts by putting back the refs the case before it should have left (reset_server_ref),
# so that a push wrongly let through or refused fails its own case only.
signed_work() {
  reset_server_ref refs/heads/main "$policy_tip"
  m1=$(commit_as maint "signed work on main")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$m1"
  expect_hook_run_agrees
}
test_case signed_work "item 10: maint's signed work on main: accepted, one commit judged"

feature_branch() {
  reset_server_ref refs/heads/main "$m1"
  client_git checkout -q -b feature/f main
  f1=$(commit_as carol "carol's feature" feature.txt)
  push origin feature/f
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/feature/f "$f1"
  expect_hook_run_agrees
}
test_case feature_branch "item 10: a feature branch from main with carol's commit: accepted, one commit judged"

release_branch() {
  reset_server_ref refs/heads/feature/f "$f1"
  client_git checkout -q -b release/1.0 main
  r1=$(commit_as rel "release 1.0 prep" release.txt)
  push origin release/1.0
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/release/1.0 "$r1"
  expect_hook_run_agrees
}
test_case release_branch "item 10: release/1.0 from main with the release signer's commit: accepted, one commit judged"

release_tag() {
  reset_server_ref refs/heads/release/1.0 "$r1"
  t1=$(tag_as rel v1.0 main)
  push origin refs/tags/v1.0
  expect_push_ok "auths: push accepted: 0 commits and 1 tag verified in 1 ref"
  expect_ref refs/tags/v1.0 "$t1"
}
test_case release_tag "item 10: a signed release tag on main: accepted"

# Needs f1, feature/f's tip (feature_branch).
release_at_feature() {
  reset_server_ref refs/tags/v1.0 "$t1"
  push origin "$f1:refs/heads/release/2.0"
  expect_push_rejected unknown-signer
  expect_violation refs/heads/release/2.0 "$f1" unknown-signer release-branches
  expect_ref refs/heads/release/2.0 absent
  expect_hook_run_agrees
}
test_case release_at_feature "item 10: release/2.0 created at feature/f's tip (carol is no release signer): unknown-signer"

# Needs h300 and legacy_tip (seed_history).
merge_legacy() {
  reset_server_ref refs/heads/release/2.0 absent
  client_git checkout -q main
  client_git -c user.name=maint -c user.email=maint@example.org -c gpg.format=ssh -c user.signingKey="$KEYS/maint" \
    merge -q --no-ff -S -m "merge legacy" legacy >/dev/null || e2e_die "merging legacy failed"
  mm=$(client_git rev-parse HEAD)
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$mm"
  expect_hook_run_agrees
  expect_equal "$(server_git rev-parse "$mm^2")" "$legacy_tip" "second parent of the merge"
  expect_equal "$(server_git merge-base --is-ancestor "$h300" "$mm" && echo yes)" yes "the 300 commits under main"
}
test_case merge_legacy "item 10: the old unsigned branch 'legacy' (in the baseline) merged into main by maint: accepted"

test_done
