#!/usr/bin/env bash
# e2e-transports: file
# auths-sign as git's gpg.ssh.program, checked by third parties: keys made by `auths key
# generate` (ed25519 and p256, encrypted in $AUTHS_HOME) sign files that `ssh-keygen -Y verify`
# accepts; `git commit -S` / `git tag -s` with user.signingKey=auths:<alias> make objects that
# `git verify-commit` / `git verify-tag` accept and the pre-receive hook accepts; a wrong or
# missing passphrase makes `git commit -S` fail with a clear message; every other ssh-keygen
# command line (-Y verify, find-principals, check-novalidate, sign with a key file) is passed
# to ssh-keygen unchanged.
. "$(dirname "$0")/lib.sh"
test_init

SIGN=$AUTHS_BIN_DIR/auths-sign
[ -x "$SIGN" ] || e2e_die "$SIGN is missing or not executable"
export AUTHS_HOME=$E2E_TMP/auths-home
export AUTHS_PASSPHRASE="e2e passphrase"
export AUTHS_KDF_MEMORY_KIB=64  # keys from this test need not resist brute force
WORK=$E2E_TMP/work
mkdir -p "$WORK"
ALLOWED=$E2E_TMP/allowed_signers

REPO=$E2E_TMP/repo

expect_mode() {
  local got
  got=$(stat -c %a "$1")
  if [ "$got" = "$2" ]; then ok; else fail "expected mode $2 on $1, got $got"; fi
}

key_generate() {
  run gen-ed "$AUTHS" key generate --alias dev-ed
  expect_rc 0
  run gen-p256 "$AUTHS" key generate --alias dev-p256 --curve p256
  expect_rc 0
  expect_mode "$AUTHS_HOME" 700
  expect_mode "$AUTHS_HOME/keys" 700
  expect_mode "$AUTHS_HOME/keys/dev-ed.json" 600
  expect_mode "$AUTHS_HOME/keys/dev-p256.json" 600
  run gen-again "$AUTHS" key generate --alias dev-ed
  expect_rc 64
  expect_text "$RUN_ERR" "key 'dev-ed' already exists"
  run gen-bad "$AUTHS" key generate --alias ../escape
  expect_rc 64
  run list "$AUTHS" key list
  expect_rc 0
  if [ "$(awk '{print $1}' "$RUN_OUT" | tr '\n' ' ')" = "dev-ed dev-p256 " ]; then ok; else
    fail "auths key list: expected dev-ed and dev-p256" "$(cat "$RUN_OUT")"
  fi
}
test_case key_generate "auths key generate: an ed25519 and a p256 key, encrypted, in a private home"

key_show() {
  for alias in dev-ed dev-p256; do
    "$AUTHS" key show --alias "$alias" --format ssh >"$WORK/$alias.pub" || fail "auths key show --alias $alias failed"
    "$AUTHS" key show --alias "$alias" --format json >"$WORK/$alias.json" || fail "auths key show --format json failed"
    ssh_fpr=$(ssh-keygen -l -E sha256 -f "$WORK/$alias.pub" | awk '{print $2}')
    json_check "$WORK/$alias.json" "doc['fingerprint'] == '$ssh_fpr' and doc['signing_key'] == 'auths:$alias'" \
      "auths key show fingerprint is ssh-keygen's"
    did=$("$AUTHS" key show --alias "$alias" --format did)
    case "$alias:$did" in
      dev-ed:did:key:z6Mk* | dev-p256:did:key:zDn*) ok ;;
      *) fail "unexpected did:key for $alias: $did" ;;
    esac
  done
  {
    printf 'dev@example.org %s\n' "$(cat "$WORK/dev-ed.pub")"
    printf 'dev256@example.org %s\n' "$(cat "$WORK/dev-p256.pub")"
  } >"$ALLOWED"
}
test_case key_show "auths key show: the ssh line matches its fingerprint (ssh-keygen -l) and the did:key"

