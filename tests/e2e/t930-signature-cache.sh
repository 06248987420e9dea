#!/usr/bin/env bash
# e2e-transports: file
# The signature checks the server keeps (README "Performance", "Signature checks kept"): a push
# the hook accepts leaves its good signatures in state.sqlite (good_signatures), and later checks
# of the same objects take them from there instead of verifying again, as `auths hook run
# --json` counts them (signature_checks). Nothing of a decision is kept: once the policy
# removes carol, her commits whose signatures are kept are refused (unknown-signer), by the
# hook and by the dry run. A refused push, and any dry run, write nothing there.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key carol
make_key dave
# policy_v SIGNERS: the policy, main signed by alice and SIGNERS, feature/* also by dave.
policy_v() {
  cat <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"$1]

[[policy.commit]]
name = "feature"
refs = ["refs/heads/feature/*"]
signers = ["$(pub alice)", "$(pub dave)"$1]

[governance]
signers = ["$(pub alice)"]
EOF
}
setup_repo alice < <(policy_v ", \"$(pub carol)\"")

# kept_signatures: the server's kept signatures as "<object> <key fingerprint>", sorted.
kept_signatures() {
  python3 - "$SERVER/auths/state.sqlite" <<'PY'
import base64, sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT lower(hex(object)), key FROM good_signatures")
for obj, key in sorted(rows):
    print(obj, "SHA256:" + base64.b64encode(key).decode().rstrip("="))
PY
}

# expect_kept LINE...: the kept signatures are exactly the LINEs (in any order).
expect_kept() {
  local want got
  want=$(printf '%s\n' "$@" | sort)
  got=$(kept_signatures)
  if [ "$got" = "$want" ]; then ok; else fail "kept signatures differ" "expected:" "$want" "got:" "$got"; fi
}

# hook_run NAME LINE: `auths hook run --repo $SERVER --json` fed the pre-receive LINE (output in
# $RUN_OUT / $RUN_ERR, exit status in RC).
hook_run() {
  printf '%s\n' "$2" >"$E2E_TMP/$1.in"
  RUN_STDIN="$E2E_TMP/$1.in" run "$1" "$AUTHS" hook run --repo "$SERVER" --json
}

feature_push_kept() {
  c1=$(commit_as carol "carol one")
  c2=$(commit_as carol "carol two")
  push origin HEAD:refs/heads/feature/x
  expect_push_ok
  expect_kept "$c1 $(fpr carol)" "$c2 $(fpr carol)"
}
test_case feature_push_kept "an accepted push keeps the (object, key) of each signature it verified good"

main_dry_run_cached() {
  # feature/* has a signer main lacks (dave): feature/x vouches for nothing on main, so the
  # same commits are judged again for main, their signatures taken from what was kept.
  hook_run main "$SEED $c2 refs/heads/main"
  expect_rc 0
  json_check "$RUN_OUT" "doc['decision'] == 'accept' and sorted(o['oid'] for o in doc['refs'][0]['objects']) == sorted(['$c1', '$c2'])"
  json_check "$RUN_OUT" "doc['signature_checks'] == {'cached': 2, 'verified': 0}"
}
test_case main_dry_run_cached "auths hook run --json: the same commits judged for main, both signature checks from the cache"

dry_run_writes_nothing() {
  c3=$(commit_as carol "carol three")
  push_bypassing_hooks HEAD:refs/heads/side  # its objects on the server, judged by nobody
  hook_run three "$SEED $c3 refs/heads/main"
  expect_rc 0
  json_check "$RUN_OUT" "doc['decision'] == 'accept' and doc['signature_checks'] == {'cached': 2, 'verified': 1}"
  expect_kept "$c1 $(fpr carol)" "$c2 $(fpr carol)"
  push_bypassing_hooks :refs/heads/side
  # The hook keeps what it verified (feature/x vouches for c1 and c2 on feature/x itself).
  push origin HEAD:refs/heads/feature/x
  expect_push_ok
  expect_kept "$c1 $(fpr carol)" "$c2 $(fpr carol)" "$c3 $(fpr carol)"
}
test_case dry_run_writes_nothing "a dry run verifies c3 and keeps nothing; the hook's push of it keeps it"

carol_removed() {
  client_git checkout -q -b gov "$SEED"
  policy_v "" | policy_write
  g=$(commit_as alice "policy: carol leaves" governance.txt)
  push origin gov:main
  expect_push_ok
  expect_kept "$c1 $(fpr carol)" "$c2 $(fpr carol)" "$c3 $(fpr carol)" "$g $(fpr alice)"
  # Her kept signatures are still good; she may no longer sign: refused as without them.
  hook_run again "$ZERO_OID $c3 refs/heads/feature/y"
  expect_rc 1
  json_check "$RUN_OUT" "doc['signature_checks'] == {'cached': 3, 'verified': 0}"
  json_check "$RUN_OUT" "sorted((v['object'], v['code']) for v in doc['violations']) == sorted([('$c1', 'unknown-signer'), ('$c2', 'unknown-signer'), ('$c3', 'unknown-signer')])"
  push origin "$c3:refs/heads/feature/y"
  expect_push_rejected unknown-signer
  expect_kept "$c1 $(fpr carol)" "$c2 $(fpr carol)" "$c3 $(fpr carol)" "$g $(fpr alice)"
}
test_case carol_removed "after a governance commit removes carol, her cached commits are refused (unknown-signer)"

merge_refused() {
  client_git -c user.name=alice -c user.email=alice@example.org -c gpg.format=ssh \
    -c user.signingKey="$KEYS/alice" merge -q --no-ff -S -m "merge carol's work" "$c3" >/dev/null
  m=$(client_git rev-parse HEAD)
  push origin gov:main
  expect_push_rejected unknown-signer
  # The merge's good signature was verified, but the push was refused: nothing kept.
  expect_kept "$c1 $(fpr carol)" "$c2 $(fpr carol)" "$c3 $(fpr carol)" "$g $(fpr alice)"
  expect_hook_run_agrees
  json_check "$E2E_TMP/run.json" "doc['signature_checks'] == {'cached': 3, 'verified': 1}"
  json_check "$E2E_TMP/run.json" "{o['oid']: o['code'] for o in doc['refs'][0]['objects']} == {'$m': 'ok', '$c1': 'unknown-signer', '$c2': 'unknown-signer', '$c3': 'unknown-signer'}"
}
test_case merge_refused "alice's merge of the cached commits into main: refused as contributions of an unknown signer; nothing kept"

test_done
