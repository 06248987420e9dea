#!/usr/bin/env bash
# e2e-transports: file
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
identity_env
forge_init

make_key admin
dev_id alice
ALICE=$ID_DID
ALICE_PREFIX=$ID_PREFIX
dev_id mallory
MALLORY_PREFIX=$ID_PREFIX
MALLORY_HOME=$(dev_home mallory)
setup_repo admin <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$ALICE"]

[governance]
signers = ["$(pub admin)"]
EOF

step "alice's records and first commit are accepted"
dev_clone alice
dev_sign_with alice laptop
dev_link alice laptop >/dev/null
REG1=$(dev_publish alice)
a1=$(dev_commit alice laptop "alice: first")
push origin refs/auths/registry main
expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 2 refs"
expect_ref refs/heads/main "$a1"
expect_ref refs/auths/registry "$REG1"
ALICE_LINK_PATH=$(registry_files "$REG1" | grep "^v1/identities/$ALICE_PREFIX/attestations/")

step "mallory's own records are accepted (anyone may push records), her commit is not (not a signer)"
dev_clone mallory
fetch_registry  # a clone does not fetch refs/auths/*; publishing on top of nothing would not fast-forward
dev_sign_with mallory phone
dev_link mallory phone >/dev/null
REG2=$(dev_publish mallory)
push origin refs/auths/registry
expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
expect_ref refs/auths/registry "$REG2"
m1=$(dev_commit mallory phone "mallory: as herself")
push origin main
expect_push_rejected unknown-signer
expect_violation refs/heads/main "$m1" unknown-signer main
expect_ref refs/heads/main "$a1"
expect_no_object "$m1"
client_git reset -q --hard "$a1"

step "the forging kit re-signs mallory's real link into the very same bytes"
mallory_links=("$(registry_dir mallory)/v1/identities/$MALLORY_PREFIX/attestations/"*.json)
MALLORY_LINK=${mallory_links[0]}
read -r path _ < <(forge resign-link "$MALLORY_HOME" identity phone "$MALLORY_LINK" "$E2E_TMP/same-link.json")
if cmp -s "$MALLORY_LINK" "$E2E_TMP/same-link.json"; then ok; else
  fail "re-signing mallory's link unchanged does not give the CLI's bytes" "$(diff "$MALLORY_LINK" "$E2E_TMP/same-link.json" | head -10)"; fi
expect_eq "$path" "${MALLORY_LINK#"$(registry_dir mallory)/"}" "canonical path of mallory's link"

step "a device link for alice's identity signed by mallory's keys is refused: registry-invalid-record"
# issuer = alice, signed anew by mallory's identity key and her device key: both signatures are
# good signatures over these bytes, only not by alice. Stored under its canonical name.
read -r FORGED_PATH FORGED_DIGEST < <(forge resign-link "$MALLORY_HOME" identity phone "$MALLORY_LINK" \
  "$E2E_TMP/forged-link.json" "issuer=\"$ALICE\"" "note=\"alice's new phone\"")
case "$FORGED_PATH" in "v1/identities/$ALICE_PREFIX/attestations/"*) ok ;; *) fail "forged link path $FORGED_PATH is not under alice's prefix" ;; esac
f1=$(registry_commit "$REG2" "a device link for alice" "add:$FORGED_PATH=$E2E_TMP/forged-link.json")
client_git update-ref refs/auths/registry "$f1"
m2=$(dev_commit mallory phone "mallory: as alice's 'new phone'")
push origin refs/auths/registry main
expect_push_rejected registry-invalid-record
expect_violation refs/auths/registry "$f1" registry-invalid-record registry
expect_violation_mentions "$FORGED_PATH"
expect_violation_mentions "attestation-bad-identity-signature"
expect_violation refs/heads/main "$m2" unknown-signer main
expect_ref refs/auths/registry "$REG2"
expect_ref refs/heads/main "$a1"
expect_no_object "$f1"
expect_no_object "$m2"
expect_no_object "$(client_git rev-parse "$f1:$FORGED_PATH")"
expect_hook_saw_quarantine
expect_hook_run_agrees

step "... the forged link alone is refused the same way"
push origin refs/auths/registry
expect_push_rejected registry-invalid-record
expect_violation refs/auths/registry "$f1" registry-invalid-record registry
expect_violation_mentions "attestation-bad-identity-signature"
expect_ref refs/auths/registry "$REG2"

step "mallory's real link with only the issuer edited (signatures as they were) is refused"
read -r EDITED_PATH _ < <(forge resign-link "$MALLORY_HOME" - - "$MALLORY_LINK" "$E2E_TMP/edited-link.json" "issuer=\"$ALICE\"")
f2=$(registry_commit "$REG2" "mallory's link, issuer edited" "add:$EDITED_PATH=$E2E_TMP/edited-link.json")
client_git update-ref refs/auths/registry "$f2"
push origin refs/auths/registry
expect_push_rejected registry-invalid-record
expect_violation refs/auths/registry "$f2" registry-invalid-record registry
expect_violation_mentions "$EDITED_PATH"
expect_violation_mentions "attestation-bad-identity-signature"
expect_ref refs/auths/registry "$REG2"
expect_no_object "$f2"

