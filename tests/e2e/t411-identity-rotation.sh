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
identity_env
forge_init

make_key admin
dev_id alice
ALICE=$ID_DID
ALICE_PREFIX=$ID_PREFIX
ALICE_HOME=$(dev_home alice)
setup_repo admin <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$ALICE"]

[governance]
signers = ["$(pub admin)"]
EOF

step "alice with two devices: records and a first commit accepted"
dev_clone alice
dev_sign_with alice laptop
dev_link alice laptop >/dev/null
dev_link alice desktop >/dev/null
REG1=$(dev_publish alice)
c1=$(dev_commit alice laptop "alice: laptop, before the rotation")
push origin refs/auths/registry main
expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 2 refs"
expect_ref refs/heads/main "$c1"
expect_ref refs/auths/registry "$REG1"
dev_auths alice id show --json
cp "$E2E_TMP/auths.out" "$E2E_TMP/show-before.json"
OLD_KEY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["keys"][0]["key"])' "$E2E_TMP/show-before.json")
SEQ_BEFORE=$(json_get "$E2E_TMP/show-before.json" sequence)
expect_eq "$SEQ_BEFORE" 2 "KEL sequence after inception and two device links"
# The stolen backup: the identity home as it was before the rotation, old identity key included.
cp -a "$ALICE_HOME" "$(dev_home thief)"

step "auths id rotate, published and pushed: accepted; the server's KEL now ends with the rotation"
dev_auths alice id rotate
dev_auths alice id show --json
cp "$E2E_TMP/auths.out" "$E2E_TMP/show-after.json"
json_check "$E2E_TMP/show-after.json" \
  "doc['did'] == '$ALICE' and doc['sequence'] == $((SEQ_BEFORE + 1)) and doc['rotations'] == 1 and doc['keys'][0]['key'] != '$OLD_KEY'"
NEW_KEY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["keys"][0]["key"])' "$E2E_TMP/show-after.json")
REG2=$(dev_publish alice)
rot_path=v1/identities/$ALICE_PREFIX/kel/$(printf %08d $((SEQ_BEFORE + 1))).json
push origin refs/auths/registry
expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
expect_ref refs/auths/registry "$REG2"
expect_server_registry_file "$REG2" "$rot_path"
rot_json=$E2E_TMP/rot.json
git -C "$SERVER" cat-file -p "$REG2:$rot_path" >"$rot_json"
json_check "$rot_json" "doc['t'] == 'rot' and doc['k'] == ['$NEW_KEY'] and doc['s'] == '$(printf %x $((SEQ_BEFORE + 1)))'"
expect_hook_run_agrees

step "devices linked before the rotation keep working: desktop and laptop commits accepted"
c2=$(dev_commit alice desktop "alice: desktop, after the rotation")
c3=$(dev_commit alice laptop "alice: laptop, after the rotation")
push origin main
expect_push_ok "auths: push accepted: 2 commits and 0 tags verified in 1 ref"
expect_ref refs/heads/main "$c3"
dev_run alice "$AUTHS" verify-commit "$c2" --repo "$SERVER"
expect_cmd_rc 0
expect_out "  Status:      VALID"
expect_out "  Signed by:   $ALICE"

step "the new key links a device: its records and its first commit in one push, accepted"
dev_link alice tablet >/dev/null
REG3=$(dev_publish alice)
c4=$(dev_commit alice tablet "alice: tablet, linked by the new key")
push origin refs/auths/registry main
expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 2 refs"
expect_ref refs/heads/main "$c4"
expect_ref refs/auths/registry "$REG3"
read -r TIP_SEQ TIP_SAID < <(kel_tip "$SERVER" "$REG3" "$ALICE_PREFIX")
expect_eq "$TIP_SEQ" "$((SEQ_BEFORE + 2))" "sequence of the server's last KEL event of alice"

step "with the stolen pre-rotation home, the CLI links a device (old key, old KEL), but cannot publish it on top"
dev_clone thief
fetch_registry
dev_sign_with thief evil
EVIL=$(dev_link thief evil)
# shellcheck disable=SC2012  # the newest link: ls -t sorts by time, the names are ours
evil_link=$(ls -t "$(registry_dir thief)/v1/identities/$ALICE_PREFIX/attestations/"*.json | head -n1)
read -r EVIL_PATH EVIL_DIGEST < <(forge path "$evil_link")
expect_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["subject"])' "$evil_link")" "$EVIL" "subject of the thief's link"
stolen_ixn=$(registry_dir thief)/v1/identities/$ALICE_PREFIX/kel/$(printf %08d $((SEQ_BEFORE + 1)))
if grep -q '"t":"ixn"' "$stolen_ixn.json"; then ok; else fail "the stolen home's event $((SEQ_BEFORE + 1)) is not an ixn"; fi
reg_before=$(client_git rev-parse refs/auths/registry)
dev_run thief "$AUTHS" registry publish --repo "$CLIENT"
if [ "$RC" -ne 0 ]; then ok; else fail "auths registry publish put a second event $((SEQ_BEFORE + 1)) on top of the rotation"; fi
expect_eq "$(client_git rev-parse refs/auths/registry)" "$reg_before" "the thief's refs/auths/registry after the refused publish"

