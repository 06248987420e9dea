#!/usr/bin/env bash
# e2e-transports: file ssh:1-4
# A developer's did:keri identity against the server hook, with the real CLI and real git:
# alice (auths id init, device link, auths init --git, registry publish) pushes her registry
# records and a commit signed through auths-sign together, and the policy that names her
# did:keri accepts it; a second device works; a revoked device is refused (device-revoked), the
# other one still accepted; an expired device is refused (device-expired); auths verify-commit
# tells the same story offline. Every refusal leaves the server's refs and objects as they were.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
registry_fixture --forge --server-only

init_git() {
  dev_clone alice
  laptop_did=$(dev_link alice laptop)
  dev_run alice init --git --repo "$CLIENT"
  expect_rc 0
  expect_equal "$(client_git config gpg.format)" ssh "gpg.format"
  expect_equal "$(client_git config gpg.ssh.program)" "$AUTHS_BIN_DIR/auths-sign" "gpg.ssh.program"
  expect_equal "$(client_git config user.signingKey)" "auths:laptop" "user.signingKey"
  expect_equal "$(client_git config commit.gpgSign)" true "commit.gpgSign"
  for hook in commit-msg pre-push; do
    if [ -x "$CLIENT/.git/hooks/$hook" ]; then ok; else fail "auths init --git did not install an executable .git/hooks/$hook"; fi
  done
}
test_case init_git "alice links a laptop and sets up her clone with auths init --git"

commit_claims() {
  c0=$(dev_commit alice - "alice: before her records are on the server")
  expect_equal "$(client_git log -1 --format='%(trailers:key=Auths-Id,valueonly)' "$c0" | sed '/^$/d')" "$ALICE" "Auths-Id trailer"
  expect_equal "$(client_git log -1 --format='%(trailers:key=Auths-Device,valueonly)' "$c0" | sed '/^$/d')" "$laptop_did" "Auths-Device trailer"
  if client_git cat-file -p "$c0" | grep -q '^gpgsig -----BEGIN SSH SIGNATURE-----$'; then ok; else
    fail "commit $c0 carries no SSH signature"; fi
}
test_case commit_claims "git commit -S signs with the laptop key; the commit-msg hook adds the Auths-Id/Auths-Device claims"

unknown_signer() {
  push --no-verify origin main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$c0" unknown-signer main
  expect_ref refs/heads/main "$SEED"
  expect_ref refs/auths/registry absent
  expect_no_object "$c0"
  expect_hook_run_agrees
  client_git reset -q --hard "$SEED"
}
test_case unknown_signer "without her records on the server, alice's device key is nobody's: unknown-signer"

first_push() {
  reg1=$(dev_publish alice)
  for f in kel/00000000.json kel/00000000.cesr kel/00000001.json kel/00000001.cesr; do
    if client_git cat-file -e "$reg1:v1/identities/$ALICE_PREFIX/$f" 2>/dev/null; then ok; else
      fail "the published registry $reg1 has no v1/identities/$ALICE_PREFIX/$f"; fi
  done
  n=$(registry_files "$reg1" | grep -c "^v1/identities/$ALICE_PREFIX/attestations/.*\.json$" || true)
  expect_equal "$n" 1 "attestations in the published registry"
  c1=$(dev_commit alice - "alice: first accepted commit (laptop)")
  push origin refs/auths/registry main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 2 refs"
  expect_ref refs/heads/main "$c1"
  expect_ref refs/auths/registry "$reg1"
  expect_hook_run_agrees
}
test_case first_push "auths registry publish, then the registry and a signed commit in one push: accepted"

second_device() {
  desktop_did=$(dev_link alice desktop)
  if [ "$desktop_did" != "$laptop_did" ]; then ok; else fail "desktop and laptop have the same did:key"; fi
  reg2=$(dev_publish alice)
  push origin refs/auths/registry
  expect_push_ok
  expect_ref refs/auths/registry "$reg2"
  expect_ref refs/heads/main "$c1"
  c2=$(dev_commit alice desktop "alice: from the desktop")
  expect_equal "$(client_git log -1 --format='%(trailers:key=Auths-Device,valueonly)' "$c2" | sed '/^$/d')" "$desktop_did" "Auths-Device trailer of a desktop commit"
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c2"
  expect_hook_run_agrees
}
test_case second_device "a second device: linked, published, pushed; its commit is accepted"

