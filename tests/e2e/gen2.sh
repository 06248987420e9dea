# shellcheck shell=bash  # sourced by bash scripts, never run: no shebang
# Helpers for the end-to-end tests of identities made in the current Auths format ("Gen-2",
# t800, t810): root identities, devices that are KERI delegated identifiers whose key is an
# OpenSSH ecdsa-sha2-nistp256 key (git signs with it), the registry tree of refs/auths/registry,
# .auths/ci-bundle.json and .auths/roots. Everything is made by tests/support/auths_gen2.py, an
# implementation of the documented format written apart from this repository's C++ code, so that
# the hooks are checked against the format and not against themselves. Source after lib.sh, call
# after test_init:
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/gen2.sh"
#   test_init
#   gen2_init                                      # the tool's own self-check; the state file
#   ALICE=$(gen2 identity alice)                   # a root (icp, P-256): did:keri:E...
#   make_key laptop ecdsa
#   LAPTOP=$(gen2 device alice laptop --ssh-key "$KEYS/laptop")   # dip anchored by alice's ixn
#   reg=$(gen2_registry)                           # the tree, checked, committed on $CLIENT's ref
#   c=$(gen2_commit laptop "$ALICE" "$LAPTOP" "work")   # git commit -S with the trailers
#
# The tool keeps keys and events in $GEN2_STATE between commands (gen2 --state FILE ... for
# another one).

# gen2_init: checks that the tool can run (python3 with cryptography, b3sum) and that its
# encoders pass their self-check; sets GEN2_PY, GEN2_PYTHON and GEN2_STATE (exported as
# AUTHS_GEN2_STATE: the state every gen2 command reads and writes unless given --state).
gen2_init() {
  command -v b3sum >/dev/null || e2e_die "b3sum is missing (Debian package b3sum, a test dependency)"
  GEN2_PYTHON=/usr/bin/python3
  [ -x "$GEN2_PYTHON" ] || GEN2_PYTHON=python3
  "$GEN2_PYTHON" -c 'import cryptography' 2>/dev/null ||
    e2e_die "$GEN2_PYTHON cannot import cryptography (Debian package python3-cryptography, a test dependency)"
  GEN2_PY=$(cd "$E2E_DIR/../support" && pwd)/auths_gen2.py
  [ -f "$GEN2_PY" ] || e2e_die "$GEN2_PY is missing"
  export AUTHS_GEN2_STATE=$E2E_TMP/gen2-state.json
  # shellcheck disable=SC2034  # a result for the calling script (documented above)
  GEN2_STATE=$AUTHS_GEN2_STATE
  gen2 selfcheck >/dev/null
}

# gen2 ARGS...: runs the tool (tests/support/auths_gen2.py documents its commands); stops the
# test when it fails.
gen2() {
  "$GEN2_PYTHON" "$GEN2_PY" "$@" 2>"$E2E_TMP/gen2.err" || e2e_die "auths_gen2.py $1 failed: $(cat "$E2E_TMP/gen2.err")"
}

# gen2_prefix DID: the prefix of a did:keri.
gen2_prefix() { printf '%s\n' "${1#did:keri:}"; }

# gen2_identity_dir DID: the directory of its KEL in the registry tree (v1/identities/<p[0:2]>/<p[2:4]>/<p>).
gen2_identity_dir() {
  local p=${1#did:keri:}
  printf 'v1/identities/%s/%s/%s\n' "${p:0:2}" "${p:2:2}" "$p"
}

# gen2_registry [NAME...]: the registry tree of every identity in the state (or of NAMEs) written
# to $E2E_TMP/gen2-registry, replayed by the tool's check-registry (the tool's own check of what
# it wrote), and committed as the next commit of $CLIENT's refs/auths/registry (the ref moves).
# Prints the commit.
gen2_registry() {
  gen2 write-registry "$E2E_TMP/gen2-registry" "$@"
  gen2 check-registry "$E2E_TMP/gen2-registry"
  gen2 commit-registry "$CLIENT" "$E2E_TMP/gen2-registry"
}

# gen2_commit KEY ROOT-DID DEVICE-DID MESSAGE: appends MESSAGE to log.txt in $CLIENT and commits
# everything with `git commit -S`, gpg.format=ssh and user.signingKey $KEYS/KEY (ssh-keygen
# signs), the message ending with the trailers `Auths-Id: ROOT-DID` and `Auths-Device:
# DEVICE-DID` (what Auths' prepare-commit-msg hook adds). Prints the commit id.
gen2_commit() {
  local key=$1 root=$2 device=$3 msg=$4
  printf '%s\n' "$msg" >>"$CLIENT/log.txt"
  client_git add -A
  client_git -c user.name="$key" -c user.email="$key@example.org" -c gpg.format=ssh \
    -c user.signingKey="$KEYS/$key" commit -q -S -m "$msg" -m "Auths-Id: $root"$'\n'"Auths-Device: $device" \
    </dev/null >"$E2E_TMP/commit.out" 2>&1 || e2e_die "git commit -S with $KEYS/$key failed: $(cat "$E2E_TMP/commit.out")"
  client_git rev-parse HEAD
}

# gen2_trailer COMMIT KEY: the value of trailer KEY of COMMIT's message, as git parses it.
gen2_trailer() {
  client_git log -1 --format="%(trailers:key=$2,valueonly,separator=%x2C)" "$1"
}

# expect_undecided_or_rejected CODE: the hook refused the push, with exit 1 (rejected) or 2
# (could not decide: fail closed), a violation line with CODE, and the server as before.
expect_undecided_or_rejected() {
  expect_hook_declined
  hook_exit_read
  case "$HOOK_EXIT" in
    1 | 2 | none) ok ;;
    *) fail "expected hook exit status 1 or 2, got $HOOK_EXIT" ;;
  esac
  expect_code "$1"
  expect_line_match '^auths: push rejected: '
  expect_server_unchanged
}