step "the forged link under mallory's own directory is refused (records live under their issuer)"
f3=$(registry_commit "$REG2" "a link for alice, stored with mallory's" \
  "add:v1/identities/$MALLORY_PREFIX/attestations/$(basename "$FORGED_PATH")=$E2E_TMP/forged-link.json")
client_git update-ref refs/auths/registry "$f3"
push origin refs/auths/registry
expect_push_rejected registry-invalid-record
expect_violation refs/auths/registry "$f3" registry-invalid-record registry
expect_violation_mentions "must be stored as '$FORGED_PATH'"
expect_ref refs/auths/registry "$REG2"

step "a KEL event for alice signed by mallory, anchoring the forged link, is refused"
read -r seq said < <(kel_tip "$SERVER" "$REG2" "$ALICE_PREFIX")
forge ixn "$MALLORY_HOME" identity "$ALICE_PREFIX" "$((seq + 1))" "$said" "[{\"d\": \"$FORGED_DIGEST\"}]" "$E2E_TMP/forged-ixn" >/dev/null
ixn_path=v1/identities/$ALICE_PREFIX/kel/$(printf %08d $((seq + 1)))
f4=$(registry_commit "$REG2" "an ixn for alice by mallory, and the link it anchors" \
  "add:$ixn_path.json=$E2E_TMP/forged-ixn.json" "add:$ixn_path.cesr=$E2E_TMP/forged-ixn.cesr" \
  "add:$FORGED_PATH=$E2E_TMP/forged-link.json")
client_git update-ref refs/auths/registry "$f4"
client_git reset -q --hard "$a1"
m3=$(dev_commit mallory phone "mallory: as alice, anchored this time")
push origin refs/auths/registry main
expect_push_rejected registry-invalid-record
expect_violation refs/auths/registry "$f4" registry-invalid-record registry
expect_violation_mentions "$ixn_path"
expect_violation_mentions "kel-bad-signature"
expect_ref refs/auths/registry "$REG2"
expect_ref refs/heads/main "$a1"
expect_no_object "$f4"
expect_no_object "$m3"
expect_hook_run_agrees
client_git reset -q --hard "$a1"

step "a revocation of alice's laptop signed by mallory is refused; the laptop keeps working"
git -C "$SERVER" cat-file -p "$REG2:$ALICE_LINK_PATH" >"$E2E_TMP/alice-link.json"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
read -r REVOKE_PATH _ < <(forge resign-link "$MALLORY_HOME" identity - "$E2E_TMP/alice-link.json" "$E2E_TMP/forged-revocation.json" \
  "revoked_at=\"$now\"" "timestamp=\"$now\"" "note=\"revoked by mallory\"" 'device_signature=""')
f5=$(registry_commit "$REG2" "a revocation of alice's laptop" "add:$REVOKE_PATH=$E2E_TMP/forged-revocation.json")
client_git update-ref refs/auths/registry "$f5"
push origin refs/auths/registry
expect_push_rejected registry-invalid-record
expect_violation refs/auths/registry "$f5" registry-invalid-record registry
expect_violation_mentions "$REVOKE_PATH"
expect_violation_mentions "attestation-bad-identity-signature"
expect_ref refs/auths/registry "$REG2"
use_clone alice
fetch_registry
a2=$(dev_commit alice laptop "alice: laptop after mallory's attempts")
push origin main
expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
expect_ref refs/heads/main "$a2"

# History rewrites, from alice's clone (whose registry is the server's, REG2).
expect_eq "$(client_git rev-parse refs/auths/registry)" "$REG2" "alice's fetched registry"
ALICE_LINK=$E2E_TMP/alice-link.json
sed 's/"note": null/"note": "edited"/' "$ALICE_LINK" >"$E2E_TMP/alice-link-edited.json"
if cmp -s "$ALICE_LINK" "$E2E_TMP/alice-link-edited.json"; then e2e_die "could not edit alice's link"; fi

step "a fast-forward that edits a record is refused: registry-edit"
h1=$(registry_commit "$REG2" "edit alice's link" "add:$ALICE_LINK_PATH=$E2E_TMP/alice-link-edited.json")
client_git update-ref refs/auths/registry "$h1"
push origin refs/auths/registry
expect_push_rejected registry-edit
expect_violation refs/auths/registry "$h1" registry-edit registry
expect_violation_mentions "$ALICE_LINK_PATH"
expect_ref refs/auths/registry "$REG2"
expect_no_object "$h1"
expect_hook_run_agrees

