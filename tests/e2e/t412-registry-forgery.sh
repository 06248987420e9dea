#!/usr/bin/env bash
# e2e-transports: file
# e2e-sanitize: full
# Anyone may push registry records, so the registry's safety is that every record proves itself.
# mallory, with her own did:keri identity, pushes her own records (accepted: they prove only
# that she is mallory) and then tries to speak for alice: a device link naming alice as issuer
# but signed by mallory's keys (re-signed properly, or with only the issuer edited), the same
# stored under mallory's own directory, a KEL event for alice signed by mallory, a revocation of
# alice's device signed by mallory: each refused with registry-invalid-record, together with
# the commit that needed it, the server's refs and objects unchanged. Then history rewrites of
# refs/auths/registry: an edited record, a removed record (registry-edit), a force push and a
# rewind (registry-not-fast-forward), a merge (registry-merge), an unrelated history, a deletion
# of the ref (delete-denied), a file outside the layout. alice is unaffected throughout.
# The clones sign through auths-sign configured by hand (`auths init --git` is t410's subject).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
registry_fixture --forge --mallory  # alice's records and first commit are accepted

mallory_records() {
  dev_clone mallory
  fetch_registry  # a clone does not fetch refs/auths/*; publishing on top of nothing would not fast-forward
  dev_sign_with mallory phone
  dev_link mallory phone >/dev/null
  reg2=$(dev_publish mallory)
  push origin refs/auths/registry
  expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
  expect_ref refs/auths/registry "$reg2"
  m1=$(dev_commit mallory phone "mallory: as herself")
  push origin main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$m1" unknown-signer main
  expect_ref refs/heads/main "$A1"
  expect_no_object "$m1"
  client_git reset -q --hard "$A1"
}
test_case mallory_records "mallory's own records are accepted (anyone may push records), her commit is not (not a signer)"

forge_selfcheck() {
  mallory_links=("$(registry_dir mallory)/v1/identities/$MALLORY_PREFIX/attestations/"*.json)
  mallory_link=${mallory_links[0]}
  read -r path _ < <(forge resign-link "$MALLORY_HOME" identity phone "$mallory_link" "$E2E_TMP/same-link.json")
  if cmp -s "$mallory_link" "$E2E_TMP/same-link.json"; then ok; else
    fail "re-signing mallory's link unchanged does not give the CLI's bytes" "$(diff "$mallory_link" "$E2E_TMP/same-link.json" | head -10)"; fi
  expect_equal "$path" "${mallory_link#"$(registry_dir mallory)/"}" "canonical path of mallory's link"
}
test_case forge_selfcheck "the forging kit re-signs mallory's real link into the very same bytes"

forged_link() {
  # issuer = alice, signed anew by mallory's identity key and her device key: both signatures are
  # good signatures over these bytes, only not by alice. Stored under its canonical name.
  read -r forged_path forged_digest < <(forge resign-link "$MALLORY_HOME" identity phone "$mallory_link" \
    "$E2E_TMP/forged-link.json" "issuer=\"$ALICE\"" "note=\"alice's new phone\"")
  case "$forged_path" in "v1/identities/$ALICE_PREFIX/attestations/"*) ok ;; *) fail "forged link path $forged_path is not under alice's prefix" ;; esac
  f1=$(registry_commit "$reg2" "a device link for alice" "add:$forged_path=$E2E_TMP/forged-link.json")
  client_git update-ref refs/auths/registry "$f1"
  m2=$(dev_commit mallory phone "mallory: as alice's 'new phone'")
  push origin refs/auths/registry main
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$f1" registry-invalid-record registry
  expect_violation_mentions "$forged_path"
  expect_violation_mentions "attestation-bad-identity-signature"
  expect_violation refs/heads/main "$m2" unknown-signer main
  expect_ref refs/auths/registry "$reg2"
  expect_ref refs/heads/main "$A1"
  expect_no_object "$f1"
  expect_no_object "$m2"
  expect_no_object "$(client_git rev-parse "$f1:$forged_path")"
  expect_hook_saw_quarantine
  expect_hook_run_agrees
}
test_case forged_link "a device link for alice's identity signed by mallory's keys is refused: registry-invalid-record"

forged_link_alone() {
  push origin refs/auths/registry
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$f1" registry-invalid-record registry
  expect_violation_mentions "attestation-bad-identity-signature"
  expect_ref refs/auths/registry "$reg2"
}
test_case forged_link_alone "... the forged link alone is refused the same way"