sign_verifies() {
  printf 'a payload\nwith two lines\n' >"$WORK/payload"
  for alias in dev-ed dev-p256; do
    principal=dev@example.org
    [ "$alias" = dev-p256 ] && principal=dev256@example.org
    for hashalg in default sha256; do
      opts=()
      [ "$hashalg" = sha256 ] && opts=(-O hashalg=sha256)
      rm -f "$WORK/payload.sig"
      run "sign-$alias-$hashalg" "$SIGN" -Y sign -n git -f "auths:$alias" "${opts[@]}" "$WORK/payload"
      expect_rc 0
      [ -f "$WORK/payload.sig" ] || fail "auths-sign wrote no $WORK/payload.sig"
      expect_mode "$WORK/payload.sig" 644
      if [ "$(head -n1 "$WORK/payload.sig")" = "-----BEGIN SSH SIGNATURE-----" ]; then ok; else fail "no armour in payload.sig"; fi
      RUN_STDIN="$WORK/payload" run verify \
        ssh-keygen -Y verify -n git -f "$ALLOWED" -I "$principal" -s "$WORK/payload.sig"
      expect_rc 0
      expect_text "$RUN_OUT" "Good \"git\" signature for $principal"
      RUN_STDIN="$WORK/payload" run verify-ns \
        ssh-keygen -Y verify -n file -f "$ALLOWED" -I "$principal" -s "$WORK/payload.sig"
      expect_rc nonzero
      printf 'tampered\n' >>"$WORK/payload.tampered"
      cat "$WORK/payload" "$WORK/payload.tampered" >"$WORK/payload.bad"
      RUN_STDIN="$WORK/payload.bad" run verify-bad \
        ssh-keygen -Y verify -n git -f "$ALLOWED" -I "$principal" -s "$WORK/payload.sig"
      expect_rc nonzero
    done
  done
}
test_case sign_verifies "auths-sign -Y sign with auths:<alias>: ssh-keygen -Y verify accepts (ed25519, p256; sha512, sha256)"

sign_stdin() {
  for operand in none dash; do
    args=(-Y sign -n file -f auths:dev-ed)
    [ "$operand" = dash ] && args+=(-)
    RUN_STDIN="$WORK/payload" run stdin "$SIGN" "${args[@]}"
    expect_rc 0
    cp "$RUN_OUT" "$WORK/stdin.sig"
    RUN_STDIN="$WORK/payload" run verify-stdin \
      ssh-keygen -Y verify -n file -f "$ALLOWED" -I dev@example.org -s "$WORK/stdin.sig"
    expect_rc 0
  done
}
test_case sign_stdin "auths-sign signs stdin to stdout when no file is given (and with '-')"

sign_refusals() {
  run no-ns "$SIGN" -Y sign -f auths:dev-ed "$WORK/payload"
  expect_rc 255
  expect_text "$RUN_ERR" "missing namespace"
  run unknown-alias "$SIGN" -Y sign -n git -f auths:nobody "$WORK/payload"
  expect_rc 255
  expect_text "$RUN_ERR" "no key 'nobody'"
  run bad-hash "$SIGN" -Y sign -n git -f auths:dev-ed -O hashalg=sha1 "$WORK/payload"
  expect_rc 255
  run mixed "$SIGN" -Y sign -n git -f auths:dev-ed "$WORK/payload" -
  expect_rc 255
}
test_case sign_refusals "auths-sign refuses what it cannot do with a stored key, as ssh-keygen would"

delegates_to_ssh_keygen() {
  "$SIGN" -Y sign -n git -f auths:dev-ed "$WORK/payload" </dev/null 2>/dev/null || fail "auths-sign failed"
  RUN_STDIN="$WORK/payload" run deleg-verify \
    "$SIGN" -Y verify -n git -f "$ALLOWED" -I dev@example.org -s "$WORK/payload.sig"
  expect_rc 0
  expect_text "$RUN_OUT" 'Good "git" signature for dev@example.org with ED25519 key'
  run deleg-find "$SIGN" -Y find-principals -f "$ALLOWED" -s "$WORK/payload.sig"
  expect_rc 0
  if [ "$(cat "$RUN_OUT")" = dev@example.org ]; then ok; else fail "find-principals: $(cat "$RUN_OUT")"; fi
  RUN_STDIN="$WORK/payload" run deleg-check "$SIGN" -Y check-novalidate -n git -s "$WORK/payload.sig"
  expect_rc 0
  RUN_STDIN="$WORK/payload" run deleg-verify-bad \
    "$SIGN" -Y verify -n git -f "$ALLOWED" -I someone@else -s "$WORK/payload.sig"
  expect_rc nonzero
  make_key bob
  rm -f "$WORK/payload.sig"
  run deleg-sign "$SIGN" -Y sign -n git -f "$KEYS/bob" "$WORK/payload"
  expect_rc 0
  printf 'bob@example.org %s\n' "$(pub bob)" >"$WORK/allowed-bob"
  RUN_STDIN="$WORK/payload" run verify-bob \
    ssh-keygen -Y verify -n git -f "$WORK/allowed-bob" -I bob@example.org -s "$WORK/payload.sig"
  expect_rc 0
}
test_case delegates_to_ssh_keygen "everything else is ssh-keygen's: -Y verify, find-principals, check-novalidate, sign with a key file"