step "a fast-forward that removes a record is refused: registry-edit"
h2=$(registry_commit "$REG2" "remove alice's link" "rm:$ALICE_LINK_PATH")
client_git update-ref refs/auths/registry "$h2"
push origin refs/auths/registry
expect_push_rejected registry-edit
expect_violation refs/auths/registry "$h2" registry-edit registry
expect_violation_mentions "$ALICE_LINK_PATH"
expect_ref refs/auths/registry "$REG2"

step "an edit hidden under a later, valid commit is still refused"
h3=$(registry_commit "$h1" "remove nothing, add nothing")
client_git update-ref refs/auths/registry "$h3"
push origin refs/auths/registry
expect_push_rejected registry-edit
expect_violation refs/auths/registry "$h1" registry-edit registry
expect_ref refs/auths/registry "$REG2"

step "a force push that rewrites the last registry commit with a changed record is refused: registry-not-fast-forward"
h4=$(registry_commit "$REG1" "REG2 rewritten: alice's link changed" "add:$ALICE_LINK_PATH=$E2E_TMP/alice-link-edited.json")
client_git update-ref refs/auths/registry "$h4"
push origin +refs/auths/registry
expect_push_rejected registry-not-fast-forward
expect_violation refs/auths/registry "$h4" registry-not-fast-forward registry
expect_ref refs/auths/registry "$REG2"
expect_no_object "$h4"
expect_hook_run_agrees

step "a force push that rewinds the registry (drops mallory's records) is refused: registry-not-fast-forward"
client_git update-ref refs/auths/registry "$REG1"
push origin +refs/auths/registry
expect_push_rejected registry-not-fast-forward
expect_violation refs/auths/registry "$REG1" registry-not-fast-forward registry
expect_ref refs/auths/registry "$REG2"

step "an unrelated registry history (a new root with alice's records only) is refused: registry-not-fast-forward"
ops=()
while read -r p; do
  blob=$E2E_TMP/blob-$(echo "$p" | tr / _)
  git -C "$SERVER" cat-file -p "$REG1:$p" >"$blob"
  ops+=("add:$p=$blob")
done < <(registry_files "$REG1")
h5=$(registry_commit "" "a fresh registry" "${ops[@]}")
expect_eq "$(registry_files "$h5" | tr '\n' ' ')" "$(registry_files "$REG1" | tr '\n' ' ')" "files of the unrelated registry"
client_git update-ref refs/auths/registry "$h5"
push origin +refs/auths/registry
expect_push_rejected registry-not-fast-forward
expect_violation refs/auths/registry "$h5" registry-not-fast-forward registry
expect_ref refs/auths/registry "$REG2"

step "a merge in the registry is refused: registry-merge"
dev_link alice desktop >/dev/null
side=$E2E_TMP/side.git
rm -rf "$side" && git init -q --bare "$side"
client_git push -q "$side" "$REG1:refs/auths/registry" || e2e_die "push to $side failed"
dev_publish alice "$side" >/dev/null
s1=$(git -C "$side" rev-parse refs/auths/registry)
client_git fetch -q "$side" "$s1" || e2e_die "fetch from $side failed"
h6=$(registry_commit "$REG2 $s1" "merge alice's new records")
client_git update-ref refs/auths/registry "$h6"
push origin refs/auths/registry
expect_push_rejected registry-merge
expect_violation refs/auths/registry "$h6" registry-merge registry
expect_ref refs/auths/registry "$REG2"
expect_no_object "$h6"

step "deleting refs/auths/registry is refused: delete-denied"
push origin :refs/auths/registry
expect_push_rejected delete-denied
expect_violation refs/auths/registry - delete-denied registry
expect_ref refs/auths/registry "$REG2"

step "a file outside the registry layout is refused: registry-invalid-record"
printf 'not a record\n' >"$E2E_TMP/README"
h7=$(registry_commit "$REG2" "a stray file" "add:README=$E2E_TMP/README")
client_git update-ref refs/auths/registry "$h7"
push origin refs/auths/registry
expect_push_rejected registry-invalid-record
expect_violation refs/auths/registry "$h7" registry-invalid-record registry
expect_violation_mentions README
expect_ref refs/auths/registry "$REG2"

step "after all that, alice's real new records (rebased on the server's registry) and a commit are accepted"
fetch_registry
REG3=$(dev_publish alice)
a3=$(dev_commit alice desktop "alice: first from the desktop")
push origin refs/auths/registry main
expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 2 refs"
expect_ref refs/auths/registry "$REG3"
expect_ref refs/heads/main "$a3"
if git -C "$SERVER" merge-base --is-ancestor "$REG2" "$REG3"; then ok; else fail "the server's registry $REG3 does not descend from $REG2"; fi

test_done
