#!/usr/bin/env bash
# auths policy lint, offline: a clean policy (exit 0), a misspelled key with its did-you-mean,
# a require above the signers listed, a [governance] nobody could satisfy (exit 1), a rule an
# earlier one shadows (a warning: exit 0), the JSON form, an unreadable file (exit 2), did:keri
# signers an empty registry does not know (--repo, a warning), and the policies this repository
# ships (policies/default.toml tells users to lint their copy).
. "$(dirname "$0")/lib.sh"
test_init
make_key alice
make_key bob
make_key p256 ecdsa

POLICIES=$E2E_TMP/policies
mkdir -p "$POLICIES"
SRC_POLICIES=$(cd "$(dirname "$0")/../../policies" && pwd -P)
KERI=did:keri:ECk3NGTh6pLNEtZb2qsDgFzIzks7nvWlk1VhO-170tKv

# write_policy NAME EXTRA: NAME.toml with [governance] (alice) and a rule 'main' (alice, bob)
# followed by EXTRA (lines 9 on).
write_policy() {
  cat >"$POLICIES/$1.toml" <<POLICY
version = 1
[governance]
signers = ["$(pub alice)"]

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)", "$(pub bob)"]
$2
POLICY
}

lint() { run "$1" "$AUTHS" policy lint "${@:2}"; }

clean_policy() {
  write_policy clean ""
  lint clean "$POLICIES/clean.toml"
  expect_rc 0
  expect_text "$RUN_OUT" "$POLICIES/clean.toml: ok (0 errors, 0 warnings)"
}
test_case clean_policy "a clean policy: exit 0"

misspelled_key() {
  write_policy typo 'singers = []'
  lint typo "$POLICIES/typo.toml"
  expect_rc 1
  expect_text "$RUN_OUT" \
    "error: $POLICIES/typo.toml:9: unknown key 'singers' in [[policy.commit]] 'main' (did you mean 'signers'?)"
  expect_text "$RUN_OUT" "not ok (1 error, 0 warnings)"
}
test_case misspelled_key "a misspelled key: exit 1, with the key it meant"

require_above_signers() {
  write_policy require 'require = 3'
  lint require "$POLICIES/require.toml"
  expect_rc 1
  expect_text "$RUN_OUT" "error: $POLICIES/require.toml:9: rule 'main' requires 3 signers but lists 2"
}
test_case require_above_signers "require above the signers listed: exit 1"

governance_lockout() {
  cat >"$POLICIES/lockout.toml" <<POLICY
version = 1
[[policy.commit]]
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]

[governance]
signers = []
POLICY
  lint lockout "$POLICIES/lockout.toml"
  expect_rc 1
  expect_text "$RUN_OUT" "error: $POLICIES/lockout.toml:6: [governance] requires 1 signer but lists 0"
  lint lockout-json "$POLICIES/lockout.toml" --json
  expect_rc 1
  expect_text "$RUN_OUT" '"code": "governance-lockout"'
}
test_case governance_lockout "a [governance] nobody could ever satisfy: exit 1"