git_commit_tag_signed() {
  git init -q "$REPO"
  git -C "$REPO" config gpg.format ssh
  git -C "$REPO" config gpg.ssh.program "$SIGN"
  git -C "$REPO" config gpg.ssh.allowedSignersFile "$ALLOWED"
  git -C "$REPO" config user.email dev@example.org
  for alias in dev-ed dev-p256; do
    git -C "$REPO" config user.signingKey "auths:$alias"
    printf '%s\n' "$alias" >>"$REPO/file.txt"
    git -C "$REPO" add file.txt
    run "commit-$alias" git -C "$REPO" commit -S -m "signed with auths:$alias"
    expect_rc 0
    if git -C "$REPO" cat-file commit HEAD | grep -q '^gpgsig -----BEGIN SSH SIGNATURE-----'; then ok; else
      fail "HEAD has no SSH signature header"
    fi
    run "verify-commit-$alias" git -C "$REPO" verify-commit HEAD
    expect_rc 0
    principal=dev@example.org
    [ "$alias" = dev-p256 ] && principal=dev256@example.org
    expect_text "$RUN_ERR" "Good \"git\" signature for $principal"
    run "tag-$alias" git -C "$REPO" tag -s -m "release by $alias" "v-$alias"
    expect_rc 0
    run "verify-tag-$alias" git -C "$REPO" verify-tag "v-$alias"
    expect_rc 0
  done
  run log-sig git -C "$REPO" log --format=%G? -n 2
  expect_rc 0
  if [ "$(tr -d '\n' <"$RUN_OUT")" = GG ]; then ok; else fail "git log %G? expected GG, got $(cat "$RUN_OUT")"; fi
}
test_case git_commit_tag_signed "git commit -S and git tag -s through auths-sign; git verify-commit / verify-tag accept them"

wrong_passphrase() {
  git -C "$REPO" config user.signingKey auths:dev-ed
  head_before=$(git -C "$REPO" rev-parse HEAD)
  printf 'more\n' >>"$REPO/file.txt"
  git -C "$REPO" add file.txt
  run commit-wrong env AUTHS_PASSPHRASE="not the passphrase" git -C "$REPO" commit -S -m "should not be signed"
  expect_rc nonzero
  expect_text "$RUN_ERR" "auths-sign: wrong passphrase for key 'dev-ed'"
  if [ "$(git -C "$REPO" rev-parse HEAD)" = "$head_before" ]; then ok; else fail "a commit was made despite the failed signature"; fi
}
test_case wrong_passphrase "a wrong AUTHS_PASSPHRASE makes git commit -S fail with a clear message"

no_passphrase_no_tty() {
  run commit-notty env -u AUTHS_PASSPHRASE setsid -w git -C "$REPO" commit -S -m "should not be signed"
  expect_rc nonzero
  expect_text "$RUN_ERR" "AUTHS_PASSPHRASE"
  if [ "$(git -C "$REPO" rev-parse HEAD)" = "$head_before" ]; then ok; else fail "a commit was made without a passphrase"; fi
}
test_case no_passphrase_no_tty "no AUTHS_PASSPHRASE and no terminal: git commit -S fails and says how to give one"

hook_accepts_auths_sign() {
  make_key admin
  setup_repo admin <<EOF
version = 1
default = "deny"

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub admin)", "$(cat "$WORK/dev-p256.pub")"]
EOF
  client_git config gpg.ssh.program "$SIGN"
  client_git config user.signingKey auths:dev-p256
  printf 'by the p256 device\n' >>"$CLIENT/log.txt"
  client_git add -A
  run client-commit client_git commit -q -S -m "signed by auths:dev-p256"
  expect_rc 0
  c=$(client_git rev-parse HEAD)
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$c"
}
test_case hook_accepts_auths_sign "a commit signed through auths-sign is accepted by the pre-receive hook"

test_done
