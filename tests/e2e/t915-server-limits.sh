#!/usr/bin/env bash
# The server limits of hooks.yaml over real pushes: time_budget_ms (a push whose verification
# would take longer is refused as time-budget-exceeded, exit 2, within the budget plus a small
# margin, and never half-accepted), max_push_commits (push-too-large, counted over the whole
# push), trust_roots (a policy governed by a root the server did not pin refuses every push)
# and `auths hook run` reading the same file.
# e2e-cost: 60
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
make_key alice
make_key bob

CONFIG=$E2E_TMP/hooks.yaml
export AUTHS_HOOKS_CONFIG=$CONFIG

# config_write: stdin becomes the server's hooks.yaml (the hook inherits AUTHS_HOOKS_CONFIG
# over file://, as a server's hooks inherit it from the daemon that runs git).
config_write() { cat >"$CONFIG"; }

setup_repo alice <<POLICY
version = 1
[governance]
signers = ["$(pub alice)"]
[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]
POLICY

# many_commits N: N commits on the client's main, each a copy of a real signature (made by git
# for the first one): N objects whose signature checks each cost one Ed25519 verification.
many_commits() {
  local n=$1 first
  # 20,000 loose objects would start git's background gc, racing the test's cleanup.
  client_git config gc.auto 0
  first=$(commit_as alice "signed once")
  python3 - "$CLIENT/.git" "$first" "$n" <<'PY'
import hashlib, os, subprocess, sys, zlib
gitdir, first, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
raw = subprocess.run(["git", "--git-dir", gitdir, "cat-file", "commit", first], check=True,
                     capture_output=True).stdout
head, _, _ = raw.partition(b"\n\n")
lines = head.split(b"\n")
tree = [l for l in lines if l.startswith(b"tree ")][0]
author = [l for l in lines if l.startswith(b"author ")][0]
committer = [l for l in lines if l.startswith(b"committer ")][0]
sig = head[head.index(b"gpgsig "):]
parent = first.encode()
for i in range(n):
    body = b"\n".join([tree, b"parent " + parent, author, committer, sig]) + b"\n\ncopy %d\n" % i
    data = b"commit %d\0" % len(body) + body
    oid = hashlib.sha1(data).hexdigest()
    path = os.path.join(gitdir, "objects", oid[:2], oid[2:])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(zlib.compress(data, 1))
    parent = oid.encode()
subprocess.run(["git", "--git-dir", gitdir, "update-ref", "refs/heads/main", parent.decode()], check=True)
PY
}

time_budget_refuses_in_time() {
  config_write <<YAML
version: 1
defaults:
  time_budget_ms: 300
YAML
  many_commits 20000
  push origin main
  expect_push_undecided time-budget-exceeded
  expect_line_match "time budget of [0-9]+ ms ran out after [0-9]+ ms"
  elapsed=$(hook_elapsed_ms)
  step "the hook refused after $elapsed ms (budget 300 ms)"
  # The margin: the hook's start and end (sanitizer build, a loaded CI machine), not the work.
  if [ "$elapsed" -lt 1800 ]; then ok; else fail "the hook took $elapsed ms for a 300 ms budget"; fi
  expect_no_line_match 'bad-signature'
}
test_case time_budget_refuses_in_time "a push that would take longer than time_budget_ms is refused with its own code, in time"

hook_run_reads_the_config() {
  tip=$(client_git rev-parse main)
  base=$(server_git rev-parse main)
  RUN_STDIN=$E2E_TMP/run.in
  echo "$base $tip refs/heads/main" >"$RUN_STDIN"
  run hookrun "$AUTHS" hook run --repo "$CLIENT"
  unset RUN_STDIN
  client_git reset -q --hard "$base"
  expect_rc 2
  expect_text "$RUN_ERR" "time-budget-exceeded"
}
test_case hook_run_reads_the_config "auths hook run judges with the same hooks.yaml (the dry run refuses it too)"

max_push_commits() {
  config_write <<YAML
version: 1
defaults:
  max_push_commits: 3
YAML
  client_git reset -q --hard "$(server_git rev-parse main)"
  for i in 1 2 3 4; do commit_as alice "small $i" >/dev/null; done
  push origin main
  expect_push_rejected push-too-large
  expect_line_match '4 new commits'
  client_git reset -q --hard HEAD~1
  push origin main
  expect_push_ok
}
test_case max_push_commits "max_push_commits: 4 new commits refused (push-too-large), 3 accepted"

trust_roots_pin_governance() {
  config_write <<YAML
version: 1
defaults:
  trust_roots: ["did:keri:ECk3NGTh6pLNEtZb2qsDgFzIzks7nvWlk1VhO-170tKv"]
YAML
  client_git reset -q --hard "$(server_git rev-parse main)"
  t1=$(commit_as alice "signed by alice, governance not pinned")
  push origin main
  expect_push_rejected trust-root-mismatch
  expect_line_match "trust-root-mismatch .* gives \[governance\] to the key alice \(SHA256:.*\) directly"
  config_write <<YAML
version: 1
defaults:
  mode: enforce
YAML
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$t1"
}
test_case trust_roots_pin_governance "trust_roots pinned: a policy whose [governance] is a bare key refuses every push (trust-root-mismatch); unpinned, accepted"

test_done