issuer_edited() {
  read -r edited_path _ < <(forge resign-link "$MALLORY_HOME" - - "$mallory_link" "$E2E_TMP/edited-link.json" "issuer=\"$ALICE\"")
  f2=$(registry_commit "$reg2" "mallory's link, issuer edited" "add:$edited_path=$E2E_TMP/edited-link.json")
  push_registry "$f2"
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$f2" registry-invalid-record registry
  expect_violation_mentions "$edited_path"
  expect_violation_mentions "attestation-bad-identity-signature"
  expect_ref refs/auths/registry "$reg2"
  expect_no_object "$f2"
}
test_case issuer_edited "mallory's real link with only the issuer edited (signatures as they were) is refused"

wrong_directory() {
  f3=$(registry_commit "$reg2" "a link for alice, stored with mallory's" \
    "add:v1/identities/$MALLORY_PREFIX/attestations/$(basename "$forged_path")=$E2E_TMP/forged-link.json")
  push_registry "$f3"
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$f3" registry-invalid-record registry
  expect_violation_mentions "must be stored as '$forged_path'"
  expect_ref refs/auths/registry "$reg2"
}
test_case wrong_directory "the forged link under mallory's own directory is refused (records live under their issuer)"

forged_event() {
  read -r seq said < <(kel_tip "$SERVER" "$reg2" "$ALICE_PREFIX")
  forge ixn "$MALLORY_HOME" identity "$ALICE_PREFIX" "$((seq + 1))" "$said" "[{\"d\": \"$forged_digest\"}]" "$E2E_TMP/forged-ixn" >/dev/null
  ixn_path=v1/identities/$ALICE_PREFIX/kel/$(printf %08d $((seq + 1)))
  f4=$(registry_commit "$reg2" "an ixn for alice by mallory, and the link it anchors" \
    "add:$ixn_path.json=$E2E_TMP/forged-ixn.json" "add:$ixn_path.cesr=$E2E_TMP/forged-ixn.cesr" \
    "add:$forged_path=$E2E_TMP/forged-link.json")
  client_git update-ref refs/auths/registry "$f4"
  client_git reset -q --hard "$A1"
  m3=$(dev_commit mallory phone "mallory: as alice, anchored this time")
  push origin refs/auths/registry main
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$f4" registry-invalid-record registry
  expect_violation_mentions "$ixn_path"
  expect_violation_mentions "kel-bad-signature"
  expect_ref refs/auths/registry "$reg2"
  expect_ref refs/heads/main "$A1"
  expect_no_object "$f4"
  expect_no_object "$m3"
  expect_hook_run_agrees
  client_git reset -q --hard "$A1"
}
test_case forged_event "a KEL event for alice signed by mallory, anchoring the forged link, is refused"

forged_revocation() {
  git -C "$SERVER" cat-file -p "$reg2:$ALICE_LINK_PATH" >"$E2E_TMP/alice-link.json"
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  read -r revoke_path _ < <(forge resign-link "$MALLORY_HOME" identity - "$E2E_TMP/alice-link.json" "$E2E_TMP/forged-revocation.json" \
    "revoked_at=\"$now\"" "timestamp=\"$now\"" "note=\"revoked by mallory\"" 'device_signature=""')
  f5=$(registry_commit "$reg2" "a revocation of alice's laptop" "add:$revoke_path=$E2E_TMP/forged-revocation.json")
  push_registry "$f5"
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$f5" registry-invalid-record registry
  expect_violation_mentions "$revoke_path"
  expect_violation_mentions "attestation-bad-identity-signature"
  expect_ref refs/auths/registry "$reg2"
  use_clone alice
  fetch_registry
  a2=$(dev_commit alice laptop "alice: laptop after mallory's attempts")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$a2"
}
test_case forged_revocation "a revocation of alice's laptop signed by mallory is refused; the laptop keeps working"

rewrites_setup() {
  expect_equal "$(client_git rev-parse refs/auths/registry)" "$reg2" "alice's fetched registry"
  alice_link=$E2E_TMP/alice-link.json
  sed 's/"note": null/"note": "edited"/' "$alice_link" >"$E2E_TMP/alice-link-edited.json"
  if cmp -s "$alice_link" "$E2E_TMP/alice-link-edited.json"; then e2e_die "could not edit alice's link"; fi
}
test_case rewrites_setup "history rewrites, from alice's clone (whose registry is the server's)"

edit_record() {
  h1=$(registry_commit "$reg2" "edit alice's link" "add:$ALICE_LINK_PATH=$E2E_TMP/alice-link-edited.json")
  push_registry "$h1"
  expect_push_rejected registry-edit
  expect_violation refs/auths/registry "$h1" registry-edit registry
  expect_violation_mentions "$ALICE_LINK_PATH"
  expect_ref refs/auths/registry "$reg2"
  expect_no_object "$h1"
  expect_hook_run_agrees
}
test_case edit_record "a fast-forward that edits a record is refused: registry-edit"

