#!/usr/bin/env bash
# e2e-transports: file
# Linking a device whose key stays on its own machine, without copying the identity's keys: a
# second machine (its own AUTHS_HOME and HOME, no identity) makes a link request; alice, who
# holds the identity, checks and completes it (auths device link --request), publishes and
# pushes the registry; the second machine fetches it and its git commit -S is accepted by the
# server whose policy names alice's identity. A request changed after the device signed it
# (capabilities raised), or made for another identity, is refused with one line and exit 1,
# and nothing is written.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
registry_fixture --server-only --mallory
DESK_HOME=$E2E_TMP/desk-home        # the second machine's HOME
DESK_AUTHS=$E2E_TMP/ids/alice-desk  # ... and its identity home: a key store, no identity
mkdir -p "$DESK_HOME"
HOME=$DESK_HOME git config --global user.name "alice (desk)"
HOME=$DESK_HOME git config --global user.email "alice@example.org"
HOME=$DESK_HOME git config --global init.defaultBranch main
REQUEST=$E2E_TMP/desk-request.json

# desk_run ARGS...: `auths ARGS` on the second machine (its HOME, its home, its own passphrase);
# lib.sh's run: RUN_OUT, RUN_ERR, RC.
desk_run() { HOME=$DESK_HOME AUTHS_HOME=$DESK_AUTHS AUTHS_PASSPHRASE="desk passphrase" run "desk auths $1" "$AUTHS" "$@"; }
# desk_git ARGS...: git on the second machine.
desk_git() { HOME=$DESK_HOME AUTHS_HOME=$DESK_AUTHS AUTHS_PASSPHRASE="desk passphrase" git "$@"; }

# alice_registry_files: the files of alice's registry copy (to see that a refusal wrote nothing).
alice_registry_files() { (cd "$ALICE_HOME/registry" && find . -type f | LC_ALL=C sort); }

make_request() {
  # --out relative to the current directory, as a developer types it.
  cd "$(dirname "$REQUEST")" || e2e_die "cannot cd to $(dirname "$REQUEST")"
  desk_run device request --identity "$ALICE" --out "$(basename "$REQUEST")" --alias desk --note "alice's desk"
  expect_rc 0
  desk_did=$(head -n1 "$RUN_OUT")
  case "$desk_did" in did:key:z6Mk*) ok ;; *) fail "auths device request printed '$desk_did', not a did:key" ;; esac
  expect_text "$RUN_OUT" "auths device link --request $(basename "$REQUEST")"
  expect_text "$RUN_OUT" "auths init --git --key-alias desk"
  desk_run key show --alias desk --format json
  desk_fpr=$(json_get "$RUN_OUT" fingerprint)
  expect_equal "$(json_get "$RUN_OUT" did)" "$desk_did" "the desk key's did:key"
  # The request: the link as the device signed it, for alice, no identity signature.
  expect_equal "$(json_get "$REQUEST" issuer)" "$ALICE" "issuer"
  expect_equal "$(json_get "$REQUEST" subject)" "$desk_did" "subject"
  expect_equal "$(json_get "$REQUEST" capabilities)" '["sign_commit"]' "capabilities"
  expect_equal "$(json_get "$REQUEST" identity_signature)" "" "identity_signature"
  # Keys stay where they were made: the desk has its own key only, alice's home does not have it.
  expect_equal "$(cd "$DESK_AUTHS/keys" && ls)" "desk.json" "the desk's key store"
  if [ -e "$DESK_AUTHS/identity.json" ]; then fail "the desk's home has an identity.json"; else ok; fi
  if [ -e "$ALICE_HOME/keys/desk.json" ]; then fail "alice's home has the desk key"; else ok; fi
}
test_case make_request "the second machine makes a device key and a link request for alice's identity"

