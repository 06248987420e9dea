#!/usr/bin/env bash
# auths artifact sign / verify, offline (README.md, "Signing release artifacts"): a release rule
# with alice's and bob's SSH keys and require = 2. alice signs (through ssh-keygen, as git would
# sign with user.signingKey): refused, quorum-not-met, alice counted; a second signature by alice
# is refused; bob signs: accepted. The file modified afterwards: refused (bad-signature), and
# signing it refused too. A stranger's signature is reported and not counted. ssh-keygen -Y
# verify accepts a signature extracted from FILE.auths-sig (a third-party check of the format).
# Errors: no policy (exit 2); no signatures file (exit 1, unsigned). The JSON forms parse.
. "$(dirname "$0")/lib.sh"
test_init
make_key alice
make_key bob
make_key carol

WORK=$E2E_TMP/work
git init -q "$WORK" || e2e_die "git init failed"
git -C "$WORK" config gpg.format ssh
mkdir -p "$WORK/.auths"
cat >"$WORK/.auths/policy.toml" <<POLICY
version = 1

[governance]
signers = ["$(pub alice)"]

[[policy.release]]
name = "releases"
refs = ["refs/tags/v*"]
signers = ["$(pub alice)", "$(pub bob)"]
require = 2
POLICY

# artifact NAME: a fresh file $WORK/NAME (no signatures yet).
artifact() {
  printf 'release %s\n' "$1" >"$WORK/$1"
  rm -f "$WORK/$1.auths-sig"
}

# sign_as KEY NAME [ARGS...]: auths artifact sign with user.signingKey = KEY's private key file.
sign_as() {
  git -C "$WORK" config user.signingKey "$KEYS/$1"
  run "sign-$1-$2" "$AUTHS" artifact sign "$WORK/$2" --repo "$WORK" "${@:3}"
}

verify() { run "verify-$1" "$AUTHS" artifact verify "$WORK/$1" --policy "$WORK/.auths/policy.toml" --repo "$WORK" "${@:2}"; }

quorum_of_two() {
  artifact app-1.0.tar.gz
  sign_as alice app-1.0.tar.gz
  expect_rc 0
  expect_text "$RUN_OUT" "signed $WORK/app-1.0.tar.gz (sha256 $(sha256sum "$WORK/app-1.0.tar.gz" | cut -d' ' -f1))"
  expect_text "$RUN_OUT" "signatures: $WORK/app-1.0.tar.gz.auths-sig (1)"
  verify app-1.0.tar.gz
  expect_rc 1
  expect_text "$RUN_OUT" "refused under rule 'releases': quorum-not-met: requires 2 distinct signers; has 1"
  expect_text "$RUN_OUT" "approved by $(fpr alice) [Human] (signature "

  sign_as alice app-1.0.tar.gz
  expect_rc nonzero
  expect_text "$RUN_ERR" "already signed by $(fpr alice)"

  sign_as bob app-1.0.tar.gz
  expect_rc 0
  expect_text "$RUN_OUT" "(2)"
  verify app-1.0.tar.gz
  expect_rc 0
  expect_text "$RUN_OUT" "accepted under rule 'releases': ok: quorum of 2"
  expect_text "$RUN_OUT" "$(fpr bob)"
}
test_case quorum_of_two "require = 2: one signature refused (quorum-not-met), the second accepted, a repeat refused"

modified_file() {
  artifact app-2.0.tar.gz
  sign_as alice app-2.0.tar.gz
  expect_rc 0
  sign_as bob app-2.0.tar.gz
  expect_rc 0
  printf 'tampered\n' >>"$WORK/app-2.0.tar.gz"
  verify app-2.0.tar.gz
  expect_rc 1
  expect_text "$RUN_OUT" "refused under rule 'releases': bad-signature: the signatures are for 'app-2.0.tar.gz' with sha256"
  expect_text "$RUN_OUT" "(modified or renamed since it was signed)"
  sign_as carol app-2.0.tar.gz
  expect_rc nonzero
  expect_text "$RUN_ERR" "the existing signatures are for 'app-2.0.tar.gz'"
  # A copy under another name is not the artifact that was signed either.
  head -n 1 "$WORK/app-2.0.tar.gz" >"$WORK/renamed.tar.gz"
  cp "$WORK/app-2.0.tar.gz.auths-sig" "$WORK/renamed.tar.gz.auths-sig"
  verify renamed.tar.gz
  expect_rc 1
  expect_text "$RUN_OUT" "bad-signature"
}
test_case modified_file "a file modified after signing: refused (bad-signature); signing it again refused"

