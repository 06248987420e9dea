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

# try_commit MESSAGE [git commit options]: appends MESSAGE to log.txt and commits every change
# with MESSAGE, through lib.sh's run (exit status in RC, stderr in $RUN_ERR).
try_commit() {
  local msg=$1; shift
  echo "$msg" >>"$CLIENT/log.txt"
  client_git add -A
  printf '%s\n' "$msg" >"$E2E_TMP/commit.msg"
  run commit client_git commit -q "$@" -F "$E2E_TMP/commit.msg"
}
head_or_none() { client_git rev-parse -q --verify HEAD || echo none; }

plain_message_unchanged() {
  local msg=$'plain message\n\nSigned-off-by: Alice <alice@example.org>'
  try_commit "$msg"
  expect_rc 0
  if [ "$(client_git log -1 --format=%B)" = "$msg" ]; then ok; else fail "the hook changed the message: $(client_git log -1 --format=%B)"; fi
  good=$(head_or_none)
}
test_case plain_message_unchanged "a message without Auths trailers is accepted unchanged"

malformed_id_refused() {
  try_commit $'bad id\n\nAuths-Id: not-a-did'
  expect_rc nonzero
  if grep -q "^error: commit message: .*Auths-Id" "$RUN_ERR"; then ok; else
    fail "expected 'error: commit message: ...Auths-Id...' on stderr" "$(cat "$RUN_ERR")"; fi
  if [ "$(head_or_none)" = "$good" ]; then ok; else fail "a commit was made although the hook refused"; fi
}
test_case malformed_id_refused "a malformed Auths-Id trailer stops the commit"

unknown_trailer_refused() {
  try_commit $'typo\n\nAuths-Idd: did:keri:Eabc'
  expect_rc nonzero
  if [ "$(head_or_none)" = "$good" ]; then ok; else fail "a commit was made although the hook refused"; fi
}
test_case unknown_trailer_refused "an unknown Auths-* trailer stops the commit"

no_verify_skips() {
  try_commit $'bad id, forced\n\nAuths-Id: not-a-did' --no-verify
  expect_rc 0
  if [ "$(head_or_none)" != "$good" ]; then ok; else fail "git commit --no-verify made no commit"; fi
}
test_case no_verify_skips "--no-verify skips the hook"

test_done
