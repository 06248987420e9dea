#!/usr/bin/env bash
# e2e-transports: file
# Rotation of a did:keri identity against the server hook: `auths id rotate`, published and
# pushed, is accepted; devices linked before keep working, and a device linked after by the new
# key too. The rotated-away key (from a copy of the identity home taken before the rotation: a
# stolen backup) can no longer make records: a device link it signs is refused, and so is a KEL
# event it signs on top of the rotation (registry-invalid-record), with or without a commit by
# the device it tries to add; the server's refs and objects stay as they were.
# The clones sign through auths-sign configured by hand (gpg.ssh.program, user.signingKey):
# `auths init --git` and its hooks are t410's subject.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
registry_fixture --forge --device desktop  # alice with two devices: records and a first commit accepted
dev_auths alice id show --json
cp "$RUN_OUT" "$E2E_TMP/show-before.json"
OLD_KEY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["keys"][0]["key"])' "$E2E_TMP/show-before.json")
SEQ_BEFORE=$(json_get "$E2E_TMP/show-before.json" sequence)
expect_equal "$SEQ_BEFORE" 2 "KEL sequence after inception and two device links"
# The stolen backup: the identity home as it was before the rotation, old identity key included.
cp -a "$ALICE_HOME" "$(dev_home thief)"

rotate() {
  dev_auths alice id rotate
  dev_auths alice id show --json
  cp "$RUN_OUT" "$E2E_TMP/show-after.json"
  json_check "$E2E_TMP/show-after.json" \
    "doc['did'] == '$ALICE' and doc['sequence'] == $((SEQ_BEFORE + 1)) and doc['rotations'] == 1 and doc['keys'][0]['key'] != '$OLD_KEY'"
  new_key=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["keys"][0]["key"])' "$E2E_TMP/show-after.json")
  reg2=$(dev_publish alice)
  rot_path=v1/identities/$ALICE_PREFIX/kel/$(printf %08d $((SEQ_BEFORE + 1))).json
  push origin refs/auths/registry
  expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
  expect_ref refs/auths/registry "$reg2"
  expect_server_registry_file "$reg2" "$rot_path"
  rot_json=$E2E_TMP/rot.json
  git -C "$SERVER" cat-file -p "$reg2:$rot_path" >"$rot_json"
  json_check "$rot_json" "doc['t'] == 'rot' and doc['k'] == ['$new_key'] and doc['s'] == '$(printf %x $((SEQ_BEFORE + 1)))'"
  expect_hook_run_agrees
}
test_case rotate "auths id rotate, published and pushed: accepted; the server's KEL now ends with the rotation"

old_devices_work() {
  c2=$(dev_commit alice desktop "alice: desktop, after the rotation")
  c3=$(dev_commit alice laptop "alice: laptop, after the rotation")
  push origin main
  expect_push_ok "auths: push accepted: 2 commits and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c3"
  dev_run alice verify-commit "$c2" --repo "$SERVER"
  expect_rc 0
  expect_out "  Status:      VALID"
  expect_out "  Signed by:   $ALICE"
}
test_case old_devices_work "devices linked before the rotation keep working: desktop and laptop commits accepted"

new_key_links() {
  dev_link alice tablet >/dev/null
  reg3=$(dev_publish alice)
  c4=$(dev_commit alice tablet "alice: tablet, linked by the new key")
  push origin refs/auths/registry main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 2 refs"
  expect_ref refs/heads/main "$c4"
  expect_ref refs/auths/registry "$reg3"
  read -r tip_seq tip_said < <(kel_tip "$SERVER" "$reg3" "$ALICE_PREFIX")
  expect_equal "$tip_seq" "$((SEQ_BEFORE + 2))" "sequence of the server's last KEL event of alice"
}
test_case new_key_links "the new key links a device: its records and its first commit in one push, accepted"

thief_cannot_publish() {
  dev_clone thief
  fetch_registry
  dev_sign_with thief evil
  evil_did=$(dev_link thief evil)
  # shellcheck disable=SC2012  # the newest link: ls -t sorts by time, the names are ours
  evil_link=$(ls -t "$(registry_dir thief)/v1/identities/$ALICE_PREFIX/attestations/"*.json | head -n1)
  read -r evil_path evil_digest < <(forge path "$evil_link")
  expect_equal "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["subject"])' "$evil_link")" "$evil_did" "subject of the thief's link"
  stolen_ixn=$(registry_dir thief)/v1/identities/$ALICE_PREFIX/kel/$(printf %08d $((SEQ_BEFORE + 1)))
  if grep -q '"t":"ixn"' "$stolen_ixn.json"; then ok; else fail "the stolen home's event $((SEQ_BEFORE + 1)) is not an ixn"; fi
  reg_before=$(client_git rev-parse refs/auths/registry)
  dev_run thief registry publish --repo "$CLIENT"
  if [ "$RC" -ne 0 ]; then ok; else fail "auths registry publish put a second event $((SEQ_BEFORE + 1)) on top of the rotation"; fi
  expect_equal "$(client_git rev-parse refs/auths/registry)" "$reg_before" "the thief's refs/auths/registry after the refused publish"
}
test_case thief_cannot_publish "with the stolen pre-rotation home, the CLI links a device (old key, old KEL), but cannot publish it on top"