stranger_not_counted() {
  artifact app-3.0.tar.gz
  sign_as carol app-3.0.tar.gz
  expect_rc 0
  sign_as alice app-3.0.tar.gz
  expect_rc 0
  verify app-3.0.tar.gz --json
  expect_rc 1
  run stranger-json python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["accepted"] is False and doc["code"] == "quorum-not-met", doc
assert doc["rule"] == "releases", doc
codes = [(e["fingerprint"], e["good"], e["code"]) for e in doc["entries"]]
assert codes == [(sys.argv[2], True, "unknown-signer"), (sys.argv[3], True, "ok")], codes
' "$RUN_OUT" "$(fpr carol)" "$(fpr alice)"
  expect_rc 0
}
test_case stranger_not_counted "a signer the rule does not list: reported (unknown-signer), not counted (JSON)"

ssh_keygen_verifies() {
  artifact app-4.0.tar.gz
  sign_as bob app-4.0.tar.gz --json
  expect_rc 0
  run sign-json python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["count"] == 1 and doc["fingerprint"] == sys.argv[2], doc
' "$RUN_OUT" "$(fpr bob)"
  expect_rc 0
  # The signed message (canonical JSON of file, sha256, type, version) and the signature, as
  # anyone could rebuild them from FILE.auths-sig.
  run extract python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
message = {"file": doc["file"], "sha256": doc["sha256"], "type": doc["type"], "version": doc["version"]}
open(sys.argv[2], "w").write(json.dumps(message, sort_keys=True, separators=(",", ":")))
open(sys.argv[3], "w").write(doc["signatures"][0]["signature"])
' "$WORK/app-4.0.tar.gz.auths-sig" "$E2E_TMP/message" "$E2E_TMP/message.sig"
  expect_rc 0
  printf 'bob %s\n' "$(pub bob)" >"$E2E_TMP/allowed_signers"
  RUN_STDIN=$E2E_TMP/message run keygen-verify ssh-keygen -Y verify -f "$E2E_TMP/allowed_signers" -I bob \
    -n auths-artifact -s "$E2E_TMP/message.sig"
  expect_rc 0
  expect_text "$RUN_OUT" "Good \"auths-artifact\" signature for bob"
  RUN_STDIN=$E2E_TMP/message run keygen-git ssh-keygen -Y verify -f "$E2E_TMP/allowed_signers" -I bob \
    -n git -s "$E2E_TMP/message.sig"
  expect_rc nonzero
}
test_case ssh_keygen_verifies "ssh-keygen -Y verify accepts an extracted signature (namespace auths-artifact only)"

errors() {
  artifact app-5.0.tar.gz
  verify app-5.0.tar.gz
  expect_rc 1
  expect_text "$RUN_OUT" "refused under rule 'releases': unsigned: no $WORK/app-5.0.tar.gz.auths-sig"
  run no-policy "$AUTHS" artifact verify "$WORK/app-5.0.tar.gz" --policy "$WORK/missing.toml"
  expect_rc 2
  expect_text "$RUN_ERR" "cannot read $WORK/missing.toml"
  run no-file "$AUTHS" artifact verify "$WORK/missing.tar.gz" --policy "$WORK/.auths/policy.toml"
  expect_rc 2
  verify app-5.0.tar.gz --rule nonesuch
  expect_rc 2
  expect_text "$RUN_ERR" "the policy has no rule named 'nonesuch'"
}
test_case errors "no signatures: refused (unsigned); no policy, no file, no such rule: exit 2"

test_done