laptop_revoked() {
  dev_auths alice device revoke --device "$laptop_did"
  reg3=$(dev_publish alice)
  push origin refs/auths/registry
  expect_push_ok
  expect_ref refs/auths/registry "$reg3"
  c3=$(dev_commit alice laptop "alice: from the revoked laptop")
  push --no-verify origin main
  expect_push_rejected device-revoked
  expect_violation refs/heads/main "$c3" device-revoked main
  expect_line "auths: push rejected: 1 violation in 1 ref"
  expect_ref refs/heads/main "$c2"
  expect_ref refs/auths/registry "$reg3"
  expect_no_object "$c3"
  expect_hook_saw_quarantine
  expect_hook_run_agrees
}
test_case laptop_revoked "the laptop is revoked and the revocation pushed: its next commit is refused with device-revoked"

pre_push_refuses() {
  push origin main
  # shellcheck disable=SC2034  # read by lib.sh's expect_* helpers
  E2E_LINES=local
  expect_code device-revoked
  unset E2E_LINES
  if [ "$PUSH_STATUS" -ne 0 ]; then ok; else fail "git push of the revoked laptop's commit succeeded"; fi
  expect_equal "$(hook_exit)" none "server hook runs"
  expect_server_unchanged
}
test_case pre_push_refuses "the local pre-push hook (auths init --git) refuses the revoked laptop's commit too, before anything is sent"

verify_offline() {
  dev_run alice verify-commit "$c3" --repo "$CLIENT"
  expect_rc 1
  expect_out "Commit ${c3:0:7} is not valid"
  if grep -Eq '^  Status: +INVALID: device-revoked( \(.*\))?$' "$RUN_OUT"; then ok; else
    fail "expected 'Status: INVALID: device-revoked' from verify-commit" "$(cat "$RUN_OUT")"; fi
  client_git reset -q --hard "$c2"
}
test_case verify_offline "auths verify-commit, offline in alice's clone: the revoked laptop's commit is not valid"

desktop_accepted() {
  c4=$(dev_commit alice desktop "alice: desktop after the revocation")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c4"
}
test_case desktop_accepted "the desktop is still accepted after the laptop's revocation"

