#!/usr/bin/env bash
# auths policy init, add-signer, set-threshold, offline: init in a fresh clone (the default file
# at the work tree's top, never replaced without --force, every template lints clean), signers
# added (an ssh-keygen key to the commit rules, a did:key to the release rule) with the comments
# kept, duplicates and signers that do not parse refused with the file untouched, thresholds the
# loader refuses, the canonical rewrite said on stderr, --json; then the edited policy is pushed
# to a bare repository with the hooks installed and pushes are judged as it says.
. "$(dirname "$0")/lib.sh"
test_init
make_key alice
make_key bob
make_key carol
make_key mallory

ORG=did:keri:EKCwefcndSR70xy-IBbK6-nQ0BO-pZFIpm6VFkHyUD7_

# did_key NAME: the did:key of NAME's ed25519 key (multicodec 0xed01, base58btc), computed here
# from the .pub file, not by auths.
did_key() {
  python3 - "$KEYS/$1.pub" <<'PY'
import base64, struct, sys
blob = base64.b64decode(open(sys.argv[1]).read().split()[1])
n = struct.unpack(">I", blob[:4])[0]
assert blob[4:4 + n] == b"ssh-ed25519"
raw = blob[8 + n:]
assert len(raw) == 32
data = b"\xed\x01" + raw
alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
num, out = int.from_bytes(data, "big"), ""
while num:
    num, r = divmod(num, 58)
    out = alphabet[r] + out
print("did:key:z" + "1" * (len(data) - len(data.lstrip(b"\0"))) + out)
PY
}

server_init
client_init alice
POLICY=$CLIENT/.auths/policy.toml
pol() { run "$1" "$AUTHS" policy "${@:2}"; }
# expect_same FILE COPY WHAT: FILE is byte for byte COPY.
expect_same() { if cmp -s "$1" "$2"; then ok; else fail "$3" "$(diff "$2" "$1" | head -20)"; fi; }

init_in_a_fresh_clone() {
  mkdir -p "$CLIENT/src/deep"
  cd "$CLIENT/src/deep" || e2e_die "no $CLIENT/src/deep"  # a case's subshell: its own directory
  pol init init --signer "$(pub alice)"
  expect_rc 0
  expect_out "wrote $POLICY (template minimal, default branch main, 1 signer)"
  expect_text "$POLICY" '# Required. The format of this file'
  expect_text "$POLICY" 'refs = ["refs/heads/main"]'
  expect_text "$POLICY" 'refs = ["refs/tags/v*"]'
  expect_text "$POLICY" '[governance]'
  cp "$POLICY" "$E2E_TMP/init.toml"
  cd "$CLIENT" || e2e_die "no $CLIENT"
  pol init-again init --signer "$(pub bob)"
  expect_rc 2
  expect_text "$RUN_ERR" "already exists (--force replaces it)"
  expect_same "$POLICY" "$E2E_TMP/init.toml" "init without --force changed $POLICY"
  pol no-signer init --file "$E2E_TMP/none.toml"
  expect_rc 64
  expect_text "$RUN_ERR" "name at least one --signer"
  pol bad-signer init --file "$E2E_TMP/none.toml" --signer "ssh-ed25519 AAAA-not-a-key alice"
  expect_rc 1
  expect_text "$RUN_ERR" "the new policy would not load: invalid signer"
  if [ -e "$E2E_TMP/none.toml" ]; then fail "a policy that would not load was written"; else ok; fi
  pol lint-init lint "$POLICY"
  expect_rc 0
}
test_case init_in_a_fresh_clone "init writes .auths/policy.toml at the top of the work tree, never over a file"

every_template_lints() {
  local template args
  for template in minimal branches permissive org; do
    args=(--signer "$(pub alice)" --signer "$(did_key bob)")
    [ "$template" != org ] || args=(--org "$ORG")
    pol "init-$template" init --file "$E2E_TMP/templates/$template.toml" --template "$template" "${args[@]}" --json
    expect_rc 0
    expect_text "$RUN_OUT" "\"template\": \"$template\""
    pol "lint-$template" lint "$E2E_TMP/templates/$template.toml"
    expect_rc 0
    expect_text "$RUN_OUT" "ok (0 errors, 0 warnings)"
  done
  pol unknown-template init --file "$E2E_TMP/templates/x.toml" --template nope --signer "$(pub alice)"
  expect_rc 64
}
test_case every_template_lints "every template is written and lints clean"

add_signers() {
  cp "$POLICY" "$E2E_TMP/before-add.toml"
  pol add-bob add-signer "$(pub bob)" --role commit --file "$POLICY"
  expect_rc 0
  expect_out "added the signer to [[policy.commit]] 'main' in $POLICY"
  expect_no_text "$RUN_ERR" "canonically"
  # Only the new line differs: every comment and the order are kept.
  diff "$E2E_TMP/before-add.toml" "$POLICY" >"$E2E_TMP/add.diff" || true
  expect_equal "$(grep -c '^[<>]' "$E2E_TMP/add.diff")" 1 "lines changed by add-signer"
  expect_text "$E2E_TMP/add.diff" ">   \"$(pub bob)\","

  cd "$CLIENT" || e2e_die "no $CLIENT"
  pol add-carol add-signer "$(did_key carol)" --role release --json
  expect_rc 0
  expect_text "$RUN_OUT" '"tables": ['
  expect_text "$RUN_OUT" "\"[[policy.release]] 'releases'\""
  expect_text "$RUN_OUT" '"canonical": false'
  expect_text "$POLICY" "\"$(did_key carol)\","
}
test_case add_signers "add-signer: an ssh-keygen key to the commit rule, a did:key to the release rule"