remove_record() {
  h2=$(registry_commit "$reg2" "remove alice's link" "rm:$ALICE_LINK_PATH")
  push_registry "$h2"
  expect_push_rejected registry-edit
  expect_violation refs/auths/registry "$h2" registry-edit registry
  expect_violation_mentions "$ALICE_LINK_PATH"
  expect_ref refs/auths/registry "$reg2"
}
test_case remove_record "a fast-forward that removes a record is refused: registry-edit"

hidden_edit() {
  h3=$(registry_commit "$h1" "remove nothing, add nothing")
  push_registry "$h3"
  expect_push_rejected registry-edit
  expect_violation refs/auths/registry "$h1" registry-edit registry
  expect_ref refs/auths/registry "$reg2"
}
test_case hidden_edit "an edit hidden under a later, valid commit is still refused"

rewrite_last() {
  h4=$(registry_commit "$REG1" "reg2 rewritten: alice's link changed" "add:$ALICE_LINK_PATH=$E2E_TMP/alice-link-edited.json")
  push_registry "$h4" --force
  expect_push_rejected registry-not-fast-forward
  expect_violation refs/auths/registry "$h4" registry-not-fast-forward registry
  expect_ref refs/auths/registry "$reg2"
  expect_no_object "$h4"
  expect_hook_run_agrees
}
test_case rewrite_last "a force push that rewrites the last registry commit with a changed record is refused: registry-not-fast-forward"

rewind() {
  push_registry "$REG1" --force
  expect_push_rejected registry-not-fast-forward
  expect_violation refs/auths/registry "$REG1" registry-not-fast-forward registry
  expect_ref refs/auths/registry "$reg2"
}
test_case rewind "a force push that rewinds the registry (drops mallory's records) is refused: registry-not-fast-forward"

unrelated_history() {
  ops=()
  while read -r p; do
    blob=$E2E_TMP/blob-$(echo "$p" | tr / _)
    git -C "$SERVER" cat-file -p "$REG1:$p" >"$blob"
    ops+=("add:$p=$blob")
  done < <(registry_files "$REG1")
  h5=$(registry_commit "" "a fresh registry" "${ops[@]}")
  expect_equal "$(registry_files "$h5" | tr '\n' ' ')" "$(registry_files "$REG1" | tr '\n' ' ')" "files of the unrelated registry"
  push_registry "$h5" --force
  expect_push_rejected registry-not-fast-forward
  expect_violation refs/auths/registry "$h5" registry-not-fast-forward registry
  expect_ref refs/auths/registry "$reg2"
}
test_case unrelated_history "an unrelated registry history (a new root with alice's records only) is refused: registry-not-fast-forward"

registry_merge() {
  dev_link alice desktop >/dev/null
  side=$E2E_TMP/side.git
  rm -rf "$side" && git init -q --bare "$side"
  client_git push -q "$side" "$REG1:refs/auths/registry" || e2e_die "push to $side failed"
  dev_publish alice "$side" >/dev/null
  s1=$(git -C "$side" rev-parse refs/auths/registry)
  client_git fetch -q "$side" "$s1" || e2e_die "fetch from $side failed"
  h6=$(registry_commit "$reg2 $s1" "merge alice's new records")
  push_registry "$h6"
  expect_push_rejected registry-merge
  expect_violation refs/auths/registry "$h6" registry-merge registry
  expect_ref refs/auths/registry "$reg2"
  expect_no_object "$h6"
}
test_case registry_merge "a merge in the registry is refused: registry-merge"

delete_registry() {
  push origin :refs/auths/registry
  expect_push_rejected delete-denied
  expect_violation refs/auths/registry - delete-denied registry
  expect_ref refs/auths/registry "$reg2"
}
test_case delete_registry "deleting refs/auths/registry is refused: delete-denied"

stray_file() {
  printf 'not a record\n' >"$E2E_TMP/README"
  h7=$(registry_commit "$reg2" "a stray file" "add:README=$E2E_TMP/README")
  push_registry "$h7"
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$h7" registry-invalid-record registry
  expect_violation_mentions README
  expect_ref refs/auths/registry "$reg2"
}
test_case stray_file "a file outside the registry layout is refused: registry-invalid-record"

alice_still_works() {
  fetch_registry
  reg3=$(dev_publish alice)
  a3=$(dev_commit alice desktop "alice: first from the desktop")
  push origin refs/auths/registry main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 2 refs"
  expect_ref refs/auths/registry "$reg3"
  expect_ref refs/heads/main "$a3"
  if git -C "$SERVER" merge-base --is-ancestor "$reg2" "$reg3"; then ok; else fail "the server's registry $reg3 does not descend from $reg2"; fi
}
test_case alice_still_works "after all that, alice's real new records (rebased on the server's registry) and a commit are accepted"

test_done