expired_device() {
  # `auths device link --expires-in-days` cannot make a link that is already expired (1 day at
  # least), so this link is made by hand exactly as the CLI makes one (forge_selfcheck-style
  # kit: same bytes, same signatures), with timestamps in the past: linked 3 days ago, expired
  # yesterday; signed by alice's identity key and the device key, anchored by an ixn event. The
  # CLI itself then reads it as an expired device of alice's.
  dev_auths alice key generate --alias oldphone
  dev_auths alice key show --alias oldphone --format did
  oldphone_did=$(head -n1 "$RUN_OUT")
  now=$(date +%s)
  linked=$(date -u -d "@$((now - 3 * 86400))" +%Y-%m-%dT%H:%M:%SZ)
  expired=$(date -u -d "@$((now - 86400))" +%Y-%m-%dT%H:%M:%SZ)
  templates=("$ALICE_HOME/registry/v1/identities/$ALICE_PREFIX/attestations/"*.json)
  template=${templates[0]}
  oldphone_hex=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["public_key"])' "$ALICE_HOME/keys/oldphone.json")
  read -r link_path link_digest < <(forge resign-link "$ALICE_HOME" identity oldphone "$template" "$E2E_TMP/oldphone-link.json" \
    "rid=\"$(python3 -c 'import uuid; print(uuid.uuid4())')\"" "subject=\"$oldphone_did\"" \
    "device_public_key={\"curve\": \"ed25519\", \"key\": \"$oldphone_hex\"}" "capabilities=[\"sign_commit\"]" \
    "expires_at=\"$expired\"" "revoked_at=null" "timestamp=\"$linked\"" "note=\"expired on purpose\"")
  read -r seq said < <(kel_tip "$CLIENT" refs/auths/registry "$ALICE_PREFIX")
  kel_dir=$ALICE_HOME/registry/v1/identities/$ALICE_PREFIX/kel
  forge ixn "$ALICE_HOME" identity "$ALICE_PREFIX" "$((seq + 1))" "$said" "[{\"d\": \"$link_digest\"}]" \
    "$kel_dir/$(printf %08d $((seq + 1)))" >/dev/null
  cp "$E2E_TMP/oldphone-link.json" "$ALICE_HOME/registry/$link_path"
  dev_auths alice id show-devices --json
  json_check "$RUN_OUT" "[d['status'] for d in doc if d['did'] == '$oldphone_did'] == ['expired']"
  reg4=$(dev_publish alice)
  push origin refs/auths/registry
  expect_push_ok
  expect_ref refs/auths/registry "$reg4"
  expect_server_registry_file "$reg4" "$link_path"
  c5=$(dev_commit alice oldphone "alice: from the expired phone")
  push --no-verify origin main
  expect_push_rejected device-expired
  expect_violation refs/heads/main "$c5" device-expired main
  expect_ref refs/heads/main "$c4"
  expect_no_object "$c5"
  expect_hook_run_agrees
  dev_run alice verify-commit "$c5" --repo "$CLIENT"
  expect_rc 1
  if grep -Eq '^  Status: +INVALID: device-expired( \(.*\))?$' "$RUN_OUT"; then ok; else
    fail "expected 'Status: INVALID: device-expired' from verify-commit" "$(cat "$RUN_OUT")"; fi
  client_git reset -q --hard "$c4"
}
test_case expired_device "a device whose link has already expired is refused with device-expired"

expires_in_one_day() {
  # The hook takes the time from the clock; judging "two days later" is `auths hook run --now`
  # on a copy of the server holding the pushed objects (the same decision code as the hook).
  tablet_did=$(dev_link alice tablet --expires-in-days 1)
  dev_auths alice id show-devices --json
  json_check "$RUN_OUT" "[d['status'] for d in doc if d['did'] == '$tablet_did'] == ['active'] and [d['expires_at'] is not None for d in doc if d['did'] == '$tablet_did'] == [True]"
  reg5=$(dev_publish alice)
  c6=$(dev_commit alice tablet "alice: from the tablet")
  push origin refs/auths/registry main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 2 refs"
  expect_ref refs/heads/main "$c6"
  expect_ref refs/auths/registry "$reg5"
  c7=$(dev_commit alice tablet "alice: tablet again")
  later=$E2E_TMP/later.git
  rm -rf "$later"
  cp -a "$SERVER" "$later"
  rm -rf "$later/hooks" && mkdir "$later/hooks"
  client_git push -q "$later" "$c7:refs/e2e/c7" 2>"$E2E_TMP/later.err" || e2e_die "push to $later failed: $(cat "$E2E_TMP/later.err")"
  git -C "$later" update-ref -d refs/e2e/c7
  now=$(date +%s)
  echo "$c6 $c7 refs/heads/main" >"$E2E_TMP/later.in"
  for when in "$now" "$((now + 2 * 86400))"; do
    RUN_STDIN=$E2E_TMP/later.in run "hook-run-now-$when" "$AUTHS" hook run --repo "$later" --now "$when"
    if [ "$when" = "$now" ]; then
      expect_rc 0
    else
      expect_rc 1
      if grep -Eq "^error: refs/heads/main ${c7:0:7}: device-expired \\(rule 'main'\\): " "$RUN_ERR"; then ok; else
        fail "expected a device-expired line for ${c7:0:7} from auths hook run --now $when" "$(cat "$RUN_ERR")"; fi
    fi
  done
}
test_case expires_in_one_day "a device linked with --expires-in-days 1: accepted today, device-expired when judged two days later"

