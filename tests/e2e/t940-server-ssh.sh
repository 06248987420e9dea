#!/usr/bin/env bash
# e2e-transports: ssh
# Issue 12, a plain git server over ssh: the repository protected with `auths hook install`
# (here through --all on its directory), pushes over the real sshd on 127.0.0.1: an allowed push
# accepted; a refused one refused with the reason line on the pusher's terminal
# ("remote: error: refs/heads/main <oid>: <code> ..."), and nothing written (the ref as it was, no
# new object in the repository); `auths hook uninstall` over the same directory lets it through.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/servers.sh
. "$E2E_DIR/servers.sh"
test_init

make_key alice
make_key mallory
mkdir -p "$E2E_TMP/srv"
SERVER=$E2E_TMP/srv/server.git
server_init
client_init alice
policy_write <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]
EOF
commit_as alice "seed: policy" >/dev/null
push_bypassing_hooks main
client_git fetch -q origin
"$AUTHS" hook install --all "$E2E_TMP/srv" >"$E2E_TMP/install.out" 2>&1 ||
  e2e_die "auths hook install --all $E2E_TMP/srv failed: $(cat "$E2E_TMP/install.out")"
grep -qx "installed: $SERVER" "$E2E_TMP/install.out" || e2e_die "install did not name $SERVER: $(cat "$E2E_TMP/install.out")"

allowed() {
  c=$(commit_as alice "alice's change")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c"
  # The push went through sshd: its log has the session of the client key.
  if grep -q "Accepted publickey for $SSHD_USER" "$E2E_TMP/sshd/sshd.log"; then ok; else
    fail "sshd's log shows no session: the push did not go over ssh"
  fi
}
test_case allowed "over ssh: a push signed by a key the policy lists is accepted"

refused() {
  expect_refused_with_reason mallory
  m=$REFUSED
}
test_case refused "over ssh: a push signed by another key is refused, the reason on the client, nothing written"

uninstalled() {
  run uninstall "$AUTHS" hook uninstall --all "$E2E_TMP/srv"
  expect_rc 0
  expect_out "removed: $SERVER"
  push origin main
  if [ "$PUSH_STATUS" -eq 0 ]; then ok; else fail "after uninstall, the push was refused"; fi
  expect_ref refs/heads/main "$m"
}
test_case uninstalled "over ssh: after auths hook uninstall the same push is accepted"

test_done
