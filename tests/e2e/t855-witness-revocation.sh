#!/usr/bin/env bash
# e2e-transports: file ssh:4
# Receipt time is the anchored signing time (issue 11; README.md, "Witness receipts"): alice's
# laptop (a device of her did:keri, signing through auths-sign) makes a commit on ci/agent that
# two witnesses receipt; then the laptop is revoked, and it makes another commit, receipted after
# the revocation. Both reach the server only after the revocation. The first is accepted (a
# quorum of witnesses saw it before: valid-revoked-after-signing), the second refused
# (device-revoked); auths verify-commit tells the same, offline.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
. "$(dirname "$0")/witness.sh"
test_init
witness_init 2
for n in 1 2; do witness_start "$n"; done
registry_fixture --rules "[[policy.ci]]
name = \"agents\"
refs = [\"refs/heads/ci/*\"]
signers = [\"\$ALICE\"]
require_log = \"witness\"

[witness]
keys = [\"${WITNESS_DID[1]}\", \"${WITNESS_DID[2]}\"]
threshold = 2
urls = [\"${WITNESS_URL[1]}\", \"${WITNESS_URL[2]}\"]"
ln -s "$AUTHS_BIN_DIR/auths-commit-msg" "$CLIENT/.git/hooks/commit-msg"
client_git checkout -q -b ci/agent

receipts() {
  client_git log -1 --format='%(trailers:key=Auths-Witness-Receipt,valueonly,unfold)' "$1" | sed '/^$/d' | wc -l
}

witnessed_before() {
  before=$(dev_commit alice laptop "ci: witnessed before the revocation")
  expect_equal "$(receipts "$before")" 2 "receipts on the first commit"
  sleep 1.1  # the revocation comes strictly after the witnesses' first sight (unix seconds)
}
test_case witnessed_before "the laptop's commit is receipted by both witnesses"

revoked() {
  dev_auths alice device revoke --device "$LAPTOP"
  reg=$(dev_publish alice)
  push origin refs/auths/registry
  expect_push_ok
  expect_ref refs/auths/registry "$reg"
}
test_case revoked "the laptop is revoked, the revocation pushed"

witnessed_after() {
  after=$(dev_commit alice laptop "ci: witnessed after the revocation")
  expect_equal "$(receipts "$after")" 2 "receipts on the second commit"
  expect_equal "$(client_git rev-parse "$after^")" "$before" "the second commit's parent"
}
test_case witnessed_after "the revoked laptop's next commit is receipted too (the witnesses do not judge identities)"

push_before() {
  push origin "$before:refs/heads/ci/before"
  expect_push_ok
  expect_ref refs/heads/ci/before "$before"
}
test_case push_before "pushed after the revocation, the commit witnessed before it is accepted"

push_after() {
  push origin ci/agent
  expect_push_rejected device-revoked
  expect_violation refs/heads/ci/agent "$after" device-revoked agents
  expect_ref refs/heads/ci/agent absent
}
test_case push_after "the commit witnessed after the revocation is refused (device-revoked)"

verify_offline() {
  run verify-before "$AUTHS" verify-commit --repo "$CLIENT" "$before"
  expect_rc 0
  expect_out "  Witnesses:   2/2 receipts verified (threshold 2)"
  if grep -Eq '^  Status: +VALID \(revoked after signing: .*receipted by a quorum of witnesses at .*\)$' "$RUN_OUT"; then ok; else
    fail "expected 'Status: VALID (revoked after signing: ...)'" "$(cat "$RUN_OUT")"; fi
  run verify-json "$AUTHS" verify-commit --json --repo "$CLIENT" "$before"
  json_check "$RUN_OUT" "doc['valid'] is True and doc['status'] == 'valid-revoked-after-signing' and doc['witnessed_at'] != ''"
  run verify-after "$AUTHS" verify-commit --repo "$CLIENT" "$after"
  expect_rc 1
  if grep -Eq '^  Status: +INVALID: device-revoked( \(.*\))?$' "$RUN_OUT"; then ok; else
    fail "expected 'Status: INVALID: device-revoked'" "$(cat "$RUN_OUT")"; fi
}
test_case verify_offline "auths verify-commit: valid-revoked-after-signing for the first, device-revoked for the second"

test_done