verify_on_server() {
  dev_run alice verify-commit "$c2" --repo "$SERVER"
  expect_rc 0
  expect_out "Commit ${c2:0:7} is valid"
  expect_out "  Signed by:   $ALICE"
  expect_out "  Device:      $desktop_did"
  expect_out "  Signer type: Human"
  expect_out "  Status:      VALID"
  dev_run alice verify-commit "$c2" --repo "$SERVER" --json
  expect_rc 0
  json_check "$RUN_OUT" "doc['valid'] is True and doc['status'] == 'valid' and doc['signed_by'] == '$ALICE' and doc['device'] == '$desktop_did' and doc['commit'] == '$c2'"
  # c1 was signed by the laptop before its revocation; the server accepted it then. Offline,
  # verify-commit judges it now: the laptop is revoked.
  dev_run alice verify-commit "$c1" --repo "$SERVER"
  expect_rc 1
  if grep -Eq '^  Status: +INVALID: device-revoked( \(.*\))?$' "$RUN_OUT"; then ok; else
    fail "expected 'Status: INVALID: device-revoked' for the laptop's commit" "$(cat "$RUN_OUT")"; fi
  dev_run alice verify-commit "$c1" --repo "$SERVER" --json
  json_check "$RUN_OUT" "doc['valid'] is False and doc['status'] == 'device-revoked' and doc['device'] == '$laptop_did'"
}
test_case verify_on_server "auths verify-commit on the server: Status of the accepted desktop commit, and of the revoked laptop's"

fresh_clone() {
  fresh=$E2E_TMP/fresh
  clone_server "$fresh"
  git -C "$fresh" fetch -q origin refs/auths/registry:refs/auths/registry || e2e_die "fetch of the registry failed"
  dev_run alice verify-commit "$c4" --repo "$fresh"
  expect_rc 0
  expect_out "  Status:      VALID"
  dev_run alice verify-commit "$c1" --repo "$fresh"
  expect_rc 1
  expect_out "  Device:      $laptop_did"
}
test_case fresh_clone "a fresh clone that fetched the registry verifies the same way"

trailer_dids() {
  # A prefix is 'E' + 43 base64url characters encoding 33 bytes with the code: the last character
  # may carry any 6 bits (3 identities in 4 end in one whose low 2 bits are not zero; decoding
  # the 43 characters alone as base64 refuses those). Both DIDs below are well formed.
  use_clone alice
  for did in "did:keri:E$(printf 'A%.0s' $(seq 1 43))" "did:keri:E$(printf 'A%.0s' $(seq 1 42))B"; do
    AUTHS_HOME=$ALICE_HOME run "commit-trailer-$did" git -C "$CLIENT" commit -q --allow-empty -S \
      -m "claims $did" -m "Auths-Id: $did"
    expect_rc 0
  done
}
test_case trailer_dids "the commit-msg hook accepts every well-formed did:keri in an Auths-Id trailer"

one_off_signing_key() {
  # Last, as it only checks a claim (verification never trusts trailers): git signs with the key
  # of `-c`, and the commit-msg hook must read the same setting.
  client_git config user.signingKey auths:tablet
  printf 'one-off\n' >>"$CLIENT/log.txt"
  client_git add -A
  AUTHS_HOME=$ALICE_HOME git -C "$CLIENT" -c user.signingKey=auths:desktop commit -q -S -m "alice: desktop key for one commit" \
    </dev/null >"$E2E_TMP/commit.out" 2>"$E2E_TMP/commit.err" || e2e_die "git -c user.signingKey=auths:desktop commit failed: $(cat "$E2E_TMP/commit.err")"
  dev_run alice verify-commit HEAD --repo "$CLIENT" --json
  json_check "$RUN_OUT" "doc['device'] == '$desktop_did'"
  expect_equal "$(client_git log -1 --format='%(trailers:key=Auths-Device,valueonly)' | sed '/^$/d')" "$desktop_did" \
    "Auths-Device trailer of a commit signed with git -c user.signingKey=auths:desktop (signed by $desktop_did)"
}
test_case one_off_signing_key "a key chosen for one commit (git -c user.signingKey=auths:...) is the device the Auths-Device claim names"

test_done