shadowed_rule() {
  write_policy shadowed "
[[policy.commit]]
name = \"late\"
refs = [\"refs/heads/main\"]
signers = [\"$(pub bob)\"]"
  lint shadowed "$POLICIES/shadowed.toml"
  expect_rc 0
  expect_text "$RUN_OUT" "warning: $POLICIES/shadowed.toml:10: rule 'late' never applies: every ref it names is \
matched first by rule 'main' (line 5)"
  expect_text "$RUN_OUT" "ok (0 errors, 1 warning)"
}
test_case shadowed_rule "a rule an earlier one shadows: a warning, exit 0"

json_output() {
  write_policy json-typo 'Require = 1'
  lint json "$POLICIES/json-typo.toml" --json
  expect_rc 1
  run json-parse python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["file"] == sys.argv[2], doc
assert doc["ok"] is False, doc
[f] = doc["findings"]
assert sorted(f) == ["code", "message", "severity", "where"] and f["severity"] == "error", f
assert f["code"] == "unknown-key" and f["where"] == sys.argv[2] + ":9", f
assert f["message"].endswith("(did you mean \x27require\x27?)"), f
print("parsed")
' "$RUN_OUT" "$POLICIES/json-typo.toml"
  expect_rc 0
  expect_text "$RUN_OUT" parsed
}
test_case json_output "--json prints {file, ok, findings} that python3 parses"

unreadable_file() {
  lint missing "$POLICIES/none.toml"
  expect_rc 2
  expect_text "$RUN_ERR" "cannot read $POLICIES/none.toml"
  lint directory "$POLICIES"
  expect_rc 2
}
test_case unreadable_file "a file that cannot be read: exit 2"

unknown_identity() {
  git init -q "$E2E_TMP/repo"
  write_policy keri "
[[policy.release]]
name = \"releases\"
refs = [\"refs/tags/*\"]
signers = [\"$KERI\"]"
  lint keri "$POLICIES/keri.toml" --repo "$E2E_TMP/repo"
  expect_rc 0
  expect_text "$RUN_OUT" "warning: $POLICIES/keri.toml:10: rule 'releases' names $KERI, which the repository's \
refs/auths/registry does not know"
  lint keri-offline "$POLICIES/keri.toml"
  expect_rc 0
  expect_no_text "$RUN_OUT" "warning:"
  lint keri-no-repo "$POLICIES/keri.toml" --repo "$E2E_TMP/none"
  expect_rc 2
}
test_case unknown_identity "--repo: a did:keri signer the registry does not know is a warning"

rule_conditions() {
  write_policy ttl 'max_ttl = "1h"'
  lint ttl "$POLICIES/ttl.toml"
  expect_rc 0
  expect_text "$RUN_OUT" "warning: $POLICIES/ttl.toml:5: rule 'main' sets max_ttl, which the 2 key(s) it lists directly can never meet"
  # require_log on the default branch's rule: nothing could change the policy again.
  cat >"$POLICIES/witness.toml" <<POLICY
version = 1
[witness]
keys = ["$(pub bob)"]
[governance]
signers = ["$(pub alice)"]
[[policy.commit]]
name = "audited"
refs = ["refs/heads/audited/*"]
signers = ["$(pub alice)"]
require_log = "witness"
[[policy.commit]]
name = "main"
refs = ["refs/heads/**"]
signers = ["$(pub alice)"]
require_log = "witness"
POLICY
  lint witness "$POLICIES/witness.toml" --json
  expect_rc 0
  json_check "$RUN_OUT" "[f['code'] for f in doc['findings']] == ['witness-on-default-branch']"
  json_check "$RUN_OUT" "doc['findings'][0]['where'].endswith('witness.toml:11') and doc['findings'][0]['severity'] == 'warning'"
  # Witnesses that can never sign a receipt (P-256; receipts are Ed25519): every commit refused,
  # on the default branch a lockout.
  sed "s|^keys = .*|keys = [\"$(pub p256)\"]|" "$POLICIES/witness.toml" >"$POLICIES/witness-p256.toml"
  lint witness-p256 "$POLICIES/witness-p256.toml" --json
  expect_rc 1
  json_check "$RUN_OUT" "[f['code'] for f in doc['findings']] == ['witness-unmeetable', 'governance-lockout']"
  json_check "$RUN_OUT" "doc['findings'][1]['where'].endswith('witness-p256.toml:11') and doc['findings'][1]['severity'] == 'error'"
}
test_case rule_conditions "max_ttl over keys listed directly (a warning), require_log on the default branch (a warning), witnesses that cannot sign receipts (a lockout there)"

expression_file() {
  printf '%s\n' '{"op": "And", "args": [{"op": "NotRevokd"}, {"HasCapability": 3}]}' >"$POLICIES/bad.json"
  lint expr "$POLICIES/bad.json"
  expect_rc 1
  expect_text "$RUN_OUT" "error: $POLICIES/bad.json: root.args[0]: unknown node \"NotRevokd\" (did you mean NotRevoked?)"
  expect_text "$RUN_OUT" "error: $POLICIES/bad.json: root.args[1]"
  expect_text "$RUN_OUT" "not ok (2 errors, 0 warnings)"
  printf '%s\n' '{"And": ["NotRevoked", {"RefMatches": "refs/heads/bot/*"}]}' >"$POLICIES/good.json"
  lint expr "$POLICIES/good.json"
  expect_rc 0
  # A policy whose expression file does not compile does not load.
  write_policy expr 'expression = ".auths/bad.json"'
  mkdir -p "$POLICIES/.auths" && cp "$POLICIES/bad.json" "$POLICIES/.auths/bad.json"
  lint expr "$POLICIES/expr.toml"
  expect_rc 1
  expect_text "$RUN_OUT" "expression file '.auths/bad.json' does not compile: root.args[0]: unknown node"
}
test_case expression_file "an expression file (JSON): every compile error with its path; a policy naming a broken one does not load"

shipped_policies() {
  local file
  for file in "$SRC_POLICIES"/*.toml "$SRC_POLICIES"/examples/*.toml; do
    lint shipped "$file"
    expect_rc 0
    expect_text "$RUN_OUT" "$file: ok (0 errors, 0 warnings)"
  done
}
test_case shipped_policies "the policies in policies/ lint clean"

test_done