step "the forging kit makes the CLI's own bytes: it reproduces the thief's ixn exactly"
prior=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["p"])' "$stolen_ixn.json")
forge ixn "$(dev_home thief)" identity "$ALICE_PREFIX" "$((SEQ_BEFORE + 1))" "$prior" "[{\"d\": \"$EVIL_DIGEST\"}]" \
  "$E2E_TMP/selfcheck" >/dev/null
if cmp -s "$E2E_TMP/selfcheck.json" "$stolen_ixn.json" && cmp -s "$E2E_TMP/selfcheck.cesr" "$stolen_ixn.cesr"; then ok; else
  fail "the forging kit does not reproduce the CLI's ixn" "cli:   $(cat "$stolen_ixn.json") $(cat "$stolen_ixn.cesr")" \
    "forge: $(cat "$E2E_TMP/selfcheck.json") $(cat "$E2E_TMP/selfcheck.cesr")"
fi
expect_eq "$EVIL_PATH" "${evil_link#"$(registry_dir thief)/"}" "canonical path of the thief's link (forge path)"

step "a device link signed by the rotated-away key is refused: registry-invalid-record"
r1=$(registry_commit "$REG3" "thief: a device link signed by the old key" "add:$EVIL_PATH=$evil_link")
client_git update-ref refs/auths/registry "$r1"
push origin refs/auths/registry
expect_push_rejected registry-invalid-record
expect_violation refs/auths/registry "$r1" registry-invalid-record registry
expect_violation_mentions "$EVIL_PATH"
expect_violation_mentions "attestation-bad-identity-signature"
expect_ref refs/auths/registry "$REG3"
expect_no_object "$r1"
expect_hook_run_agrees

step "a KEL event signed by the rotated-away key, on top of the rotation, is refused: registry-invalid-record"
next=$(printf %08d $((TIP_SEQ + 1)))
forge ixn "$(dev_home thief)" identity "$ALICE_PREFIX" "$((TIP_SEQ + 1))" "$TIP_SAID" "[{\"d\": \"$EVIL_DIGEST\"}]" "$E2E_TMP/old-ixn" >/dev/null
ixn_path=v1/identities/$ALICE_PREFIX/kel/$next
r2=$(registry_commit "$REG3" "thief: an ixn by the old key anchoring a device" \
  "add:$ixn_path.json=$E2E_TMP/old-ixn.json" "add:$ixn_path.cesr=$E2E_TMP/old-ixn.cesr" "add:$EVIL_PATH=$evil_link")
client_git update-ref refs/auths/registry "$r2"
push origin refs/auths/registry
expect_push_rejected registry-invalid-record
expect_violation refs/auths/registry "$r2" registry-invalid-record registry
expect_violation_mentions "$ixn_path"
expect_violation_mentions "kel-bad-signature"
expect_ref refs/auths/registry "$REG3"
expect_no_object "$r2"
expect_hook_run_agrees

step "... the event alone (no link) is refused the same way"
r3=$(registry_commit "$REG3" "thief: an ixn by the old key" \
  "add:$ixn_path.json=$E2E_TMP/old-ixn.json" "add:$ixn_path.cesr=$E2E_TMP/old-ixn.cesr")
client_git update-ref refs/auths/registry "$r3"
push origin refs/auths/registry
expect_push_rejected registry-invalid-record
expect_violation refs/auths/registry "$r3" registry-invalid-record registry
expect_violation_mentions "kel-bad-signature"
expect_ref refs/auths/registry "$REG3"

step "... and with a commit by the device it tries to add: the whole push is refused"
client_git update-ref refs/auths/registry "$r2"
client_git reset -q --hard "$c4"
e1=$(dev_commit thief evil "thief: signed by the device the old key linked")
push origin refs/auths/registry main
expect_push_rejected registry-invalid-record
expect_violation refs/auths/registry "$r2" registry-invalid-record registry
# The commit is judged against the registry as it is (the update was refused): nobody's key.
expect_violation refs/heads/main "$e1" unknown-signer main
expect_line "auths: push rejected: 2 violations in 2 refs"
expect_ref refs/auths/registry "$REG3"
expect_ref refs/heads/main "$c4"
expect_no_object "$e1"
expect_no_object "$r2"
expect_hook_run_agrees

step "control: the same event signed by alice's current key is accepted (the signer was the only fault)"
forge ixn "$ALICE_HOME" identity "$ALICE_PREFIX" "$((TIP_SEQ + 1))" "$TIP_SAID" "[]" "$E2E_TMP/new-ixn" >/dev/null
r4=$(registry_commit "$REG3" "alice: an ixn by the current key" \
  "add:$ixn_path.json=$E2E_TMP/new-ixn.json" "add:$ixn_path.cesr=$E2E_TMP/new-ixn.cesr")
client_git update-ref refs/auths/registry "$r4"
push origin refs/auths/registry
expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
expect_ref refs/auths/registry "$r4"

test_done