forge_selfcheck() {
  prior=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["p"])' "$stolen_ixn.json")
  forge ixn "$(dev_home thief)" identity "$ALICE_PREFIX" "$((SEQ_BEFORE + 1))" "$prior" "[{\"d\": \"$evil_digest\"}]" \
    "$E2E_TMP/selfcheck" >/dev/null
  if cmp -s "$E2E_TMP/selfcheck.json" "$stolen_ixn.json" && cmp -s "$E2E_TMP/selfcheck.cesr" "$stolen_ixn.cesr"; then ok; else
    fail "the forging kit does not reproduce the CLI's ixn" "cli:   $(cat "$stolen_ixn.json") $(cat "$stolen_ixn.cesr")" \
      "forge: $(cat "$E2E_TMP/selfcheck.json") $(cat "$E2E_TMP/selfcheck.cesr")"
  fi
  expect_equal "$evil_path" "${evil_link#"$(registry_dir thief)/"}" "canonical path of the thief's link (forge path)"
}
test_case forge_selfcheck "the forging kit makes the CLI's own bytes: it reproduces the thief's ixn exactly"

old_key_link() {
  r1=$(registry_commit "$reg3" "thief: a device link signed by the old key" "add:$evil_path=$evil_link")
  push_registry "$r1"
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$r1" registry-invalid-record registry
  expect_violation_mentions "$evil_path"
  expect_violation_mentions "attestation-bad-identity-signature"
  expect_ref refs/auths/registry "$reg3"
  expect_no_object "$r1"
  expect_hook_run_agrees
}
test_case old_key_link "a device link signed by the rotated-away key is refused: registry-invalid-record"

old_key_event() {
  next=$(printf %08d $((tip_seq + 1)))
  forge ixn "$(dev_home thief)" identity "$ALICE_PREFIX" "$((tip_seq + 1))" "$tip_said" "[{\"d\": \"$evil_digest\"}]" "$E2E_TMP/old-ixn" >/dev/null
  ixn_path=v1/identities/$ALICE_PREFIX/kel/$next
  r2=$(registry_commit "$reg3" "thief: an ixn by the old key anchoring a device" \
    "add:$ixn_path.json=$E2E_TMP/old-ixn.json" "add:$ixn_path.cesr=$E2E_TMP/old-ixn.cesr" "add:$evil_path=$evil_link")
  push_registry "$r2"
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$r2" registry-invalid-record registry
  expect_violation_mentions "$ixn_path"
  expect_violation_mentions "kel-bad-signature"
  expect_ref refs/auths/registry "$reg3"
  expect_no_object "$r2"
  expect_hook_run_agrees
}
test_case old_key_event "a KEL event signed by the rotated-away key, on top of the rotation, is refused: registry-invalid-record"

old_key_event_alone() {
  r3=$(registry_commit "$reg3" "thief: an ixn by the old key" \
    "add:$ixn_path.json=$E2E_TMP/old-ixn.json" "add:$ixn_path.cesr=$E2E_TMP/old-ixn.cesr")
  push_registry "$r3"
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$r3" registry-invalid-record registry
  expect_violation_mentions "kel-bad-signature"
  expect_ref refs/auths/registry "$reg3"
}
test_case old_key_event_alone "... the event alone (no link) is refused the same way"

old_key_with_commit() {
  client_git update-ref refs/auths/registry "$r2"
  client_git reset -q --hard "$c4"
  e1=$(dev_commit thief evil "thief: signed by the device the old key linked")
  push origin refs/auths/registry main
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$r2" registry-invalid-record registry
  # The commit is judged against the registry as it is (the update was refused): nobody's key.
  expect_violation refs/heads/main "$e1" unknown-signer main
  expect_line "auths: push rejected: 2 violations in 2 refs"
  expect_ref refs/auths/registry "$reg3"
  expect_ref refs/heads/main "$c4"
  expect_no_object "$e1"
  expect_no_object "$r2"
  expect_hook_run_agrees
}
test_case old_key_with_commit "... and with a commit by the device it tries to add: the whole push is refused"

current_key_control() {
  forge ixn "$ALICE_HOME" identity "$ALICE_PREFIX" "$((tip_seq + 1))" "$tip_said" "[]" "$E2E_TMP/new-ixn" >/dev/null
  r4=$(registry_commit "$reg3" "alice: an ixn by the current key" \
    "add:$ixn_path.json=$E2E_TMP/new-ixn.json" "add:$ixn_path.cesr=$E2E_TMP/new-ixn.cesr")
  push_registry "$r4"
  expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
  expect_ref refs/auths/registry "$r4"
}
test_case current_key_control "control: the same event signed by alice's current key is accepted (the signer was the only fault)"

test_done
