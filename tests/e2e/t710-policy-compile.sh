#!/usr/bin/env bash
# auths policy compile, offline: an expression that compiles (nodes, depth, hash, predicates;
# exit 0), the same hash for Auths' {"op","args"} spelling and the seed's {"And": [...]} one,
# the hash equal to b3sum of --canonical's output, every error with its path on stderr (exit 1),
# the 64 KiB limit, --json, an unreadable file (exit 2), and a policy.toml: its rules, its
# expressions and a content hash equal for equal rules.
. "$(dirname "$0")/lib.sh"
test_init

EXPR=$E2E_TMP/expressions
mkdir -p "$EXPR"

compile() { run "$1" "$AUTHS" policy compile "${@:2}"; }

# The same expression in two spellings.
cat >"$EXPR/adjacent.json" <<'JSON'
{"op": "And", "args": [
  {"op": "NotRevoked"},
  {"op": "HasCapability", "args": "sign_commit"},
  {"op": "Not", "args": {"op": "IsHuman"}},
  {"op": "RefMatches", "args": "refs/heads/bot/*"}
]}
JSON
cat >"$EXPR/seed.json" <<'JSON'
{"And": ["NotRevoked", {"HasCapability": "sign_commit"}, {"Not": "IsHuman"}, {"BranchMatches": "refs/heads/bot/*"}]}
JSON

# hash_of FILE: the hash line auths policy compile prints for FILE.
hash_of() { "$AUTHS" policy compile "$1" | sed -n 's/^hash: //p'; }

compiles() {
  compile good "$EXPR/adjacent.json"
  expect_rc 0
  expect_out "$EXPR/adjacent.json: ok"
  expect_out "nodes: 6 (at most 1024)"
  expect_out "depth: 2 (at most 64)"
  expect_out "bytes: $(wc -c <"$EXPR/adjacent.json") (at most 65536)"
  expect_out "predicate: HasCapability(sign_commit)"
  expect_out "predicate: Not(IsHuman)"
  expect_out "predicate: NotRevoked"
  expect_out "predicate: RefMatches(refs/heads/bot/*)"
  if grep -Eq '^hash: [0-9a-f]{64}$' "$RUN_OUT"; then ok; else fail "no 64-hex hash line" "$(cat "$RUN_OUT")"; fi
}
test_case compiles "an expression that compiles: nodes, depth, bytes, hash, predicates; exit 0"

one_hash_for_both_spellings() {
  local adjacent seed
  adjacent=$(hash_of "$EXPR/adjacent.json")
  seed=$(hash_of "$EXPR/seed.json")
  expect_equal "${#adjacent}" 64 "hash length"
  expect_equal "$seed" "$adjacent" "the seed's spelling's hash"
  printf '{"And": ["NotRevoked", "True"]}' >"$EXPR/other.json"
  if [ "$(hash_of "$EXPR/other.json")" != "$adjacent" ]; then ok; else fail "another expression, the same hash"; fi
}
test_case one_hash_for_both_spellings "both spellings of one expression: one hash; another expression: another"

hash_is_b3sum_of_canonical() {
  compile canonical "$EXPR/seed.json" --canonical
  expect_rc 0
  expect_out '{"args":[{"op":"NotRevoked"},{"args":"sign_commit","op":"HasCapability"},{"args":{"op":"IsHuman"},"op":"Not"},{"args":"refs/heads/bot/*","op":"RefMatches"}],"op":"And"}'
  local canonical
  canonical=$(cat "$RUN_OUT")
  expect_equal "$(printf '%s' "$canonical" | b3sum --no-names)" "$(hash_of "$EXPR/seed.json")" "b3sum of --canonical"
}
test_case hash_is_b3sum_of_canonical "the hash is b3sum of the canonical serialization --canonical prints"

errors_with_paths() {
  cat >"$EXPR/bad.json" <<'JSON'
{"op": "And", "args": [
  {"op": "Or", "args": ["True", {"op": "RepoIs", "args": "org/a"}, {"op": "HasCapabilty", "args": "x"}]},
  {"HasCapability": "Sign_Commit"},
  {"MaxChainDepth": 17},
  {"Or": []},
  "True"
]}
JSON
  compile bad "$EXPR/bad.json"
  expect_rc 1
  expect_out "$EXPR/bad.json: not ok (4 errors)"
  expect_text "$RUN_ERR" 'error: root.args[0].args[2]: unknown node "HasCapabilty" (did you mean HasCapability?)'
  expect_text "$RUN_ERR" 'error: root.args[1]: capability "Sign_Commit" is not 1-64 characters of a-z 0-9 : _ -'
  expect_text "$RUN_ERR" 'error: root.args[2]: MaxChainDepth takes an integer 0-16, not 17'
  expect_text "$RUN_ERR" 'error: root.args[3]: Or needs at least one item'
  expect_equal "$(grep -c '^error: ' "$RUN_ERR")" 4 "error lines"
  expect_no_text "$RUN_OUT" "hash:"

  printf '{"op": "True"' >"$EXPR/truncated.json"
  compile truncated "$EXPR/truncated.json"
  expect_rc 1
  expect_text "$RUN_ERR" "error: root: not valid JSON"
}
test_case errors_with_paths "every compile error on stderr with its path; exit 1"

