#!/usr/bin/env bash
# e2e-transports: file
# (the run is labelled file: the test pushes over http:// to nginx on 127.0.0.1 itself, whatever the label)
# Issue 12, smart HTTP: nginx on 127.0.0.1 in front of fcgiwrap and `git http-backend`
# (receive-pack enabled), both run by the test as the test user (tests/e2e/servers.sh). The
# repository is protected with `auths hook install`; pushes over http://: an allowed push
# accepted; a refused one refused with the reason line on the pusher's terminal, the ref as it
# was and no new object in the repository; the hook ran behind http-backend (REMOTE_USER set by
# the web server, the pushed objects still in git's quarantine).
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/servers.sh
. "$E2E_DIR/servers.sh"
test_init

make_key alice
make_key mallory
setup_main_repo alice
http_start "$E2E_TMP"
client_git remote set-url origin "$(http_url server.git)"

allowed() {
  c=$(commit_as alice "alice's change")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c"
  if grep -qx 'REMOTE_USER=e2e-pusher' "$E2E_TMP/hook.env" 2>/dev/null; then ok; else
    fail "the hook did not run behind git http-backend (no REMOTE_USER=e2e-pusher in its environment)"
  fi
  expect_hook_saw_quarantine
  if grep -q '"POST /git/server.git/git-receive-pack HTTP/1.1" 200' "$E2E_TMP/http/logs/access.log"; then ok; else
    fail "nginx's access log has no receive-pack request" "$(tail -5 "$E2E_TMP/http/logs/access.log")"
  fi
}
test_case allowed "over smart HTTP: a push signed by a key the policy lists is accepted"

refused() {
  base=$(server_git rev-parse refs/heads/main)
  expect_refused_with_reason mallory
}
test_case refused "over smart HTTP: a push signed by another key is refused, the reason on the client, nothing written"

unsigned_refused() {
  client_git reset -q --hard "$base"
  u=$(commit_unsigned "unsigned change")
  push origin main
  expect_push_rejected unsigned
  expect_violation refs/heads/main "$u" unsigned main
  expect_no_object "$u"
}
test_case unsigned_refused "over smart HTTP: an unsigned commit is refused with 'unsigned'"

test_done