tampered_refused() {
  alice_registry_files >"$E2E_TMP/registry-before"
  python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); d["capabilities"] = ["sign_commit", "sign_release"]; open(sys.argv[2], "w").write(json.dumps(d, indent=2) + "\n")' \
    "$REQUEST" "$E2E_TMP/raised.json"
  dev_run alice device link --request "$E2E_TMP/raised.json"
  expect_rc 1
  expect_equal "$(wc -l <"$RUN_ERR")" 1 "lines on stderr"
  expect_text "$RUN_ERR" "error: $E2E_TMP/raised.json: link request refused: the device signature does not verify"
  # A request made for another identity (mallory's), given to alice.
  desk_run device request --identity "$MALLORY" --out "$E2E_TMP/for-mallory.json" --alias desk-m
  expect_rc 0
  dev_run alice device link --request "$E2E_TMP/for-mallory.json"
  expect_rc 1
  expect_text "$RUN_ERR" "link request refused: it is for $MALLORY, not for this home's identity $ALICE"
  # --request takes the grant from the request: the options that would change it are refused.
  dev_run alice device link --request "$REQUEST" --capabilities sign_release
  expect_rc nonzero
  alice_registry_files >"$E2E_TMP/registry-after"
  if cmp -s "$E2E_TMP/registry-before" "$E2E_TMP/registry-after"; then ok; else
    fail "a refused request changed alice's registry copy" "$(diff "$E2E_TMP/registry-before" "$E2E_TMP/registry-after")"; fi
}
test_case tampered_refused "a request with its capabilities raised, or made for another identity, is refused (exit 1, one line)"

desk_not_yet() {
  HOME=$DESK_HOME clone_server "$E2E_TMP/desk"
  use_clone desk
  desk_run init --git --key-alias desk --repo "$CLIENT"
  expect_rc 0
  expect_equal "$(client_git config user.signingKey)" "auths:desk" "user.signingKey"
  printf 'desk\n' >>"$CLIENT/log.txt"
  client_git add -A
  desk_git -C "$CLIENT" commit -q -S -m "alice: from the desk" </dev/null >"$E2E_TMP/commit.out" 2>&1 ||
    fail "git commit -S on the desk failed: $(cat "$E2E_TMP/commit.out")"
  d1=$(client_git rev-parse HEAD)
  HOME=$DESK_HOME push --no-verify origin main
  expect_push_rejected unknown-signer
  expect_ref refs/heads/main "$SEED"
}
test_case desk_not_yet "before the link is published, the desk's signed commit is nobody's: unknown-signer"

holder_links() {
  dev_run alice device link --request "$REQUEST"
  expect_rc 0
  expect_out "link request from a device for $ALICE:"
  expect_out "  device:       $desk_did"
  expect_out "  fingerprint:  $desk_fpr"
  expect_out "  capabilities: sign_commit; signer type Human; expires never"
  expect_out "  note:         alice's desk"
  expect_text "$RUN_OUT" "linked device $desk_did (its key stays on its machine)"
  dev_auths alice id show-devices --json
  expect_text "$RUN_OUT" "$desk_did"
  if [ -e "$ALICE_HOME/keys/desk.json" ]; then fail "alice's home has the desk key"; else ok; fi
  # Published and pushed from alice's clone.
  dev_clone alice
  reg=$(dev_publish alice)
  push origin refs/auths/registry
  expect_push_ok
  expect_ref refs/auths/registry "$reg"
  # The same request again: already linked.
  dev_run alice device link --request "$REQUEST"
  expect_rc 1
  expect_text "$RUN_ERR" "link request refused: it was already linked"
}
test_case holder_links "alice checks and completes the request, publishes the registry and pushes it"

desk_accepted() {
  use_clone desk
  desk_git -C "$CLIENT" fetch -q origin refs/auths/registry:refs/auths/registry
  expect_ref refs/auths/registry "$reg"
  HOME=$DESK_HOME push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$d1"
  desk_run verify-commit "$d1" --repo "$CLIENT"
  expect_rc 0
  expect_out "Commit ${d1:0:7} is valid"
  if grep -Eq "^  Signed by: +$ALICE\$" "$RUN_OUT"; then ok; else fail "verify-commit does not name $ALICE" "$(cat "$RUN_OUT")"; fi
}
test_case desk_accepted "the desk fetches the registry: its commit counts for alice and the push (pre-push hook included) is accepted"

test_done
