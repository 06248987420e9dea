#!/usr/bin/env bash
# e2e-transports: file
# auths-commit-msg as the client's .git/hooks/commit-msg: advisory checks of Auths-* trailer
# syntax before the commit exists; `git commit --no-verify` skips it (the server decides).
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
server_init
client_init alice
ln -s "$AUTHS_BIN_DIR/auths-commit-msg" "$CLIENT/.git/hooks/commit-msg"

# try_commit MESSAGE [git commit options]: sets COMMIT_STATUS; stderr in commit.err.
try_commit() {
  local msg=$1; shift
  echo "$msg" >>"$CLIENT/log.txt"
  client_git add -A
  COMMIT_STATUS=0
  client_git commit -q "$@" -F - <<<"$msg" >"$E2E_TMP/commit.out" 2>"$E2E_TMP/commit.err" || COMMIT_STATUS=$?
  check_no_sanitizer_report "$E2E_TMP/commit.err"
}
head_or_none() { client_git rev-parse -q --verify HEAD || echo none; }

step "a message without Auths trailers is accepted unchanged"
try_commit "plain message

Signed-off-by: Alice <alice@example.org>"
if [ "$COMMIT_STATUS" -eq 0 ]; then ok; else fail "expected the commit to succeed" "$(cat "$E2E_TMP/commit.err")"; fi
if [ "$(client_git log -1 --format=%B)" = "plain message

Signed-off-by: Alice <alice@example.org>" ]; then ok; else fail "the hook changed the message: $(client_git log -1 --format=%B)"; fi
good=$(head_or_none)

step "a malformed Auths-Id trailer stops the commit"
try_commit "bad id

Auths-Id: not-a-did"
if [ "$COMMIT_STATUS" -ne 0 ]; then ok; else fail "expected the commit-msg hook to refuse the commit"; fi
if grep -q "^error: commit message: .*Auths-Id" "$E2E_TMP/commit.err"; then ok; else
  fail "expected 'error: commit message: ...Auths-Id...' on stderr" "$(cat "$E2E_TMP/commit.err")"; fi
if [ "$(head_or_none)" = "$good" ]; then ok; else fail "a commit was made although the hook refused"; fi

step "an unknown Auths-* trailer stops the commit"
try_commit "typo

Auths-Idd: did:keri:Eabc"
if [ "$COMMIT_STATUS" -ne 0 ]; then ok; else fail "expected the commit-msg hook to refuse an unknown Auths-* trailer"; fi
if [ "$(head_or_none)" = "$good" ]; then ok; else fail "a commit was made although the hook refused"; fi

step "--no-verify skips the hook"
try_commit "bad id, forced

Auths-Id: not-a-did" --no-verify
if [ "$COMMIT_STATUS" -eq 0 ] && [ "$(head_or_none)" != "$good" ]; then ok; else
  fail "expected git commit --no-verify to succeed" "$(cat "$E2E_TMP/commit.err")"; fi

test_done