refusals_leave_the_file() {
  cp "$POLICY" "$E2E_TMP/before-refusals.toml"
  # bob's key with another comment is still bob.
  pol dup add-signer "$(cut -d' ' -f1,2 "$KEYS/bob.pub") bob@laptop" --role commit --file "$POLICY"
  expect_rc 1
  expect_text "$RUN_ERR" "is already a signer of [[policy.commit]] 'main'"
  pol dup-json add-signer "$(did_key carol)" --role release --file "$POLICY" --json
  expect_rc 1
  expect_text "$RUN_OUT" '"ok": false'
  pol garbage add-signer "ssh-ed25519 AAAAC3Nz garbage" --role governance --file "$POLICY"
  expect_rc 1
  expect_text "$RUN_ERR" "the edited policy would not load: invalid signer"
  pol no-rule add-signer "$(pub carol)" --role commit --rule nope --file "$POLICY"
  expect_rc 64
  expect_text "$RUN_ERR" "no [[policy.commit]] rule is named 'nope' (the rules: main)"
  pol above set-threshold release 5 --file "$POLICY"
  expect_rc 1
  expect_text "$RUN_ERR" "rule 'releases' requires 5 signers but lists 2"
  # 2 of the 2 listed is met by a commit's signature and one approval (on a copy: the file below stays).
  cp "$POLICY" "$E2E_TMP/two.toml"
  pol two set-threshold commit 2 --file "$E2E_TMP/two.toml"
  expect_rc 0
  pol two-lint lint "$E2E_TMP/two.toml"
  expect_rc 0
  if grep -q '^require = 2' "$E2E_TMP/two.toml"; then ok; else fail "set-threshold commit 2 did not write require = 2"; fi
  pol role set-threshold owners 1 --file "$POLICY"
  expect_rc 64
  pol missing add-signer "$(pub carol)" --role commit --file "$E2E_TMP/none.toml"
  expect_rc 2
  expect_text "$RUN_ERR" "cannot read the policy"
  expect_same "$POLICY" "$E2E_TMP/before-refusals.toml" "a refused edit changed $POLICY"
  pol same set-threshold commit 1 --file "$POLICY"
  expect_rc 0
  expect_out "$POLICY: already requires 1 where asked"
  expect_same "$POLICY" "$E2E_TMP/before-refusals.toml" "set-threshold to the same value changed $POLICY"
}
test_case refusals_leave_the_file "duplicates, bad signers and thresholds the loader refuses: exit 1, file untouched"

canonical_rewrite_is_said() {
  cat >"$E2E_TMP/inline.toml" <<POLICY
version = 1 # a comment that a rewrite loses
[policy]
commit = [{ name = "main", refs = ["refs/heads/main"], signers = ["$(pub alice)"] }]
[governance]
signers = ["$(pub alice)"]
POLICY
  chmod 0640 "$E2E_TMP/inline.toml"
  pol inline add-signer "$(pub bob)" --role commit --file "$E2E_TMP/inline.toml"
  expect_rc 0
  expect_text "$RUN_ERR" "rewrote $E2E_TMP/inline.toml canonically: comments and order were not kept"
  expect_no_text "$E2E_TMP/inline.toml" "a comment"
  expect_equal "$(stat -c %a "$E2E_TMP/inline.toml")" 640 "the mode of the rewritten file"
  pol inline-lint lint "$E2E_TMP/inline.toml"
  expect_rc 0
  pol inline-threshold set-threshold commit 2 --file "$E2E_TMP/inline.toml"
  expect_rc 0
  pol inline-threshold set-threshold commit 3 --file "$E2E_TMP/inline.toml"
  expect_rc 1
  expect_text "$RUN_ERR" "requires 3 signers but lists 2"
}
test_case canonical_rewrite_is_said "an inline table: rewritten canonically, said on stderr, mode kept"

edited_policy_is_enforced() {
  pol final-lint lint "$POLICY"
  expect_rc 0
  expect_text "$RUN_OUT" "ok (0 errors, 0 warnings)"
  commit_as alice "seed: the edited policy" >/dev/null
  push_bypassing_hooks main
  client_git fetch -q origin
  hook_install

  local c t
  c=$(commit_as bob "bob was added to the commit rule")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c"

  c=$(commit_as mallory "mallory never was")
  push origin main
  expect_push_rejected unknown-signer
  client_git reset -q --hard HEAD~1

  t=$(tag_as carol v1.0)
  push origin v1.0
  expect_push_ok "auths: push accepted: 0 commits and 1 tag verified in 1 ref"
  expect_ref refs/tags/v1.0 "$t"

  t=$(tag_as bob v1.1)
  push origin v1.1
  expect_push_rejected unknown-signer
}
test_case edited_policy_is_enforced "the edited policy, pushed: bob commits, carol (did:key) tags, others refused"

test_done