size_limit() {
  # {"op":"True"} padded with spaces to exactly 65536 bytes, then one byte more.
  { printf '{"op":"True"}'; head -c $((65536 - 13)) /dev/zero | tr '\0' ' '; } >"$EXPR/limit.json"
  compile limit "$EXPR/limit.json"
  expect_rc 0
  expect_out "bytes: 65536 (at most 65536)"
  { cat "$EXPR/limit.json"; printf ' '; } >"$EXPR/over.json"
  compile over "$EXPR/over.json"
  expect_rc 1
  expect_text "$RUN_ERR" "error: root: expression is 65537 bytes (at most 65536)"
  head -c 200000 /dev/zero | tr '\0' ' ' >"$EXPR/huge.json"
  compile huge "$EXPR/huge.json"
  expect_rc 1
  expect_text "$RUN_ERR" "error: root: expression is 200000 bytes (at most 65536)"
}
test_case size_limit "65536 bytes compile, one more does not (checked before parsing)"

json_output() {
  compile json-good "$EXPR/seed.json" --json
  expect_rc 0
  compile json-bad "$EXPR/bad.json" --json
  expect_rc 1
  run json-parse python3 -c '
import json, sys
good = json.load(open(sys.argv[1]))
assert good["ok"] is True and good["errors"] == [], good
assert good["nodes"] == 6 and good["depth"] == 2 and len(good["hash"]) == 64, good
assert good["byte_limit"] == 65536 and good["node_limit"] == 1024 and good["depth_limit"] == 64, good
assert "RefMatches(refs/heads/bot/*)" in good["predicates"], good
bad = json.load(open(sys.argv[2]))
assert bad["ok"] is False and bad["hash"] is None and bad["nodes"] is None and len(bad["errors"]) == 4, bad
assert bad["errors"][0].startswith("root.args[0].args[2]: "), bad
print("parsed")
' "$E2E_TMP/run/json-good.out" "$E2E_TMP/run/json-bad.out"
  expect_rc 0
  expect_text "$RUN_OUT" parsed
}
test_case json_output "--json prints {file, ok, bytes, nodes, depth, hash, predicates, errors} that python3 parses"

unreadable() {
  compile missing "$EXPR/none.json"
  expect_rc 2
  expect_text "$RUN_ERR" "cannot read $EXPR/none.json"
  compile directory "$EXPR"
  expect_rc 2
  compile missing-toml "$EXPR/none.toml"
  expect_rc 2
}
test_case unreadable "an unreadable file: exit 2"

# policy_toml DIR SIGNERS COMMENT: DIR/.auths/policy.toml with a bots rule whose expression is
# DIR/.auths/e.json (the seed's spelling).
policy_toml() {
  mkdir -p "$1/.auths"
  cp "$EXPR/seed.json" "$1/.auths/e.json"
  cat >"$1/.auths/policy.toml" <<POLICY
version = 1
$3
[governance]
signers = ["$(pub alice)"]
[[policy.commit]]
name = "bots"
refs = ["refs/heads/bot/*"]
signers = [$2]
expression = ".auths/e.json"
POLICY
}

policy_hash() {
  make_key alice
  make_key bob
  policy_toml "$E2E_TMP/p1" "\"$(pub alice)\", \"$(pub bob)\"" ""
  compile toml "$E2E_TMP/p1/.auths/policy.toml"
  expect_rc 0
  expect_text "$RUN_OUT" "rules: 1"
  local nodes
  nodes=$("$AUTHS" policy compile "$EXPR/seed.json" | sed -n 's/^nodes: \([0-9]*\) .*/\1/p')
  expect_text "$RUN_OUT" "expression: rule 'bots' .auths/e.json: $nodes nodes, depth 2, hash $(hash_of "$EXPR/seed.json")"
  local h
  h=$(sed -n 's/^hash: //p' "$RUN_OUT")
  compile canonical "$E2E_TMP/p1/.auths/policy.toml" --canonical
  expect_equal "$(printf '%s' "$(cat "$RUN_OUT")" | b3sum --no-names)" "$h" "b3sum of the policy's --canonical"
  # Comments, signer order and the expression's other spelling: the same rules, the same hash.
  policy_toml "$E2E_TMP/p2" "\"$(pub bob)\", \"$(pub alice)\"" "# deployed 2026-12-01"
  cp "$EXPR/adjacent.json" "$E2E_TMP/p2/.auths/e.json"
  expect_equal "$(hash_of "$E2E_TMP/p2/.auths/policy.toml")" "$h" "the hash of a reformatted policy"
  # One signer fewer: another hash.
  policy_toml "$E2E_TMP/p3" "\"$(pub alice)\"" ""
  if [ "$(hash_of "$E2E_TMP/p3/.auths/policy.toml")" != "$h" ]; then ok; else
    fail "a policy with another signer set has the same hash"
  fi
  compile toml-json "$E2E_TMP/p1/.auths/policy.toml" --json
  json_check "$RUN_OUT" "doc['ok'] and doc['hash'] == '$h' and doc['expressions'][0]['nodes'] == $nodes"
  # A policy that does not load: exit 1 with the loader's line.
  printf 'version = 1\nsingers = 1\n' >"$E2E_TMP/bad.toml"
  compile bad-toml "$E2E_TMP/bad.toml"
  expect_rc 1
  expect_text "$RUN_ERR" "unknown key 'singers'"
}
test_case policy_hash "a policy.toml: rules, expressions and a content hash equal for equal rules (b3sum of --canonical)"

help_text() {
  compile help --help
  expect_rc 0
  expect_text "$RUN_OUT" "BranchMatches"
  expect_text "$RUN_OUT" "root.args[0].args[2]"
  expect_text "$RUN_OUT" "--canonical"
}
test_case help_text "--help names the nodes, the error paths and --canonical"

test_done
